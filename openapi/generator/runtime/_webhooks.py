# Edit openapi/generator/runtime/_webhooks.py, not the copy in generated/.
"""Reading a webhook delivery from Spike: the raw bytes verified, then parsed, then typed.

Spike POSTs a JSON array of events to the application's webhook URL and signs the body
(`X-Body-Signature`; the scheme is inferred, see `_webhook_signature.py`). A handler hands
`read_webhook` the body exactly as received, the headers and the webhook signature key, and
gets typed events or one `WebhookError` saying why to refuse. The order is fixed: the size cap
before anything, the signature before parsing, never a re-serialisation of the body.

The signature covers only the body (no timestamp, no nonce), and Spike retries for about three
days, so a genuine delivery can arrive again, from Spike or from anyone who copied it: events
carry no id, and `ReceivedEvent.dedupe_key` with `new_events` (any `ReplayStore`) is how a
handler does each event's work once. The limits, the known event types and the fields of the
key come from the spec, through `_contract_table.json`.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeAlias

from jsonschema_rs import Draft202012Validator

from ._contract import TABLE
from ._exceptions import InvalidInputError
from ._replay import AsyncReplayStore, ReplayStore
from ._secrets import Secret
from ._webhook_errors import (
    BadSignatureError,
    MissingSignatureError,
    WebhookNotJSONError,
    WebhookShapeError,
    WebhookTooLargeError,
)
from ._webhook_signature import SIGNATURE_HEADER, body_signature, signature_matches
from .models.webhook_event import WebhookEvent

_WEBHOOK = "spikeEvents"


def _contract() -> dict[str, Any]:
    entry = (TABLE.get("webhooks") or {}).get(_WEBHOOK)
    if isinstance(entry, dict) and isinstance(entry.get("body_schema"), dict):
        return entry
    raise RuntimeError(f"the contract describes no {_WEBHOOK} webhook")


_ENTRY = _contract()
MAX_BODY_BYTES: int = int(_ENTRY["delivery"]["max_body_bytes"])
"""The contract's cap on a delivery's body (inferred; Spike's own cap on request bodies)."""
ANSWER_WITHIN_SECONDS: float = float(_ENTRY["delivery"]["answer_within_seconds"])
RETRY_DELAYS_SECONDS: tuple[float, ...] = tuple(_ENTRY["delivery"]["retry_delays_seconds"])
RETRY_SPAN_SECONDS: float = sum(RETRY_DELAYS_SECONDS)
"""From Spike's first attempt to its last (about 3.1 days): how long a duplicate can come."""
DEDUPE_SECONDS: float = RETRY_SPAN_SECONDS + 86_400
"""How long `new_events` remembers an event by default: a day longer than Spike retries."""
EVENT_TYPES: frozenset[str] = frozenset(_ENTRY["event_types"])
"""The event types the contract knows; others are kept, not refused."""
DEDUPE_FIELDS: tuple[str, ...] = tuple(_ENTRY["dedupe_fields"])
_VALIDATOR = Draft202012Validator(_ENTRY["body_schema"], validate_formats=True)
_SIGNATURE_NAME = SIGNATURE_HEADER.lower()
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_TIME_FIELDS: tuple[str, ...] = tuple(
    name
    for name, rule in _ENTRY["body_schema"]["items"]["properties"].items()
    if rule.get("format") == "date-time"
)
_RFC3339 = re.compile(
    r"(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})", re.ASCII
)
"""RFC 3339's date-time, as the contract's `format: date-time` allows it: `t` and `z` in
either case and any number of fractional digits (Spike writes nine)."""

WebhookKey: TypeAlias = str | bytes | Secret[str] | Secret[bytes]
Headers: TypeAlias = Mapping[str, str] | Iterable[tuple[str | bytes, str | bytes]]
"""The request's headers as a web framework gives them: any mapping (case is ignored; a
multi-value one is read for a repeated header) or the raw (name, value) pairs."""


class ReceivedEvent:
    """One event of a verified delivery.

    model: the contract's `WebhookEvent`, typed (unknown fields in `additional_properties`).
    timestamp_text: `timestamp` as Spike sent it, all nine fractional digits kept
        (`model.timestamp` is a `datetime`, which keeps microseconds).
    data: the event's JSON as sent.
    dedupe_key: a stable key for this event, the same in every retry of it (see the property).
    """

    __slots__ = ("_dedupe_key", "data", "model", "timestamp_text")

    def __init__(self, model: WebhookEvent, timestamp_text: str, data: Mapping[str, Any]) -> None:
        self.model = model
        self.timestamp_text = timestamp_text
        self.data = data
        self._dedupe_key: str | None = None

    @property
    def dedupe_key(self) -> str:
        """SHA-256 hex of the `x-spike-dedupe-key` fields' text as sent (user, provider, type
        and the full timestamp): for `new_events`, or a unique index where the work is stored.
        Worked out on first use; most handlers never need it."""
        if self._dedupe_key is None:
            self._dedupe_key = _dedupe_key(self.data)
        return self._dedupe_key

    @property
    def event_type(self) -> str:
        return self.model.event_type

    @property
    def application_user_id(self) -> str:
        return self.model.application_user_id

    @property
    def provider_slug(self) -> str:
        return self.model.provider_slug

    @property
    def timestamp(self) -> datetime:
        return self.model.timestamp

    @property
    def timestamp_ns(self) -> int:
        """`timestamp` in whole nanoseconds since the epoch, exact (for ordering events)."""
        return _nanoseconds(self.timestamp_text)

    @property
    def is_known_type(self) -> bool:
        """Whether the contract lists this `event_type`; handle or log the others."""
        return self.model.event_type in EVENT_TYPES

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ReceivedEvent) and other.data == self.data

    __hash__ = None  # type: ignore[assignment]  # equal by their data, which is mutable

    def __repr__(self) -> str:
        return (
            f"ReceivedEvent(event_type={self.event_type!r}, "
            f"application_user_id={self.application_user_id!r}, "
            f"provider_slug={self.provider_slug!r}, timestamp={self.timestamp_text!r})"
        )


