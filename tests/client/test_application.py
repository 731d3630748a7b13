"""One application client for all of a service's users, against the real mock over the wire.

Tokens are exchanged on a user's first call, kept until shortly before they expire, refreshed
once on `401 expired jwt`, and exchanged once however many calls for a user start together.
Exchanges are counted at the mock, where its issuer signs them.
"""

from __future__ import annotations

import asyncio
import pickle
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import attrs
import httpx
import pytest
from spike_api_client import (
    APIConnectionError,
    ApplicationClient,
    AuthenticationError,
    InvalidInputError,
    UserClient,
)
from spike_api_client._secrets import Secret
from spike_api_client.api.provider_integration import get_integration_init_url as init_url

from spike_kit.mock.server import MockServer
from spike_kit.mock.settings import DEFAULT_APPLICATION_ID, DEFAULT_HMAC_KEY, MockSettings
from spike_kit.mock.tokens import Identity

WRONG_KEY = "not-the-key-of-application-9999"


class CountedMock:
    """A mock on 127.0.0.1 whose token issuer counts the tokens its exchange endpoint signs."""

    def __init__(self, server: MockServer) -> None:
        self.server = server
        self._issuer = server.app.state.mock.issuer
        self._apps: list[ApplicationClient] = []
        self._planted = 0

    @property
    def exchanges(self) -> int:
        return self._issuer.issued - self._planted

    def issue_expired(self, user: str) -> str:
        """A token the mock signed long ago, which it now refuses as `expired jwt`."""
        self._planted += 1
        return self._issuer.issue(Identity(DEFAULT_APPLICATION_ID, user), 0.0)

    def app(self, **options: object) -> ApplicationClient:
        """An application client aimed at this mock, closed when the test ends."""
        settings: dict[str, object] = {
            "base_url": self.server.base_url,
            "application_id": DEFAULT_APPLICATION_ID,
            "hmac_key": DEFAULT_HMAC_KEY,
            "redirect_hosts": ["127.0.0.1:*"],
        }
        settings.update(options)
        app = ApplicationClient(**settings)  # type: ignore[arg-type]
        self._apps.append(app)
        return app

    def close(self) -> None:
        for app in self._apps:
            app.close()


def _serve(ttl: float = 3600.0) -> Iterator[CountedMock]:
    with MockServer(MockSettings(token_ttl=ttl)) as server:
        counted = CountedMock(server)
        try:
            yield counted
        finally:
            counted.close()


@pytest.fixture
def mock() -> Iterator[CountedMock]:
    yield from _serve()


@pytest.fixture
def short_lived() -> Iterator[CountedMock]:
    yield from _serve(ttl=2.0)


def test_a_users_calls_share_one_exchange_and_one_pool(mock: CountedMock) -> None:
    with mock.app() as app:
        for _ in range(5):
            found = init_url.sync("garmin", client=app.for_user("user-42"))
            assert found.provider_slug == "garmin"
        init_url.sync("oura", client=app.for_user("user-43"))
        assert {id(app.for_user(u).get_httpx_client()) for u in ("a", "b")} == {
            id(app.get_httpx_client())
        }
    assert mock.exchanges == 2


def test_expiry_mid_run_is_refreshed_transparently(short_lived: CountedMock) -> None:
    """Tokens live 1 to 2 s at the mock (its `exp` is whole seconds); three seconds of calls
    never see an error, and tokens are exchanged again as they run out, not per call."""
    with short_lived.app(refresh_margin=0.2) as app:
        ends = time.monotonic() + 3.0
        calls = 0
        while time.monotonic() < ends:
            init_url.sync("garmin", client=app.for_user("user-42"))
            calls += 1
    assert calls > 10
    assert 2 <= short_lived.exchanges <= 6


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_an_expired_token_is_refreshed_once_on_401(mock: CountedMock, mode: str) -> None:
    app = mock.app()
    # A token the client believes good (say, its clock is behind), which Spike calls expired.
    app.tokens._tokens["user-42"] = (Secret(mock.issue_expired("user-42")), time.time() + 60)
    view = app.for_user("user-42")
    if mode == "sync":
        found = init_url.sync("garmin", client=view)
    else:

        async def go() -> str:
            async with app:
                return (await init_url.asyncio("garmin", client=view)).provider_slug

        assert asyncio.run(go()) == "garmin"
        found = None
    assert mock.exchanges == 1
    assert found is None or found.provider_slug == "garmin"


def test_a_hundred_concurrent_first_calls_make_one_exchange_threads(mock: CountedMock) -> None:
    with mock.app() as app, ThreadPoolExecutor(max_workers=100) as pool:
        start = threading.Barrier(100)

        def call(_: int) -> str:
            start.wait()
            return init_url.sync("garmin", client=app.for_user("user-42")).provider_slug

        assert set(pool.map(call, range(100))) == {"garmin"}
    assert mock.exchanges == 1


