"""The client's webhook reader: the spec's `spikeEvents` webhook, verified and typed.

Each test's docstring names the rule of the spec (`webhooks.spikeEvents`, `WebhookDelivery`,
`WebhookEvent`, `x-spike-delivery`) it holds the client to. Bodies are signed through the
kit's own `spike_kit.webhooks.signature`, the one source the client's copy is made from.
"""

from __future__ import annotations

import asyncio
import json
import pickle
import time

import httpx
import pytest
from spike_api_client import (
    BadSignatureError,
    InvalidInputError,
    MemoryReplayStore,
    MissingSignatureError,
    ReceivedEvent,
    WebhookError,
    WebhookNotJSONError,
    WebhookShapeError,
    WebhookTooLargeError,
    anew_events,
    new_events,
    read_webhook,
    sign_webhook_body,
    verify_webhook,
)
from spike_api_client._secrets import Secret
from spike_api_client._webhooks import DEDUPE_SECONDS, MAX_BODY_BYTES, RETRY_SPAN_SECONDS

from spike_kit.webhooks.events import encode_events, record_change, sign, spike_timestamp
from tests.webhooks.support import CONTRACT, DOCS_EXAMPLE, KEY

DOCS_BODY = json.dumps(DOCS_EXAMPLE, indent=2).encode()
SIGNED = sign(DOCS_BODY, KEY)


def _read(body: bytes, signature: str | None = None) -> list[ReceivedEvent]:
    sig = sign(body, KEY).signature if signature is None else signature
    return read_webhook(body, {"X-Body-Signature": sig}, KEY)


def test_the_docs_example_signed_as_the_spec_says_is_verified_and_typed() -> None:
    """`webhooks.spikeEvents`: the docs' example, lowercase hex HMAC-SHA256 of the raw body
    (inferred), parses with its nanosecond timestamps kept as sent."""
    first, second = read_webhook(DOCS_BODY, SIGNED.headers, KEY)
    assert [e.application_user_id for e in (first, second)] == ["User1", "User2"]
    assert {e.event_type for e in (first, second)} == {"record_change"}
    assert first.provider_slug == "garmin"
    assert first.model.metrics == ["calories_burned_active", "distance", "steps"]
    assert first.timestamp_text == "2025-04-15T13:33:55.271331177Z"
    assert first.timestamp.isoformat() == "2025-04-15T13:33:55.271331+00:00"
    assert first.timestamp_ns == 1_744_724_035_271_331_177
    assert first.model.earliest_record_start_at is not None
    assert first.is_known_type
    assert SIGNED.signature == sign_webhook_body(DOCS_BODY, KEY)


@pytest.mark.parametrize("position", [0, len(DOCS_BODY) // 2, len(DOCS_BODY) - 1])
def test_the_same_bytes_with_one_byte_changed_are_refused(position: int) -> None:
    """`webhooks.spikeEvents`: the signature covers every byte of the body."""
    changed = bytearray(DOCS_BODY)
    changed[position] ^= 0x01
    with pytest.raises(BadSignatureError) as refused:
        read_webhook(bytes(changed), SIGNED.headers, KEY)
    assert refused.value.status == 401


def test_a_re_serialised_body_is_not_what_was_signed() -> None:
    """The raw bytes are verified: the same events written compactly fail the signature."""
    with pytest.raises(BadSignatureError):
        read_webhook(encode_events(DOCS_EXAMPLE), SIGNED.headers, KEY)


@pytest.mark.parametrize(
    "headers",
    [
        {"x-body-signature": SIGNED.signature},
        {"X-BODY-SIGNATURE": SIGNED.signature.upper()},
        httpx.Headers({"X-Body-Signature": f" {SIGNED.signature} "}),
        [(b"x-body-signature", SIGNED.signature.encode())],
    ],
    ids=["lower-case name", "upper-case hex", "httpx.Headers, padded", "raw ASGI pairs"],
)
def test_the_header_is_found_whatever_the_framework(headers: object) -> None:
    """`X-Body-Signature`: HTTP header names are case-insensitive; hex is hex in either case."""
    assert len(read_webhook(DOCS_BODY, headers, KEY)) == 2  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Body-Signature": "  "},
        [("X-Body-Signature", SIGNED.signature), ("x-body-signature", SIGNED.signature)],
        httpx.Headers([("X-Body-Signature", "0" * 64), ("X-Body-Signature", SIGNED.signature)]),
    ],
    ids=["absent", "empty", "twice in pairs", "twice in httpx.Headers"],
)
def test_a_missing_empty_or_repeated_signature_is_refused(headers: object) -> None:
    """`X-Body-Signature` is required, once: a second one cannot hide behind the first."""
    with pytest.raises(MissingSignatureError) as refused:
        read_webhook(DOCS_BODY, headers, KEY)  # type: ignore[arg-type]
    assert refused.value.status == 401


