"""The mock's compiled request validation says what openapi-core says, request by request.

The mock does not call openapi-core per request (too slow, see `spike_kit.mock.validation`);
this property test keeps it honest: on generated requests, valid and hostile, both must reach
the same verdict. A spec change that the compiled rules missed shows up here.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_core.testing import MockRequest

from contract_tests.spec_data import openapi_core_findings
from spike_kit.mock.settings import bundled_spec_path
from spike_kit.mock.validation import OperationRules, check_json_body, check_parameters
from spike_kit.mock.validation import compile_rules as compile_mock_rules
from spike_kit.spec import load_spec

SPEC = load_spec(bundled_spec_path())
RULES = compile_mock_rules(SPEC)


HOST = "https://app-api.spikeapi.com"
BASE = "/v3"
AUTH = {"Authorization": "Bearer any-token"}


def openapi_core_accepts(request: MockRequest) -> bool:
    return not openapi_core_findings(request)


text = st.text(max_size=40) | st.text(
    st.characters(min_codepoint=32, max_codepoint=126), min_size=2030, max_size=2060
)
uris = st.sampled_from(["https://example.com/done", "http://localhost:3000/x", "not a uri", ""])
maybe = st.none() | text | uris
slugs = st.sampled_from(["garmin", "ultrahuman", "x" * 64, "x" * 65]) | st.text(
    st.characters(blacklist_characters="/?#%", blacklist_categories=["Cs"]), min_size=1, max_size=70
)


def _rules(operation_id: str) -> OperationRules:
    return RULES[operation_id]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(slug=slugs, redirect_uri=maybe, state=maybe, provider_user_id=maybe)
def test_init_url_parameters(
    slug: str, redirect_uri: str | None, state: str | None, provider_user_id: str | None
) -> None:
    given_values = {
        "redirect_uri": redirect_uri,
        "state": state,
        "provider_user_id": provider_user_id,
    }
    args = {name: value for name, value in given_values.items() if value is not None}
    path = f"{BASE}/providers/{quote(slug, safe='')}/integration/init_url"
    # Web frameworks hand openapi-core the decoded path parameters (`view_args`), as
    # Starlette hands them to the mock; without them it would check the %-encoded text.
    request = MockRequest(
        HOST, "GET", path, args=args, headers=AUTH, view_args={"provider_slug": slug}
    )
    _, issues = check_parameters(
        _rules("getIntegrationInitUrl"),
        path={"provider_slug": slug},
        query={name: [value] for name, value in args.items()},
        headers={"authorization": AUTH["Authorization"]},
    )
    theirs = openapi_core_findings(request)
    assert (not issues) == (not theirs), (slug, args, issues, theirs)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=8,
)


# Near-valid token-exchange bodies: each field valid, borderline or wrong, some left out or extra.
# (hypothesis-jsonschema would derive these from the schema, but 0.23.1 breaks on this
# hypothesis release.)
hmac_fields = st.fixed_dictionaries(
    {},
    optional={
        "application_id": st.integers(-2, 2**63) | st.sampled_from([1.5, "9999", True, None]),
        "application_user_id": st.from_regex(r"\A[A-Za-z0-9._-]{1,130}\Z") | st.text(max_size=5),
        "signature": st.from_regex(r"\A[0-9a-fA-F]{63,65}\Z") | st.just("0" * 64),
        "uts": st.integers(-5, 2**40) | st.text(max_size=3),
        "extra": st.integers(),
    },
)


EXCHANGE_PATTERNS = {
    name: schema["pattern"]
    for name, schema in SPEC["components"]["schemas"]["HmacTokenRequest"]["properties"].items()
    if "pattern" in schema
}


def _python_dollar_only(body: Any) -> bool:
    """Whether a patterned field matches only by Python's `$`, which also matches before a
    trailing newline. JSON Schema patterns are ECMA-262, where it does not: the client
    (jsonschema-rs) and the mock refuse such a value, openapi-core (Python's `re`) takes it."""
    if not isinstance(body, dict):
        return False
    return any(
        isinstance(body.get(name), str)
        and body[name].endswith("\n")
        and re.search(pattern, body[name]) is not None
        for name, pattern in EXCHANGE_PATTERNS.items()
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=hmac_fields | json_values)
def test_token_exchange_bodies(body: Any) -> None:
    raw = json.dumps(body).encode()
    path = f"{BASE}/auth/hmac"
    request = MockRequest(HOST, "POST", path, data=raw, content_type="application/json")
    _, issues, _ = check_json_body(_rules("exchangeHmacToken"), "application/json", raw)
    if _python_dollar_only(body):  # the oracle reads the pattern the Python way
        assert issues, body
        return
    theirs = openapi_core_findings(request)
    assert (not issues) == (not theirs), (body, issues, theirs)


def test_a_trailing_newline_is_where_openapi_core_and_ecma_262_differ() -> None:
    """Pins the one known way the oracle departs from JSON Schema, so the special case above
    goes when openapi-core stops taking `alice\\n` for `^[A-Za-z0-9._-]{1,128}$`."""
    body = {"application_id": 9999, "application_user_id": "alice\n", "signature": "0" * 64}
    raw = json.dumps(body).encode()
    request = MockRequest(
        HOST, "POST", f"{BASE}/auth/hmac", data=raw, content_type="application/json"
    )
    assert _python_dollar_only(body)
    assert openapi_core_findings(request) == []
    _, issues, _ = check_json_body(_rules("exchangeHmacToken"), "application/json", raw)
    assert [issue.location for issue in issues] == ["body.application_user_id"]


@pytest.mark.parametrize("valid", [True, False])
def test_the_oracle_can_say_both(valid: bool) -> None:
    """Guards against an oracle that rejects (or accepts) everything, which would hide bugs."""
    args = {"state": "s"} if valid else {"state": "s" * 3000}
    request = MockRequest(
        HOST, "GET", f"{BASE}/providers/garmin/integration/init_url", args=args, headers=AUTH
    )
    assert openapi_core_accepts(request) is valid