def read_webhook(
    body: bytes | bytearray | memoryview,
    headers: Headers,
    key: WebhookKey | Sequence[WebhookKey],
    *,
    max_bytes: int = MAX_BODY_BYTES,
) -> list[ReceivedEvent]:
    """The events of a delivery from Spike, or the `WebhookError` that says why to refuse it.

    body: the request body exactly as received (never text decoded and encoded again).
    headers: the request's headers (see `Headers`).
    key: the application's Webhook Signature Key (str as UTF-8, bytes or `Secret`), or a list
        of keys while one is being rotated: a signature under any of them is accepted.
    max_bytes: bodies over this size are refused before anything else.

    Raises `MissingSignatureError`, `BadSignatureError`, `WebhookTooLargeError`,
    `WebhookNotJSONError` or `WebhookShapeError`, each with the HTTP `status` to answer.
    """
    raw = verify_webhook(body, headers, key, max_bytes=max_bytes)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise WebhookNotJSONError("the body is not UTF-8") from None
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except ValueError as exc:
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "a number out of range"
        raise WebhookNotJSONError(f"the body is not JSON ({reason})") from None
    except RecursionError:
        raise WebhookNotJSONError("the body is nested too deeply for this reader") from None
    return _events(data)


def verify_webhook(
    body: bytes | bytearray | memoryview,
    headers: Headers,
    key: WebhookKey | Sequence[WebhookKey],
    *,
    max_bytes: int = MAX_BODY_BYTES,
) -> bytes:
    """The body, once its size and signature are checked; nothing is parsed. For a handler
    that stores or queues the raw delivery and reads it later with `read_webhook`."""
    if not isinstance(body, (bytes, bytearray, memoryview)):
        raise TypeError(
            f"body must be the raw request bytes, not {type(body).__name__}: the signature "
            "covers the bytes as sent"
        )
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
        raise InvalidInputError("max_bytes must be a positive integer")
    keys = _key_bytes(key)
    size = memoryview(body).nbytes
    if size > max_bytes:
        raise WebhookTooLargeError(f"the body has {size:,} bytes; the cap is {max_bytes:,}")
    raw = body if isinstance(body, bytes) else bytes(body)
    signature = _signature(headers)
    if not any(signature_matches(one, raw, signature) for one in keys):
        raise BadSignatureError(
            f"{SIGNATURE_HEADER} is not the body's signature under the webhook signature key"
        )
    return raw


