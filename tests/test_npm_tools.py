"""`scripts/npm_tools`: a tool already installed at its version starts no npm; any other
state installs it (here: would, and says npm is missing, since PATH has none)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support import REPO

SCRIPT = REPO.root / "scripts" / "npm_tools"
SPEC = "@stoplight/spectral-cli@6.16.3"


def _installed(prefix: Path, version: str) -> None:
    package = prefix / "node_modules" / "@stoplight" / "spectral-cli"
    package.mkdir(parents=True)
    (package / "package.json").write_text(json.dumps({"version": version}))


def _run(prefix: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(prefix), SPEC],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": ""},  # no npm: any attempt to install is visible
    )


def test_the_pinned_version_already_there_starts_no_npm(tmp_path: Path) -> None:
    _installed(tmp_path / "tools", "6.16.3")
    result = _run(tmp_path / "tools")
    assert result.returncode == 0, result.stderr
    assert "already in" in result.stdout


def test_another_version_is_installed_over(tmp_path: Path) -> None:
    _installed(tmp_path / "tools", "6.15.0")
    result = _run(tmp_path / "tools")
    assert result.returncode == 1
    assert "npm is not on PATH" in result.stderr
    assert f"needed for {SPEC}" in result.stderr


def test_nothing_there_is_installed(tmp_path: Path) -> None:
    result = _run(tmp_path / "tools")
    assert result.returncode == 1
    assert "npm is not on PATH" in result.stderr
