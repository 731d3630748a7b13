"""What the gate runs, and how: each check a subprocess, one per core, the longest first.

Each check is a subprocess so that one crashing tool cannot take the others' verdicts with it,
and so that the gate runs exactly what a person would run by hand. The checks are independent,
so they run side by side. The server checks run against the kit's mock unless the gate is
given a base URL; then they run against that server only, with a token read from the
environment. Nothing is sent anywhere else.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from attrs import field, frozen

from spike_kit.gate import findings as gate_findings
from spike_kit.gate.findings import Finding
from spike_kit.gate.settings import NIGHTLY_EXAMPLES, SPECTRAL_ENV, TOKEN_ENV
from spike_kit.layout import RepoLayout


@frozen
class Verdict:
    check: Check
    passed: bool
    cases: int | None
    seconds: float
    output: str
    skipped: bool = False

    @property
    def label(self) -> str:
        return "SKIP" if self.skipped else "PASS" if self.passed else "FAIL"


Reader = Callable[[Verdict, Path], list[Finding]]
"""What a check found, read from its output or its report in the reports folder."""


@frozen
class Check:
    name: str
    command: tuple[str, ...]
    junit: str | None = None
    findings: Reader | None = field(default=None, eq=False)
    missing: str | None = None
    """Why the check cannot run here (a tool is not installed); it fails in CI."""
    heavy: bool = False
    """Started first, so the longest checks do not finish last."""
    writes: tuple[str, ...] = ()
    """Reports it writes besides its JUnit XML, removed first so none is read stale."""
    server: bool = False
    """It talks to the target server (the gate starts the mock only for such checks)."""


@frozen
class Target:
    """The server the server checks talk to: the kit's mock, or one given by URL."""

    base_url: str
    live: bool


def _python(*args: str) -> tuple[str, ...]:
    return (sys.executable, *args)


def spectral_binary() -> str | None:
    """Spectral as tox installs it (`$SPIKE_SPECTRAL`), or one on PATH."""
    named = os.environ.get(SPECTRAL_ENV)
    if named:
        return named if Path(named).exists() else None
    return shutil.which("spectral")


def _validator_findings(verdict: Verdict, reports: Path) -> list[Finding]:
    return gate_findings.from_spec_validator(verdict.check.name, verdict.output)


def _spectral_findings(verdict: Verdict, reports: Path) -> list[Finding]:
    return gate_findings.from_spectral(verdict.check.name, reports / "spectral.json")


def _compat_findings(verdict: Verdict, reports: Path) -> list[Finding]:
    return gate_findings.from_compat(verdict.check.name, reports / "compat.json")


def _junit_findings(verdict: Verdict, reports: Path) -> list[Finding]:
    junit = verdict.check.junit
    return gate_findings.from_junit_operations(verdict.check.name, reports / junit) if junit else []


