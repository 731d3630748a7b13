"""pytest fixtures for services that talk to Spike, registered as the `spike_mock` plugin.

- `spike_mock`: the mock in-process (httpx ASGI transports, no port): fast and isolated.
- `spike_mock_server`: a real mock on a free port of 127.0.0.1, for code that makes its own
  HTTP connections or follows the consent redirect in a real client.
- `spike_mock_settings`: override it in your conftest to change applications, redirect hosts...
- `spike_application`: an `ApplicationClient` wired to the in-process mock (its first
  application and key), for sync and async tests alike; closed after the test.
- `spike_webhooks`: delivers Spike's webhook events, signed with the settings' webhook key, to
  your own ASGI app (in-process) or URL (`spike_kit.webhooks.send`).

`spike_mock` and `spike_mock_server` give a `MockHandle`: `base_url`, `client()` (a configured
`AuthenticatedClient` when the client package is installed), `application_client()` (an
`ApplicationClient` acting for the mock's application), `token_for(user_id)`, the settings,
and `webhooks` (the mock's webhook sender and its ledger, when the settings name a
`webhook_url`).

pytest loads this module in every run of every environment the kit is installed in, so it
imports nothing beyond the kit's base dependencies; the mock itself (the kit's `mock` extra)
is imported when a fixture is used, and a missing extra is said in one sentence.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from spike_kit.mock.extra import MOCK_EXTRA, missing_modules
from spike_kit.mock.settings import DEFAULT_STATIC_TOKEN, MockSettings

if TYPE_CHECKING:
    import httpx
    from spike_api_client import ApplicationClient, AuthenticatedClient

    from spike_kit.mock.webhooks import WebhookSender
    from spike_kit.webhooks.send import WebhookDeliverer


def _require_the_mock_extra() -> None:
    missing = missing_modules()
    if missing:
        pytest.fail(
            f"the spike_mock fixtures need the kit's mock extra ({', '.join(missing)} "
            f"missing): {MOCK_EXTRA}",
            pytrace=False,
        )


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
        self._clients: list[AuthenticatedClient | ApplicationClient] = []
        self.webhooks: WebhookSender | None = None
        """The mock's webhook deliveries (`send`, `deliveries`, `settle`); None without a
        `webhook_url` in the settings."""

    def token_for(self, application_user_id: str, application_id: int | None = None) -> str:
        """A valid bearer token for this user, as `POST /auth/hmac` would issue it."""
        from spike_kit.mock.tokens import Identity

        app_id = application_id if application_id is not None else min(self.settings.applications)
        token: str = self._issue(Identity(app_id, application_user_id))
        return token

    def _wiring(self, options: dict[str, Any]) -> dict[str, Any]:
        """Aimed at this mock: its URL, its transports (in-process), its hosts allowed as
        redirect targets. An async test's connections are closed with its event loop."""
        return {
            "base_url": self.base_url,
            "redirect_hosts": ["127.0.0.1:*", "localhost:*"],
            "transport": self.transport,
            "async_transport": self.async_transport,
            **options,
        }

    def client(self, token: str = DEFAULT_STATIC_TOKEN, **options: Any) -> AuthenticatedClient:
        """An `AuthenticatedClient` aimed at this mock (needs `spike-api-client` installed),
        closed when the test ends."""
        from spike_api_client import AuthenticatedClient

        client = AuthenticatedClient(token=token, **self._wiring(options))
        self._clients.append(client)
        return client

    def application_client(
        self, application_id: int | None = None, **options: Any
    ) -> ApplicationClient:
        """An `ApplicationClient` for one of the mock's applications (default: its first),
        with that application's HMAC key, aimed at this mock and closed when the test ends:
        `for_user(...)` exchanges tokens with the mock as with Spike."""
        from spike_api_client import ApplicationClient

        app_id = application_id if application_id is not None else min(self.settings.applications)
        client = ApplicationClient(
            application_id=app_id,
            hmac_key=self.settings.applications[app_id],
            **self._wiring(options),
        )
        self._clients.append(client)
        return client

    def close(self) -> None:
        """Close every client handed out, with every connection each opened."""
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
    _require_the_mock_extra()
    import httpx

    from spike_kit.mock.app import create_app
    from spike_kit.mock.transports import SyncASGITransport

    app = create_app(spike_mock_settings)
    transport = SyncASGITransport(app)
    handle = MockHandle(
        spike_mock_settings,
        f"http://localhost{app.state.mock.base_path}",
        app.state.mock.issuer.issue,
        transport=transport,
        async_transport=httpx.ASGITransport(app=app),
    )
    handle.webhooks = app.state.mock.webhooks
    try:
        yield handle
    finally:
        handle.close()
        transport.close()
        app.close()


@pytest.fixture
def spike_mock_server(spike_mock_settings: MockSettings) -> Iterator[MockHandle]:
    """A real mock Spike API on a free port of 127.0.0.1, stopped after the test."""
    _require_the_mock_extra()
    from spike_kit.mock.server import MockServer

    with MockServer(spike_mock_settings) as server:
        handle = MockHandle(
            spike_mock_settings, server.base_url, server.app.state.mock.issuer.issue
        )
        handle.webhooks = server.app.state.mock.webhooks
        try:
            yield handle
        finally:
            handle.close()


@pytest.fixture
def spike_application(spike_mock: MockHandle) -> ApplicationClient:
    """An `ApplicationClient` for the in-process mock's application: `for_user(user_id)`
    in sync and async tests alike (each event loop gets its own connections)."""
    return spike_mock.application_client()


@pytest.fixture
def spike_webhooks(spike_mock_settings: MockSettings) -> Iterator[WebhookDeliverer]:
    """Delivers signed webhook events to your receiver: `spike_webhooks.to_app(app, "/path")`
    or `.to_url(url)`, then `.deliver([...])`; the key is the settings' `webhook_key`."""
    _require_the_mock_extra()
    from spike_kit.webhooks.send import WebhookDeliverer

    deliverer = WebhookDeliverer(spike_mock_settings.webhook_key, spike_mock_settings.spec_path)
    try:
        yield deliverer
    finally:
        deliverer.close()
