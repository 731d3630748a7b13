"""The whole connect-a-provider flow against a real mock on 127.0.0.1, redirects followed."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from spike_api_client import Client, aexchange_token, exchange_token
from spike_api_client.api.provider_integration import get_integration_init_url as init_url
from spike_api_client.models import IntegrationInitUrl

from spike_kit.mock import MockSettings
from spike_kit.mock.pytest_plugin import MockHandle
from spike_kit.mock.settings import DEFAULT_APPLICATION_ID, DEFAULT_HMAC_KEY
from tests.local_http import LocalServer, serve


@pytest.fixture
def landing() -> Iterator[LocalServer]:
    """The application's redirect URL: records where the user came back to."""
    with serve(b"welcome back", content_type="text/plain") as server:
        yield server


def _sign_in(mock: MockHandle, user_id: str) -> str:
    with Client(base_url=mock.base_url, redirect_hosts=["127.0.0.1:*"]) as client:
        return exchange_token(
            client,
            application_id=DEFAULT_APPLICATION_ID,
            application_user_id=user_id,
            hmac_key=DEFAULT_HMAC_KEY,
        )


def test_full_flow_lands_back_with_user_provider_and_state(
    spike_mock_server: MockHandle, landing: LocalServer
) -> None:
    token = _sign_in(spike_mock_server, "user-77")
    redirect = f"{landing.url}/done?keep=1"
    found = init_url.sync(
        "garmin", client=spike_mock_server.client(token), redirect_uri=redirect, state="s 1&2"
    )
    assert isinstance(found, IntegrationInitUrl)
    with httpx.Client(follow_redirects=True) as browser:
        page = browser.get(found.path)
    assert page.text == "welcome back"
    (landed,) = landing.paths
    query = parse_qs(urlsplit(landed).query)
    assert query == {
        "keep": ["1"],
        "user_id": ["user-77"],
        "provider_slug": ["garmin"],
        "state": ["s 1&2"],
    }


def test_default_redirect_url_fills_placeholders(spike_mock_server: MockHandle) -> None:
    token = _sign_in(spike_mock_server, "user-8")
    found = init_url.sync("oura", client=spike_mock_server.client(token))
    assert isinstance(found, IntegrationInitUrl)
    with httpx.Client() as browser:
        response = browser.get(found.path)
    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    assert (location.hostname, location.path) == ("example.com", "/spike/oura/user-8")
    assert parse_qs(location.query) == {"user_id": ["user-8"], "provider_slug": ["oura"]}


def test_failed_consent_comes_back_with_error(spike_mock_server: MockHandle) -> None:
    client = spike_mock_server.client().with_headers({"X-Spike-Mock-Consent": "access_denied"})
    found = init_url.sync("fitbit", client=client)
    assert isinstance(found, IntegrationInitUrl)
    with httpx.Client() as browser:
        response = browser.get(found.path)
    assert parse_qs(urlsplit(response.headers["location"]).query)["error"] == ["access_denied"]


def test_consent_url_is_single_use(spike_mock_server: MockHandle) -> None:
    found = init_url.sync("polar", client=spike_mock_server.client())
    assert isinstance(found, IntegrationInitUrl)
    with httpx.Client() as browser:
        assert browser.get(found.path).status_code == 302
        assert browser.get(found.path).status_code == 404


def test_async_flow_against_the_real_server(spike_mock_server: MockHandle) -> None:
    async def flow() -> str:
        async with Client(base_url=spike_mock_server.base_url) as client:
            token = await aexchange_token(
                client,
                application_id=DEFAULT_APPLICATION_ID,
                application_user_id="u-async",
                hmac_key=DEFAULT_HMAC_KEY,
            )
        async with spike_mock_server.client(token) as spike:
            found = await init_url.asyncio("whoop", client=spike)
        assert isinstance(found, IntegrationInitUrl)
        return found.path

    assert asyncio.run(flow()).startswith(f"{spike_mock_server.base_url}/providers/whoop/")


@pytest.fixture
def spike_mock_settings() -> MockSettings:
    """Allow the local landing server as a redirect host."""
    return MockSettings(redirect_hosts=frozenset({"127.0.0.1", "example.com"}))
