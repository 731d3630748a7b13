"""What the gate says when it is done: a table for people, and inside GitHub Actions
annotations on the spec's lines and a job summary (with the compatibility changelog).

Everything printed passes through `shown`, which removes the bearer token and the HMAC key.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from spike_kit.gate import findings as gate_findings
from spike_kit.gate import github
from spike_kit.gate.checks import Verdict
from spike_kit.gate.findings import Finding
from spike_kit.gate.settings import KEY_ENV, TIMEOUT_ENV, TOKEN_ENV
from spike_kit.layout import RepoLayout


def render_summary(verdicts: Sequence[Verdict]) -> str:
    rows = [("check", "verdict", "cases", "seconds")]
    rows += [
        (
            v.check.name,
            v.label,
            "-" if v.cases is None else str(v.cases),
            f"{v.seconds:.1f}",
        )
        for v in verdicts
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def render_markdown(verdicts: Sequence[Verdict], total: float, profile: str) -> str:
    """The summary table for the job summary."""
    failed = [v.check.name for v in verdicts if not v.passed and v.not_run is None]
    unrun = [v for v in verdicts if v.not_run is not None]
    said = [f"failed: {', '.join(failed)}"] if failed else []
    if unrun:
        said.append(f"not run ({unrun[0].not_run}): {', '.join(v.check.name for v in unrun)}")
    verdict = "; ".join(said) or "all checks passed"
    lines = [
        f"### Contract gate: {verdict}",
        "",
        "| check | verdict | cases | seconds |",
        "| --- | --- | ---: | ---: |",
    ]
    lines += [
        f"| {v.check.name} | {v.label} | {'-' if v.cases is None else v.cases} | {v.seconds:.1f} |"
        for v in verdicts
    ]
    count = f"{len(verdicts)} check{'' if len(verdicts) == 1 else 's'}"
    lines += ["", f"{count} in {total:.1f} s (profile `{profile}`)."]
    return "\n".join(lines)


def _not_loaded_section(verdict: Verdict, found: Sequence[Finding], spec_file: str) -> str:
    """What a reviewer needs when the spec does not load: each fault in words at its line,
    and why most checks say NOT RUN."""
    faults = [finding for finding in found if finding.check == verdict.check.name]
    lines = [
        f"### `{spec_file}` does not load",
        "",
        "Every tool of the kit reads the spec first, so the checks marked NOT RUN could not "
        "test anything; fix these and push again (`spike-kit spec` shows the same list "
        "locally):",
        "",
    ]
    for finding in faults[:20]:
        where = (
            f"line {finding.line}"
            if finding.line is not None
            else f"`{finding.pointer}`"
            if finding.pointer and finding.pointer != "/"
            else "the file as a whole"
        )
        lines.append(f"- {where}: {finding.message}")
    if len(faults) > 20:
        lines.append(f"- ... and {len(faults) - 20} more")
    return "\n".join(lines)


def _out_of_time_section(verdicts: Sequence[Verdict]) -> str:
    """Checks stopped at their time limit, and what a reviewer can do about it."""
    lines = ["### Checks that ran out of time", ""]
    for verdict in verdicts:
        if verdict.out_of_time is not None:
            lines.append(
                f"- `{verdict.check.name}` was stopped after {verdict.out_of_time:g} s, with "
                "every process it started."
            )
    lines += [
        "",
        "A tool that runs this long on a spec is usually stuck on one part of it: Spectral "
        "spent minutes on a `pattern` with a nested quantifier such as `^(a+)+$` checked "
        "against an example. Look at what the change added; if the check is just slow, "
        f"`--check-timeout SECONDS` (or `${TIMEOUT_ENV}`) gives it longer.",
    ]
    return "\n".join(lines)


def _scrub(text: str, secret: str) -> str:
    return text.replace(secret, "[redacted]") if secret else text


def shown(text: str, env: dict[str, str]) -> str:
    for secret in (env.get(TOKEN_ENV, ""), env.get(KEY_ENV, "")):
        text = _scrub(text, secret)
    return text


def report_to_github(
    verdicts: Sequence[Verdict],
    layout: RepoLayout,
    reports: Path,
    env: dict[str, str],
    total: float,
    profile: str,
) -> None:
    """Annotations for what has a place in the spec, and the job summary."""
    found = [
        finding
        for v in verdicts
        if v.check.findings and v.not_run is None
        for finding in v.check.findings(v, reports)
    ]
    try:  # the text only places findings: a byte that is not UTF-8 must not stop that
        spec_text = layout.spec.read_text(encoding="utf-8", errors="replace")
    except OSError:
        spec_text = ""
    spec_file = layout.spec.relative_to(layout.root).as_posix()
    annotations = gate_findings.as_annotations(gate_findings.placed(found, spec_text), spec_file)
    annotations += [
        github.Annotation(
            "error",
            f"{v.check.name} {v.reason}; it was stopped (see the job summary)",
            title=f"gate: {v.check.name}",
        )
        for v in verdicts
        if v.out_of_time is not None
    ]
    for annotation in annotations:
        print(shown(annotation.command(), env))
    summary = render_markdown(verdicts, total, profile)
    not_loaded = [v for v in verdicts if v.check.name == "spec: loads" and not v.passed]
    if not_loaded:
        summary += "\n\n" + _not_loaded_section(not_loaded[0], found, spec_file)
    if any(v.out_of_time is not None for v in verdicts):
        summary += "\n\n" + _out_of_time_section(verdicts)
    ran_compat = any(
        "compat.json" in v.check.writes and not v.skipped and v.not_run is None for v in verdicts
    )
    compat = gate_findings.read_compat(reports / "compat.json") if ran_compat else None
    if compat and compat.get("changelog"):
        summary += (
            "\n\n### Contract changes for `CHANGELOG.md`\n\n"
            f"Against `{compat.get('base')}`, in words, ready to paste under `## [Unreleased]`:"
            f"\n\n{compat['changelog']}"
        )
    github.append_summary(shown(summary, env))
