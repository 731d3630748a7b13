from http import HTTPStatus
from typing import Any

from ..._call import Answer, acall, call
from ...client import AuthenticatedClient, Client
from ...models.integration_init_url import IntegrationInitUrl
from ...types import UNSET, Response, Unset

_METHOD = "GET"
_PATH = "/providers/{provider_slug}/integration/init_url"


def _get_kwargs(
    provider_slug: str,
    *,
    redirect_uri: str | Unset = UNSET,
    state: str | Unset = UNSET,
    provider_user_id: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["redirect_uri"] = redirect_uri

    params["state"] = state

    params["provider_user_id"] = provider_user_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "path_params": {
            "provider_slug": provider_slug,
        },
        "params": params,
    }

    return _kwargs


def _parse_response(response: Answer) -> IntegrationInitUrl:
    if response.status_code == 200:
        response_200 = IntegrationInitUrl.from_dict(response.json())

        return response_200

    raise AssertionError(f"the runtime let status {response.status_code} through")


def _build_response(response: Answer) -> Response[IntegrationInitUrl]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(response),
    )


def sync_detailed(
    provider_slug: str,
    *,
    client: AuthenticatedClient | Client,
    redirect_uri: str | Unset = UNSET,
    state: str | Unset = UNSET,
    provider_user_id: str | Unset = UNSET,
) -> Response[IntegrationInitUrl]:
    """Get the URL that starts a provider integration

     Returns the URL to which the application redirects its user's browser to start the
    provider's consent flow. The URL points at Spike
    (`/providers/{provider_slug}/integration/init/ic/{ic}`), which redirects on to the
    provider. SDK-only providers (`apple`, `health_connect`, `samsung_health_data`) are
    integrated through Spike's mobile SDKs and are refused here.

    Args:
        provider_slug (str): A provider's canonical lowercase name; open to values this contract
            does not list.
        redirect_uri (str | Unset): Where the user lands when the flow ends. Its domain must be on
            the application's
            allow-list of redirect domains in the admin console (this stops open redirects);
            mobile deep links are allowed. Defaults to the application's redirect URL.
        state (str | Unset): Any non-empty string; handed back to `redirect_uri` as the `state`
            query
            parameter. Leave it out rather than send it empty: OpenAPI query parameters
            refuse empty values unless they declare `allowEmptyValue`.
        provider_user_id (str | Unset): The user's id at the provider. Required by providers whose
            entry in
            `x-spike-providers` says `requires_provider_user_id` (Ultrahuman: the user's email).

    Raises:
        errors.InvalidInputError: An argument breaks the contract; raised before any request.
        errors.AuthenticationError: Spike answered 401.
        errors.InvalidRequestError: Spike answered 400, 422.
        errors.NotFoundError: Spike answered 404.
        errors.PermissionDeniedError: Spike answered 403.
        errors.RateLimitError: Spike answered 429, once retries are spent or the wait asked for is too long.
        errors.ServerError: Spike answered 5XX, once retries are spent or the wait asked for is too long.
        errors.APITimeoutError: An attempt's timeout or the whole call's deadline ran out.
        errors.APIConnectionError: Spike could not be reached, after retries.
        errors.ContractError: The response breaks the contract (an undocumented status, a body
            that is not the documented JSON, an unsafe URL for the browser, a body over
            `max_response_bytes`).

    Returns:
        Response[IntegrationInitUrl]: the status, headers, raw body and the
            parsed `IntegrationInitUrl`.
    """

    kwargs = _get_kwargs(
        provider_slug=provider_slug,
        redirect_uri=redirect_uri,
        state=state,
        provider_user_id=provider_user_id,
    )
    return _build_response(call(client, _METHOD, _PATH, kwargs))


def sync(
    provider_slug: str,
    *,
    client: AuthenticatedClient | Client,
    redirect_uri: str | Unset = UNSET,
    state: str | Unset = UNSET,
    provider_user_id: str | Unset = UNSET,
) -> IntegrationInitUrl:
    """Get the URL that starts a provider integration

     Returns the URL to which the application redirects its user's browser to start the
    provider's consent flow. The URL points at Spike
    (`/providers/{provider_slug}/integration/init/ic/{ic}`), which redirects on to the
    provider. SDK-only providers (`apple`, `health_connect`, `samsung_health_data`) are
    integrated through Spike's mobile SDKs and are refused here.

    Args:
        provider_slug (str): A provider's canonical lowercase name; open to values this contract
            does not list.
        redirect_uri (str | Unset): Where the user lands when the flow ends. Its domain must be on
            the application's
            allow-list of redirect domains in the admin console (this stops open redirects);
            mobile deep links are allowed. Defaults to the application's redirect URL.
        state (str | Unset): Any non-empty string; handed back to `redirect_uri` as the `state`
            query
            parameter. Leave it out rather than send it empty: OpenAPI query parameters
            refuse empty values unless they declare `allowEmptyValue`.
        provider_user_id (str | Unset): The user's id at the provider. Required by providers whose
            entry in
            `x-spike-providers` says `requires_provider_user_id` (Ultrahuman: the user's email).

    Raises:
        errors.InvalidInputError: An argument breaks the contract; raised before any request.
        errors.AuthenticationError: Spike answered 401.
        errors.InvalidRequestError: Spike answered 400, 422.
        errors.NotFoundError: Spike answered 404.
        errors.PermissionDeniedError: Spike answered 403.
        errors.RateLimitError: Spike answered 429, once retries are spent or the wait asked for is too long.
        errors.ServerError: Spike answered 5XX, once retries are spent or the wait asked for is too long.
        errors.APITimeoutError: An attempt's timeout or the whole call's deadline ran out.
        errors.APIConnectionError: Spike could not be reached, after retries.
        errors.ContractError: The response breaks the contract (an undocumented status, a body
            that is not the documented JSON, an unsafe URL for the browser, a body over
            `max_response_bytes`).

    Returns:
        IntegrationInitUrl
    """

    return sync_detailed(
        provider_slug=provider_slug,
        client=client,
        redirect_uri=redirect_uri,
        state=state,
        provider_user_id=provider_user_id,
    ).parsed