def default_checks(
    layout: RepoLayout,
    reports: Path,
    target: Target,
    st_config: Path | None = None,
    nightly_seed: int | None = None,
) -> list[Check]:
    """The gate's checks; with `nightly_seed`, schemathesis over HTTP goes deep (nightly)."""
    spec = str(layout.spec)
    checks = [
        Check(
            "spec: openapi-spec-validator",
            _python("-m", "openapi_spec_validator", "--validation-errors", "all", spec),
            findings=_validator_findings,
        )
    ]
    spectral = spectral_binary()
    ruleset = str(layout.root / ".spectral.yaml")
    checks.append(
        Check(
            "spec: spectral lint",
            (
                spectral or "spectral",
                "lint",
                "--fail-severity",
                "warn",
                "--ruleset",
                ruleset,
                "--format",
                "stylish",
                "--format",
                "json",
                "--output.json",
                str(reports / "spectral.json"),
                spec,
            ),
            findings=_spectral_findings,
            writes=("spectral.json",),
            missing=None
            if spectral
            else f"Spectral is not installed: set ${SPECTRAL_ENV} or put spectral on PATH "
            "(`tox -e gate` installs it from npm)",
        )
    )
    scripts = layout.root / "scripts"
    checks.append(Check("drift: generated/", _python(str(scripts / "drift"))))
    checks.append(
        Check(
            "compat: vs base",
            _python(str(scripts / "compat"), "--json", str(reports / "compat.json")),
            findings=_compat_findings,
            writes=("compat.json",),
        )
    )
    checks.append(_pytest_check("client: contract tests", layout, reports, "client"))
    if not target.live:
        checks.append(
            _pytest_check(
                "server: schemathesis in-process",
                layout,
                reports,
                "server/test_mock_in_process.py",
                junit="server-in-process.xml",
                findings=_junit_findings,
            )
        )
    where = "live" if target.live else "mock"
    checks.append(
        Check(
            "server: token accepted",
            _python("-m", "spike_kit.gate.preflight", target.base_url, TOKEN_ENV),
            server=True,
        )
    )
    deeper: tuple[str, ...] = ()
    if nightly_seed is not None:
        deeper = ("--max-examples", str(NIGHTLY_EXAMPLES), "--seed", str(nightly_seed))
    checks.append(
        Check(
            f"server: schemathesis over HTTP ({where})",
            (
                *_python("-m", "schemathesis.cli"),
                *(("--config-file", str(st_config)) if st_config else ()),
                "run",
                spec,
                "--url",
                target.base_url,
                "--checks",
                "all",
                *deeper,
                "--report",
                "junit",
                "--report-junit-path",
                str(reports / f"schemathesis-{where}.xml"),
                "--no-color",
            ),
            junit=f"schemathesis-{where}.xml",
            findings=_junit_findings,
            heavy=True,
            server=True,
        )
    )
    return checks


def nightly_seed() -> int:
    """A fresh seed each night (the gate prints it, so a failure can be replayed)."""
    return random.SystemRandom().randrange(2**31)


def _pytest_check(
    name: str,
    layout: RepoLayout,
    reports: Path,
    suite: str,
    junit: str | None = None,
    findings: Reader | None = None,
) -> Check:
    """One part of `contract_tests/`, with its own JUnit report (in one process: the gate
    already runs one check per core)."""
    junit = junit or f"{suite}.xml"
    return Check(
        name,
        _python(
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            str(layout.root / "contract_tests" / suite),
            f"--junitxml={reports / junit}",
        ),
        junit=junit,
        findings=findings,
        heavy=True,
    )


def _count_cases(path: Path) -> int | None:
    try:
        root = ET.parse(path).getroot()  # noqa: S314 - our own tools' output
    except (OSError, ET.ParseError):
        return None
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    return sum(int(suite.get("tests", "0")) for suite in suites)


def run_check(check: Check, layout: RepoLayout, reports: Path, env: dict[str, str]) -> Verdict:
    if check.missing is not None:
        in_ci = bool(env.get("CI"))
        said = check.missing + (" (required in CI)" if in_ci else "; skipped")
        return Verdict(check, not in_ci, None, 0.0, said, skipped=not in_ci)
    for name in (*((check.junit,) if check.junit else ()), *check.writes):
        (reports / name).unlink(missing_ok=True)  # nothing stale from an earlier run
    started = time.perf_counter()
    result = subprocess.run(
        check.command,
        cwd=layout.root,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    seconds = time.perf_counter() - started
    cases = _count_cases(reports / check.junit) if check.junit else None
    return Verdict(check, result.returncode == 0, cases, seconds, result.stdout + result.stderr)


def run_checks(
    checks: Sequence[Check],
    layout: RepoLayout,
    reports: Path,
    env: dict[str, str],
    jobs: int,
    on_done: Callable[[Verdict], None],
) -> list[Verdict]:
    """Every check, `jobs` at a time, the heavy ones started first; verdicts in `checks`
    order."""
    order = sorted(range(len(checks)), key=lambda index: not checks[index].heavy)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {
            index: pool.submit(run_check, checks[index], layout, reports, env) for index in order
        }
        for future in futures.values():
            future.add_done_callback(lambda done: on_done(done.result()))
        return [futures[index].result() for index in range(len(checks))]
