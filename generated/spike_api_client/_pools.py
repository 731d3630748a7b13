# Edit openapi/generator/runtime/_pools.py, not the copy in generated/.
"""The connections a client and all its copies share: one `httpx.Client`, and one
`httpx.AsyncClient` per event loop.

httpx ties an `AsyncClient`'s connections to the event loop that opened them: used from the
next `asyncio.run`, a pytest-asyncio test with its own loop, or another thread's loop, the
same client fails with `RuntimeError('Event loop is closed')` and leaves `ResourceWarning`s.
So every loop gets its own `AsyncClient`, made on the loop's first call. Each one is closed
inside its own loop when that loop shuts down: a small async generator, started on that loop,
holds it, and the loop's shutdown (`shutdown_asyncgens`, which `asyncio.run`, pytest-asyncio,
anyio and trio all run) closes the generator, and with it the client, while the loop can still
await. `close()` and `aclose()` close every pool the client opened, each in its own loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
import weakref
from collections.abc import AsyncGenerator, Callable
from concurrent.futures import Future
from typing import Any

import anyio
import httpx

CLOSE_TIMEOUT = 5.0
"""Seconds `close()` waits for another thread's loop to close its connections."""


def current_loop() -> Any:
    """What identifies the event loop this code runs in: the asyncio loop, or trio's token
    (anyio's trio backend); RuntimeError outside any."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        trio = sys.modules.get("trio")
        if trio is None:
            raise
        return trio.lowlevel.current_trio_token()  # RuntimeError outside trio.run too


def _alive(loop: Any) -> bool:
    return not (isinstance(loop, asyncio.AbstractEventLoop) and loop.is_closed())


class _LoopPool:
    """One event loop's `AsyncClient`, and the generator that closes it with the loop."""

    __slots__ = ("__weakref__", "client", "keeper", "loop_ref")

    def __init__(self, loop: Any, client: httpx.AsyncClient) -> None:
        self.client = client
        try:
            self.loop_ref: Callable[[], Any] = weakref.ref(loop)
        except TypeError:  # a loop token that cannot be weakly referenced: kept strongly
            self.loop_ref = lambda: loop
        self.keeper: AsyncGenerator[None, None] | None = None

    def loop(self) -> Any:
        return self.loop_ref()


async def _keep(pools: Pools, entry: _LoopPool) -> AsyncGenerator[None, None]:
    """Suspended until its loop shuts down (or the pool is closed): then closes the client."""
    try:
        yield
    finally:
        pools.forget(entry)
        # trio finalizes generators at shutdown inside a cancelled scope; the shield lets
        # the pool close its sockets (httpcore before 1.0 awaits a lock to do so).
        with anyio.CancelScope(shield=True):
            await entry.client.aclose()


class Pools:
    """The httpx clients a client shares with its copies, each made once, under a lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sync: httpx.Client | None = None
        self.given_async: httpx.AsyncClient | None = None
        """An `AsyncClient` the caller set (`set_async_httpx_client`): used as it is."""
        self._loops: dict[int, _LoopPool] = {}

    # Sync ------------------------------------------------------------------------------
    def sync_client(self, make: Callable[[], httpx.Client]) -> httpx.Client:
        client = self.sync
        if client is None:
            with self.lock:
                if self.sync is None:
                    self.sync = make()
                client = self.sync
        return client

    # Async, one per loop ----------------------------------------------------------------
    def async_client(self, make: Callable[[], httpx.AsyncClient]) -> httpx.AsyncClient:
        """The calling loop's client, made (and bound to the loop's shutdown) on first use."""
        if self.given_async is not None:
            return self.given_async
        loop = current_loop()
        entry = self._loops.get(id(loop))
        if entry is not None and entry.loop() is loop:
            return entry.client
        with self.lock:
            self._drop_dead()
            entry = self._loops.get(id(loop))
            if entry is not None and entry.loop() is loop:
                return entry.client
            entry = _LoopPool(loop, make())
            self._loops[id(loop)] = entry
        entry.keeper = _keep(self, entry)
        _start(entry.keeper)
        return entry.client

    def any_client(self) -> httpx.Client | httpx.AsyncClient | None:
        """Some client already made (their default headers are all alike)."""
        if self.sync is not None:
            return self.sync
        if self.given_async is not None:
            return self.given_async
        entries = list(self._loops.values())
        return entries[0].client if entries else None

    def forget(self, entry: _LoopPool) -> None:
        with self.lock:
            for key, found in list(self._loops.items()):
                if found is entry:
                    del self._loops[key]

    def _drop_dead(self) -> None:
        """Entries whose loop is gone or closed without shutting its generators down: their
        connections can no longer be closed from Python, and are never used again."""
        for key, entry in list(self._loops.items()):
            loop = entry.loop()
            if loop is None or not _alive(loop):
                del self._loops[key]

    # Closing ----------------------------------------------------------------------------
    def close(self) -> None:
        """Close the sync client and every loop's client (each in its own loop)."""
        with self.lock:
            client, self.sync = self.sync, None
            entries = list(self._loops.values())
        if client is not None:
            client.close()
        here = _running_loop()
        for entry in entries:
            _close_elsewhere(entry, here, wait=True)

    async def aclose(self) -> None:
        """Async twin of `close`: this loop's client is awaited, the others are closed in
        their own loops."""
        with self.lock:
            client, self.sync = self.sync, None
            entries = list(self._loops.values())
        if client is not None:
            client.close()
        try:
            here: Any = current_loop()
        except RuntimeError:
            here = None
        for entry in entries:
            if entry.loop() is here and entry.keeper is not None:
                await entry.keeper.aclose()
            else:
                _close_elsewhere(entry, _running_loop(), wait=False)


def _start(keeper: AsyncGenerator[None, None]) -> None:
    """Run the generator to its `yield` now: its first step registers it with the running
    loop's shutdown (the loop's async-generator hooks), and needs no await."""
    step = keeper.asend(None)
    try:
        step.send(None)
    except StopIteration:
        return
    step.close()  # pragma: no cover - the generator awaits nothing before its yield


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _close_elsewhere(entry: _LoopPool, here: asyncio.AbstractEventLoop | None, wait: bool) -> None:
    """Close a loop's client from outside that loop: in it, when it still runs."""
    loop = entry.loop()
    keeper = entry.keeper
    if keeper is None or not isinstance(loop, asyncio.AbstractEventLoop) or loop.is_closed():
        return  # a trio run closes its own at its end; a closed loop's are gone
    if loop is here:  # called from the loop itself, without an await: a task does it
        loop.create_task(keeper.aclose())
        return
    if not loop.is_running():
        return  # a stopped loop closes it at its shutdown
    done: Future[None] = asyncio.run_coroutine_threadsafe(keeper.aclose(), loop)
    if wait:
        with contextlib.suppress(Exception):
            done.result(timeout=CLOSE_TIMEOUT)
