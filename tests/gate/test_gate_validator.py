"""The gate's openapi-spec-validator runner (`spike_kit.gate.validator`): each error one short
line at its place in the spec, whatever the spec holds, and nothing fetched from anywhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spike_kit.gate import validator
from tests.local_http import serve
from tests.spec_corpus.cases import BY_NAME, SLACK, spec_text

HUGE = "x" * 2_000_000


def test_an_error_quotes_the_value_not_the_document() -> None:
    """Spec rule: a parameter object has `in` and `name` (OpenAPI 3.1). The parameter here
    also carries a 2 MB description, which the validator's own message would paste whole."""
    text = spec_text()
    old = "        - name: state\n          in: query\n"
    assert old in text
    broken = text.replace(old, f"        - name: state\n          description: {HUGE}\n", 1)
    faults = validator.validate(broken.encode())
    assert faults
    assert all(len(fault.message) <= validator.MAX_MESSAGE for fault in faults)
    assert sum(len(json.dumps(fault.as_json())) for fault in faults) < 20_000
    line = broken[: broken.index("- name: state")].count("\n") + 1
    assert any(abs((fault.line or 0) - line) <= SLACK for fault in faults), faults


def test_the_missing_description_is_placed_at_its_response() -> None:
    """Spec rule: every Response Object has a `description` (OpenAPI 3.1)."""
    case = BY_NAME["missing-response-description"]
    faults = validator.validate(case.data())
    assert faults is not None
    (fault,) = faults
    assert fault.message == '"description" is a required property'
    assert fault.pointer == "/paths/~1auth~1hmac/post/responses/200"
    assert fault.line == case.line()


def test_a_file_that_is_not_yaml_is_not_validated() -> None:
    assert validator.validate(BY_NAME["yaml-unclosed-bracket"].data()) is None


@pytest.mark.parametrize("scheme", ["http", "file"])
def test_a_reference_outside_the_file_is_never_fetched(tmp_path: Path, scheme: str) -> None:
    """openapi-spec-validator's own handlers open any URL or file a `$ref` names; a pull
    request's spec must not make the gate fetch anything."""
    target = tmp_path / "tokens.json"
    target.write_text(json.dumps({"TokenResponse": {"type": "object"}}))
    with serve(target.read_bytes()) as server:
        where = f"{server.url}/tokens.json" if scheme == "http" else target.as_uri()
        text = spec_text().replace(
            "$ref: '#/components/schemas/HmacTokenResponse'",
            f"$ref: '{where}#/TokenResponse'",
            1,
        )
        faults = validator.validate(text.encode())
    assert server.paths == []
    assert faults is not None
    assert any("could not finish" in fault.message and where in fault.message for fault in faults)
