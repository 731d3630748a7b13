"""Running the mock under uvicorn on 127.0.0.1, in a background thread or as the CLI's main."""

from __future__ import annotations

import importlib.util
import threading
import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any

import uvicorn

from spike_kit.mock.app import create_app
from spike_kit.mock.asgi import Receive, Scope, Send
from spike_kit.mock.settings import MockSettings

LOOPBACK = "127.0.0.1"
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
MAX_HEAD_BYTES = 64 * 1024
"""Request line plus headers. Far above anything the contract allows (its longest values
percent-encoded come to about 20 KB) and far below what would cost the mock time."""


def fastest_uvicorn_options() -> dict[str, Any]:
    """uvloop and httptools when installed (`uvicorn[standard]`), else asyncio and h11.

    With httptools the protocol is the mock's own, which refuses an oversized request head
    early with a 431 problem document and answers an unreadable request with a 400 one; h11
    has a cap built in (it answers 400 in plain text).
    """
    options: dict[str, Any] = {"h11_max_incomplete_event_size": MAX_HEAD_BYTES}
    if importlib.util.find_spec("uvloop") is not None:
        options["loop"] = "uvloop"
    if importlib.util.find_spec("httptools") is not None:
        from spike_kit.mock.protocol import MockHttpToolsProtocol

        options["http"] = MockHttpToolsProtocol
    return options


def uvicorn_config(app: ASGIApp, host: str, port: int, access_log: bool = False) -> uvicorn.Config:
    """How every mock (and the benchmark's reference apps) is served: no proxy-header
    rewriting (the mock binds to loopback, `--public-url` covers proxies), no `server`
    header, no lifespan, no WebSocket support (the API has none, and uvicorn would otherwise
    import the websockets package), no access log unless asked."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        access_log=access_log,
        log_level="warning",
        lifespan="off",
        ws="none",
        proxy_headers=False,
        server_header=False,
        **fastest_uvicorn_options(),
    )


def bound_port(server: uvicorn.Server) -> int:
    for listener in server.servers:
        for sock in listener.sockets:
            port: int = sock.getsockname()[1]
            return port
    raise RuntimeError("the mock server has no listening socket")


class MockServer:
    """A real mock server on a free port of 127.0.0.1, for tests: `with MockServer() as mock:`."""

    def __init__(
        self, settings: MockSettings | None = None, *, port: int = 0, startup_timeout: float = 10.0
    ) -> None:
        self.settings = settings or MockSettings()
        self.app = create_app(self.settings)
        # uvicorn leaves signal handling alone when it does not run on the main thread.
        self._server = uvicorn.Server(uvicorn_config(self.app, LOOPBACK, port))
        self._thread = threading.Thread(target=self._server.run, name="spike-mock", daemon=True)
        self._startup_timeout = startup_timeout
        self.port = 0

    @property
    def url(self) -> str:
        """The server's root, e.g. `http://127.0.0.1:PORT`."""
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def base_url(self) -> str:
        """Where a client points: the root plus the spec's base path (`/v3` today)."""
        return f"{self.url}{self.app.state.mock.base_path}"

    def start(self) -> MockServer:
        self._thread.start()
        deadline = time.monotonic() + self._startup_timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the mock server did not start")
            time.sleep(0.01)
        self.port = bound_port(self._server)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self.app.close()

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
