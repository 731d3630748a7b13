"""Fresh virtualenvs for the release tests to install what they built.

Every install goes into a new virtualenv under the test's temporary folder, never this one, so
a missing file or dependency of the built package fails as it would for another team.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

INSTALL_TIMEOUT = 300


def fresh_venv(where: Path) -> Path:
    """A new, empty virtualenv; its interpreter. pip is not copied in (seconds saved per
    test): `pip_install` drives this suite's pip at it."""
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(where)],
        check=True,
        timeout=INSTALL_TIMEOUT,
    )
    return where / "bin" / "python"


def pip_install(python: Path, *args: str) -> None:
    """`pip install args` into that virtualenv; the test fails with pip's output if it fails."""
    finished = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", *args],
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT,
        check=False,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
