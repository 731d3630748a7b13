"""What each worker process of the multi-process tests runs (importable, for `spawn`).

A worker is one process of a service: its own `ApplicationClient` and stores, sharing only
Redis with the others, as behind `uvicorn --workers 4`.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from spike_api_client import ApplicationClient, ReplayedStateError, StateSigner, read_redirect_back
from spike_api_client.api.provider_integration import get_integration_init_url as init_url
from spike_api_client.redis_stores import RedisReplayStore, RedisTokenStore

APPLICATION_ID = 9999
HMAC_KEY = "spike-mock-hmac-key-0123456789"
STATE_KEY = "multi-process-test-state-key-0123456789"


def connect_users(base_url: str, redis_url: str | None, users: list[str], start_at: float) -> int:
    """Every user's first call, from 16 threads; the calls that returned the provider."""
    store = RedisTokenStore.from_url(redis_url) if redis_url else None
    app = ApplicationClient(
        application_id=APPLICATION_ID,
        hmac_key=HMAC_KEY,
        base_url=base_url,
        redirect_hosts=["127.0.0.1:*"],
        token_store=store,
    )
    time.sleep(max(start_at - time.time(), 0.0))  # every worker starts at the same moment
    try:
        with ThreadPoolExecutor(16) as pool:
            slugs = list(
                pool.map(
                    lambda user: init_url.sync("garmin", client=app.for_user(user)).provider_slug,
                    users,
                )
            )
    finally:
        app.close()
    return slugs.count("garmin")


def read_callback(redis_url: str, landing: str, start_at: float) -> str:
    """The callback handler of one worker, given the same redirect back as the others."""
    store = RedisReplayStore.from_url(redis_url)
    time.sleep(max(start_at - time.time(), 0.0))
    try:
        outcome = read_redirect_back(landing, StateSigner(STATE_KEY), replay_store=store)
    except ReplayedStateError:
        return "replayed"
    return type(outcome).__name__
