"""A spec's bytes read as YAML 1.2, the way OpenAPI 3.1 recommends and Spectral reads them.

PyYAML speaks YAML 1.1, where `on:` and `yes:` are booleans, `2024-01-01` is a date, `0755`
an octal number and a key written twice silently keeps the last value, so each tool of the
kit used to read a slightly different document from the same file. Here:

- scalars follow YAML 1.2's core schema (only `true`/`false` are booleans; no dates);
- a mapping key is the text written (`200:` is the status "200", as JSON would have it);
- a key written twice, a non-UTF-8 byte, a tag JSON has no value for, an alias that refers
  to itself or expands without bound are faults at their line, never a silent choice;
- the composed node tree is kept, so any part of the document can be found in the text.
"""

from __future__ import annotations

import math
import re
from typing import Any, ClassVar

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from spike_kit.spec.faults import SpecFault, quoted

MAX_NODES = 1_000_000
"""Values a document may expand to through aliases (a "billion laughs" stops here)."""

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Core12Loader(_Base):  # type: ignore[misc]
    """Composes only; the implicit resolvers are YAML 1.2's core schema (plus `<<` merges,
    which js-yaml and PyYAML both honour)."""

    yaml_implicit_resolvers: ClassVar[dict[str | None, list[tuple[str, re.Pattern[str]]]]] = {}


def _resolver(tag: str, pattern: str, first: str) -> None:
    _Core12Loader.add_implicit_resolver(tag, re.compile(pattern, re.X), list(first))


