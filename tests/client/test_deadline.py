"""One time budget for a whole call: every attempt, backoff and `Retry-After` wait.

Against real sockets on 127.0.0.1 that accept and then say nothing, or trickle: the failure
the deadline exists for. 0.2.0 took 91 s by default against a silent server and let a
trickling one hold a call for as long as it liked.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import respx
from spike_api_client import APITimeoutError, AuthenticatedClient, RateLimitError, ServerError
from spike_api_client.api.provider_integration import get_integration_init_url as init_url

from tests.client.support import GOOD_BODY, ROUTE, TOKEN, Call, make_client
from tests.local_http import RawServer, never_answer, trickle

BODY = b'{"provider_slug": "garmin", "path": "https://app-api.spikeapi.com/v3/x"}'


@pytest.fixture
def silent() -> Iterator[RawServer]:
    with RawServer(never_answer) as server:
        yield server


def _timed(run: Call, *args: object, **kwargs: object) -> tuple[BaseException, float]:
    started = time.monotonic()
    with pytest.raises(APITimeoutError) as caught:
        run(*args, **kwargs)
    return caught.value, time.monotonic() - started


def test_a_default_call_to_a_silent_server_ends_at_the_deadline(silent: RawServer) -> None:
    """The default deadline (30 s) bounds the call, sync and async at once, each retrying
    within it (three attempts of up to 10 s each)."""
    outcomes: dict[str, tuple[BaseException, float]] = {}

    def sync_call() -> None:
        client = AuthenticatedClient(base_url=f"{silent.url}/v3", token=TOKEN)
        outcomes["sync"] = _timed(init_url.sync, "garmin", client=client)

    async def async_call() -> None:
        async with AuthenticatedClient(base_url=f"{silent.url}/v3", token=TOKEN) as client:
            started = time.monotonic()
            with pytest.raises(APITimeoutError) as caught:
                await init_url.asyncio("garmin", client=client)
            outcomes["async"] = (caught.value, time.monotonic() - started)

    thread = threading.Thread(target=sync_call)
    thread.start()
    asyncio.run(async_call())
    thread.join(timeout=40)
    for mode in ("sync", "async"):
        error, elapsed = outcomes[mode]
        assert 29.0 <= elapsed <= 31.0, (mode, elapsed)
        assert "after 3 attempts in" in str(error), (mode, str(error))
        assert "deadline 30 s" in str(error)
    assert silent.connections == 6


@pytest.mark.parametrize("where", ["client", "call"])
def test_a_short_deadline_ends_the_call(call: Call, silent: RawServer, where: str) -> None:
    client = make_client(base_url=f"{silent.url}/v3", timeout=10.0)
    if where == "client":
        client = make_client(base_url=f"{silent.url}/v3", timeout=10.0, deadline=1.0)
    else:
        client = client.with_options(deadline=1.0)
    error, elapsed = _timed(call, client)
    assert 0.9 <= elapsed <= 2.0
    assert "1 attempt in 1.0 s" in str(error) or "1 attempt in 0.9 s" in str(error)


def test_a_trickled_body_cannot_outlast_the_deadline(call: Call) -> None:
    """Each byte arrives well within the read timeout; only the deadline stops the call."""
    with RawServer(trickle(BODY, every=0.2)) as server:
        client = make_client(base_url=f"{server.url}/v3", timeout=5.0, deadline=1.5)
        error, elapsed = _timed(call, client.with_options(max_retries=0))
    assert 1.4 <= elapsed <= 2.5
    assert "timed out" in str(error)


def test_async_calls_are_bounded_even_while_the_head_trickles() -> None:
    """Async calls run under one cancel scope, so even a status line that arrives a byte at
    a time cannot hold them. (Sync calls are bounded per read by `timeout` there; see the
    client README.)"""
    with RawServer(trickle(BODY, every=0.2, head_too=True)) as server:

        async def go() -> tuple[BaseException, float]:
            async with make_client(base_url=f"{server.url}/v3", deadline=1.5) as client:
                started = time.monotonic()
                with pytest.raises(APITimeoutError) as caught:
                    await init_url.asyncio("garmin", client=client)
                return caught.value, time.monotonic() - started

        error, elapsed = asyncio.run(go())
    assert 1.4 <= elapsed <= 2.5
    assert "deadline 1.5 s" in str(error)


def test_a_retry_after_longer_than_what_is_left_raises_at_once(call: Call) -> None:
    with respx.mock() as router:
        route = router.get(ROUTE).respond(429, headers={"retry-after": "5"})
        started = time.monotonic()
        with pytest.raises(RateLimitError) as caught:
            call(make_client(deadline=2.0))
        elapsed = time.monotonic() - started
    assert route.call_count == 1
    assert elapsed < 0.5
    assert caught.value.retry_after == 5.0
    assert "would pass the 2 s deadline" in str(caught.value)


def test_backoff_that_would_pass_the_deadline_raises_the_last_error(call: Call) -> None:
    with respx.mock() as router:
        route = router.get(ROUTE).respond(503)
        slow_backoff = make_client(deadline=0.5).with_options(
            retry=make_client().settings.retry.__class__(initial_delay=2.0, max_delay=2.0)
        )
        with pytest.raises(ServerError) as caught:
            call(slow_backoff)
    assert route.call_count == 1
    assert "deadline" in str(caught.value)


def test_a_call_that_fits_is_not_cut_short(call: Call) -> None:
    with respx.mock() as router:
        router.get(ROUTE).mock(
            side_effect=[httpx.Response(503), httpx.Response(200, json=GOOD_BODY)]
        )
        assert call(make_client(deadline=5.0)).path == GOOD_BODY["path"]


@pytest.mark.parametrize("deadline", [0, -1, float("inf"), float("nan"), "30", True])
def test_a_deadline_must_be_a_finite_positive_number(deadline: object) -> None:
    with pytest.raises(ValueError, match="deadline"):
        make_client(deadline=deadline)


def test_an_exchange_that_times_out_names_the_calls_deadline(silent: RawServer) -> None:
    """The token exchange runs inside the call that needed it: its error names the deadline
    that was set (not what was left of it when the exchange began)."""
    from spike_api_client import ApplicationClient

    app = ApplicationClient(
        application_id=9999,
        hmac_key="spike-mock-hmac-key-0123456789",
        base_url=f"{silent.url}/v3",
        deadline=1.0,
        max_retries=0,
    )
    try:
        error, elapsed = _timed(init_url.sync, "garmin", client=app.for_user("slow-exchange"))
    finally:
        app.close()
    assert elapsed <= 2.0
    assert "(deadline 1 s" in str(error), str(error)


def test_an_async_timeout_says_which_wait_ran_out_like_the_sync_one(silent: RawServer) -> None:
    """Both loops say `last: ReadTimeout` and keep httpx's error (scrubbed) as the cause."""
    client = make_client(base_url=f"{silent.url}/v3", deadline=1.0, max_retries=0)

    async def go() -> APITimeoutError:
        with pytest.raises(APITimeoutError) as caught:
            await init_url.asyncio("garmin", client=client)
        return caught.value

    try:
        error = asyncio.run(go())
        with pytest.raises(APITimeoutError) as sync_caught:
            init_url.sync("garmin", client=client)
    finally:
        client.close()
    for raised in (error, sync_caught.value):
        assert "last: ReadTimeout" in str(raised), str(raised)
        assert isinstance(raised.__cause__, httpx.ReadTimeout)
