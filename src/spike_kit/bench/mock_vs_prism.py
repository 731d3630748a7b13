"""The kit's mock beside Stoplight Prism and two reference apps, under the same wrk load.

Each server runs alone, one after the other, on 127.0.0.1, pinned to its own core(s); `wrk`
runs pinned to another core, so the load generator never takes the server's CPU. Every row
gets the same request (`GET .../providers/garmin/integration/init_url?state=bench` with a
bearer token), connections and duration. The rows:

- a raw ASGI app answering fixed bytes, on the mock's own server (uvicorn + uvloop +
  httptools): the ceiling for any Python app here;
- a minimal Starlette route answering with a `JSONResponse`: what a framework alone costs;
- `spike-mock`, every rule and all request validation on, with 1 and with N workers;
- Prism 5.14.2 with `--errors=false -v silent` (logging off, as one runs a mock under load)
  and with its default logging.

Besides wrk's figures each row shows the CPU time the server spent per request (its own and
its workers', from /proc): on a machine shared with other work, throughput moves with the
neighbours, CPU per request much less. `--soak SECONDS` runs the mock alone at full speed and
prints its memory at the start, middle and end.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
from attrs import frozen

from spike_kit.bench import run_info
from spike_kit.mock.process import MockProcess
from spike_kit.mock.settings import DEFAULT_STATIC_TOKEN, bundled_spec_path
from spike_kit.prism import PrismError, PrismProcess
from spike_kit.processes import children_of

REQUEST = "/providers/garmin/integration/init_url?state=bench"
ROWS = ("raw", "starlette", "mock", "workers", "prism-silent", "prism")
PRISM_VERSION = "5.14.2"
NO_WRK = (
    "bench-mock needs wrk, the HTTP load generator: install it "
    "(Debian/Ubuntu: apt-get install wrk) or pass --wrk PATH."
)


@frozen
class Load:
    """What one wrk run measured, and the server's CPU time over it."""

    requests: int
    per_second: float
    p50_ms: float
    p99_ms: float
    refused: int
    """Responses with status 400 or above (wrk's `Non-2xx or 3xx responses`)."""
    socket_errors: int
    server_cpu_s: float

    @property
    def cpu_us_per_request(self) -> float:
        return self.server_cpu_s / max(self.requests, 1) * 1e6


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([0-9.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS_MS[unit]


def parse_wrk(output: str) -> dict[str, float]:
    """The figures of `wrk --latency` output: requests, per_second, p50/p99 (ms), errors."""

    def found(pattern: str) -> re.Match[str]:
        match = re.search(pattern, output, re.MULTILINE)
        if match is None:
            raise ValueError(f"wrk's output has no {pattern!r}:\n{output}")
        return match

    refused = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "requests": int(found(r"^\s*(\d+) requests in")[1]),
        "per_second": float(found(r"^Requests/sec:\s+([0-9.]+)")[1]),
        "p50_ms": _ms(found(r"^\s+50%\s+(\S+)")[1]),
        "p99_ms": _ms(found(r"^\s+99%\s+(\S+)")[1]),
        "refused": int(refused[1]) if refused else 0,
        "socket_errors": sum(int(n) for n in sockets.groups()) if sockets else 0,
    }


# Processes, cores, memory ---------------------------------------------------------------------
def _process_tree(pid: int) -> list[int]:
    """`pid` and its children (the mock's workers)."""
    return [pid, *children_of(pid)]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its live children (Linux /proc; else 0)."""
    total = 0
    for member in _process_tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float:
    """Resident memory of a process and its children, MiB (Linux /proc; else 0).

    Memory the workers share (the flow store, pages inherited from the parent) counts once
    per process, as RSS does: an upper bound."""
    total = 0
    for member in _process_tree(pid):
        try:
            status = Path(f"/proc/{member}/status").read_text(encoding="ascii")
        except OSError:
            continue
        total += next(
            (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")), 0
        )
    return total / 1024


@frozen
class Cores:
    load: set[int]
    servers: set[int]

    @classmethod
    def split(cls) -> Cores | None:
        """The last core for wrk, the rest for servers; None with fewer than two cores."""
        if not hasattr(os, "sched_getaffinity"):
            return None
        cores = sorted(os.sched_getaffinity(0))
        if len(cores) < 2:
            return None
        return cls({cores[-1]}, set(cores[:-1]))


@contextlib.contextmanager
def pinned(cores: set[int] | None) -> Iterator[None]:
    """Run the body (and every process it starts) on `cores`, then give all cores back."""
    if cores is None:
        yield
        return
    everything = os.sched_getaffinity(0)
    os.sched_setaffinity(0, cores)
    try:
        yield
    finally:
        os.sched_setaffinity(0, everything)


def run_wrk(
    wrk: str, url: str, connections: int, seconds: int, cores: Cores | None, server_pid: int
) -> Load:
    """One wrk run (one thread) pinned to the load core, and the server's CPU time over it."""
    command = [
        wrk,
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "-H",
        f"Authorization: Bearer {DEFAULT_STATIC_TOKEN}",
        url,
    ]
    before = cpu_seconds(server_pid)
    with pinned(cores.load if cores else None):
        finished = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + 60, check=True
        )
    spent = cpu_seconds(server_pid) - before
    return Load(**parse_wrk(finished.stdout), server_cpu_s=spent)  # type: ignore[arg-type]


