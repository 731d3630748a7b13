"""The `redis` extra's stores against a real redis-server: the shared checks every store must
pass, key names that hold no secret, and the failure policy when Redis is gone."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator

import pytest
import redis
from spike_api_client import ReplayStoreUnavailableError
from spike_api_client._retry import Clock
from spike_api_client.redis_stores import (
    AsyncRedisReplayStore,
    RedisReplayStore,
    RedisTokenStore,
)
from spike_api_client.store_checks import (
    acheck_replay_store,
    check_replay_store,
    check_token_store,
)

from tests.client.redis_support import RedisServer


@pytest.fixture(scope="module")
def server() -> Iterator[RedisServer]:
    with RedisServer() as running:
        yield running


def test_the_replay_store_passes_the_shared_checks(server: RedisServer) -> None:
    check_replay_store(RedisReplayStore.from_url(server.url, namespace="checks"))


def test_the_async_replay_store_passes_the_shared_checks(server: RedisServer) -> None:
    async def go() -> None:
        store = AsyncRedisReplayStore.from_url(server.url, namespace="achecks")
        await acheck_replay_store(store)
        await store._redis.aclose()

    asyncio.run(go())


def test_the_token_store_passes_the_shared_checks_and_leads_expire(server: RedisServer) -> None:
    check_token_store(
        RedisTokenStore.from_url(server.url, namespace="tchecks", lead_seconds=0.3), 0.3
    )


def test_a_claim_lasts_until_the_state_expires(server: RedisServer) -> None:
    store = RedisReplayStore.from_url(server.url, namespace="expiry")
    assert store.claim("short-lived", time.time() + 1)
    ttl = store._redis.ttl(store.key("short-lived"))
    assert 0 < int(ttl) <= 2


def test_no_key_name_holds_a_token_a_user_id_or_a_nonce(server: RedisServer) -> None:
    tokens = RedisTokenStore.from_url(server.url, namespace="names")
    replay = RedisReplayStore.from_url(server.url, namespace="names")
    clock = Clock(5.0)
    tokens.put("9999/alice@example.com", "eyJ.secret-token.sig", time.time() + 60, clock)
    release = tokens.lead("9999/alice@example.com", clock)
    replay.claim("nonce-visible-in-urls", time.time() + 60)
    names = [key.decode() for key in tokens._redis.keys("names:*")]  # type: ignore[union-attr]
    assert len(names) == 3
    for name in names:
        for secret in ("alice", "eyJ", "secret-token", "9999/", "nonce-visible"):
            assert secret not in name
    assert release is not None
    release()


def test_a_redis_that_is_gone_refuses_the_redirect_in_words() -> None:
    """Fail closed: without an answer, a state might have been used; it is refused."""
    with RedisServer() as gone:
        store = RedisReplayStore.from_url(gone.url, timeout=0.3)
    started = time.monotonic()
    with pytest.raises(
        ReplayStoreUnavailableError, match=r"did not answer .*refusing the redirect"
    ):
        store.claim("any", time.time() + 60)
    assert time.monotonic() - started < 2.0


def test_the_replay_store_reads_what_another_client_wrote(server: RedisServer) -> None:
    """Two clients, one Redis: as two processes of a service."""
    one = RedisReplayStore(redis.Redis.from_url(server.url), namespace="two")
    other = RedisReplayStore(redis.Redis.from_url(server.url), namespace="two")
    assert one.claim("shared-nonce", time.time() + 60)
    assert not other.claim("shared-nonce", time.time() + 60)


def test_store_errors_are_logged_without_secrets(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The token store's fallback says the store failed, by class name only."""
    from spike_api_client._shared_tokens import _alone

    with caplog.at_level(logging.WARNING, logger="spike_api_client"):
        _alone("9999/bob", redis.ConnectionError("redis://:hunter2@127.0.0.1:1 refused"))
    (record,) = caplog.records
    assert record.getMessage() == (
        "token store unavailable (ConnectionError): exchanging a token in this process alone"
    )
    assert "hunter2" not in caplog.text
    assert "bob" not in caplog.text
