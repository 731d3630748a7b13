"""What the gate's tools found, each at its place in the spec, for annotations on a pull request.

Every tool says where in its own way: the spec loader and the validator runner write their
faults as JSON with lines already placed (`spike_kit.spec`, `spike_kit.gate.validator`),
Spectral writes a JSON report with line ranges, the compatibility check a JSON report with
lines already mapped (through `$ref`s, by `spike_kit.spec_lines`), and schemathesis names the
failing operation in its JUnit report.
Each reader here turns one of those into `Finding`s; `spike_kit.spec_lines` turns a JSON
pointer into the line a reviewer reads.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from attrs import evolve, frozen

from spike_kit.gate.github import Annotation
from spike_kit.spec import escape_token
from spike_kit.spec_lines import SpecLines, SpecLinesError

_OPERATION = re.compile(r"\b(GET|PUT|POST|DELETE|OPTIONS|HEAD|PATCH|TRACE) (/\S*)")
_SPECTRAL_LEVELS = {0: "error", 1: "warning"}
_MESSAGE_LINES = 12


@frozen
class Finding:
    """One thing a check found, at a JSON pointer into the spec or at a line of it."""

    check: str
    message: str
    pointer: str | None = None
    line: int | None = None
    column: int | None = None
    level: str = "error"


def from_fault_report(check: str, report: Path) -> list[Finding]:
    """A JSON list of `SpecFault`s (the `spec: loads` check's, the validator's), each already
    at its line; a fault without one keeps its pointer."""
    try:
        faults = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    found = []
    for fault in faults if isinstance(faults, list) else []:
        if not isinstance(fault, dict):
            continue
        found.append(
            Finding(
                check,
                str(fault.get("message", "")),
                pointer=fault.get("pointer"),
                line=fault.get("line"),
                column=fault.get("column"),
            )
        )
    return found


YAML_KINDS = frozenset({"yaml", "encoding", "file"})
"""Faults that leave no document: other tools can only read past them and guess."""


def not_yaml(load_report: Path) -> bool:
    """Whether the `spec: loads` check found the file unreadable as YAML (its report)."""
    try:
        faults = json.loads(load_report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(faults, list) and any(
        isinstance(fault, dict) and fault.get("kind") in YAML_KINDS for fault in faults
    )


def from_spectral(check: str, report: Path) -> list[Finding]:
    """Spectral's JSON report: 0-based ranges, severity 0 error, 1 warning, else notice."""
    try:
        results = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    found = []
    for result in results if isinstance(results, list) else []:
        start = result.get("range", {}).get("start", {})
        found.append(
            Finding(
                check,
                f"{result.get('code', 'spectral')}: {result.get('message', '')}",
                line=int(start.get("line", 0)) + 1,
                column=int(start.get("character", 0)) + 1,
                level=_SPECTRAL_LEVELS.get(result.get("severity"), "notice"),
            )
        )
    return found


def read_compat(report: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def from_compat(check: str, report: Path) -> list[Finding]:
    """The compatibility report: breaking changes as errors, compatible ones as notices, at
    the lines it mapped; a version-rule failure has no line."""
    data = read_compat(report)
    if data is None:
        return []
    found = []
    for change in data.get("changes", []):
        if change.get("severity") == "documentation":
            continue
        found.append(
            Finding(
                check,
                f"{change.get('severity')}: {change.get('in_words') or change.get('message')}",
                pointer=change.get("pointer"),
                line=change.get("line"),
                column=change.get("column"),
                level="error" if change.get("severity") == "breaking" else "notice",
            )
        )
    for problem in (*data.get("version_problems", []), *data.get("failures", [])):
        found.append(Finding(check, str(problem)))
    return found


def from_junit_operations(check: str, report: Path) -> list[Finding]:
    """Failed test cases of a schemathesis run (CLI or pytest), at the operation they name."""
    try:
        root = ET.parse(report).getroot()  # noqa: S314 - our own tools' output
    except (OSError, ET.ParseError):
        return []
    found = []
    for case in root.iter("testcase"):
        for fault in (*case.findall("failure"), *case.findall("error")):
            operation = _OPERATION.search(case.get("name", ""))
            pointer = None
            if operation:
                method, path = operation.group(1).lower(), operation.group(2).rstrip("]")
                pointer = f"/paths/{escape_token(path)}/{method}"
            text = (fault.text or fault.get("message") or "").strip()
            message = "\n".join(text.splitlines()[:_MESSAGE_LINES])
            found.append(Finding(check, f"{case.get('name')}: {message}", pointer=pointer))
    return found


def placed(findings: Iterable[Finding], spec_text: str) -> list[Finding]:
    """The findings with a line for every pointer (its deepest part present in the text);
    a pointer walks the text as written, `$ref`s not followed, as the tools report them."""
    try:
        lines = SpecLines(spec_text)
    except SpecLinesError:
        return list(findings)
    out = []
    for finding in findings:
        if finding.line is None and finding.pointer is not None:
            try:
                where = lines.locate(finding.pointer, follow_refs=False)
            except SpecLinesError:
                out.append(finding)
                continue
            finding = evolve(finding, line=where.line, column=where.column)
        out.append(finding)
    return out


def as_annotations(findings: Iterable[Finding], spec_file: str) -> list[Annotation]:
    """One annotation per finding: at the spec's line when it has one, else on the run."""
    return [
        Annotation(
            finding.level,
            finding.message,
            file=spec_file if finding.line is not None else None,
            line=finding.line,
            column=finding.column,
            title=f"gate: {finding.check}",
        )
        for finding in findings
    ]