# Rows -------------------------------------------------------------------------------------------
@frozen
class Row:
    name: str
    workers: str
    load: Load | None
    note: str = ""


def _row(
    name: str,
    workers: str,
    start: Callable[[], Any],
    run: Callable[[Any], Load],
    cores: Cores | None,
) -> Row:
    """Start a server on the server cores, load it, stop it; a row either way."""
    with pinned(cores.servers if cores else None):
        try:
            server = start()
        except (RuntimeError, PrismError, OSError) as exc:
            return Row(name, workers, None, f"did not start: {exc}")
    try:
        return Row(name, workers, run(server))
    finally:
        server.stop()


def _loader(ctx: Context) -> Callable[[Any], Load]:
    """Loads a started server (a `MockProcess` or `PrismProcess`) with this run's wrk."""

    def run(server: Any) -> Load:
        assert server.pid is not None
        return run_wrk(
            ctx.wrk,
            f"{server.base_url}{REQUEST}",
            ctx.connections,
            ctx.seconds,
            ctx.cores,
            server.pid,
        )

    return run


def _mock_row(name: str, args: list[str], workers: str, ctx: Context, module: str) -> Row:
    def start() -> MockProcess:
        return MockProcess(*args, module=module, ready_within=60).start()

    return _row(name, workers, start, _loader(ctx), ctx.cores)


def _prism_row(name: str, silent: bool, ctx: Context) -> Row:
    if ctx.prism is None:
        return Row(name, "1", None, "not run: Prism not found (tox -e bench-mock installs it)")
    prism = ctx.prism
    extra = ("--errors=false",) if silent else ()

    def start() -> PrismProcess:
        return PrismProcess(prism, ctx.spec, silent=silent, extra_args=extra).start(REQUEST)

    return _row(name, "1", start, _loader(ctx), ctx.cores)


@frozen
class Context:
    wrk: str
    prism: str | None
    spec: Path
    connections: int
    seconds: int
    workers: int
    cores: Cores | None


