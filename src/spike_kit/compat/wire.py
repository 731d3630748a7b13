"""Parameters as they travel: text in a path, query, header or cookie.

A client sends a parameter's value as text, and the server reads that text with its own
schema. So an old client's `5` (a number) reaches a new server that declares a string as
`"5"`, which is a valid string. The property check and the generated-client check both carry
parameter values across this way instead of comparing Python types.
"""

from __future__ import annotations

import json
import re
from typing import Any

_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")


def to_text(value: Any) -> str | list[str]:
    """What a client puts on the wire for one parameter value (form style, exploded)."""
    if isinstance(value, list):
        return [_scalar_text(item) for item in value]
    return _scalar_text(value)


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True)


def carried(value: Any, schema: Any) -> Any:
    """A parameter value as a server that declares `schema` reads it back from the wire.

    An object parameter (`style: deepObject`, or `form` exploded, the query default) travels
    property by property, each as text (`filters[min]=5`, or `min=5`), so each property is
    read back with its own schema: a property widened from integer to number, or retyped
    from number to string, takes every old value. Values nested deeper than one object have
    no serialisation OpenAPI defines and are passed as they are.
    """
    node = schema if isinstance(schema, dict) else {}
    if isinstance(value, dict) and _is_object(node):
        properties = node.get("properties") or {}
        extra = node.get("additionalProperties")
        fallback = extra if isinstance(extra, dict) else {}
        return {
            key: item
            if isinstance(item, dict | list)
            else from_text(to_text(item), properties.get(key, fallback))
            for key, item in value.items()
        }
    return from_text(to_text(value), schema)


def _is_object(schema: dict[str, Any]) -> bool:
    declared = schema.get("type")
    if declared is None:
        return "properties" in schema or "additionalProperties" in schema
    return declared == "object" or (isinstance(declared, list) and "object" in declared)


def from_text(text: str | list[str], schema: Any) -> Any:
    """How a server that declares `schema` reads the text: the first type that fits."""
    schema = schema if isinstance(schema, dict) else {}
    types = _types(schema)
    if isinstance(text, list):
        if "array" in types:
            return [from_text(item, schema.get("items")) for item in text]
        text = text[-1] if text else ""
    if "array" in types:
        return [from_text(text, schema.get("items"))]
    for kind in types:
        value = _read(kind, text)
        if value is not _NOTHING:
            return value
    return text


_NOTHING = object()


def _types(schema: dict[str, Any]) -> list[str]:
    declared = schema.get("type")
    if declared is None:
        for branch in (*schema.get("anyOf", []), *schema.get("oneOf", [])):
            if isinstance(branch, dict):
                return [*_types(branch), "string"]
        return ["string"]
    order = ["integer", "number", "boolean", "null", "array", "string"]
    listed = [declared] if isinstance(declared, str) else list(declared)
    return sorted(listed, key=lambda kind: order.index(kind) if kind in order else len(order))


def _read(kind: str, text: str) -> Any:
    if kind == "integer" and _INTEGER.fullmatch(text):
        return int(text)
    if kind == "number":
        try:
            number = json.loads(text)
        except ValueError:
            return _NOTHING
        return (
            number if isinstance(number, int | float) and not isinstance(number, bool) else _NOTHING
        )
    if kind == "boolean" and text in ("true", "false"):
        return text == "true"
    if kind == "null" and text == "":
        return None
    if kind == "string":
        return text
    return _NOTHING
