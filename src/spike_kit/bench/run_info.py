"""What a reader needs beside a benchmark's table to judge it: the command, machine and date."""

from __future__ import annotations

import contextlib
import datetime
import os
import platform
import sys
from pathlib import Path


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def describe(placement: str) -> list[str]:
    """`command:`, `machine:` (with where the processes ran) and `date:` lines."""
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return [
        f"command: {' '.join([Path(sys.argv[0]).name, *sys.argv[1:]])}",
        f"machine: {platform.node()}, {cpu_model()}, {os.cpu_count()} cores; {placement}; "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}",
        f"date: {now}",
    ]
