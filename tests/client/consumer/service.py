"""A consumer's service code, written from the client README's examples.

`tests/client/test_consumer_types.py` runs `mypy --strict` and pyright (strict) on this file:
results are the success model, never a union, so no cast, `isinstance` or `assert` is
needed; `assert_type` makes each checker fail if a union comes back.
"""

from __future__ import annotations

from typing import assert_type

import httpx
from spike_api_client import (
    APIStatusError,
    ApplicationClient,
    AuthenticatedClient,
    AuthenticationError,
    Client,
    NotFoundError,
    RateLimitError,
    SpikeError,
    aexchange_token,
    exchange_token,
)
from spike_api_client.api.authentication import exchange_hmac_token
from spike_api_client.api.provider_integration import get_integration_init_url
from spike_api_client.models import HmacTokenRequest, HmacTokenResponse, IntegrationInitUrl
from spike_api_client.types import Response

HMAC_KEY = "spike-mock-hmac-key-0123456789"


def connect(user_id: str) -> str:
    with Client() as anonymous:
        token = exchange_token(
            anonymous, application_id=9999, application_user_id=user_id, hmac_key=HMAC_KEY
        )
    assert_type(token, str)
    with AuthenticatedClient(token=token, deadline=10, timeout=httpx.Timeout(5.0)) as spike:
        found = get_integration_init_url.sync("garmin", client=spike, state="session-42")
        assert_type(found, IntegrationInitUrl)
        detailed = get_integration_init_url.sync_detailed(
            "oura", client=spike.with_options(max_retries=0)
        )
        assert_type(detailed, Response[IntegrationInitUrl])
        assert_type(detailed.parsed, IntegrationInitUrl)
        return found.path + detailed.parsed.path


async def aconnect(user_id: str) -> str:
    async with Client() as anonymous:
        token = await aexchange_token(
            anonymous, application_id=9999, application_user_id=user_id, hmac_key=HMAC_KEY
        )
    async with AuthenticatedClient(token=token) as spike:
        found = await get_integration_init_url.asyncio("fitbit", client=spike)
        assert_type(found, IntegrationInitUrl)
        detailed = await get_integration_init_url.asyncio_detailed("fitbit", client=spike)
        return found.provider_slug + detailed.parsed.path


def exchange_by_hand(client: Client) -> str:
    body = HmacTokenRequest(application_id=9999, application_user_id="u1", signature="0" * 64)
    answer = exchange_hmac_token.sync(client=client, body=body)
    assert_type(answer, HmacTokenResponse)
    return answer.access_token


def explain(spike: AuthenticatedClient) -> str:
    try:
        get_integration_init_url.sync("garmin", client=spike)
    except NotFoundError as error:
        return f"{error.status_code} {error.title} {error.detail}"
    except RateLimitError as error:
        assert_type(error.retry_after, float | None)
        return f"retry in {error.retry_after}"
    except AuthenticationError as error:
        return error.detail or "sign in again"
    except APIStatusError as error:
        return error.body.decode()
    except SpikeError as error:
        return str(error)
    return "connected"


SPIKE = ApplicationClient.from_env()


def handler(user_id: str) -> str:
    found = get_integration_init_url.sync("garmin", client=SPIKE.for_user(user_id))
    assert_type(found, IntegrationInitUrl)
    return found.path


async def ahandler(user_id: str) -> str:
    view = SPIKE.for_user(user_id).with_options(deadline=5)
    found = await get_integration_init_url.asyncio("garmin", client=view)
    assert_type(found, IntegrationInitUrl)
    return view.application_user_id + found.path
