"""The loader every tool reads the spec through: each corpus case's fault, in words, at its
line; every valid case loads."""

from __future__ import annotations

import pytest

from spike_kit.spec import SpecLoadError, load_bytes
from tests.spec_corpus.cases import BROKEN, SLACK, UNUSUAL, SpecCase


@pytest.mark.parametrize("case", BROKEN, ids=lambda case: case.name)
def test_a_broken_spec_names_its_fault_at_its_line(case: SpecCase) -> None:
    with pytest.raises(SpecLoadError) as raised:
        load_bytes(case.data(), "openapi/spike.yaml")
    faults = raised.value.faults
    assert any(case.fault in fault.message for fault in faults), [f.message for f in faults]
    fault = next(fault for fault in faults if case.fault in fault.message)
    if case.kind is not None:
        assert fault.kind == case.kind
    expected = case.line()
    if expected is not None:
        assert fault.line is not None
        assert abs(fault.line - expected) <= SLACK, (fault.line, expected)
    said = str(raised.value)
    assert said.startswith("openapi/spike.yaml does not load")
    assert len(said) < 2_000, "a message quotes the fault, not the document"


@pytest.mark.parametrize("case", UNUSUAL, ids=lambda case: case.name)
def test_a_valid_unusual_spec_loads(case: SpecCase) -> None:
    loaded = load_bytes(case.data(), "openapi/spike.yaml")
    assert loaded.document["openapi"].startswith("3.")


def test_status_codes_written_as_integers_are_strings() -> None:
    """JSON keys are strings: `200:` is the status "200", as if it were quoted."""
    from tests.spec_corpus.cases import BY_NAME

    document = load_bytes(BY_NAME["unquoted-status-codes"].data(), "spec").document
    responses = document["paths"]["/auth/hmac"]["post"]["responses"]
    assert "200" in responses
    assert all(isinstance(key, str) for key in responses)


def test_yaml_11_words_are_plain_strings() -> None:
    from tests.spec_corpus.cases import BY_NAME

    document = load_bytes(BY_NAME["yaml-11-words-as-keys"].data(), "spec").document
    assert set(document["components"]["schemas"]["Switch"]["properties"]) == {"on", "yes"}
    dated = load_bytes(BY_NAME["date-version"].data(), "spec").document
    assert dated["info"]["version"] == "2024-01-01"


def test_a_message_never_pastes_a_long_value() -> None:
    long_type = "x" * 100_000
    text = (
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n"
        f"    A:\n      type: {long_type}\n"
    )
    with pytest.raises(SpecLoadError) as raised:
        load_bytes(text.encode(), "spec.yaml")
    assert len(str(raised.value)) < 500
    assert raised.value.faults[0].line == 6


def test_every_fault_is_reported_not_only_the_first() -> None:
    text = (
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n"
        "    A: {type: strin}\n    B: {pattern: '['}\n    C: {$ref: '#/components/schemas/D'}\n"
    )
    with pytest.raises(SpecLoadError) as raised:
        load_bytes(text.encode(), "spec.yaml")
    lines = sorted(fault.line for fault in raised.value.faults if fault.line is not None)
    # the dangling reference stops the schema checks (they walk resolved references)
    assert lines == [7]
    fixed = text.replace("$ref: '#/components/schemas/D'", "type: string")
    with pytest.raises(SpecLoadError) as raised:
        load_bytes(fixed.encode(), "spec.yaml")
    assert sorted(fault.line for fault in raised.value.faults if fault.line) == [5, 6]
