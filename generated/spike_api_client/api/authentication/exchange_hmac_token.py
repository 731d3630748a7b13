from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.hmac_token_request import HmacTokenRequest
from ...models.hmac_token_response import HmacTokenResponse
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    *,
    body: HmacTokenRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/auth/hmac",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> HmacTokenResponse | Problem | None:
    if response.status_code == 200:
        response_200 = HmacTokenResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if 500 <= response.status_code <= 599:
        response_5xx = Problem.from_dict(response.json())

        return response_5xx

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[HmacTokenResponse | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: HmacTokenRequest,
) -> Response[HmacTokenResponse | Problem]:
    """Exchange an HMAC signature for an access token

     Signs in an application user without any pre-registration. The signature is the
    lowercase hex HMAC-SHA256 of `application_user_id` (UTF-8), keyed with the application's
    HMAC key from the admin console. The returned access token is a short-lived JWT; when it
    expires, calls answer 401 `expired jwt` and the application exchanges a new one.
    Exchanging a token has no side effect, so repeating the call is safe
    (`x-spike-idempotent`: clients may retry it like a GET).

    Args:
        body (HmacTokenRequest): An application user's sign-in, signed with the application's HMAC
            key.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HmacTokenResponse | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: HmacTokenRequest,
) -> HmacTokenResponse | Problem | None:
    """Exchange an HMAC signature for an access token

     Signs in an application user without any pre-registration. The signature is the
    lowercase hex HMAC-SHA256 of `application_user_id` (UTF-8), keyed with the application's
    HMAC key from the admin console. The returned access token is a short-lived JWT; when it
    expires, calls answer 401 `expired jwt` and the application exchanges a new one.
    Exchanging a token has no side effect, so repeating the call is safe
    (`x-spike-idempotent`: clients may retry it like a GET).

    Args:
        body (HmacTokenRequest): An application user's sign-in, signed with the application's HMAC
            key.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HmacTokenResponse | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: HmacTokenRequest,
) -> Response[HmacTokenResponse | Problem]:
    """Exchange an HMAC signature for an access token

     Signs in an application user without any pre-registration. The signature is the
    lowercase hex HMAC-SHA256 of `application_user_id` (UTF-8), keyed with the application's
    HMAC key from the admin console. The returned access token is a short-lived JWT; when it
    expires, calls answer 401 `expired jwt` and the application exchanges a new one.
    Exchanging a token has no side effect, so repeating the call is safe
    (`x-spike-idempotent`: clients may retry it like a GET).

    Args:
        body (HmacTokenRequest): An application user's sign-in, signed with the application's HMAC
            key.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HmacTokenResponse | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: HmacTokenRequest,
) -> HmacTokenResponse | Problem | None:
    """Exchange an HMAC signature for an access token

     Signs in an application user without any pre-registration. The signature is the
    lowercase hex HMAC-SHA256 of `application_user_id` (UTF-8), keyed with the application's
    HMAC key from the admin console. The returned access token is a short-lived JWT; when it
    expires, calls answer 401 `expired jwt` and the application exchanges a new one.
    Exchanging a token has no side effect, so repeating the call is safe
    (`x-spike-idempotent`: clients may retry it like a GET).

    Args:
        body (HmacTokenRequest): An application user's sign-in, signed with the application's HMAC
            key.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HmacTokenResponse | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
