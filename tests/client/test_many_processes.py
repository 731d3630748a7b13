"""A service behind several worker processes, sharing one real Redis, against the mock over
the wire: one token exchange per user across all of them, a redirect back accepted once
across all of them, and what happens while Redis is down and when it comes back.

Exchanges are counted at the mock (its token issuer), which runs in this process.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from spike_api_client import ApplicationClient, ReplayStoreUnavailableError, StateSigner
from spike_api_client._retry import Clock
from spike_api_client.api.provider_integration import get_integration_init_url as init_url
from spike_api_client.redis_stores import RedisReplayStore, RedisTokenStore

from spike_kit.mock.server import MockServer
from spike_kit.mock.settings import MockSettings
from tests.client import worker_support as worker
from tests.client.redis_support import RedisServer

WORKERS = 4
START_IN = 3.0
"""Seconds from now at which every worker starts its calls: past their start-up (spawned
processes import the client first), so that they run at once."""
USERS = [f"member-{index}" for index in range(50)]


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer(MockSettings(redirect_hosts=["127.0.0.1"])) as server:
        yield server


def _issued(mock: MockServer) -> int:
    return int(mock.app.state.mock.issuer.issued)


def _in_workers(target: object, argument_lists: list[tuple[object, ...]]) -> list[object]:
    context = multiprocessing.get_context("spawn")
    with context.Pool(len(argument_lists)) as pool:
        return pool.starmap(target, argument_lists, chunksize=1)  # type: ignore[arg-type]


def test_four_workers_and_fifty_users_make_fifty_exchanges(mock: MockServer) -> None:
    with RedisServer() as redis_server:
        before = _issued(mock)
        start_at = time.time() + START_IN  # past every worker's start-up
        served = _in_workers(
            worker.connect_users,
            [(mock.base_url, redis_server.url, USERS, start_at)] * WORKERS,
        )
        assert served == [len(USERS)] * WORKERS
        assert _issued(mock) - before == len(USERS)


def test_without_a_shared_store_each_worker_exchanges_its_own(mock: MockServer) -> None:
    """The control: the same run with a cache per process makes one exchange per user per
    worker, so the count above is the store's doing."""
    before = _issued(mock)
    start_at = time.time() + START_IN
    _in_workers(worker.connect_users, [(mock.base_url, None, USERS[:10], start_at)] * WORKERS)
    assert _issued(mock) - before == 10 * WORKERS


def _landing(mock: MockServer, user: str) -> str:
    """A real redirect back: a signed state, init_url, the consent, the URL the browser lands on."""
    state = StateSigner(worker.STATE_KEY).issue(user, provider_slug="garmin")
    with ApplicationClient(
        application_id=worker.APPLICATION_ID,
        hmac_key=worker.HMAC_KEY,
        base_url=mock.base_url,
        redirect_hosts=["127.0.0.1:*"],
    ) as app:
        found = init_url.sync(
            "garmin",
            client=app.for_user(user),
            state=state,
            redirect_uri="https://127.0.0.1/callback",
        )
    consent = httpx.get(found.path, follow_redirects=False, timeout=10)
    assert consent.status_code == 302
    return str(consent.headers["location"])


def test_a_redirect_back_replayed_to_every_worker_is_accepted_once(mock: MockServer) -> None:
    landing = _landing(mock, "replayed-everywhere")
    with RedisServer() as redis_server:
        start_at = time.time() + START_IN
        outcomes = _in_workers(
            worker.read_callback, [(redis_server.url, landing, start_at)] * WORKERS
        )
    assert sorted(map(str, outcomes)) == ["Connected"] + ["replayed"] * (WORKERS - 1)


def test_redis_down_then_back(mock: MockServer, caplog: pytest.LogCaptureFixture) -> None:
    """Down: calls go on within their deadline, each process exchanging alone (a warning says
    so), and redirects are refused (fail closed). Back on the same port: both stores are
    used again, with no restart of the service."""
    redis_server = RedisServer().start()
    tokens = RedisTokenStore.from_url(redis_server.url, timeout=0.3)
    replay = RedisReplayStore.from_url(redis_server.url, timeout=0.3)
    app = ApplicationClient(
        application_id=worker.APPLICATION_ID,
        hmac_key=worker.HMAC_KEY,
        base_url=mock.base_url,
        redirect_hosts=["127.0.0.1:*"],
        token_store=tokens,
        deadline=5.0,
    )
    try:
        assert init_url.sync("garmin", client=app.for_user("before-the-outage")).path
        redis_server.stop()
        started = time.monotonic()
        with caplog.at_level(logging.WARNING, logger="spike_api_client"):
            found = init_url.sync("garmin", client=app.for_user("during-the-outage"))
        assert found.provider_slug == "garmin"
        assert time.monotonic() - started < 5.0
        assert "token store unavailable (ConnectionError)" in caplog.text
        with pytest.raises(ReplayStoreUnavailableError):
            replay.claim("during-the-outage", time.time() + 60)
        redis_server.start()  # the same port: as a restarted Redis
        assert init_url.sync("garmin", client=app.for_user("after-the-outage")).path
        shared = tokens.get(app.tokens.shared_name("after-the-outage"), Clock(5.0))
        assert shared is not None, "the token is shared again"
        assert replay.claim("after-the-outage", time.time() + 60)
    finally:
        app.close()
        redis_server.stop()


def test_a_landing_url_reads_as_the_mock_sent_it(mock: MockServer) -> None:
    landing = _landing(mock, "shape")
    query = dict(parse_qsl(urlsplit(landing).query))
    assert query["user_id"] == "shape"
    assert query["provider_slug"] == "garmin"
    assert "state" in query
