"""uvicorn's httptools protocol, with a cap on the size of a request's head and problem
documents for what the HTTP parser refuses.

uvicorn reads a request line and headers of any size before the application sees them (a
32 MB `Authorization` header took 1.9 s and was then answered 401). This protocol counts the
bytes of each request's head as they arrive and, past `MAX_HEAD_BYTES`, answers 431 with a
problem document at once, stops parsing, and closes the connection after a short linger
(reading and dropping what is still in flight, so the client gets the answer rather than a
reset).

uvicorn answers a request its parser cannot read (a `Content-Length: abc`, a broken request
line) with a plain-text 400 before any application sees it; schemathesis found that this broke
the mock's promise of a problem document for every error, so this protocol writes one.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from spike_kit.mock.server import MAX_HEAD_BYTES

LINGER_SECONDS = 1.0


def closing_problem(status: int, title: str, detail: str) -> bytes:
    """A whole HTTP/1.1 response carrying a problem document, the connection closed after."""
    body = json.dumps({"title": title, "status": status, "detail": detail}).encode()
    return b"".join(
        [
            f"HTTP/1.1 {status} {title}\r\n".encode(),
            b"content-type: application/problem+json\r\n",
            b"content-length: " + str(len(body)).encode() + b"\r\n",
            b"connection: close\r\n\r\n",
            body,
        ]
    )


REFUSAL = closing_problem(
    431,
    "Request Header Fields Too Large",
    f"request line and headers are over {MAX_HEAD_BYTES} bytes",
)


class MockHttpToolsProtocol(HttpToolsProtocol):
    """`HttpToolsProtocol` that refuses an oversized request head early and answers what its
    parser refuses with a problem document (module docstring)."""

    max_head_bytes = MAX_HEAD_BYTES

    def connection_made(self, transport: Any) -> None:
        self._head_bytes = 0
        self._in_head = True
        self._ended_in_chunk = False
        self._refused = False
        super().connection_made(transport)

    def on_message_begin(self) -> None:
        self._head_bytes = 0
        self._in_head = True
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        self._in_head = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head = True
        self._head_bytes = 0
        self._ended_in_chunk = True

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return  # lingering: drop whatever is still in flight
        self._ended_in_chunk = False
        super().data_received(data)
        if self._in_head and not self._ended_in_chunk:
            # Inside one request head from the start of this chunk to its end: all head bytes.
            # (A chunk in which a request ended is not counted: most of it was that request.)
            self._head_bytes += len(data)
            if self._head_bytes > self.max_head_bytes:
                self._refuse()

    def send_400_response(self, msg: str) -> None:
        self.transport.write(closing_problem(400, "Bad Request", msg))
        self.transport.close()

    def _refuse(self) -> None:
        self._refused = True
        transport = self.transport
        transport.write(REFUSAL)
        if transport.can_write_eof():
            transport.write_eof()
        asyncio.get_running_loop().call_later(LINGER_SECONDS, transport.close)
