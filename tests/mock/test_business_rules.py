"""The mock behaves like Spike: auth, providers, the redirect allow-list, input limits."""

from __future__ import annotations

import httpx
import pytest

from spike_kit.mock import MockSettings, create_app
from spike_kit.mock.tokens import Identity, TokenIssuer
from spike_kit.mock.transports import SyncASGITransport
from spike_kit.spec import provider_slugs
from tests.mock.support import AUTH, INIT, SPEC, assert_problem


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        (None, "malformed authorization header"),
        ("Basic dXNlcjpwYXNz", "malformed authorization header"),
        ("Bearer", "malformed authorization header"),
        ("Bearer not-a-jwt", "invalid authorization header"),
        ("Bearer a.b.c", "invalid authorization header"),
    ],
)
def test_bad_tokens_get_401_with_spikes_reason(
    http: httpx.Client, header: str | None, detail: str
) -> None:
    headers = {"Authorization": header} if header else {}
    response = http.get(INIT.format(slug="garmin"), headers=headers)
    assert assert_problem(response, 401)["detail"] == detail


def test_expired_token_gets_expired_jwt(settings: MockSettings) -> None:
    app = create_app(settings)
    issuer: TokenIssuer = app.state.mock.issuer
    token = issuer.issue(Identity(9999, "u1"), now=0)
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://localhost") as http:
        response = http.get(
            INIT.format(slug="garmin"), headers={"Authorization": f"Bearer {token}"}
        )
    assert assert_problem(response, 401)["detail"] == "expired jwt"


def test_token_of_unknown_application_gets_application_not_found(settings: MockSettings) -> None:
    app = create_app(settings)
    token = app.state.mock.issuer.issue(Identity(1234, "u1"))
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://localhost") as http:
        response = http.get(
            INIT.format(slug="garmin"), headers={"Authorization": f"Bearer {token}"}
        )
    assert assert_problem(response, 401)["detail"] == "application not found"


@pytest.mark.parametrize("slug", provider_slugs(SPEC, "consent"))
def test_every_consent_provider_gets_a_url(http: httpx.Client, slug: str) -> None:
    params = {"provider_user_id": "user@example.com"}
    response = http.get(INIT.format(slug=slug), headers=AUTH, params=params)
    assert response.status_code == 200
    body = response.json()
    assert body["provider_slug"] == slug
    assert body["path"].startswith(f"http://localhost/v3/providers/{slug}/integration/init/ic/")


def test_unknown_provider_gets_404(http: httpx.Client) -> None:
    response = http.get(INIT.format(slug="no_such_provider"), headers=AUTH)
    assert_problem(response, 404, "path.provider_slug")


@pytest.mark.parametrize("slug", provider_slugs(SPEC, "sdk"))
def test_sdk_only_provider_gets_422_saying_so(http: httpx.Client, slug: str) -> None:
    body = assert_problem(http.get(INIT.format(slug=slug), headers=AUTH), 422, "path.provider_slug")
    assert "mobile SDKs" in body["detail"]


def test_ultrahuman_without_provider_user_id_gets_422(http: httpx.Client) -> None:
    response = http.get(INIT.format(slug="ultrahuman"), headers=AUTH)
    assert_problem(response, 422, "query.provider_user_id")


@pytest.mark.parametrize(
    "redirect", ["https://evil.example/cb", "https://example.com.evil.io/cb", "myapp:callback"]
)
def test_redirect_outside_allow_list_gets_422(http: httpx.Client, redirect: str) -> None:
    response = http.get(INIT.format(slug="garmin"), headers=AUTH, params={"redirect_uri": redirect})
    assert_problem(response, 422, "query.redirect_uri")


@pytest.mark.parametrize(
    "redirect",
    ["https://example.com/cb", "https://app.example.com/cb?x=1", "myapp://example.com/cb"],
)
def test_redirect_on_allow_list_or_subdomain_is_accepted(http: httpx.Client, redirect: str) -> None:
    response = http.get(INIT.format(slug="garmin"), headers=AUTH, params={"redirect_uri": redirect})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("params", "location"),
    [
        ({"state": "x" * 2049}, "query.state"),
        ({"redirect_uri": "x" * 3000}, "query.redirect_uri"),
        ({"redirect_uri": "not a uri"}, "query.redirect_uri"),
        ({"provider_user_id": ""}, "query.provider_user_id"),
    ],
)
def test_oversized_or_malformed_parameters_get_422(
    http: httpx.Client, params: dict[str, str], location: str
) -> None:
    response = http.get(INIT.format(slug="garmin"), headers=AUTH, params=params)
    assert_problem(response, 422, location)


def test_repeated_parameter_is_refused(http: httpx.Client) -> None:
    response = http.get(INIT.format(slug="garmin") + "?state=a&state=b", headers=AUTH)
    assert_problem(response, 422, "query.state")


def test_unknown_path_and_method_get_problem_documents(http: httpx.Client) -> None:
    assert_problem(http.get("/v3/nowhere", headers=AUTH), 404)
    response = http.put(INIT.format(slug="garmin"), headers=AUTH)
    assert_problem(response, 405)
    assert "GET" in response.headers["allow"]


def test_consent_outcome_header_is_an_error_code_not_a_payload(http: httpx.Client) -> None:
    headers = {**AUTH, "X-Spike-Mock-Consent": "e" * 257}
    response = http.get(INIT.format(slug="garmin"), headers=headers)
    assert_problem(response, 400, "header.x-spike-mock-consent")
    headers["X-Spike-Mock-Consent"] = "e" * 256
    assert http.get(INIT.format(slug="garmin"), headers=headers).status_code == 200
