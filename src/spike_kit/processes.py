"""How the kit ends the processes it starts (the mock, Prism): by their own PID, never by name.

One policy for every child: ask it to stop, give it a grace period, then kill it, and always
reap it, so a stuck server cannot outlive the run that started it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from pathlib import Path
from typing import Any

GRACE_SECONDS = 10.0


def stop_child(
    process: subprocess.Popen[Any], stop_signal: signal.Signals = signal.SIGTERM
) -> None:
    """Signal `process` if it still runs, wait `GRACE_SECONDS`, then kill it; reaped either way."""
    if process.poll() is not None:
        return
    process.send_signal(stop_signal)
    try:
        process.wait(timeout=GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=GRACE_SECONDS)


def stop_group(process: subprocess.Popen[Any]) -> None:
    """Kill `process` and everything it started, for a child started as the leader of its own
    process group (`start_new_session=True`), while it is not yet reaped: its PID is then
    still the group's id, so nothing else can be hit. A check that ran out of time gets no
    grace period: its result is already decided."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def children_of(pid: int) -> list[int]:
    """PIDs whose parent is `pid` (Linux /proc; empty elsewhere): the mock's workers."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found
