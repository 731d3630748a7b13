"""Every exception crosses a process boundary intact and without credentials.

A `ProcessPoolExecutor` worker or a Celery task that fails sends its exception back pickled, and
a result backend stores those bytes. 0.2.0's errors failed to unpickle (keyword-only
arguments) and their pickles held the bearer token (the exception kept the request headers).
"""

from __future__ import annotations

import pickle
from concurrent.futures import ProcessPoolExecutor

import httpx
import pytest
import respx
import spike_api_client
from spike_api_client import (
    APIConnectionError,
    APIStatusError,
    AuthenticatedClient,
    Client,
    NotFoundError,
    RateLimitError,
    SpikeError,
    exchange_token,
)
from spike_api_client.api.provider_integration import get_integration_init_url as init_url

from tests.client.support import BASE_URL, ROUTE, TOKEN, make_client
from tests.local_http import serve

KEY = "hmac-key-0123456789-very-secret"
PROBLEM = {"title": "Not Found", "status": 404, "detail": "unknown provider", "errors": []}
ERROR_CLASSES = sorted(
    (
        value
        for value in vars(spike_api_client).values()
        if isinstance(value, type) and issubclass(value, SpikeError)
    ),
    key=lambda cls: cls.__name__,
)


def _input_error() -> SpikeError:
    with pytest.raises(SpikeError) as caught:
        init_url.sync("..", client=make_client())
    return caught.value


def _raised(response: httpx.Response | Exception, client: Client | None = None) -> SpikeError:
    with respx.mock() as router:
        router.get(ROUTE).mock(side_effect=[response])
        with pytest.raises(SpikeError) as caught:
            init_url.sync("garmin", client=client or make_client(max_retries=0))
    return caught.value


RAISED = {
    "status": lambda: _raised(
        httpx.Response(404, json=PROBLEM, headers={"content-type": "application/problem+json"})
    ),
    "rate-limit": lambda: _raised(
        httpx.Response(429, headers={"retry-after": "120"}, json={"detail": "slow"})
    ),
    "contract": lambda: _raised(
        httpx.Response(200, text="<html>", headers={"content-type": "text/html"})
    ),
    "connection": lambda: _raised(httpx.ConnectError("refused")),
    "timeout": lambda: _raised(httpx.ReadTimeout("slow")),
    "input": lambda: _input_error(),
}


@pytest.mark.parametrize("kind", sorted(RAISED))
def test_raised_errors_round_trip_through_pickle(kind: str) -> None:
    error = RAISED[kind]()
    data = pickle.dumps(error)
    assert TOKEN.encode() not in data
    assert TOKEN[:12].encode() not in data
    copy = pickle.loads(data)
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    if isinstance(error, APIStatusError):
        assert isinstance(copy, APIStatusError)
        assert copy.status_code == error.status_code
        assert copy.body == error.body
        assert copy.retry_after == error.retry_after
        assert copy.detail == error.detail
        assert (copy.problem is None) == (error.problem is None)
        if error.problem is not None and copy.problem is not None:
            assert copy.problem.to_dict() == error.problem.to_dict()
        assert copy.response.request.url == error.response.request.url
    if isinstance(error, APIConnectionError):
        assert isinstance(copy, APIConnectionError)
        assert copy.request.url == error.request.url


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda cls: cls.__name__)
def test_every_exported_error_class_pickles(cls: type[SpikeError]) -> None:
    """Also errors a caller makes in their own tests, as Stainless-made SDKs allow."""
    request = httpx.Request("GET", f"{BASE_URL}/x", headers={"Authorization": f"Bearer {TOKEN}"})
    response = httpx.Response(503, json={"detail": "busy"}, request=request)
    if issubclass(cls, APIStatusError):
        error: SpikeError = cls("busy", response=response, problem=None, retry_after=1.0)
    elif issubclass(cls, spike_api_client.APIResponseError):
        error = cls("broken", response=response)
    elif issubclass(cls, APIConnectionError):
        error = cls("refused", request=request)
    else:
        error = cls("bad input")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is cls
    assert str(copy) == str(error)


def _fail_in_a_worker(base_url: str) -> str:
    """Runs in another process: a call that Spike answers 404."""
    with AuthenticatedClient(base_url=base_url, token=TOKEN, max_retries=0) as client:
        init_url.sync("garmin", client=client)
    return "unreachable"


def _exchange_in_a_worker(base_url: str) -> str:
    with Client(base_url=base_url, max_retries=0) as client:
        return exchange_token(client, application_id=1, application_user_id="u1", hmac_key=KEY)


def test_a_process_pool_worker_hitting_a_404_hands_the_error_back() -> None:
    body = b'{"title": "Not Found", "status": 404, "detail": "unknown provider"}'
    with (
        serve(body, status=404, content_type="application/problem+json") as server,
        ProcessPoolExecutor(max_workers=1) as pool,
    ):
        future = pool.submit(_fail_in_a_worker, f"{server.url}/v3")
        with pytest.raises(NotFoundError) as caught:
            future.result(timeout=60)
        assert pool.submit(len, "the pool still works").result(timeout=60) == 20
    assert caught.value.detail == "unknown provider"
    assert caught.value.status_code == 404


def test_a_refused_exchange_pickles_without_the_key_or_signature() -> None:
    body = b'{"status": 401, "detail": "application not found"}'
    with (
        serve(body, status=401, content_type="application/problem+json") as server,
        ProcessPoolExecutor(max_workers=1) as pool,
    ):
        future = pool.submit(_exchange_in_a_worker, f"{server.url}/v3")
        with pytest.raises(SpikeError) as caught:
            future.result(timeout=60)
    data = pickle.dumps(caught.value)
    assert KEY.encode() not in data
    assert spike_api_client.sign_application_user_id("u1", KEY).encode() not in data


def test_a_rate_limit_keeps_its_retry_after() -> None:
    error = RAISED["rate-limit"]()
    assert isinstance(error, RateLimitError)
    assert pickle.loads(pickle.dumps(error)).retry_after == 120.0
