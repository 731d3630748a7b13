"""What the generated client costs over a plain httpx call doing the same request.

Both sides call the mock, run in its own process on 127.0.0.1, with the same bearer token and
query, and parse the JSON body; the client also validates the body against the contract,
checks the redirect host and runs its retry and logging wrapper. Rounds alternate between the
two sides so that drift of the machine hits both alike. The figures are the medians over the
rounds; the overhead is the median of each round's own ratio, since server and client share
this machine's cores and a single round can be off by 10% either way.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections.abc import Awaitable, Callable

import httpx
from spike_api_client import AuthenticatedClient
from spike_api_client.api.provider_integration import get_integration_init_url as init_url

from spike_kit.mock.process import MockProcess
from spike_kit.mock.settings import DEFAULT_STATIC_TOKEN

SLUG = "garmin"
PARAMS = {"state": "bench-state"}
HEADERS = {"Authorization": f"Bearer {DEFAULT_STATIC_TOKEN}"}


def _rate(calls: int, run: Callable[[], None]) -> float:
    started = time.perf_counter()
    run()
    return calls / (time.perf_counter() - started)


def sync_rates(base_url: str, calls: int) -> tuple[float, float]:
    """(plain httpx, client) calls per second, one call after another."""
    url = f"{base_url}/providers/{SLUG}/integration/init_url"
    with (
        httpx.Client(headers=HEADERS) as http,
        AuthenticatedClient(
            base_url=base_url, token=DEFAULT_STATIC_TOKEN, redirect_hosts=["127.0.0.1"]
        ) as spike,
    ):

        def plain() -> None:
            for _ in range(calls):
                response = http.get(url, params=PARAMS)
                response.raise_for_status()
                response.json()["path"]

        def generated() -> None:
            for _ in range(calls):
                init_url.sync(SLUG, client=spike, state=PARAMS["state"])

        plain()  # warm both connection pools
        generated()
        client_rate = _rate(calls, generated)  # the client goes first: no head start for it
        return _rate(calls, plain), client_rate


async def async_rates(base_url: str, calls: int, concurrency: int) -> tuple[float, float]:
    """(plain httpx, client) calls per second with `concurrency` calls in flight."""
    url = f"{base_url}/providers/{SLUG}/integration/init_url"
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with (
        httpx.AsyncClient(headers=HEADERS, limits=limits) as http,
        AuthenticatedClient(
            base_url=base_url,
            token=DEFAULT_STATIC_TOKEN,
            redirect_hosts=["127.0.0.1"],
            httpx_args={"limits": limits},
        ) as spike,
    ):

        async def plain_one() -> None:
            response = await http.get(url, params=PARAMS)
            response.raise_for_status()
            response.json()["path"]

        async def generated_one() -> None:
            await init_url.asyncio(SLUG, client=spike, state=PARAMS["state"])

        async def timed(one: Callable[[], Awaitable[None]]) -> float:
            started = time.perf_counter()
            for _ in range(calls // concurrency):
                await asyncio.gather(*(one() for _ in range(concurrency)))
            return (calls // concurrency * concurrency) / (time.perf_counter() - started)

        await timed(plain_one)  # warm up both pools
        await timed(generated_one)
        client_rate = await timed(generated_one)
        return await timed(plain_one), client_rate


def _pin_apart(server_pid: int | None) -> bool:
    """Server on the first core, this process on the others, where the OS allows it, so the
    two do not take turns on one core and blur the figures."""
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if server_pid is None or len(cores) < 2:
        return False
    os.sched_setaffinity(server_pid, {cores[0]})
    os.sched_setaffinity(0, set(cores[1:]))
    return True


def _report(label: str, rounds: list[tuple[float, float]]) -> None:
    plain = statistics.median(p for p, _ in rounds)
    client = statistics.median(c for _, c in rounds)
    overhead = statistics.median((p / c - 1) * 100 for p, c in rounds)
    spread = ", ".join(f"{(p / c - 1) * 100:+.0f}%" for p, c in rounds)
    print(f"| {label} | {plain:,.0f} | {client:,.0f} | {overhead:+.1f}% (rounds: {spread}) |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000, help="calls per round (default 2000)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per side (default 5)")
    parser.add_argument("--concurrency", type=int, default=64, help="async calls in flight")
    args = parser.parse_args(argv)
    if args.calls < args.concurrency or args.rounds < 1:
        parser.error("--calls must be at least --concurrency, --rounds at least 1")

    sync_rounds: list[tuple[float, float]] = []
    async_rounds: list[tuple[float, float]] = []
    with MockProcess("--no-faults") as mock:
        pinned = _pin_apart(mock.pid)
        for _ in range(args.rounds):
            sync_rounds.append(sync_rates(mock.base_url, args.calls))
            async_rounds.append(
                asyncio.run(async_rates(mock.base_url, args.calls, args.concurrency))
            )

    where = "mock and client pinned to different cores" if pinned else "cores shared"
    print(
        f"{args.calls} calls x {args.rounds} rounds against spike-mock on 127.0.0.1 "
        f"({where}), medians"
    )
    print("| mode | plain httpx calls/s | spike_api_client calls/s | client overhead |")
    print("| --- | ---: | ---: | ---: |")
    _report("sync, sequential", sync_rounds)
    _report(f"async, {args.concurrency} in flight", async_rounds)
    return 0
