from http import HTTPStatus
from typing import Any

from ..._call import Answer, acall, call
from ...client import AuthenticatedClient, Client
from ...models.hmac_token_request import HmacTokenRequest
from ...models.hmac_token_response import HmacTokenResponse
from ...types import Response

_METHOD = "POST"
_PATH = "/auth/hmac"


def _get_kwargs(
    *,
    body: HmacTokenRequest,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "path_params": {},
    }

    _kwargs["json"] = body.to_dict()

    return _kwargs


def _parse_response(response: Answer) -> HmacTokenResponse:
    if response.status_code == 200:
        response_200 = HmacTokenResponse.from_dict(response.json())

        return response_200

    raise AssertionError(f"the runtime let status {response.status_code} through")


def _build_response(response: Answer) -> Response[HmacTokenResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: HmacTokenRequest,
) -> Response[HmacTokenResponse]:
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
        errors.InvalidInputError: An argument breaks the contract; raised before any request.
        errors.AuthenticationError: Spike answered 401.
        errors.InvalidRequestError: Spike answered 400, 413, 422.
        errors.PermissionDeniedError: Spike answered 403.
        errors.RateLimitError: Spike answered 429, once retries are spent or the wait asked for is too long.
        errors.ServerError: Spike answered 5XX, once retries are spent or the wait asked for is too long.
        errors.APITimeoutError: An attempt's timeout or the whole call's deadline ran out.
        errors.APIConnectionError: Spike could not be reached, after retries.
        errors.ContractError: The response breaks the contract (an undocumented status, a body
            that is not the documented JSON, an unsafe URL for the browser, a body over
            `max_response_bytes`).

    Returns:
        Response[HmacTokenResponse]: the status, headers, raw body and the
            parsed `HmacTokenResponse`.
    """

    kwargs = _get_kwargs(
        body=body,
    )
    return _build_response(call(client, _METHOD, _PATH, kwargs))


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: HmacTokenRequest,
) -> HmacTokenResponse:
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
        errors.InvalidInputError: An argument breaks the contract; raised before any request.
        errors.AuthenticationError: Spike answered 401.
        errors.InvalidRequestError: Spike answered 400, 413, 422.
        errors.PermissionDeniedError: Spike answered 403.
        errors.RateLimitError: Spike answered 429, once retries are spent or the wait asked for is too long.
        errors.ServerError: Spike answered 5XX, once retries are spent or the wait asked for is too long.
        errors.APITimeoutError: An attempt's timeout or the whole call's deadline ran out.
        errors.APIConnectionError: Spike could not be reached, after retries.
        errors.ContractError: The response breaks the contract (an undocumented status, a body
            that is not the documented JSON, an unsafe URL for the browser, a body over
            `max_response_bytes`).

    Returns:
        HmacTokenResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: HmacTokenRequest,
) -> Response[HmacTokenResponse]:
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
        errors.InvalidInputError: An argument breaks the contract; raised before any request.
        errors.AuthenticationError: Spike answered 401.
        errors.InvalidRequestError: Spike answered 400, 413, 422.
        errors.PermissionDeniedError: Spike answered 403.
        errors.RateLimitError: Spike answered 429, once retries are spent or the wait asked for is too long.
        errors.ServerError: Spike answered 5XX, once retries are spent or the wait asked for is too long.
        errors.APITimeoutError: An attempt's timeout or the whole call's deadline ran out.
        errors.APIConnectionError: Spike could not be reached, after retries.
        errors.ContractError: The response breaks the contract (an undocumented status, a body
            that is not the documented JSON, an unsafe URL for the browser, a body over
            `max_response_bytes`).

    Returns:
        Response[HmacTokenResponse]: the status, headers, raw body and the
            parsed `HmacTokenResponse`.
    """

    kwargs = _get_kwargs(
        body=body,
    )
    return _build_response(await acall(client, _METHOD, _PATH, kwargs))


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: HmacTokenRequest,
) -> HmacTokenResponse:
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
        errors.InvalidInputError: An argument breaks the contract; raised before any request.
        errors.AuthenticationError: Spike answered 401.
        errors.InvalidRequestError: Spike answered 400, 413, 422.
        errors.PermissionDeniedError: Spike answered 403.
        errors.RateLimitError: Spike answered 429, once retries are spent or the wait asked for is too long.
        errors.ServerError: Spike answered 5XX, once retries are spent or the wait asked for is too long.
        errors.APITimeoutError: An attempt's timeout or the whole call's deadline ran out.
        errors.APIConnectionError: Spike could not be reached, after retries.
        errors.ContractError: The response breaks the contract (an undocumented status, a body
            that is not the documented JSON, an unsafe URL for the browser, a body over
            `max_response_bytes`).

    Returns:
        HmacTokenResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
