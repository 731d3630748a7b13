"""Running the mock under uvicorn on 127.0.0.1, in a background thread or as the CLI's main."""

from __future__ import annotations

import importlib.util
import threading
import time
from types import TracebackType
from typing import Any

import uvicorn
from starlette.applications import Starlette

from spike_kit.mock.app import create_app
from spike_kit.mock.settings import MockSettings

LOOPBACK = "127.0.0.1"


def fastest_uvicorn_options() -> dict[str, Any]:
    """uvloop and httptools when installed (`uvicorn[standard]`), else asyncio and h11."""
    options: dict[str, Any] = {}
    if importlib.util.find_spec("uvloop") is not None:
        options["loop"] = "uvloop"
    if importlib.util.find_spec("httptools") is not None:
        options["http"] = "httptools"
    return options


def uvicorn_config(
    app: Starlette, host: str, port: int, access_log: bool = False
) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        access_log=access_log,
        log_level="warning",
        lifespan="off",
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
        """Where a client points: the root plus the spec's base path (`/v3`)."""
        return f"{self.url}/v3"

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

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
