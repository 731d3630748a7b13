"""The installed client's webhook reader against the spec's `spikeEvents` webhook.

Deliveries come from the spec itself: every example of the webhook's body, and values drawn
from its `WebhookDelivery` schema, each signed as the spec says (`X-Body-Signature`, through
the kit's `spike_kit.webhooks.signature`, the one source of the inferred scheme). The client
must read each one as typed events, refuse a body changed by one byte, and refuse a delivery
that breaks the schema as a `WebhookShapeError`: what it reads and what the contract allows
are the same set.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

import attrs
import jsonschema_rs
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from spike_api_client import (
    BadSignatureError,
    ReceivedEvent,
    WebhookShapeError,
    read_webhook,
)
from spike_api_client.models import WebhookEvent

from contract_tests.spec_data import WEBHOOK, missing, webhook, webhook_body, webhook_examples
from spike_kit.strategies import from_schema, standard_formats
from spike_kit.webhooks.signature import body_signature

KEY = b"contract-suite-webhook-key"
"""A key of this suite's own (never a real application's)."""
DELIVERIES = settings(
    max_examples=min(settings().max_examples, 25),
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
_FRACTION = re.compile(r"\.(\d+)")


def _signature_header() -> tuple[str, dict[str, Any]]:
    """The header parameter the spec says carries the body's signature: the webhook's one
    required header (`X-Body-Signature`), with its schema."""
    headers = [
        parameter
        for parameter in webhook(WEBHOOK).get("parameters") or []
        if parameter.get("in") == "header" and parameter.get("required")
    ]
    if len(headers) != 1:
        missing(
            f"webhook `{WEBHOOK}` requires {len(headers)} header parameters; this suite signs "
            "a delivery in one (the body's signature)"
        )
    return str(headers[0]["name"]), headers[0].get("schema") or {}


def _signed(body: bytes) -> dict[str, str]:
    """The headers Spike would send with `body`: its signature in the spec's header, checked
    against that header's schema."""
    name, schema = _signature_header()
    signature = body_signature(KEY, body)
    assert jsonschema_rs.validator_for(schema).is_valid(signature), (
        f"the signature the kit makes does not fit the schema of header {name}"
    )
    return {name: signature, "Content-Type": "application/json"}


def _read(events: Any) -> list[ReceivedEvent]:
    body = json.dumps(events).encode("utf-8")
    return read_webhook(body, _signed(body), KEY)


def _instant(text: str) -> datetime:
    """An RFC 3339 time as a `datetime` (microseconds, as Python keeps them), parsed apart
    from the client."""
    text = _FRACTION.sub(lambda found: "." + found.group(1)[:6].ljust(6, "0"), text, count=1)
    return datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))


def _assert_typed(event: ReceivedEvent, sent: dict[str, Any], where: str) -> None:
    """One event read as a `WebhookEvent` holding the values `sent` gave it."""
    assert isinstance(event.model, WebhookEvent), where
    assert event.data == sent, where
    declared = attrs.fields_dict(WebhookEvent)
    for name, value in sent.items():
        if name not in declared:
            assert event.model.additional_properties.get(name) == value, f"{where}: {name}"
            continue
        held = getattr(event.model, name)
        if isinstance(held, datetime):
            assert held == _instant(value), f"{where}: {name} {held.isoformat()} != {value}"
        else:
            assert held == value, f"{where}: {name}"
    assert event.timestamp_text == sent["timestamp"], where


def test_every_body_example_signed_as_the_spec_says_is_read_as_typed_events() -> None:
    """`webhooks.spikeEvents.post`: each example of the body (`WebhookDelivery`), signed as
    `X-Body-Signature` says (lowercase hex HMAC-SHA256 of the raw body, inferred), is read as
    one typed `WebhookEvent` per element, with the example's values."""
    for name, example in webhook_examples(WEBHOOK).items():
        if not isinstance(example, list):
            missing(f"the {name} of webhook `{WEBHOOK}`'s body is not a JSON array of events")
        events = _read(example)
        assert len(events) == len(example), name
        for index, (event, sent) in enumerate(zip(events, example, strict=True)):
            _assert_typed(event, sent, f"{name}/{index}")


def test_an_example_changed_by_one_byte_is_refused() -> None:
    """`X-Body-Signature` covers the raw body: the same bytes with any one byte changed (at
    the start, the middle or the end) no longer carry the signature, so they are refused with
    `BadSignatureError` before they are parsed."""
    for name, example in webhook_examples(WEBHOOK).items():
        body = json.dumps(example).encode("utf-8")
        headers = _signed(body)
        assert read_webhook(body, headers, KEY) is not None, name
        for position in sorted({0, len(body) // 2, len(body) - 1}):
            changed = bytearray(body)
            changed[position] ^= 0x01
            with pytest.raises(BadSignatureError):
                read_webhook(bytes(changed), headers, KEY)


@DELIVERIES
@given(data=st.data())
def test_deliveries_drawn_from_the_schema_are_read(data: st.DataObject) -> None:
    """`WebhookDelivery`: any array of events the schema allows (unknown fields and event
    types included, `date-time` as JSON Schema's format says), signed as `X-Body-Signature`
    says, is read, one typed event per element; never a `WebhookShapeError`."""
    schema = webhook_body(WEBHOOK)["schema"]
    delivery = data.draw(from_schema(schema, standard_formats()), label="delivery")
    try:
        events = _read(delivery)
    except WebhookShapeError as exc:
        pytest.fail(f"the client refuses a delivery `WebhookDelivery` allows: {exc}", pytrace=False)
    assert len(events) == len(delivery)
    for index, (event, sent) in enumerate(zip(events, delivery, strict=True)):
        _assert_typed(event, sent, str(index))


def test_a_delivery_that_breaks_the_schema_is_a_shape_error() -> None:
    """`WebhookEvent.required`: an event without one of its required fields
    (`application_user_id` first) is not a `WebhookDelivery`; correctly signed, it is refused
    as a `WebhookShapeError`, never read as an event."""
    schema = webhook_body(WEBHOOK)["schema"]
    required = list((schema.get("items") or {}).get("required") or [])
    if "application_user_id" not in required:
        missing(f"`WebhookEvent` of webhook `{WEBHOOK}` does not require `application_user_id`")
    example = next(
        (
            value
            for value in webhook_examples(WEBHOOK).values()
            if isinstance(value, list) and value
        ),
        None,
    )
    if example is None:
        missing(f"webhook `{WEBHOOK}` has no example with an event to take a field from")
    for field in required:
        broken = [dict(event) for event in example]
        del broken[0][field]
        with pytest.raises(WebhookShapeError):
            _read(broken)
