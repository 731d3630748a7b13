"""Stoplight Prism serving a spec on 127.0.0.1, for the cross-check and the benchmark.

Prism comes from npm (5.14.2: later releases need a newer Node than ours); the tox
environments that use it install it and name its binary.
"""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType

import httpx

from spike_kit.processes import stop_child


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class PrismError(Exception):
    """Raised when Prism does not start serving."""


class PrismProcess:
    """`prism mock SPEC` on a free port of 127.0.0.1; stopped by its own PID on exit.

    Prism serves the spec's paths without the server URL's base path (no `/v3`).
    """

    def __init__(
        self,
        binary: str,
        spec: Path,
        *,
        silent: bool = True,
        ready_within: float = 60.0,
        extra_args: tuple[str, ...] = (),
    ) -> None:
        """`silent` turns Prism's request logging off; `extra_args` go to `prism mock`."""
        self._command = [binary, "mock", *extra_args, "-h", "127.0.0.1", str(spec)]
        if silent:
            self._command[2:2] = ["-v", "silent"]
        self._ready_within = ready_within
        self._process: subprocess.Popen[bytes] | None = None
        self.base_url = ""

    def start(self, probe_path: str) -> PrismProcess:
        """Start Prism and wait until `probe_path` answers at all."""
        port = free_port()
        self._process = subprocess.Popen(
            [*self._command, "-p", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.base_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + self._ready_within
        while True:
            try:
                httpx.get(f"{self.base_url}{probe_path}", timeout=1)
            except httpx.TransportError:
                if self._process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise PrismError(f"Prism did not start serving on {self.base_url}") from None
                time.sleep(0.2)
            else:
                return self

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        stop_child(process)

    def __enter__(self) -> PrismProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
