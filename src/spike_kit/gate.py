"""The contract gate: one command that says whether spec, client and server agree.

Each check is a subprocess so that one crashing tool cannot take the others' verdicts with it,
and so that the gate runs exactly what a person would run by hand. The summary table and the
JUnit files are what CI keeps.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from attrs import frozen

from spike_kit.paths import RepoLayout


@frozen
class Check:
    name: str
    command: tuple[str, ...]
    junit: str | None = None


@frozen
class Verdict:
    check: Check
    passed: bool
    cases: int | None
    seconds: float
    output: str


def _python(*args: str) -> tuple[str, ...]:
    return (sys.executable, *args)


def spectral_binary() -> str | None:
    """Spectral installed by the tox environment (see tox.ini), or one on PATH."""
    env_dir = Path(sys.executable).parent.parent
    local = env_dir / "npm" / "node_modules" / ".bin" / "spectral"
    return str(local) if local.exists() else shutil.which("spectral")


def default_checks(layout: RepoLayout, reports: Path) -> list[Check]:
    spec = str(layout.spec)
    checks = [Check("spec: openapi-spec-validator", _python("-m", "openapi_spec_validator", spec))]
    spectral = spectral_binary()
    if spectral is not None:
        checks.append(
            Check(
                "spec: spectral lint",
                (
                    spectral,
                    "lint",
                    "--fail-severity",
                    "warn",
                    "--ruleset",
                    str(layout.root / ".spectral.yaml"),
                    spec,
                ),
            )
        )
    checks.append(Check("drift: generated/", _python(str(layout.root / "scripts" / "drift"))))
    checks.append(
        Check(
            "compat: vs base",
            _python(
                str(layout.root / "scripts" / "compat"), "--json", str(reports / "compat.json")
            ),
        )
    )
    checks.append(_pytest_check("client: contract tests", layout, reports, "client"))
    checks.append(_pytest_check("server: schemathesis vs mock", layout, reports, "server"))
    return checks


def _pytest_check(name: str, layout: RepoLayout, reports: Path, suite: str) -> Check:
    """One folder of `contract_tests/`, with its own JUnit report."""
    return Check(
        name,
        _python(
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            str(layout.root / "contract_tests" / suite),
            f"--junitxml={reports / f'{suite}.xml'}",
        ),
        junit=f"{suite}.xml",
    )


def _count_cases(path: Path) -> int | None:
    try:
        root = ET.parse(path).getroot()  # noqa: S314 - our own pytest's output
    except (OSError, ET.ParseError):
        return None
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    return sum(int(suite.get("tests", "0")) for suite in suites)


def run_check(check: Check, layout: RepoLayout, reports: Path) -> Verdict:
    started = time.perf_counter()
    result = subprocess.run(
        check.command,
        cwd=layout.root,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    seconds = time.perf_counter() - started
    cases = _count_cases(reports / check.junit) if check.junit else None
    return Verdict(check, result.returncode == 0, cases, seconds, result.stdout + result.stderr)


def render_summary(verdicts: Sequence[Verdict]) -> str:
    rows = [("check", "verdict", "cases", "seconds")]
    rows += [
        (
            v.check.name,
            "PASS" if v.passed else "FAIL",
            "-" if v.cases is None else str(v.cases),
            f"{v.seconds:.1f}",
        )
        for v in verdicts
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gate", description=__doc__)
    parser.add_argument(
        "--reports",
        type=Path,
        default=Path("reports"),
        help="folder for JUnit XML and tool reports (default: reports/)",
    )
    args = parser.parse_args(argv)
    layout = RepoLayout.find()
    reports = args.reports.resolve()
    reports.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    verdicts = []
    for check in default_checks(layout, reports):
        verdict = run_check(check, layout, reports)
        verdicts.append(verdict)
        if not verdict.passed:
            print(f"--- {check.name} failed ---\n{verdict.output.rstrip()}\n", flush=True)
    print(render_summary(verdicts))
    failed = [v.check.name for v in verdicts if not v.passed]
    total = time.perf_counter() - started
    print(
        f"\ngate: {'FAILED: ' + ', '.join(failed) if failed else 'all checks passed'}"
        f" in {total:.1f} s; reports in {reports}"
    )
    return 1 if failed else 0
