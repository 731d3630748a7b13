"""What the browser tests share: Chromium's flags, where screenshots go, and the reference
service with the mock as one process (`examples/service/run_with_mock.py`, the same program
`tox -e example` runs), started on free ports of 127.0.0.1 and stopped by its PID."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

from attrs import frozen

from spike_kit.processes import children_of, stop_child
from tests.support import REPO

CHROMIUM_FLAGS = (
    "--no-sandbox",  # the tests may run as root (CI here does)
    "--disable-gpu",
    # Chromium's own traffic (updates, sync, field trials) would only meet a closed network:
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)
"""Playwright adds `--headless` and a fresh, temporary `--user-data-dir` of its own."""
SCREENSHOTS = REPO.root / "reports" / "browser"
RUNNER = REPO.root / "examples" / "service" / "run_with_mock.py"
READY_WITHIN = 60.0


def screenshot_path(name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


@frozen
class Servers:
    """The mock Spike (consent page on) and the reference service, as the runner started them."""

    process: subprocess.Popen[str]
    mock_url: str
    service_url: str
    children: tuple[int, ...]

    @classmethod
    def start(cls, log: IO[str]) -> Servers:
        command = [sys.executable, str(RUNNER), "--port", "0", "--mock-port", "0"]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True)
        lines = _first_lines(process, 3)
        if len(lines) < 3 or not lines[2].startswith("Open "):
            stop_child(process)
            _close(process)
            raise RuntimeError(f"the runner did not start both servers: {lines}")
        mock_url = lines[0].split(" on ", 1)[1].split()[0]
        service_url = lines[1].split(" on ", 1)[1].split()[0]
        return cls(process, mock_url, service_url, tuple(children_of(process.pid)))

    def stop(self) -> int | None:
        """Stop the runner by its PID (it stops both servers by theirs); its exit status."""
        stop_child(self.process, signal.SIGTERM)
        _close(self.process)
        return self.process.returncode


def _first_lines(process: subprocess.Popen[str], count: int) -> list[str]:
    """The first `count` lines the process prints, or fewer if it ends or `READY_WITHIN`
    passes first (a reader thread: a text pipe reads ahead, so polling its descriptor would
    miss lines already buffered)."""
    lines: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        for _ in range(count):
            line = process.stdout.readline()
            if not line:
                return
            lines.append(line.strip())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(READY_WITHIN)
    return list(lines)


def _close(process: subprocess.Popen[str]) -> None:
    if process.stdout is not None:
        process.stdout.close()


def running(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()
