"""The mock on a real port: an oversized request head is refused early, everything else is not,
a request the HTTP parser cannot read gets a problem document too, and returned URLs name the
bound address whatever `Host` the request carried."""

from __future__ import annotations

import json
import select
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from spike_kit.mock import MockServer, MockSettings
from spike_kit.mock.server import MAX_HEAD_BYTES
from spike_kit.mock.settings import DEFAULT_STATIC_TOKEN

INIT_PATH = "/v3/providers/garmin/integration/init_url"


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer(MockSettings()) as running:
        yield running


def _read_reply(sock: socket.socket, within: float = 10.0) -> bytes:
    """Everything the server sends until it closes the connection (or `within` passes)."""
    sock.settimeout(within)
    received = b""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except (TimeoutError, ConnectionResetError):
            break
        if not chunk:
            break
        received += chunk
    return received


def test_a_32_mb_authorization_header_is_refused_with_431_before_it_is_sent(
    server: MockServer,
) -> None:
    chunk = b"a" * 65536
    sent = 0
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(f"GET {INIT_PATH} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ".encode())
        while sent < 32 * 1024 * 1024:
            try:
                sock.sendall(chunk)
            except OSError:
                break  # the server has answered and closed
            sent += len(chunk)
            if select.select([sock], [], [], 0.01)[0]:
                break
        reply = _read_reply(sock)
    assert reply.startswith(b"HTTP/1.1 431 "), reply[:200]
    head, _, body = reply.partition(b"\r\n\r\n")
    assert b"content-type: application/problem+json" in head
    assert json.loads(body)["status"] == 431
    assert sent <= 4 * 1024 * 1024  # refused after the cap, not after reading it all


def test_a_head_just_under_the_cap_is_served(server: MockServer) -> None:
    padding = "p" * (MAX_HEAD_BYTES - 4096)
    response = httpx.get(
        f"{server.base_url}/providers/garmin/integration/init_url",
        headers={"Authorization": f"Bearer {DEFAULT_STATIC_TOKEN}", "X-Padding": padding},
    )
    assert response.status_code == 200


def test_a_large_body_does_not_count_as_head_and_the_connection_goes_on(
    server: MockServer,
) -> None:
    body = json.dumps({"pad": "x" * (5 * 1024 * 1024)}).encode()
    with httpx.Client(base_url=server.base_url) as http:
        big = http.post("/auth/hmac", content=body, headers={"content-type": "application/json"})
        after = http.get(
            "/providers/garmin/integration/init_url",
            headers={"Authorization": f"Bearer {DEFAULT_STATIC_TOKEN}"},
        )
    assert big.status_code == 422
    assert after.status_code == 200


def test_returned_path_names_the_bound_address_not_the_host_header(server: MockServer) -> None:
    response = httpx.get(
        f"{server.base_url}/providers/garmin/integration/init_url",
        headers={"Authorization": f"Bearer {DEFAULT_STATIC_TOKEN}", "Host": "evil.example"},
    )
    assert response.status_code == 200
    assert response.json()["path"].startswith(f"{server.base_url}/providers/garmin/")


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /v3/auth/hmac HTTP/1.1\r\nHost: x\r\nContent-Length: kw:MgSc\r\n\r\n",
        b"GET /v3 HTTP/9.9 extra\r\n\r\n",
        b"\x00\x01\x02 not http at all\r\n\r\n",
    ],
)
def test_a_request_the_parser_cannot_read_gets_a_400_problem_document(
    server: MockServer, request_bytes: bytes
) -> None:
    """Found by schemathesis: a generated `content-length` header made uvicorn answer 400 in
    plain text, before the mock saw the request."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(request_bytes)
        reply = _read_reply(sock)
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 "), reply[:200]
    assert b"content-type: application/problem+json" in head
    assert json.loads(body)["status"] == 400
