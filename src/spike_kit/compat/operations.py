"""The rule list: every difference between two specs that a client of the old one can meet.

Walks servers, operations, security, parameters, request bodies and responses, with every
`$ref` resolved, and hands each pair of schemas to `schemas.compare_schemas` in the right
direction. Pointers name the operation a client calls, so a change to a shared component is
reported at every operation it reaches.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from spike_kit.codegen.contract_table import REDIRECT_BACK_KEY
from spike_kit.codegen.media import client_reads, client_sends, simplified
from spike_kit.compat.document_fields import (
    document_changes,
    operation_changes,
    response_description,
)
from spike_kit.compat.model import Change, Kind, Severity, join
from spike_kit.compat.redirect_back import redirect_back_changes
from spike_kit.compat.schemas import Direction, compare_schemas, strip_annotations
from spike_kit.compat.wire import Encoding
from spike_kit.spec import dereference, is_extension, iter_operations
from spike_kit.statuses import covering_key

Operation = dict[str, Any]


def diff_specs(old_doc: dict[str, Any], new_doc: dict[str, Any]) -> list[Change]:
    """Every difference, judged for a client generated from `old_doc`."""
    if old_doc == new_doc:
        return []
    changes = list(_servers(old_doc, new_doc))
    changes.extend(_models(old_doc, new_doc))
    old_ops = _operations(old_doc)
    new_ops = _operations(new_doc)
    for key in sorted(set(old_ops) | set(new_ops)):
        if key not in new_ops:
            path, method, _ = old_ops[key]
            at = join("", "paths", path, method)
            changes.append(
                Change(
                    Severity.BREAKING,
                    at,
                    f"operation {method.upper()} {path} removed",
                    kind=Kind.REMOVED,
                    summary="removed",
                )
            )
        elif key not in old_ops:
            path, method, _ = new_ops[key]
            at = join("", "paths", path, method)
            changes.append(
                Change(
                    Severity.COMPATIBLE,
                    at,
                    f"new operation {method.upper()} {path}",
                    kind=Kind.ADDED,
                    summary="new operation",
                )
            )
        else:
            changes.extend(_operation(old_doc, new_doc, old_ops[key], new_ops[key]))
    changes.extend(document_changes(old_doc, new_doc, rules_found=bool(changes)))
    return changes


def path_shape(path: str) -> str:
    """A path template with its parameter names blanked: renaming a path parameter is a
    parameter change, not a new operation."""
    return re.sub(r"\{[^/{}]+\}", "{}", path)


def _operations(doc: dict[str, Any]) -> dict[tuple[str, str], tuple[str, str, Operation]]:
    return {
        (method, path_shape(path)): (path, method, operation)
        for path, method, operation in iter_operations(doc)
    }


def _servers(old_doc: dict[str, Any], new_doc: dict[str, Any]) -> Iterator[Change]:
    old_urls = [server.get("url") for server in old_doc.get("servers") or []]
    new_urls = [server.get("url") for server in new_doc.get("servers") or []]
    if old_urls[:1] != new_urls[:1]:
        yield Change(
            Severity.BREAKING,
            "/servers/0/url",
            f"default server {old_urls[:1]} -> {new_urls[:1]}: clients call another base URL",
        )
    elif old_urls != new_urls:
        yield Change(Severity.COMPATIBLE, "/servers", "other servers listed")


def _model_names(doc: dict[str, Any]) -> set[str]:
    """Component schemas that become classes of the generated client (objects)."""
    schemas = (doc.get("components") or {}).get("schemas") or {}
    return {
        name
        for name, schema in schemas.items()
        if isinstance(schema, dict) and (schema.get("type") == "object" or "properties" in schema)
    }


def _models(old_doc: dict[str, Any], new_doc: dict[str, Any]) -> Iterator[Change]:
    old_names, new_names = _model_names(old_doc), _model_names(new_doc)
    for name in sorted(old_names - new_names):
        yield Change(
            Severity.BREAKING,
            join("", "components", "schemas", name),
            f"schema `{name}` removed or renamed: the generated model class goes with it",
            kind=Kind.REMOVED,
            summary=f"model `{name}` removed or renamed (its generated class goes with it)",
        )
    for name in sorted(new_names - old_names):
        yield Change(
            Severity.COMPATIBLE,
            join("", "components", "schemas", name),
            f"new schema `{name}`: a new model class",
            kind=Kind.ADDED,
            summary=f"new model `{name}`",
        )


def _operation(
    old_doc: dict[str, Any],
    new_doc: dict[str, Any],
    old_entry: tuple[str, str, Operation],
    new_entry: tuple[str, str, Operation],
) -> Iterator[Change]:
    _, _, old = old_entry
    path, method, new = new_entry
    at = join("", "paths", path, method)
    if old.get("operationId") != new.get("operationId"):
        yield Change(
            Severity.BREAKING,
            join(at, "operationId"),
            f"operationId {old.get('operationId')!r} -> {new.get('operationId')!r}: "
            "the generated function moves to another module",
        )
    old_tag, new_tag = _module_tag(old), _module_tag(new)
    if old_tag != new_tag:
        yield Change(
            Severity.BREAKING,
            join(at, "tags"),
            f"first tag {old_tag!r} -> {new_tag!r}: the generated function moves to another "
            "package (api/<tag>/)",
            summary=f"moves from `api.{old_tag}` to `api.{new_tag}` in generated clients",
        )
    yield from _security(old_doc, new_doc, old, new, at)
    yield from _parameters(old, new, at)
    yield from _request_body(old.get("requestBody"), new.get("requestBody"), at)
    yield from _responses(old.get("responses") or {}, new.get("responses") or {}, at)
    yield from redirect_back_changes(old, new, at)
    yield from operation_changes(_own_fields(old), _own_fields(new), at)


def _module_tag(operation: Operation) -> str:
    """The package a generated client puts the operation's function in (its first tag)."""
    tags = operation.get("tags") or []
    return re.sub(r"[^0-9a-z]+", "_", str(tags[0]).lower()).strip("_") if tags else "default"


