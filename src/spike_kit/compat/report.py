"""The comparison as people read it: a report for the reviewer, a summary for the changelog."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from attrs import frozen

from spike_kit.compat.model import Change, Severity

_EXAMPLE_LIMIT = 300


@frozen
class Outcome:
    """Everything one run of the check found and decided."""

    base_label: str
    head_label: str
    changes: tuple[Change, ...]
    version_problems: tuple[str, ...]
    notes: tuple[str, ...] = ()

    @property
    def breaking(self) -> tuple[Change, ...]:
        return tuple(change for change in self.changes if change.breaking)

    @property
    def passed(self) -> bool:
        return not self.version_problems


def _example(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= _EXAMPLE_LIMIT else text[:_EXAMPLE_LIMIT] + "..."


def render_report(outcome: Outcome) -> str:
    lines = [f"compat: {outcome.base_label} -> {outcome.head_label}"]
    lines += [f"  note: {note}" for note in outcome.notes]
    if not outcome.changes:
        lines.append("  no contract change")
    for severity in Severity:
        chosen = [change for change in outcome.changes if change.severity is severity]
        if not chosen:
            continue
        lines.append(f"{severity.value} ({len(chosen)}):")
        for change in chosen:
            lines.append(f"  {change.pointer}")
            lines.append(f"      {change.message}")
            if change.example is not None:
                lines.append(f"      example: {_example(change.example)}")
    for problem in outcome.version_problems:
        lines.append(f"FAIL: {problem}")
    verdict = "FAILED" if not outcome.passed else "passed"
    lines.append(
        f"compat {verdict}: {len(outcome.breaking)} breaking, "
        f"{sum(1 for c in outcome.changes if c.severity is Severity.COMPATIBLE)} compatible, "
        f"{sum(1 for c in outcome.changes if c.severity is Severity.DOCUMENTATION)} text-only"
    )
    return "\n".join(lines)


def changelog_summary(changes: Sequence[Change]) -> str:
    """Keep-a-changelog lines for the client's CHANGELOG entry."""
    breaking = _unique(c for c in changes if c.severity is Severity.BREAKING)
    compatible = _unique(c for c in changes if c.severity is Severity.COMPATIBLE)
    sections = []
    if breaking:
        sections.append("### Changed (breaking)\n" + "\n".join(breaking))
    if compatible:
        sections.append("### Added / Changed\n" + "\n".join(compatible))
    if not sections:
        sections.append("### Changed\n- Documentation of the contract only.")
    return "\n\n".join(sections)


def _unique(changes: Iterable[Change]) -> list[str]:
    seen: dict[str, None] = {}
    for change in changes:
        seen.setdefault(f"- `{change.pointer}`: {change.message}", None)
    return list(seen)


def as_json(outcome: Outcome) -> str:
    return json.dumps(
        {
            "base": outcome.base_label,
            "head": outcome.head_label,
            "passed": outcome.passed,
            "version_problems": list(outcome.version_problems),
            "notes": list(outcome.notes),
            "changes": [
                {
                    "severity": change.severity.value,
                    "pointer": change.pointer,
                    "message": change.message,
                    **({"example": change.example} if change.example is not None else {}),
                }
                for change in outcome.changes
            ],
        },
        indent=2,
        ensure_ascii=False,
        default=repr,
    )
