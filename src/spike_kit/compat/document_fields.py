"""Differences outside what a client calls: the document's own fields, extensions, webhooks,
callbacks, and keys OpenAPI does not define.

The rules judge what travels between a client and the API. Everything else a spec may change
is sorted here into what it is, so that its verdict says so instead of a blanket "compatible":

- text for people (`info`, `tags`, `externalDocs`, descriptions, `x-` extensions): text-only;
- a key OpenAPI does not define (`deprecatd`, a stray top-level key): no client reads it, so it
  is text-only too, and the finding says the validators refuse it (compat judges
  compatibility; openapi-spec-validator and Spectral judge validity);
- the document's `openapi` version: both sides are read in one dialect (`normalize`), so the
  number itself changes nothing;
- webhooks: requests Spike sends to the teams' receivers, judged by `webhooks` (what Spike
  sends like a response, what receivers answer like a request);
- callbacks and an operation's own `servers`: part of the contract, but not of what a
  generated client does, and compat does not judge them; they count as a compatible change,
  so the version rule asks for a bump and a reviewer reads what changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from spike_kit.compat.model import Change, Kind, Severity, first_difference, join
from spike_kit.compat.schemas import strip_annotations
from spike_kit.compat.webhooks import webhook_changes

OPENAPI_FIELDS = frozenset(
    {
        "openapi",
        "info",
        "jsonSchemaDialect",
        "servers",
        "paths",
        "webhooks",
        "components",
        "security",
        "tags",
        "externalDocs",
    }
)
OPERATION_FIELDS = frozenset(
    {
        "tags",
        "summary",
        "description",
        "externalDocs",
        "operationId",
        "parameters",
        "requestBody",
        "responses",
        "callbacks",
        "deprecated",
        "security",
        "servers",
    }
)
_TEXT = frozenset({"info", "tags", "externalDocs"})
_VALIDATORS = "openapi-spec-validator and Spectral refuse it"


_RULED = frozenset({"paths", "components", "servers", "security"})
"""Top-level fields the rules walk: what is left of a change there once they found something
is what they found."""


def document_changes(
    old_doc: dict[str, Any], new_doc: dict[str, Any], *, rules_found: bool
) -> Iterator[Change]:
    """The document's differences outside what the rules judge, one finding per top-level
    field; the fields the rules walk too, when they found nothing there. Webhooks are judged
    first, and count as rules' findings: a component only a webhook uses was compared there."""
    hooks = list(webhook_changes(old_doc.get("webhooks") or {}, new_doc.get("webhooks") or {}))
    yield from hooks
    rules_found = rules_found or bool(hooks)
    for key in sorted(set(old_doc) | set(new_doc)):
        before, after = old_doc.get(key), new_doc.get(key)
        if before == after or key == "webhooks" or (rules_found and key in _RULED):
            continue
        at = join("", key)
        where = first_difference(before, after, at)
        if strip_annotations(before) == strip_annotations(after) or key.startswith("x-"):
            yield Change(Severity.DOCUMENTATION, where, "text changed")
        elif key not in OPENAPI_FIELDS:
            yield Change(
                Severity.DOCUMENTATION,
                at,
                f"`{key}` is not an OpenAPI field: no client reads it, so nothing changes on "
                f"the wire ({_VALIDATORS}; only `x-` keys may be added)",
            )
        elif key == "openapi":
            yield Change(
                Severity.DOCUMENTATION,
                at,
                f"OpenAPI {before} -> {after}: both documents are read in one dialect (3.0's "
                "`nullable` and boolean bounds as 3.1 says them), so only what they say is "
                "compared",
            )
        elif key in _TEXT:
            what = (
                "`info.version`, the contract's own label: clients do not send or check it"
                if where == "/info/version"
                else f"`{key}` describes the API; nothing in it is sent on the wire"
            )
            yield Change(Severity.DOCUMENTATION, where, f"{what}")
        elif key == "components":
            yield from _components(before or {}, after or {})
        else:
            yield Change(Severity.COMPATIBLE, where, "spec changed where no client rule looks")


def _components(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Change]:
    """Components the rules found no operation meeting differently: a schema may still be a
    type of generated clients (a compatible change, to be safe); any other component reaches
    clients only through the operations that use it, which were compared expanded."""
    for section in sorted(set(old) | set(new)):
        before, after = old.get(section), new.get(section)
        if before == after:
            continue
        where = first_difference(before, after, join("", "components", section))
        if section == "schemas":
            yield Change(
                Severity.COMPATIBLE,
                where,
                "a schema no operation uses changed: generated clients may still hold a type "
                "for it",
            )
        else:
            yield Change(
                Severity.DOCUMENTATION,
                where,
                f"`components.{section}` changed, and no operation meets it differently: "
                "operations were compared with every $ref expanded",
            )


def operation_changes(old: dict[str, Any], new: dict[str, Any], at: str) -> Iterator[Change]:
    """An operation's own fields (those the rules do not compare), each as what it is."""
    text: list[str] = []
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        where = join(at, key)
        if key == "deprecated" and after and not before:
            yield Change(
                Severity.DOCUMENTATION,
                where,
                "operation deprecated",
                kind=Kind.DEPRECATED,
                summary="deprecated",
            )
        elif key == "callbacks":
            yield Change(
                Severity.COMPATIBLE,
                first_difference(before, after, where),
                "callbacks changed: requests the API makes to a URL the client gives; "
                "generated clients do not receive them, and compat does not judge them",
                summary="callbacks changed (not judged by compat)",
            )
        elif key == "servers":
            yield Change(
                Severity.COMPATIBLE,
                where,
                "the operation's own servers changed: generated clients call the base URL "
                "they are given, and compat does not judge per-operation servers",
                summary="its own servers changed (not judged by compat)",
            )
        elif key not in OPERATION_FIELDS and not key.startswith("x-"):
            yield Change(
                Severity.DOCUMENTATION,
                where,
                f"`{key}` is not an OpenAPI operation field: no client reads it ({_VALIDATORS})",
            )
        else:
            text.append(key)
    if text:
        first = text[0]
        yield Change(
            Severity.DOCUMENTATION,
            first_difference(old.get(first), new.get(first), join(at, first)),
            "operation text changed",
        )


def response_description(old: dict[str, Any], new: dict[str, Any], at: str) -> Iterator[Change]:
    """A response that lost its `description`: OpenAPI requires one, so the spec no longer
    validates; clients never read it, so the wire is unchanged. Said in those words, so that
    "text-only" is not read as "all is well"."""
    if "description" in old and "description" not in new:
        yield Change(
            Severity.DOCUMENTATION,
            at,
            "response `description` removed: nothing changes on the wire, but OpenAPI requires "
            f"a description on every response, so this spec is no longer valid ({_VALIDATORS})",
        )
