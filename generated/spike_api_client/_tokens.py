# Edit openapi/generator/runtime/_tokens.py, not the copy in generated/.
"""Per-user bearer tokens for one application: exchanged on first use, kept until shortly
before they expire, and exchanged once however many callers ask at the same moment.

A service acts for thousands of users; without this every team wrote its own cache, its own
refresh on `401 expired jwt` and its own locking. The cache is bounded (least recently used
users are dropped), keeps tokens as `Secret`s, and caches nothing when an exchange fails.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

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


class _Flight:
    """One exchange in progress; callers for the same user wait for its outcome. When the
    leader was interrupted (cancelled, not failed), there is no outcome: waiters try again."""

    def __init__(self) -> None:
        self.token: Secret[str] | None = None
        self.error: Exception | None = None

    def outcome(self) -> Secret[str] | None:
        if self.error is not None:
            # Each waiter raises its own copy: one object raised in many threads or tasks
            # would pile up their tracebacks. Our errors copy through their pickle form.
            raise copy.copy(self.error) if isinstance(self.error, SpikeError) else self.error
        return self.token


class _SyncFlight(_Flight):
    def __init__(self) -> None:
        super().__init__()
        self.done = threading.Event()


class _AsyncFlight(_Flight):
    def __init__(self) -> None:
        super().__init__()
        self.done = anyio.Event()


class TokenCache:
    """Tokens by application user id, shared by an application client and all its views."""

    def __init__(self, max_users: int, ttl: float, refresh_margin: float) -> None:
        self.max_users, self.ttl, self.refresh_margin = max_users, ttl, refresh_margin
        self._lock = threading.Lock()
        self._tokens: OrderedDict[str, tuple[Secret[str], float]] = OrderedDict()
        self._flights: dict[str, _SyncFlight] = {}
        self._async_flights: dict[str, _AsyncFlight] = {}

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

    def _keep(self, user: str, token: str) -> Secret[str]:
        secret = Secret(token)
        expires = expiry_of(token)
        now = time.time()
        good_until = now + self.ttl if expires is None else expires - self.refresh_margin
        if good_until > now:
            with self._lock:
                self._tokens[user] = (secret, good_until)
                self._tokens.move_to_end(user)
                while len(self._tokens) > self.max_users:
                    self._tokens.popitem(last=False)
        return secret

    def forget(self, user: str, token: str) -> None:
        """Drop the user's token if it is still `token` (a newer one is kept)."""
        with self._lock:
            entry = self._tokens.get(user)
            if entry is not None and entry[0].reveal() == token:
                del self._tokens[user]

    def token_for(self, user: str, exchange: Callable[[], str], clock: Clock) -> Secret[str]:
        """The user's token, exchanging one if none is cached; concurrent callers for the
        same user share one exchange, waiting for it no longer than their own deadline."""
        while True:
            token = self.get(user)
            if token is not None:
                return token
            with self._lock:
                flight = self._flights.get(user)
                leading = flight is None
                if flight is None:
                    flight = self._flights[user] = _SyncFlight()
            if leading:
                return self._lead(user, flight, exchange)
            if not flight.done.wait(max(clock.remaining(), 0.0)):
                raise TimeoutError
            token = flight.outcome()
            if token is not None:
                return token

    def _lead(self, user: str, flight: _SyncFlight, exchange: Callable[[], str]) -> Secret[str]:
        try:
            flight.token = self._keep(user, exchange())
        except Exception as exc:
            flight.error = exc
            raise
        finally:
            with self._lock:
                self._flights.pop(user, None)
            flight.done.set()
        return flight.token

    async def atoken_for(self, user: str, exchange: Callable[[], Awaitable[str]]) -> Secret[str]:
        """Async twin of `token_for` (the caller's cancel scope bounds the wait)."""
        while True:
            token = self.get(user)
            if token is not None:
                return token
            with self._lock:
                flight = self._async_flights.get(user)
                leading = flight is None
                if flight is None:
                    flight = self._async_flights[user] = _AsyncFlight()
            if leading:
                return await self._alead(user, flight, exchange)
            await flight.done.wait()
            token = flight.outcome()
            if token is not None:
                return token

    async def _alead(
        self, user: str, flight: _AsyncFlight, exchange: Callable[[], Awaitable[str]]
    ) -> Secret[str]:
        """Async twin of `_lead`: change both together."""
        try:
            flight.token = self._keep(user, await exchange())
        except Exception as exc:
            flight.error = exc
            raise
        finally:
            with self._lock:
                self._async_flights.pop(user, None)
            flight.done.set()
        return flight.token
