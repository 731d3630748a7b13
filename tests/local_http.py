"""A throwaway HTTP server on 127.0.0.1 in a background thread, for over-the-wire tests.

The client's timeout and connection-limit tests (a server that stalls) and the mock's flow
tests (the application's landing page) all need one that records what arrived and answers
every GET with the same canned reply, maybe after a delay; this is the single place for it.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LocalServer(ThreadingHTTPServer):
    """Records every request path it served, so tests can assert what arrived."""

    daemon_threads = True

    def __init__(self, body: bytes, content_type: str, delay: float) -> None:
        super().__init__(("127.0.0.1", 0), _CannedReply)
        self.body, self.content_type, self.delay = body, content_type, delay
        self.paths: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _CannedReply(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        server = self.server
        assert isinstance(server, LocalServer)
        server.paths.append(self.path)
        time.sleep(server.delay)
        self.send_response(200)
        self.send_header("content-type", server.content_type)
        self.send_header("content-length", str(len(server.body)))
        self.end_headers()
        self.wfile.write(server.body)

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output clean."""


@contextlib.contextmanager
def serve(
    body: bytes, *, content_type: str = "application/json", delay: float = 0.0
) -> Iterator[LocalServer]:
    """Answer every GET with `body` after `delay` seconds until the block ends."""
    server = LocalServer(body, content_type, delay)
    thread = threading.Thread(target=server.serve_forever, name="local-http", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
