"""`Client` and `AuthenticatedClient`: the objects every generated endpoint function takes.

They keep the generator's interface (`get_httpx_client`, `with_headers`, ...), so the
generated modules work unchanged, and add what production use needs: a finite default
timeout, retries, errors raised as exceptions, a contract check on every response, a
redirect-host allow-list, and a repr that never shows the token.
"""

from __future__ import annotations

import ssl
from typing import Any, Self
from urllib.parse import urlsplit

import httpx
from attrs import define, evolve, field

from ._contract import DEFAULT_BASE_URL
from ._retry import RetryPolicy
from ._transport import AsyncSpikeTransport, CallSettings, SpikeTransport

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
"""30 s to read, 5 s to connect: finite, unlike the generator's default of none at all."""

DEFAULT_REDIRECT_HOSTS = frozenset({urlsplit(DEFAULT_BASE_URL).hostname or ""})


def _as_timeout(value: httpx.Timeout | float | None) -> httpx.Timeout:
    if value is None:
        raise ValueError("a timeout is required; pass a number of seconds or httpx.Timeout")
    return value if isinstance(value, httpx.Timeout) else httpx.Timeout(value)


def _as_hosts(value: Any) -> frozenset[str]:
    if isinstance(value, str):
        value = [value]
    return frozenset(str(host).lower() for host in value)


_POOL_ARGS = ("limits", "http1", "http2", "proxy", "cert", "local_address", "uds")
"""`httpx_args` keys that configure connections, which httpx takes only on a transport."""


_URL_MEMO_SIZE = 256
"""Distinct request URLs remembered per httpx client: one per provider slug and operation."""


