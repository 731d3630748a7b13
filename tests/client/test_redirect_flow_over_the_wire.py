"""The whole flow with a signed state, over the wire against the real mock on 127.0.0.1.

Token exchange, init_url with an issued state, the browser following `path` through the
mock's consent (a 302) to the application's landing page, and the landing URL read back into
an outcome: connected, or failed when the mock is told the user refused consent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from spike_api_client import (
    AuthenticatedClient,
    Client,
    Connected,
    Failed,
    MemoryReplayStore,
    ReplayedStateError,
    StateMismatchError,
    StateSigner,
    aexchange_token,
    aread_redirect_back,
    exchange_token,
    read_redirect_back,
)
from spike_api_client.api.provider_integration import get_integration_init_url as init_url
from spike_api_client.models import IntegrationInitUrl

from spike_kit.mock.pytest_plugin import MockHandle
from spike_kit.mock.settings import DEFAULT_APPLICATION_ID, DEFAULT_HMAC_KEY
from tests.client.redirect_support import KEY
from tests.local_http import LocalServer, serve

STATES = StateSigner(KEY, max_age=600)


@pytest.fixture
def landing() -> Iterator[LocalServer]:
    """The application's callback page: records the URL each browser came back to."""
    with serve(b"thanks", content_type="text/plain") as server:
        yield server


def _token(mock: MockHandle, user_id: str) -> str:
    with Client(base_url=mock.base_url) as anonymous:
        return exchange_token(
            anonymous,
            application_id=DEFAULT_APPLICATION_ID,
            application_user_id=user_id,
            hmac_key=DEFAULT_HMAC_KEY,
        )


def _browse(path: str, landing: LocalServer) -> str:
    """Play the user's browser: through Spike's consent to the landing page; where it landed."""
    with httpx.Client() as browser:
        consent = browser.get(path)
        assert consent.status_code == 302
        assert browser.get(consent.headers["location"]).text == "thanks"
    return f"{landing.url}{landing.paths[-1]}"


def _browse_default(path: str) -> str:
    """Through consent to the mock's default redirect URL (not fetched: it is example.com)."""
    with httpx.Client() as browser:
        consent = browser.get(path)
    assert consent.status_code == 302
    return consent.headers["location"]


def _start(
    mock: MockHandle, landing: LocalServer, user_id: str, provider: str, **headers: str
) -> str:
    spike = mock.client(_token(mock, user_id)).with_headers(headers)
    found = init_url.sync(
        provider,
        client=spike,
        redirect_uri=f"{landing.url}/spike/callback?tab=devices",
        state=STATES.issue(user_id, provider_slug=provider, payload={"return_to": "/devices"}),
    )
    assert isinstance(found, IntegrationInitUrl)
    return _browse(found.path, landing)


def test_consent_given_reads_as_connected_for_that_user(
    spike_mock_server: MockHandle, landing: LocalServer
) -> None:
    landed = _start(spike_mock_server, landing, "user-77", "garmin")
    outcome = read_redirect_back(landed, STATES, replay_store=MemoryReplayStore())
    assert outcome == Connected("user-77", "garmin", {"return_to": "/devices"})


def test_consent_refused_reads_as_failed_with_spikes_error(
    spike_mock_server: MockHandle, landing: LocalServer
) -> None:
    landed = _start(
        spike_mock_server, landing, "user-78", "fitbit", **{"X-Spike-Mock-Consent": "access_denied"}
    )
    outcome = read_redirect_back(landed, STATES)
    assert outcome == Failed("user-78", "fitbit", "access_denied", {"return_to": "/devices"})


def test_the_same_landing_twice_is_a_replay(
    spike_mock_server: MockHandle, landing: LocalServer
) -> None:
    landed = _start(spike_mock_server, landing, "user-79", "oura")
    store = MemoryReplayStore()
    assert isinstance(read_redirect_back(landed, STATES, replay_store=store), Connected)
    with pytest.raises(ReplayedStateError):
        read_redirect_back(landed, STATES, replay_store=store)


def test_a_state_carried_into_another_users_flow_is_refused(
    spike_mock_server: MockHandle, landing: LocalServer
) -> None:
    """Login CSRF over the wire: the attacker starts the flow with their own token but the
    victim's genuine state; Spike sends the attacker's user id back, and the reader refuses."""
    spike = spike_mock_server.client(_token(spike_mock_server, "attacker"))
    victims_state = STATES.issue("victim", provider_slug="garmin")
    found = init_url.sync("garmin", client=spike, state=victims_state)
    assert isinstance(found, IntegrationInitUrl)
    with pytest.raises(StateMismatchError):
        read_redirect_back(_browse_default(found.path), STATES)


def test_the_async_flow_reads_the_outcome_too(spike_mock_server: MockHandle) -> None:
    async def flow() -> object:
        async with Client(base_url=spike_mock_server.base_url) as anonymous:
            token = await aexchange_token(
                anonymous,
                application_id=DEFAULT_APPLICATION_ID,
                application_user_id="user-async",
                hmac_key=DEFAULT_HMAC_KEY,
            )
        async with AuthenticatedClient(
            base_url=spike_mock_server.base_url, token=token, redirect_hosts=["127.0.0.1:*"]
        ) as spike:
            state = STATES.issue("user-async", provider_slug="whoop")
            found = await init_url.asyncio("whoop", client=spike, state=state)
        assert isinstance(found, IntegrationInitUrl)
        async with httpx.AsyncClient() as browser:
            consent = await browser.get(found.path)
        return await aread_redirect_back(consent.headers["location"], STATES)

    assert asyncio.run(flow()) == Connected("user-async", "whoop")
