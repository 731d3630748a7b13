"""A consumer's code type-checks with no cast: `mypy --strict` and pyright (strict) agree.

0.2.0 typed `sync(...)` as `IntegrationInitUrl | Problem | None`, so the README's own
`found.path` failed both checkers. `consumer/service.py` uses `assert_type` on every result,
so either checker fails the moment a union comes back.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CONSUMER = Path(__file__).parent / "consumer" / "service.py"
CONSUMER_TESTS = Path(__file__).parent / "consumer" / "service_tests.py"


def test_mypy_strict_accepts_the_consumer(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path),
            str(CONSUMER),
            str(CONSUMER_TESTS),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_pyright_strict_accepts_the_consumer(tmp_path: Path) -> None:
    config = tmp_path / "pyrightconfig.json"
    config.write_text(json.dumps({"typeCheckingMode": "strict", "pythonVersion": "3.11"}))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pyright",
            "--project",
            str(config),
            "--pythonpath",
            sys.executable,
            str(CONSUMER),
            str(CONSUMER_TESTS),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 errors" in done.stdout