def _own_fields(operation: Operation) -> Operation:
    """An operation's own text, without the parts compared on their own."""
    compared = (
        "parameters",
        "requestBody",
        "responses",
        "security",
        "operationId",
        REDIRECT_BACK_KEY,
    )
    return {key: value for key, value in operation.items() if key not in compared}


def _security(
    old_doc: dict[str, Any],
    new_doc: dict[str, Any],
    old: Operation,
    new: Operation,
    at: str,
) -> Iterator[Change]:
    old_alternatives = _requirements(old_doc, old)
    new_alternatives = _requirements(new_doc, new)
    schemes_old = dereference(
        old_doc, (old_doc.get("components") or {}).get("securitySchemes") or {}
    )
    schemes_new = dereference(
        new_doc, (new_doc.get("components") or {}).get("securitySchemes") or {}
    )
    where = join(at, "security")
    for alternative in old_alternatives:
        if not any(candidate <= alternative for candidate in new_alternatives):
            shown = " + ".join(sorted(alternative)) or "no credentials"
            yield Change(
                Severity.BREAKING,
                where,
                f"security changed: a client sending {shown} is refused",
                summary=f"now refuses clients that send {shown}",
            )
    if old_alternatives != new_alternatives and all(
        any(candidate <= alternative for candidate in new_alternatives)
        for alternative in old_alternatives
    ):
        yield Change(Severity.COMPATIBLE, where, "security relaxed", summary="relaxed")
    used = set().union(*old_alternatives) & set().union(*new_alternatives)
    for name in sorted(used):
        if strip_annotations(schemes_old.get(name)) != strip_annotations(schemes_new.get(name)):
            yield Change(
                Severity.BREAKING,
                join("", "components", "securitySchemes", name),
                f"security scheme `{name}` changed how credentials are sent",
            )


def _requirements(doc: dict[str, Any], operation: Operation) -> set[frozenset[str]]:
    declared = operation.get("security", doc.get("security"))
    if not declared:
        return {frozenset()}
    return {frozenset(requirement) for requirement in declared}


