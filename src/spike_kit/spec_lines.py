"""Where a JSON pointer into a YAML (or JSON) spec sits in its text: line and column.

Findings about a spec are JSON pointers, but a reviewer (and GitHub's annotations) wants a
line. PyYAML's composed nodes carry the start mark of every key and value, so the text is
composed once and a pointer is walked down the node tree. A pointer that goes through a
`$ref` (as the compatibility check's pointers do, because they name the operation a client
calls) follows the reference into the component it names, and into the `allOf` branch that
writes a merged model's field; a pointer that ends at something the text does not have (a
removed field) lands on the deepest part that is there.
"""

from __future__ import annotations

from attrs import frozen
from yaml import MappingNode, Node, ScalarNode, SequenceNode, YAMLError, compose

from spike_kit.spec.document import escape_token, unescape_token

__all__ = ["Location", "SpecLines", "SpecLinesError", "split_pointer"]


class SpecLinesError(Exception):
    """Raised when the text is not YAML or a pointer is not a JSON pointer."""


@frozen
class Location:
    """A place in the text, 1-based as editors and GitHub count."""

    line: int
    column: int
    pointer: str
    """The part of the asked pointer that was found (all of it when `exact`)."""
    exact: bool


def split_pointer(pointer: str) -> list[str]:
    """The reference tokens of a JSON pointer (RFC 6901), unescaped; `#` prefixes allowed."""
    text = pointer[1:] if pointer.startswith("#") else pointer
    if text == "":
        return []
    if not text.startswith("/"):
        raise SpecLinesError(f"{pointer!r} is not a JSON pointer (it must start with '/')")
    return [unescape_token(token) for token in text[1:].split("/")]


class SpecLines:
    """One spec's text, composed once, answering pointer -> (line, column)."""

    def __init__(self, text: str) -> None:
        try:
            root = compose(text)
        except YAMLError as exc:
            raise SpecLinesError(f"not valid YAML: {exc}") from None
        if root is None:
            raise SpecLinesError("the text holds no document")
        self._root: Node = root

    @classmethod
    def of_node(cls, root: Node) -> SpecLines:
        """Lines for a tree already composed (the spec loader keeps its own)."""
        lines = cls.__new__(cls)
        lines._root = root
        return lines

    def locate(self, pointer: str, *, follow_refs: bool = True) -> Location:
        """The line and column of the value at `pointer`, or of its deepest existing part.

        A mapping value is located at its key (`status:` rather than the value after it),
        which is where a reader looks and where an annotation belongs.
        """
        node: Node = self._root
        mark_node: Node = self._root
        found: list[str] = []
        seen_refs: set[str] = set()
        tokens = split_pointer(pointer)
        index = 0
        while index < len(tokens):
            token = tokens[index]
            child = _child(node, token)
            if child is None and follow_refs:
                ref = _ref_of(node)
                if ref is not None and ref not in seen_refs:
                    seen_refs.add(ref)
                    target = self._resolve(ref)
                    if target is not None:
                        node = target
                        continue
                branch = self._all_of_branch(node, tokens[index:], seen_refs)
                if branch is not None:
                    node = branch
                    continue
            if child is None:
                break
            key_node, node = child
            mark_node = key_node
            found.append(token)
            index += 1
        mark = mark_node.start_mark
        shown = "".join(f"/{escape_token(token)}" for token in found)
        return Location(mark.line + 1, mark.column + 1, shown, len(found) == len(tokens))

    def _all_of_branch(self, node: Node, tokens: list[str], seen_refs: set[str]) -> Node | None:
        """The `allOf` branch that writes most of `tokens` (a merged model's field is written
        in one of its branches)."""
        branches = _child(node, "allOf")
        if branches is None or not isinstance(branches[1], SequenceNode):
            return None
        best, reach = None, 0
        for branch in branches[1].value:
            ref = _ref_of(branch)
            if ref is not None and ref not in seen_refs:
                branch = self._resolve(ref) or branch
            depth = self._depth(branch, tokens)
            if depth > reach:
                best, reach = branch, depth
        return best

    def _depth(self, node: Node, tokens: list[str], seen: frozenset[str] = frozenset()) -> int:
        """How many of `tokens` can be walked from `node`, through `$ref`s and `allOf`s."""
        for count, token in enumerate(tokens):
            child = _child(node, token)
            if child is None:
                ref = _ref_of(node)
                target = self._resolve(ref) if ref is not None and ref not in seen else None
                if target is not None and ref is not None:
                    return count + self._depth(target, tokens[count:], seen | {ref})
                branches = _child(node, "allOf")
                if branches is not None and isinstance(branches[1], SequenceNode):
                    rest = tokens[count:]
                    return count + max(
                        (self._depth(b, rest, seen) for b in branches[1].value), default=0
                    )
                return count
            node = child[1]
        return len(tokens)

    def _resolve(self, ref: str) -> Node | None:
        if not ref.startswith("#"):
            return None
        node: Node = self._root
        try:
            tokens = split_pointer(ref)
        except SpecLinesError:
            return None
        for token in tokens:
            child = _child(node, token)
            if child is None:
                return None
            node = child[1]
        return node


def _child(node: Node, token: str) -> tuple[Node, Node] | None:
    """(the node to point at, the value node) for one reference token, or None."""
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key, ScalarNode) and str(key.value) == token:
                return key, value
        return None
    if isinstance(node, SequenceNode) and token.isdigit():
        position = int(token)
        if position < len(node.value):
            item = node.value[position]
            return item, item
    return None


def _ref_of(node: Node) -> str | None:
    child = _child(node, "$ref")
    if child is None or not isinstance(child[1], ScalarNode):
        return None
    return str(child[1].value)
