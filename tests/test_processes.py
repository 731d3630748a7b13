"""`stop_child`: a child that stops on the signal is reaped; one that ignores it is killed.
`stop_group`: a child started as a group leader is killed with everything it started."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from spike_kit import processes
from spike_kit.processes import children_of, stop_child, stop_group

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


GRANDPARENT = (
    "import subprocess, sys, time\n"
    "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
    "print(child.pid, flush=True)\n"
    "time.sleep(60)\n"
)


def _alive(pid: int) -> bool:
    """Running, not merely a zombie waiting for a parent that is gone or slow."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_group_is_killed_with_what_its_leader_started() -> None:
    """A check that runs out of time leaves nothing behind (Spectral's node, pytest's
    children): its whole process group is killed."""
    with subprocess.Popen(
        [sys.executable, "-c", GRANDPARENT],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as process:
        assert process.stdout is not None
        grandchild = int(process.stdout.readline())
        assert grandchild in children_of(process.pid)
        assert os.getpgid(grandchild) == process.pid
        stop_group(process)
        process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    deadline = time.monotonic() + 10
    while _alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(grandchild)