def _parameter_key(parameter: dict[str, Any]) -> tuple[str, str]:
    name = str(parameter.get("name"))
    return str(parameter.get("in")), name.lower() if parameter.get("in") == "header" else name


def _parameters(old: Operation, new: Operation, at: str) -> Iterator[Change]:
    old_params = {_parameter_key(p): (i, p) for i, p in enumerate(old.get("parameters") or [])}
    new_params = {_parameter_key(p): (i, p) for i, p in enumerate(new.get("parameters") or [])}
    for key in sorted(set(old_params) | set(new_params)):
        where, name = key
        label = f"{where} parameter `{name}`"
        if key not in new_params:
            index, _ = old_params[key]
            yield Change(
                Severity.BREAKING,
                join(at, "parameters", index),
                f"{label} removed: clients still send it (and their generated call takes it)",
                kind=Kind.REMOVED,
                summary="removed",
            )
            continue
        index, parameter = new_params[key]
        pointer = join(at, "parameters", index)
        required = bool(parameter.get("required")) or where == "path"
        if key not in old_params:
            if required:
                yield Change(
                    Severity.BREAKING,
                    pointer,
                    f"new required {label}",
                    kind=Kind.ADDED,
                    summary="new and required",
                )
            else:
                yield Change(
                    Severity.COMPATIBLE,
                    pointer,
                    f"new optional {label}",
                    kind=Kind.ADDED,
                    summary="new (optional)",
                )
            continue
        _, before = old_params[key]
        was_required = bool(before.get("required")) or where == "path"
        if required and not was_required:
            yield Change(
                Severity.BREAKING,
                join(pointer, "required"),
                f"{label} made required",
                summary="is now required",
            )
        elif was_required and not required:
            yield Change(
                Severity.COMPATIBLE,
                join(pointer, "required"),
                f"{label} made optional",
                summary="is now optional",
            )
        if parameter.get("deprecated") and not before.get("deprecated"):
            yield Change(
                Severity.DOCUMENTATION,
                join(pointer, "deprecated"),
                f"{label} deprecated",
                kind=Kind.DEPRECATED,
                summary="deprecated",
            )
        yield from _encoding(before, parameter, pointer, label)
        yield from _allow_empty(before, parameter, pointer, label)
        yield from _parameter_schema(before, parameter, pointer, Direction.REQUEST)


def _encoding(
    before: dict[str, Any], after: dict[str, Any], pointer: str, label: str
) -> Iterator[Change]:
    """How the parameter is written: as text laid out by `style`/`explode` (OpenAPI's
    defaults filled in, so writing a default out changes nothing), or as a media type."""
    old, new = Encoding.of(before), Encoding.of(after)
    if (old.media is None) != (new.media is None) or (
        old.media is not None and simplified(old.media) != simplified(str(new.media))
    ):
        shown = [f"`{e.media}` text" if e.media else "a schema's text" for e in (old, new)]
        yield Change(
            Severity.BREAKING,
            join(pointer, "content" if new.media else "schema"),
            f"{label}: sent as {shown[0]} -> {shown[1]}: old clients send it the old way",
            summary=f"is now sent as {shown[1]}",
        )
        return
    if old.media is not None:
        return
    for keyword, was, now in (
        ("style", old.style, new.style),
        ("explode", old.explode, new.explode),
    ):
        where = join(pointer, keyword)
        if was == now:
            if before.get(keyword) != after.get(keyword):
                yield Change(
                    Severity.DOCUMENTATION,
                    where,
                    f"{label}: {keyword} {was!r} written out or left to its default; "
                    "it is sent the same way",
                )
        elif old.layout_matters() or new.layout_matters():
            yield Change(
                Severity.BREAKING,
                where,
                f"{label}: {keyword} {was!r} -> {now!r} changes how it is sent",
            )
        else:
            yield Change(
                Severity.COMPATIBLE,
                where,
                f"{label}: {keyword} {was!r} -> {now!r}; a single value is written the same way",
            )


