"""What a shared token store changes for a service behind several processes (prints figures).

`spike-kit bench store` starts the mock and a redis-server on 127.0.0.1, then, side by side in
one run:

- first calls: `--processes` worker processes (each one `ApplicationClient`, 16 threads) make
  the first call of the same `--users` users at the same moment, once with a
  `RedisTokenStore` and once with a cache per process; exchanges (counted by each worker's
  event hook on `POST /auth/hmac`) and wall time;
- warm calls: calls whose token this process holds, with and without a store, in
  alternating batches (`spike_kit.bench.pairs`): the store is not asked on a warm call;
- a warm call in a process that has not seen the user (another process exchanged): the
  store's one read (`RedisTokenStore.get`), timed alone.
"""

from __future__ import annotations

import argparse
import multiprocessing
import secrets
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
from spike_api_client import ApplicationClient
from spike_api_client._retry import Clock
from spike_api_client.api.provider_integration import get_integration_init_url as init_url
from spike_api_client.redis_stores import RedisTokenStore

from spike_kit.bench.pairs import paired
from spike_kit.bench.run_info import describe
from spike_kit.mock.process import MockProcess
from spike_kit.mock.settings import DEFAULT_APPLICATION_ID, DEFAULT_HMAC_KEY
from spike_kit.redis_process import RedisMissingError, RedisProcess

START_IN = 3.0
"""Seconds from the launch at which every worker starts (past its imports)."""


def _app(base_url: str, redis_url: str | None, exchanges: list[int]) -> ApplicationClient:
    def count(response: httpx.Response) -> None:
        if response.request.url.path.endswith("/auth/hmac"):
            exchanges.append(1)

    return ApplicationClient(
        application_id=DEFAULT_APPLICATION_ID,
        hmac_key=DEFAULT_HMAC_KEY,
        base_url=base_url,
        redirect_hosts=["127.0.0.1:*"],
        token_store=RedisTokenStore.from_url(redis_url) if redis_url else None,
        httpx_args={"event_hooks": {"response": [count]}},
    )


def first_calls(
    base_url: str, redis_url: str | None, users: list[str], start_at: float
) -> tuple[int, float]:
    """One worker: every user's first call from 16 threads; (exchanges, seconds done at)."""
    exchanges: list[int] = []
    app = _app(base_url, redis_url, exchanges)
    time.sleep(max(start_at - time.time(), 0.0))
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda user: init_url.sync("garmin", client=app.for_user(user)), users))
    done = time.time()
    app.close()
    return len(exchanges), done


def _run_workers(
    base_url: str, redis_url: str | None, users: list[str], processes: int
) -> tuple[int, float]:
    start_at = time.time() + START_IN
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes) as pool:
        results = pool.starmap(
            first_calls, [(base_url, redis_url, users, start_at)] * processes, chunksize=1
        )
    return sum(count for count, _ in results), max(done for _, done in results) - start_at


def warm_rows(base_url: str, redis_url: str, calls: int, batches: int) -> list[str]:
    unused: list[int] = []
    plain, shared = _app(base_url, None, unused), _app(base_url, redis_url, unused)
    users = [f"warm-{n}" for n in range(16)]
    for app in (plain, shared):
        for user in users:
            init_url.sync("garmin", client=app.for_user(user))

    def batch(app: ApplicationClient) -> float:
        started = time.perf_counter()
        for n in range(calls):
            init_url.sync("garmin", client=app.for_user(users[n % len(users)]))
        return (time.perf_counter() - started) / calls

    pairs = paired(lambda: batch(plain), lambda: batch(shared), batches)
    plain_ms = statistics.median(pair.plain for pair in pairs) * 1000
    shared_ms = statistics.median(pair.client for pair in pairs) * 1000
    overhead = statistics.median(pair.overhead_percent for pair in pairs)
    plain.close()
    shared.close()
    store = RedisTokenStore.from_url(redis_url)
    clock = Clock(60.0)
    store.put("bench/reader", "x" * 180, time.time() + 600, clock)
    reads = []
    for _ in range(2000):
        started = time.perf_counter()
        store.get("bench/reader", clock)
        reads.append(time.perf_counter() - started)
    return [
        f"| warm call, cache per process | {plain_ms:.3f} ms | |",
        f"| warm call, with RedisTokenStore | {shared_ms:.3f} ms | "
        f"{overhead:+.1f}% median of {batches} paired batches (the store is not asked) |",
        f"| first call in a process that has not seen the user: the store's read | "
        f"{statistics.median(reads) * 1000:.3f} ms median, "
        f"{sorted(reads)[int(len(reads) * 0.99)] * 1000:.3f} ms p99 | one Redis GET on loopback |",
    ]


def main(argv: list[str] | None = None, prog: str = "bench_store") -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000, help="distinct users (default 1000)")
    parser.add_argument("--processes", type=int, default=4, help="worker processes (default 4)")
    parser.add_argument("--calls", type=int, default=200, help="warm calls per batch")
    parser.add_argument("--batches", type=int, default=10, help="warm batches per side")
    args = parser.parse_args(argv)
    try:
        redis = RedisProcess().start()
    except RedisMissingError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    try:
        with MockProcess("--no-faults") as mock:
            run = secrets.token_hex(3)
            shared_users = [f"shared-{run}-{n}" for n in range(args.users)]
            alone_users = [f"alone-{run}-{n}" for n in range(args.users)]
            shared = _run_workers(mock.base_url, redis.url, shared_users, args.processes)
            alone = _run_workers(mock.base_url, None, alone_users, args.processes)
            warm = warm_rows(mock.base_url, redis.url, args.calls, args.batches)
    finally:
        redis.stop()
    lines = describe(f"mock, redis-server and {args.processes} workers on the same cores")
    lines += [
        "",
        f"| {args.users:,} users' first calls, {args.processes} processes | exchanges | wall |",
        "| --- | ---: | ---: |",
        f"| RedisTokenStore shared | {shared[0]:,} | {shared[1]:.2f} s |",
        f"| a cache per process | {alone[0]:,} | {alone[1]:.2f} s |",
        "",
        "| warm calls | median per call | against the cache per process |",
        "| --- | ---: | --- |",
        *warm,
    ]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
