"""What the client's webhook reader costs beside the plain standard-library way.

The plain side is what a team would write by hand: `hmac.compare_digest(hmac.new(key, body,
sha256).hexdigest(), signature)`, then `json.loads(body)`. The client's `verify_webhook` does the
first part plus the size cap, the header lookup and the key checks; `read_webhook` does it all
plus strict UTF-8, the contract's schema (jsonschema-rs, formats included), a typed model per
event and the nanosecond timestamp check. Both sides get the same bytes (about 1 MB of events
built like Spike's docs' example, by default); batches alternate sides and which goes first
(`spike_kit.bench.pairs`), and each figure is the median over batches.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import statistics
from collections.abc import Callable

from spike_api_client import read_webhook, verify_webhook

from spike_kit.bench import run_info
from spike_kit.bench.pairs import Pair, paired, seconds
from spike_kit.mock.settings import bundled_spec_path
from spike_kit.webhooks.contract import WebhookContract
from spike_kit.webhooks.events import encode_events, sign, spike_timestamp

KEY = "bench-webhook-signature-key-0123456789"
GOAL_MS = 5.0
"""The issue's goal: verifying a 1 MB delivery costs under 5 ms."""


def delivery_of(size_bytes: int) -> list[dict[str, object]]:
    """Events like the docs' example (each user its own, each stamped to the nanosecond) until
    their compact JSON reaches `size_bytes`."""
    example = WebhookContract.from_spec(bundled_spec_path()).example
    events: list[dict[str, object]] = []
    size, number, start = 2, 0, 1_744_724_035_271_331_177
    while size < size_bytes:
        event = {
            **example[number % len(example)],
            "application_user_id": f"user-{number:06d}",
            "timestamp": spike_timestamp(start + number * 1_234_567),
        }
        events.append(event)
        size += len(json.dumps(event, separators=(",", ":")).encode()) + 1
        number += 1
    return events


def _per_call(calls: int, run: Callable[[], object]) -> Callable[[], float]:
    def batch() -> float:
        def go() -> None:
            for _ in range(calls):
                run()

        return seconds(go)

    return batch


def measure(body: bytes, calls: int, batches: int) -> dict[str, list[Pair]]:
    signature = sign(body, KEY).signature
    headers = {"X-Body-Signature": signature}
    raw_key = KEY.encode()

    def plain_verify() -> bool:
        return hmac.compare_digest(hmac.new(raw_key, body, hashlib.sha256).hexdigest(), signature)

    def plain_read() -> object:
        if not plain_verify():
            raise ValueError("bad signature")
        return json.loads(body)

    for run in (plain_verify, plain_read):  # warm both sides once, and prove they agree
        run()
    assert verify_webhook(body, headers, KEY) == body
    read_webhook(body, headers, KEY)
    return {
        "verify": paired(
            _per_call(calls, plain_verify),
            _per_call(calls, lambda: verify_webhook(body, headers, KEY)),
            batches,
        ),
        "read": paired(
            _per_call(calls, plain_read),
            _per_call(calls, lambda: read_webhook(body, headers, KEY)),
            batches,
        ),
    }


def _row(label: str, calls: int, pairs: list[Pair]) -> str:
    plain = statistics.median(pair.plain / calls for pair in pairs) * 1000
    client = statistics.median(pair.client / calls for pair in pairs) * 1000
    ratio = statistics.median(pair.client / pair.plain for pair in pairs)
    return f"| {label} | {plain:.3f} ms | {client:.3f} ms | {ratio:.2f}x |"


def main(argv: list[str] | None = None, prog: str = "bench_webhooks") -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    parser.add_argument(
        "--size", type=int, default=1_000_000, help="delivery size in bytes (default 1,000,000)"
    )
    parser.add_argument("--calls", type=int, default=20, help="calls per batch (default 20)")
    parser.add_argument("--batches", type=int, default=20, help="batches per side (default 20)")
    args = parser.parse_args(argv)
    if not 100 <= args.size <= 10 * 1024 * 1024 or not 1 <= args.calls <= 10_000:
        parser.error("--size must be 100..10485760 bytes and --calls 1..10000")
    if not 1 <= args.batches <= 1000:
        parser.error("--batches must be 1..1000")

    events = delivery_of(args.size)
    body = encode_events(events)
    small = encode_events(WebhookContract.from_spec(bundled_spec_path()).example)
    big = measure(body, args.calls, args.batches)
    docs = measure(small, args.calls * 100, args.batches)

    print("\n".join(run_info.describe("one process, nothing pinned")))
    print(
        f"{args.batches} alternating batches per side; a delivery of {len(body):,} bytes "
        f"({len(events):,} events) {args.calls} calls per batch, the docs' example "
        f"({len(small):,} bytes, 2 events) {args.calls * 100}; medians per call"
    )
    print("| delivery, step | plain hmac (+ json.loads) | spike_api_client | client / plain |")
    print("| --- | ---: | ---: | ---: |")
    print(_row(f"{len(body):,} bytes, verify (`verify_webhook`)", args.calls, big["verify"]))
    print(_row(f"{len(body):,} bytes, verify and read (`read_webhook`)", args.calls, big["read"]))
    print(_row("docs' example, verify", args.calls * 100, docs["verify"]))
    print(_row("docs' example, verify and read", args.calls * 100, docs["read"]))
    verify_ms = statistics.median(pair.client / args.calls for pair in big["verify"]) * 1000
    verdict = "met" if verify_ms < GOAL_MS else "NOT met"
    print(
        f"goal: verifying a {len(body):,}-byte delivery in under {GOAL_MS:g} ms: {verdict} "
        f"({verify_ms:.2f} ms)"
    )
    return 0
