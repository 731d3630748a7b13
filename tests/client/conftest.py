"""Fixtures for the client's behaviour tests: sync/async parity and secret hygiene (the
helpers they share are in `support.py`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from spike_api_client import AuthenticatedClient
from spike_api_client.api.provider_integration import get_integration_init_url as init_url

from tests.client.support import TOKEN, Call


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
