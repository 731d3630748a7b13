"""What the gate runs, and how: each check a subprocess, one per core, the longest first.

Each check is a subprocess so that one crashing tool cannot take the others' verdicts with it,
and so that the gate runs exactly what a person would run by hand. The checks are independent,
so they run side by side. The server checks run against the kit's mock unless the gate is
given a base URL; then they run against that server only, with a token read from the
environment. Nothing is sent anywhere else.
"""

from __future__ import annotations

import json
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

from attrs import evolve, field, frozen

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
from spike_kit.processes import stop_group

NOT_LOADED = "the spec does not load"
"""Why the checks that need the spec's content did not run."""
MOCK_REFUSED = "the mock did not start"
"""Why the server checks did not run on a spec that loads (the mock refused to serve it)."""


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
    out_of_time: float | None = None
    """The time limit (seconds) the check ran out of; it was stopped and failed."""

    @property
    def word(self) -> str:
        """PASS, FAIL, SKIP or NOT RUN."""
        if self.not_run is not None:
            return "NOT RUN"
        return "SKIP" if self.skipped else "PASS" if self.passed else "FAIL"

    @property
    def reason(self) -> str | None:
        """Why, when the verdict is the gate's rather than the tool's own."""
        if self.not_run is not None:
            return self.not_run
        if self.out_of_time is not None:
            return f"ran out of time after {self.out_of_time:g} s"
        return None

    @property
    def label(self) -> str:
        """The verdict as the table shows it: `NOT RUN: the spec does not load`,
        `FAIL: ran out of time after 60 s`, or the tool's own PASS, FAIL or SKIP."""
        return self.word if self.reason is None else f"{self.word}: {self.reason}"

    @property
    def progress(self) -> str:
        """The line the gate prints as the check ends."""
        said = f"gate: {self.word} {self.check.name} ({self.seconds:.1f} s)"
        return said if self.reason is None else f"{said}: {self.reason}"


def not_run(check: Check, reason: str = NOT_LOADED, details: str = "") -> Verdict:
    said = f"not run: {reason}" + (f"\n{details}" if details else "")
    return Verdict(check, False, None, 0.0, said, not_run=reason)


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
    settle: Callable[[Verdict, Path], str | None] | None = field(default=None, eq=False)
    """Run when the check has ended: tidies its reports, and returns what the gate prints for
    it instead of the tool's own output (None: the tool's output)."""


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
way (the schemathesis CLI). It goes to the gate's scratch folder, not to the reports CI keeps:
a copy of the spec is no finding, and it is as large as the spec."""
VALIDATOR_REPORT = "validator.json"
SPECTRAL_REPORT = "spectral.json"


def _validator_findings(verdict: Verdict, reports: Path) -> list[Finding]:
    return gate_findings.from_fault_report(verdict.check.name, reports / VALIDATOR_REPORT)


def _spectral_after_a_yaml_error(verdict: Verdict, reports: Path) -> str | None:
    """After a YAML error, Spectral's first parser finding only, in its report and in the log.

    Spectral reads on past a YAML error and reports everything the half-read document lacks
    (669 findings, a 256 KB report, for one unclosed bracket in our spec, and more the larger
    the spec), its parser's too; only its first parser finding says something of its own, and
    `spec: loads` names the fault at its line already.
    """
    report = reports / SPECTRAL_REPORT
    if not gate_findings.not_yaml(reports / LOAD_REPORT):
        return None
    try:
        results = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # no report: Spectral's own words say why
    if not isinstance(results, list):
        return None
    kept = [r for r in results if isinstance(r, dict) and r.get("code") == "parser"][:1]
    report.write_text(json.dumps(kept), encoding="utf-8")
    lines = [
        f"Spectral: {len(results)} finding{'' if len(results) == 1 else 's'}; "
        f"{len(results) - len(kept)} of them only follow from the YAML error (`spec: loads`) "
        f"and are left out, here and in {SPECTRAL_REPORT}" + (", leaving:" if kept else ".")
    ]
    lines += [
        f"  {finding.line}:{finding.column}  {finding.message}"
        for finding in gate_findings.from_spectral(verdict.check.name, report)
    ]
    return "\n".join(lines)


def _spectral_findings(verdict: Verdict, reports: Path) -> list[Finding]:
    return gate_findings.from_spectral(verdict.check.name, reports / SPECTRAL_REPORT)


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
    loaded_spec: Path | None = None,
) -> list[Check]:
    """The gate's checks; with `nightly_seed`, schemathesis over HTTP goes deep (nightly).
    `loaded_spec` is the spec as the loader wrote it out (`spike_kit.gate.loading`), which the
    schemathesis CLI reads instead of parsing the YAML its own way."""
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
            settle=_spectral_after_a_yaml_error,
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
                str(loaded_spec or layout.spec),
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
        stop_group(process)
        stdout, stderr = process.communicate()
        out_of_time = True
    seconds = time.perf_counter() - started
    output = _kept(stdout + stderr)
    if out_of_time:
        said = (
            f"ran out of time after {limit:g} s; it was stopped with every process it started "
            "(--check-timeout sets the limit)"
        )
        return Verdict(
            check,
            False,
            None,
            seconds,
            f"{output}\n{check.name}: {said}".lstrip(),
            out_of_time=limit,
        )
    cases = _count_cases(reports / check.junit) if check.junit else None
    verdict = Verdict(check, process.returncode == 0, cases, seconds, output)
    settled = check.settle(verdict, reports) if check.settle is not None else None
    return verdict if settled is None else evolve(verdict, output=settled)


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
