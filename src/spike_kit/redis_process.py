"""A real `redis-server` on 127.0.0.1 for the shared-store tests and benchmark.

Debian's `redis-server`, on a free port, saving nothing to disk, stopped by its PID (the
kit's `processes.stop_child`). `tox` installs the package when it is missing
(`scripts/system_packages`).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Self

from spike_kit.processes import stop_child

SERVER = "redis-server"


class RedisMissingError(Exception):
    """Raised when no `redis-server` is installed."""


def redis_binary() -> str:
    found = shutil.which(SERVER)
    if found is None and Path("/usr/bin/redis-server").exists():
        found = "/usr/bin/redis-server"
    if found is None:
        raise RedisMissingError(f"{SERVER} is not installed (apt-get install redis-server)")
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisProcess:
    """One redis-server on a port of 127.0.0.1; `start()` again after `stop()` brings it back
    on the same port, as a restarted Redis."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self, timeout: float = 10.0) -> Self:
        command = [redis_binary(), "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--protected-mode", "yes"]
        self._process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        ends = time.monotonic() + timeout
        while time.monotonic() < ends:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self
            time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"redis-server did not listen on 127.0.0.1:{self.port}")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            stop_child(process)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *args: object) -> None:
        self.stop()
