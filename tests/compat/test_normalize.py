"""OpenAPI 3.0 schemas read in 3.1 (JSON Schema 2020-12) terms, and plain allOf merged."""

from __future__ import annotations

from typing import Any

from spike_kit.compat.normalize import normalize, normalize_schema


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
