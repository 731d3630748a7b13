"""OpenAPI 3.0 schemas read in 3.1 (JSON Schema 2020-12) terms, and plain allOf merged."""

from __future__ import annotations

from typing import Any

from spike_kit.compat.normalize import comparable, normalize, normalize_schema


def _30(schema: dict[str, Any]) -> Any:
    return normalize_schema(schema, openapi30=True)


def test_nullable_adds_null_to_type_and_enum() -> None:
    assert _30({"type": "string", "nullable": True}) == {"type": ["string", "null"]}
    assert _30({"type": "string", "enum": ["a"], "nullable": True}) == {
        "type": ["string", "null"],
        "enum": ["a", None],
    }
    assert _30({"type": "string", "nullable": False}) == {"type": "string"}
    assert _30({"properties": {"a": {"type": "integer", "nullable": True}}}) == {
        "properties": {"a": {"type": ["integer", "null"]}}
    }


def test_nullable_without_a_type_allows_null_beside_the_schema() -> None:
    assert _30({"oneOf": [{"type": "string"}], "nullable": True}) == {
        "anyOf": [{"oneOf": [{"type": "string"}]}, {"type": "null"}]
    }


def test_boolean_exclusive_bounds() -> None:
    assert _30({"type": "number", "minimum": 0, "exclusiveMinimum": True}) == {
        "type": "number",
        "exclusiveMinimum": 0,
    }
    assert _30({"type": "number", "maximum": 5, "exclusiveMaximum": False}) == {
        "type": "number",
        "maximum": 5,
    }
    assert _30({"type": "integer", "minimum": 0, "exclusiveMinimum": True}) == {
        "type": "integer",
        "minimum": 1,
    }


def test_nullable_is_only_read_in_30_documents() -> None:
    assert normalize_schema({"type": "string", "nullable": True}, openapi30=False) == {
        "type": "string",
        "nullable": True,
    }


def test_plain_all_of_is_merged_and_a_conflict_is_not() -> None:
    merged = _30(
        {
            "allOf": [
                {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}},
                {"type": "object", "required": ["b"], "properties": {"b": {"type": "integer"}}},
            ]
        }
    )
    assert merged == {
        "type": "object",
        "required": ["a", "b"],
        "properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
    }
    clash = {"allOf": [{"type": "string"}, {"type": "integer"}]}
    assert _30(clash) == clash


def test_documents_keep_examples_and_extensions_as_data() -> None:
    doc = {
        "openapi": "3.0.3",
        "components": {"schemas": {"A": {"type": "string", "nullable": True, "example": None}}},
        "paths": {
            "/a": {
                "get": {
                    "parameters": [
                        {
                            "name": "q",
                            "in": "query",
                            "schema": {"type": "integer", "nullable": True},
                        }
                    ],
                    "x-data": {"nullable": True},
                }
            }
        },
    }
    result = normalize(doc)
    assert result["components"]["schemas"]["A"] == {"type": ["string", "null"], "example": None}
    get = result["paths"]["/a"]["get"]
    assert get["parameters"][0]["schema"] == {"type": ["integer", "null"]}
    assert get["x-data"] == {"nullable": True}


def _31(schema: dict[str, Any]) -> Any:
    return normalize_schema(schema, openapi30=False)


def test_all_of_bounds_types_and_enums_combine_to_what_both_allow() -> None:
    merged = _31(
        {
            "allOf": [
                {"type": "string", "minLength": 1, "maxLength": 64, "enum": ["a", "b", "c"]},
                {"type": ["string", "null"], "maxLength": 32, "enum": ["b", "c", "d"]},
            ]
        }
    )
    assert merged == {"type": "string", "minLength": 1, "maxLength": 32, "enum": ["b", "c"]}
    assert _31({"allOf": [{"type": "number"}, {"type": "integer"}]}) == {"type": "integer"}


def test_an_all_of_that_one_schema_cannot_say_stays() -> None:
    two_patterns = {"allOf": [{"pattern": "^a"}, {"pattern": "b$"}]}
    assert _31(two_patterns) == two_patterns
    closed = {
        "allOf": [
            {"properties": {"a": {"type": "string"}}, "additionalProperties": False},
            {"properties": {"b": {"type": "string"}}},
        ]
    }
    assert _31(closed) == closed  # the first branch refuses `b`; merged, it would not


def test_ref_siblings_apply_beside_the_target_in_either_version() -> None:
    """OpenAPI 3.1: keywords beside a schema `$ref` apply together with it (as `allOf`)."""
    for version in ("3.1.0", "3.0.3"):
        doc = {
            "openapi": version,
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {
                "schemas": {
                    "Slug": {"type": "string", "maxLength": 64},
                    "Short": {"$ref": "#/components/schemas/Slug", "maxLength": 32},
                    "Loose": {"$ref": "#/components/schemas/Slug", "maxLength": 128},
                    "Noted": {"$ref": "#/components/schemas/Slug", "description": "A slug."},
                }
            },
        }
        schemas = comparable(doc)["components"]["schemas"]
        assert schemas["Short"] == {"type": "string", "maxLength": 32}
        assert schemas["Loose"] == {"type": "string", "maxLength": 64}
        assert schemas["Noted"] == {"type": "string", "maxLength": 64, "description": "A slug."}


def test_openapi_30_nullable_beside_a_ref_adds_null() -> None:
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {
                "Pet": {"type": "object", "properties": {"name": {"type": "string"}}},
                "MaybePet": {"$ref": "#/components/schemas/Pet", "nullable": True},
            }
        },
    }
    maybe = comparable(doc)["components"]["schemas"]["MaybePet"]
    assert maybe == {"type": ["object", "null"], "properties": {"name": {"type": "string"}}}
