"""pytest fixtures for services that talk to Spike, registered as the `spike_mock` plugin.

- `spike_mock`: the mock in-process (httpx ASGI transports, no port): fast and isolated.
- `spike_mock_server`: a real mock on a free port of 127.0.0.1, for code that makes its own
  HTTP connections or follows the consent redirect in a real client.
- `spike_mock_settings`: override it in your conftest to change applications, redirect hosts...

Both give a `MockHandle`: `base_url`, `client()` (a configured `AuthenticatedClient` when the
client package is installed), `token_for(user_id)` and the settings.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from spike_kit.mock.app import create_app
from spike_kit.mock.server import MockServer
from spike_kit.mock.settings import DEFAULT_STATIC_TOKEN, MockSettings
from spike_kit.mock.tokens import Identity
from spike_kit.mock.transports import SyncASGITransport


class MockHandle:
    """How a test reaches one mock: its URL, its transports (in-process) and ready clients."""

    def __init__(
        self,
        settings: MockSettings,
        base_url: str,
        issue: Any,
        transport: httpx.BaseTransport | None = None,
        async_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.base_url = base_url
        self.transport = transport
        self.async_transport = async_transport
        self._issue = issue
        self._clients: list[Any] = []

    def token_for(self, application_user_id: str, application_id: int | None = None) -> str:
        """A valid bearer token for this user, as `POST /auth/hmac` would issue it."""
        app_id = application_id if application_id is not None else min(self.settings.applications)
        token: str = self._issue(Identity(app_id, application_user_id))
        return token

    def client(self, token: str = DEFAULT_STATIC_TOKEN, **options: Any) -> Any:
        """An `AuthenticatedClient` aimed at this mock (needs `spike-api-client` installed)."""
        from spike_api_client import AuthenticatedClient

        client = AuthenticatedClient(
            base_url=self.base_url,
            token=token,
            redirect_hosts=["127.0.0.1:*", "localhost:*"],
            transport=self.transport,
            async_transport=self.async_transport,
            **options,
        )
        self._clients.append(client)
        return client

    def close(self) -> None:
        """Close the sync connections of every client handed out; the fixtures call this."""
        for client in self._clients:
            client.close()
        self._clients.clear()


@pytest.fixture
def spike_mock_settings() -> MockSettings:
    """The mock's settings; override this fixture to change them."""
    return MockSettings()


@pytest.fixture
def spike_mock(spike_mock_settings: MockSettings) -> Iterator[MockHandle]:
    """An in-process mock Spike API reached through httpx ASGI transports."""
    app = create_app(spike_mock_settings)
    transport = SyncASGITransport(app)
    handle = MockHandle(
        spike_mock_settings,
        "http://localhost/v3",
        app.state.mock.issuer.issue,
        transport=transport,
        async_transport=httpx.ASGITransport(app=app),
    )
    try:
        yield handle
    finally:
        handle.close()
        transport.close()


@pytest.fixture
def spike_mock_server(spike_mock_settings: MockSettings) -> Iterator[MockHandle]:
    """A real mock Spike API on a free port of 127.0.0.1, stopped after the test."""
    with MockServer(spike_mock_settings) as server:
        handle = MockHandle(
            spike_mock_settings, server.base_url, server.app.state.mock.issuer.issue
        )
        try:
            yield handle
        finally:
            handle.close()
