# Edit openapi/generator/runtime/auth.py, not the copy in generated/.
"""Signing an application user id and exchanging it for a bearer token (`POST /auth/hmac`).

The request is checked against the contract's schema before the key is used, so a bad user id
fails here with a clear `InvalidInputError` instead of as a 4xx from Spike. The HMAC key never
appears in an exception or log line.
"""

from __future__ import annotations

import hashlib
import hmac

from jsonschema_rs import Draft202012Validator

from ._contract import CONTRACT
from ._exceptions import InvalidInputError
from ._secrets import Secret
from .api.authentication import exchange_hmac_token
from .client import Client
from .models.hmac_token_request import HmacTokenRequest

MIN_HMAC_KEY_LENGTH = 16
_OPERATION_ID = "exchangeHmacToken"


def _request_validator() -> Draft202012Validator:
    schema = CONTRACT.request_schema(_OPERATION_ID)
    if schema is None:  # pragma: no cover - the spec always documents this body
        raise RuntimeError("the contract has no request schema for the token exchange")
    return Draft202012Validator(schema)


_VALIDATOR = _request_validator()


def _check(field_values: dict[str, object]) -> None:
    """Validate the fields we were given against the contract, ignoring the signature."""
    for error in _VALIDATOR.iter_errors({**field_values, "signature": "0" * 64}):
        where = "/".join(str(part) for part in error.instance_path) or "request"
        raise InvalidInputError(f"{where}: {error.message}")


def checked_hmac_key(hmac_key: object) -> Secret[str | bytes]:
    """The key as a `Secret`, or an `InvalidInputError` that does not show it."""
    if isinstance(hmac_key, Secret):
        return hmac_key
    if not isinstance(hmac_key, (str, bytes)):
        raise InvalidInputError("the HMAC key must be str or bytes")
    key = hmac_key.encode("utf-8") if isinstance(hmac_key, str) else hmac_key
    if len(key) < MIN_HMAC_KEY_LENGTH:
        raise InvalidInputError(
            f"the HMAC key is shorter than Spike's minimum of {MIN_HMAC_KEY_LENGTH} characters"
        )
    return Secret(hmac_key)


def _key_bytes(hmac_key: str | bytes) -> bytes:
    key = checked_hmac_key(hmac_key).reveal()
    return key.encode("utf-8") if isinstance(key, str) else key


def sign_application_user_id(application_user_id: str, hmac_key: str | bytes) -> str:
    """The lowercase hex HMAC-SHA256 of the user id (UTF-8), keyed with the HMAC key."""
    if not isinstance(application_user_id, str):
        raise InvalidInputError("application_user_id must be a string")
    _check({"application_id": 1, "application_user_id": application_user_id})
    message = application_user_id.encode("utf-8")
    return hmac.new(_key_bytes(hmac_key), message, hashlib.sha256).hexdigest()


def _request(
    application_id: int, application_user_id: str, hmac_key: str | bytes
) -> HmacTokenRequest:
    _check({"application_id": application_id, "application_user_id": application_user_id})
    return HmacTokenRequest(
        application_id=application_id,
        application_user_id=application_user_id,
        signature=sign_application_user_id(application_user_id, hmac_key),
    )


def exchange_token(
    client: Client, *, application_id: int, application_user_id: str, hmac_key: str | bytes
) -> str:
    """Sign the user id and exchange it for an access token; raises the client's errors."""
    body = _request(application_id, application_user_id, hmac_key)
    return exchange_hmac_token.sync(client=client, body=body).access_token


async def aexchange_token(
    client: Client, *, application_id: int, application_user_id: str, hmac_key: str | bytes
) -> str:
    """Async twin of `exchange_token`."""
    body = _request(application_id, application_user_id, hmac_key)
    return (await exchange_hmac_token.asyncio(client=client, body=body)).access_token
