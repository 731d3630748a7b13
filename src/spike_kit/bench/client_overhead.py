"""What the generated client costs over a plain httpx call doing the same request.

Both sides call the mock, run in its own process on 127.0.0.1, with the same bearer token and
query, and parse the JSON body; the client also validates the body against the contract,
checks the redirect host and runs its retry and logging wrapper. Small batches alternate
between the two sides (and which goes first), so that drift of the machine hits both alike; the
overhead is the median of the batches' own ratios, with the middle half of them beside it,
since a single batch on a shared 2-core machine can be off by 10% either way.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

import httpx
from spike_api_client import AuthenticatedClient
from spike_api_client.api.provider_integration import get_integration_init_url as init_url

from spike_kit.bench import per_user, run_info
from spike_kit.bench.pairs import Pair, paired, seconds
from spike_kit.mock.process import MockProcess
from spike_kit.mock.settings import DEFAULT_STATIC_TOKEN

SLUGS = ("garmin", "oura", "fitbit", "polar", "whoop", "withings", "suunto", "coros")
HEADERS = {"Authorization": f"Bearer {DEFAULT_STATIC_TOKEN}"}


def _calls(count: int) -> Iterator[tuple[str, str]]:
    """(slug, state) for `count` calls: a new `state` every call and the slugs in turn, as real
    traffic varies, so that nothing keyed on the URL stays warm."""
    for n in range(count):
        yield SLUGS[n % len(SLUGS)], secrets.token_urlsafe(24)


def sync_pairs(
    base_url: str, calls: int, batches: int, transport: httpx.BaseTransport | None = None
) -> list[Pair]:
    """Seconds per batch of `calls` sequential calls, plain httpx beside the client, both over
    `transport` when one is given (else over real connections)."""
    with (
        httpx.Client(headers=HEADERS, transport=transport) as http,
        AuthenticatedClient(
            base_url=base_url,
            token=DEFAULT_STATIC_TOKEN,
            redirect_hosts=["127.0.0.1:*"],
            transport=transport,
        ) as spike,
    ):

        def plain() -> None:
            for slug, state in _calls(calls):
                url = f"{base_url}/providers/{slug}/integration/init_url"
                response = http.get(url, params={"state": state})
                response.raise_for_status()
                response.json()["path"]

        def generated() -> None:
            for slug, state in _calls(calls):
                init_url.sync(slug, client=spike, state=state)

        plain()  # warm both connection pools
        generated()
        return paired(lambda: seconds(plain), lambda: seconds(generated), batches)


async def async_pairs(base_url: str, calls: int, batches: int, concurrency: int) -> list[Pair]:
    """Seconds per batch of `calls` calls with `concurrency` in flight, both sides."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with (
        httpx.AsyncClient(headers=HEADERS, limits=limits) as http,
        AuthenticatedClient(
            base_url=base_url,
            token=DEFAULT_STATIC_TOKEN,
            redirect_hosts=["127.0.0.1:*"],
            httpx_args={"limits": limits},
        ) as spike,
    ):

        async def plain_one(slug: str, state: str) -> None:
            url = f"{base_url}/providers/{slug}/integration/init_url"
            response = await http.get(url, params={"state": state})
            response.raise_for_status()
            response.json()["path"]

        async def generated_one(slug: str, state: str) -> None:
            await init_url.asyncio(slug, client=spike, state=state)

        async def timed(one: Callable[[str, str], Awaitable[None]]) -> float:
            started = time.perf_counter()
            for _ in range(calls // concurrency):
                await asyncio.gather(*(one(*call) for call in _calls(concurrency)))
            return time.perf_counter() - started

        await timed(plain_one)  # warm up both pools
        await timed(generated_one)
        pairs = []
        for batch in range(batches):
            first, second = (
                (plain_one, generated_one) if batch % 2 == 0 else (generated_one, plain_one)
            )
            a = await timed(first)
            b = await timed(second)
            pairs.append(Pair(a, b) if first is plain_one else Pair(b, a))
        return pairs


IN_PROCESS_BASE_URL = "http://127.0.0.1:8000/v3"


def _answer(request: httpx.Request) -> httpx.Response:
    """The mock's answer to a good `init_url` call, without the mock: only client CPU counts."""
    slug = request.url.path.split("/")[3]
    path = f"{IN_PROCESS_BASE_URL}/providers/{slug}/integration/init/ic/bench"
    return httpx.Response(200, json={"provider_slug": slug, "path": path})


def in_process_pairs(calls: int, batches: int) -> list[Pair]:
    """`sync_pairs` over `httpx.MockTransport`: what each side costs in CPU alone."""
    return sync_pairs(IN_PROCESS_BASE_URL, calls, batches, httpx.MockTransport(_answer))


@contextmanager
def _pinned_apart(server_pid: int | None) -> Iterator[bool]:
    """Server on the first core, this process on the others, where the OS allows it, so the
    two do not take turns on one core and blur the figures. This process gets all its cores
    back afterwards (it may be a test run calling `main`)."""
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if server_pid is None or len(cores) < 2:
        yield False
        return
    os.sched_setaffinity(server_pid, {cores[0]})
    os.sched_setaffinity(0, set(cores[1:]))
    try:
        yield True
    finally:
        os.sched_setaffinity(0, set(cores))


def _report(label: str, calls: int, pairs: list[Pair]) -> None:
    plain = statistics.median(calls / pair.plain for pair in pairs)
    client = statistics.median(calls / pair.client for pair in pairs)
    overheads = sorted(pair.overhead_percent for pair in pairs)
    quartiles = statistics.quantiles(overheads, n=4) if len(overheads) > 1 else overheads * 3
    print(
        f"| {label} | {plain:,.0f} | {client:,.0f} | {statistics.median(overheads):+.1f}% "
        f"(middle half {quartiles[0]:+.1f}% to {quartiles[2]:+.1f}%, {len(pairs)} batches) |"
    )


def _report_in_process(calls: int, pairs: list[Pair]) -> None:
    plain = statistics.median(pair.plain / calls for pair in pairs) * 1e6
    client = statistics.median(pair.client / calls for pair in pairs) * 1e6
    overhead = statistics.median(pair.overhead_percent for pair in pairs)
    print(
        f"| in-process (MockTransport), per call | {plain:.0f} µs | {client:.0f} µs | "
        f"{overhead:+.1f}% |"
    )


def main(argv: list[str] | None = None, prog: str = "bench_client") -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=256, help="calls per batch (default 256)")
    parser.add_argument("--batches", type=int, default=20, help="batches per side (default 20)")
    parser.add_argument("--concurrency", type=int, default=64, help="async calls in flight")
    parser.add_argument(
        "--users",
        type=int,
        default=1000,
        help="distinct users for the per-user rows (default 1000; 0 leaves them out)",
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="also time both sides over httpx.MockTransport (no server, no network)",
    )
    args = parser.parse_args(argv)
    if args.calls < args.concurrency or not 1 <= args.batches <= 1000 or args.calls > 100_000:
        parser.error(
            "--calls must be at least --concurrency (and at most 100000), --batches 1..1000"
        )
    if not 0 <= args.users <= 100_000:
        parser.error("--users must be 0..100000")

    with MockProcess("--no-faults") as mock, _pinned_apart(mock.pid) as pinned:
        sync = sync_pairs(mock.base_url, args.calls, args.batches)
        async_ = asyncio.run(async_pairs(mock.base_url, args.calls, args.batches, args.concurrency))
        in_process = in_process_pairs(args.calls, args.batches) if args.in_process else []
        if args.users:
            cold = (
                per_user.client_per_user(mock.base_url, args.users),
                per_user.one_application(mock.base_url, args.users),
            )
            warm = per_user.warm_pairs(
                mock.base_url, args.calls, args.batches, min(args.users, args.calls)
            )

    where = "mock and client pinned to different cores" if pinned else "cores shared"
    print("\n".join(run_info.describe(where)))
    print(
        f"{args.batches} alternating batches of {args.calls} calls per side against spike-mock "
        f"on 127.0.0.1 ({where}); medians per batch"
    )
    print("| mode | plain httpx calls/s | spike_api_client calls/s | client overhead |")
    print("| --- | ---: | ---: | ---: |")
    _report("sync, sequential", args.calls, sync)
    calls = args.calls // args.concurrency * args.concurrency
    _report(f"async, {args.concurrency} in flight", calls, async_)
    if in_process:
        _report_in_process(args.calls, in_process)
    if args.users:
        _report_users(args.users, cold, args.calls, warm)
    return 0


def _report_users(users: int, cold: tuple[float, float], calls: int, warm: list[Pair]) -> None:
    new_client, application = cold
    print()
    print("| per-user tokens | a client per user | one ApplicationClient | ApplicationClient |")
    print("| --- | ---: | ---: | ---: |")
    print(
        f"| {users:,} users, first call each (exchange + init_url) | "
        f"{new_client / users * 1000:.2f} ms/user | {application / users * 1000:.2f} ms/user | "
        f"{new_client / application:.1f}x faster |"
    )
    static = statistics.median(calls / pair.plain for pair in warm)
    views = statistics.median(calls / pair.client for pair in warm)
    overheads = sorted(pair.overhead_percent for pair in warm)
    quartiles = statistics.quantiles(overheads, n=4) if len(overheads) > 1 else overheads * 3
    print(
        f"| warm calls, `for_user` view per call vs one client holding one issued token | "
        f"{static:,.0f} calls/s | {views:,.0f} calls/s | {statistics.median(overheads):+.1f}% "
        f"(middle half {quartiles[0]:+.1f}% to {quartiles[2]:+.1f}%) |"
    )
