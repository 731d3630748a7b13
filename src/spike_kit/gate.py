"""The contract gate: one command that says whether spec, client and server agree.

Each check is a subprocess so that one crashing tool cannot take the others' verdicts with it,
and so that the gate runs exactly what a person would run by hand. The summary table and the
reports (JUnit XML, schemathesis' own) are what CI keeps.

The server checks run against the kit's mock unless the gate is given a base URL; then they
run against that server only, with a token read from the environment. Nothing is sent
anywhere else.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from attrs import frozen

from spike_kit import gate_hooks
from spike_kit.paths import RepoLayout

TOKEN_ENV = "SPIKE_GATE_TOKEN"  # noqa: S105 - the name of a variable, not a token
"""Where the schemathesis run over HTTP reads its bearer token (never from the command line)."""


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


@frozen
class Target:
    """The server the server checks talk to: the kit's mock, or one given by URL."""

    base_url: str
    live: bool


def _python(*args: str) -> tuple[str, ...]:
    return (sys.executable, *args)


def spectral_binary() -> str | None:
    """Spectral installed by the tox environment (see tox.ini), or one on PATH."""
    env_dir = Path(sys.executable).parent.parent
    local = env_dir / "npm" / "node_modules" / ".bin" / "spectral"
    return str(local) if local.exists() else shutil.which("spectral")


def default_checks(
    layout: RepoLayout, reports: Path, target: Target, st_config: Path | None = None
) -> list[Check]:
    spec = str(layout.spec)
    checks = [Check("spec: openapi-spec-validator", _python("-m", "openapi_spec_validator", spec))]
    spectral = spectral_binary()
    if spectral is not None:
        ruleset = str(layout.root / ".spectral.yaml")
        checks.append(
            Check(
                "spec: spectral lint",
                (spectral, "lint", "--fail-severity", "warn", "--ruleset", ruleset, spec),
            )
        )
    scripts = layout.root / "scripts"
    checks.append(Check("drift: generated/", _python(str(scripts / "drift"))))
    checks.append(
        Check(
            "compat: vs base",
            _python(str(scripts / "compat"), "--json", str(reports / "compat.json")),
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
            )
        )
    where = "live" if target.live else "mock"
    checks.append(
        Check(
            "server: token accepted",
            _python("-m", "spike_kit.preflight", target.base_url, TOKEN_ENV),
        )
    )
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
                "--report",
                "junit",
                "--report-junit-path",
                str(reports / f"schemathesis-{where}.xml"),
                "--no-color",
            ),
            junit=f"schemathesis-{where}.xml",
        )
    )
    return checks


def _pytest_check(
    name: str, layout: RepoLayout, reports: Path, suite: str, junit: str | None = None
) -> Check:
    """One part of `contract_tests/`, with its own JUnit report."""
    junit = junit or f"{suite}.xml"
    return Check(
        name,
        _python(
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            str(layout.root / "contract_tests" / suite),
            f"--junitxml={reports / junit}",
        ),
        junit=junit,
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
    if check.junit:
        (reports / check.junit).unlink(missing_ok=True)  # no stale count from an earlier run
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


def _scrub(text: str, secret: str) -> str:
    return text.replace(secret, "[redacted]") if secret else text


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
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    layout = RepoLayout.find()
    reports = args.reports.resolve()
    reports.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "SCHEMATHESIS_HOOKS": "spike_kit.gate_hooks"}
    if args.base_url:
        if not env.get(TOKEN_ENV):
            parser.error(f"--base-url needs the server's bearer token in ${TOKEN_ENV}")
        if not args.base_url.startswith(("http://", "https://")):
            parser.error("--base-url must be an http(s) URL such as https://host/v3")
    started = time.perf_counter()
    with _target(args.base_url, env) as target, schemathesis_config(layout) as st_config:
        checks = default_checks(layout, reports, target, st_config)
        if args.only:
            prefixes = tuple(part.strip() for part in args.only.split(",") if part.strip())
            checks = [check for check in checks if check.name.startswith(prefixes)]
            if not checks:
                parser.error(f"--only {args.only!r} matches no check")
        print(f"gate: server checks against {target.base_url}", flush=True)
        verdicts = []
        for check in checks:
            verdict = run_check(check, layout, reports, env)
            verdicts.append(verdict)
            if not verdict.passed:
                shown = verdict.output.rstrip()
                for secret in (env.get(TOKEN_ENV, ""), env.get(gate_hooks.KEY_ENV, "")):
                    shown = _scrub(shown, secret)
                print(f"--- {check.name} failed ---\n{shown}\n", flush=True)
    print(render_summary(verdicts))
    failed = [v.check.name for v in verdicts if not v.passed]
    total = time.perf_counter() - started
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
