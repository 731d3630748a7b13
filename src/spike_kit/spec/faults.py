"""What is wrong with a spec, each fault at its place: the shape every tool reports in.

A contributor's broken spec is the input the kit meets most often on a pull request. Every
tool reads the spec through `spike_kit.spec.loading`, so every tool says the same thing about
it, in words, at a line and column an editor or GitHub can jump to, and quotes the fault
rather than the document (a value is shown cut to a few dozen characters).
"""

from __future__ import annotations

import json
import reprlib
from collections.abc import Iterable, Sequence
from typing import Any

from attrs import frozen

_SHORT = reprlib.Repr()
_SHORT.maxstring = 60
_SHORT.maxother = 60
_SHORT.maxlist = 5
_SHORT.maxdict = 4
_SHORT.maxlevel = 2


def quoted(value: Any) -> str:
    """A value as a reader would write it, cut short: a fault names the value, never pastes
    a 5 MB description or a 5,000-value enum."""
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= 62 else text[:58] + '..."'
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    return _SHORT.repr(value)


@frozen
class SpecFault:
    """One reason the spec cannot be used, at its place in the text.

    `line` and `column` are 1-based, as editors and GitHub count; `pointer` is the JSON
    pointer of the part concerned when the fault has one (a YAML syntax error has none).
    `kind` names the family (`yaml`, `encoding`, `duplicate-key`, `structure`, `ref`,
    `schema`, `pattern`, `operation`), for tools that react to some kinds only.
    """

    message: str
    line: int | None = None
    column: int | None = None
    pointer: str | None = None
    kind: str = "structure"

    def where(self, file: str) -> str:
        if self.line is None:
            return f"{file}{'' if self.pointer is None else f' at {self.pointer}'}"
        return f"{file}:{self.line}:{self.column or 1}"

    def render(self, file: str) -> str:
        """`file:line:column: message`, the form compilers use and editors link."""
        return f"{self.where(file)}: {self.message}"

    def as_json(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "pointer": self.pointer,
            "kind": self.kind,
        }


def _sort_key(fault: SpecFault) -> tuple[int, int]:
    return (fault.line or 0, fault.column or 0)


class SpecError(Exception):
    """Raised when the spec cannot be read or uses a construct the kit does not support."""


class SpecLoadError(SpecError):
    """The spec does not load: every fault found, in the order of the text.

    `str()` is one line per fault, each naming the file, the line and the column, at most
    `SHOWN` of them, so that a message stays small whatever the spec holds.
    """

    SHOWN = 20

    def __init__(self, file: str, faults: Iterable[SpecFault]) -> None:
        self.file = file
        self.faults: tuple[SpecFault, ...] = tuple(sorted(faults, key=_sort_key))
        super().__init__(self.summary())

    def summary(self, label: str | None = None) -> str:
        """What a tool prints: `label` (default: the file) and one line per fault."""
        return render_faults(self.faults, label or self.file, self.SHOWN)


def render_faults(faults: Sequence[SpecFault], file: str, shown: int = 20) -> str:
    count = len(faults)
    head = f"{file} does not load ({count} fault{'' if count == 1 else 's'}):"
    lines = [head, *(f"  {fault.render(file)}" for fault in faults[:shown])]
    if count > shown:
        lines.append(f"  ... and {count - shown} more")
    return "\n".join(lines)
