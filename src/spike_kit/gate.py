"""The contract gate: one command that says whether spec, client and server agree.

Each check is a subprocess so that one crashing tool cannot take the others' verdicts with it,
and so that the gate runs exactly what a person would run by hand. The checks are independent,
so they run side by side, one per core, the longest first. The summary table and the reports
(JUnit XML, schemathesis' own) are what CI keeps; inside GitHub Actions the findings that have
a place in the spec also become annotations on its lines, and the table and the compatibility
changelog go to the job summary.

The server checks run against the kit's mock unless the gate is given a base URL; then they
run against that server only, with a token read from the environment. Nothing is sent
anywhere else.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from attrs import field, frozen

from spike_kit import gate_findings, gate_hooks, github
from spike_kit.gate_findings import Finding
from spike_kit.paths import RepoLayout

TOKEN_ENV = "SPIKE_GATE_TOKEN"  # noqa: S105 - the name of a variable, not a token
"""Where the schemathesis run over HTTP reads its bearer token (never from the command line)."""
SPECTRAL_ENV = "SPIKE_SPECTRAL"
"""The Spectral executable (tox sets it to the shared npm install, see tox.ini)."""
PROFILE_ENV = "SPIKE_TEST_PROFILE"
"""How deep the generated cases go (contract_tests/profiles.py)."""
PROFILES = ("gate", "full", "nightly")
NIGHTLY_EXAMPLES = 1000
"""Schemathesis examples per operation over HTTP in the nightly profile (schemathesis.toml
sets the budget of the others)."""


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
            _python("-m", "spike_kit.preflight", target.base_url, TOKEN_ENV),
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
        )
    )
    return checks


def _nightly_seed() -> int:
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


@contextmanager
def schemathesis_config(layout: RepoLayout) -> Iterator[Path]:
    """The repository's schemathesis settings plus a bearer header taken from the
    environment by schemathesis itself, so the token is on no command line and in no file."""
    settings = (layout.root / "schemathesis.toml").read_text(encoding="utf-8")
    header = f'headers = {{ Authorization = "Bearer ${{{TOKEN_ENV}}}" }}\n'
    with tempfile.TemporaryDirectory(prefix="spike-gate-") as folder:
        path = Path(folder) / "schemathesis.toml"
        path.write_text(header + settings, encoding="utf-8")
        yield path


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


def _scrub(text: str, secret: str) -> str:
    return text.replace(secret, "[redacted]") if secret else text


def _shown(text: str, env: dict[str, str]) -> str:
    for secret in (env.get(TOKEN_ENV, ""), env.get(gate_hooks.KEY_ENV, "")):
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
        print(_shown(annotation.command(), env))
    summary = render_markdown(verdicts, total, profile)
    ran_compat = any("compat.json" in v.check.writes and not v.skipped for v in verdicts)
    compat = gate_findings.read_compat(reports / "compat.json") if ran_compat else None
    if compat and compat.get("changelog"):
        summary += (
            "\n\n### Contract changes for `CHANGELOG.md`\n\n"
            f"Against `{compat.get('base')}`, in words, ready to paste under `## [Unreleased]`:"
            f"\n\n{compat['changelog']}"
        )
    github.append_summary(_shown(summary, env))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gate", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--reports",
        type=Path,
        default=Path("reports"),
        help="folder for JUnit XML and tool reports (default: reports/)",
    )
    parser.add_argument(
        "--base-url",
        help="gate this server (e.g. https://staging.example.com/v3) instead of the kit's mock; "
        f"its bearer token is read from ${TOKEN_ENV}",
    )
    parser.add_argument(
        "--only",
        help="comma-separated check-name prefixes to run (spec, drift, compat, client, server)",
    )
    parser.add_argument(
        "--profile",
        choices=PROFILES,
        default="gate",
        help="how deep the generated cases go: gate (default; few, derandomized), full (the "
        f"whole suite's), nightly (many, a fresh seed, {NIGHTLY_EXAMPLES} schemathesis "
        "examples per operation over HTTP)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="checks run at once (default: one per core)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    layout = RepoLayout.find()
    reports = args.reports.resolve()
    reports.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "SCHEMATHESIS_HOOKS": "spike_kit.gate_hooks",
        PROFILE_ENV: args.profile,
    }
    if args.base_url:
        if not env.get(TOKEN_ENV):
            parser.error(f"--base-url needs the server's bearer token in ${TOKEN_ENV}")
        if not args.base_url.startswith(("http://", "https://")):
            parser.error("--base-url must be an http(s) URL such as https://host/v3")
    started = time.perf_counter()
    with _target(args.base_url, env) as target, schemathesis_config(layout) as st_config:
        seed = _nightly_seed() if args.profile == "nightly" else None
        checks = default_checks(layout, reports, target, st_config, seed)
        if args.only:
            prefixes = tuple(part.strip() for part in args.only.split(",") if part.strip())
            checks = [check for check in checks if check.name.startswith(prefixes)]
            if not checks:
                parser.error(f"--only {args.only!r} matches no check")
        print(
            f"gate: {len(checks)} checks, {args.jobs} at a time, profile {args.profile}"
            f"{'' if seed is None else f' (schemathesis seed {seed})'}; "
            f"server checks against {target.base_url}",
            flush=True,
        )

        def done(verdict: Verdict) -> None:
            print(
                f"gate: {verdict.label} {verdict.check.name} ({verdict.seconds:.1f} s)", flush=True
            )

        verdicts = run_checks(checks, layout, reports, env, args.jobs, done)
        for verdict in verdicts:
            if not verdict.passed or verdict.skipped:
                shown = _shown(verdict.output.rstrip(), env)
                word = "skipped" if verdict.skipped else "failed"
                print(f"--- {verdict.check.name} {word} ---\n{shown}\n", flush=True)
    total = time.perf_counter() - started
    if github.in_actions():
        report_to_github(verdicts, layout, reports, env, total, args.profile)
    print(render_summary(verdicts))
    failed = [v.check.name for v in verdicts if not v.passed]
    print(
        f"\ngate: {'FAILED: ' + ', '.join(failed) if failed else 'all checks passed'}"
        f" in {total:.1f} s; reports in {reports}"
    )
    return 1 if failed else 0


@contextmanager
def _target(base_url: str | None, env: dict[str, str]) -> Iterator[Target]:
    """The given server, or the kit's mock in its own process for the gate's duration."""
    if base_url:
        yield Target(base_url.rstrip("/"), live=True)
        return
    from spike_kit.mock.process import MockProcess
    from spike_kit.mock.settings import (
        DEFAULT_APPLICATION_ID,
        DEFAULT_HMAC_KEY,
        DEFAULT_STATIC_TOKEN,
    )

    with MockProcess("--no-faults", "--public-url", "http://localhost") as mock:
        env[TOKEN_ENV] = DEFAULT_STATIC_TOKEN
        env[gate_hooks.APPLICATION_ENV] = str(DEFAULT_APPLICATION_ID)
        env[gate_hooks.KEY_ENV] = DEFAULT_HMAC_KEY
        yield Target(mock.base_url, live=False)
