"""`spike-kit webhook check URL`: does a team's webhook receiver do what Spike needs of it?

It sends the receiver, at the one URL given, deliveries made from the contract (its example,
and a minimal and a full event of each known type, signed with the key in the environment)
and hostile ones, and reports each thing the receiver got wrong:

- a valid delivery must get 200, and within the contract's time limit (Spike retries anything
  else, 201 and 204 included, for about three days);
- an event type the contract does not list yet must get 200 too (Spike adds types);
- the same delivery sent again must get 200 and leave the receiver working: Spike retries,
  and the signature covers only the body, so a copy of a genuine delivery verifies again;
- a missing, wrong or mismatched signature, a body over the contract's cap, a body that is
  not UTF-8 or not JSON, and a body that is not the contract's shape must be refused with a
  4xx (not accepted, and not a 5xx, which Spike would retry and which hides a crash).

What it cannot see: a receiver that does the work of a duplicate twice but answers 200 looks
like one that does not; only idempotent handling (see the README) makes duplicates harmless.

Bounded: a fixed number of requests (16), each given the time limit plus a short grace, one
at a time, to the URL given and nowhere else (no redirects are followed). The key comes from
an environment variable, never a flag, and is never printed.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from attrs import frozen

from spike_kit.spec import SpecLoadError
from spike_kit.webhooks.contract import WebhookContract, WebhookContractError
from spike_kit.webhooks.events import SignedDelivery, sign, signed_delivery, spike_timestamp
from spike_kit.webhooks.signature import SIGNATURE_HEADER
from spike_kit.webhooks.verify import KEY_VARIABLE

GRACE_SECONDS = 5.0
"""How much longer than the time limit a slow answer is waited for, to say how slow it was."""
UNKNOWN_TYPE = "spike_kit_check_unknown_type"


@frozen
class Answer:
    status: int | None
    seconds: float
    error: str | None = None


@frozen
class Result:
    case: str
    expected: str
    answer: Answer
    fault: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "expected": self.expected,
            "status": self.answer.status,
            "seconds": round(self.answer.seconds, 3),
            "error": self.answer.error,
            "fault": self.fault,
        }


Send = Callable[[SignedDelivery, Mapping[str, str]], Answer]


@frozen
class Checker:
    """The cases, sent one at a time through `send`."""

    contract: WebhookContract
    key: str
    send: Send
    time_limit: float
    run: str
    """Unique to this run, so events of an earlier run are not duplicates of this one's."""

    # What a receiver must do --------------------------------------------------------------
    def accepted(self, case: str, answer: Answer) -> Result:
        expected = f"200 within {self.time_limit:g} s"
        if answer.error is not None:
            fault: str | None = f"{answer.error}: Spike would retry this delivery"
        elif answer.status != 200:
            fault = (
                f"answered {answer.status} to a valid delivery: Spike counts only 200 as "
                "received and retries anything else"
            )
        elif answer.seconds > self.time_limit:
            fault = (
                f"answered after {answer.seconds:.1f} s: Spike gives up after "
                f"{self.time_limit:g} s and retries; answer first, work later"
            )
        else:
            fault = None
        return Result(case, expected, answer, fault)

    def refused(self, case: str, answer: Answer, why: str) -> Result:
        expected = "a 4xx refusal"
        if answer.error is not None:
            fault: str | None = f"{answer.error} (refuse it with a 4xx instead)"
        elif answer.status is not None and 200 <= answer.status < 300:
            fault = f"accepted it ({answer.status}): {why}"
        elif answer.status is not None and answer.status >= 500:
            fault = f"answered {answer.status}: refuse it with a 4xx, not a server error ({why})"
        elif answer.status is None or not 400 <= answer.status < 500:
            fault = f"answered {answer.status}; expected a 4xx ({why})"
        else:
            fault = None
        return Result(case, expected, answer, fault)

    # The deliveries -------------------------------------------------------------------------
    def events(self, count: int, event_type: str | None = None, full: bool = True) -> list[Any]:
        """`count` events made from the contract's own examples, each stamped now (so each is
        new to the receiver), of `event_type` or of each known type in turn."""
        properties = self.contract.event_schema.get("properties", {})
        required = set(self.contract.event_schema.get("required", []))
        made = []
        for number in range(count):
            item = {
                name: _example(schema)
                for name, schema in properties.items()
                if full or name in required
            }
            types = self.contract.event_types or ("record_change",)
            item["event_type"] = event_type or types[number % len(types)]
            item["application_user_id"] = f"check-{self.run}"
            item["timestamp"] = spike_timestamp()
            made.append(item)
        return made

    def delivery(self, events: list[Any]) -> SignedDelivery:
        problem = self.contract.problem(events)
        if problem is not None:
            raise WebhookContractError(f"the contract's own examples do not validate: {problem}")
        return signed_delivery(events, self.key)

    def results(self) -> list[Result]:
        """Every case, in order; the duplicate's first copy is sent just before it."""
        known = self.contract.event_types or ("record_change",)
        results = []
        example = [{**item, "timestamp": spike_timestamp()} for item in self.contract.example]
        valid: list[tuple[str, SignedDelivery]] = []
        if example:
            valid.append(("the contract's example delivery", self.delivery(example)))
        for event_type in known:
            minimal = self.events(1, event_type, full=False)
            valid.append((f"{event_type}, required fields only", self.delivery(minimal)))
        every = self.delivery(self.events(len(known)))
        valid.append(("one delivery of every known type, every field", every))
        unknown = self.events(1, UNKNOWN_TYPE)
        unknown[0]["spike_kit_check_new_field"] = {"kept": True}
        valid.append(
            ("an event type and a field the contract does not list", self.delivery(unknown))
        )
        for case, delivery in valid:
            results.append(self.accepted(case, self.send(delivery, {})))

        duplicate = self.delivery(self.events(2))
        self.send(duplicate, {})
        again = "the same delivery again (a retry, or a replayed copy)"
        results.append(self.accepted(again, self.send(duplicate, {})))
        after = self.delivery(self.events(1))
        results.append(self.accepted("a new delivery after the duplicate", self.send(after, {})))

        for case, delivery, headers, why in self.hostile():
            results.append(self.refused(case, self.send(delivery, headers), why))
        return results

    def hostile(self) -> list[tuple[str, SignedDelivery, Mapping[str, str], str]]:
        """(case, delivery, headers to send instead of its own, why it must be refused)."""
        genuine = self.delivery(self.events(1))
        tampered = bytearray(genuine.body)
        tampered[tampered.index(b"check-") + len(b"check-")] ^= 0x01
        cap = self.contract.max_body_bytes
        oversized = genuine.body[:-1] + b" " * (cap + 1 - len(genuine.body)) + b"]"
        not_utf8 = genuine.body.replace(b"check-", b"check-\xff", 1)
        an_object = json.dumps(self.events(1)[0]).encode()
        return [
            ("no signature", genuine, {"content-type": "application/json"}, "anyone could send it"),
            (
                "a signature made with another key",
                sign(genuine.body, secrets.token_hex(16)),
                {},
                "it is forged",
            ),
            (
                "a body changed after signing (one byte)",
                SignedDelivery(bytes(tampered), genuine.signature),
                {},
                "the signature is not the body's",
            ),
            (
                f"a signed body of {cap + 1:,} bytes, over the contract's cap",
                sign(oversized, self.key),
                {},
                "it is over the cap",
            ),
            ("a signed body that is not UTF-8", sign(not_utf8, self.key), {}, "it is not UTF-8"),
            ("a signed body that is not JSON", sign(b"not json", self.key), {}, "it is not JSON"),
            (
                "a signed JSON object, not the contract's array of events",
                sign(an_object, self.key),
                {},
                "it is not a WebhookDelivery",
            ),
        ]


