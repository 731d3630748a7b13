"""One client for the whole service, whatever runs its coroutines: successive `asyncio.run`
loops, several loops in threads at once, sync calls beside them, trio (through anyio).

Each loop gets its own connection pool, closed when the loop shuts down; `close()` and
`aclose()` close every pool the client opened; one token exchange per user holds across all
of them. Real sockets (the mock on 127.0.0.1), so a pool left open would show as a
`ResourceWarning`, which this suite turns into an error.
"""

from __future__ import annotations

import asyncio
import gc
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import anyio
import httpx
import pytest
from spike_api_client import ApplicationClient, InvalidInputError
from spike_api_client.api.provider_integration import get_integration_init_url as init_url

from spike_kit.mock.server import MockServer
from spike_kit.mock.settings import DEFAULT_APPLICATION_ID, DEFAULT_HMAC_KEY, MockSettings


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer(MockSettings()) as running:
        yield running


def _app(server: MockServer, **options: object) -> ApplicationClient:
    return ApplicationClient(
        application_id=DEFAULT_APPLICATION_ID,
        hmac_key=DEFAULT_HMAC_KEY,
        base_url=server.base_url,
        redirect_hosts=["127.0.0.1:*"],
        **options,  # type: ignore[arg-type]
    )


def _issued(server: MockServer) -> int:
    return int(server.app.state.mock.issuer.issued)


def _is_closed(client: httpx.AsyncClient) -> bool:
    return client.is_closed


def _open_pools(app: ApplicationClient) -> int:
    return len(app._pool._loops)


async def _calls(app: ApplicationClient, users: list[str]) -> list[str]:
    found = await asyncio.gather(
        *(init_url.asyncio("garmin", client=app.for_user(user)) for user in users)
    )
    return [item.provider_slug for item in found]


def test_one_client_serves_three_successive_asyncio_run_loops(server: MockServer) -> None:
    """What a Celery job or a sync framework does: `asyncio.run` per job, one client."""
    app = _app(server)
    try:
        for job in range(3):
            users = [f"loop-{job}-user-{index}" for index in range(20)]
            assert asyncio.run(_calls(app, users)) == ["garmin"] * 20
            assert _open_pools(app) == 0, "the loop's pool closed when the loop shut down"
        gc.collect()  # a socket left open would warn here (an error in this suite)
    finally:
        app.close()


def test_loops_in_threads_and_sync_calls_at_once(server: MockServer) -> None:
    """Three threads each running a loop, and sync calls from a thread pool, together."""
    app = _app(server)
    errors: list[BaseException] = []

    def in_a_loop(index: int) -> None:
        try:
            asyncio.run(_calls(app, [f"thread-{index}-{n}" for n in range(10)]))
        except BaseException as exc:
            errors.append(exc)

    try:
        threads = [threading.Thread(target=in_a_loop, args=(index,)) for index in range(3)]
        for thread in threads:
            thread.start()
        with ThreadPoolExecutor(4) as pool:
            slugs = list(
                pool.map(
                    lambda n: init_url.sync("oura", client=app.for_user(f"sync-{n}")).provider_slug,
                    range(12),
                )
            )
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        assert slugs == ["oura"] * 12
        assert _open_pools(app) == 0
    finally:
        app.close()


def test_close_closes_a_pool_whose_loop_still_runs_in_another_thread(
    server: MockServer,
) -> None:
    app = _app(server)
    loop = asyncio.new_event_loop()
    runner = threading.Thread(target=loop.run_forever)
    runner.start()
    try:
        done = asyncio.run_coroutine_threadsafe(_calls(app, ["kept-open"]), loop)
        assert done.result(timeout=30) == ["garmin"]
        (entry,) = app._pool._loops.values()
        pool = entry.client
        assert _is_closed(pool) is False
        app.close()
        assert _is_closed(pool) is True
        assert _open_pools(app) == 0
    finally:
        loop.call_soon_threadsafe(loop.stop)
        runner.join(timeout=10)
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


def test_aclose_closes_the_sync_pool_too(server: MockServer) -> None:
    app = _app(server)
    assert init_url.sync("garmin", client=app.for_user("both-kinds")).provider_slug == "garmin"
    sync_pool = app.get_httpx_client()

    async def go() -> None:
        await _calls(app, ["both-kinds"])
        await app.aclose()

    asyncio.run(go())
    assert sync_pool.is_closed
    assert _open_pools(app) == 0


