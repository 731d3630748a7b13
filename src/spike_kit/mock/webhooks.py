"""The mock's webhook deliveries: Spike's events, signed, sent on Spike's retry schedule.

With a webhook URL configured (`spike-mock --webhook-url`, `MockSettings.webhook_url`), the
mock POSTs `provider_integration_created` when a consent flow ends well, and any events a test
asks for (`POST /_mock/webhooks`, or `WebhookSender.send` in-process). Like Spike it counts only
a 200 within the time limit as delivered and retries anything else on the spec's schedule
(`x-spike-delivery`), every wait multiplied by a time scale so a test need not wait hours.

Deliveries run on an event loop of their own, in a background thread started on first use:
the request path only hands a delivery over, and an in-process mock (whose requests may each
run on a short-lived loop) delivers just the same. A bounded ledger records what was sent,
every attempt and every answer; tests read it in-process (`deliveries`, `settle`) or over
HTTP (`GET /_mock/webhooks`). The ledger lives in one process, so the mock delivers webhooks
only as a single worker (the command line refuses `--workers N` with `--webhook-url`).
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import json
import math
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import httpx
from attrs import define, field

from spike_kit.mock.asgi import Reply, json_reply, problem, read_body
from spike_kit.mock.settings import DEFAULT_WEBHOOK_KEY
from spike_kit.webhooks.contract import WebhookContract
from spike_kit.webhooks.events import (
    INTEGRATION_CREATED,
    SignedDelivery,
    event,
    signed_delivery,
    spike_timestamp,
)

MIN_ANSWER_SECONDS = 1.0
"""The time limit never scales below this: a loaded test machine is not a slow receiver."""
MAX_PENDING = 100
"""Deliveries waiting for their next attempt at once; more are refused (HTTP 503)."""
MAX_LEDGER = 500
"""Deliveries the ledger keeps; the oldest finished ones go first."""
MAX_LEDGER_BODY_BYTES = 64 * 1024
"""A delivery's events are kept in the ledger up to this size (its size and signature always)."""
MAX_REQUEST_BYTES = 1024 * 1024
"""The largest `POST /_mock/webhooks` body the mock takes."""
MAX_WAIT_SECONDS = 30.0
LEDGER_PATH = "/_mock/webhooks"
"""Outside the API's base path: a route only the mock has."""


class TooManyPendingError(Exception):
    """Raised when `MAX_PENDING` deliveries are already waiting for an attempt."""


@define
class Attempt:
    number: int
    started_at: float
    seconds: float
    status: int | None
    error: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "started_at": self.started_at,
            "seconds": round(self.seconds, 6),
            "status": self.status,
            "error": self.error,
        }


@define
class Delivery:
    id: int
    url: str
    created_at: float
    events: list[dict[str, Any]]
    signed: SignedDelivery
    state: str = "pending"
    """`pending` (an attempt is due), `delivered` (a 200), `discarded` (every attempt failed),
    or `stopped` (the mock stopped first)."""
    attempts: list[Attempt] = field(factory=list)

    def as_json(self) -> dict[str, Any]:
        small = len(self.signed.body) <= MAX_LEDGER_BODY_BYTES
        return {
            "id": self.id,
            "url": self.url,
            "state": self.state,
            "created_at": self.created_at,
            "event_types": [item.get("event_type") for item in self.events],
            "events": self.events if small else None,
            "body_bytes": len(self.signed.body),
            "signature": self.signed.signature,
            "attempts": [attempt.as_json() for attempt in self.attempts],
        }


def _checked_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"the webhook URL must be an absolute http or https URL, not {url!r}")
    return url


def _checked_scale(scale: float) -> float:
    if isinstance(scale, bool) or not isinstance(scale, int | float):
        raise TypeError("the webhook time scale must be a number")
    if not (0 < scale <= 1000) or not math.isfinite(scale):
        raise ValueError("the webhook time scale must be above 0 and at most 1000")
    return float(scale)