def run_rows(ctx: Context, wanted: list[str]) -> dict[str, Row]:
    reference = "spike_kit.bench.reference_apps"
    mock = "spike_kit.mock"
    spec = ["--spec", str(ctx.spec)]
    makers: dict[str, Callable[[], Row]] = {
        "raw": lambda: _mock_row(
            "raw ASGI app, fixed bytes (the ceiling)", ["--app", "raw"], "1", ctx, reference
        ),
        "starlette": lambda: _mock_row(
            "minimal Starlette route, JSONResponse", ["--app", "starlette"], "1", ctx, reference
        ),
        "mock": lambda: _mock_row("spike-mock (every rule, all validation)", spec, "1", ctx, mock),
        "workers": lambda: _mock_row(
            "spike-mock (every rule, all validation)",
            [*spec, "--workers", str(ctx.workers)],
            str(ctx.workers),
            ctx,
            mock,
        ),
        "prism-silent": lambda: _prism_row(
            f"Prism {PRISM_VERSION}, `--errors=false -v silent`", True, ctx
        ),
        "prism": lambda: _prism_row(f"Prism {PRISM_VERSION}, default logging", False, ctx),
    }
    return {name: makers[name]() for name in wanted}


# Printing -----------------------------------------------------------------------------------
def _wrk_version(wrk: str) -> str:
    finished = subprocess.run([wrk, "--version"], capture_output=True, text=True, timeout=10)
    first = (finished.stdout or finished.stderr).splitlines()
    return first[0].split(" [")[0] if first else "wrk"


def describe_run(ctx: Context) -> list[str]:
    """Command, machine, date and setup: what a reader needs to judge the table."""
    where = (
        f"wrk on core {sorted(ctx.cores.load)[0]}, servers on core(s) "
        f"{','.join(map(str, sorted(ctx.cores.servers)))}"
        if ctx.cores
        else "fewer than 2 cores: wrk and the servers share them (figures understate servers)"
    )
    return [
        *run_info.describe(where),
        f"load: {_wrk_version(ctx.wrk)}, 1 thread, {ctx.connections} connections, "
        f"{ctx.seconds} s per row, GET {REQUEST} with a bearer token, on 127.0.0.1",
    ]


def table(rows: list[Row]) -> list[str]:
    lines = [
        "| server | workers | req/s | p50 ms | p99 ms | 4xx/5xx | socket errors "
        "| server CPU µs/req |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        if row.load is None:
            lines.append(f"| {row.name} | {row.workers} | {row.note} | | | | | |")
            continue
        load = row.load
        lines.append(
            f"| {row.name} | {row.workers} | {load.per_second:,.0f} | {load.p50_ms:.1f} "
            f"| {load.p99_ms:.1f} | {load.refused} | {load.socket_errors} "
            f"| {load.cpu_us_per_request:.0f} |"
        )
    return lines


def summary(rows: dict[str, Row], ctx: Context) -> list[str]:
    loads = {key: row.load for key, row in rows.items() if row.load is not None}
    lines = []
    mock, ceiling, quiet = loads.get("mock"), loads.get("raw"), loads.get("prism-silent")
    if mock and quiet:
        lines.append(
            f"spike-mock, 1 worker: {mock.per_second / quiet.per_second:.1f}x the requests/s of "
            f"Prism with logging off, p99 {mock.p99_ms:.1f} ms against {quiet.p99_ms:.1f} ms."
        )
    if mock and ceiling:
        lines.append(
            f"spike-mock, 1 worker: {mock.per_second / ceiling.per_second:.0%} of the raw "
            f"ceiling's requests/s, {mock.cpu_us_per_request / ceiling.cpu_us_per_request:.2f}x "
            "its CPU per request."
        )
    if "workers" in rows and ctx.cores is not None and ctx.workers > len(ctx.cores.servers):
        lines.append(
            f"{ctx.workers} workers on {len(ctx.cores.servers)} server core(s): the workers row "
            "shows what the extra processes cost, not how the mock scales with cores."
        )
    lines.append(
        "Not shown: how these servers do with more cores than this machine has, over a real "
        "network, with TLS, or with JWTs from the token exchange instead of the mock's static "
        "token (one HMAC check more per request)."
    )
    return lines


def _rows_arg(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = sorted(set(names) - set(ROWS))
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"rows are a comma list of {', '.join(ROWS)}")
    return names


def _tool(name: str, given: str | None) -> str | None:
    return given or os.environ.get(f"SPIKE_BENCH_{name.upper()}") or shutil.which(name)


def build_parser(prog: str = "bench_mock") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    parser.add_argument("--wrk", help="wrk (default: $SPIKE_BENCH_WRK or PATH)")
    parser.add_argument("--prism", help="the prism CLI (default: $SPIKE_BENCH_PRISM or PATH)")
    parser.add_argument("--connections", type=int, default=32, help="default 32")
    parser.add_argument("--seconds", type=int, default=10, help="per row (default 10)")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="workers for the N-worker row (default: the server cores, at least 2)",
    )
    parser.add_argument(
        "--rows", type=_rows_arg, default=list(ROWS), help=f"default {','.join(ROWS)}"
    )
    parser.add_argument("--spec", type=Path, default=bundled_spec_path())
    parser.add_argument(
        "--soak",
        type=int,
        metavar="SECONDS",
        help="run the mock alone this long (e.g. 300) "
        "and print its memory at the start, middle and end",
    )
    return parser


