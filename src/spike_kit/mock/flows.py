"""Consent flows waiting for the user's browser, in one fixed block of memory all workers share.

An init_url call writes its flow (who, which provider, where to send the user back) as a record
into a ring of `size_bytes`; the integration code it hands out names the record's offset and a
random 128-bit nonce. Opening the consent URL, through any worker of `spike-mock --workers N`
(they fork from one parent and so share the block, and the lock `share_across_processes`
put in place before the fork), finds the record, checks the
nonce and marks it used under the lock: each code works once, whichever worker serves it.
A consent page (`spike-mock --consent page`) only peeks at the flow when it is shown; the
user's answer (Allow or Deny) uses the code up.

When the ring is full the oldest records are overwritten, so memory stays flat under any load
and an old code is then simply unknown (404), as an expired one would be. A code cannot be
forged to point into another record's bytes: a live record's header holds zero bytes, which
the JSON text of a flow (`ensure_ascii`) never contains.
"""

from __future__ import annotations

import mmap
import multiprocessing
import os
import re
import struct
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

DEFAULT_SIZE_BYTES = 16 * 1024 * 1024
MIN_SIZE_BYTES = 64 * 1024
"""Room for at least a few of the largest flows (the contract's limits allow about 18 KB)."""

_CURSOR = struct.Struct("<Q")
_RECORD = struct.Struct("<16sII")  # nonce, body length, used (0 or 1)
_START = _CURSOR.size
_CODE = re.compile(r"[0-9a-f]{40}")


class FlowStoreError(Exception):
    """A flow does not fit the store at all (the store is smaller than the contract needs)."""


_forks = [0]
"""Bumped in every forked child: a nonce pool drawn before the fork is not used after it
(checking the process id instead would cost a system call per code)."""


def _count_fork() -> None:
    _forks[0] += 1


os.register_at_fork(after_in_child=_count_fork)


class _RandomNonces:
    """16-byte nonces from the OS's CSPRNG, fetched 256 at a time (one syscall, not 256).

    Never a seeded `random.Random`: its output can be predicted from enough earlier codes.
    A forked worker draws its own pool (see `_forks`), so no two workers hand out the same
    nonces.
    """

    def __init__(self) -> None:
        self._pool = b""
        self._at = 0
        self._fork = _forks[0]

    def __call__(self) -> bytes:
        if self._at >= len(self._pool) or self._fork != _forks[0]:
            self._pool, self._at, self._fork = os.urandom(16 * 256), 0, _forks[0]
        self._at += 16
        return self._pool[self._at - 16 : self._at]


class FlowStore:
    """A bounded, process-shared store of single-use consent flows (see the module docstring)."""

    def __init__(
        self,
        size_bytes: int = DEFAULT_SIZE_BYTES,
        nonces: Callable[[], bytes] | None = None,
    ) -> None:
        if size_bytes < MIN_SIZE_BYTES:
            raise ValueError(f"the flow store needs at least {MIN_SIZE_BYTES} bytes")
        self.size_bytes = size_bytes
        self._block = mmap.mmap(-1, size_bytes)  # anonymous and MAP_SHARED: kept across fork
        _CURSOR.pack_into(self._block, 0, _START)
        self._lock: AbstractContextManager[Any] = threading.Lock()
        self._nonces = nonces or _RandomNonces()

    def __repr__(self) -> str:
        return f"FlowStore(size_bytes={self.size_bytes})"

    def share_across_processes(self) -> None:
        """Guard the store with a lock that processes forked after this call share (a thread
        lock costs less, and is all one process needs)."""
        self._lock = multiprocessing.get_context("fork").Lock()

    def prefault(self) -> None:
        """Touch every page now, so the store's memory is all there from the start (a server
        does this once; RSS then stays flat instead of growing as the ring first fills)."""
        page = mmap.PAGESIZE
        for at in range(_START, self.size_bytes, page):
            self._block[at] = 0

    def put(self, flow: bytes) -> str:
        """Keep `flow` (ASCII JSON) and return the code that opens it once."""
        need = _RECORD.size + len(flow)
        if need > self.size_bytes - _START:
            raise FlowStoreError("the flow is larger than the whole flow store")
        nonce = self._nonces()
        with self._lock:
            (at,) = _CURSOR.unpack_from(self._block, 0)
            if at + need > self.size_bytes:
                at = _START
            _RECORD.pack_into(self._block, at, nonce, len(flow), 0)
            self._block[at + _RECORD.size : at + need] = flow
            _CURSOR.pack_into(self._block, 0, (at + need + 7) & ~7)
        return f"{at:08x}{nonce.hex()}"

    def take(self, code: str) -> bytes | None:
        """The flow `code` opens, once; None for an unknown, overwritten or used code."""
        return self._open(code, use=True)

    def peek(self, code: str) -> bytes | None:
        """The flow `code` opens, leaving it open: a consent page shown to the user does not
        use the code up, the user's answer does (`take`). None as for `take`."""
        return self._open(code, use=False)

    def was_used(self, code: str) -> bool:
        """Whether `code` opened its flow already (and the record is still there), so that a
        replayed answer can be told apart from a code that never existed."""
        record = self._record(code)
        if record is None:
            return False
        at, nonce = record
        with self._lock:
            found, _, used = _RECORD.unpack_from(self._block, at)
            return found == nonce and bool(used)

    def _record(self, code: str) -> tuple[int, bytes] | None:
        """The record offset and nonce a well-formed code names, or None."""
        if not _CODE.fullmatch(code):
            return None
        at, nonce = int(code[:8], 16), bytes.fromhex(code[8:])
        if at < _START or at + _RECORD.size > self.size_bytes:
            return None
        return at, nonce

    def _open(self, code: str, *, use: bool) -> bytes | None:
        record = self._record(code)
        if record is None:
            return None
        at, nonce = record
        with self._lock:
            found, length, used = _RECORD.unpack_from(self._block, at)
            end = at + _RECORD.size + length
            if found != nonce or used or end > self.size_bytes:
                return None
            if use:
                _RECORD.pack_into(self._block, at, nonce, length, 1)
            return self._block[at + _RECORD.size : end]
