# Edit openapi/generator/runtime/_tokens.py, not the copy in generated/.
"""Per-user bearer tokens for one application: exchanged on first use, kept until shortly
before they expire, and exchanged once however many callers ask at the same moment.

A service acts for thousands of users; without this every team wrote its own cache, its own
refresh on `401 expired jwt` and its own locking. The cache is bounded (least recently used
users are dropped), keeps tokens as `Secret`s, and caches nothing when an exchange fails.

One exchange per user holds across threads, sync and async calls and event loops (one flight,
which threads wait on with an event and event loops with a future the leader resolves from
any thread). Behind several processes, a `TokenStore` (the `redis` extra has one) shares the
tokens and the one-exchange rule between them; this process's cache stays in front of it, so
a warm call never leaves the process.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import copy
import json
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Protocol

import anyio

from ._exceptions import SpikeError
from ._retry import Clock
from ._secrets import Secret

DEFAULT_MAX_USERS = 10_000
DEFAULT_TOKEN_TTL = 900.0
"""Seconds to keep a token whose expiry cannot be read (not a JWT, or no `exp`)."""
DEFAULT_REFRESH_MARGIN = 60.0
"""Seconds before a token's `exp` at which a fresh one is exchanged instead."""


def expiry_of(token: str) -> float | None:
    """The JWT's `exp` in seconds since the epoch, read without verifying it, or None."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except (ValueError, binascii.Error):
        return None
    exp = claims.get("exp") if isinstance(claims, dict) else None
    if isinstance(exp, bool) or not isinstance(exp, (int, float)) or not math.isfinite(exp):
        return None
    return float(exp)


class TokenStore(Protocol):
    """Tokens shared by every process of a service, and the one-exchange rule between them.

    `spike_api_client.redis_stores.RedisTokenStore` is one; another database can be one by
    the same four methods (and `tests`' conformance suite). Each method gets the calling
    call's `Clock` and must return or raise within what is left of it. A store that fails
    (unreachable, slow) raises any exception: the cache then exchanges a token in this
    process alone and says so in a log record, so a service keeps working without it.
    """

    def get(self, user: str, clock: Clock) -> tuple[str, float] | None:
        """The user's shared token and the time it is good until, or None."""
        ...

    def put(self, user: str, token: str, good_until: float, clock: Clock) -> None:
        """Share the user's token until `good_until` (seconds since the epoch)."""
        ...

    def forget(self, user: str, token: str, clock: Clock) -> None:
        """Drop the user's shared token if it is still `token`."""
        ...

    def lead(self, user: str, clock: Clock) -> Callable[[], None] | None:
        """Try to become the one process that exchanges for `user` now: a release function
        when this process leads, None when another does (then wait and `get` again). A lead
        must expire by itself, so a process that dies while leading blocks no one for long."""
        ...


class _Flight:
    """One exchange in progress for one user; callers from any thread or event loop wait for
    its outcome. When the leader was interrupted (cancelled, not failed), there is no
    outcome: waiters try again."""

    def __init__(self) -> None:
        self.token: Secret[str] | None = None
        self.error: Exception | None = None
        self.done = threading.Event()
        self._lock = threading.Lock()
        self._futures: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = []

    def outcome(self) -> Secret[str] | None:
        if self.error is not None:
            # Each waiter raises its own copy: one object raised in many threads or tasks
            # would pile up their tracebacks. Our errors copy through their pickle form.
            raise copy.copy(self.error) if isinstance(self.error, SpikeError) else self.error
        return self.token

    def finish(self) -> None:
        with self._lock:
            self.done.set()
            futures, self._futures = self._futures, []
        for loop, future in futures:
            if not loop.is_closed():
                loop.call_soon_threadsafe(_resolve, future)

    async def wait(self) -> None:
        """Until the flight is done, from any event loop (the caller's cancel scope bounds
        it). asyncio waits on a future; other loops (trio) look again every few ms."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            delay = 0.001
            while not self.done.is_set():
                await anyio.sleep(delay)
                delay = min(delay * 2, 0.02)
            return
        future = loop.create_future()
        with self._lock:
            if self.done.is_set():
                return
            self._futures.append((loop, future))
        await future


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class TokenCache:
    """Tokens by application user id, shared by an application client and all its views;
    with a `TokenStore`, by every process of the service too."""

    def __init__(
        self,
        max_users: int,
        ttl: float,
        refresh_margin: float,
        store: TokenStore | None = None,
        scope: str = "",
    ) -> None:
        self.max_users, self.ttl, self.refresh_margin = max_users, ttl, refresh_margin
        self.store = store
        self.scope = scope
        """What tells this application's users apart from another's in a shared store."""
        self._lock = threading.Lock()
        self._tokens: OrderedDict[str, tuple[Secret[str], float]] = OrderedDict()
        self._flights: dict[str, _Flight] = {}

    def __len__(self) -> int:
        return len(self._tokens)

    def get(self, user: str) -> Secret[str] | None:
        """The user's cached token while it is good, else None."""
        with self._lock:
            entry = self._tokens.get(user)
            if entry is None:
                return None
            if time.time() >= entry[1]:
                del self._tokens[user]
                return None
            self._tokens.move_to_end(user)
            return entry[0]

    def good_until(self, token: str) -> float:
        """When a fresh token stops being used: `refresh_margin` before its JWT `exp`."""
        expires = expiry_of(token)
        return time.time() + self.ttl if expires is None else expires - self.refresh_margin

    def _keep(self, user: str, token: str, good_until: float | None = None) -> Secret[str]:
        secret = Secret(token)
        until = self.good_until(token) if good_until is None else good_until
        if until > time.time():
            with self._lock:
                self._tokens[user] = (secret, until)
                self._tokens.move_to_end(user)
                while len(self._tokens) > self.max_users:
                    self._tokens.popitem(last=False)
        return secret

    def forget(self, user: str, token: str, clock: Clock | None = None) -> None:
        """Drop the user's token if it is still `token` (a newer one is kept), here and in
        the shared store."""
        with self._lock:
            entry = self._tokens.get(user)
            if entry is not None and entry[0].reveal() == token:
                del self._tokens[user]
        if self.store is not None:
            from ._shared_tokens import forget_shared

            forget_shared(self.store, self.shared_name(user), token, clock or Clock(1.0))

    def shared_name(self, user: str) -> str:
        """The user as the shared store knows them: scoped by application."""
        return f"{self.scope}/{user}"

    # The flight ---------------------------------------------------------------------------
    def _join(self, user: str) -> tuple[_Flight, bool]:
        """The user's flight, and whether this caller leads it."""
        with self._lock:
            flight = self._flights.get(user)
            if flight is not None:
                return flight, False
            flight = self._flights[user] = _Flight()
            return flight, True

    def _land(self, user: str, flight: _Flight) -> None:
        with self._lock:
            if self._flights.get(user) is flight:
                del self._flights[user]
        flight.finish()

    def token_for(self, user: str, exchange: Callable[[], str], clock: Clock) -> Secret[str]:
        """The user's token, exchanging one if none is cached; concurrent callers for the
        same user (any thread, any event loop) share one exchange, waiting for it no longer
        than their own deadline."""
        while True:
            token = self.get(user)
            if token is not None:
                return token
            flight, leading = self._join(user)
            if leading:
                return self._lead(user, flight, exchange, clock)
            if not flight.done.wait(max(clock.remaining(), 0.0)):
                raise TimeoutError
            token = flight.outcome()
            if token is not None:
                return token

    def _lead(
        self, user: str, flight: _Flight, exchange: Callable[[], str], clock: Clock
    ) -> Secret[str]:
        try:
            if self.store is None:
                flight.token = self._keep(user, exchange())
            else:
                from ._shared_tokens import shared_exchange

                token, until = shared_exchange(self, self.shared_name(user), exchange, clock)
                flight.token = self._keep(user, token, until)
        except Exception as exc:
            flight.error = exc
            raise
        finally:
            self._land(user, flight)
        return flight.token

    async def atoken_for(
        self, user: str, exchange: Callable[[], Awaitable[str]], clock: Clock | None = None
    ) -> Secret[str]:
        """Async twin of `token_for` (the caller's cancel scope bounds the wait)."""
        budget = clock or Clock(3600.0)
        while True:
            token = self.get(user)
            if token is not None:
                return token
            flight, leading = self._join(user)
            if leading:
                return await self._alead(user, flight, exchange, budget)
            await flight.wait()
            token = flight.outcome()
            if token is not None:
                return token

    async def _alead(
        self,
        user: str,
        flight: _Flight,
        exchange: Callable[[], Awaitable[str]],
        clock: Clock,
    ) -> Secret[str]:
        """Async twin of `_lead`: change both together."""
        try:
            if self.store is None:
                flight.token = self._keep(user, await exchange())
            else:
                from ._shared_tokens import ashared_exchange

                token, until = await ashared_exchange(self, self.shared_name(user), exchange, clock)
                flight.token = self._keep(user, token, until)
        except Exception as exc:
            flight.error = exc
            raise
        finally:
            self._land(user, flight)
        return flight.token