@pytest.mark.parametrize("signature", ["0" * 64, SIGNED.signature[:-1], "zz" * 32, "é" * 64])
def test_a_wrong_or_malformed_signature_is_refused(signature: str) -> None:
    with pytest.raises(BadSignatureError):
        read_webhook(DOCS_BODY, {"X-Body-Signature": signature}, KEY)


def test_another_keys_signature_is_refused_and_a_rotation_list_accepts_both() -> None:
    other = "the-previous-webhook-key-0001"
    old_signature = sign(DOCS_BODY, other).headers
    with pytest.raises(BadSignatureError):
        read_webhook(DOCS_BODY, old_signature, KEY)
    assert len(read_webhook(DOCS_BODY, old_signature, [KEY, other])) == 2
    assert len(read_webhook(DOCS_BODY, SIGNED.headers, (Secret(KEY), other.encode()))) == 2


def test_a_body_over_the_cap_is_refused_before_its_signature_is_looked_at() -> None:
    """`x-spike-delivery.max_body_bytes` (10 MiB, inferred): refused first, without a header."""
    assert MAX_BODY_BYTES == CONTRACT.max_body_bytes == 10 * 1024 * 1024
    with pytest.raises(WebhookTooLargeError) as refused:
        read_webhook(b" " * (MAX_BODY_BYTES + 1), {}, KEY)
    assert refused.value.status == 413
    with pytest.raises(WebhookTooLargeError):
        read_webhook(DOCS_BODY, SIGNED.headers, KEY, max_bytes=len(DOCS_BODY) - 1)
    assert len(read_webhook(DOCS_BODY, SIGNED.headers, KEY, max_bytes=len(DOCS_BODY))) == 2


@pytest.mark.parametrize(
    "body",
    [
        b'[{"application_user_id": "\xff"}]',
        b"not json",
        b"[NaN]",
        b"[" * 100_000 + b"]" * 100_000,
        "[]".encode("utf-16"),
        b"\xef\xbb\xbf" + DOCS_BODY,
        b"[1" + b"0" * 5000 + b"]",
    ],
    ids=["not UTF-8", "not JSON", "NaN", "nested deep", "UTF-16", "UTF-8 BOM", "huge number"],
)
def test_a_signed_body_that_is_not_utf8_json_is_refused(body: bytes) -> None:
    """`WebhookDelivery` is `application/json`: UTF-8 JSON (RFC 8259), nothing looser."""
    with pytest.raises(WebhookNotJSONError) as refused:
        _read(body)
    assert refused.value.status == 400


def _event(**changes: object) -> dict[str, object]:
    return {**DOCS_EXAMPLE[0], **changes}


@pytest.mark.parametrize(
    ("events", "where"),
    [
        ({"not": "an array"}, "the body"),
        ([{k: v for k, v in DOCS_EXAMPLE[0].items() if k != "provider_slug"}], "0"),
        ([_event(application_user_id="has space")], "0/application_user_id"),
        ([_event(event_type="")], "0/event_type"),
        ([_event(metrics="steps")], "0/metrics"),
        ([DOCS_EXAMPLE[0], _event(timestamp="2025-04-15T13:33:60Z")], "1/timestamp"),
        ([_event(timestamp="2025-04-15T13:33:55")], "0/timestamp"),
        ([_event(latest_record_end_at="yesterday")], "0/latest_record_end_at"),
    ],
    ids=[
        "object",
        "no provider",
        "bad user id",
        "empty type",
        "metrics not a list",
        "leap second",
        "no zone",
        "not a time",
    ],
)
def test_a_signed_body_that_breaks_the_contract_is_refused(events: object, where: str) -> None:
    """`WebhookDelivery`: a non-empty array of `WebhookEvent`, each with its required fields
    and RFC 3339 times; the message says where, never the value."""
    with pytest.raises(WebhookShapeError) as refused:
        _read(json.dumps(events).encode())
    assert refused.value.status == 422
    assert str(refused.value).startswith(where)
    assert "has space" not in str(refused.value)
    assert "yesterday" not in str(refused.value)