def test_a_hundred_concurrent_first_calls_make_one_exchange_asyncio(mock: CountedMock) -> None:
    async def go() -> set[str]:
        async with mock.app() as app:
            calls = [init_url.asyncio("garmin", client=app.for_user("user-42")) for _ in range(100)]
            return {found.provider_slug for found in await asyncio.gather(*calls)}

    assert asyncio.run(go()) == {"garmin"}
    assert mock.exchanges == 1


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize(
    "credentials",
    [{"hmac_key": WRONG_KEY}, {"application_id": 4242}],
    ids=["wrong-key", "unknown-application"],
)
def test_a_refused_exchange_says_the_application_credentials_are_wrong(
    mock: CountedMock, mode: str, credentials: dict[str, object]
) -> None:
    app = mock.app(**credentials)
    view = app.for_user("user-42")

    async def go() -> None:
        async with app:
            await init_url.asyncio("garmin", client=view)

    def run() -> None:
        if mode == "sync":
            init_url.sync("garmin", client=view)
        else:
            asyncio.run(go())

    with pytest.raises(AuthenticationError) as caught:
        run()
    message = str(caught.value)
    assert "check the application id and HMAC key" in message
    assert f"application {app.application_id}" in message
    assert WRONG_KEY not in message
    assert WRONG_KEY.encode() not in pickle.dumps(caught.value)
    assert len(app.tokens) == 0


def test_a_failed_exchange_caches_nothing_and_the_next_call_exchanges_again(
    mock: CountedMock,
) -> None:
    refused: list[str] = []

    def refuse_the_first_exchange(request: httpx.Request) -> None:
        if request.url.path.endswith("/auth/hmac") and not refused:
            refused.append(request.url.path)
            raise httpx.ConnectError("the network failed", request=request)

    app = mock.app(
        max_retries=0, httpx_args={"event_hooks": {"request": [refuse_the_first_exchange]}}
    )
    with pytest.raises(APIConnectionError):
        init_url.sync("garmin", client=app.for_user("user-42"))
    assert len(app.tokens) == 0
    assert init_url.sync("garmin", client=app.for_user("user-42")).provider_slug == "garmin"
    assert len(app.tokens) == 1
    assert mock.exchanges == 1


def test_the_key_and_tokens_stay_out_of_reprs_and_pickles(mock: CountedMock) -> None:
    app = mock.app()
    view = app.for_user("user-42")
    init_url.sync("garmin", client=view)
    token = app.tokens.get("user-42")
    assert token is not None
    for shown in (repr(app), repr(view), repr(attrs.asdict(app)), repr(attrs.asdict(view))):
        assert DEFAULT_HMAC_KEY not in shown
        assert token.reveal() not in shown
    with pytest.raises(TypeError):
        pickle.dumps(app)


def test_the_application_client_itself_refuses_to_act_for_nobody(mock: CountedMock) -> None:
    with pytest.raises(InvalidInputError, match="for_user"):
        init_url.sync("garmin", client=mock.app())


@pytest.mark.parametrize("user", ["", "has space", "x" * 129, "é", "a/b"])
def test_user_ids_outside_the_contract_are_refused(mock: CountedMock, user: str) -> None:
    with pytest.raises(InvalidInputError, match="application_user_id"):
        mock.app().for_user(user)


def test_views_are_clients_that_keep_their_user_through_copies(mock: CountedMock) -> None:
    view = mock.app().for_user("user-42")
    assert isinstance(view, UserClient)
    copy = view.with_options(deadline=5)
    assert copy.application_user_id == "user-42"
    init_url.sync("garmin", client=copy.with_headers({"X-Request-Id": "r-1"}))
    assert mock.exchanges == 1


def test_from_env_reads_the_documented_variables(mock: CountedMock) -> None:
    environ = {
        "SPIKE_APPLICATION_ID": str(DEFAULT_APPLICATION_ID),
        "SPIKE_HMAC_KEY": DEFAULT_HMAC_KEY,
        "SPIKE_BASE_URL": mock.server.base_url,
    }
    with ApplicationClient.from_env(environ, redirect_hosts=["127.0.0.1:*"]) as app:
        assert init_url.sync("garmin", client=app.for_user("u1")).provider_slug == "garmin"


@pytest.mark.parametrize(
    ("environ", "says"),
    [
        ({}, "SPIKE_APPLICATION_ID and SPIKE_HMAC_KEY"),
        ({"SPIKE_APPLICATION_ID": "9999"}, "SPIKE_HMAC_KEY"),
        ({"SPIKE_APPLICATION_ID": "nine", "SPIKE_HMAC_KEY": DEFAULT_HMAC_KEY}, "number"),
        ({"SPIKE_APPLICATION_ID": "9999", "SPIKE_HMAC_KEY": "short"}, "shorter"),
    ],
)
def test_from_env_says_what_is_missing_without_showing_values(
    environ: dict[str, str], says: str
) -> None:
    with pytest.raises(InvalidInputError, match=says) as caught:
        ApplicationClient.from_env(environ)
    assert DEFAULT_HMAC_KEY not in str(caught.value)
