from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.integration_init_url import IntegrationInitUrl
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


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
        "method": "get",
        "url": "/providers/{provider_slug}/integration/init_url".format(
            provider_slug=quote(str(provider_slug), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> IntegrationInitUrl | Problem | None:
    if response.status_code == 200:
        response_200 = IntegrationInitUrl.from_dict(response.json())

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

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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
) -> Response[IntegrationInitUrl | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    provider_slug: str,
    *,
    client: AuthenticatedClient | Client,
    redirect_uri: str | Unset = UNSET,
    state: str | Unset = UNSET,
    provider_user_id: str | Unset = UNSET,
) -> Response[IntegrationInitUrl | Problem]:
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
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[IntegrationInitUrl | Problem]
    """

    kwargs = _get_kwargs(
        provider_slug=provider_slug,
        redirect_uri=redirect_uri,
        state=state,
        provider_user_id=provider_user_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    provider_slug: str,
    *,
    client: AuthenticatedClient | Client,
    redirect_uri: str | Unset = UNSET,
    state: str | Unset = UNSET,
    provider_user_id: str | Unset = UNSET,
) -> IntegrationInitUrl | Problem | None:
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
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        IntegrationInitUrl | Problem
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
) -> Response[IntegrationInitUrl | Problem]:
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
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[IntegrationInitUrl | Problem]
    """

    kwargs = _get_kwargs(
        provider_slug=provider_slug,
        redirect_uri=redirect_uri,
        state=state,
        provider_user_id=provider_user_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    provider_slug: str,
    *,
    client: AuthenticatedClient | Client,
    redirect_uri: str | Unset = UNSET,
    state: str | Unset = UNSET,
    provider_user_id: str | Unset = UNSET,
) -> IntegrationInitUrl | Problem | None:
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
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        IntegrationInitUrl | Problem
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
