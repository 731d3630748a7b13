"""The reference service's test fixtures, at the root of the example so that its tests import
`reference_service` as a copied project's tests would.

The service runs as it does in production, under uvicorn on 127.0.0.1 (lifespan and all, so
with its one `ApplicationClient`), against a real mock Spike showing its consent page (the
kit's `spike_mock_server` fixture) and delivering Spike's webhooks to the service's
`/spike/webhooks`, signed with the mock's public test key. httpx plays the person's browser,
keeping the session cookie.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from reference_service.app import create_app

from spike_kit.mock import MockHandle, MockSettings
from spike_kit.mock.settings import DEFAULT_APPLICATION_ID, DEFAULT_HMAC_KEY, DEFAULT_WEBHOOK_KEY


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """The service's socket, bound first so that its URL is known to its settings and the
    mock's."""
    with socket.create_server(("127.0.0.1", 0)) as sock:
        yield sock


@pytest.fixture
def service_url(listener: socket.socket) -> str:
    return f"http://127.0.0.1:{listener.getsockname()[1]}"


@pytest.fixture
def spike_mock_settings(service_url: str) -> MockSettings:
    """The kit's mock with its consent page (it allows 127.0.0.1 as a redirect host),
    delivering webhooks to the service with Spike's schedule sped up a thousandfold."""
    return MockSettings(
        consent="page",
        webhook_url=f"{service_url}/spike/webhooks",
        webhook_key=DEFAULT_WEBHOOK_KEY,
        webhook_time_scale=0.001,
    )


ENVIRONMENT = {
    "SPIKE_APPLICATION_ID": str(DEFAULT_APPLICATION_ID),  # the mock's public test application
    "SPIKE_HMAC_KEY": DEFAULT_HMAC_KEY,
    "SPIKE_BASE_URL": "http://127.0.0.1:9/v3",
    "SPIKE_REDIRECT_HOSTS": "127.0.0.1:*",
    "SERVICE_PUBLIC_URL": "http://127.0.0.1:8000",
    "SERVICE_STATE_KEY": "test-state-key-0123456789",
    "SERVICE_SESSION_KEY": "test-session-key-0123456789",
    "SPIKE_WEBHOOK_KEY": DEFAULT_WEBHOOK_KEY,  # the key the mock signs with: public, for tests
}
"""A whole environment for the service; `service_env` aims it at the running mock."""


@pytest.fixture
def base_env() -> dict[str, str]:
    """A valid environment, for tests of the settings alone (no mock, no server)."""
    return dict(ENVIRONMENT)


@pytest.fixture
def service_env(spike_mock_server: MockHandle, service_url: str) -> dict[str, str]:
    """The service's environment, aimed at the mock, with the service's own URL."""
    return {
        **ENVIRONMENT,
        "SPIKE_BASE_URL": spike_mock_server.base_url,
        "SERVICE_PUBLIC_URL": service_url,
    }


@pytest.fixture
def app(service_env: dict[str, str]) -> FastAPI:
    """The service's app: its `state.service` holds what it stored, as a database would."""
    return create_app(service_env)


@pytest.fixture
def service(
    app: FastAPI, service_env: dict[str, str], listener: socket.socket
) -> Iterator[httpx.Client]:
    """The service under uvicorn, started and stopped around the test, and a browser for it
    (redirects not followed, so each step can be seen)."""
    config = uvicorn.Config(app, log_level="warning", lifespan="on", ws="none")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive(), "the service stopped while starting"
        assert time.monotonic() < deadline, "the service did not start within 10 s"
        time.sleep(0.01)
    try:
        with httpx.Client(base_url=service_env["SERVICE_PUBLIC_URL"]) as browser:
            yield browser
    finally:
        server.should_exit = True
        thread.join(timeout=10)
