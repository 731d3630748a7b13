"""The token-exchange helper: signing per the contract, input checks, and no leaked key."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json

import httpx
import pytest
import respx
from spike_api_client import (
    AuthenticationError,
    Client,
    InvalidInputError,
    aexchange_token,
    exchange_token,
    sign_application_user_id,
)

KEY = "hmac-key-0123456789-very-secret"
HMAC_URL = "https://app-api.spikeapi.com/v3/auth/hmac"


def test_signature_is_lowercase_hex_hmac_sha256_of_the_utf8_user_id() -> None:
    expected = hmac.new(KEY.encode(), b"user-42.a_b", hashlib.sha256).hexdigest()
    assert sign_application_user_id("user-42.a_b", KEY) == expected
    assert sign_application_user_id("user-42.a_b", KEY.encode()) == expected


@pytest.mark.parametrize("user_id", ["", "has space", "é", "x" * 129, "a/b"])
def test_user_ids_outside_the_contract_are_refused(user_id: str) -> None:
    with pytest.raises(InvalidInputError, match="application_user_id"):
        sign_application_user_id(user_id, KEY)


def test_short_key_is_refused_without_echoing_it() -> None:
    with pytest.raises(InvalidInputError) as caught:
        sign_application_user_id("u1", "short-key")
    assert "short-key" not in str(caught.value)


@pytest.mark.parametrize("application_id", [0, -1, True, 2**63])
def test_application_id_outside_the_contract_is_refused(application_id: int) -> None:
    with pytest.raises(InvalidInputError, match="application_id"), respx.mock():
        exchange_token(
            Client(), application_id=application_id, application_user_id="u1", hmac_key=KEY
        )


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_exchange_posts_signed_body_and_returns_token(mode: str) -> None:
    with respx.mock() as router:
        route = router.post(HMAC_URL).mock(
            return_value=httpx.Response(200, json={"access_token": "jwt"})
        )
        kwargs = {"application_id": 9999, "application_user_id": "u1", "hmac_key": KEY}
        if mode == "sync":
            token = exchange_token(Client(), **kwargs)  # type: ignore[arg-type]
        else:
            token = asyncio.run(aexchange_token(Client(), **kwargs))  # type: ignore[arg-type]
    assert token == "jwt"
    sent = json.loads(route.calls.last.request.content)
    assert sent == {
        "application_id": 9999,
        "application_user_id": "u1",
        "signature": sign_application_user_id("u1", KEY),
    }
    assert KEY not in route.calls.last.request.content.decode()


def test_rejected_exchange_raises_authentication_error_without_key() -> None:
    problem = {"status": 401, "detail": "application not found"}
    with respx.mock() as router:
        router.post(HMAC_URL).mock(
            return_value=httpx.Response(
                401, json=problem, headers={"content-type": "application/problem+json"}
            )
        )
        with pytest.raises(AuthenticationError) as caught:
            exchange_token(Client(), application_id=1, application_user_id="u1", hmac_key=KEY)
    assert caught.value.detail == "application not found"
    assert KEY not in str(caught.value)


def test_token_exchange_is_retried_because_the_spec_marks_it_idempotent() -> None:
    with respx.mock() as router:
        route = router.post(HMAC_URL).mock(
            side_effect=[httpx.Response(503), httpx.Response(200, json={"access_token": "jwt"})]
        )
        client = Client(retry=Client().settings.retry.__class__(initial_delay=0.01))
        assert (
            exchange_token(client, application_id=1, application_user_id="u1", hmac_key=KEY)
            == "jwt"
        )
    assert route.call_count == 2
