"""A throwaway HTTP server on 127.0.0.1 in a background thread, for over-the-wire tests.

The client's timeout and connection-limit tests (a server that stalls) and the mock's flow
tests (the application's landing page) all need one that records what arrived and answers
every GET with the same canned reply, maybe after a delay; this is the single place for it.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LocalServer(ThreadingHTTPServer):
    """Records every request path it served, so tests can assert what arrived."""

    daemon_threads = True

    def __init__(self, body: bytes, content_type: str, delay: float, status: int = 200) -> None:
        super().__init__(("127.0.0.1", 0), _CannedReply)
        self.body, self.content_type, self.delay = body, content_type, delay
        self.status = status
        self.paths: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hung up first is what timeout tests do; anything else is printed."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class _CannedReply(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        server = self.server
        assert isinstance(server, LocalServer)
        server.paths.append(self.path)
        length = int(self.headers.get("content-length") or 0)
        if length:
            self.rfile.read(length)
        time.sleep(server.delay)
        self.send_response(server.status)
        self.send_header("content-type", server.content_type)
        self.send_header("content-length", str(len(server.body)))
        self.end_headers()
        self.wfile.write(server.body)

    do_POST = do_GET

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output clean."""


@contextlib.contextmanager
def serve(
    body: bytes, *, content_type: str = "application/json", delay: float = 0.0, status: int = 200
) -> Iterator[LocalServer]:
    """Answer every GET and POST with `body` after `delay` seconds until the block ends."""
    server = LocalServer(body, content_type, delay, status)
    thread = threading.Thread(target=server.serve_forever, name="local-http", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class RawServer:
    """A TCP server on 127.0.0.1 whose every connection is handled by `behave(conn, head,
    stop)` once the request head has arrived, for servers that misbehave below HTTP (never
    answering, trickling, sending too much) and for a recording proxy. Each connection gets
    its own thread; all stop when the block ends (`stop` is set). `heads` records the first
    line of every request."""

    def __init__(self, behave: Behaviour, host: str = "127.0.0.1") -> None:
        self._behave = behave
        self.heads: list[str] = []
        self._listener = socket.create_server((host, 0))
        self._listener.settimeout(0.1)
        self.stop = threading.Event()
        self.connections = 0
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        host, port = self._listener.getsockname()[:2]
        return f"http://{host}:{port}"

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError), conn:
            conn.settimeout(5)
            head = _read_head(conn)
            self.heads.append(head.split(b"\r\n", 1)[0].decode("latin-1"))
            self._behave(conn, head, self.stop)

    def __enter__(self) -> RawServer:
        thread = threading.Thread(target=self._accept, name="raw-http", daemon=True)
        self._threads.append(thread)
        thread.start()
        return self

    def __exit__(self, *args: object) -> None:
        self.stop.set()
        self._listener.close()
        for thread in self._threads:
            thread.join(timeout=5)


Behaviour = Callable[[socket.socket, bytes, threading.Event], None]


def _read_head(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def never_answer(conn: socket.socket, head: bytes, stop: threading.Event) -> None:
    """Accept the request and say nothing until the test ends."""
    stop.wait(120)


def trickle(body: bytes, *, every: float, head_too: bool = False) -> Behaviour:
    """Answer 200 with `body`, one byte every `every` seconds (the status line and headers
    too when `head_too`), as a hostile server holding a call open would."""
    head = (
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
        + f"content-length: {len(body)}\r\n\r\n".encode()
    )

    def behave(conn: socket.socket, request: bytes, stop: threading.Event) -> None:
        if not head_too:
            conn.sendall(head)
        for byte in (head if head_too else b"") + body:
            if stop.wait(every):
                return
            conn.sendall(bytes([byte]))

    return behave


def endless(*, declare_length: int | None, status: int = 200) -> Behaviour:
    """Answer with an endless body (zeros in JSON-ish text), declared with a Content-Length
    or chunked, until the client hangs up or the test ends."""
    length = f"content-length: {declare_length}\r\n" if declare_length is not None else ""
    chunked = "" if declare_length is not None else "transfer-encoding: chunked\r\n"
    head = f"HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n{length}{chunked}\r\n"
    block = b"0" * 65536

    def behave(conn: socket.socket, request: bytes, stop: threading.Event) -> None:
        conn.sendall(head.encode())
        frame = block if declare_length is not None else b"10000\r\n" + block + b"\r\n"
        while not stop.is_set():
            conn.sendall(frame)

    return behave


def answer(body: bytes, *, status: int = 200, content_type: str = "application/json") -> Behaviour:
    """Answer every request with `body`; a `CONNECT` (a proxy's tunnel) is refused with 403."""

    def behave(conn: socket.socket, request: bytes, stop: threading.Event) -> None:
        if request.startswith(b"CONNECT "):
            conn.sendall(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n")
            return
        head = (
            f"HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\n"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
        )
        conn.sendall(head.encode() + body)

    return behave
