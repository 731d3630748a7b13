"""Shared by the tests of the signed state and of the redirect back: keys, a clock, URLs."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from urllib.parse import urlencode

import pytest
from spike_api_client import RedirectBackError, StateSigner

KEY = "state-key-7d1c0a9e4b-only-for-tests"
OTHER_KEY = "another-state-key-5f2e8b3a61-tests"
LANDING = "https://service.example/spike/callback"
T0 = 1_790_000_000.0


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def signer(
    key: str | list[str] = KEY, *, clock: Clock | None = None, max_age: float = 900.0
) -> StateSigner:
    return StateSigner(key, max_age=max_age, clock=clock or Clock())


def back_url(user_id: str, provider_slug: str, state: str | None, **extra: str) -> str:
    """The URL Spike sends the browser back to, built the way the mock builds it."""
    query = {"user_id": user_id, "provider_slug": provider_slug, **extra}
    if state is not None:
        query["state"] = state
    return f"{LANDING}?keep=1&{urlencode(query)}"


def refused(
    error: type[RedirectBackError], read: Callable[[], object], *, secrets: tuple[str, ...] = ()
) -> RedirectBackError:
    """`read` raises exactly `error`, whose message and pickle hold no key and no state."""
    with pytest.raises(RedirectBackError) as caught:
        read()
    assert type(caught.value) is error, f"{type(caught.value).__name__}: {caught.value}"
    assert_clean(caught.value, secrets)
    return caught.value


def assert_clean(exc: BaseException, secrets: tuple[str, ...]) -> None:
    """Neither the message nor the pickled error holds a key or a whole state."""
    dumped = pickle.dumps(exc)
    again = pickle.loads(dumped)
    assert type(again) is type(exc)
    assert str(again) == str(exc)
    for secret in (KEY, OTHER_KEY, *secrets):
        assert secret not in str(exc)
        assert secret not in repr(exc)
        assert secret.encode() not in dumped
