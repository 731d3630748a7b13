"""The few pieces of ASGI the mock needs, written out so the request path stays short.

A web framework's routing, request and response objects cost more than half of what uvicorn
can serve (measured for the mock in `tox -e bench-mock`). The mock has three routes, reads a
handful of headers and answers small JSON documents, so it does that itself: headers are read
once from the raw scope, bodies go out as prepared bytes in two ASGI messages.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

from spike_kit.mock.validation import Issue

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

JSON_TYPE = b"application/json"
PROBLEM_TYPE = b"application/problem+json"
PROBLEM_JSON = PROBLEM_TYPE.decode()


class Reply:
    """A whole response: status, headers (lower-case names) and the body as bytes.

    A plain slotted class: one is built per request, and an attrs frozen class costs more.
    """

    __slots__ = ("body", "content_type", "headers", "status")

    def __init__(
        self,
        status: int,
        body: bytes = b"",
        content_type: bytes | None = JSON_TYPE,
        headers: tuple[tuple[bytes, bytes], ...] = (),
    ) -> None:
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = headers

    async def send(self, send: Send, *extra: tuple[bytes, bytes]) -> None:
        headers = [(b"content-length", str(len(self.body)).encode()), *self.headers, *extra]
        if self.content_type is not None:
            headers.append((b"content-type", self.content_type))
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": self.body})


def json_reply(value: Any, status: int = 200) -> Reply:
    return Reply(status, json.dumps(value, separators=(",", ":")).encode())


def _title(status: int) -> str:
    """The status's reason phrase; a status without one (a fault of 599) gets `Error`."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem(
    status: int,
    detail: str,
    errors: Iterable[Issue] | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    """An RFC 9457 problem document shaped like Spike's (Huma's ErrorModel)."""
    body: dict[str, Any] = {"title": _title(status), "status": status, "detail": detail}
    listed = [issue.as_json() for issue in errors or ()]
    if listed:
        body["errors"] = listed
    return Reply(status, json.dumps(body).encode(), PROBLEM_TYPE, encode_headers(headers or {}))


def encode_headers(headers: dict[str, str]) -> tuple[tuple[bytes, bytes], ...]:
    return tuple((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items())


def read_headers(scope: Scope) -> dict[str, str]:
    """The request's headers by lower-case name (latin-1, as HTTP defines them); for a
    repeated header, its values joined by commas (RFC 9110's rule)."""
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        name = raw_name.decode("latin-1").lower()
        value = raw_value.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def parse_query(raw: bytes) -> dict[str, list[str]]:
    """Query parameters by name, every value kept (a repeated parameter is refused later).

    The same reading as `urllib.parse.parse_qsl(..., keep_blank_values=True)`, which Starlette
    uses; query strings without `%` or `+` (most) skip its decoding.
    """
    if not raw:
        return {}
    text = raw.decode("latin-1")
    pairs: Iterable[tuple[str, str]]
    if "%" in text or "+" in text:
        pairs = parse_qsl(text, keep_blank_values=True)
    else:
        pairs = [part.partition("=")[::2] for part in text.split("&") if part]
    query: dict[str, list[str]] = {}
    for name, value in pairs:
        if name in query:
            query[name].append(value)
        else:
            query[name] = [value]
    return query


async def read_body(receive: Receive, declared: str | None, limit: int) -> bytes | None:
    """The whole request body, or None as soon as it is known to be over `limit` bytes."""
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)  # the client went away; nothing will be sent anyway
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def serve_lifespan(receive: Receive, send: Send) -> None:
    """Start-up and shut-down need nothing; answer them so any ASGI server is content."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
