"""The response table shipped with the client is derived faithfully from the spec."""

from __future__ import annotations

from typing import Any

from spike_kit.codegen.contract_table import build_contract_table
from spike_kit.spec import dereference, load_spec
from tests.support import REPO


def _operation(table: dict[str, Any], operation_id: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [
        op for op in table["operations"] if op["operation_id"] == operation_id
    ]
    assert len(found) == 1
    return found[0]


def test_every_spec_operation_and_status_is_in_the_table() -> None:
    spec = load_spec(REPO.spec)
    table = build_contract_table(spec)
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            entry = _operation(table, operation["operationId"])
            assert entry["path"] == path
            assert entry["method"] == method.upper()
            assert set(entry["responses"]) == {str(s).upper() for s in operation["responses"]}


def test_redirect_targets_and_idempotence_come_from_the_spec_extensions() -> None:
    table = build_contract_table(load_spec(REPO.spec))
    init_url = _operation(table, "getIntegrationInitUrl")
    assert init_url["responses"]["200"]["redirect_targets"] == ["/path"]
    assert init_url["idempotent"] is True
    assert _operation(table, "exchangeHmacToken")["idempotent"] is True


def test_refs_are_resolved_and_annotations_dropped() -> None:
    table = build_contract_table(load_spec(REPO.spec))
    schema = _operation(table, "getIntegrationInitUrl")["responses"]["404"]["schema"]
    assert "$ref" not in str(schema)
    assert "x-spike" not in str(schema)
    assert schema["properties"]["status"]["type"] == "integer"


def test_parameters_and_security_come_from_the_spec() -> None:
    table = build_contract_table(load_spec(REPO.spec))
    init_url = _operation(table, "getIntegrationInitUrl")
    by_name = {parameter["name"]: parameter for parameter in init_url["parameters"]}
    assert set(by_name) == {"provider_slug", "redirect_uri", "state", "provider_user_id"}
    assert by_name["provider_slug"]["in"] == "path"
    assert by_name["provider_slug"]["required"] is True
    assert by_name["provider_slug"]["schema"]["maxLength"] == 64
    assert by_name["state"]["schema"]["maxLength"] == 2048
    assert init_url["secured"] is True
    assert _operation(table, "exchangeHmacToken")["secured"] is False


def test_a_credential_is_sent_where_any_security_requirement_names_a_scheme() -> None:
    spec = load_spec(REPO.spec)
    hmac = spec["paths"]["/auth/hmac"]["post"]
    for requirements, secured in [([{"bearerAuth": []}, {}], True), ([{}], False), ([], False)]:
        hmac["security"] = requirements
        assert _operation(build_contract_table(spec), "exchangeHmacToken")["secured"] is secured
    del hmac["security"]  # the document's own requirement applies
    assert _operation(build_contract_table(spec), "exchangeHmacToken")["secured"] is True


def test_the_redirect_back_schema_travels_with_init_url() -> None:
    """`x-spike-redirect-back` names the query Spike sends the browser back with; the client's
    reader of that redirect validates it with this copy."""
    spec = load_spec(REPO.spec)
    table = build_contract_table(spec)
    shipped = _operation(table, "getIntegrationInitUrl")["redirect_back_schema"]
    named = spec["paths"]["/providers/{provider_slug}/integration/init_url"]["get"]
    expected = dereference(spec, named["x-spike-redirect-back"])
    assert shipped["required"] == expected["required"] == ["user_id", "provider_slug"]
    assert set(shipped["properties"]) == {"user_id", "provider_slug", "state", "error"}
    for name, rule in shipped["properties"].items():
        for keyword in ("type", "minLength", "maxLength", "pattern"):
            assert rule.get(keyword) == expected["properties"][name].get(keyword)
    assert "description" not in str(shipped)
    assert _operation(table, "exchangeHmacToken")["redirect_back_schema"] is None