class _MemoisedUrls(httpx._client.BaseClient):
    """httpx clients that merge a relative URL with `base_url` once, not on every call.

    httpx parses the merged URL afresh for each request; with a `base_url` that is a third of
    what a call costs in-process, and the generated functions ask for the same few URLs again
    and again. The merge itself is still httpx's own; only its result is kept, for as long as
    `base_url` stays the same.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._merged_urls: dict[str, httpx.URL] = {}
        self._merged_for = self.base_url

    def _merge_url(self, url: httpx.URL | str) -> httpx.URL:
        if not isinstance(url, str):
            return super()._merge_url(url)
        if self._merged_for is not self.base_url:
            self._merged_urls = {}
            self._merged_for = self.base_url
        merged = self._merged_urls.get(url)
        if merged is None:
            merged = super()._merge_url(url)
            if len(self._merged_urls) < _URL_MEMO_SIZE:
                self._merged_urls[url] = merged
        return merged


class _HttpxClient(_MemoisedUrls, httpx.Client):
    """The sync httpx client that the generated functions call."""


class _AsyncHttpxClient(_MemoisedUrls, httpx.AsyncClient):
    """The async httpx client that the generated functions await."""


@define
class _Pool:
    """The connections that a client shares with its `with_options` copies."""

    sync: httpx.BaseTransport | None = None
    async_: httpx.AsyncBaseTransport | None = None


@define
class Client:
    """A client for Spike API operations that need no token (the HMAC token exchange).

    Keyword arguments:
        base_url: defaults to Spike's production server from the spec.
        timeout: seconds or an `httpx.Timeout`; default 30 s read, 5 s connect.
        max_retries: retries after the first attempt (0 turns them off); default 2.
        retry: a full `RetryPolicy`, when backoff or the `Retry-After` cap must change.
        redirect_hosts: hosts a returned browser URL may point at; default Spike's host.
        headers, cookies, verify_ssl, follow_redirects, httpx_args: as for httpx.
        transport, async_transport: the httpx transports underneath (a mock, a proxy setup);
            they keep their connections across `with_options` copies.
    """

    _base_url: str = field(default=DEFAULT_BASE_URL, kw_only=True, alias="base_url")
    _timeout: httpx.Timeout = field(default=DEFAULT_TIMEOUT, kw_only=True, alias="timeout", converter=_as_timeout)
    _retry: RetryPolicy = field(factory=RetryPolicy, kw_only=True, alias="retry")
    _max_retries: int | None = field(default=None, kw_only=True, alias="max_retries", repr=False)
    _redirect_hosts: frozenset[str] = field(
        default=DEFAULT_REDIRECT_HOSTS, kw_only=True, alias="redirect_hosts", converter=_as_hosts
    )
    _headers: dict[str, str] = field(factory=dict, kw_only=True, alias="headers", repr=False)
    _cookies: dict[str, str] = field(factory=dict, kw_only=True, alias="cookies", repr=False)
    _verify_ssl: str | bool | ssl.SSLContext = field(default=True, kw_only=True, alias="verify_ssl", repr=False)
    _follow_redirects: bool = field(default=False, kw_only=True, alias="follow_redirects")
    _httpx_args: dict[str, Any] = field(factory=dict, kw_only=True, alias="httpx_args", repr=False)
    _transport: httpx.BaseTransport | None = field(default=None, kw_only=True, alias="transport", repr=False)
    _async_transport: httpx.AsyncBaseTransport | None = field(
        default=None, kw_only=True, alias="async_transport", repr=False
    )
    raise_on_unexpected_status: bool = field(default=True, kw_only=True, repr=False)
    """Always effectively true: undocumented statuses raise `ContractError`."""
    _pool: _Pool = field(factory=_Pool, kw_only=True, alias="pool", repr=False)
    _owns_pool: bool = field(default=True, kw_only=True, alias="owns_pool", repr=False)
    _client: httpx.Client | None = field(default=None, init=False, repr=False)
    _async_client: httpx.AsyncClient | None = field(default=None, init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if self._max_retries is not None:
            self._retry = evolve(self._retry, max_retries=self._max_retries)
            self._max_retries = None

    # Settings ---------------------------------------------------------------------------
    @property
    def settings(self) -> CallSettings:
        return CallSettings(retry=self._retry, redirect_hosts=self._redirect_hosts)

    def _request_headers(self) -> dict[str, str]:
        return dict(self._headers)

    def with_options(
        self,
        *,
        timeout: httpx.Timeout | float | None = None,
        max_retries: int | None = None,
        retry: RetryPolicy | None = None,
        redirect_hosts: Any = None,
    ) -> Self:
        """A copy with other call settings that shares this client's connections.

        Use it per call: `op.sync(client=client.with_options(max_retries=0), ...)`.
        """
        policy = retry or self._retry
        if max_retries is not None:
            policy = evolve(policy, max_retries=max_retries)
        return evolve(
            self,
            timeout=self._timeout if timeout is None else timeout,
            retry=policy,
            redirect_hosts=self._redirect_hosts if redirect_hosts is None else redirect_hosts,
            pool=self._pool,
            owns_pool=False,
        )

    def with_headers(self, headers: dict[str, str]) -> Self:
        """A copy that sends these headers too (sharing connections)."""
        return evolve(self, headers={**self._headers, **headers}, owns_pool=False)

    def with_cookies(self, cookies: dict[str, str]) -> Self:
        """A copy that sends these cookies too (sharing connections)."""
        return evolve(self, cookies={**self._cookies, **cookies}, owns_pool=False)

    def with_timeout(self, timeout: httpx.Timeout) -> Self:
        """A copy with another timeout (sharing connections)."""
        return self.with_options(timeout=timeout)

    # httpx clients ----------------------------------------------------------------------
    def _split_httpx_args(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """(client arguments, connection-pool arguments) out of `httpx_args`.

        The client always hands httpx its own transport, and httpx ignores `limits`, `http2`,
        `proxy` and the like once a transport is given; so those go to the pool instead of
        being dropped without a word.
        """
        client_args = dict(self._httpx_args)
        pool_args = {key: client_args.pop(key) for key in _POOL_ARGS if key in client_args}
        return client_args, pool_args

    def _inner_sync(self) -> httpx.BaseTransport:
        if self._pool.sync is None:
            self._pool.sync = self._transport or httpx.HTTPTransport(
                verify=self._verify_ssl, **self._split_httpx_args()[1]
            )
        return self._pool.sync

    def _inner_async(self) -> httpx.AsyncBaseTransport:
        if self._pool.async_ is None:
            self._pool.async_ = self._async_transport or httpx.AsyncHTTPTransport(
                verify=self._verify_ssl, **self._split_httpx_args()[1]
            )
        return self._pool.async_

    def set_httpx_client(self, client: httpx.Client) -> Self:
        """Use your own httpx.Client. It bypasses retries, errors and contract checks
        unless its transport is a `SpikeTransport`."""
        self._client = client
        return self

    def get_httpx_client(self) -> httpx.Client:
        """The httpx.Client the generated functions call, made on first use."""
        if self._client is None:
            self._client = _HttpxClient(
                base_url=self._base_url,
                cookies=self._cookies,
                headers=self._request_headers(),
                timeout=self._timeout,
                follow_redirects=self._follow_redirects,
                transport=SpikeTransport(self._inner_sync(), self.settings),
                **self._split_httpx_args()[0],
            )
        return self._client

    def set_async_httpx_client(self, async_client: httpx.AsyncClient) -> Self:
        """Use your own httpx.AsyncClient (see `set_httpx_client`)."""
        self._async_client = async_client
        return self

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        """The httpx.AsyncClient the generated functions await, made on first use."""
        if self._async_client is None:
            self._async_client = _AsyncHttpxClient(
                base_url=self._base_url,
                cookies=self._cookies,
                headers=self._request_headers(),
                timeout=self._timeout,
                follow_redirects=self._follow_redirects,
                transport=AsyncSpikeTransport(self._inner_async(), self.settings),
                **self._split_httpx_args()[0],
            )
        return self._async_client

    # Lifetime ---------------------------------------------------------------------------
    def close(self) -> None:
        """Close this client; the root client also closes the shared connections."""
        if self._client is not None:
            self._client.close()
        if self._owns_pool and self._pool.sync is not None:
            self._pool.sync.close()
            self._pool.sync = None

    async def aclose(self) -> None:
        """Async twin of `close`."""
        if self._async_client is not None:
            await self._async_client.aclose()
        if self._owns_pool and self._pool.async_ is not None:
            await self._pool.async_.aclose()
            self._pool.async_ = None

    def __enter__(self) -> Self:
        self.get_httpx_client()
        return self

    def __exit__(self, *args: object) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        self.get_async_httpx_client()
        return self

    async def __aexit__(self, *args: object) -> None:
        await self.aclose()


@define
class AuthenticatedClient(Client):
    """A client that sends `Authorization: Bearer <token>` on every call.

    The token is kept out of `repr`, `str`, log lines and exception messages.
    """

    token: str = field(kw_only=True, repr=False)
    prefix: str = field(default="Bearer", kw_only=True)
    auth_header_name: str = field(default="Authorization", kw_only=True)

    def _request_headers(self) -> dict[str, str]:
        value = f"{self.prefix} {self.token}" if self.prefix else self.token
        return {**self._headers, self.auth_header_name: value}