def test_one_exchange_per_user_across_threads_loops_and_sync_calls(server: MockServer) -> None:
    """The token cache's single flight is one, whatever the caller runs in."""
    app = _app(server)
    before = _issued(server)
    barrier = threading.Barrier(6)

    def sync_caller() -> str:
        barrier.wait()
        return init_url.sync("garmin", client=app.for_user("one-flight")).provider_slug

    def loop_caller() -> list[str]:
        async def go() -> list[str]:
            barrier.wait()
            return await _calls(app, ["one-flight"] * 10)

        return asyncio.run(go())

    try:
        with ThreadPoolExecutor(6) as pool:
            syncs = [pool.submit(sync_caller) for _ in range(3)]
            loops = [pool.submit(loop_caller) for _ in range(3)]
            assert [future.result(timeout=60) for future in syncs] == ["garmin"] * 3
            assert [future.result(timeout=60) for future in loops] == [["garmin"] * 10] * 3
        assert _issued(server) - before == 1
    finally:
        app.close()


def test_trio_through_anyio(server: MockServer) -> None:
    """anyio's trio backend: the client's async side is anyio's, so trio runs it too."""
    app = _app(server)

    async def go() -> list[str]:
        found = []
        async with anyio.create_task_group() as group:

            async def one(user: str) -> None:
                found.append(
                    (await init_url.asyncio("whoop", client=app.for_user(user))).provider_slug
                )

            for index in range(5):
                group.start_soon(one, f"trio-{index}")
        return found

    try:
        assert anyio.run(go, backend="trio") == ["whoop"] * 5
        assert anyio.run(go, backend="trio") == ["whoop"] * 5, "a second trio run works too"
        assert _open_pools(app) == 0
    finally:
        app.close()


def test_every_httpx_client_made_is_handed_to_the_tracing_hook(server: MockServer) -> None:
    made: list[type] = []
    app = _app(server, on_new_httpx_client=lambda client: made.append(type(client)))
    try:
        init_url.sync("garmin", client=app.for_user("traced"))
        asyncio.run(_calls(app, ["traced"]))
        asyncio.run(_calls(app, ["traced"]))
        assert made == [httpx.Client, httpx.AsyncClient, httpx.AsyncClient]
    finally:
        app.close()


def test_hooks_go_to_the_client_of_their_kind(server: MockServer) -> None:
    seen: list[str] = []

    def sync_hook(response: httpx.Response) -> None:
        seen.append("sync")

    async def async_hook(response: httpx.Response) -> None:
        seen.append("async")

    app = _app(server, httpx_args={"event_hooks": {"response": [sync_hook, async_hook]}})
    try:
        init_url.sync("garmin", client=app.for_user("hooked"))
        asyncio.run(_calls(app, ["hooked"]))
        assert seen == ["sync", "sync", "async"]  # the exchange and the call, then the call
    finally:
        app.close()


def test_a_hook_of_the_other_kind_only_is_refused_in_words(server: MockServer) -> None:
    def sync_hook(response: httpx.Response) -> None:
        pass

    app = _app(server, httpx_args={"event_hooks": {"response": [sync_hook]}})
    try:
        with pytest.raises(InvalidInputError, match="holds only sync hooks, which an async call"):
            asyncio.run(_calls(app, ["refused-hook"]))
    finally:
        app.close()


@pytest.fixture(scope="module")
def shared_app(server: MockServer) -> Iterator[ApplicationClient]:
    """One client for the module, as a service makes it once at start-up."""
    app = _app(server)
    yield app
    app.close()


@pytest.mark.asyncio
@pytest.mark.parametrize("user", ["a", "b", "c", "d"])
async def test_pytest_asyncio_function_loops_share_a_module_client(
    shared_app: ApplicationClient, user: str
) -> None:
    """pytest-asyncio gives each test a loop of its own (the default): four tests, four
    loops, one client made before any of them."""
    found = await init_url.asyncio("polar", client=shared_app.for_user(f"asyncio-{user}"))
    assert found.provider_slug == "polar"


def test_a_failure_inside_a_call_is_a_spike_error_naming_where(server: MockServer) -> None:
    """An event hook that raises (or anything else that goes wrong inside a call) surfaces
    as a `SpikeError`, so `except SpikeError` catches every failure of a call."""
    from spike_api_client import SpikeError

    def broken_hook(request: httpx.Request) -> None:
        raise LookupError("the hook's own bug")

    app = _app(server, httpx_args={"event_hooks": {"request": [broken_hook]}})
    try:
        with pytest.raises(SpikeError, match="failed inside the client: LookupError") as caught:
            init_url.sync("garmin", client=app.for_user("hooked-badly"))
    finally:
        app.close()
    assert isinstance(caught.value.__cause__, LookupError)
