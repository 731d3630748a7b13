# Edit openapi/generator/runtime/_client.py, not the copy in generated/.
"""`Client` and `AuthenticatedClient`: the objects every generated endpoint function takes.

They keep the generator's interface (`get_httpx_client`, `with_headers`, ...) and add what
production use needs: a deadline for the whole call, per-attempt timeouts, retries, errors raised
as exceptions, a contract check on every response, a redirect-host allow-list, and credentials
that no repr, log line, error or pickle shows. A client and all its `with_options` /
`with_headers` copies share one plain `httpx.Client` and one `httpx.AsyncClient` per event loop
(`_pools.py`), each made once on first use even when many threads ask at once; the per-call
settings travel with each request.
"""

from __future__ import annotations

import inspect
import ssl
from collections.abc import Callable
from importlib import metadata
from typing import Any, Self
from urllib.parse import urlsplit

import httpx
from attrs import define, evolve, field, frozen

from ._contract import DEFAULT_BASE_URL, RedirectHosts, is_loopback
from ._exceptions import InvalidInputError
from ._pools import Pools
from ._retry import DEFAULT_DEADLINE, Clock, RetryPolicy, checked_deadline
from ._secrets import Secret, checked_header_name, checked_prefix, checked_token

DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
"""Per attempt: 10 s to read, 5 s to connect; the whole call is bounded by `deadline` too."""
DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024
"""Spike's answers are a few hundred bytes; a megabyte leaves room and stops a hostile server."""
DEFAULT_REDIRECT_HOSTS = RedirectHosts([urlsplit(DEFAULT_BASE_URL).hostname or ""])

_POOL_ARGS = ("limits", "http1", "http2", "proxy", "proxies", "cert", "local_address", "uds")
"""`httpx_args` keys that configure httpx's own transport, so they mean nothing beside ours."""
_OURS = {
    "base_url": "base_url=",
    "timeout": "timeout= (per attempt) and deadline= (whole call)",
    "auth": "AuthenticatedClient(token=...)",
    "params": "the operation's own arguments",
}
"""`httpx_args` keys that this client sets itself, and what to use instead."""
ACCEPT = "application/json, application/problem+json"


def _version() -> str:
    try:
        return metadata.version("spike-api-client")
    except metadata.PackageNotFoundError:  # vendored without its metadata
        return "unknown"


USER_AGENT = f"spike-api-client/{_version()}"


def _as_timeout(value: httpx.Timeout | float | None) -> httpx.Timeout:
    if value is None:
        raise InvalidInputError("a timeout is required; pass a number of seconds or httpx.Timeout")
    return value if isinstance(value, httpx.Timeout) else httpx.Timeout(value)


def _as_redirect_hosts(value: Any) -> RedirectHosts:
    return value if isinstance(value, RedirectHosts) else RedirectHosts(value)


