"""The kit's mock against Stoplight Prism serving the same spec, under the same load.

Each server runs alone, one after the other, on 127.0.0.1; autocannon (one tool, the same
connections, duration and bearer token for both) drives the same request at it. Prism serves
the spec's paths without the `/v3` server prefix, the mock with it, so each gets its own URL.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from spike_kit.mock.process import MockProcess
from spike_kit.mock.settings import DEFAULT_STATIC_TOKEN, bundled_spec_path
from spike_kit.prism import PrismError, PrismProcess

REQUEST = "/providers/garmin/integration/init_url?state=bench"


def _tool(name: str, given: str | None) -> str:
    found = given or os.environ.get(f"SPIKE_BENCH_{name.upper()}") or shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found: pass --{name} PATH (tox -e bench-mock installs it)")
    return found


def rss_mib(pid: int | None) -> float:
    """Resident memory of a process (Linux /proc), 0 where that is not available."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except (OSError, TypeError):
        return 0.0
    kib = next((line.split()[1] for line in status.splitlines() if line.startswith("VmRSS")), "0")
    return int(kib) / 1024


def load(autocannon: str, url: str, connections: int, seconds: int) -> dict[str, Any]:
    """One autocannon run; its JSON summary."""
    finished = subprocess.run(
        [
            autocannon,
            "--json",
            "-c",
            str(connections),
            "-d",
            str(seconds),
            "-H",
            f"Authorization=Bearer {DEFAULT_STATIC_TOKEN}",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    )
    result: dict[str, Any] = json.loads(finished.stdout)
    return result


def _row(name: str, result: dict[str, Any]) -> str:
    latency = result["latency"]
    return (
        f"| {name} | {result['requests']['average']:,.0f} | {latency['p50']:.1f} | "
        f"{latency['p99']:.1f} | {result['non2xx']} | {result['errors'] + result['timeouts']} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prism", help="the prism CLI (default: $SPIKE_BENCH_PRISM or PATH)")
    parser.add_argument("--autocannon", help="autocannon (default: $SPIKE_BENCH_AUTOCANNON)")
    parser.add_argument("--connections", type=int, default=32, help="default 32")
    parser.add_argument("--seconds", type=int, default=10, help="per server (default 10)")
    parser.add_argument("--spec", type=Path, default=bundled_spec_path())
    parser.add_argument(
        "--only-mock", action="store_true", help="a soak run of the mock alone (no Prism)"
    )
    args = parser.parse_args(argv)
    if not 1 <= args.seconds <= 120 or not 1 <= args.connections <= 1024:
        parser.error("--seconds must be 1..120 and --connections 1..1024")
    autocannon = _tool("autocannon", args.autocannon)

    with MockProcess("--no-faults", "--spec", str(args.spec)) as mock:
        url = f"{mock.base_url}{REQUEST}"  # MockProcess has waited for its ready line
        memory_before = rss_mib(mock.pid)
        ours = load(autocannon, url, args.connections, args.seconds)
        memory_after = rss_mib(mock.pid)
        # A second run shows whether memory keeps growing or has levelled off.
        again = load(autocannon, url, args.connections, args.seconds) if args.only_mock else None
        memory_final = rss_mib(mock.pid)
    memory = f"mock RSS {memory_before:.1f} MiB before, {memory_after:.1f} MiB after"
    if again is not None:
        print(
            f"soak: 2 x {args.seconds} s at {args.connections} connections on 127.0.0.1, "
            f"GET {REQUEST}"
        )
        print("| run | requests | requests/s | p99 ms | non-2xx | errors |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for n, result in enumerate((ours, again), start=1):
            print(
                f"| {n} | {result['requests']['total']:,} | {result['requests']['average']:,.0f} "
                f"| {result['latency']['p99']:.1f} | {result['non2xx']} "
                f"| {result['errors'] + result['timeouts']} |"
            )
        print(f"{memory}, {memory_final:.1f} MiB after the second run")
        return 0 if ours["non2xx"] + again["non2xx"] + ours["errors"] + again["errors"] == 0 else 1
    prism = _tool("prism", args.prism)

    with PrismProcess(prism, args.spec, silent=False) as server:
        try:
            server.start(REQUEST)
        except PrismError as exc:
            raise SystemExit(f"bench_mock: {exc}") from None
        theirs = load(autocannon, f"{server.base_url}{REQUEST}", args.connections, args.seconds)

    print(
        f"autocannon, {args.connections} connections, {args.seconds} s per server, "
        f"GET {REQUEST} with a bearer token, on 127.0.0.1"
    )
    print("| server | requests/s | p50 ms | p99 ms | non-2xx | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    print(_row("spike-mock", ours))
    print(_row("Prism 5.14.2", theirs))
    print(memory)
    ratio = ours["requests"]["average"] / max(theirs["requests"]["average"], 1e-9)
    print(
        f"throughput ratio {ratio:.2f}x; p99 {ours['latency']['p99']:.1f} ms vs "
        f"{theirs['latency']['p99']:.1f} ms"
    )
    return 0