def _allow_empty(
    before: dict[str, Any], after: dict[str, Any], pointer: str, label: str
) -> Iterator[Change]:
    was, now = bool(before.get("allowEmptyValue")), bool(after.get("allowEmptyValue"))
    if was and not now:
        yield Change(
            Severity.BREAKING,
            join(pointer, "allowEmptyValue"),
            f"{label}: empty values no longer allowed; old clients may send one",
            summary="no longer takes an empty value",
        )
    elif now and not was:
        yield Change(
            Severity.COMPATIBLE,
            join(pointer, "allowEmptyValue"),
            f"{label}: empty values now allowed",
            summary="now takes an empty value",
        )


def _parameter_schema(
    before: dict[str, Any], after: dict[str, Any], pointer: str, direction: Direction
) -> Iterator[Change]:
    """A parameter's (or header's) schema: as text on the wire, or, for one with `content`,
    as the value its media type carries (JSON text holds JSON types: no text leniency)."""
    old, new = Encoding.of(before), Encoding.of(after)
    where = join(pointer, "content", new.media, "schema") if new.media else join(pointer, "schema")
    yield from compare_schemas(
        old.schema,
        new.schema,
        where,
        direction,
        on_the_wire=new.media is None,
    )


def _request_body(old: Any, new: Any, at: str) -> Iterator[Change]:
    pointer = join(at, "requestBody")
    if old is None and new is None:
        return
    if new is None:
        yield Change(
            Severity.BREAKING,
            pointer,
            "request body removed",
            kind=Kind.REMOVED,
            summary="body removed",
        )
        return
    if old is None:
        severity = Severity.BREAKING if new.get("required") else Severity.COMPATIBLE
        what = "required" if new.get("required") else "optional"
        yield Change(
            severity,
            pointer,
            f"new {what} request body",
            kind=Kind.ADDED,
            summary=f"new {what} body",
        )
        return
    if new.get("required") and not old.get("required"):
        yield Change(
            Severity.BREAKING,
            join(pointer, "required"),
            "request body made required",
            summary="body is now required",
        )
    old_content, new_content = old.get("content") or {}, new.get("content") or {}
    at_content = join(pointer, "content")
    sent = set(client_sends(old_content))
    for media in sorted(set(old_content) | set(new_content)):
        where = join(at_content, media)
        if media not in new_content:
            if media in sent:
                yield Change(
                    Severity.BREAKING,
                    where,
                    f"request media type {media} no longer accepted: generated clients send it",
                    kind=Kind.REMOVED,
                    summary=f"no longer takes a `{media}` body",
                )
            else:
                yield Change(
                    Severity.COMPATIBLE,
                    where,
                    f"request media type {media} no longer accepted; generated clients never "
                    "send it",
                    kind=Kind.REMOVED,
                    summary=f"no longer takes a `{media}` body",
                )
        elif media not in old_content:
            yield Change(
                Severity.COMPATIBLE,
                where,
                f"request media type {media} now accepted",
                kind=Kind.ADDED,
                summary=f"now also takes a `{media}` body",
            )
        else:
            yield from _same_media(
                old_content[media],
                new_content[media],
                where,
                Direction.REQUEST,
                used=media in sent,
                unused=f"request media type {media} changed; generated clients never send it",
            )


def _same_media(
    old: dict[str, Any],
    new: dict[str, Any],
    where: str,
    direction: Direction,
    *,
    used: bool,
    unused: str,
) -> Iterator[Change]:
    """A media type on both sides: its schemas compared when generated clients use it."""
    if used:
        yield from compare_schemas(
            old.get("schema"), new.get("schema"), join(where, "schema"), direction
        )
    elif old != new:
        yield Change(Severity.COMPATIBLE, where, unused)


def covering_status(responses: dict[str, Any], status: str) -> str | None:
    """The key of `responses` that documents `status`, by the rule the client applies."""
    return covering_key(responses, status)


def is_success(status: str) -> bool:
    return status[:1] in ("1", "2", "3")


