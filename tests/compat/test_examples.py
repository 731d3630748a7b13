"""The property check finds breaks by example, and stays quiet on compatible changes."""

from __future__ import annotations

import copy
from typing import Any

import jsonschema

from spike_kit.compat.examples import check_examples
from spike_kit.spec import dereference

Spec = dict[str, Any]
INIT = "/paths/~1providers~1{provider_slug}~1integration~1init_url/get"


def _pair(spec: Spec, mutate: Any) -> tuple[Spec, Spec]:
    old = dereference(spec, spec)
    raw = copy.deepcopy(spec)
    mutate(raw)
    return old, dereference(raw, raw)


def test_response_field_made_optional_is_shown_by_a_response_without_it(spec_copy: Spec) -> None:
    """Spec rule: IntegrationInitUrl requires provider_slug; a new spec that drops the
    requirement allows responses an old client refuses."""
    old, new = _pair(
        spec_copy,
        lambda s: s["components"]["schemas"]["IntegrationInitUrl"].update(required=["path"]),
    )
    (finding,) = [
        f for f in check_examples(old, new, max_examples=50) if "responses/200" in f.pointer
    ]
    assert finding.breaking
    assert isinstance(finding.example, dict)
    assert "provider_slug" not in finding.example
    old_schema = old["components"]["schemas"]["IntegrationInitUrl"]
    assert not jsonschema.Draft202012Validator(old_schema).is_valid(finding.example)


def test_request_type_change_is_shown_by_an_old_request(spec_copy: Spec) -> None:
    """Spec rule: HmacTokenRequest.application_id is an integer; making it a string refuses
    every request an old client sends."""
    old, new = _pair(
        spec_copy,
        lambda s: s["components"]["schemas"]["HmacTokenRequest"]["properties"][
            "application_id"
        ].update(type="string"),
    )
    findings = [f for f in check_examples(old, new, max_examples=50) if "requestBody" in f.pointer]
    assert len(findings) == 1
    example = findings[0].example
    assert isinstance(example, dict)
    assert isinstance(example["application_id"], int)


def test_removed_query_parameter_is_shown_by_a_call_that_uses_it(spec_copy: Spec) -> None:
    def drop_state(s: Spec) -> None:
        op = s["paths"]["/providers/{provider_slug}/integration/init_url"]["get"]
        op["parameters"] = [p for p in op["parameters"] if p.get("name") != "state"]

    old, new = _pair(spec_copy, drop_state)
    findings = [
        f for f in check_examples(old, new, max_examples=50) if f.pointer == f"{INIT}/parameters"
    ]
    assert len(findings) == 1
    example = findings[0].example
    assert isinstance(example, dict)
    assert "query.state" in example


def test_compatible_changes_give_no_example(spec_copy: Spec) -> None:
    """Wider request limits and a new optional response field break nothing by example."""

    def widen(s: Spec) -> None:
        op = s["paths"]["/providers/{provider_slug}/integration/init_url"]["get"]
        for parameter in op["parameters"]:
            if parameter.get("name") == "state":
                parameter["schema"]["maxLength"] = 8192
        s["components"]["schemas"]["IntegrationInitUrl"]["properties"]["note"] = {"type": "string"}

    old, new = _pair(spec_copy, widen)
    assert check_examples(old, new, max_examples=50) == []


def test_integer_format_narrowed_is_shown_by_an_example(spec_copy: Spec) -> None:
    """OpenAPI's `int64` -> `int32` on a request field refuses old requests past 2**31."""
    old, new = _pair(
        spec_copy,
        lambda s: s["components"]["schemas"]["HmacTokenRequest"]["properties"][
            "application_id"
        ].update(format="int32"),
    )
    findings = [f for f in check_examples(old, new, max_examples=100) if "requestBody" in f.pointer]
    assert len(findings) == 1
    example = findings[0].example
    assert isinstance(example, dict)
    assert example["application_id"] >= 2**31


def _filters(schema: Spec, style: str = "deepObject") -> Spec:
    return {"name": "filters", "in": "query", "style": style, "explode": True, "schema": schema}


def _with_filters(spec: Spec, schema: Spec, style: str = "deepObject") -> Spec:
    raw = copy.deepcopy(spec)
    operation = raw["paths"]["/providers/{provider_slug}/integration/init_url"]["get"]
    operation["parameters"].append(_filters(schema, style))
    expanded: Spec = dereference(raw, raw)
    return expanded


LIMIT = {"type": "object", "properties": {"limit": {"type": "integer"}}}


def test_object_parameter_fields_carry_over_as_text(spec_copy: Spec) -> None:
    """OpenAPI deepObject and exploded form: each field travels as text and is read by the new
    field's type, so integer to number finds nothing; `{}` writes no key at all, so a server
    reads no parameter (the check used to send it as the text "{}" and call it refused)."""
    number = {"type": "object", "properties": {"limit": {"type": "number"}}}
    for style in ("deepObject", "form"):
        old = _with_filters(spec_copy, LIMIT, style)
        assert check_examples(old, _with_filters(spec_copy, number, style), max_examples=50) == []


def test_deep_object_fields_are_read_as_the_new_server_declares_them(spec_copy: Spec) -> None:
    """`filters[limit]=-1` is text: a digits-only string pattern refuses it."""
    old = _with_filters(spec_copy, LIMIT)
    digits = {"type": "object", "properties": {"limit": {"type": "string", "pattern": "^[0-9]+$"}}}
    (finding,) = check_examples(old, _with_filters(spec_copy, digits), max_examples=50)
    assert finding.pointer.endswith("/get/parameters")
    assert isinstance(finding.example, dict)
    assert finding.example["query.filters"]["limit"] < 0


def test_a_pattern_python_cannot_read_is_checked_as_ecma_262(spec_copy: Spec) -> None:
    """`\\p{L}` compiles in jsonschema-rs (the kit's validators) but not in Python's `re`:
    the check validates patterns the way the mock and the client do, and does not crash."""

    def user_pattern(pattern: str) -> Spec:
        raw = copy.deepcopy(spec_copy)
        field = raw["components"]["schemas"]["HmacTokenRequest"]["properties"]
        field["application_user_id"]["pattern"] = pattern
        expanded: Spec = dereference(raw, raw)
        return expanded

    old, new = user_pattern(r"^[\p{L}0-9]+$"), user_pattern(r"^[\p{Ll}0-9]+$")
    (finding,) = check_examples(old, new, max_examples=50)
    user_id = finding.example["application_user_id"]  # type: ignore[index]
    assert any(char.isupper() for char in user_id)
    assert check_examples(old, old, max_examples=10) == []
