"""The token cache behind `ApplicationClient`: expiry, bounds and one exchange at a time."""

from __future__ import annotations

import asyncio
import base64
import functools
import json
import threading
import time

import pytest
from spike_api_client._retry import Clock
from spike_api_client._tokens import TokenCache, expiry_of


def _jwt(claims: dict[str, object]) -> str:
    def part(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'HS256'})}.{part(claims)}.c2lnbmF0dXJl"


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        (_jwt({"exp": 2_000_000_000}), 2_000_000_000.0),
        (_jwt({"exp": 1.5}), 1.5),
        (_jwt({"sub": "u"}), None),
        (_jwt({"exp": "soon"}), None),
        (_jwt({"exp": True}), None),
        ("not-a-jwt-at-all", None),
        ("a.b!.c", None),
        ("a.bnVsbA.c", None),  # payload `null`
    ],
)
def test_the_expiry_is_read_from_the_jwt_without_verifying(
    token: str, expected: float | None
) -> None:
    assert expiry_of(token) == expected


def test_a_token_is_kept_until_shortly_before_its_exp() -> None:
    cache = TokenCache(max_users=10, ttl=900, refresh_margin=60)
    soon = _jwt({"exp": time.time() + 30})  # inside the margin: used once, not kept
    later = _jwt({"exp": time.time() + 3600})
    assert cache.token_for("a", lambda: soon, Clock(5)).reveal() == soon
    assert cache.get("a") is None
    cache.token_for("b", lambda: later, Clock(5))
    assert cache.get("b") is not None


def test_a_token_without_exp_is_kept_for_the_ttl() -> None:
    cache = TokenCache(max_users=10, ttl=0.2, refresh_margin=60)
    cache.token_for("a", lambda: "opaque-token-0123", Clock(5))
    assert cache.get("a") is not None
    time.sleep(0.25)
    assert cache.get("a") is None


def test_the_least_recently_used_users_are_dropped_past_the_bound() -> None:
    cache = TokenCache(max_users=3, ttl=900, refresh_margin=60)
    for user in ("a", "b", "c"):
        cache.token_for(user, functools.partial(str, f"token-of-{user}-000"), Clock(5))
    cache.get("a")  # a is now the most recently used
    cache.token_for("d", lambda: "token-of-d-000", Clock(5))
    assert len(cache) == 3
    assert cache.get("b") is None
    assert all(cache.get(user) is not None for user in ("a", "c", "d"))


def test_forget_drops_only_the_token_that_was_refused() -> None:
    cache = TokenCache(max_users=10, ttl=900, refresh_margin=60)
    cache.token_for("a", lambda: "first-token-000", Clock(5))
    cache.forget("a", "some-older-token")
    assert cache.get("a") is not None
    cache.forget("a", "first-token-000")
    assert cache.get("a") is None


def test_different_users_do_not_wait_on_each_other() -> None:
    cache = TokenCache(max_users=10, ttl=900, refresh_margin=60)
    release = threading.Event()

    def slow() -> str:
        release.wait(10)
        return "slow-token-000"

    blocked = threading.Thread(target=cache.token_for, args=("a", slow, Clock(10)))
    blocked.start()
    time.sleep(0.05)
    started = time.monotonic()
    assert cache.token_for("b", lambda: "fast-token-000", Clock(5)).reveal() == "fast-token-000"
    assert time.monotonic() - started < 0.5
    release.set()
    blocked.join(timeout=5)


def test_waiters_share_the_leaders_failure_and_nothing_is_cached() -> None:
    cache = TokenCache(max_users=10, ttl=900, refresh_margin=60)
    calls: list[int] = []
    gate = threading.Barrier(8)

    def failing() -> str:
        calls.append(1)
        time.sleep(0.2)
        raise ConnectionError("exchange failed")

    errors: list[BaseException] = []

    def ask() -> None:
        gate.wait()
        try:
            cache.token_for("a", failing, Clock(5))
        except ConnectionError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    assert len(calls) == 1
    assert len(errors) == 8
    assert cache.get("a") is None


def test_a_waiter_gives_up_at_its_own_deadline() -> None:
    cache = TokenCache(max_users=10, ttl=900, refresh_margin=60)
    release = threading.Event()
    leader = threading.Thread(
        target=cache.token_for, args=("a", lambda: str(release.wait(5)), Clock(10))
    )
    leader.start()
    time.sleep(0.05)
    with pytest.raises(TimeoutError):
        cache.token_for("a", lambda: "never-used-000", Clock(0.1))
    release.set()
    leader.join(timeout=5)


def test_an_interrupted_async_leader_lets_a_waiter_exchange() -> None:
    cache = TokenCache(max_users=10, ttl=900, refresh_margin=60)

    async def go() -> str:
        async def never() -> str:
            await asyncio.sleep(10)
            return "never-token-000"

        async def quick() -> str:
            return "quick-token-000"

        leader = asyncio.create_task(cache.atoken_for("a", never))
        await asyncio.sleep(0.01)
        waiter = asyncio.create_task(cache.atoken_for("a", quick))
        await asyncio.sleep(0.01)
        leader.cancel()
        return (await waiter).reveal()

    assert asyncio.run(go()) == "quick-token-000"
