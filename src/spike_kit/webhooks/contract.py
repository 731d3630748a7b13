"""What the spec says about Spike's webhook deliveries, read once for every tool that needs it.

The client's runtime gets it through `_contract_table.json` (`build_webhook_table`, called by
the contract table); the mock's deliveries, the pytest fixture and the receiver check get it as
a `WebhookContract`. Either way the limits, the retry schedule, the known event types and the
fields that identify an event are the spec's own (`x-spike-delivery` on the webhook,
`x-spike-event-types` and `x-spike-dedupe-key` on its schemas), never copies.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema_rs
from attrs import field, frozen

from spike_kit.spec import JSON, dereference, load_spec

WEBHOOK = "spikeEvents"
"""The spec's one webhook: Spike's events, POSTed to the application's webhook URL."""
DELIVERY_KEY = "x-spike-delivery"
"""On a webhook's operation: `answer_within_seconds`, `retry_delays_seconds`, `max_body_bytes`."""
EVENT_TYPES_KEY = "x-spike-event-types"
"""On the event-type schema: the types this contract knows (the set stays open)."""
DEDUPE_KEY = "x-spike-dedupe-key"
"""On the event schema: the fields whose text, as sent, identifies an event."""


class WebhookContractError(Exception):
    """Raised when the spec does not describe the webhook the kit's tools need."""


def _find(node: JSON, key: str) -> JSON:
    """The first value of `key` anywhere in `node` (a dereferenced schema), or None."""
    nested: list[JSON]
    if isinstance(node, dict):
        if key in node:
            return node[key]
        nested = list(node.values())
    elif isinstance(node, list):
        nested = node
    else:
        return None
    for value in nested:
        found = _find(value, key)
        if found is not None:
            return found
    return None


def _operation(document: dict[str, JSON], name: str) -> dict[str, JSON] | None:
    item = (document.get("webhooks") or {}).get(name)
    if not isinstance(item, dict):
        return None
    operation = dereference(document, item).get("post")
    return operation if isinstance(operation, dict) else None


def _body_media(operation: dict[str, JSON]) -> dict[str, JSON]:
    content = (operation.get("requestBody") or {}).get("content") or {}
    media = content.get("application/json") or {}
    return media if isinstance(media, dict) else {}


def build_webhook_table(
    document: dict[str, JSON], for_validation: Callable[[JSON], JSON]
) -> dict[str, dict[str, Any]]:
    """Each webhook by name, for the client's `_contract_table.json`: its required headers,
    delivery rules, body schema (prepared by `for_validation`, as the contract table prepares
    every schema for jsonschema-rs), known event types and dedupe fields."""
    table: dict[str, dict[str, Any]] = {}
    for name in sorted(document.get("webhooks") or {}):
        operation = _operation(document, name)
        if operation is None:
            continue
        schema = _body_media(operation).get("schema")
        table[name] = {
            "operation_id": operation.get("operationId"),
            "required_headers": [
                parameter["name"]
                for parameter in operation.get("parameters", [])
                if parameter.get("in") == "header" and parameter.get("required")
            ],
            "delivery": operation.get(DELIVERY_KEY) or {},
            "body_schema": for_validation(schema) if schema is not None else None,
            "event_types": list(_find(schema, EVENT_TYPES_KEY) or []),
            "dedupe_fields": list(_find(schema, DEDUPE_KEY) or []),
        }
    return table


@frozen
class WebhookContract:
    """The spec's `spikeEvents` webhook as the kit's tools use it."""

    answer_within: float
    """Seconds Spike waits for the 200 before it counts the attempt as failed."""
    retry_delays: tuple[float, ...]
    """Seconds before each retry, in order; after the last attempt the events are discarded."""
    max_body_bytes: int
    event_types: tuple[str, ...]
    dedupe_fields: tuple[str, ...]
    body_schema: dict[str, Any]
    event_schema: dict[str, Any]
    example: list[dict[str, Any]]
    """The spec's example delivery (Spike's docs' own)."""
    validator: Any = field(eq=False, repr=False)
    """jsonschema-rs over the body schema, formats checked (`date-time` included)."""

    @classmethod
    def from_document(cls, document: dict[str, JSON]) -> WebhookContract:
        operation = _operation(document, WEBHOOK)
        if operation is None:
            raise WebhookContractError(f"the spec has no `webhooks.{WEBHOOK}.post`")
        media = _body_media(operation)
        schema = media.get("schema")
        rules = operation.get(DELIVERY_KEY)
        if not isinstance(schema, dict) or not isinstance(schema.get("items"), dict):
            raise WebhookContractError(f"`webhooks.{WEBHOOK}` has no JSON array body schema")
        if not isinstance(rules, dict):
            raise WebhookContractError(f"`webhooks.{WEBHOOK}.post` has no `{DELIVERY_KEY}`")
        try:
            return cls(
                answer_within=float(rules["answer_within_seconds"]),
                retry_delays=tuple(float(delay) for delay in rules["retry_delays_seconds"]),
                max_body_bytes=int(rules["max_body_bytes"]),
                event_types=tuple(_find(schema, EVENT_TYPES_KEY) or ()),
                dedupe_fields=tuple(_find(schema, DEDUPE_KEY) or ()),
                body_schema=schema,
                event_schema=schema["items"],
                example=list(media.get("example") or []),
                validator=jsonschema_rs.Draft202012Validator(schema, validate_formats=True),
            )
        except (KeyError, TypeError, ValueError, jsonschema_rs.ValidationError) as exc:
            raise WebhookContractError(
                f"`{DELIVERY_KEY}` of `webhooks.{WEBHOOK}` is incomplete: {exc}"
            ) from None

    @classmethod
    def from_spec(cls, path: Path) -> WebhookContract:
        """From a spec file (`SpecLoadError` when it does not load)."""
        return cls.from_document(load_spec(path))

    @property
    def retry_span(self) -> float:
        """Seconds from the first attempt to the last (about 3.1 days for Spike)."""
        return sum(self.retry_delays)

    def problem(self, events: Any) -> str | None:
        """Why `events` is not a delivery the contract allows (where, and the rule), or None."""
        if self.validator.is_valid(events):
            return None
        error = next(iter(self.validator.iter_errors(events)))
        where = "/" + "/".join(str(part) for part in error.instance_path)
        return f"{where if where != '/' else 'the body'}: {error.message}"
