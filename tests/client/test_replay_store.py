"""The in-memory replay store: once per nonce, forgets what expired, bounded, thread-safe."""

from __future__ import annotations

import threading

import pytest
from spike_api_client import InvalidInputError, MemoryReplayStore, ReplayStoreFullError

from tests.client.redirect_support import T0, Clock, assert_clean


def test_a_nonce_is_claimed_once_until_it_expires() -> None:
    clock = Clock()
    store = MemoryReplayStore(clock=clock)
    assert store.claim("n1", T0 + 10) is True
    assert store.claim("n1", T0 + 10) is False
    clock.now = T0 + 10  # still valid at its expiry instant, as the signer sees it
    assert store.claim("n1", T0 + 10) is False
    clock.now = T0 + 10.5
    assert len(store) == 0
    assert store.claim("n1", T0 + 20) is True


def test_a_full_store_refuses_rather_than_forgets() -> None:
    clock = Clock()
    store = MemoryReplayStore(max_entries=3, clock=clock)
    for number in range(3):
        assert store.claim(f"n{number}", T0 + 100 + number)
    with pytest.raises(ReplayStoreFullError) as caught:
        store.claim("n3", T0 + 100)
    assert_clean(caught.value, ())
    assert store.claim("n0", T0 + 100) is False  # nothing was evicted to make room
    clock.now = T0 + 100.5  # n0 expired: room for one more
    assert store.claim("n3", T0 + 200) is True
    assert len(store) == 3


def test_concurrent_claims_of_one_nonce_let_exactly_one_through() -> None:
    store = MemoryReplayStore()
    results: list[bool] = []
    barrier = threading.Barrier(8)

    def claim() -> None:
        barrier.wait(timeout=5)
        results.append(store.claim("shared", 4_000_000_000.0))

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    assert sorted(results) == [False] * 7 + [True]


@pytest.mark.parametrize("max_entries", [0, -1, True, 1.5])
def test_max_entries_must_be_a_positive_integer(max_entries: object) -> None:
    with pytest.raises(InvalidInputError, match="max_entries"):
        MemoryReplayStore(max_entries=max_entries)  # type: ignore[arg-type]
