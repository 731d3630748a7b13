"""The YAML layer: JSON is YAML 1.2, so any JSON document reads back as the same data, and
YAML 1.1's surprises are plain strings."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spike_kit.spec.yaml12 import read

# YAML 1.2 refuses raw control characters that JSON allows in strings (DEL, C1); a JSON spec
# writes them escaped (`\u007f`), which both read alike.
TEXT = st.characters(exclude_categories=("Cs", "Cc", "Cn"))
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(TEXT, max_size=40)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(TEXT, max_size=12), children, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_any_json_document_reads_back_as_the_same_data(value: Any) -> None:
    for indent in (None, 2):
        document, _, _, faults = read(json.dumps(value, ensure_ascii=False, indent=indent).encode())
        assert faults == []
        assert document == value or (
            isinstance(value, float)
            and isinstance(document, float)
            and math.isclose(document, value)
        )


@pytest.mark.parametrize(
    ("written", "read_as"),
    [
        ("on", "on"),
        ("yes", "yes"),
        ("No", "No"),
        ("2024-01-01", "2024-01-01"),
        ("1_000", "1_000"),
        ("0o17", 15),
        ("0x1F", 31),
        ("017", 17),
        ("1e3", 1000.0),
        (".inf", math.inf),
        ("true", True),
        ("~", None),
        ("12:30", "12:30"),
    ],
)
def test_scalars_follow_yaml_12s_core_schema(written: str, read_as: object) -> None:
    document, _, _, faults = read(f"value: {written}\n{written}: key\n".encode())
    assert faults == []
    assert document["value"] == read_as
    assert document[written] == "key", "a mapping key is the text written"
