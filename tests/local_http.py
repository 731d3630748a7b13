"""A throwaway HTTP server on 127.0.0.1 in a background thread, for over-the-wire tests.

Both the client's timeout tests (a server that stalls) and the mock's flow tests (the
application's landing page) need one; this is the single place that starts and stops it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LocalServer(ThreadingHTTPServer):
    """Records every request path it served, so tests can assert what arrived."""

    daemon_threads = True

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.paths: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@contextlib.contextmanager
def serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[LocalServer]:
    """Run `handler` on a free port until the block ends; the server is always shut down."""
    server = LocalServer(handler)
    thread = threading.Thread(target=server.serve_forever, name="local-http", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
