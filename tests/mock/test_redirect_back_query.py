"""The mock's redirect back after consent is what the spec's `IntegrationRedirectBack` says.

The spec names that schema in `x-spike-redirect-back` on init_url; these tests hold the mock to
it, for both outcomes, and show that any `state` within the spec's limits, the longest
included, comes back exactly as it was given.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from spike_kit.mock import MockSettings
from spike_kit.mock.pytest_plugin import MockHandle
from spike_kit.spec import dereference
from tests.mock.support import AUTH, INIT, INIT_URL, SPEC, in_process, operation

SCHEMA: dict[str, Any] = dereference(SPEC, operation(INIT_URL, "get")["x-spike-redirect-back"])
STATE_LIMIT: int = SCHEMA["properties"]["state"]["maxLength"]
LONGEST_STATE = ("é&=+#%? /ü" * 205)[:STATE_LIMIT]


def _redirect_back(client: httpx.Client, init_path: str, **params: str) -> dict[str, list[str]]:
    """init_url, then the consent: the query the browser is sent back with."""
    started = client.get(init_path, params=params, headers=AUTH)
    assert started.status_code == 200, started.text
    consent = client.get(started.json()["path"])
    assert consent.status_code == 302
    return parse_qs(urlsplit(consent.headers["location"]).query, keep_blank_values=True)


def _single(query: dict[str, list[str]]) -> dict[str, str]:
    assert all(len(values) == 1 for values in query.values()), query
    return {name: values[0] for name, values in query.items()}


def test_the_schema_is_the_one_the_spec_names_and_its_limits_match_the_request_side() -> None:
    init_state = next(p for p in operation(INIT_URL, "get")["parameters"] if p["name"] == "state")
    user_id = SPEC["components"]["schemas"]["HmacTokenRequest"]["properties"]["application_user_id"]
    assert dereference(SPEC, SPEC["components"]["schemas"]["IntegrationRedirectBack"]) == SCHEMA
    assert {k: SCHEMA["properties"]["state"][k] for k in ("type", "minLength", "maxLength")} == {
        k: init_state["schema"][k] for k in ("type", "minLength", "maxLength")
    }
    for keyword in ("type", "minLength", "maxLength", "pattern"):
        assert SCHEMA["properties"]["user_id"][keyword] == user_id[keyword]


def test_the_longest_state_crosses_the_wire_untouched(spike_mock_server: MockHandle) -> None:
    assert len(LONGEST_STATE) == STATE_LIMIT
    base = httpx.URL(spike_mock_server.base_url)
    with httpx.Client(base_url=f"{base.scheme}://{base.netloc.decode()}") as client:
        query = _redirect_back(client, INIT.format(slug="garmin"), state=LONGEST_STATE)
    assert query["state"] == [LONGEST_STATE]
    Draft202012Validator(SCHEMA).validate(_single(query))


@pytest.mark.parametrize(
    ("consent", "expected_error"), [(None, None), ("access_denied", "access_denied")]
)
def test_both_outcomes_match_the_schema(
    http: httpx.Client, consent: str | None, expected_error: str | None
) -> None:
    headers = {**AUTH, "X-Spike-Mock-Consent": consent} if consent else AUTH
    started = http.get(INIT.format(slug="polar"), params={"state": "s-1"}, headers=headers)
    location = http.get(started.json()["path"]).headers["location"]
    query = _single(parse_qs(urlsplit(location).query))
    Draft202012Validator(SCHEMA).validate(query)
    assert query.get("error") == expected_error
    assert (query["provider_slug"], query["state"]) == ("polar", "s-1")


@pytest.fixture(scope="module")
def shared_mock() -> Iterator[httpx.Client]:
    """One in-process mock for every example (hypothesis reruns the body, not the fixture)."""
    with in_process(MockSettings(public_url="http://localhost")) as client:
        yield client


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(state=st.text(min_size=1, max_size=STATE_LIMIT))
def test_any_state_within_the_limits_comes_back_unchanged(
    shared_mock: httpx.Client, state: str
) -> None:
    query = _redirect_back(shared_mock, INIT.format(slug="oura"), state=state)
    assert query["state"] == [state]
