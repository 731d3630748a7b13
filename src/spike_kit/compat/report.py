"""The comparison as people and tools read it: text, JSON, Markdown, GitHub annotations, and a
changelog summary in words (Keep a Changelog sections, "(breaking)" marks, no JSON pointers).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from attrs import frozen

from spike_kit.compat.model import Change, Kind, Severity
from spike_kit.compat.sources import UnusableSpec
from spike_kit.gate.github import Annotation
from spike_kit.spec_lines import Location, SpecLines, SpecLinesError

_EXAMPLE_LIMIT = 300
FORMATS = ("text", "json", "markdown", "github")


@frozen
class Outcome:
    """Everything one run of the check found and decided."""

    base_label: str
    head_label: str
    changes: tuple[Change, ...]
    version_problems: tuple[str, ...]
    notes: tuple[str, ...] = ()
    failures: tuple[str, ...] = ()
    """Why `--fail-on` fails the run (beside the version rule)."""
    head_file: Path | None = None
    head_lines: SpecLines | None = None
    """Where each part of the new spec is in its text, for line numbers."""

    @property
    def breaking(self) -> tuple[Change, ...]:
        return tuple(change for change in self.changes if change.breaking)

    @property
    def passed(self) -> bool:
        return not self.version_problems and not self.failures

    def count(self, severity: Severity) -> int:
        return sum(1 for change in self.changes if change.severity is severity)


def _example(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=repr)
    return text if len(text) <= _EXAMPLE_LIMIT else text[:_EXAMPLE_LIMIT] + "..."


def _decided_by(change: Change) -> str:
    return "undecided" if change.undecided else change.basis.value


def _totals(outcome: Outcome) -> str:
    return (
        f"{outcome.count(Severity.BREAKING)} breaking, "
        f"{outcome.count(Severity.COMPATIBLE)} compatible, "
        f"{outcome.count(Severity.DOCUMENTATION)} text-only"
    )


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
            lines.append(f"  {change.pointer}  [{_decided_by(change)}]")
            lines.append(f"      {change.message}")
            if change.example is not None:
                lines.append(f"      example: {_example(change.example)}")
    for problem in (*outcome.version_problems, *outcome.failures):
        lines.append(f"FAIL: {problem}")
    verdict = "FAILED" if not outcome.passed else "passed"
    lines.append(f"compat {verdict}: {_totals(outcome)}")
    return "\n".join(lines)


def in_words(change: Change) -> str:
    """ "`GET /path`: query parameter `state` now refuses values over 1,024 characters"."""
    said = change.summary or change.message
    text = " ".join(part for part in (change.subject, said) if part)
    text = text[:1].upper() + text[1:] if not change.operation else text
    return f"`{change.operation}`: {text}" if change.operation else text


def changelog_summary(changes: Sequence[Change]) -> str:
    """Keep-a-changelog sections for the client's CHANGELOG entry, ready to paste."""
    sections: list[str] = []
    for kind in (Kind.ADDED, Kind.CHANGED, Kind.DEPRECATED, Kind.REMOVED):
        entries = _unique(
            change
            for change in changes
            if change.kind is kind
            and (change.severity is not Severity.DOCUMENTATION or kind is Kind.DEPRECATED)
        )
        if entries:
            sections.append(f"### {kind.value}\n" + "\n".join(entries))
    if not sections:
        sections.append("### Changed\n- Documentation of the contract only.")
    return "\n\n".join(sections)


def _unique(changes: Iterable[Change]) -> list[str]:
    seen: dict[str, None] = {}
    for change in sorted(changes, key=lambda c: not c.breaking):
        mark = " (breaking)" if change.breaking else ""
        seen.setdefault(f"- {in_words(change)}{mark}.", None)
    return list(seen)


def _place(lines: SpecLines | None, pointer: str) -> Location | None:
    if lines is None:
        return None
    try:
        return lines.locate(pointer)
    except SpecLinesError:
        return None