def test_unknown_event_types_and_fields_are_kept() -> None:
    """`WebhookEventType` is an open set and `WebhookEvent` allows more properties."""
    (event,) = _read(encode_events([_event(event_type="sleep_scored", score={"value": 87})]))
    assert event.event_type == "sleep_scored"
    assert not event.is_known_type
    assert event.model.additional_properties == {"score": {"value": 87}}
    assert event.data["score"] == {"value": 87}


def test_an_empty_delivery_and_null_fields_are_read() -> None:
    """`WebhookDelivery` may be empty, and an event's optional fields null (inferred: a Go
    server writes an empty list as null)."""
    assert _read(b"[]") == []
    nulls = {"metrics": None, "activity_types": None, "earliest_record_start_at": None}
    (event,) = _read(encode_events([_event(**nulls, latest_record_end_at=None)]))
    assert event.model.metrics is None
    assert event.model.latest_record_end_at is None


def test_only_the_required_fields_are_enough() -> None:
    """`WebhookEvent.required`: user, timestamp, type and provider."""
    minimal = {k: DOCS_EXAMPLE[0][k] for k in CONTRACT.event_schema["required"]}
    minimal["event_type"] = "provider_integration_created"
    (event,) = _read(encode_events([minimal]))
    assert event.is_known_type
    assert event.model.metrics is not None  # UNSET, not missing: the model is complete


def test_the_dedupe_key_is_the_same_for_every_copy_of_an_event() -> None:
    """`x-spike-dedupe-key` (inferred): user, provider, type and the timestamp's text as sent,
    whatever the field order, spacing or other fields of the copy."""
    (compact,) = _read(encode_events([DOCS_EXAMPLE[0]]))
    reordered = dict(reversed(list({**DOCS_EXAMPLE[0], "metrics": ["steps"]}.items())))
    (spaced,) = _read(json.dumps([reordered], indent=4).encode())
    assert compact.dedupe_key == spaced.dedupe_key
    assert len(compact.dedupe_key) == 64
    truncated = _event(timestamp="2025-04-15T13:33:55.271331Z")  # what a datetime would keep
    (other,) = _read(encode_events([truncated]))
    assert other.dedupe_key != compact.dedupe_key
    user2 = _read(DOCS_BODY)[1]
    assert user2.dedupe_key != compact.dedupe_key


def test_bytearray_and_memoryview_bodies_are_read_and_text_is_not() -> None:
    assert len(read_webhook(bytearray(DOCS_BODY), SIGNED.headers, KEY)) == 2
    assert len(read_webhook(memoryview(DOCS_BODY), SIGNED.headers, KEY)) == 2
    with pytest.raises(TypeError, match="raw request bytes"):
        read_webhook(DOCS_BODY.decode(), SIGNED.headers, KEY)  # type: ignore[arg-type]
    assert verify_webhook(DOCS_BODY, SIGNED.headers, KEY) == DOCS_BODY


@pytest.mark.parametrize("key", ["", f"{KEY}\n", 42, []], ids=["empty", "newline", "int", "none"])
def test_an_unusable_key_is_refused_without_being_shown(key: object) -> None:
    with pytest.raises(InvalidInputError) as refused:
        read_webhook(DOCS_BODY, SIGNED.headers, key)  # type: ignore[arg-type]
    assert KEY not in str(refused.value)
    assert not isinstance(refused.value, WebhookError)


def test_the_key_is_in_no_repr_error_or_pickle() -> None:
    events = read_webhook(DOCS_BODY, SIGNED.headers, Secret(KEY))
    shown = repr(events) + "".join(str(e.model) for e in events)
    assert KEY not in shown
    assert SIGNED.signature not in shown
    assert "User1" in repr(events[0])
    assert pickle.loads(pickle.dumps(events)) == events
    for error_type, headers in [
        (BadSignatureError, {"X-Body-Signature": "0" * 64}),
        (MissingSignatureError, {}),
    ]:
        with pytest.raises(error_type) as refused:
            read_webhook(DOCS_BODY, headers, KEY)
        copy = pickle.loads(pickle.dumps(refused.value))
        assert type(copy) is error_type
        assert str(copy) == str(refused.value)
        assert KEY not in str(copy)
        assert KEY not in repr(copy)
    with pytest.raises(TypeError):
        pickle.dumps(Secret(KEY))


def _fresh(user: str = "user-42") -> list[ReceivedEvent]:
    return _read(encode_events([record_change(user, "garmin"), record_change(user, "oura")]))


