"""The generated client sends the exact requests the spec describes and parses its examples."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import respx
from spike_api_client import AuthenticatedClient, Client
from spike_api_client.api.authentication import exchange_hmac_token
from spike_api_client.api.provider_integration import get_integration_init_url
from spike_api_client.models import HmacTokenRequest

from contract_tests.spec_data import (
    BASE_URL,
    HMAC,
    INIT_URL,
    json_media,
    provider_slugs,
    response_example,
)

TOKEN = "eyJhbGciOiJIUzI1NiJ9.contract-test-token.sig"
AWKWARD_VALUES = [
    "plain",
    "with spaces",
    "a&b=c",
    "frag#ment",
    "percent%20literal",
    "plus+sign",
    "ünïcødé ✓ 東京",
]


@pytest.fixture
def client() -> AuthenticatedClient:
    return AuthenticatedClient(base_url=BASE_URL, token=TOKEN, max_retries=0)


def _init_url_route(router: respx.MockRouter) -> respx.Route:
    body = response_example(INIT_URL, "get", "200")
    return router.get(url__regex=r"/v3/providers/[^/]+/integration/init_url").mock(
        return_value=httpx.Response(200, json=body)
    )


@pytest.mark.parametrize("slug", provider_slugs("consent"))
def test_init_url_path_and_bearer(client: AuthenticatedClient, slug: str) -> None:
    """Spec: GET /providers/{provider_slug}/integration/init_url, security bearerAuth."""
    with respx.mock(assert_all_called=True) as router:
        route = _init_url_route(router)
        get_integration_init_url.sync(slug, client=client)
    request = route.calls.last.request
    assert request.method == "GET"
    assert request.url.path == f"/v3/providers/{slug}/integration/init_url"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.url.query == b""


@pytest.mark.parametrize("value", AWKWARD_VALUES)
def test_query_parameters_survive_encoding(client: AuthenticatedClient, value: str) -> None:
    """Spec: redirect_uri, state and provider_user_id are query parameters (style form)."""
    redirect = f"https://example.com/done?next={value}"
    with respx.mock(assert_all_called=True) as router:
        route = _init_url_route(router)
        get_integration_init_url.sync(
            "ultrahuman",
            client=client,
            redirect_uri=redirect,
            state=value,
            provider_user_id=value,
        )
    raw_query = route.calls.last.request.url.query.decode("ascii")
    assert "#" not in raw_query
    assert " " not in raw_query
    decoded = parse_qs(raw_query, keep_blank_values=True, strict_parsing=True)
    assert decoded == {
        "redirect_uri": [redirect],
        "state": [value],
        "provider_user_id": [value],
    }


def test_unknown_provider_slug_is_sent_as_is(client: AuthenticatedClient) -> None:
    """Spec: provider_slug is an open string; a slug unknown today is still a valid request."""
    with respx.mock(assert_all_called=True) as router:
        route = _init_url_route(router)
        get_integration_init_url.sync("brand_new_provider", client=client)
    assert route.calls.last.request.url.path.endswith(
        "/providers/brand_new_provider/integration/init_url"
    )


def test_slug_with_reserved_characters_stays_one_path_segment(client: AuthenticatedClient) -> None:
    """Spec: provider_slug is a single path segment, whatever it holds."""
    with respx.mock(assert_all_called=True) as router:
        route = _init_url_route(router)
        get_integration_init_url.sync("a/b?c", client=client)
    raw_path = route.calls.last.request.url.raw_path
    assert raw_path.startswith(b"/v3/providers/a%2Fb%3Fc/integration/init_url")


def test_init_url_example_response_parses(client: AuthenticatedClient) -> None:
    """Spec: the 200 example of getIntegrationInitUrl parses into IntegrationInitUrl."""
    example = response_example(INIT_URL, "get", "200")
    with respx.mock(assert_all_called=True) as router:
        _init_url_route(router)
        parsed = get_integration_init_url.sync("garmin", client=client)
    assert parsed is not None
    assert parsed.to_dict() == example


def test_hmac_exchange_sends_the_documented_body() -> None:
    """Spec: POST /auth/hmac, no security, JSON body HmacTokenRequest; 200 example parses."""
    request_example = json_media(HMAC, "post")[1]["example"]
    response = response_example(HMAC, "post", "200")
    with respx.mock(assert_all_called=True) as router:
        route = router.post(f"{BASE_URL}{HMAC}").mock(
            return_value=httpx.Response(200, json=response)
        )
        parsed = exchange_hmac_token.sync(
            client=Client(base_url=BASE_URL), body=HmacTokenRequest.from_dict(request_example)
        )
    request = route.calls.last.request
    assert "authorization" not in request.headers
    assert request.headers["content-type"] == "application/json"
    assert httpx.Response(200, content=request.content).json() == request_example
    assert parsed is not None
    assert parsed.to_dict() == response


def test_base_url_defaults_to_the_spec_server() -> None:
    """Spec: servers[0] is Spike's production API; the client defaults to it."""
    with respx.mock(assert_all_called=True) as router:
        route = _init_url_route(router)
        get_integration_init_url.sync("garmin", client=AuthenticatedClient(token=TOKEN))
    url = route.calls.last.request.url
    assert f"{url.scheme}://{url.host}{url.path}".startswith(BASE_URL)
    assert urlsplit(BASE_URL).hostname == url.host
