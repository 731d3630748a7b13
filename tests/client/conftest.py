"""Fixtures for the client's behaviour tests: sync/async parity and secret hygiene."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from spike_api_client import AuthenticatedClient, RetryPolicy
from spike_api_client.api.provider_integration import get_integration_init_url as init_url

TOKEN = "tok-7f3a9c51e2b84d06a1-super-secret"
BASE_URL = "https://app-api.spikeapi.com/v3"
ROUTE = f"{BASE_URL}/providers/garmin/integration/init_url"
GOOD_BODY = {
    "provider_slug": "garmin",
    "path": "https://app-api.spikeapi.com/v3/providers/garmin/integration/init/ic/abc",
}
FAST_RETRIES = RetryPolicy(max_retries=2, initial_delay=0.05, max_delay=0.2)

Call = Callable[..., Any]


def make_client(**overrides: Any) -> AuthenticatedClient:
    settings: dict[str, Any] = {"base_url": BASE_URL, "token": TOKEN, "retry": FAST_RETRIES}
    settings.update(overrides)
    return AuthenticatedClient(**settings)


@pytest.fixture(params=["sync", "async"])
def call(request: pytest.FixtureRequest) -> Call:
    """Calls getIntegrationInitUrl through the sync or the async path."""

    def run(client: AuthenticatedClient, slug: str = "garmin", **params: Any) -> Any:
        if request.param == "sync":
            return init_url.sync(slug, client=client, **params)

        async def go() -> Any:
            async with client:
                return await init_url.asyncio(slug, client=client, **params)

        return asyncio.run(go())

    return run


@pytest.fixture(autouse=True)
def no_token_in_output(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> Iterator[None]:
    """Every client test also proves the token reached no log line and no printed output."""
    caplog.set_level(logging.DEBUG, logger="spike_api_client")
    yield
    captured = capsys.readouterr()
    assert TOKEN not in caplog.text
    assert TOKEN not in captured.out + captured.err
