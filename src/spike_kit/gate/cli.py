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
from spike_kit.gate.checks import (
    LOADED_SPEC,
    MOCK_REFUSED,
    Check,
    Target,
    Verdict,
    default_checks,
    nightly_seed,
    not_run,
    run_checks,
)
from spike_kit.gate.loading import check_spec_loads
from spike_kit.gate.settings import (
    APPLICATION_ENV,
    CHECK_SECONDS,
    HOOKS_MODULE,
    KEY_ENV,
    NIGHTLY_EXAMPLES,
    PROFILE_ENV,
    PROFILES,
    SPEC_CHECK_SECONDS,
    TIMEOUT_ENV,
    TOKEN_ENV,
)
from spike_kit.layout import RepoLayout, RepositoryNotFoundError, checkout_for


def schemathesis_config(layout: RepoLayout, scratch: Path) -> Path:
    """The repository's schemathesis settings plus a bearer header taken from the
    environment by schemathesis itself, so the token is on no command line and in no file."""
    settings = (layout.root / "schemathesis.toml").read_text(encoding="utf-8")
    header = f'headers = {{ Authorization = "Bearer ${{{TOKEN_ENV}}}" }}\n'
    path = scratch / "schemathesis.toml"
    path.write_text(header + settings, encoding="utf-8")
    return path


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
        "--check-timeout",
        type=float,
        metavar="SECONDS",
        help=f"stop and fail any check that runs longer (default: {SPEC_CHECK_SECONDS:g} s "
        f"for a spec check, {CHECK_SECONDS:g} s for the others; ${TIMEOUT_ENV} too)",
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
    layout = _checkout(parser)
    reports = _reports_folder(args.reports, parser)
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
    timeout = _timeout(args.check_timeout, env, parser)
    # Which checks run is known before any server is: the mock starts only for a check that
    # talks to one (`--only spec,compat` starts nothing), and only for a spec that loads.
    planned = _selected(
        default_checks(layout, reports, Target("", live=bool(args.base_url))), args.only
    )
    if not planned:
        parser.error(f"--only {args.only!r} matches no check")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="spike-gate-") as folder:
        scratch = Path(folder)
        loaded_spec = scratch / LOADED_SPEC
        loads = check_spec_loads(layout, reports, loaded_spec)
        print(loads.progress, flush=True)
        needs_server = loads.passed and any(check.server for check in planned)
        with _target(args.base_url, env, layout, needs_server) as target:
            seed = nightly_seed() if args.profile == "nightly" else None
            st_config = schemathesis_config(layout, scratch)
            checks = _selected(
                default_checks(layout, reports, target, st_config, seed, loaded_spec), args.only
            )
            verdicts = _run(checks, loads, target, layout, reports, env, args, seed, timeout)
    total = time.perf_counter() - started
    if github.in_actions():
        report.report_to_github(verdicts, layout, reports, env, total, args.profile)
    print(report.render_summary(verdicts))
    failed = [v.check.name for v in verdicts if not v.passed and v.not_run is None]
    unrun = [v for v in verdicts if v.not_run is not None]
    said = []
    if failed:
        said.append("FAILED: " + ", ".join(failed))
    if unrun:
        names = ", ".join(v.check.name for v in unrun)
        said.append(f"NOT RUN ({unrun[0].not_run}): {names}")
    print(
        f"\ngate: {'; '.join(said) or 'all checks passed'} in {total:.1f} s; reports in {reports}"
    )
    return 1 if said else 0


def _run(
    checks: list[Check],
    loads: Verdict,
    target: Target,
    layout: RepoLayout,
    reports: Path,
    env: dict[str, str],
    args: argparse.Namespace,
    seed: int | None,
    timeout: float | None,
) -> list[Verdict]:
    """Every selected check that can run, side by side; the others' NOT RUN verdicts; the
    output of each check that did not pass."""
    runnable = [check for check in checks if loads.passed or not check.needs_spec]
    if target.refused is not None:
        runnable = [check for check in runnable if not check.server]
    if target.refused is not None:
        against = "the mock did not start (server checks NOT RUN)"
    elif target.base_url:
        against = f"server checks against {target.base_url}"
    else:
        against = "no server checks (no mock started)"
    print(
        f"gate: {len(checks) + 1} checks, {args.jobs} at a time, profile {args.profile}"
        f"{'' if seed is None else f' (schemathesis seed {seed})'}; {against}",
        flush=True,
    )

    def done(verdict: Verdict) -> None:
        print(verdict.progress, flush=True)

    ran = iter(run_checks(runnable, layout, reports, env, args.jobs, done, timeout))
    verdicts = [loads]
    for check in checks:
        if check in runnable:
            verdicts.append(next(ran))
        elif not loads.passed:
            verdicts.append(not_run(check))
        else:
            verdicts.append(not_run(check, MOCK_REFUSED, target.refused or ""))
    for verdict in verdicts:
        if verdict.not_run is not None and loads.passed:
            print(f"--- {verdict.check.name} not run ---\n{verdict.output}\n", flush=True)
        elif (not verdict.passed and verdict.not_run is None) or verdict.skipped:
            output = report.shown(verdict.output.rstrip(), env)
            word = "skipped" if verdict.skipped else "failed"
            print(f"--- {verdict.check.name} {word} ---\n{output}\n", flush=True)
    return verdicts


def _checkout(parser: argparse.ArgumentParser) -> RepoLayout:
    """The checkout around the working directory. One whose spec is missing is still one: the
    gate then says so as a finding of `spec: loads` (a pull request that deletes or moves the
    spec is red with a reason, not a usage error)."""
    try:
        return RepoLayout.find()
    except RepositoryNotFoundError:
        pass
    try:
        return RepoLayout.find(spec_required=False)
    except RepositoryNotFoundError:
        return checkout_for(parser)  # the usage error, exit 2


def _reports_folder(given: Path, parser: argparse.ArgumentParser) -> Path:
    """`--reports`, created and writable, or a usage error (exit 2) that names it."""
    reports = given.resolve()
    probe = reports / ".spike-gate-write-test"
    try:
        reports.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        parser.error(f"--reports {given}: cannot write there ({exc.strerror or exc})")
    return reports


def _timeout(
    given: float | None, env: dict[str, str], parser: argparse.ArgumentParser
) -> float | None:
    """Every check's time limit when one is set (flag, then environment), else None: each
    check keeps its own default."""
    if given is None and env.get(TIMEOUT_ENV):
        try:
            given = float(env[TIMEOUT_ENV])
        except ValueError:
            parser.error(f"${TIMEOUT_ENV} must be a number of seconds")
    if given is not None and not given > 0:
        parser.error("--check-timeout must be a positive number of seconds")
    return given


@contextmanager
def _target(
    base_url: str | None, env: dict[str, str], layout: RepoLayout, needed: bool = True
) -> Iterator[Target]:
    """The given server, or the kit's mock serving this checkout's spec in its own process for
    the gate's duration (none when no selected check talks to a server). A mock that refuses
    to start is a finding of the server checks, not a traceback."""
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

    mock = MockProcess(
        "--no-faults", "--public-url", "http://localhost", "--spec", str(layout.spec)
    )
    try:
        mock.start()
    except RuntimeError as exc:
        yield Target("", live=False, refused=str(exc))
        return
    try:
        env[TOKEN_ENV] = DEFAULT_STATIC_TOKEN
        env[APPLICATION_ENV] = str(DEFAULT_APPLICATION_ID)
        env[KEY_ENV] = DEFAULT_HMAC_KEY
        yield Target(mock.base_url, live=False)
    finally:
        mock.stop()
