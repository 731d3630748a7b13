"""`spike-mock` as a process: it says when it is ready, serves, and stops on SIGINT/SIGTERM."""

from __future__ import annotations

import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from spike_kit.mock.settings import DEFAULT_STATIC_TOKEN

READY_WITHIN = 20.0


def _ready_line(process: subprocess.Popen[str]) -> str:
    """The first stdout line, waited for with a deadline so a hung start fails, not hangs."""
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout=READY_WITHIN):
            raise AssertionError(f"spike-mock printed nothing within {READY_WITHIN} s")
    return process.stdout.readline().strip()


@pytest.fixture
def mock_process() -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "spike_kit.mock", "--port", "0", "--seed", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_serves_after_ready_line_and_stops_cleanly_on(
    mock_process: subprocess.Popen[str], stop_signal: signal.Signals
) -> None:
    line = _ready_line(mock_process)
    assert line.startswith("spike-mock ready on http://127.0.0.1:"), line
    base_url = line.rsplit(" ", 1)[-1]
    response = httpx.get(
        f"{base_url}/providers/garmin/integration/init_url",
        headers={"Authorization": f"Bearer {DEFAULT_STATIC_TOKEN}"},
    )
    assert response.status_code == 200
    assert response.json()["provider_slug"] == "garmin"

    mock_process.send_signal(stop_signal)
    started = time.monotonic()
    assert mock_process.wait(timeout=10) == 0
    assert time.monotonic() - started < 10
    assert "Traceback" not in (mock_process.stderr.read() if mock_process.stderr else "")


def test_bad_setting_is_one_clear_line_not_a_traceback() -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "spike_kit.mock", "--application", "12:short"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert finished.returncode == 2
    assert "ID:KEY" in finished.stderr
    assert "Traceback" not in finished.stderr
