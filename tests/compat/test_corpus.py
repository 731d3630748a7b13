"""The corpus: spec pairs in `corpus/*.yaml`, each with the verdict a client of the old spec
should get, the reason, and often where the finding must point and what must decide it.

Each file names a base (the kit's own contract, or a spec in `corpus/bases/`) and lists pairs
as JSON Patch operations on it (`old`, `new`), or as edits of its text (`old_edits`,
`new_edits`: [from, to] replacements, for what only the text can say: a status written as a
bare `200:`, a `$ref` with siblings, another OpenAPI version). Edited text is read through the
kit's loader, as compat reads a file, and so are the corpus files themselves (YAML 1.2: `on:`
is the word "on"). The whole check runs on each pair: rules, property check and, where they
leave a change undecided, a client generated from the base spec (with the kit's templates and
runtime for pairs on the kit's contract, the generator alone otherwise). `says` is text that
one finding's message must hold.
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from attrs import frozen

from spike_kit.compat.model import Change, Severity
from spike_kit.compat.report import in_words
from spike_kit.compat.settle import ClientMode, assess
from spike_kit.layout import RepoLayout
from spike_kit.spec import load_bytes
from spike_kit.spec.yaml12 import read
from spike_kit.spec_lines import split_pointer

CORPUS = Path(__file__).parent / "corpus"
VERDICTS = {severity.value: severity for severity in Severity}
EDITS = ("old_edits", "new_edits")


@frozen
class Pair:
    file: str
    name: str
    base: str
    verdict: Severity | None
    reason: str
    pointer: str | None
    decided_by: str | None
    words: str | None
    says: str | None
    old: list[dict[str, Any]]
    new: list[dict[str, Any]]
    old_edits: list[tuple[str, str]]
    new_edits: list[tuple[str, str]]

    @property
    def id(self) -> str:
        return f"{self.file}: {self.name}"


def _expand(text: str, aliases: dict[str, str]) -> str:
    for name in sorted(aliases, key=len, reverse=True):
        text = text.replace(f"${name}", aliases[name])
    return text


def _expand_all(node: Any, aliases: dict[str, str]) -> Any:
    if isinstance(node, str):
        return _expand(node, aliases)
    if isinstance(node, list):
        return [_expand_all(item, aliases) for item in node]
    if isinstance(node, dict):
        return {key: _expand_all(value, aliases) for key, value in node.items()}
    return node


def load_pairs() -> list[Pair]:
    pairs = []
    for path in sorted(CORPUS.glob("*.yaml")):
        data, _, _, faults = read(path.read_bytes())
        assert not faults, faults
        aliases = {key: str(value) for key, value in (data.get("aliases") or {}).items()}
        for _ in range(3):  # aliases may use aliases
            aliases = {key: _expand(value, aliases) for key, value in aliases.items()}
        for entry in data["pairs"]:
            operations = {k: _expand_all(entry.get(k) or [], aliases) for k in ("old", "new")}
            edits = {
                k: [
                    (_expand(old, aliases), _expand(new, aliases))
                    for old, new in entry.get(k) or []
                ]
                for k in EDITS
            }
            pairs.append(
                Pair(
                    file=path.name,
                    name=entry["name"],
                    base=data["base"],
                    verdict=VERDICTS.get(entry["verdict"]),
                    reason=entry["reason"],
                    pointer=_expand(entry["pointer"], aliases) if "pointer" in entry else None,
                    decided_by=entry.get("decided_by"),
                    words=entry.get("words"),
                    says=entry.get("says"),
                    old=operations["old"],
                    new=operations["new"],
                    old_edits=edits["old_edits"],
                    new_edits=edits["new_edits"],
                )
            )
    return pairs


def _parent(doc: Any, pointer: str) -> tuple[Any, str]:
    tokens = split_pointer(pointer)
    node = doc
    for token in tokens[:-1]:
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node, tokens[-1]


def _apply(doc: dict[str, Any], operations: list[dict[str, Any]]) -> None:
    """JSON Patch (RFC 6902) add, replace, remove and move: enough for the corpus."""
    for operation in operations:
        kind = operation["op"]
        if kind == "move":
            parent, key = _parent(doc, operation["from"])
            value = parent.pop(int(key)) if isinstance(parent, list) else parent.pop(key)
            _apply(doc, [{"op": "add", "path": operation["path"], "value": value}])
            continue
        parent, key = _parent(doc, operation["path"])
        if kind == "remove":
            del parent[int(key) if isinstance(parent, list) else key]
        elif isinstance(parent, list):
            value = copy.deepcopy(operation["value"])
            if key == "-":
                parent.append(value)
            elif kind == "add":
                parent.insert(int(key), value)
            else:
                parent[int(key)] = value
        else:
            if kind == "replace":
                assert key in parent, f"replace of missing {operation['path']}"
            parent[key] = copy.deepcopy(operation["value"])


@cache
def _base_text(name: str) -> str:
    path = RepoLayout.find().spec if name == "kit" else CORPUS / name
    return path.read_text(encoding="utf-8")


@cache
def _loaded(text: str) -> dict[str, Any]:
    return load_bytes(text.encode("utf-8"), "corpus spec").document


def _base(name: str) -> dict[str, Any]:
    return _loaded(_base_text(name))


def _edited(text: str, edits: list[tuple[str, str]], pair: Pair) -> str:
    for old, new in edits:
        assert old in text, f"{pair.id}: {old!r} is not in the text"
        text = text.replace(old, new, 1)
    return text


PAIRS = load_pairs()


def _verdict(changes: list[Change]) -> Severity | None:
    for severity in Severity:
        if any(change.severity is severity for change in changes):
            return severity
    return None


def _shown(changes: list[Change]) -> str:
    return "\n".join(
        f"{c.severity.value} [{'undecided' if c.undecided else c.basis.value}] {c.pointer}: "
        f"{c.message}"
        for c in changes
    )


@pytest.mark.parametrize("pair", PAIRS, ids=[pair.id for pair in PAIRS])
def test_corpus_pair_gets_its_verdict(pair: Pair) -> None:
    old_text = _edited(_base_text(pair.base), pair.old_edits, pair)
    new_text = _edited(old_text, pair.new_edits, pair)
    old = copy.deepcopy(_loaded(old_text))
    _apply(old, pair.old)
    new = copy.deepcopy(_loaded(new_text))
    _apply(new, pair.old)
    _apply(new, pair.new)
    kit = RepoLayout.find() if pair.base == "kit" else None
    changes, notes = assess(old, new, max_examples=60, kit=kit, client=ClientMode.AUTO)
    shown = _shown(changes) + "".join(f"\nnote: {note}" for note in notes)
    assert _verdict(changes) is pair.verdict, f"{pair.reason}\n{shown}"
    assert not any(change.undecided for change in changes), shown
    if pair.pointer is not None:
        at = [change for change in changes if change.pointer == pair.pointer]
        assert at, f"nothing at {pair.pointer}\n{shown}"
        if pair.decided_by is not None:
            assert pair.decided_by in {change.basis.value for change in at}, shown
    if pair.words is not None:
        assert pair.words in {in_words(change) for change in changes}, shown
    if pair.says is not None:
        assert any(pair.says in change.message for change in changes), shown


def test_corpus_is_large_and_mixed() -> None:
    """The issue asks for at least 80 pairs, OpenAPI 3.0 and 3.1, each with a reason."""
    assert len(PAIRS) >= 80
    assert len({pair.id for pair in PAIRS}) == len(PAIRS)
    versions = {str(_base(pair.base)["openapi"])[:3] for pair in PAIRS}
    assert versions == {"3.0", "3.1"}
    assert all(pair.reason for pair in PAIRS)
    for severity in (Severity.BREAKING, Severity.COMPATIBLE, Severity.DOCUMENTATION):
        assert sum(pair.verdict is severity for pair in PAIRS) >= 3
    decided = {pair.decided_by for pair in PAIRS}
    assert {"regex inclusion", "property check", "generated client"} <= decided
