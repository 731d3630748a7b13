"""`httpx_args` that httpx only honours on a transport (`limits`, `http2`...) still count.

The client hands httpx its own transport, and httpx then ignores such arguments silently;
these tests see the effect of `limits` over a real connection to 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import httpx
import pytest
from spike_api_client import APITimeoutError, AuthenticatedClient
from spike_api_client.api.provider_integration import get_integration_init_url as init_url

from tests.local_http import LocalServer, serve

BODY = json.dumps({"provider_slug": "garmin", "path": "https://example.com/consent"}).encode()
SERVER_DELAY = 0.4


@pytest.fixture
def slow() -> Iterator[LocalServer]:
    with serve(BODY, delay=SERVER_DELAY) as server:
        yield server


def _client(server: LocalServer, max_connections: int) -> AuthenticatedClient:
    return AuthenticatedClient(
        base_url=f"{server.url}/v3",
        token="t0ken-for-the-limits-test",
        redirect_hosts=["example.com"],
        timeout=httpx.Timeout(5.0, pool=0.1),
        max_retries=0,
        httpx_args={"limits": httpx.Limits(max_connections=max_connections)},
    )


async def _two_at_once(client: AuthenticatedClient) -> list[object]:
    async with client:
        calls = (init_url.asyncio("garmin", client=client) for _ in range(2))
        return await asyncio.gather(*calls, return_exceptions=True)


def test_limits_cap_the_connections_a_client_opens(slow: LocalServer) -> None:
    outcomes = asyncio.run(_two_at_once(_client(slow, max_connections=1)))
    assert sorted(type(outcome).__name__ for outcome in outcomes) == [
        "APITimeoutError",
        "IntegrationInitUrl",
    ]
    assert isinstance(outcomes[1], APITimeoutError)


def test_room_for_both_calls_serves_both(slow: LocalServer) -> None:
    outcomes = asyncio.run(_two_at_once(_client(slow, max_connections=2)))
    assert [type(outcome).__name__ for outcome in outcomes] == ["IntegrationInitUrl"] * 2
    assert len(slow.paths) == 2
