"""How the kit ends the processes it starts (the mock, Prism): by their own PID, never by name.

One policy for every child: ask it to stop, give it a grace period, then kill it, and always
reap it, so a stuck server cannot outlive the run that started it.
"""

from __future__ import annotations

import signal
import subprocess
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
