"""Does every string one `pattern` admits also match another? Decided for regular patterns.

A JSON Schema `pattern` is a search, not a full match: `^[a-z]+$` admits only lowercase words,
`[a-z]+` admits anything with a lowercase letter in it. Each pattern is turned into the
language it admits (its anchors dropped, `[\\s\\S]*` added on a side without one) and handed
to interegular, which builds finite-state machines for Python's regex syntax (the syntax the
kit's validators use) and decides inclusion exactly; the difference of the two languages
gives the shortest string that shows a break.

interegular refuses what no finite-state machine can express (back-references, word
boundaries, look-behind) and anchors in the middle of a pattern; those come back undecided,
and the property check and the generated client decide. So does a pattern that ECMA-262 (the
dialect of the spec, and of the kit's validators) reads but Python's `re` does not (`\\p{L}`,
`(?<name>...)`, `\\u{...}`): interegular speaks Python's syntax.

Whether a string matches a pattern is always asked in ECMA-262 terms (`ecma_search`, with
jsonschema-rs, the validator of the mock and the client), never with Python's `re`: the two
disagree on `\\d`, `\\w`, `$` and on what they can read at all.
"""

from __future__ import annotations

import re
from collections import deque
from functools import lru_cache
from typing import Any

import interegular
import jsonschema_rs
from attrs import frozen

ANY = r"[\s\S]*"


@frozen
class Inclusion:
    """The answer for one pair of patterns."""

    decided: bool
    included: bool = False
    witness: str | None = None
    """A string the narrow pattern admits and the wide one refuses, when not included."""
    why: str = ""


def _top_level_alternation(body: str) -> bool:
    depth = 0
    in_class = False
    escaped = False
    for char in body:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return True
    return False


def _ends_with_anchor(pattern: str) -> bool:
    if not pattern.endswith("$"):
        return False
    backslashes = len(pattern[:-1]) - len(pattern[:-1].rstrip("\\"))
    return backslashes % 2 == 0


def as_full_match(pattern: str) -> str:
    """The pattern as a full-match regex of the same language (search semantics)."""
    start = pattern.startswith("^")
    end = _ends_with_anchor(pattern)
    body = pattern[1 if start else 0 : len(pattern) - 1 if end else len(pattern)]
    if (start or end) and _top_level_alternation(body):
        raise interegular.Unsupported("an anchor on some alternatives only")
    return f"{'' if start else ANY}(?:{body}){'' if end else ANY}"


@lru_cache(maxsize=256)
def _machine(pattern: str) -> interegular.FSM:
    return interegular.parse_pattern(as_full_match(pattern)).to_fsm()


@lru_cache(maxsize=1024)
def _ecma(pattern: str) -> jsonschema_rs.Validator:
    return jsonschema_rs.Draft202012Validator({"pattern": pattern})


def ecma_search(pattern: str, text: str) -> bool:
    """Whether `text` matches `pattern` anywhere, as JSON Schema and ECMA-262 read it (the
    loader has made sure every pattern of a spec compiles)."""
    return bool(_ecma(pattern).is_valid(text))


_UNREADABLE = (
    interegular.Unsupported,
    interegular.InvalidSyntax,
    re.error,
    ValueError,
    KeyError,
    IndexError,
    RecursionError,
)
"""What interegular raises on a pattern it cannot read (its parser follows Python's `re`)."""


@lru_cache(maxsize=256)
def includes(narrow: str, wide: str) -> Inclusion:
    """Whether every string that matches `narrow` (as JSON Schema reads it) matches `wide`."""
    try:
        small, large = _machine(narrow), _machine(wide)
        if small.issubset(large):  # type: ignore[no-untyped-call]
            return Inclusion(decided=True, included=True)
        difference = small.difference(large)  # type: ignore[no-untyped-call]
        witness = _witness(difference, narrow, wide)
    except _UNREADABLE as exc:
        return Inclusion(decided=False, why=f"not a regular pattern interegular reads ({exc})")
    return Inclusion(decided=True, included=False, witness=witness)


_OTHERS = ("\u00e9", "\u4e2d", "~", "#", " ", "\x00")


def _witness(machine: interegular.FSM, narrow: str, wide: str) -> str | None:
    """A shortest string of the difference (breadth-first over states, not strings), checked
    with Python's own `re`; "any other character" is played by one outside the alphabet."""
    others = [char for char in _OTHERS if char not in machine.alphabet]
    symbols = {}
    for transition, members in machine.alphabet.by_transition.items():
        named = sorted(
            (m for m in members if isinstance(m, str)), key=lambda c: (not c.isalnum(), c)
        )
        if named or others:
            symbols[transition] = named[0] if named else others[0]
    came_from: dict[Any, tuple[Any, str]] = {}
    queue: deque[Any] = deque([machine.initial])
    seen = {machine.initial}
    while queue:
        state = queue.popleft()
        if state in machine.finals:
            text = []
            while state != machine.initial:
                state, char = came_from[state]
                text.append(char)
            word = "".join(reversed(text))
            return word if ecma_search(narrow, word) and not ecma_search(wide, word) else None
        for transition, target in machine.map.get(state, {}).items():
            if target not in seen and transition in symbols:
                seen.add(target)
                came_from[target] = (state, symbols[transition])
                queue.append(target)
    return None