def main(argv: list[str] | None = None, prog: str = "bench_mock") -> int:
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    if not 1 <= args.seconds <= 120 or not 1 <= args.connections <= 1024:
        parser.error("--seconds must be 1..120 and --connections 1..1024")
    if args.soak is not None and not 1 <= args.soak <= 3600:
        parser.error("--soak must be 1..3600 seconds")
    wrk = _tool("wrk", args.wrk)
    if wrk is None:
        raise SystemExit(NO_WRK)
    cores = Cores.split()
    workers = args.workers or max(2, len(cores.servers) if cores else 2)
    ctx = Context(
        wrk,
        _tool("prism", args.prism),
        args.spec,
        args.connections,
        args.seconds,
        workers,
        cores,
    )
    if args.soak is not None:
        return soak(ctx, args.soak, args.workers or 1)
    print("\n".join(describe_run(ctx)))
    rows = run_rows(ctx, args.rows)
    print("\n".join(["", *table(list(rows.values())), "", *summary(rows, ctx)]))
    ours = [row for key, row in rows.items() if key in ("mock", "workers")]
    broken = any(r.load is None or r.load.refused or r.load.socket_errors for r in ours)
    return 1 if broken else 0


def soak(ctx: Context, seconds: int, workers: int) -> int:
    """The mock alone at full speed for `seconds`; memory at the start, middle and end."""
    args = ["--spec", str(ctx.spec), "--workers", str(workers)]
    described = describe_run(attrs.evolve(ctx, seconds=seconds, workers=workers))
    with pinned(ctx.cores.servers if ctx.cores else None):
        server = MockProcess(*args, ready_within=60).start()
    try:
        assert server.pid is not None
        pid = server.pid
        memory = {"start": rss_mib(pid)}
        middle = threading.Timer(seconds / 2, lambda: memory.update(middle=rss_mib(pid)))
        middle.start()
        try:
            load = run_wrk(
                ctx.wrk, f"{server.base_url}{REQUEST}", ctx.connections, seconds, ctx.cores, pid
            )
        finally:
            middle.cancel()
        memory["end"] = rss_mib(pid)
    finally:
        server.stop()
    print("\n".join(described))
    print(f"\nsoak: spike-mock, {workers} worker(s), {seconds} s at full speed")
    print("| requests | req/s | p99 ms | 4xx/5xx | socket errors | RSS MiB start / middle / end |")
    print("| ---: | ---: | ---: | ---: | ---: | --- |")
    print(
        f"| {load.requests:,} | {load.per_second:,.0f} | {load.p99_ms:.1f} | {load.refused} "
        f"| {load.socket_errors} | {memory['start']:.1f} / {memory.get('middle', 0.0):.1f} / "
        f"{memory['end']:.1f} |"
    )
    print(
        "The consent-code store is one fixed block (16 MiB by default), allocated and touched "
        "at start; codes past it overwrite the oldest, so it cannot grow."
    )
    return 0 if load.refused + load.socket_errors == 0 else 1
