"""A server that answers too much: the body cap holds, sync and async, over real sockets.

0.2.0 read a 150 MB answer whole (+453 MB peak memory). The client now reads bodies in
chunks up to `max_response_bytes` (1 MiB by default) and stops there.
"""

from __future__ import annotations

import time
import tracemalloc

import pytest
from spike_api_client import ResponseTooLargeError
from spike_api_client._client import DEFAULT_MAX_RESPONSE_BYTES

from tests.client.support import Call, make_client
from tests.local_http import RawServer, endless


@pytest.mark.parametrize("declared", [150_000_000, None], ids=["content-length", "chunked"])
@pytest.mark.parametrize("status", [200, 503])
def test_an_endless_body_is_cut_at_the_cap(call: Call, declared: int | None, status: int) -> None:
    with RawServer(endless(declare_length=declared, status=status)) as server:
        client = make_client(base_url=f"{server.url}/v3", max_retries=0)
        tracemalloc.start()
        started = time.monotonic()
        try:
            with pytest.raises(ResponseTooLargeError) as caught:
                call(client)
            elapsed = time.monotonic() - started
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert elapsed < 2.0
    assert peak < 8 * DEFAULT_MAX_RESPONSE_BYTES
    assert caught.value.status_code == status
    assert caught.value.body == b""
    assert "max_response_bytes (1,048,576)" in str(caught.value)


def test_the_cap_is_configurable_per_client_and_per_call(call: Call) -> None:
    with RawServer(endless(declare_length=None)) as server:
        client = make_client(base_url=f"{server.url}/v3", max_response_bytes=10_000)
        with pytest.raises(ResponseTooLargeError, match="10,000"):
            call(client)
        with pytest.raises(ResponseTooLargeError, match="20,000"):
            call(client.with_options(max_response_bytes=20_000))


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "1"])
def test_the_cap_must_be_a_positive_whole_number(value: object) -> None:
    with pytest.raises(ValueError, match="max_response_bytes"):
        make_client(max_response_bytes=value)