def _example(schema: Mapping[str, Any]) -> Any:
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return examples[0]
    if "example" in schema:
        return schema["example"]
    kind = schema.get("type")
    return [] if kind == "array" else "" if kind == "string" else None


def http_sender(url: str, time_limit: float) -> Send:
    """POSTs to `url` only, one request at a time, never following a redirect."""

    def send(delivery: SignedDelivery, headers: Mapping[str, str]) -> Answer:
        sent = dict(headers) if headers else delivery.headers
        start = time.monotonic()
        try:
            with httpx.Client(
                trust_env=False, follow_redirects=False, timeout=time_limit + GRACE_SECONDS
            ) as client:
                response = client.post(url, content=delivery.body, headers=sent)
        except httpx.TimeoutException:
            seconds = time.monotonic() - start
            return Answer(None, seconds, f"no answer within {time_limit + GRACE_SECONDS:g} s")
        except httpx.HTTPError as exc:
            return Answer(None, time.monotonic() - start, f"{type(exc).__name__}: {exc}")
        return Answer(response.status_code, time.monotonic() - start)

    return send


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Send a webhook receiver valid and hostile deliveries made from the "
        "contract, and report what it got wrong. The key is read from "
        f"${KEY_VARIABLE}; only the URL given is sent anything.",
    )
    parser.add_argument("url", help="the receiver's full webhook URL (http or https)")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=None,
        metavar="SECONDS",
        help="how fast a valid delivery must be answered (default: the contract's 30 s)",
    )
    parser.add_argument(
        "--key-env",
        default=KEY_VARIABLE,
        metavar="NAME",
        help=f"the environment variable holding the webhook key (default {KEY_VARIABLE})",
    )
    parser.add_argument("--spec", type=Path, help="the contract (default: the kit's own)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    return parser


def main(argv: list[str] | None = None, prog: str = "spike-kit webhook check") -> int:
    parser = _parser(prog)
    args = parser.parse_args(argv)
    parts = urlsplit(args.url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        parser.error(f"{args.url!r} is not an http or https URL")
    key = os.environ.get(args.key_env, "")
    if not key:
        print(f"{prog}: set {args.key_env} to the receiver's webhook key", file=sys.stderr)
        return 2
    try:
        from spike_kit.mock.settings import bundled_spec_path

        contract = WebhookContract.from_spec(args.spec or bundled_spec_path())
    except (SpecLoadError, WebhookContractError) as exc:
        print(f"{prog}: the contract cannot be used: {exc}", file=sys.stderr)
        return 2
    time_limit = contract.answer_within if args.time_limit is None else args.time_limit
    if not 0 < time_limit <= 600:
        parser.error("--time-limit must be above 0 and at most 600 seconds")
    send = http_sender(args.url, time_limit)
    checker = Checker(contract, key, send, time_limit, secrets.token_hex(4))
    try:
        results = checker.results()
    except WebhookContractError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    faults = [result for result in results if result.fault is not None]
    if args.format == "json":
        print(json.dumps({"url": args.url, "results": [r.as_json() for r in results]}, indent=2))
    else:
        _print_text(args.url, results, time_limit)
    return 1 if faults else 0


def _print_text(url: str, results: list[Result], time_limit: float) -> None:
    print(f"webhook receiver check: {url}")
    print(f"valid deliveries must get 200 within {time_limit:g} s, forged and broken ones a 4xx")
    for result in results:
        answer = result.answer
        got = answer.error or f"{answer.status} in {answer.seconds:.2f} s"
        verdict = "ok  " if result.fault is None else "FAIL"
        print(f"{verdict} {result.case}: expected {result.expected}, got {got}")
        if result.fault is not None:
            print(f"     {result.fault}")
    faults = sum(1 for result in results if result.fault is not None)
    print(f"{len(results)} cases, {faults} fault(s)")
    if _refused_every_valid_one(results):
        print(
            f"every valid delivery was refused with 401: does the receiver verify with the "
            f"key this check signed with ({SIGNATURE_HEADER}, the key in the environment)?"
        )


def _refused_every_valid_one(results: list[Result]) -> bool:
    valid = [r for r in results if r.expected.startswith("200")]
    return bool(valid) and all(r.answer.status == 401 for r in valid)