def sign_webhook_body(body: bytes, key: WebhookKey) -> str:
    """The `X-Body-Signature` Spike would send for `body` (for tests of a receiver)."""
    if not isinstance(body, bytes):
        raise TypeError(f"body must be bytes, not {type(body).__name__}")
    return body_signature(_key_bytes(key)[0], body)


def new_events(
    events: Iterable[ReceivedEvent],
    replay_store: ReplayStore,
    *,
    keep_for: float = DEDUPE_SECONDS,
    max_age: float | None = None,
) -> list[ReceivedEvent]:
    """The events `replay_store` has not seen before (by `dedupe_key`), each now claimed.

    A claimed event is skipped from then on, so claim only what will be handled: what this
    returns is done at most once (a failure halfway is not retried), which is right for
    one-off work such as a notification; work that must not be lost belongs in an idempotent
    store instead. An event twice in one delivery is returned once. Async stores:
    `anew_events`. A store that cannot claim raises through (`MemoryReplayStore` when full:
    `ReplayStoreFullError`); answer 500 and Spike delivers again later.

    keep_for: seconds each key is kept; at least Spike's retry span, or a late retry would
        pass as new.
    max_age: when given, events whose own `timestamp` is older are dropped, unclaimed. No
        default: Spike retries for about 3 days, so it must be at least that
        (`RETRY_SPAN_SECONDS`), and at most `keep_for`; then no copy of an old delivery passes
        as new once the store has forgotten it.
    """
    fresh: list[ReceivedEvent] = []
    expires_at, oldest = _window(keep_for, max_age)
    for event in _distinct(events, oldest):
        claimed: object = replay_store.claim(event.dedupe_key, expires_at)
        if not isinstance(claimed, bool):
            close = getattr(claimed, "close", None)
            if callable(close):  # an un-awaited coroutine would warn at garbage collection
                close()
            raise TypeError("replay_store.claim did not return a bool: use anew_events")
        if claimed:
            fresh.append(event)
    return fresh


async def anew_events(
    events: Iterable[ReceivedEvent],
    replay_store: ReplayStore | AsyncReplayStore,
    *,
    keep_for: float = DEDUPE_SECONDS,
    max_age: float | None = None,
) -> list[ReceivedEvent]:
    """`new_events` for async handlers: the replay store may be sync or async."""
    fresh: list[ReceivedEvent] = []
    expires_at, oldest = _window(keep_for, max_age)
    for event in _distinct(events, oldest):
        result = replay_store.claim(event.dedupe_key, expires_at)
        if result if isinstance(result, bool) else await result:
            fresh.append(event)
    return fresh


