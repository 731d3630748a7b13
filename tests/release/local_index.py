"""A real package index for the publish tests: pypiserver on 127.0.0.1, stopped by its PID.

Uploads need a user and token (an htpasswd file); downloads do not, like most private
indexes' read side. A project it does not hold is redirected to the index pip uses here
(pypiserver's fallback), so a fresh virtualenv can install the client's dependencies through
it, as a team's proxying index would.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from attrs import frozen

from spike_kit.processes import stop_child

READY_WITHIN_SECONDS = 30.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@frozen
class LocalIndex:
    """A running index: where it listens and the folder it keeps uploads in."""

    port: int
    packages: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def simple_url(self) -> str:
        return f"{self.url}/simple/"

    def held(self) -> list[str]:
        """The files the index holds, by name."""
        return sorted(path.name for path in self.packages.iterdir())


@contextlib.contextmanager
def serve_index(root: Path, user: str, token: str) -> Iterator[LocalIndex]:
    """`python -m pypiserver run` on a free port of 127.0.0.1, `user` uploading with `token`."""
    index = LocalIndex(_free_port(), root / "packages")
    index.packages.mkdir(parents=True)
    passwords = root / "htpasswd"
    digest = base64.b64encode(hashlib.sha1(token.encode()).digest()).decode()  # noqa: S324 - htpasswd's {SHA} scheme, a test index
    passwords.write_text(f"{user}:{{SHA}}{digest}\n")
    log = root / "pypiserver.log"
    command = [
        sys.executable,
        "-m",
        "pypiserver",
        "run",
        "--host",
        "127.0.0.1",
        "--port",
        str(index.port),
        "--passwords",
        str(passwords),
        "--authenticate",
        "update",
        "--fallback-url",
        os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple/"),
        str(index.packages),
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    try:
        _wait_until_ready(index, process, log)
        yield index
    finally:
        stop_child(process)


def _wait_until_ready(index: LocalIndex, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + READY_WITHIN_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"{index.url}/health", timeout=2):  # noqa: S310
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"pypiserver did not answer: {log.read_text(errors='replace')}")
