"""The generated client and schemathesis against Prism: does a third-party reading of the spec
agree with ours?

Prism answers from the spec's examples and validates requests against the spec, so the client
must parse every answer it gives and raise its own errors for the problems it returns.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import schemathesis
from schemathesis import Case
from schemathesis.checks import CheckFunction
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    positive_data_acceptance,
    unsupported_method,
)
from spike_api_client import AuthenticatedClient, AuthenticationError, Client, InvalidRequestError
from spike_api_client.api.authentication import exchange_hmac_token
from spike_api_client.api.provider_integration import get_integration_init_url
from spike_api_client.models import HmacTokenRequest, HmacTokenResponse, IntegrationInitUrl

from contract_tests.bearer import use_bearer_token
from contract_tests.spec_data import HMAC, INIT_URL, SPEC_PATH, json_media, provider_slugs

TOKEN = "prism-takes-any-bearer-token"


@pytest.mark.parametrize("slug", provider_slugs("consent"))
def test_client_reads_prisms_init_url(prism_url: str, slug: str) -> None:
    """Spec: getIntegrationInitUrl 200, IntegrationInitUrl with a safe https `path`."""
    with AuthenticatedClient(base_url=prism_url, token=TOKEN, max_retries=0) as client:
        found = get_integration_init_url.sync(slug, client=client, state="cross-check")
    assert isinstance(found, IntegrationInitUrl)
    assert found.path.startswith("https://app-api.spikeapi.com/")


def test_client_exchanges_a_token_with_prism(prism_url: str) -> None:
    """Spec: exchangeHmacToken, no security, 200 HmacTokenResponse."""
    example = json_media(HMAC, "post")[1]["example"]
    with Client(base_url=prism_url, max_retries=0) as client:
        answer = exchange_hmac_token.sync(client=client, body=HmacTokenRequest.from_dict(example))
    assert isinstance(answer, HmacTokenResponse)
    assert answer.access_token.count(".") == 2


def test_client_raises_for_prisms_401(prism_url: str) -> None:
    """Spec: bearerAuth is required; Prism answers the Unauthorized example."""
    client = Client(base_url=prism_url, max_retries=0)
    with client, pytest.raises(AuthenticationError) as raised:
        get_integration_init_url.sync("garmin", client=client)
    assert raised.value.problem is not None
    assert raised.value.problem.detail == "expired jwt"


def test_client_raises_for_prisms_validation_error(prism_url: str) -> None:
    """Spec: `redirect_uri` is a URI (`format: uri`); Prism refuses one that is not with 422.
    (The client checks lengths and patterns itself, before sending, but leaves formats to the
    server, so this is a refusal it sends and reads back.)"""
    client = AuthenticatedClient(base_url=prism_url, token=TOKEN, max_retries=0)
    with client, pytest.raises(InvalidRequestError) as raised:
        get_integration_init_url.sync("garmin", client=client, redirect_uri="not a uri")
    assert raised.value.status_code == 422


def test_prism_reads_int64_as_a_javascript_number(prism_url: str) -> None:
    """Why positive_data_acceptance is off for exchangeHmacToken below: Prism checks
    `format: int64` as a JavaScript safe integer, so it refuses a `uts` past 2**53 - 1 that
    the spec (and a Go server like Spike's) takes."""
    example = json_media(HMAC, "post")[1]["example"]
    url = f"{prism_url}/auth/hmac"
    assert httpx.post(url, json={**example, "uts": 2**53}).status_code == 422
    assert httpx.post(url, json={**example, "uts": 2**53 - 1}).status_code == 200


def test_prism_answers_malformed_json_in_its_own_format(prism_url: str) -> None:
    """Why content_type_conformance is off for exchangeHmacToken below: Prism's own body
    parser answers a body that is not JSON with `application/json`, before the spec's
    `application/problem+json` 400 is consulted."""
    response = httpx.post(
        f"{prism_url}/auth/hmac", content=b"\x00", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")


def test_prism_takes_an_empty_query_value(prism_url: str) -> None:
    """Why negative_data_rejection is off for getIntegrationInitUrl below: Prism takes
    `?state=` although `state` has minLength 1 (and allowEmptyValue is false); it still
    refuses other invalid values, such as a `state` over 2048 characters."""
    url = f"{prism_url}/providers/garmin/integration/init_url"
    headers = {"Authorization": f"Bearer {TOKEN}"}
    assert httpx.get(url, params={"state": ""}, headers=headers).status_code == 200
    assert httpx.get(url, params={"state": "s" * 2049}, headers=headers).status_code == 422


schema = schemathesis.openapi.from_path(SPEC_PATH)
use_bearer_token(schema, TOKEN)

# Two checks test Prism rather than the spec: it cannot verify a JWT, so it takes any bearer
# token (ignored_auth), and its 405 has no `Allow` header (unsupported_method). Three more
# are off for one operation, for the reasons the tests above show.
PRISM_ONLY: list[CheckFunction] = [ignored_auth, unsupported_method]
PER_OPERATION: dict[tuple[str, str], list[CheckFunction]] = {
    ("POST", HMAC): [positive_data_acceptance, content_type_conformance],
    ("GET", INIT_URL): [negative_data_rejection],
}


@schema.parametrize()
def test_prism_conforms_to_the_spec(case: Case[Any], prism_url: str) -> None:
    """Every other schemathesis check, positive and negative data, against Prism's answers."""
    key = (case.operation.method.upper(), case.operation.path)
    case.call_and_validate(
        base_url=prism_url,
        excluded_checks=PRISM_ONLY + PER_OPERATION.get(key, []),
    )
