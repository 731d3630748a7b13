"""uvicorn's httptools protocol with a cap on the size of a request's head.

uvicorn reads a request line and headers of any size before the application sees them (a
32 MB `Authorization` header took 1.9 s and was then answered 401). This protocol counts the
bytes of each request's head as they arrive and, past `MAX_HEAD_BYTES`, answers 431 with a
problem document at once, stops parsing, and closes the connection after a short linger
(reading and dropping what is still in flight, so the client gets the answer rather than a
reset).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from spike_kit.mock.server import MAX_HEAD_BYTES

LINGER_SECONDS = 1.0

_BODY = json.dumps(
    {
        "title": "Request Header Fields Too Large",
        "status": 431,
        "detail": f"request line and headers are over {MAX_HEAD_BYTES} bytes",
    }
).encode()
REFUSAL = b"".join(
    [
        b"HTTP/1.1 431 Request Header Fields Too Large\r\n",
        b"content-type: application/problem+json\r\n",
        b"content-length: " + str(len(_BODY)).encode() + b"\r\n",
        b"connection: close\r\n\r\n",
        _BODY,
    ]
)


class HeadCappedHttpToolsProtocol(HttpToolsProtocol):
    """`HttpToolsProtocol` that refuses an oversized request head early (module docstring)."""

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

    def _refuse(self) -> None:
        self._refused = True
        transport = self.transport
        transport.write(REFUSAL)
        if transport.can_write_eof():
            transport.write_eof()
        asyncio.get_running_loop().call_later(LINGER_SECONDS, transport.close)
