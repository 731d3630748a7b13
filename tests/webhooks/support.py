"""Webhook receivers for the tests: the README's handler and deliberately broken ones, served
by uvicorn on a free port of 127.0.0.1 (or handed in-process to httpx), and the docs' example.

A receiver here is a function `(body, headers) -> status`, the shape of the README's handler;
`asgi_app` puts any of them behind ASGI the way a web framework would (the whole body read,
the headers as a multi-value mapping).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import httpx
import uvicorn

from spike_kit.mock.server import LOOPBACK, bound_port, uvicorn_config
from spike_kit.spec import load_spec
from spike_kit.webhooks.contract import WebhookContract
from tests.client.readme_blocks import WEBHOOK_RECEIVER, python_blocks
from tests.support import REPO

Handler = Callable[[bytes, Mapping[str, str]], int]
KEY = "test-webhook-key-7f3a9c51e2b84d06"
"""The receivers' webhook signature key in these tests (never printed by the tools)."""
CONTRACT = WebhookContract.from_document(load_spec(REPO.spec))
DOCS_EXAMPLE: list[dict[str, Any]] = CONTRACT.example
"""Spike's docs' example payload, as the spec carries it: two `record_change` events."""


def asgi_app(handle: Handler) -> Any:
    """`handle` behind ASGI, as a framework's route would call it."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        status = handle(body, httpx.Headers(scope["headers"]))
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    return app


@contextlib.contextmanager
def serve(handle: Handler) -> Iterator[str]:
    """`handle` on a free port of 127.0.0.1 until the block ends; yields its webhook URL."""
    server = uvicorn.Server(uvicorn_config(asgi_app(handle), LOOPBACK, 0))
    thread = threading.Thread(target=server.run, name="webhook-receiver", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the receiver did not start")
        time.sleep(0.01)
    try:
        yield f"http://{LOOPBACK}:{bound_port(server)}/spike/webhooks"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def readme_receiver(monkeypatch: Any) -> dict[str, Any]:
    """The README's handler module, run as written with `SPIKE_WEBHOOK_KEY` set to `KEY`: its
    `receive_spike_webhook`, `CONNECTED` and `WELCOMES`."""
    readme = (REPO.root / "README.md").read_text(encoding="utf-8")
    (block,) = [b for b in python_blocks(readme) if b.startswith(WEBHOOK_RECEIVER)]
    monkeypatch.setenv("SPIKE_WEBHOOK_KEY", KEY)
    namespace: dict[str, Any] = {"__name__": "readme_webhooks"}
    exec(compile(block, "README.md: webhooks.py", "exec"), namespace)  # noqa: S102 - our README
    return namespace