def as_json(outcome: Outcome) -> str:
    lines = outcome.head_lines
    changes = []
    for change in outcome.changes:
        entry: dict[str, object] = {
            "severity": change.severity.value,
            "pointer": change.pointer,
            "message": change.message,
            "decided_by": change.basis.value,
            "undecided": change.undecided,
            "kind": change.kind.value,
            "in_words": in_words(change),
        }
        location = _place(lines, change.pointer)
        if location is not None:
            entry["line"], entry["column"] = location.line, location.column
        if change.example is not None:
            entry["example"] = change.example
        changes.append(entry)
    return json.dumps(
        {
            "base": outcome.base_label,
            "head": outcome.head_label,
            "passed": outcome.passed,
            "version_problems": list(outcome.version_problems),
            "failures": list(outcome.failures),
            "notes": list(outcome.notes),
            "changes": changes,
            "changelog": changelog_summary(outcome.changes) if outcome.changes else None,
        },
        indent=2,
        ensure_ascii=False,
        default=repr,
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def as_markdown(outcome: Outcome) -> str:
    verdict = "failed" if not outcome.passed else "passed"
    lines = [
        f"### Contract compatibility: {verdict}",
        "",
        f"`{outcome.base_label}` -> `{outcome.head_label}`: {_totals(outcome)}.",
        "",
    ]
    lines += [f"- **Fails:** {_cell(p)}" for p in (*outcome.version_problems, *outcome.failures)]
    if outcome.changes:
        lines += ["", "| verdict | change | decided by |", "| --- | --- | --- |"]
        for change in outcome.changes:
            lines.append(
                f"| {change.severity.value} | {_cell(in_words(change))} | {_decided_by(change)} |"
            )
    lines += ["", *(f"> {_cell(note)}" for note in outcome.notes)] if outcome.notes else []
    return "\n".join(lines)


def as_github(outcome: Outcome) -> str:
    """GitHub workflow commands: one annotation per contract change, at the spec's line."""
    where = str(outcome.head_file) if outcome.head_file is not None else None
    out = []
    for change in outcome.changes:
        if change.severity is Severity.DOCUMENTATION:
            continue
        location = _place(outcome.head_lines, change.pointer) if where else None
        out.append(
            Annotation(
                "error" if change.breaking else "notice",
                in_words(change),
                file=where,
                line=location.line if location else None,
                column=location.column if location else None,
                title=f"compat: {change.severity.value} ({_decided_by(change)})",
            ).command()
        )
    for problem in (*outcome.version_problems, *outcome.failures):
        out.append(Annotation("error", problem, title="compat").command())
    out.append(f"compat {'FAILED' if not outcome.passed else 'passed'}: {_totals(outcome)}")
    return "\n".join(out)


def render(outcome: Outcome, form: str) -> str:
    if form == "json":
        return as_json(outcome)
    if form == "markdown":
        return as_markdown(outcome)
    if form == "github":
        return as_github(outcome)
    return render_report(outcome)


def render_unusable(error: UnusableSpec, form: str) -> str:
    """What the check prints when a side does not load, in the format asked for: the
    loader's faults at their lines, and which side they are on."""
    if form == "json":
        return json.dumps(
            {
                "passed": False,
                "unusable": [side.as_json() for side in error.sides],
                "failures": [error.headline],
                "version_problems": [],
                "notes": [],
                "changes": [],
                "changelog": None,
            },
            indent=2,
            ensure_ascii=False,
        )
    if form == "github":
        out = [
            Annotation(
                "error",
                f"the {side.side} spec: {fault.message}",
                file=side.file if side.in_file else None,
                line=fault.line if side.in_file else None,
                column=fault.column if side.in_file else None,
                title=f"compat: the {side.side} spec does not load",
            ).command()
            for side in error.sides
            for fault in side.faults
        ]
        return "\n".join([*out, f"compat FAILED: {error.headline}"])
    if form == "markdown":
        faults = "\n".join(
            f"- the {side.side} spec: `{_cell(fault.render(side.file))}`"
            for side in error.sides
            for fault in side.faults
        )
        return f"### Contract compatibility: not run\n\n{_cell(error.headline)}\n\n{faults}"
    return str(error)
