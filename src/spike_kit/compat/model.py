"""What the compatibility check finds: one `Change` per difference, judged for old clients."""

from __future__ import annotations

import enum
from typing import Any

from attrs import frozen

from spike_kit.spec import escape_token


class Severity(enum.Enum):
    """How a difference affects a client built from the old spec."""

    BREAKING = "breaking"
    COMPATIBLE = "compatible"
    DOCUMENTATION = "documentation"


class Basis(enum.Enum):
    """What decided a verdict, from the cheapest and surest to the last word."""

    RULE = "rule"
    REGEX = "regex inclusion"
    PROPERTY = "property check"
    CLIENT = "generated client"


class Kind(enum.Enum):
    """What a change does to the contract, as a changelog files it (Keep a Changelog)."""

    ADDED = "Added"
    CHANGED = "Changed"
    DEPRECATED = "Deprecated"
    REMOVED = "Removed"


@frozen
class Change:
    """One difference between the base spec and the new one.

    `pointer` is a JSON pointer into the new spec (into the old one for something removed),
    through the operation that uses it even when the schema sits in `components`, because an
    operation is what a client calls.
    """

    severity: Severity
    pointer: str
    message: str
    example: object = None
    """A generated value that shows the break, when the property check found it."""
    basis: Basis = Basis.RULE
    kind: Kind = Kind.CHANGED
    summary: str | None = None
    """The change in words for a changelog, after the operation's name ("query parameter
    `state` now refuses values over 1,024 characters"); None when `message` says it."""
    operation: str = ""
    """The operation in words (`GET /providers/{provider_slug}/integration/init_url`)."""
    subject: str = ""
    r"""What in it changed, in words (`query parameter \`state\``)."""
    undecided: bool = False
    """The rules could not prove it either way: the property check and the generated client
    decide. Until they have, it counts as breaking."""

    @property
    def breaking(self) -> bool:
        return self.severity is Severity.BREAKING


def join(pointer: str, *tokens: str | int) -> str:
    return pointer + "".join(f"/{escape_token(str(token))}" for token in tokens)


def first_difference(old: Any, new: Any, pointer: str) -> str:
    """Where two documents first differ, for a readable pointer on a text-only change."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new), key=str):
            if old.get(key) != new.get(key):
                return first_difference(old.get(key), new.get(key), join(pointer, key))
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            if a != b:
                return first_difference(a, b, join(pointer, index))
    return pointer or "/"
