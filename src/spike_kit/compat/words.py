"""A finding's place in words: the operation a client calls and what in it changed.

`/paths/~1providers~1{provider_slug}~1integration~1init_url/get/parameters/2/schema/maxLength`
reads as operation "GET /providers/{provider_slug}/integration/init_url" and subject "query
parameter `state`", which is what a changelog and a reviewer want; pointers stay in JSON. A
webhook reads as "WEBHOOK spikeEvents POST": Spike calls it, so it has a name, not a path.
"""

from __future__ import annotations

from typing import Any

from spike_kit.spec_lines import split_pointer


def describe(pointer: str, old_doc: dict[str, Any], new_doc: dict[str, Any]) -> tuple[str, str]:
    """(operation or "", subject or "") for a pointer into either spec."""
    tokens = split_pointer(pointer)
    if len(tokens) < 2 or tokens[0] not in ("paths", "webhooks"):
        return "", ""
    section, path, method, rest = tokens[0], tokens[1], (tokens[2:3] or [""])[0], tokens[3:]
    if section == "webhooks":
        operation = f"WEBHOOK {path} {method.upper()}".rstrip()
    elif method:
        operation = f"{method.upper()} {path}"
    else:
        return "", ""
    if not rest:
        return operation, ""
    head = rest[0]
    if head == "parameters" and len(rest) >= 2 and rest[1].isdigit():
        parameter = _parameter(section, path, method, int(rest[1]), new_doc) or _parameter(
            section, path, method, int(rest[1]), old_doc
        )
        label = (
            f"{parameter.get('in')} parameter `{parameter.get('name')}`"
            if parameter
            else "a parameter"
        )
        return operation, _with_field(label, rest[3:] if rest[2:3] == ["schema"] else [])
    if head == "requestBody":
        tail = rest[4:] if rest[1:2] == ["content"] and rest[3:4] == ["schema"] else []
        return operation, _with_field("request body", tail)
    if head == "responses" and len(rest) >= 2:
        status = rest[1]
        if rest[2:3] == ["headers"] and len(rest) >= 4:
            return operation, f"response {status} header `{rest[3]}`"
        if rest[2:3] == ["content"]:
            tail = rest[5:] if rest[4:5] == ["schema"] else []
            return operation, _with_field(f"response {status}", tail)
        return operation, ""
    if head == "security":
        return operation, "security"
    return operation, ""


def _parameter(
    section: str, path: str, method: str, index: int, doc: dict[str, Any]
) -> dict[str, Any] | None:
    item = (doc.get(section) or {}).get(path) or {}
    operation = item.get(method) or {}
    parameters = [*(item.get("parameters") or []), *(operation.get("parameters") or [])]
    found = parameters[index] if index < len(parameters) else None
    return found if isinstance(found, dict) else None


def _with_field(label: str, schema_tokens: list[str]) -> str:
    names: list[str] = []
    index = 0
    while index < len(schema_tokens):
        keyword = schema_tokens[index]
        if keyword == "properties" and index + 1 < len(schema_tokens):
            names.append(schema_tokens[index + 1])
            index += 2
            continue
        if keyword == "items" and names:
            names[-1] += "[]"
        index += 1
    return f"{label} field `{'.'.join(names)}`" if names else label