async def asyncio_detailed(
    provider_slug: str,
    *,
    client: AuthenticatedClient | Client,
    redirect_uri: str | Unset = UNSET,
    state: str | Unset = UNSET,
    provider_user_id: str | Unset = UNSET,
) -> Response[IntegrationInitUrl]:
    """Get the URL that starts a provider integration

     Returns the URL to which the application redirects its user's browser to start the
    provider's consent flow. The URL points at Spike
    (`/providers/{provider_slug}/integration/init/ic/{ic}`), which redirects on to the
    provider. SDK-only providers (`apple`, `health_connect`, `samsung_health_data`) are
    integrated through Spike's mobile SDKs and are refused here.

    Args:
        provider_slug (str): A provider's canonical lowercase name; open to values this contract
            does not list.
        redirect_uri (str | Unset): Where the user lands when the flow ends. Its domain must be on
            the application's
            allow-list of redirect domains in the admin console (this stops open redirects);
            mobile deep links are allowed. Defaults to the application's redirect URL.
        state (str | Unset): Any non-empty string; handed back to `redirect_uri` as the `state`
            query
            parameter. Leave it out rather than send it empty: OpenAPI query parameters
            refuse empty values unless they declare `allowEmptyValue`.
        provider_user_id (str | Unset): The user's id at the provider. Required by providers whose
            entry in
            `x-spike-providers` says `requires_provider_user_id` (Ultrahuman: the user's email).

    Raises:
        errors.InvalidInputError: An argument breaks the contract; raised before any request.
        errors.AuthenticationError: Spike answered 401.
        errors.InvalidRequestError: Spike answered 400, 422.
        errors.NotFoundError: Spike answered 404.
        errors.PermissionDeniedError: Spike answered 403.
        errors.RateLimitError: Spike answered 429, once retries are spent or the wait asked for is too long.
        errors.ServerError: Spike answered 5XX, once retries are spent or the wait asked for is too long.
        errors.APITimeoutError: An attempt's timeout or the whole call's deadline ran out.
        errors.APIConnectionError: Spike could not be reached, after retries.
        errors.ContractError: The response breaks the contract (an undocumented status, a body
            that is not the documented JSON, an unsafe URL for the browser, a body over
            `max_response_bytes`).

    Returns:
        Response[IntegrationInitUrl]: the status, headers, raw body and the
            parsed `IntegrationInitUrl`.
    """

    kwargs = _get_kwargs(
        provider_slug=provider_slug,
        redirect_uri=redirect_uri,
        state=state,
        provider_user_id=provider_user_id,
    )
    return _build_response(await acall(client, _METHOD, _PATH, kwargs))


async def asyncio(
    provider_slug: str,
    *,
    client: AuthenticatedClient | Client,
    redirect_uri: str | Unset = UNSET,
    state: str | Unset = UNSET,
    provider_user_id: str | Unset = UNSET,
) -> IntegrationInitUrl:
    """Get the URL that starts a provider integration

     Returns the URL to which the application redirects its user's browser to start the
    provider's consent flow. The URL points at Spike
    (`/providers/{provider_slug}/integration/init/ic/{ic}`), which redirects on to the
    provider. SDK-only providers (`apple`, `health_connect`, `samsung_health_data`) are
    integrated through Spike's mobile SDKs and are refused here.

    Args:
        provider_slug (str): A provider's canonical lowercase name; open to values this contract
            does not list.
        redirect_uri (str | Unset): Where the user lands when the flow ends. Its domain must be on
            the application's
            allow-list of redirect domains in the admin console (this stops open redirects);
            mobile deep links are allowed. Defaults to the application's redirect URL.
        state (str | Unset): Any non-empty string; handed back to `redirect_uri` as the `state`
            query
            parameter. Leave it out rather than send it empty: OpenAPI query parameters
            refuse empty values unless they declare `allowEmptyValue`.
        provider_user_id (str | Unset): The user's id at the provider. Required by providers whose
            entry in
            `x-spike-providers` says `requires_provider_user_id` (Ultrahuman: the user's email).

    Raises:
        errors.InvalidInputError: An argument breaks the contract; raised before any request.
        errors.AuthenticationError: Spike answered 401.
        errors.InvalidRequestError: Spike answered 400, 422.
        errors.NotFoundError: Spike answered 404.
        errors.PermissionDeniedError: Spike answered 403.
        errors.RateLimitError: Spike answered 429, once retries are spent or the wait asked for is too long.
        errors.ServerError: Spike answered 5XX, once retries are spent or the wait asked for is too long.
        errors.APITimeoutError: An attempt's timeout or the whole call's deadline ran out.
        errors.APIConnectionError: Spike could not be reached, after retries.
        errors.ContractError: The response breaks the contract (an undocumented status, a body
            that is not the documented JSON, an unsafe URL for the browser, a body over
            `max_response_bytes`).

    Returns:
        IntegrationInitUrl
    """

    return (
        await asyncio_detailed(
            provider_slug=provider_slug,
            client=client,
            redirect_uri=redirect_uri,
            state=state,
            provider_user_id=provider_user_id,
        )
    ).parsed