_resolver(_NULL, r"^(?:~|null|Null|NULL|)$", "~nN")
_resolver(_BOOL, r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF")
_resolver(_INT, r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789")
_resolver(
    _FLOAT,
    r"""^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$""",
    "-+0123456789.",
)
_resolver(_MERGE, r"^(?:<<)$", "<")
_Core12Loader.add_implicit_resolver(_NULL, re.compile(r"^$"), [""])


class _Faulted(Exception):
    """A fault that stops the build (a recursive alias, an expansion without bound)."""

    def __init__(self, fault: SpecFault) -> None:
        self.fault = fault


def _at(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def decode(data: bytes) -> tuple[str | None, list[SpecFault]]:
    """The text, or the fault at the first byte that is not UTF-8."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        head = data[: exc.start]
        line = head.count(b"\n") + 1
        column = exc.start - (head.rfind(b"\n") + 1) + 1
        byte = data[exc.start]
        return None, [
            SpecFault(
                f"byte 0x{byte:02X} is not UTF-8 (YAML and JSON specs are UTF-8 text; "
                "save the file as UTF-8)",
                line,
                column,
                kind="encoding",
            )
        ]
    return text.removeprefix("\ufeff"), []


def compose(text: str) -> tuple[Node | None, list[SpecFault]]:
    """The node tree, or the YAML syntax fault at its line and column."""
    try:
        return yaml.compose(text, Loader=_Core12Loader), []
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or "not valid YAML").strip()
        opened = exc.context_mark
        context = ""
        if exc.context:
            context = f" {exc.context.strip()}"
            if opened is not None and (mark is None or opened.line != mark.line):
                context += f" (started on line {opened.line + 1})"
        tab = mark is not None and mark.index < len(text) and text[mark.index] == "\t"
        hint = " (a tab: YAML indents with spaces only)" if tab else ""
        message = f"not valid YAML: {problem}{context and ','}{context}{hint}"
        if mark is None:
            return None, [SpecFault(message, kind="yaml")]
        return None, [SpecFault(message, mark.line + 1, mark.column + 1, kind="yaml")]
    except yaml.reader.ReaderError as exc:
        line, column = _position(text, exc.position)
        return None, [
            SpecFault(
                f"not valid YAML: character U+{exc.character:04X} is not allowed ({exc.reason})",
                line,
                column,
                kind="yaml",
            )
        ]
    except yaml.YAMLError as exc:
        return None, [SpecFault(f"not valid YAML: {exc}", kind="yaml")]


class Builder:
    """Plain JSON data from a composed node tree, with every fault found on the way."""

    def __init__(self) -> None:
        self.faults: list[SpecFault] = []
        self._built = 0
        self._open: set[int] = set()

    def build(self, node: Node) -> Any:
        self._built += 1
        if self._built > MAX_NODES:
            raise _Faulted(
                SpecFault(
                    f"the document expands to more than {MAX_NODES:,} values through aliases",
                    *_at(node),
                    kind="yaml",
                )
            )
        if isinstance(node, ScalarNode):
            return self._scalar(node)
        if id(node) in self._open:
            raise _Faulted(
                SpecFault("an alias refers to the value that contains it", *_at(node), kind="yaml")
            )
        self._open.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                self._tag(node, _SEQ)
                return [self.build(item) for item in node.value]
            if isinstance(node, MappingNode):
                self._tag(node, _MAP)
                return self._mapping(node)
        finally:
            self._open.discard(id(node))
        raise _Faulted(SpecFault("a YAML node JSON has no value for", *_at(node), kind="yaml"))

    def _tag(self, node: Node, expected: str) -> None:
        if node.tag != expected:
            self.faults.append(
                SpecFault(
                    f"the tag {node.tag} has no JSON value (an OpenAPI document is JSON data)",
                    *_at(node),
                    kind="yaml",
                )
            )

    def _scalar(self, node: ScalarNode) -> Any:
        text = str(node.value)
        tag = node.tag
        if tag in (_STR, _MERGE):
            return text
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return text.lower() == "true"
        try:
            if tag == _INT:
                return int(text, 0) if text[:2] in ("0o", "0x") else int(text)
            if tag == _FLOAT:
                lowered = text.lower().lstrip("+")
                if lowered in (".inf", "-.inf"):
                    return -math.inf if lowered.startswith("-") else math.inf
                return math.nan if lowered == ".nan" else float(text)
        except ValueError:
            self.faults.append(
                SpecFault(
                    f"{quoted(text)} is not a valid {tag.rsplit(':', 1)[-1]}",
                    *_at(node),
                    kind="yaml",
                )
            )
            return text
        self.faults.append(
            SpecFault(
                f"the tag {tag} has no JSON value (an OpenAPI document is JSON data)",
                *_at(node),
                kind="yaml",
            )
        )
        return text

    def _mapping(self, node: MappingNode) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first: dict[str, Node] = {}
        merged: list[dict[str, Any]] = []
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.faults.append(
                    SpecFault(
                        "a mapping key must be a plain string, not a list or a mapping",
                        *_at(key_node),
                        kind="yaml",
                    )
                )
                continue
            if key_node.tag == _MERGE:
                merged.extend(self._merge_sources(value_node))
                continue
            key = str(key_node.value)
            if key in first:
                line, _ = _at(first[key])
                self.faults.append(
                    SpecFault(
                        f"key {quoted(key)} appears twice in one mapping (first on line "
                        f"{line}); YAML keeps only one, so fix or remove the other",
                        *_at(key_node),
                        pointer=None,
                        kind="duplicate-key",
                    )
                )
                continue
            first[key] = key_node
            out[key] = self.build(value_node)
        for source in merged:
            for key, value in source.items():
                out.setdefault(key, value)
        return out

    def _merge_sources(self, node: Node) -> list[dict[str, Any]]:
        sources = node.value if isinstance(node, SequenceNode) else [node]
        built = []
        for source in sources:
            value = self.build(source)
            if isinstance(value, dict):
                built.append(value)
            else:
                self.faults.append(
                    SpecFault("`<<` merges mappings only", *_at(source), kind="yaml")
                )
        return built


def read(data: bytes) -> tuple[Any, Node | None, str | None, list[SpecFault]]:
    """(document, node tree, text, faults) for a file's bytes; the document is None when the
    bytes are not YAML at all."""
    text, faults = decode(data)
    if text is None:
        return None, None, None, faults
    root, faults = compose(text)
    if root is None:
        if not faults:
            faults = [SpecFault("the file is empty: it holds no OpenAPI document", 1, 1)]
        return None, None, text, faults
    builder = Builder()
    try:
        document = builder.build(root)
    except _Faulted as stop:
        return None, root, text, [*builder.faults, stop.fault]
    return document, root, text, builder.faults
