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
from spike_kit.gate.settings import KEY_ENV, TOKEN_ENV
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
    failed = [v.check.name for v in verdicts if not v.passed]
    verdict = f"failed: {', '.join(failed)}" if failed else "all checks passed"
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
        finding for v in verdicts if v.check.findings for finding in v.check.findings(v, reports)
    ]
    spec_text = layout.spec.read_text(encoding="utf-8")
    spec_file = layout.spec.relative_to(layout.root).as_posix()
    for annotation in gate_findings.as_annotations(
        gate_findings.placed(found, spec_text), spec_file
    ):
        print(shown(annotation.command(), env))
    summary = render_markdown(verdicts, total, profile)
    ran_compat = any("compat.json" in v.check.writes and not v.skipped for v in verdicts)
    compat = gate_findings.read_compat(reports / "compat.json") if ran_compat else None
    if compat and compat.get("changelog"):
        summary += (
            "\n\n### Contract changes for `CHANGELOG.md`\n\n"
            f"Against `{compat.get('base')}`, in words, ready to paste under `## [Unreleased]`:"
            f"\n\n{compat['changelog']}"
        )
    github.append_summary(shown(summary, env))