def _as_max_bytes(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInputError("max_response_bytes must be a whole number of bytes, 1 or more")
    return value


def _checked_base_url(value: object) -> str:
    """The base URL without a trailing slash; plain http only to a loopback host, so that
    neither a bearer token nor a token-exchange signature crosses a network in clear text."""
    if not isinstance(value, str):
        raise InvalidInputError("base_url must be a str")
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise InvalidInputError(f"base_url must be an absolute http(s) URL, not {value!r}")
    if parts.username is not None or parts.query or parts.fragment:
        raise InvalidInputError("base_url must not carry user info, a query or a fragment")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise InvalidInputError(
            f"base_url {value!r} is plain http to a host that is not loopback: credentials would "
            "cross the network in clear text; use https (plain http is for local mocks)"
        )
    return value.rstrip("/")


@frozen
class CallSettings:
    """What one client (or one `with_options` copy of it) asks of every call."""

    base_url: str
    timeout: httpx.Timeout
    deadline: float
    retry: RetryPolicy
    redirect_hosts: RedirectHosts
    max_response_bytes: int
    secret_names: tuple[str, ...]


HookMap = dict[str, list[Callable[..., Any]]]
_HOOK_EVENTS = ("request", "response")


def _is_async_hook(hook: Callable[..., Any]) -> bool:
    call = getattr(hook, "__call__", None)  # noqa: B004 - an object with an async __call__
    return inspect.iscoroutinefunction(hook) or inspect.iscoroutinefunction(call)


def _hooks_for(value: object, want_async: bool) -> HookMap:
    """The event hooks one kind of httpx client can run: a sync client cannot await an async
    hook, and an async client would await what a sync hook returns (`None`). Hooks of the
    other kind go to the other client; an event whose every hook is of the other kind is
    refused, since that client would silently skip it."""
    if value is None:
        return {}
    if not isinstance(value, dict) or set(value) - set(_HOOK_EVENTS):
        raise InvalidInputError(
            "httpx_args['event_hooks'] maps 'request' and/or 'response' to lists of hooks"
        )
    chosen: HookMap = {}
    for event, hooks in value.items():
        kept = [hook for hook in hooks if _is_async_hook(hook) == want_async]
        if hooks and not kept:
            have, need = ("sync", "async") if want_async else ("async", "sync")
            raise InvalidInputError(
                f"httpx_args['event_hooks'][{event!r}] holds only {have} hooks, which an "
                f"{'async' if want_async else 'sync'} call cannot run: add {need} ones for "
                f"{need} calls (hooks go to the httpx client of their own kind)"
            )
        chosen[event] = kept
    return chosen


@define
class Client:
    """A client for Spike API operations that need no token (the HMAC token exchange).

    Keyword arguments:
        base_url: defaults to Spike's production server from the spec; plain http only to a
            loopback host.
        deadline: seconds the whole call may take, every attempt, backoff and wait included;
            default 30.
        timeout: per attempt, seconds or an `httpx.Timeout`; default 10 s read, 5 s connect.
        max_retries: retries after the first attempt (0 turns them off); default 2.
        retry: a full `RetryPolicy`, when backoff or the `Retry-After` cap must change.
        redirect_hosts: where a returned browser URL may point: `host` (port 443),
            `host:port` or `host:*`; default Spike's host.
        max_response_bytes: longest response body read; default 1 MiB.
        headers, cookies, verify_ssl, follow_redirects: as for httpx.
        httpx_args: more `httpx.Client` arguments (`event_hooks`, `limits`, `http2`, `proxy`,
            `trust_env`, `transport`, `mounts`...); proxies and CA files come from the
            environment as in plain httpx. Its `event_hooks` may hold sync and async hooks:
            each goes to the httpx client of its kind.
        on_new_httpx_client: called with every httpx client this client makes (the sync one,
            and one per event loop), to instrument it (OpenTelemetry's `instrument_client`).
        transport, async_transport: the httpx transports underneath (a mock, a test double).
    """

    _base_url: str = field(
        default=DEFAULT_BASE_URL, kw_only=True, alias="base_url", converter=_checked_base_url
    )
    _deadline: float = field(
        default=DEFAULT_DEADLINE, kw_only=True, alias="deadline", converter=checked_deadline
    )
    _timeout: httpx.Timeout = field(
        default=DEFAULT_TIMEOUT, kw_only=True, alias="timeout", converter=_as_timeout
    )
    _retry: RetryPolicy = field(factory=RetryPolicy, kw_only=True, alias="retry")
    _max_retries: int | None = field(default=None, kw_only=True, alias="max_retries", repr=False)
    _redirect_hosts: RedirectHosts = field(
        default=DEFAULT_REDIRECT_HOSTS,
        kw_only=True,
        alias="redirect_hosts",
        converter=_as_redirect_hosts,
    )
    _max_response_bytes: int = field(
        default=DEFAULT_MAX_RESPONSE_BYTES,
        kw_only=True,
        alias="max_response_bytes",
        converter=_as_max_bytes,
        repr=False,
    )
    _headers: dict[str, str] = field(factory=dict, kw_only=True, alias="headers", repr=False)
    _cookies: dict[str, str] = field(factory=dict, kw_only=True, alias="cookies", repr=False)
    _verify_ssl: str | bool | ssl.SSLContext = field(
        default=True, kw_only=True, alias="verify_ssl", repr=False
    )
    _follow_redirects: bool = field(default=False, kw_only=True, alias="follow_redirects")
    _httpx_args: dict[str, Any] = field(factory=dict, kw_only=True, alias="httpx_args", repr=False)
    _transport: httpx.BaseTransport | None = field(
        default=None, kw_only=True, alias="transport", repr=False
    )
    _async_transport: httpx.AsyncBaseTransport | None = field(
        default=None, kw_only=True, alias="async_transport", repr=False
    )
    _on_new_httpx_client: Callable[[httpx.Client | httpx.AsyncClient], Any] | None = field(
        default=None, kw_only=True, alias="on_new_httpx_client", repr=False
    )
    raise_on_unexpected_status: bool = field(default=True, kw_only=True, repr=False)
    """Kept for the generator's interface; every failure raises whatever it says."""
    _pool: Pools = field(factory=Pools, kw_only=True, alias="pool", repr=False, eq=False)
    _within: Clock | None = field(default=None, kw_only=True, alias="within", repr=False, eq=False)
    """The clock of a call this client's calls run inside (a token exchange within the call
    that needed the token): they end when it does, and their errors name its deadline."""
    _owns_pool: bool = field(default=True, kw_only=True, alias="owns_pool", repr=False)
    _settings: CallSettings | None = field(default=None, init=False, repr=False, eq=False)
    _header_cache: dict[str, str] | None = field(default=None, init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        if self._max_retries is not None:
            self._retry = evolve(self._retry, max_retries=self._max_retries)
            self._max_retries = None
        for key, instead in _OURS.items():
            if key in self._httpx_args:
                raise InvalidInputError(f"httpx_args[{key!r}] is not used; set {instead}")
        given = self._httpx_args.get("event_hooks")
        if given is not None and (not isinstance(given, dict) or set(given) - set(_HOOK_EVENTS)):
            raise InvalidInputError(
                "httpx_args['event_hooks'] maps 'request' and/or 'response' to lists of hooks"
            )
        self._pool_problem(self._transport or self._httpx_args.get("transport"), "transport")
        self._pool_problem(self._async_transport or self._httpx_args.get("transport"), "async")
        self._settings = CallSettings(
            base_url=self._base_url,
            timeout=self._timeout,
            deadline=self._deadline,
            retry=self._retry,
            redirect_hosts=self._redirect_hosts,
            max_response_bytes=self._max_response_bytes,
            secret_names=self._secret_header_names(),
        )

    def _pool_problem(self, transport: object, which: str) -> None:
        """Refuse connection settings that a caller's own transport would silently drop."""
        if transport is None:
            return
        given = [key for key in _POOL_ARGS if key in self._httpx_args]
        if self._verify_ssl is not True:
            given.append("verify_ssl")
        if given:
            raise InvalidInputError(
                f"{', '.join(given)} configure httpx's own connection pool and would be ignored "
                f"beside your {which} transport: configure that transport instead"
            )

    def _secret_header_names(self) -> tuple[str, ...]:
        return ()

    # Settings ---------------------------------------------------------------------------
    @property
    def settings(self) -> CallSettings:
        """The settings every call of this client uses."""
        assert self._settings is not None
        return self._settings

    def _call_settings(self) -> CallSettings:
        assert self._settings is not None
        return self._settings

    def with_options(
        self,
        *,
        deadline: float | None = None,
        timeout: httpx.Timeout | float | None = None,
        max_retries: int | None = None,
        retry: RetryPolicy | None = None,
        redirect_hosts: Any = None,
        max_response_bytes: int | None = None,
    ) -> Self:
        """A copy with other call settings that shares this client's connections.

        Use it per call: `op.sync(client=client.with_options(deadline=5), ...)`.
        """
        policy = retry or self._retry
        if max_retries is not None:
            policy = evolve(policy, max_retries=max_retries)
        return evolve(
            self,
            deadline=self._deadline if deadline is None else deadline,
            timeout=self._timeout if timeout is None else timeout,
            retry=policy,
            redirect_hosts=self._redirect_hosts if redirect_hosts is None else redirect_hosts,
            max_response_bytes=(
                self._max_response_bytes if max_response_bytes is None else max_response_bytes
            ),
            pool=self._pool,
            owns_pool=False,
        )

    def _under(self, clock: Clock) -> Self:
        """A copy whose calls run inside another call's time budget."""
        return evolve(self, within=clock, pool=self._pool, owns_pool=False)

    def with_headers(self, headers: dict[str, str]) -> Self:
        """A copy that sends these headers too (sharing connections)."""
        return evolve(self, headers={**self._headers, **headers}, pool=self._pool, owns_pool=False)

    def with_cookies(self, cookies: dict[str, str]) -> Self:
        """A copy that sends these cookies too (sharing connections)."""
        return evolve(self, cookies={**self._cookies, **cookies}, pool=self._pool, owns_pool=False)

    def with_timeout(self, timeout: httpx.Timeout) -> Self:
        """A copy with another per-attempt timeout (sharing connections)."""
        return self.with_options(timeout=timeout)

    # Credentials (overridden by the authenticated clients) -------------------------------
    def _credential(self, clock: Clock | None = None) -> tuple[str, str] | None:
        """(header name, value) to send on operations that need a credential, or None;
        `clock` is the calling call's, should getting the credential take a request."""
        return None

    async def _acredential(self, clock: Clock | None = None) -> tuple[str, str] | None:
        return self._credential(clock)

    def _credential_rejected(self, value: str) -> bool:
        """Spike refused `value` as expired or invalid: forget it, and say whether a fresh
        one can be had (then the call is tried once more)."""
        return False

    # httpx clients ----------------------------------------------------------------------
    def _httpx_kwargs(self, transport: Any, want_async: bool) -> dict[str, Any]:
        kwargs = dict(self._httpx_args)
        kwargs.pop("transport", None)
        kwargs["event_hooks"] = _hooks_for(self._httpx_args.get("event_hooks"), want_async)
        if transport is not None:
            kwargs["transport"] = transport
        else:
            kwargs["verify"] = self._verify_ssl
        return {"follow_redirects": self._follow_redirects, **kwargs}

    def _new_sync(self) -> httpx.Client:
        transport = self._transport or self._httpx_args.get("transport")
        client = httpx.Client(**self._httpx_kwargs(transport, want_async=False))
        if self._on_new_httpx_client is not None:
            self._on_new_httpx_client(client)
        return client

    def _new_async(self) -> httpx.AsyncClient:
        transport = self._async_transport or self._httpx_args.get("transport")
        client = httpx.AsyncClient(**self._httpx_kwargs(transport, want_async=True))
        if self._on_new_httpx_client is not None:
            self._on_new_httpx_client(client)
        return client

    def set_httpx_client(self, client: httpx.Client) -> Self:
        """Send through your own httpx.Client (its transport, hooks, proxies); the calls still
        get this client's deadline, retries, errors and contract checks."""
        with self._pool.lock:
            self._pool.sync = client
        self._header_cache = None
        return self

    def get_httpx_client(self) -> httpx.Client:
        """The httpx.Client every call of this client and its copies goes through."""
        return self._pool.sync_client(self._new_sync)

    def set_async_httpx_client(self, async_client: httpx.AsyncClient) -> Self:
        """Use your own httpx.AsyncClient (see `set_httpx_client`): from every event loop, as
        it is (httpx ties its connections to the loop that opened them)."""
        with self._pool.lock:
            self._pool.given_async = async_client
        self._header_cache = None
        return self

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        """The httpx.AsyncClient async calls from the running event loop await: one per loop,
        made on the loop's first call and closed when the loop shuts down (async twin of
        `get_httpx_client`: change both together)."""
        return self._pool.async_client(self._new_async)

    def _base_headers(self) -> dict[str, str]:
        """httpx's default headers and any from `httpx_args`, then ours, made once."""
        if self._header_cache is None:
            made = self._pool.any_client()
            if made is None:
                raise RuntimeError("the httpx client is made before the first request")
            defaults = dict(made.headers)
            headers = {**defaults, "accept": ACCEPT}
            headers["user-agent"] = f"{USER_AGENT} {defaults.get('user-agent', '')}".strip()
            headers.update(self._headers)
            if self._cookies:
                headers["cookie"] = "; ".join(f"{k}={v}" for k, v in self._cookies.items())
            self._header_cache = headers
        return self._header_cache

    # Lifetime ---------------------------------------------------------------------------
    def close(self) -> None:
        """Close every connection this client opened: the sync pool and each event loop's
        (in its own loop); copies leave them to the client they came from."""
        if self._owns_pool:
            self._pool.close()

    async def aclose(self) -> None:
        """Async twin of `close`: it also closes everything, this loop's pool awaited."""
        if self._owns_pool:
            await self._pool.aclose()

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
    """A client that sends `Authorization: Bearer <token>` on operations that need it.

    The token is checked when the client is made (no whitespace, ASCII, RFC 6750 characters)
    and kept out of `repr`, `str`, `attrs.asdict`, log lines, errors and pickles. Assigning
    `client.token` takes effect on the next call.
    """

    _token: Secret[str] = field(kw_only=True, alias="token", converter=checked_token, repr=False)
    prefix: str = field(default="Bearer", kw_only=True, validator=lambda *a: checked_prefix(a[2]))
    auth_header_name: str = field(
        default="Authorization", kw_only=True, validator=lambda *a: checked_header_name(a[2])
    )

    @property
    def token(self) -> str:
        return self._token.reveal()

    @token.setter
    def token(self, value: str) -> None:
        self._token = checked_token(value)

    def _secret_header_names(self) -> tuple[str, ...]:
        return (self.auth_header_name.lower(),)

    def _credential(self, clock: Clock | None = None) -> tuple[str, str]:
        token = self._token.reveal()
        return self.auth_header_name, f"{self.prefix} {token}" if self.prefix else token
