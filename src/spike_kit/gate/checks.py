"""What the gate runs, and how: each check a subprocess, one per core, the longest first.

Each check is a subprocess so that one crashing tool cannot take the others' verdicts with it,
and so that the gate runs exactly what a person would run by hand. The checks are independent,
so they run side by side. The server checks run against the kit's mock unless the gate is
given a base URL; then they run against that server only, with a token read from the
environment. Nothing is sent anywhere else.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
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
from spike_kit.gate.settings import (
    CHECK_SECONDS,
    NIGHTLY_EXAMPLES,
    SPEC_CHECK_SECONDS,
    SPECTRAL_ENV,
    TOKEN_ENV,
)
from spike_kit.layout import RepoLayout

NOT_LOADED = "the spec does not load"
"""Why the checks that need the spec's content did not run."""


@frozen
class Verdict:
    check: Check
    passed: bool
    cases: int | None
    seconds: float
    output: str
    skipped: bool = False
    not_run: str | None = None
    """Why the check did not run at all (it needs a spec that loads); never a pass."""

    @property
    def label(self) -> str:
        if self.not_run is not None:
            return "NOT RUN"
        return "SKIP" if self.skipped else "PASS" if self.passed else "FAIL"


def not_run(check: Check, reason: str = NOT_LOADED) -> Verdict:
    return Verdict(check, False, None, 0.0, f"not run: {reason}", not_run=reason)


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
    needs_spec: bool = True
    """It needs a spec that loads; the spec checks themselves run on any file."""
    timeout: float = CHECK_SECONDS
    """Seconds it may take before it is stopped and fails (`--check-timeout` overrides)."""
    shown: Callable[[Verdict, Path], str] | None = field(default=None, eq=False)
    """What the gate prints of a failed run, when not the tool's own output."""


@frozen
class Target:
    """The server the server checks talk to: the kit's mock, or one given by URL."""

    base_url: str
    live: bool
    refused: str | None = None
    """Why the kit's mock would not start (the server checks then do not run)."""


def _python(*args: str) -> tuple[str, ...]:
    return (sys.executable, *args)


def spectral_binary() -> str | None:
    """Spectral as tox installs it (`$SPIKE_SPECTRAL`), or one on PATH."""
    named = os.environ.get(SPECTRAL_ENV)
    if named:
        return named if Path(named).exists() else None
    return shutil.which("spectral")


LOAD_REPORT = "spec.json"
"""The `spec: loads` check's faults, as JSON (`spike_kit.gate.loading`)."""
LOADED_SPEC = "spec.loaded.json"
"""The spec as the loader read it (JSON), for tools that would otherwise parse it their own
way (the schemathesis CLI)."""
VALIDATOR_REPORT = "validator.json"
SPECTRAL_REPORT = "spectral.json"


def _validator_findings(verdict: Verdict, reports: Path) -> list[Finding]:
    return gate_findings.from_fault_report(verdict.check.name, reports / VALIDATOR_REPORT)


def _spectral_shown(verdict: Verdict, reports: Path) -> str:
    """Spectral's own output, except after a YAML error: then its parser's findings only."""
    if not gate_findings.not_yaml(reports / LOAD_REPORT):
        return verdict.output
    everything = gate_findings.from_spectral(verdict.check.name, reports / SPECTRAL_REPORT)
    kept = _spectral_findings(verdict, reports)
    lines = [
        f"Spectral: {len(everything)} findings; {len(everything) - len(kept)} of them only "
        "follow from the YAML error (`spec: loads`) and are left out, leaving:"
    ]
    lines += [f"  {finding.line}:{finding.column}  {finding.message}" for finding in kept]
    return "\n".join(lines)


def _spectral_findings(verdict: Verdict, reports: Path) -> list[Finding]:
    found = gate_findings.from_spectral(verdict.check.name, reports / SPECTRAL_REPORT)
    if gate_findings.not_yaml(reports / LOAD_REPORT):
        # Spectral reads on past a YAML error and reports what the half-read document lacks
        # (hundreds of findings on one unclosed bracket), its parser too: only its first
        # parser finding says something of its own.
        found = [finding for finding in found if finding.message.startswith("parser:")][:1]
    return found


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
    relative_spec = layout.spec.relative_to(layout.root).as_posix()  # as reviewers name it
    checks = [
        Check(
            "spec: openapi-spec-validator",
            _python(
                "-m",
                "spike_kit.gate.validator",
                relative_spec,
                "--json",
                str(reports / VALIDATOR_REPORT),
            ),
            findings=_validator_findings,
            writes=(VALIDATOR_REPORT,),
            needs_spec=False,
            timeout=SPEC_CHECK_SECONDS,
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
                str(reports / SPECTRAL_REPORT),
                relative_spec,
            ),
            findings=_spectral_findings,
            shown=_spectral_shown,
            writes=(SPECTRAL_REPORT,),
            needs_spec=False,
            timeout=SPEC_CHECK_SECONDS,
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
                str(reports / LOADED_SPEC),
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


MAX_OUTPUT = 64 * 1024
"""Characters of a check's output kept for the log: the head and the tail, whatever the tool
printed (a validator once printed a 5 MB description, 15 MB in all)."""


def _kept(text: str) -> str:
    if len(text) <= MAX_OUTPUT:
        return text
    half = MAX_OUTPUT // 2
    return (
        f"{text[:half]}\n... [{len(text) - MAX_OUTPUT:,} characters left out] ...\n{text[-half:]}"
    )


def run_check(
    check: Check,
    layout: RepoLayout,
    reports: Path,
    env: dict[str, str],
    timeout: float | None = None,
) -> Verdict:
    """Run one check in its own process group, stopped (with everything it started) when it
    outlives its time limit."""
    if check.missing is not None:
        in_ci = bool(env.get("CI"))
        said = check.missing + (" (required in CI)" if in_ci else "; skipped")
        return Verdict(check, not in_ci, None, 0.0, said, skipped=not in_ci)
    for name in (*((check.junit,) if check.junit else ()), *check.writes):
        (reports / name).unlink(missing_ok=True)  # nothing stale from an earlier run
    limit = check.timeout if timeout is None else timeout
    started = time.perf_counter()
    process = subprocess.Popen(
        check.command,
        cwd=layout.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        env=env,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=limit)
        out_of_time = False
    except subprocess.TimeoutExpired:
        _kill_group(process)
        stdout, stderr = process.communicate()
        out_of_time = True
    seconds = time.perf_counter() - started
    output = _kept(stdout + stderr)
    if out_of_time:
        said = f"ran out of time after {limit:g} s and was stopped (--check-timeout)"
        return Verdict(check, False, None, seconds, f"{output}\n{check.name}: {said}".lstrip())
    cases = _count_cases(reports / check.junit) if check.junit else None
    return Verdict(check, process.returncode == 0, cases, seconds, output)


def _kill_group(process: subprocess.Popen[str]) -> None:
    """The check and every process it started (Spectral's node, a pytest's workers)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def run_checks(
    checks: Sequence[Check],
    layout: RepoLayout,
    reports: Path,
    env: dict[str, str],
    jobs: int,
    on_done: Callable[[Verdict], None],
    timeout: float | None = None,
) -> list[Verdict]:
    """Every check, `jobs` at a time, the heavy ones started first; verdicts in `checks`
    order."""
    order = sorted(range(len(checks)), key=lambda index: not checks[index].heavy)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {
            index: pool.submit(run_check, checks[index], layout, reports, env, timeout)
            for index in order
        }
        for future in futures.values():
            future.add_done_callback(lambda done: on_done(done.result()))
        return [futures[index].result() for index in range(len(checks))]