def test_new_events_hands_each_event_out_once() -> None:
    """Spike retries (`x-spike-delivery.retry_delays_seconds`): a duplicate is skipped."""
    store = MemoryReplayStore()
    events = _fresh()
    assert new_events(events, store) == events
    assert new_events(events, store) == []
    copy = _read(encode_events([e.data for e in events][::-1]))
    assert new_events(copy, store) == []
    assert len(new_events([*_fresh("user-43")] * 2, store)) == 2  # twice in one delivery
    assert len(store) == 4


def test_claims_last_longer_than_spikes_retries() -> None:
    """Retries span about 3.1 days; keys are kept a day longer, and never for less."""
    assert RETRY_SPAN_SECONDS == sum(CONTRACT.retry_delays) == 268_325
    assert DEDUPE_SECONDS == RETRY_SPAN_SECONDS + 86_400
    claims: list[float] = []

    class Recording:
        def claim(self, nonce: str, expires_at: float) -> bool:
            claims.append(expires_at - time.time())
            return True

    new_events(_fresh(), Recording())
    assert all(DEDUPE_SECONDS - 5 < left <= DEDUPE_SECONDS for left in claims)
    with pytest.raises(InvalidInputError, match="retry span"):
        new_events(_fresh(), MemoryReplayStore(), keep_for=RETRY_SPAN_SECONDS - 1)


def test_max_age_drops_old_events_unclaimed_and_must_allow_spikes_retries() -> None:
    """No age check by default; one given must cover the retry span and fit in `keep_for`."""
    store = MemoryReplayStore()
    old = _read(DOCS_BODY)  # 2025-04-15: older than any window
    assert len(new_events(old, store)) == 2  # no age check unless asked
    store = MemoryReplayStore()
    fresh = _fresh()
    assert new_events([*old, *fresh], store, max_age=4 * 86_400) == fresh
    assert len(store) == 2  # the old events were not claimed
    for bad in (RETRY_SPAN_SECONDS - 1, DEDUPE_SECONDS + 1, float("nan")):
        with pytest.raises(InvalidInputError):
            new_events(old, MemoryReplayStore(), max_age=bad)


def test_an_async_store_needs_anew_events() -> None:
    class AsyncStore:
        def __init__(self) -> None:
            self.seen: set[str] = set()

        async def claim(self, nonce: str, expires_at: float) -> bool:
            new = nonce not in self.seen
            self.seen.add(nonce)
            return new

    store = AsyncStore()
    events = _fresh()
    with pytest.raises(TypeError, match="anew_events"):
        new_events(events, store)  # type: ignore[arg-type]
    assert asyncio.run(anew_events(events, store)) == events
    assert asyncio.run(anew_events(events, store)) == []
    assert asyncio.run(anew_events(_fresh("user-9"), MemoryReplayStore())) != []


def test_timestamps_written_as_spike_writes_them_read_back_exactly() -> None:
    for ns in (1_744_724_035_271_331_177, 1_744_724_035_000_000_000, 1_744_724_035_100_000_000):
        text = spike_timestamp(ns)
        (event,) = _read(encode_events([_event(timestamp=text)]))
        assert event.timestamp_ns == ns
    assert spike_timestamp(1_744_724_035_100_000_000) == "2025-04-15T13:33:55.1Z"
    assert spike_timestamp(1_744_724_035_000_000_000) == "2025-04-15T13:33:55Z"


@pytest.mark.parametrize(
    ("text", "ns"),
    [
        ("2025-04-15t13:33:55.271331177z", 1_744_724_035_271_331_177),
        ("2025-04-15T13:33:55.2713311779999Z", 1_744_724_035_271_331_177),
        ("2025-04-15T15:33:55.271331177+02:00", 1_744_724_035_271_331_177),
    ],
)
def test_every_rfc_3339_time_the_contract_allows_is_read(text: str, ns: int) -> None:
    """`WebhookEvent.timestamp` is `format: date-time` (RFC 3339): `t`/`z` in either case,
    any number of fractional digits and any offset are read, and the text is kept as sent."""
    (event,) = _read(encode_events([_event(timestamp=text)]))
    assert event.timestamp_ns == ns
    assert event.timestamp_text == text
    assert event.timestamp.isoformat().startswith("2025-04-15T")


def test_a_time_python_cannot_hold_is_refused_as_the_shape_not_a_crash() -> None:
    """RFC 3339 allows year 0000; Python's `datetime` does not: one `WebhookShapeError`."""
    with pytest.raises(WebhookShapeError, match="cannot read"):
        _read(encode_events([_event(timestamp="0000-01-01T00:00:00Z")]))