def _seconds(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidInputError(f"{name} must be a finite number of seconds")
    return float(value)


def _window(keep_for: float, max_age: float | None) -> tuple[float, int | None]:
    """When claims expire, and the oldest event timestamp taken (nanoseconds), if any."""
    keep = _seconds(keep_for, "keep_for")
    if keep < RETRY_SPAN_SECONDS:
        raise InvalidInputError(
            f"keep_for must be at least Spike's retry span ({RETRY_SPAN_SECONDS:,.0f} s, about"
            " 3 days), or a late retry of an event would pass as new"
        )
    now = time.time()
    if max_age is None:
        return now + keep, None
    age = _seconds(max_age, "max_age")
    if not RETRY_SPAN_SECONDS <= age <= keep:
        raise InvalidInputError(
            f"max_age must be at least Spike's retry span ({RETRY_SPAN_SECONDS:,.0f} s), or "
            "genuine retries would be dropped, and at most keep_for, or a copy older than "
            "what the store remembers would pass as new"
        )
    return now + keep, int((now - age) * 1_000_000_000)


def _distinct(events: Iterable[ReceivedEvent], oldest: int | None) -> list[ReceivedEvent]:
    seen: set[str] = set()
    distinct = []
    for event in events:
        if not isinstance(event, ReceivedEvent):
            raise TypeError("events must be the ReceivedEvent values read_webhook returned")
        if oldest is not None and event.timestamp_ns < oldest:
            continue
        if event.dedupe_key not in seen:
            seen.add(event.dedupe_key)
            distinct.append(event)
    return distinct


def _key_bytes(key: object) -> list[bytes]:
    listed = list(key) if isinstance(key, (list, tuple)) else [key]
    if not listed:
        raise InvalidInputError("key must be the webhook signature key, or a non-empty list")
    keys = []
    for one in listed:
        value = one.reveal() if isinstance(one, Secret) else one
        if isinstance(value, str):
            value = value.encode("utf-8")
        if not isinstance(value, bytes):
            raise InvalidInputError(
                f"the webhook key must be a str, bytes or Secret, not {type(value).__name__}"
            )
        if not value:
            raise InvalidInputError("the webhook key is empty")
        if value != value.strip():
            raise InvalidInputError(
                "the webhook key has whitespace at its start or end (a newline read from a "
                "file?): strip it"
            )
        keys.append(value)
    return keys


def _signature(headers: Headers) -> str:
    values = _header_values(headers, _SIGNATURE_NAME)
    if not values:
        raise MissingSignatureError(f"the delivery has no {SIGNATURE_HEADER} header")
    if len(values) > 1:
        raise MissingSignatureError(f"{SIGNATURE_HEADER} is given {len(values)} times")
    value = values[0].strip()
    if not value:
        raise MissingSignatureError(f"{SIGNATURE_HEADER} is empty")
    return value


def _header_values(headers: Headers, name: str) -> list[str]:
    """Every value of header `name` (lower-case), whatever the framework's headers type.

    Starlette, Werkzeug and httpx mappings return only one value of a repeated header through
    `[]`; their list methods (`getlist`, `get_list`, aiohttp's `getall`, the standard
    library's `get_all`) show them all, so a second signature cannot hide behind the first.
    """
    for method in ("getlist", "get_list", "getall", "get_all"):
        many = getattr(headers, method, None)
        if callable(many):
            try:
                found = many(name)
            except KeyError:
                found = []
            return [_text(value) for value in found or []]
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    return [_text(value) for key, value in pairs if _text(key).lower() == name]


def _text(value: object) -> str:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("latin-1")
    if isinstance(value, str):
        return value
    raise InvalidInputError(f"headers must hold str or bytes, not {type(value).__name__}")


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _events(data: Any) -> list[ReceivedEvent]:
    if not _VALIDATOR.is_valid(data):
        error = next(iter(_VALIDATOR.iter_errors(data)))
        where = "/".join(str(part) for part in error.instance_path) or "the body"
        rule = str(error.schema_path[-1]) if error.schema_path else "schema"
        raise WebhookShapeError(f"{where} breaks the contract's `{rule}` rule")
    events = []
    for index, item in enumerate(data):
        readable = dict(item)
        for name in _TIME_FIELDS:  # as the model's `fromisoformat` reads it; the text is kept
            value = item.get(name)
            if value is not None:
                found = _RFC3339.fullmatch(value)
                if found is None:
                    raise WebhookShapeError(f"{index}/{name} is not an RFC 3339 time")
                readable[name] = _iso(*found.groups())
        try:
            model = WebhookEvent.from_dict(readable)
        except (TypeError, ValueError):  # year 0000 or a leap second: beyond Python's datetime
            raise WebhookShapeError(f"{index} holds a time this client cannot read") from None
        events.append(ReceivedEvent(model, item["timestamp"], item))
    return events


def _dedupe_key(item: Mapping[str, Any]) -> str:
    fields = [item.get(name) for name in DEDUPE_FIELDS]
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _nanoseconds(text: str) -> int:
    found = _RFC3339.fullmatch(text)
    if found is None:
        raise ValueError("not an RFC 3339 time")
    day, time, fraction, zone = found.groups()
    seconds = (datetime.fromisoformat(_iso(day, time, None, zone)) - _EPOCH) // timedelta(seconds=1)
    return seconds * 1_000_000_000 + int((fraction or "")[:9].ljust(9, "0"))


def _iso(day: str, time: str, fraction: str | None, zone: str) -> str:
    """One RFC 3339 time as `datetime.fromisoformat` reads it: `T`, `+00:00`, and at most
    nine fractional digits (a datetime keeps six; nanoseconds come from the text)."""
    zone = "+00:00" if zone in ("Z", "z") else zone
    return f"{day}T{time}{'.' + fraction[:9] if fraction else ''}{zone}"
