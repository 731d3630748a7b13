"""The fixtures other teams use: in-process and real-port mocks, sync and async clients."""

from __future__ import annotations

import asyncio
import gc

import pytest
from spike_api_client import AuthenticationError, NotFoundError
from spike_api_client.api.provider_integration import get_integration_init_url as init_url
from spike_api_client.models import IntegrationInitUrl

from spike_kit.mock import MockSettings
from spike_kit.mock.pytest_plugin import MockHandle


def test_in_process_mock_serves_the_sync_client(spike_mock: MockHandle) -> None:
    found = init_url.sync("garmin", client=spike_mock.client())
    assert isinstance(found, IntegrationInitUrl)
    assert found.path.startswith("http://localhost/v3/providers/garmin/integration/init/ic/")


def test_in_process_mock_serves_the_async_client(spike_mock: MockHandle) -> None:
    async def call() -> str:
        async with spike_mock.client() as client:
            found = await init_url.asyncio("garmin", client=client)
        assert isinstance(found, IntegrationInitUrl)
        return found.provider_slug

    assert asyncio.run(call()) == "garmin"


def test_token_for_issues_tokens_the_mock_accepts(spike_mock: MockHandle) -> None:
    found = init_url.sync("oura", client=spike_mock.client(spike_mock.token_for("u-1")))
    assert isinstance(found, IntegrationInitUrl)
    with pytest.raises(AuthenticationError):
        init_url.sync("oura", client=spike_mock.client("forged-token", max_retries=0))


def test_real_port_mock(spike_mock_server: MockHandle) -> None:
    assert spike_mock_server.base_url.startswith("http://127.0.0.1:")
    with pytest.raises(NotFoundError):
        init_url.sync("nope", client=spike_mock_server.client())


class TestOverriddenSettings:
    @pytest.fixture
    def spike_mock_settings(self) -> MockSettings:
        return MockSettings(static_tokens=frozenset({"team-token"}))

    def test_settings_fixture_can_be_overridden(self, spike_mock: MockHandle) -> None:
        assert isinstance(
            init_url.sync("garmin", client=spike_mock.client("team-token")), IntegrationInitUrl
        )


def test_an_async_call_through_the_real_port_mock_leaves_nothing_open(
    spike_mock_server: MockHandle,
) -> None:
    """The test's event loop ends before the fixture does; the client it was handed must
    leave no connection behind for the garbage collector (an error under `-W error`)."""
    client = spike_mock_server.client()

    async def call() -> str:
        return (await init_url.asyncio("garmin", client=client)).provider_slug

    assert asyncio.run(call()) == "garmin"
    assert asyncio.run(call()) == "garmin"
    gc.collect()  # an unclosed socket would warn here, and the warning is an error
