"""A real package index for the publish tests: pypiserver on 127.0.0.1, stopped by its PID.

Uploads need a user and token (an htpasswd file); downloads do not, like most private
indexes' read side. A project it does not hold is redirected to the index pip uses here
(pypiserver's fallback), so a fresh virtualenv can install the client's dependencies through
it, as a team's proxying index would.
"""

from __future__ import annotations

import base64
import hashlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

from spike_kit.children import stop_child

READY_WITHIN_SECONDS = 30.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class LocalIndex:
    """`python -m pypiserver run` on a free port of 127.0.0.1 with one uploading user."""

    def __init__(self, root: Path, user: str, token: str) -> None:
        self.packages = root / "packages"
        self.packages.mkdir(parents=True)
        passwords = root / "htpasswd"
        digest = base64.b64encode(hashlib.sha1(token.encode()).digest()).decode()  # noqa: S324 - htpasswd's {SHA} scheme, a test index
        passwords.write_text(f"{user}:{{SHA}}{digest}\n")
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = root / "pypiserver.log"
        fallback = os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple/")
        self._command = [
            sys.executable,
            "-m",
            "pypiserver",
            "run",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--passwords",
            str(passwords),
            "--authenticate",
            "update",
            "--fallback-url",
            fallback,
            str(self.packages),
        ]
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def simple_url(self) -> str:
        return f"{self.url}/simple/"

    def __enter__(self) -> LocalIndex:
        with self.log.open("wb") as log:
            self._process = subprocess.Popen(self._command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + READY_WITHIN_SECONDS
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2):  # noqa: S310
                    return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError(f"pypiserver did not answer: {self.log.read_text(errors='replace')}")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        process, self._process = self._process, None
        if process is not None:
            stop_child(process)

    def held(self) -> list[str]:
        """The files the index holds, by name."""
        return sorted(path.name for path in self.packages.iterdir())
