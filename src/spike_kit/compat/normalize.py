"""One dialect for both sides: OpenAPI 3.0 schemas rewritten as the JSON Schema of 3.1.

The rules, the property check and the validators all speak JSON Schema 2020-12 (OpenAPI 3.1).
An OpenAPI 3.0 document says some of the same things in its own words, which a 2020-12
validator would ignore or misread:

- `nullable: true` adds `null` to the type (and to an `enum`, as generated clients read it);
- `exclusiveMinimum: true` beside `minimum: 5` is 3.1's `exclusiveMinimum: 5` (same for max)

(the rule's one home is `spike_kit.spec.openapi30`, which the mock's validators use too), and
in both versions `allOf` of plain object schemas (the usual way to extend a model) is
merged into one schema, so that a field added to a base model is compared like any other.
`discriminator` stays: it is compared by the rules as a hint for choosing an alternative.
"""

from __future__ import annotations

import math
from typing import Any

from spike_kit.spec.openapi30 import SCHEMA_LISTS as _SCHEMA_LISTS
from spike_kit.spec.openapi30 import SCHEMA_MAPS as _SCHEMA_MAPS
from spike_kit.spec.openapi30 import SCHEMA_VALUES as _SCHEMA_VALUES
from spike_kit.spec.openapi30 import from_openapi30 as _from_openapi30
from spike_kit.spec.openapi30 import is_openapi30

__all__ = ["is_openapi30", "normalize", "normalize_schema"]

_DATA = ("example", "examples", "default", "enum", "const")


def normalize(doc: dict[str, Any]) -> dict[str, Any]:
    """The (dereferenced) document with every schema in 2020-12 form."""
    legacy = is_openapi30(doc)
    result: dict[str, Any] = _document(doc, legacy)
    return result


def normalize_schema(schema: Any, *, openapi30: bool) -> Any:
    """One schema in 2020-12 form (a boolean schema or non-schema is returned as it is)."""
    if not isinstance(schema, dict):
        return schema
    node = {key: _child(key, value, openapi30) for key, value in schema.items()}
    if openapi30:
        node = _from_openapi30(node)
    return _merge_all_of(_integer_bounds(node))


def _child(key: str, value: Any, openapi30: bool) -> Any:
    if key in _DATA:
        return value
    if key in _SCHEMA_MAPS and isinstance(value, dict):
        return {name: normalize_schema(item, openapi30=openapi30) for name, item in value.items()}
    if key in _SCHEMA_LISTS and isinstance(value, list):
        return [normalize_schema(item, openapi30=openapi30) for item in value]
    if key in _SCHEMA_VALUES:
        if isinstance(value, list):
            return [normalize_schema(item, openapi30=openapi30) for item in value]
        return normalize_schema(value, openapi30=openapi30)
    return value


def _integer_bounds(node: dict[str, Any]) -> dict[str, Any]:
    """An integer's exclusive bound as the inclusive one it means: `> 0` is `>= 1`."""
    if node.get("type") != "integer":
        return node
    low, high = node.get("exclusiveMinimum"), node.get("exclusiveMaximum")
    if isinstance(low, int | float) and not isinstance(low, bool):
        floor = math.floor(low) + 1
        node = {k: v for k, v in node.items() if k != "exclusiveMinimum"}
        node["minimum"] = max(floor, node.get("minimum", floor))
    if isinstance(high, int | float) and not isinstance(high, bool):
        ceiling = math.ceil(high) - 1
        node = {k: v for k, v in node.items() if k != "exclusiveMaximum"}
        node["maximum"] = min(ceiling, node.get("maximum", ceiling))
    return node


_MERGEABLE = frozenset({"type", "properties", "required", "description", "title"})


def _merge_all_of(node: dict[str, Any]) -> dict[str, Any]:
    """`allOf` of object schemas as one object schema, when nothing in them conflicts."""
    branches = node.get("allOf")
    if not isinstance(branches, list) or not all(isinstance(b, dict) for b in branches):
        return node
    merged: dict[str, Any] = {k: v for k, v in node.items() if k != "allOf"}
    if isinstance(merged.get("properties"), dict):
        merged["properties"] = dict(merged["properties"])
    for branch in branches:
        for key, value in branch.items():
            if key == "properties":
                properties = merged.setdefault("properties", {})
                for name, schema in value.items():
                    if name in properties and properties[name] != schema:
                        return node
                    properties[name] = schema
            elif key == "required":
                merged["required"] = sorted({*merged.get("required", []), *value})
            elif key in merged and merged[key] != value and key not in ("description", "title"):
                return node
            elif key not in _MERGEABLE and key not in merged:
                merged[key] = value
            else:
                merged.setdefault(key, value)
    return merged


def _document(node: Any, openapi30: bool, parent: str = "") -> Any:
    if isinstance(node, list):
        return [_document(item, openapi30, parent) for item in node]
    if not isinstance(node, dict):
        return node
    result = {}
    for key, value in node.items():
        if key in ("example", "examples") or key.startswith("x-"):
            result[key] = value
        elif key == "schema":
            result[key] = normalize_schema(value, openapi30=openapi30)
        elif key == "schemas" and parent == "components" and isinstance(value, dict):
            result[key] = {
                name: normalize_schema(item, openapi30=openapi30) for name, item in value.items()
            }
        else:
            result[key] = _document(value, openapi30, key)
    return result
