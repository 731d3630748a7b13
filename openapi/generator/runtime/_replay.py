# Edit openapi/generator/runtime/_replay.py, not the copy in generated/.
"""Remembering which states were used, so a redirect back is accepted once.

A signed state proves whose flow a redirect ends, but a copy of that redirect (from a browser
history, a proxy log, a shared link) would prove it again. A replay store records each state's
nonce until the state expires anyway; the reader claims the nonce only once everything else
checked out, so forged redirects cannot fill the store.
"""

from __future__ import annotations

import heapq
import threading
import time
from collections.abc import Callable
from typing import Protocol

from ._exceptions import InvalidInputError
from ._redirect_errors import ReplayStoreFullError


class ReplayStore(Protocol):
    """What `read_redirect_back` needs to refuse a state used twice.

    Redis: `SET spike-state:{nonce} 1 NX EXAT {ceil(expires_at)}` and return whether it was
    set; SQL: `INSERT` into a table keyed by nonce, `ON CONFLICT DO NOTHING`, and return
    whether a row was inserted (delete rows past `expires_at` now and then). It must be atomic:
    two concurrent claims of one nonce may not both return True.
    """

    def claim(self, nonce: str, expires_at: float) -> bool:
        """Record `nonce` until `expires_at` (seconds since the epoch); True if it was new."""
        ...


class AsyncReplayStore(Protocol):
    """The async twin of `ReplayStore`, for `aread_redirect_back`."""

    async def claim(self, nonce: str, expires_at: float) -> bool:
        """Record `nonce` until `expires_at` (seconds since the epoch); True if it was new."""
        ...


class MemoryReplayStore:
    """A `ReplayStore` in this process's memory, bounded, forgetting nonces as they expire.

    For one process: behind several workers or servers, each would accept a state once, so use
    a shared store (Redis, a database) there. When `max_entries` unexpired nonces are held, a
    claim raises `ReplayStoreFullError` rather than forget one that could then be replayed;
    size it above the number of flows finished within the signer's `max_age`.
    Thread-safe; works with both `read_redirect_back` and `aread_redirect_back`.
    """

    def __init__(self, max_entries: int = 100_000, *, clock: Callable[[], float] = time.time):
        if isinstance(max_entries, bool) or not isinstance(max_entries, int) or max_entries < 1:
            raise InvalidInputError("max_entries must be a positive integer")
        self.max_entries = max_entries
        self._clock = clock
        self._expiry: dict[str, float] = {}
        self._queue: list[tuple[float, str]] = []
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            self._forget_expired(self._clock())
            return len(self._expiry)

    def __repr__(self) -> str:
        return f"MemoryReplayStore(max_entries={self.max_entries})"

    def claim(self, nonce: str, expires_at: float) -> bool:
        with self._lock:
            self._forget_expired(self._clock())
            if nonce in self._expiry:
                return False
            if len(self._expiry) >= self.max_entries:
                raise ReplayStoreFullError(
                    f"the replay store holds {self.max_entries} unexpired states; "
                    "refusing rather than forgetting one"
                )
            self._expiry[nonce] = expires_at
            heapq.heappush(self._queue, (expires_at, nonce))
            return True

    def _forget_expired(self, now: float) -> None:
        while self._queue and self._queue[0][0] < now:
            _, nonce = heapq.heappop(self._queue)
            del self._expiry[nonce]
