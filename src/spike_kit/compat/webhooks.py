"""Webhooks judged for the teams that receive them: Spike writes, the receiver reads.

A webhook turns the roles of an operation around. What Spike sends (the body, its header
parameters) is judged like a response: a receiver built on the old contract must still read
everything the new one lets Spike send. What the receiver answers (`responses`) is judged
like a request: every answer the old contract told receivers to give must still be one Spike
accepts. The known event types (`x-spike-event-types`) are what receivers switch on, so one
that goes is breaking although the set stays open; the delivery rules (`x-spike-delivery`)
are what receivers size their limits and replay stores by.

The property check and the generated client (`settle`) read operations only: a webhook
change the rules cannot prove safe stays breaking here, and says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from attrs import evolve

from spike_kit.compat.model import Change, Kind, Severity, first_difference, join
from spike_kit.compat.schemas import Direction, compare_schemas
from spike_kit.compat.wire import Encoding
from spike_kit.spec import HTTP_METHODS, is_extension
from spike_kit.statuses import covering_key
from spike_kit.webhooks.contract import DELIVERY_KEY, EVENT_TYPES_KEY

SENT = "deliveries can now hold what receivers built on the old contract reject"
"""What a break in what Spike sends does (the response direction's words, for a webhook)."""
ANSWERED = "answers receivers give under the old contract are no longer ones Spike accepts"
"""What a break in what receivers answer does (the request direction's words)."""
_JUDGED = frozenset({"parameters", "requestBody", "responses", DELIVERY_KEY})
_NOT_JUDGED = frozenset({"security", "callbacks", "servers"})
_UNSETTLED = (
    "; compat's property check and generated client read operations only, so a webhook "
    "change the rules cannot prove safe stays breaking"
)


def webhook_changes(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Change]:
    """Every difference between two documents' `webhooks` sections (`$ref`s expanded)."""
    for name in sorted(set(old) | set(new)):
        if is_extension(name):
            continue
        at = join("", "webhooks", name)
        if name not in new:
            yield Change(
                Severity.BREAKING,
                at,
                f"webhook `{name}` removed: receivers built for it no longer get its "
                "deliveries (and the client's reader of it goes)",
                kind=Kind.REMOVED,
                summary=f"webhook `{name}` removed",
            )
        elif name not in old:
            yield Change(
                Severity.COMPATIBLE,
                at,
                f"new webhook `{name}`: receivers of the old contract are not sent it",
                kind=Kind.ADDED,
                summary=f"new webhook `{name}`",
            )
        else:
            found = list(_path_item(old[name] or {}, new[name] or {}, at))
            if not found and old[name] != new[name]:
                where = first_difference(old[name], new[name], at)
                found.append(Change(Severity.DOCUMENTATION, where, "webhook text changed"))
            yield from found


def _path_item(old: dict[str, Any], new: dict[str, Any], at: str) -> Iterator[Change]:
    for method in HTTP_METHODS:
        where = join(at, method)
        if method in old and method not in new:
            yield Change(
                Severity.BREAKING,
                where,
                f"webhook {method.upper()} removed: receivers built for it no longer get it",
                kind=Kind.REMOVED,
                summary="removed",
            )
        elif method in new and method not in old:
            yield Change(
                Severity.COMPATIBLE,
                where,
                f"new webhook {method.upper()}: receivers of the old contract are not sent it",
                kind=Kind.ADDED,
                summary="new",
            )
        elif method in old:
            yield from _operation(_with_shared(old, method), _with_shared(new, method), where)


def _with_shared(item: dict[str, Any], method: str) -> dict[str, Any]:
    """The operation with its path item's parameters first, as `iter_operations` gives it."""
    operation = dict(item[method] or {})
    operation["parameters"] = [
        *(item.get("parameters") or []),
        *(operation.get("parameters") or []),
    ]
    return operation


def _operation(old: dict[str, Any], new: dict[str, Any], at: str) -> Iterator[Change]:
    yield from _parameters(old.get("parameters") or [], new.get("parameters") or [], at)
    yield from _body(old.get("requestBody"), new.get("requestBody"), join(at, "requestBody"))
    yield from _responses(old.get("responses") or {}, new.get("responses") or {}, at)
    yield from _delivery(old.get(DELIVERY_KEY) or {}, new.get(DELIVERY_KEY) or {}, at)
    yield from _own_fields(old, new, at)


def _settled(changes: list[Change], side: str) -> Iterator[Change]:
    """The schema rules' findings in a webhook's words (`side`: whose field it is, for their
    "response field"/"request field"); an undecided one stays breaking, as nothing later
    decides it."""
    for change in changes:
        message = re.sub(r"\b(?:response|request) field\b", f"{side} field", change.message)
        if change.undecided:
            yield evolve(change, undecided=False, message=message + _UNSETTLED)
        else:
            yield evolve(change, message=message)


def _parameter_key(parameter: dict[str, Any]) -> tuple[str, str]:
    name, where = str(parameter.get("name")), str(parameter.get("in"))
    return where, name.lower() if where == "header" else name


def _parameters(old: list[Any], new: list[Any], at: str) -> Iterator[Change]:
    """Parameters Spike sends (`X-Body-Signature`): the receiver reads them, as a client
    reads a response header."""
    old_params = {_parameter_key(p): p for p in old if isinstance(p, dict)}
    new_params = {_parameter_key(p): (i, p) for i, p in enumerate(new) if isinstance(p, dict)}
    for index, parameter in enumerate(old):
        key = _parameter_key(parameter)
        if key not in new_params:
            yield Change(
                Severity.BREAKING,
                join(at, "parameters", index),
                f"{key[0]} parameter `{parameter.get('name')}` removed: receivers read it, and "
                "Spike no longer sends it",
                kind=Kind.REMOVED,
                summary="removed",
            )
    for key, (index, parameter) in sorted(new_params.items()):
        label = f"{key[0]} parameter `{parameter.get('name')}`"
        where = join(at, "parameters", index)
        if key not in old_params:
            yield Change(
                Severity.COMPATIBLE,
                where,
                f"new {label}: Spike sends more than receivers of the old contract read",
                kind=Kind.ADDED,
                summary="new",
            )
            continue
        before = old_params[key]
        was, now = bool(before.get("required")), bool(parameter.get("required"))
        if was and not now:
            yield Change(
                Severity.BREAKING,
                join(where, "required"),
                f"{label} no longer always sent: receivers of the old contract expect it",
                summary="may now be absent",
            )
        elif now and not was:
            yield Change(
                Severity.COMPATIBLE,
                join(where, "required"),
                f"{label} now always sent",
                summary="is now always sent",
            )
        old_wire, new_wire = Encoding.of(before), Encoding.of(parameter)
        if (old_wire.media, old_wire.style, old_wire.explode) != (
            new_wire.media,
            new_wire.style,
            new_wire.explode,
        ):
            yield Change(
                Severity.BREAKING,
                where,
                f"{label}: Spike writes it another way (media type, style or explode); "
                "receivers read it the old way",
                summary="is now written another way",
            )
        schema_at = (
            join(where, "content", new_wire.media, "schema")
            if new_wire.media
            else join(where, "schema")
        )
        yield from _settled(
            compare_schemas(
                old_wire.schema,
                new_wire.schema,
                schema_at,
                Direction.RESPONSE,
                on_the_wire=new_wire.media is None,
                breaks=SENT,
            ),
            "delivery",
        )


def _body(old: Any, new: Any, at: str) -> Iterator[Change]:
    """The delivery's body, which Spike writes and the receiver reads: judged as a response."""
    if old is None and new is None:
        return
    if new is None:
        yield Change(
            Severity.BREAKING,
            at,
            "webhook body removed: receivers read it",
            kind=Kind.REMOVED,
            summary="body removed",
        )
        return
    if old is None:
        yield Change(
            Severity.COMPATIBLE,
            at,
            "webhook body added: receivers of the old contract do not read it",
            kind=Kind.ADDED,
            summary="now sends a body",
        )
        return
    if old.get("required") and not new.get("required"):
        yield Change(
            Severity.BREAKING,
            join(at, "required"),
            "webhook body no longer always sent: receivers of the old contract read one",
            summary="body may now be absent",
        )
    old_content, new_content = old.get("content") or {}, new.get("content") or {}
    for media in sorted(set(old_content) | set(new_content)):
        where = join(at, "content", media)
        if media not in new_content:
            yield Change(
                Severity.BREAKING,
                where,
                f"webhook body no longer sent as {media}, which receivers read",
                kind=Kind.REMOVED,
                summary=f"no longer sends `{media}`",
            )
        elif media not in old_content:
            yield Change(
                Severity.BREAKING,
                where,
                f"webhook body may now be sent as {media}, which receivers of the old "
                "contract do not read",
                kind=Kind.ADDED,
                summary=f"may now send `{media}`",
            )
        else:
            old_schema = (old_content[media] or {}).get("schema")
            new_schema = (new_content[media] or {}).get("schema")
            schema_at = join(where, "schema")
            types = list(_event_types(old_schema, new_schema, schema_at))
            compared = compare_schemas(
                old_schema, new_schema, schema_at, Direction.RESPONSE, breaks=SENT
            )
            judged = {change.pointer for change in types}
            yield from _settled(
                [
                    change
                    for change in compared
                    if change.severity is not Severity.DOCUMENTATION or change.pointer not in judged
                ],
                "delivery",
            )
            yield from types


def _event_types(old: Any, new: Any, at: str) -> Iterator[Change]:
    """Known event types (`x-spike-event-types`, wherever the body's schema lists them): an
    `x-` key, so the schema rules read it as text; receivers switch on it."""
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (before, after) in enumerate(zip(old, new, strict=True)):
            yield from _event_types(before, after, join(at, index))
        return
    if not isinstance(old, dict) or not isinstance(new, dict):
        return
    if EVENT_TYPES_KEY in old or EVENT_TYPES_KEY in new:
        before, after = list(old.get(EVENT_TYPES_KEY) or []), list(new.get(EVENT_TYPES_KEY) or [])
        where = join(at, EVENT_TYPES_KEY)
        gone = [value for value in before if value not in after]
        added = [value for value in after if value not in before]
        if gone:
            shown = ", ".join(f"`{value}`" for value in gone)
            yield Change(
                Severity.BREAKING,
                where,
                f"known event type {shown} removed: receivers switch on it, and their "
                "handling of it goes unused or becomes an unknown type's",
                kind=Kind.REMOVED,
                summary=f"no longer lists {shown} as a known type",
            )
        if added:
            shown = ", ".join(f"`{value}`" for value in added)
            yield Change(
                Severity.COMPATIBLE,
                where,
                f"new known event type {shown}: the set is open, so receivers of the old "
                "contract keep such events as an unknown type",
                kind=Kind.ADDED,
                summary=f"now lists {shown} as a known type",
            )
    for key in sorted(set(old) & set(new)):
        if key != EVENT_TYPES_KEY and key not in ("example", "examples"):
            yield from _event_types(old[key], new[key], join(at, key))


def _responses(old: dict[str, Any], new: dict[str, Any], at: str) -> Iterator[Change]:
    """The receiver's answers, which Spike reads: judged as a request (every answer the old
    contract asked for must still be one Spike takes)."""
    old = {status: value for status, value in old.items() if not is_extension(status)}
    new = {status: value for status, value in new.items() if not is_extension(status)}
    for status in sorted(set(old) | set(new)):
        where = join(at, "responses", status)
        if status in old:
            covering = status if status in new else covering_key(new, status)
            if covering is None:
                yield Change(
                    Severity.BREAKING,
                    where,
                    f"answer {status} no longer documented: receivers give it as the old "
                    "contract says, and Spike no longer takes it",
                    kind=Kind.REMOVED,
                    summary=f"answer {status} no longer taken",
                )
            else:
                yield from _answer(old[status] or {}, new[covering] or {}, where)
        elif covering_key(old, status) is None:
            yield Change(
                Severity.COMPATIBLE,
                where,
                f"new answer {status}: Spike now takes it too",
                kind=Kind.ADDED,
                summary=f"now takes answer {status}",
            )


def _answer(old: dict[str, Any], new: dict[str, Any], at: str) -> Iterator[Change]:
    old_content, new_content = old.get("content") or {}, new.get("content") or {}
    for media in sorted(set(old_content) | set(new_content)):
        where = join(at, "content", media)
        if media not in new_content:
            yield Change(
                Severity.BREAKING,
                where,
                f"answer body as {media} no longer taken; receivers of the old contract give it",
                kind=Kind.REMOVED,
            )
        elif media not in old_content:
            yield Change(
                Severity.COMPATIBLE, where, f"answer body as {media} now taken", kind=Kind.ADDED
            )
        else:
            yield from _settled(
                compare_schemas(
                    (old_content[media] or {}).get("schema"),
                    (new_content[media] or {}).get("schema"),
                    join(where, "schema"),
                    Direction.REQUEST,
                    breaks=ANSWERED,
                ),
                "answer",
            )
    old_headers = {name.lower(): value for name, value in (old.get("headers") or {}).items()}
    new_headers = {name.lower(): value for name, value in (new.get("headers") or {}).items()}
    for name in sorted(set(old_headers) | set(new_headers)):
        where = join(at, "headers", name)
        before, after = old_headers.get(name), new_headers.get(name)
        if after is None:
            yield Change(Severity.COMPATIBLE, where, f"answer header {name} no longer read")
        elif (before is None or not before.get("required")) and after.get("required"):
            yield Change(
                Severity.BREAKING,
                where,
                f"answer header {name} now required: receivers of the old contract may not send it",
            )
        elif before is None:
            yield Change(Severity.COMPATIBLE, where, f"new optional answer header {name}")
        else:
            yield from _settled(
                compare_schemas(
                    Encoding.of({"in": "header", **before}).schema,
                    Encoding.of({"in": "header", **after}).schema,
                    join(where, "schema"),
                    Direction.REQUEST,
                    on_the_wire=True,
                    breaks=ANSWERED,
                ),
                "answer",
            )


def _delivery(old: dict[str, Any], new: dict[str, Any], at: str) -> Iterator[Change]:
    """`x-spike-delivery`: receivers size their time limit, body cap and replay store by it
    (the client's reader takes its defaults from it)."""
    where = join(at, DELIVERY_KEY)
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        shown = f"`{key}` {before!r} -> {after!r}"
        if key == "retry_delays_seconds":
            before_span, after_span = _span(before), _span(after)
            longer = before_span is None or after_span is None or after_span > before_span
            yield _delivery_change(
                longer,
                join(where, key),
                shown,
                "Spike retries longer: a duplicate can come after receivers' replay stores, "
                "sized by the old span, forgot the event",
            )
        elif key in ("answer_within_seconds", "max_body_bytes"):
            was, now = _number(before), _number(after)
            worse = (
                was is None
                or now is None
                or (now < was if key == "answer_within_seconds" else now > was)
            )
            why = (
                "receivers that answer within the old limit may now be retried"
                if key == "answer_within_seconds"
                else "Spike may send bodies over the cap receivers of the old contract enforce"
            )
            yield _delivery_change(worse, join(where, key), shown, why)
        else:
            yield Change(
                Severity.COMPATIBLE,
                join(where, key),
                f"delivery rule {shown}: compat does not judge this rule",
            )


def _number(value: Any) -> float | None:
    """A rule's number; anything else (absent, text) is one compat cannot weigh: breaking."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _span(delays: Any) -> float | None:
    """How long Spike retries, from its delays; None when they are not all numbers."""
    if not isinstance(delays, list):
        return None
    numbers = [_number(delay) for delay in delays]
    return None if None in numbers else sum(n for n in numbers if n is not None)


def _delivery_change(breaking: bool, where: str, shown: str, why: str) -> Change:
    if breaking:
        return Change(Severity.BREAKING, where, f"delivery rule {shown}: {why}")
    return Change(Severity.COMPATIBLE, where, f"delivery rule {shown}")


def _own_fields(old: dict[str, Any], new: dict[str, Any], at: str) -> Iterator[Change]:
    """The operation's other fields: text, or what compat leaves to a reviewer."""
    text: list[str] = []
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        if before == after or key in _JUDGED:
            continue
        where = join(at, key)
        if key == "deprecated" and after and not before:
            yield Change(
                Severity.DOCUMENTATION,
                where,
                "webhook deprecated",
                kind=Kind.DEPRECATED,
                summary="deprecated",
            )
        elif key in _NOT_JUDGED:
            yield Change(
                Severity.COMPATIBLE,
                first_difference(before, after, where),
                f"the webhook's `{key}` changed: compat does not judge it",
                summary=f"`{key}` changed (not judged by compat)",
            )
        else:
            text.append(key)
    if text:
        first = text[0]
        yield Change(
            Severity.DOCUMENTATION,
            first_difference(old.get(first), new.get(first), join(at, first)),
            "webhook text changed",
        )
