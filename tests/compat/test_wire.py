"""Parameters on the wire: written by one definition, read by another, as OpenAPI's styles
lay them out (OpenAPI 3.1 "Style Values" and "Style Examples")."""

from __future__ import annotations

from typing import Any

import pytest

from spike_kit.compat.wire import ABSENT, Encoding, from_text, receive, send

INTEGER = {"type": "integer"}
NUMBER = {"type": "number"}
STRING = {"type": "string"}


def _query(schema: Any, **extra: Any) -> Encoding:
    return Encoding.of({"name": "f", "in": "query", "schema": schema, **extra})


def _object(field: Any) -> dict[str, Any]:
    return {"type": "object", "properties": {"limit": field}}


def test_defaults_follow_the_location() -> None:
    query = _query(STRING)
    assert (query.style, query.explode) == ("form", True)
    path = Encoding.of({"name": "id", "in": "path", "schema": STRING})
    assert (path.style, path.explode) == ("simple", False)
    content = Encoding.of(
        {"name": "f", "in": "query", "content": {"application/json": {"schema": INTEGER}}}
    )
    assert content.media == "application/json"
    assert content.json
    assert content.schema == INTEGER


def test_deep_object_fields_travel_as_text_read_by_the_new_type() -> None:
    """`style: deepObject`: `f[limit]=5`; a server declaring a number reads 5."""
    sent = send({"limit": 5}, _query(_object(INTEGER), style="deepObject"))
    assert sent == [("f[limit]", "5")]
    assert receive(sent, _query(_object(NUMBER), style="deepObject")) == {"limit": 5}
    assert receive(sent, _query(_object(STRING), style="deepObject")) == {"limit": "5"}


def test_an_empty_object_is_no_parameter_at_all() -> None:
    for style in ("deepObject", "form"):
        encoding = _query(_object(INTEGER), style=style)
        assert send({}, encoding) == []
        assert receive([], encoding) is ABSENT


def test_an_exploded_form_object_writes_each_field_as_its_own_key() -> None:
    """`style: form, explode: true`: `limit=5`, without the parameter's name."""
    encoding = _query(_object(INTEGER))
    assert send({"limit": 5}, encoding) == [("limit", "5")]
    closed = {**_object(NUMBER), "additionalProperties": False}
    assert receive([("limit", "5"), ("other", "x")], _query(closed)) == {"limit": 5}
    assert receive([("limit", "5"), ("x", "y")], _query(_object(NUMBER))) == {"limit": 5, "x": "y"}
    assert _query(closed).claims("limit")
    assert not _query(closed).claims("f")


@pytest.mark.parametrize(
    ("extra", "wire"),
    [
        ({}, [("f", "a,b"), ("f", "c")]),
        ({"explode": False}, [("f", "a%2Cb,c")]),
        ({"style": "pipeDelimited", "explode": False}, [("f", "a%2Cb|c")]),
        ({"style": "spaceDelimited", "explode": False}, [("f", "a%2Cb c")]),
    ],
)
def test_arrays_round_trip_with_separators_escaped(
    extra: dict[str, Any], wire: list[tuple[str, str]]
) -> None:
    """A value's own comma is percent-encoded where a comma separates values (RFC 6570)."""
    encoding = _query({"type": "array", "items": STRING}, **extra)
    assert send(["a,b", "c"], encoding) == wire
    assert receive(wire, encoding) == ["a,b", "c"]


@pytest.mark.parametrize(
    ("style", "explode", "text"),
    [
        ("simple", False, "limit,5"),
        ("simple", True, "limit=5"),
        ("label", False, ".limit,5"),
        ("label", True, ".limit=5"),
        ("matrix", False, ";id=limit,5"),
        ("matrix", True, ";limit=5"),
    ],
)
def test_path_objects_in_every_style(style: str, explode: bool, text: str) -> None:
    """The table of OpenAPI's "Style Examples", for an object in a path."""
    encoding = Encoding.of(
        {"name": "id", "in": "path", "style": style, "explode": explode, "schema": _object(INTEGER)}
    )
    assert send({"limit": 5}, encoding) == [("id", text)]
    assert receive([("id", text)], encoding) == {"limit": 5}


def test_a_style_change_reads_something_else() -> None:
    """An old client's `simple` array read by a new `label` parameter is not the same list."""
    old = Encoding.of({"name": "id", "in": "path", "schema": {"type": "array", "items": STRING}})
    new = Encoding.of(
        {"name": "id", "in": "path", "style": "label", "schema": {"type": "array", "items": STRING}}
    )
    assert receive(send(["a", "b"], old), new) != ["a", "b"]


def test_a_json_parameter_keeps_json_types() -> None:
    encoding = Encoding.of(
        {"name": "f", "in": "query", "content": {"application/json": {"schema": _object(INTEGER)}}}
    )
    assert send({"limit": 5}, encoding) == [("f", '{"limit": 5}')]
    assert receive([("f", '{"limit": 5}')], encoding) == {"limit": 5}


def test_scalars_read_by_the_first_type_that_fits() -> None:
    assert from_text("5", {"type": ["integer", "string"]}) == 5
    assert from_text("5.5", INTEGER) == "5.5"  # not an integer: left as text, refused later
    assert from_text("1e3", NUMBER) == 1000.0
    assert from_text("true", {"type": "boolean"}) is True
    assert from_text("", {"type": ["string", "null"]}) is None
    assert from_text(["1", "2"], {"type": "array", "items": INTEGER}) == [1, 2]


def test_layout_matters_only_for_arrays_objects_and_prefixed_styles() -> None:
    assert not _query(STRING).layout_matters()
    assert _query({"type": "array"}).layout_matters()
    assert _query(_object(STRING)).layout_matters()
    assert Encoding.of(
        {"name": "id", "in": "path", "style": "label", "schema": STRING}
    ).layout_matters()