class WebhookSender:
    """Signs events and delivers them to one URL in the background (see the module docstring).

    url: where to POST (the application's webhook URL).
    key: the webhook signature key the receiver verifies with.
    contract: the spec's delivery rules and event schema.
    time_scale: every wait (retry delays, and the 30 s limit down to `MIN_ANSWER_SECONDS`)
        is multiplied by this: 0.001 turns 5 s into 5 ms and Spike's ~3 days into ~4.5 min.
    transport: an httpx transport to deliver through (tests); default the network.
    """

    def __init__(
        self,
        url: str,
        key: str,
        contract: WebhookContract,
        time_scale: float = 1.0,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not key:
            raise ValueError("the webhook key is empty")
        self.url = _checked_url(url)
        self._key = key
        self.contract = contract
        self.time_scale = _checked_scale(time_scale)
        self.answer_within = max(contract.answer_within * self.time_scale, MIN_ANSWER_SECONDS)
        self.retry_delays = tuple(delay * self.time_scale for delay in contract.retry_delays)
        self._transport = transport
        self._changed = threading.Condition()
        self._records: dict[int, Delivery] = {}
        self._next_id = 1
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._client: httpx.AsyncClient | None = None
        self._futures: set[concurrent.futures.Future[None]] = set()
        self._closed = False

    def __repr__(self) -> str:
        return f"WebhookSender(url={self.url!r}, time_scale={self.time_scale:g})"

    # Sending ------------------------------------------------------------------------------
    def send(self, events: Sequence[Mapping[str, Any]]) -> int:
        """Sign `events` and deliver them in the background; the delivery's id in the ledger.

        Raises ValueError for events the contract does not allow, `TooManyPendingError` when
        `MAX_PENDING` deliveries are waiting, RuntimeError once closed."""
        listed = [dict(item) for item in events]
        problem_text = self.contract.problem(listed)
        if problem_text is not None:
            raise ValueError(f"not a delivery the contract allows: {problem_text}")
        signed = signed_delivery(listed, self._key)
        with self._changed:
            if self._closed:
                raise RuntimeError("the webhook sender is closed")
            if sum(1 for r in self._records.values() if r.state == "pending") >= MAX_PENDING:
                raise TooManyPendingError(f"{MAX_PENDING} deliveries are already pending")
            delivery = Delivery(self._next_id, self.url, time.time(), listed, signed)
            self._next_id += 1
            self._records[delivery.id] = delivery
            self._forget_oldest()
            loop = self._started()
        future = asyncio.run_coroutine_threadsafe(self._deliver(delivery), loop)
        with self._changed:
            self._futures.add(future)
        future.add_done_callback(self._futures.discard)
        return delivery.id

    def integration_created(self, application_user_id: str, provider_slug: str) -> int | None:
        """What Spike sends when a user integrated a provider (the consent flow's end); None
        when too many deliveries are pending (the mock's answer to the browser goes on)."""
        try:
            return self.send([event(INTEGRATION_CREATED, application_user_id, provider_slug)])
        except TooManyPendingError:
            return None

    def _forget_oldest(self) -> None:
        finished = [key for key, record in self._records.items() if record.state != "pending"]
        for key in finished[: max(0, len(self._records) - MAX_LEDGER)]:
            del self._records[key]

    def _started(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            loop = asyncio.new_event_loop()
            thread = threading.Thread(
                target=loop.run_forever, name="spike-mock-webhooks", daemon=True
            )
            thread.start()
            self._loop, self._thread = loop, thread
        return self._loop

    async def _deliver(self, delivery: Delivery) -> None:
        if self._client is None:
            self._client = httpx.AsyncClient(  # the time limit is the attempt's, below
                transport=self._transport,
                follow_redirects=False,
                trust_env=False,
                timeout=None,  # noqa: S113 - bounded by the attempt's own time limit
            )
        schedule = (0.0, *self.retry_delays)
        try:
            for number, delay in enumerate(schedule, start=1):
                if delay:
                    await asyncio.sleep(delay)
                attempt = await self._attempt(self._client, delivery, number)
                with self._changed:
                    delivery.attempts.append(attempt)
                    if attempt.status == 200:
                        delivery.state = "delivered"
                        self._changed.notify_all()
                        return
            with self._changed:
                delivery.state = "discarded"
                self._changed.notify_all()
        except asyncio.CancelledError:
            with self._changed:
                delivery.state = "stopped"
                self._changed.notify_all()
            raise

    async def _attempt(self, client: httpx.AsyncClient, delivery: Delivery, number: int) -> Attempt:
        started, clock = time.time(), time.monotonic()
        status: int | None = None
        error: str | None = None
        try:
            async with asyncio.timeout(self.answer_within):
                request = client.build_request(
                    "POST", self.url, content=delivery.signed.body, headers=delivery.signed.headers
                )
                response = await client.send(request, stream=True)
                status = (
                    response.status_code
                )  # the answer's body is not read: only its status counts
                await response.aclose()
        except TimeoutError:
            error = f"no answer within {self.answer_within:g} s"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return Attempt(number, started, time.monotonic() - clock, status, error)

    # Reading the ledger --------------------------------------------------------------------
    def deliveries(self) -> list[dict[str, Any]]:
        """The ledger, oldest first: each delivery's events, signature, state and attempts."""
        with self._changed:
            return [record.as_json() for record in self._records.values()]

    def pending(self) -> int:
        with self._changed:
            return sum(1 for record in self._records.values() if record.state == "pending")

    def settle(self, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Wait until no delivery is pending, then the ledger; TimeoutError after `timeout`."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while any(record.state == "pending" for record in self._records.values()):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"webhook deliveries still pending after {timeout:g} s")
                self._changed.wait(left)
            return [record.as_json() for record in self._records.values()]

    async def asettle(self, timeout: float) -> None:
        """`settle` for a caller on an event loop (the mock's `?wait=`): polls, never blocks."""
        deadline = time.monotonic() + timeout
        while self.pending() and time.monotonic() < deadline:
            await asyncio.sleep(0.01)

    # Stopping ------------------------------------------------------------------------------
    def close(self, timeout: float = 5.0) -> None:
        """Stop: pending deliveries end as `stopped`, the loop and its thread end."""
        with self._changed:
            if self._closed:
                return
            self._closed = True
            loop, thread, futures = self._loop, self._thread, list(self._futures)
        if loop is None or thread is None:
            return
        for future in futures:
            future.cancel()

        async def finish() -> None:
            await asyncio.sleep(0)  # let the cancelled deliveries record `stopped`
            if self._client is not None:
                await self._client.aclose()

        with contextlib.suppress(concurrent.futures.TimeoutError, RuntimeError):
            asyncio.run_coroutine_threadsafe(finish(), loop).result(timeout)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)
        if not thread.is_alive():
            loop.close()
        with self._changed:
            for record in self._records.values():
                if record.state == "pending":
                    record.state = "stopped"
            self._changed.notify_all()


def webhook_sender(settings: Any, document: dict[str, Any]) -> WebhookSender | None:
    """The sender `settings` ask for (`webhook_url`), or None when they name no URL."""
    url = getattr(settings, "webhook_url", None)
    if not url:
        return None
    return WebhookSender(
        url,
        settings.webhook_key,
        WebhookContract.from_document(document),
        settings.webhook_time_scale,
    )


# The command line (`spike-mock`) ------------------------------------------------------------
def _time_scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= 1000:
        raise argparse.ArgumentTypeError("expected a number above 0 and at most 1000")
    return value


def add_webhook_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("webhooks (spike_kit.mock.webhooks)")
    group.add_argument(
        "--webhook-url",
        metavar="URL",
        help="POST Spike's webhook events here: provider_integration_created when a consent "
        "flow succeeds, others on request (POST /_mock/webhooks); needs --workers 1",
    )
    group.add_argument(
        "--webhook-key",
        default=DEFAULT_WEBHOOK_KEY,
        metavar="KEY",
        help="the webhook signature key deliveries are signed with (default: the mock's "
        "public test key)",
    )
    group.add_argument(
        "--webhook-time-scale",
        type=_time_scale,
        default=1.0,
        metavar="F",
        help="multiply every wait of Spike's retry schedule (5 s, 2 min, 30 min, 2 h, 12 h...) "
        "and the 30 s answer limit (never below 1 s) by F; 0.001 for tests (default 1)",
    )


# The mock-only HTTP routes -------------------------------------------------------------------
async def ledger_endpoint(sender: WebhookSender | None, query: Mapping[str, list[str]]) -> Reply:
    """`GET /_mock/webhooks[?wait=SECONDS]`: the ledger, after waiting (at most 30 s) until
    nothing is pending when `wait` is given."""
    if sender is None:
        return problem(409, "the mock has no webhook URL: start it with --webhook-url")
    waits = query.get("wait") or []
    if waits:
        try:
            seconds = float(waits[0])
        except ValueError:
            seconds = -1.0
        if not (0 <= seconds <= MAX_WAIT_SECONDS):
            return problem(400, f"wait must be a number of seconds from 0 to {MAX_WAIT_SECONDS:g}")
        await sender.asettle(seconds)
    return json_reply(
        {"webhook_url": sender.url, "pending": sender.pending(), "deliveries": sender.deliveries()}
    )


async def send_endpoint(
    sender: WebhookSender | None, receive: Any, headers: Mapping[str, str]
) -> Reply:
    """`POST /_mock/webhooks` with a JSON array of events (each at least `event_type`,
    `application_user_id` and `provider_slug`; `timestamp` is filled in when absent): signed
    and delivered in the background; 202 with the delivery's id in the ledger."""
    if sender is None:
        return problem(409, "the mock has no webhook URL: start it with --webhook-url")
    raw = await read_body(receive, headers.get("content-length"), MAX_REQUEST_BYTES)
    if raw is None:
        return problem(413, f"the events are over {MAX_REQUEST_BYTES:,} bytes")
    try:
        events = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return problem(400, "expected a JSON array of events")
    if not isinstance(events, list) or not all(isinstance(item, dict) for item in events):
        return problem(400, "expected a JSON array of events")
    stamped = [{"timestamp": spike_timestamp(), **item} for item in events]
    try:
        delivery = sender.send(stamped)
    except ValueError as exc:
        return problem(422, str(exc))
    except TooManyPendingError as exc:
        return problem(503, str(exc))
    return json_reply({"delivery": delivery}, status=202)
