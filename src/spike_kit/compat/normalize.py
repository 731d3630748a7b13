"""One dialect for both sides: OpenAPI 3.0 schemas rewritten as the JSON Schema of 3.1.

The rules, the property check and the validators all speak JSON Schema 2020-12 (OpenAPI 3.1).
An OpenAPI 3.0 document says some of the same things in its own words, which a 2020-12
validator would ignore or misread:

- `nullable: true` adds `null` to the type (and to an `enum`, as generated clients read it);
- `exclusiveMinimum: true` beside `minimum: 5` is 3.1's `exclusiveMinimum: 5` (same for max);

and in both versions `allOf` of plain object schemas (the usual way to extend a model) is
merged into one schema, so that a field added to a base model is compared like any other.
`discriminator` stays: it is compared by the rules as a hint for choosing an alternative.

A schema `$ref` with keywords beside it (`{$ref: Slug, maxLength: 32}`) means, in OpenAPI 3.1,
both: the referenced schema and the siblings apply, as `allOf` would. It is read that way in
either version (3.0 says siblings are ignored, but specs write `nullable: true` or a tighter
bound there meaning it, and a change there must be judged, not missed), and merged where the
keywords combine: bounds to the tighter, types and enums to what both allow.
"""

from __future__ import annotations

import math
from typing import Any

from spike_kit.spec import dereference
from spike_kit.spec.openapi30 import (
    SCHEMA_LISTS,
    SCHEMA_MAPS,
    SCHEMA_VALUES,
    exclusive_bounds,
    is_openapi30,
    nullable_as_type,
)

_DATA = ("example", "examples", "default", "enum", "const")


def normalize(doc: dict[str, Any]) -> dict[str, Any]:
    """The (dereferenced) document with every schema in 2020-12 form."""
    legacy = is_openapi30(doc)
    result: dict[str, Any] = _document(doc, legacy)
    return result


def comparable(raw: dict[str, Any]) -> dict[str, Any]:
    """A document as loaded, as the rules compare it: `$ref`s with siblings read as both,
    every `$ref` expanded, every schema in 2020-12 form."""
    document = _prepared(raw)
    return normalize(dereference(document, document))


def _prepared(node: Any, parent: str = "") -> Any:
    """The document with each schema `$ref` that has keywords beside it as `allOf`, and
    without fields written as null (`parameters:` with nothing after it), which the loader
    reads as absent."""
    if isinstance(node, list):
        return [_prepared(item, parent) for item in node]
    if not isinstance(node, dict):
        return node
    result = {}
    for key, value in node.items():
        if key in ("example", "examples") or key.startswith("x-"):
            result[key] = value
        elif value is None:
            continue
        elif key == "schema":
            result[key] = _schema_siblings(value)
        elif key == "schemas" and parent == "components" and isinstance(value, dict):
            result[key] = {name: _schema_siblings(item) for name, item in value.items()}
        else:
            result[key] = _prepared(value, key)
    return result


