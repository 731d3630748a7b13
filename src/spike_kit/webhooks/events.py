"""Spike's webhook events as the mock, the fixture and the receiver check make them.

Times are written as Spike's Go servers write them (RFC 3339 in UTC, up to nine fractional
digits with trailing zeros dropped: `2025-04-15T13:33:55.271331177Z`), bodies as compact UTF-8
JSON, and every body is signed through `spike_kit.webhooks.signature`, the scheme the client
verifies with.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from attrs import frozen

from spike_kit.webhooks.signature import SIGNATURE_HEADER, body_signature

RECORD_CHANGE = "record_change"
INTEGRATION_CREATED = "provider_integration_created"
INTEGRATION_DELETED = "provider_integration_deleted"


def spike_timestamp(nanoseconds: int | None = None) -> str:
    """A time as Spike writes it: Go's RFC3339Nano in UTC (default: now, to the nanosecond)."""
    ns = time.time_ns() if nanoseconds is None else nanoseconds
    seconds, fraction = divmod(ns, 1_000_000_000)
    whole = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
    digits = f"{fraction:09d}".rstrip("0")
    return f"{whole}.{digits}Z" if digits else f"{whole}Z"


def event(
    event_type: str,
    application_user_id: str,
    provider_slug: str,
    *,
    timestamp: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """One event (any type, known or not), stamped now unless `timestamp` is given."""
    return {
        "application_user_id": application_user_id,
        "timestamp": timestamp or spike_timestamp(),
        "event_type": event_type,
        "provider_slug": provider_slug,
        **fields,
    }


def record_change(
    application_user_id: str,
    provider_slug: str,
    *,
    metrics: Sequence[str] = ("steps",),
    activity_types: Sequence[str] = (),
    timestamp: str | None = None,
) -> dict[str, Any]:
    """New or updated data from the provider, as Spike's docs' example shows it: the records
    it covers end now and start an hour earlier."""
    now = time.time_ns()
    return event(
        RECORD_CHANGE,
        application_user_id,
        provider_slug,
        timestamp=timestamp or spike_timestamp(now),
        metrics=list(metrics),
        activity_types=list(activity_types),
        earliest_record_start_at=spike_timestamp((now // 60_000_000_000 - 60) * 60_000_000_000),
        latest_record_end_at=spike_timestamp(now // 60_000_000_000 * 60_000_000_000),
    )


def encode_events(events: Iterable[Mapping[str, Any]]) -> bytes:
    """A delivery's body: compact UTF-8 JSON, as a Go server's `json.Marshal` writes it."""
    return json.dumps(list(events), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@frozen
class SignedDelivery:
    """A body and the headers Spike sends with it."""

    body: bytes
    signature: str

    @property
    def headers(self) -> dict[str, str]:
        return {"content-type": "application/json", SIGNATURE_HEADER: self.signature}


def sign(body: bytes, key: str | bytes) -> SignedDelivery:
    """`body` (any bytes, JSON or not) with the signature `key` gives it."""
    raw_key = key.encode("utf-8") if isinstance(key, str) else key
    return SignedDelivery(body, body_signature(raw_key, body))


def signed_delivery(events: Iterable[Mapping[str, Any]], key: str | bytes) -> SignedDelivery:
    return sign(encode_events(events), key)
