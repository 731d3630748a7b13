"""Hypothesis strategies for the values a JSON Schema of the spec admits.

One place for the one private API the kit leans on: schemathesis' JSON Schema strategy builder
(pinned with schemathesis). The standalone hypothesis-jsonschema 0.23.1 fails on every object
schema with the hypothesis that schemathesis needs ("'many' object has no attribute 'more'").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jsonschema_rs
from hypothesis import strategies as st
from schemathesis.core.errors import InvalidSchema, UnsupportedSchema
from schemathesis.generation.jsonschema.builder import build
from schemathesis.specs.openapi.formats import get_default_format_strategies

from spike_kit.spec import with_integer_format_bounds


class StrategyBuildError(Exception):
    """Raised when no hypothesis strategy can be built for a schema (it admits no values
    schemathesis can draw)."""


def from_schema(
    schema: Any, formats: Mapping[str, st.SearchStrategy[str]] | None = None
) -> st.SearchStrategy[Any]:
    """Values valid under `schema` (JSON Schema 2020-12, `$ref`s already resolved).

    `formats` gives strategies for string formats; a format without one is not enforced.
    Integer formats (`int32`, `int64`) are kept as bounds.
    """
    try:
        return build(
            with_integer_format_bounds(schema),
            draft=jsonschema_rs.Draft202012,
            formats=dict(formats or {}),
        )
    except (InvalidSchema, UnsupportedSchema) as exc:
        raise StrategyBuildError(f"cannot generate values for this schema: {exc}") from None


def standard_formats() -> dict[str, st.SearchStrategy[str]]:
    """Strategies for the string formats JSON Schema names (`email`, `uri`, `date-time`...),
    schemathesis' own: values a validator that checks the format accepts."""
    return {
        name: strategy
        for name, strategy in get_default_format_strategies().items()
        if not name.startswith("_") and name != "binary"
    }