def _schema_siblings(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return schema
    node = {key: _walk_schemas(key, value, _schema_siblings) for key, value in schema.items()}
    ref = node.get("$ref")
    if isinstance(ref, str) and len(node) > 1:
        siblings = {key: value for key, value in node.items() if key != "$ref"}
        return {**siblings, "allOf": [{"$ref": ref}, *siblings.pop("allOf", [])]}
    return node


def _walk_schemas(key: str, value: Any, each: Any) -> Any:
    """`value` with `each` applied to every schema it holds under the keyword `key`."""
    if key in _DATA:
        return value
    if key in SCHEMA_MAPS and isinstance(value, dict):
        return {name: each(item) for name, item in value.items()}
    if key in SCHEMA_LISTS and isinstance(value, list):
        return [each(item) for item in value]
    if key in SCHEMA_VALUES:
        return [each(item) for item in value] if isinstance(value, list) else each(value)
    return value


def normalize_schema(schema: Any, *, openapi30: bool) -> Any:
    """One schema in 2020-12 form (a boolean schema or non-schema is returned as it is)."""
    if not isinstance(schema, dict):
        return schema

    def each(item: Any) -> Any:
        return normalize_schema(item, openapi30=openapi30)

    node = {key: _walk_schemas(key, value, each) for key, value in schema.items()}
    if openapi30:
        node = nullable_as_type(_merge_all_of(exclusive_bounds(node)))
    return _merge_all_of(_integer_bounds(node))


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


_LOWER = frozenset({"minLength", "minimum", "exclusiveMinimum", "minItems", "minProperties"})
_UPPER = frozenset({"maxLength", "maximum", "exclusiveMaximum", "maxItems", "maxProperties"})
_CLOSED = ("additionalProperties", "unevaluatedProperties")
_TEXT = ("description", "title")


class _Clash(Exception):
    """Two keywords of an `allOf` that one schema cannot say together."""


def _merge_all_of(node: dict[str, Any]) -> dict[str, Any]:
    """`allOf` of plain schemas as one schema that admits the same values: bounds combine to
    the tighter, types and enums to what both allow, fields and required fields add up. When
    that cannot be said in one schema (two patterns, a branch closed to the others' fields),
    the `allOf` stays, for the property check and the generated client to judge."""
    branches = node.get("allOf")
    if not isinstance(branches, list) or not all(isinstance(b, dict) for b in branches):
        return node
    if _closed_to_others(node, branches):
        return node
    merged: dict[str, Any] = {k: v for k, v in node.items() if k != "allOf"}
    if isinstance(merged.get("properties"), dict):
        merged["properties"] = dict(merged["properties"])
    try:
        for branch in branches:
            for key, value in branch.items():
                if key not in merged:
                    merged[key] = dict(value) if key == "properties" else value
                elif merged[key] != value and key not in _TEXT:
                    merged[key] = _combined(key, merged[key], value)
    except _Clash:
        return node
    return merged


def _closed_to_others(node: dict[str, Any], branches: list[dict[str, Any]]) -> bool:
    """Whether a part's `additionalProperties` (or `unevaluatedProperties`) would refuse a
    field another part names: each sees only the fields of its own schema object, so merging
    would wrongly let that field through."""
    parts = [node, *branches]
    named = {name for part in parts for name in part.get("properties") or {}}
    patterned = any(part.get("patternProperties") for part in parts)
    for part in parts:
        closed = any(part.get(key) not in (None, True, {}) for key in _CLOSED)
        if closed and (patterned or not named <= set(part.get("properties") or {})):
            return True
    return False


def _combined(key: str, mine: Any, theirs: Any) -> Any:
    """One keyword's value that says what both `mine` and `theirs` say."""
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (mine, theirs))
    if key in _LOWER and numbers:
        return max(mine, theirs)
    if key in _UPPER and numbers:
        return min(mine, theirs)
    if key == "required" and isinstance(mine, list) and isinstance(theirs, list):
        return sorted({*mine, *theirs})
    if key == "type":
        return _both_types(mine, theirs)
    if key == "enum" and isinstance(mine, list) and isinstance(theirs, list):
        both = [value for value in mine if value in theirs]
        if not both:
            raise _Clash
        return both
    if key == "properties" and isinstance(mine, dict) and isinstance(theirs, dict):
        properties = dict(mine)
        for name, schema in theirs.items():
            if name in properties and properties[name] != schema:
                if not (isinstance(properties[name], dict) and isinstance(schema, dict)):
                    raise _Clash
                joined = _merge_all_of({"allOf": [properties[name], schema]})
                if "allOf" in joined:
                    raise _Clash
                properties[name] = joined
            else:
                properties[name] = schema
        return properties
    raise _Clash


def _both_types(mine: Any, theirs: Any) -> Any:
    def listed(value: Any) -> set[str]:
        return {value} if isinstance(value, str) else set(value)

    first, second = listed(mine), listed(theirs)
    both = first & second
    if ("integer" in first and "number" in second) or ("number" in first and "integer" in second):
        both.add("integer")
    if not both:
        raise _Clash
    return next(iter(both)) if len(both) == 1 else sorted(both)


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
