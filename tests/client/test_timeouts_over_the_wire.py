"""Timeouts against a real, deliberately slow HTTP server on 127.0.0.1."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from spike_api_client import APITimeoutError

from tests.client.conftest import Call, make_client

STALL_SECONDS = 1.5


class _StallingHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.server.hits += 1  # type: ignore[attr-defined]
        time.sleep(STALL_SECONDS)
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output clean."""


@pytest.fixture
def slow_server() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StallingHandler)
    server.hits = 0  # type: ignore[attr-defined]
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_per_call_timeout_bounds_a_stalled_call(
    call: Call, slow_server: ThreadingHTTPServer
) -> None:
    host, port = str(slow_server.server_address[0]), slow_server.server_address[1]
    client = make_client(base_url=f"http://{host}:{port}/v3", timeout=10.0)
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        call(client.with_options(timeout=0.2, max_retries=1))
    elapsed = time.monotonic() - started
    assert slow_server.hits == 2  # type: ignore[attr-defined]
    assert 0.4 <= elapsed < 1.4
