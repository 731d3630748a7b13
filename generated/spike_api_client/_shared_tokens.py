# Edit openapi/generator/runtime/_shared_tokens.py, not the copy in generated/.
"""One exchange per user across every process of a service, through a `TokenStore`.

This process's cache missed. The store may already hold the user's token (another process
exchanged it): take it. Otherwise one process leads (a short lock in the store, with an
expiry, so a leader that dies blocks the others for seconds at most), looks once more,
exchanges and shares the token; the others look again every few milliseconds until it is
there or the lead expires. Everything waits within the calling call's deadline. A store that
fails or is too slow is no reason to fail a call: this process then exchanges alone, and a
warning says so (without a token, a key or the store's own words, which may name hosts).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import anyio

from ._retry import Clock

if TYPE_CHECKING:
    from ._tokens import TokenCache, TokenStore

logger = logging.getLogger("spike_api_client")

FIRST_LOOK = 0.002
LONGEST_LOOK = 0.05
"""Seconds between looks at the store while another process exchanges (doubling from the
first to the longest)."""


def _alone(user: str, exc: BaseException) -> None:
    logger.warning(
        "token store unavailable (%s): exchanging a token in this process alone",
        exc.__class__.__name__,
        extra={"token_store_error": exc.__class__.__name__},
    )


def _fresh(found: tuple[str, float] | None) -> tuple[str, float] | None:
    return found if found is not None and found[1] > time.time() else None


def shared_exchange(
    cache: TokenCache, user: str, exchange: Callable[[], str], clock: Clock
) -> tuple[str, float]:
    """The user's token and when it stops being used: from the store, or exchanged once for
    every process."""
    store = cache.store
    assert store is not None
    look = FIRST_LOOK
    while True:
        try:
            found = _fresh(store.get(user, clock))
            if found is not None:
                return found
            release = store.lead(user, clock)
        except Exception as exc:  # a store's failure never fails the call
            _alone(user, exc)
            token = exchange()
            return token, cache.good_until(token)
        if release is not None:
            return _exchange_and_share(cache, store, user, exchange, clock, release)
        if clock.remaining() <= 0:
            raise TimeoutError
        time.sleep(min(look, max(clock.remaining(), 0.0)))
        look = min(look * 2, LONGEST_LOOK)


def _exchange_and_share(
    cache: TokenCache,
    store: TokenStore,
    user: str,
    exchange: Callable[[], str],
    clock: Clock,
    release: Callable[[], None],
) -> tuple[str, float]:
    try:
        try:
            found = _fresh(store.get(user, clock))  # shared while we took the lead
        except Exception as exc:
            _alone(user, exc)
            found = None
        if found is not None:
            return found
        token = exchange()
        until = cache.good_until(token)
        try:
            store.put(user, token, until, clock)
        except Exception as exc:
            _alone(user, exc)
        return token, until
    finally:
        try:
            release()
        except Exception as exc:  # the lead expires by itself
            _alone(user, exc)


async def ashared_exchange(
    cache: TokenCache, user: str, exchange: Callable[[], Awaitable[str]], clock: Clock
) -> tuple[str, float]:
    """Async twin of `shared_exchange` (the store's calls run in a worker thread): change
    both together."""
    store = cache.store
    assert store is not None
    look = FIRST_LOOK
    while True:
        try:
            found = _fresh(await anyio.to_thread.run_sync(store.get, user, clock))
            if found is not None:
                return found
            release = await anyio.to_thread.run_sync(store.lead, user, clock)
        except Exception as exc:
            _alone(user, exc)
            token = await exchange()
            return token, cache.good_until(token)
        if release is not None:
            return await _aexchange_and_share(cache, store, user, exchange, clock, release)
        if clock.remaining() <= 0:
            raise TimeoutError
        await anyio.sleep(min(look, max(clock.remaining(), 0.0)))
        look = min(look * 2, LONGEST_LOOK)


async def _aexchange_and_share(
    cache: TokenCache,
    store: TokenStore,
    user: str,
    exchange: Callable[[], Awaitable[str]],
    clock: Clock,
    release: Callable[[], None],
) -> tuple[str, float]:
    """Async twin of `_exchange_and_share`: change both together."""
    try:
        try:
            found = _fresh(await anyio.to_thread.run_sync(store.get, user, clock))
        except Exception as exc:
            _alone(user, exc)
            found = None
        if found is not None:
            return found
        token = await exchange()
        until = cache.good_until(token)
        try:
            await anyio.to_thread.run_sync(store.put, user, token, until, clock)
        except Exception as exc:
            _alone(user, exc)
        return token, until
    finally:
        try:
            await anyio.to_thread.run_sync(release)
        except Exception as exc:
            _alone(user, exc)


def forget_shared(store: TokenStore, user: str, token: str, clock: Clock) -> None:
    """A rejected token leaves the store too, so no process is handed it again."""
    try:
        store.forget(user, token, clock)
    except Exception as exc:
        _alone(user, exc)
