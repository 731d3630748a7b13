"""The contract gate: one command that says whether spec, client and server agree.

`scripts/gate`, `spike-kit gate` and `tox -e gate` run this. It runs the checks of
`spike_kit.gate.checks` side by side, prints a verdict per check as it comes, then the output
of what failed and a summary table; the reports (JUnit XML, schemathesis' own) are what CI
keeps. Inside GitHub Actions the findings that have a place in the spec also become
annotations on its lines, and the table and the compatibility changelog go to the job
summary. The kit's mock is started only when a selected check talks to a server.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from spike_kit.gate import github, report
from spike_kit.gate.checks import Check, Target, Verdict, default_checks, nightly_seed, run_checks
from spike_kit.gate.settings import (
    APPLICATION_ENV,
    HOOKS_MODULE,
    KEY_ENV,
    NIGHTLY_EXAMPLES,
    PROFILE_ENV,
    PROFILES,
    TOKEN_ENV,
)
from spike_kit.layout import RepoLayout, checkout_for


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


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
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


def _selected(checks: list[Check], only: str | None) -> list[Check]:
    if not only:
        return checks
    prefixes = tuple(part.strip() for part in only.split(",") if part.strip())
    return [check for check in checks if check.name.startswith(prefixes)]


def main(argv: Sequence[str] | None = None, prog: str = "gate") -> int:
    parser = _parser(prog)
    args = parser.parse_args(argv)
    layout = checkout_for(parser)
    reports = args.reports.resolve()
    reports.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "SCHEMATHESIS_HOOKS": HOOKS_MODULE,
        PROFILE_ENV: args.profile,
    }
    if args.base_url:
        if not env.get(TOKEN_ENV):
            parser.error(f"--base-url needs the server's bearer token in ${TOKEN_ENV}")
        if not args.base_url.startswith(("http://", "https://")):
            parser.error("--base-url must be an http(s) URL such as https://host/v3")
    # Which checks run is known before any server is: the mock starts only for a check that
    # talks to one (`--only spec,compat` starts nothing).
    planned = _selected(
        default_checks(layout, reports, Target("", live=bool(args.base_url))), args.only
    )
    if not planned:
        parser.error(f"--only {args.only!r} matches no check")
    needs_server = any(check.server for check in planned)
    started = time.perf_counter()
    with (
        _target(args.base_url, env, needs_server) as target,
        schemathesis_config(layout) as st_config,
    ):
        seed = nightly_seed() if args.profile == "nightly" else None
        checks = _selected(default_checks(layout, reports, target, st_config, seed), args.only)
        against = (
            f"server checks against {target.base_url}"
            if needs_server
            else "no server checks (no mock started)"
        )
        print(
            f"gate: {len(checks)} checks, {args.jobs} at a time, profile {args.profile}"
            f"{'' if seed is None else f' (schemathesis seed {seed})'}; {against}",
            flush=True,
        )

        def done(verdict: Verdict) -> None:
            print(
                f"gate: {verdict.label} {verdict.check.name} ({verdict.seconds:.1f} s)", flush=True
            )

        verdicts = run_checks(checks, layout, reports, env, args.jobs, done)
        for verdict in verdicts:
            if not verdict.passed or verdict.skipped:
                output = report.shown(verdict.output.rstrip(), env)
                word = "skipped" if verdict.skipped else "failed"
                print(f"--- {verdict.check.name} {word} ---\n{output}\n", flush=True)
    total = time.perf_counter() - started
    if github.in_actions():
        report.report_to_github(verdicts, layout, reports, env, total, args.profile)
    print(report.render_summary(verdicts))
    failed = [v.check.name for v in verdicts if not v.passed]
    print(
        f"\ngate: {'FAILED: ' + ', '.join(failed) if failed else 'all checks passed'}"
        f" in {total:.1f} s; reports in {reports}"
    )
    return 1 if failed else 0


@contextmanager
def _target(base_url: str | None, env: dict[str, str], needed: bool = True) -> Iterator[Target]:
    """The given server, or the kit's mock in its own process for the gate's duration (none
    when no selected check talks to a server)."""
    if base_url:
        yield Target(base_url.rstrip("/"), live=True)
        return
    if not needed:
        yield Target("", live=False)
        return
    from spike_kit.mock.process import MockProcess
    from spike_kit.mock.settings import (
        DEFAULT_APPLICATION_ID,
        DEFAULT_HMAC_KEY,
        DEFAULT_STATIC_TOKEN,
    )

    with MockProcess("--no-faults", "--public-url", "http://localhost") as mock:
        env[TOKEN_ENV] = DEFAULT_STATIC_TOKEN
        env[APPLICATION_ENV] = str(DEFAULT_APPLICATION_ID)
        env[KEY_ENV] = DEFAULT_HMAC_KEY
        yield Target(mock.base_url, live=False)
