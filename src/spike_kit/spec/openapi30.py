"""OpenAPI 3.0's schema words in the JSON Schema 2020-12 that 3.1 (and every validator of the
kit) speaks: one home for the rule, used by the mock's validators and by compat.

- `nullable: true` adds `null` to the type (and to an `enum`, as generated clients read it);
- `exclusiveMinimum: true` beside `minimum: 5` is 3.1's `exclusiveMinimum: 5` (same for max).

A 2020-12 validator given a 3.0 schema as written would ignore `nullable` (refusing `null` the
spec allows) and misread the boolean bounds.
"""

from __future__ import annotations

from typing import Any

SCHEMA_MAPS = ("properties", "patternProperties", "dependentSchemas", "$defs", "definitions")
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
SCHEMA_VALUES = (
    "items",
    "additionalProperties",
    "not",
    "contains",
    "if",
    "then",
    "else",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
)


def is_openapi30(document: dict[str, Any]) -> bool:
    return str(document.get("openapi", "")).startswith("3.0")


def from_openapi30(node: dict[str, Any]) -> dict[str, Any]:
    """One schema object's own 3.0 words in 2020-12 form (its subschemas are not visited)."""
    return nullable_as_type(exclusive_bounds(dict(node)))


def exclusive_bounds(node: dict[str, Any]) -> dict[str, Any]:
    """3.0's boolean `exclusiveMinimum`/`exclusiveMaximum` as 3.1's numbers (in place)."""
    for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        flag = node.get(bound)
        if isinstance(flag, bool):
            del node[bound]
            if flag and limit in node:
                node[bound] = node.pop(limit)
    return node


def nullable_as_type(node: dict[str, Any]) -> dict[str, Any]:
    """3.0's `nullable: true` as `null` among the types (in place), or an `anyOf` with null
    when the schema names no type."""
    nullable = node.pop("nullable", False)
    if nullable is not True:
        return node
    if "type" in node:
        types = node["type"] if isinstance(node["type"], list) else [node["type"]]
        node["type"] = [*types, "null"] if "null" not in types else types
        if isinstance(node.get("enum"), list) and None not in node["enum"]:
            node["enum"] = [*node["enum"], None]
        return node
    return {"anyOf": [node, {"type": "null"}]}


def schema_as_31(schema: Any) -> Any:
    """A whole 3.0 schema, every subschema included, in 2020-12 form."""
    if not isinstance(schema, dict):
        return schema
    node: dict[str, Any] = {}
    for key, value in schema.items():
        if key in SCHEMA_MAPS and isinstance(value, dict):
            node[key] = {name: schema_as_31(item) for name, item in value.items()}
        elif key in SCHEMA_LISTS and isinstance(value, list):
            node[key] = [schema_as_31(item) for item in value]
        elif key in SCHEMA_VALUES:
            node[key] = (
                [schema_as_31(item) for item in value]
                if isinstance(value, list)
                else schema_as_31(value)
            )
        else:
            node[key] = value
    return from_openapi30(node)