def _responses(old: dict[str, Any], new: dict[str, Any], at: str) -> Iterator[Change]:
    old = {status: response for status, response in old.items() if not is_extension(status)}
    new = {status: response for status, response in new.items() if not is_extension(status)}
    for status in sorted(set(old) | set(new)):
        where = join(at, "responses", status)
        if status not in new:
            covering = covering_status(new, status)
            last_success = is_success(status) and not any(
                is_success(s) for s in set(new) & set(old)
            )
            if covering is not None and not (last_success and covering == "default"):
                yield from _response(old[status], new[covering], where)
            elif last_success:
                yield Change(
                    Severity.BREAKING,
                    where,
                    f"success response {status} removed and no success status that old clients "
                    "know is left: they read whatever the server now answers as undocumented",
                    kind=Kind.REMOVED,
                    summary=f"response {status} removed, with no other success response",
                )
            else:
                yield Change(
                    Severity.COMPATIBLE,
                    where,
                    f"response {status} no longer documented",
                    kind=Kind.REMOVED,
                    summary=f"response {status} no longer documented",
                )
            continue
        covering = covering_status(old, status)
        success = is_success(status)
        if covering is None or (success and covering == "default"):
            yield Change(
                Severity.BREAKING if success else Severity.COMPATIBLE,
                where,
                f"new response {status}"
                + (": old clients treat it as an undocumented status" if success else ""),
                kind=Kind.ADDED,
                summary=f"new response {status}"
                + (" (old clients treat it as undocumented)" if success else ""),
            )
            continue
        yield from _response(old[covering], new[status], where)


def _response(old: dict[str, Any], new: dict[str, Any], at: str) -> Iterator[Change]:
    yield from response_description(old, new, at)
    yield from _response_content(old.get("content") or {}, new.get("content") or {}, at)
    old_headers = {name.lower(): value for name, value in (old.get("headers") or {}).items()}
    new_headers = {name.lower(): value for name, value in (new.get("headers") or {}).items()}
    for name in sorted(set(old_headers) | set(new_headers)):
        where = join(at, "headers", name)
        if name not in new_headers:
            yield Change(
                Severity.BREAKING,
                where,
                f"response header {name} removed",
                kind=Kind.REMOVED,
                summary=f"header `{name}` removed",
            )
        elif name not in old_headers:
            yield Change(
                Severity.COMPATIBLE,
                where,
                f"new response header {name}",
                kind=Kind.ADDED,
                summary=f"new header `{name}`",
            )
        else:
            yield from _parameter_schema(
                {"in": "header", **old_headers[name]},
                {"in": "header", **new_headers[name]},
                where,
                Direction.RESPONSE,
            )


def _response_content(old: dict[str, Any], new: dict[str, Any], at: str) -> Iterator[Change]:
    """Only the media type an old client parses matters to it (see `media`)."""
    at_content = join(at, "content")
    read = client_reads(old)
    for media in sorted(set(old) | set(new)):
        where = join(at_content, media)
        if media == read and media not in new:
            yield Change(
                Severity.BREAKING,
                where,
                f"response media type {media} removed: old clients parse every body of this "
                f"status as {media}",
                kind=Kind.REMOVED,
                summary=f"no longer answers `{media}`, which old clients parse",
            )
        elif media not in new:
            yield Change(
                Severity.COMPATIBLE,
                where,
                f"response media type {media} no longer sent; old clients never parse it",
                kind=Kind.REMOVED,
                summary=f"no longer answers `{media}`",
            )
        elif media not in old:
            if read is None and client_reads(new) == media:
                why = "old clients ignore this status's body"
            else:
                why = f"old clients keep reading {read}" if read else "old clients never parse it"
            yield Change(
                Severity.COMPATIBLE,
                where,
                f"response media type {media} added; {why}",
                kind=Kind.ADDED,
                summary=f"may also answer `{media}`",
            )
        else:
            yield from _same_media(
                old[media],
                new[media],
                where,
                Direction.RESPONSE,
                used=media == read,
                unused=f"response media type {media} changed; old clients never parse it",
            )
