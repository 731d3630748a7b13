"""`stop_child`: a child that stops on the signal is reaped; one that ignores it is killed."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from spike_kit import processes
from spike_kit.processes import stop_child

STUBBORN = (
    "import signal, sys, time\n"
    "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "print('ready', flush=True)\n"
    "time.sleep(60)\n"
)
OBEDIENT = "import sys, time\nprint('ready', flush=True)\ntime.sleep(60)\n"


def _start(code: str) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"  # its signal handler is in place
    return process


def test_a_child_that_obeys_stops_on_the_signal() -> None:
    with _start(OBEDIENT) as process:
        stop_child(process)
    assert process.returncode == -signal.SIGTERM


def test_a_child_that_ignores_the_signal_is_killed_after_the_grace_period(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(processes, "GRACE_SECONDS", 0.5)
    with _start(STUBBORN) as process:
        stop_child(process)
    assert process.returncode == -signal.SIGKILL


def test_a_child_that_has_ended_is_left_as_it_is() -> None:
    with subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"]) as process:
        process.wait(timeout=10)
        stop_child(process)
    assert process.returncode == 3
