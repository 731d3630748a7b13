# Edit openapi/generator/runtime/store_checks.py, not the copy in generated/.
"""What any shared store must do, as checks a team runs against its own.

The `redis` extra's stores pass these in the kit's suite; a team that keeps tokens or used
states in another database (PostgreSQL, DynamoDB...) calls the same functions from its own
tests on a fresh, empty store: `check_replay_store(store)`, `await acheck_replay_store(store)`,
`check_token_store(store)`. Each raises `AssertionError` saying what the store got wrong.
"""

from __future__ import annotations

import secrets
import threading
import time

from ._replay import AsyncReplayStore, ReplayStore
from ._retry import Clock
from ._tokens import TokenStore

RACERS = 16
"""Threads that claim one nonce at once: exactly one may win."""


def _nonce() -> str:
    return secrets.token_urlsafe(16)


def check_replay_store(store: ReplayStore) -> None:
    """A nonce is claimed once, also by many threads at the same moment, and others stay
    free."""
    first = _nonce()
    later = time.time() + 60
    assert store.claim(first, later) is True, "a new nonce must be claimed"
    assert store.claim(first, later) is False, "a nonce claimed before must be refused"
    assert store.claim(_nonce(), later) is True, "another nonce must still be claimable"
    raced = _nonce()
    wins: list[bool] = []
    start = threading.Barrier(RACERS)

    def claim() -> None:
        start.wait()
        wins.append(store.claim(raced, later))

    threads = [threading.Thread(target=claim) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wins.count(True) == 1, f"{wins.count(True)} of {RACERS} racing claims won"


async def acheck_replay_store(store: AsyncReplayStore) -> None:
    """Async twin of `check_replay_store` (the race runs as concurrent tasks)."""
    import anyio

    first = _nonce()
    later = time.time() + 60
    assert await store.claim(first, later) is True, "a new nonce must be claimed"
    assert await store.claim(first, later) is False, "a nonce claimed before must be refused"
    raced = _nonce()
    wins: list[bool] = []

    async def claim() -> None:
        wins.append(await store.claim(raced, later))

    async with anyio.create_task_group() as group:
        for _ in range(RACERS):
            group.start_soon(claim)
    assert wins.count(True) == 1, f"{wins.count(True)} of {RACERS} racing claims won"


def check_token_store(store: TokenStore, lead_seconds: float | None = None) -> None:
    """Tokens are shared until their time, forgotten only as they are, and one caller at a
    time leads a user's exchange; with `lead_seconds`, a lead nobody releases expires."""
    clock = Clock(30.0)
    user = f"9999/check-{_nonce()}"
    assert store.get(user, clock) is None, "an unknown user has no token"
    until = time.time() + 60
    store.put(user, "token-one", until, clock)
    found = store.get(user, clock)
    assert found is not None, "a token put must be found"
    assert found[0] == "token-one", "the token found must be the one put"
    assert abs(found[1] - until) < 1, "the time a token is good until must be kept"
    store.forget(user, "another-token", clock)
    assert store.get(user, clock) is not None, "forgetting another token keeps this one"
    store.forget(user, "token-one", clock)
    assert store.get(user, clock) is None, "forgetting the token drops it"
    release = store.lead(user, clock)
    assert release is not None, "the first caller leads"
    assert store.lead(user, clock) is None, "a second caller must not lead at the same time"
    assert store.lead(f"9999/check-{_nonce()}", clock) is not None, "users lead apart"
    release()
    again = store.lead(user, clock)
    assert again is not None, "after a release, the lead is free again"
    if lead_seconds is not None:
        time.sleep(lead_seconds + 0.2)
        assert store.lead(user, clock) is not None, "a lead nobody releases must expire"
    else:
        again()


__all__ = ["acheck_replay_store", "check_replay_store", "check_token_store"]
