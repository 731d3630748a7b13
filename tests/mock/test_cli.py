"""`spike-mock` as a process: it says when it is ready, serves, and stops on SIGINT/SIGTERM."""

from __future__ import annotations

import signal
import subprocess
import sys

import httpx
import pytest

from spike_kit.mock.process import MockProcess
from spike_kit.mock.settings import DEFAULT_STATIC_TOKEN


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_serves_after_ready_line_and_stops_cleanly_on(stop_signal: signal.Signals) -> None:
    mock = MockProcess("--seed", "3", stop_signal=stop_signal).start()
    try:
        assert mock.base_url.startswith("http://127.0.0.1:")
        response = httpx.get(
            f"{mock.base_url}/providers/garmin/integration/init_url",
            headers={"Authorization": f"Bearer {DEFAULT_STATIC_TOKEN}"},
        )
        assert response.status_code == 200
        assert response.json()["provider_slug"] == "garmin"
    finally:
        status, stderr = mock.stop()
    assert status == 0
    assert "Traceback" not in stderr


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


@pytest.mark.parametrize("workers", ["0", "65", "two"])
def test_worker_count_out_of_range_is_one_clear_line(workers: str) -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "spike_kit.mock", "--workers", workers],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert finished.returncode == 2
    assert "expected a whole number from 1 to 64" in finished.stderr


def test_help_says_a_seeded_mock_is_predictable() -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "spike_kit.mock", "--help"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert "predictable by design" in finished.stdout
    assert "random on every start" in finished.stdout
    assert "--workers" in finished.stdout
