"""Timeouts against a real, deliberately slow HTTP server on 127.0.0.1."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from spike_api_client import APITimeoutError

from tests.client.support import Call, make_client
from tests.local_http import LocalServer, serve

STALL_SECONDS = 1.5


@pytest.fixture
def slow_server() -> Iterator[LocalServer]:
    with serve(b"{}", delay=STALL_SECONDS) as server:
        yield server


def test_per_call_timeout_bounds_a_stalled_call(call: Call, slow_server: LocalServer) -> None:
    """Two 0.2 s attempts and one backoff (0.375-0.5 s) take about 0.9 s.

    The upper bound leaves room for a busy machine (the suite runs on every core) and still
    fails if either attempt waited out the 1.5 s stall (at least 2.1 s in all).
    """
    client = make_client(base_url=f"{slow_server.url}/v3", timeout=10.0)
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        call(client.with_options(timeout=0.2, max_retries=1))
    elapsed = time.monotonic() - started
    assert len(slow_server.paths) == 2
    assert 0.4 <= elapsed < 2.0
