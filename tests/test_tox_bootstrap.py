"""`python3 scripts/tox ...` (the README's commands) works on a Python that refuses
`pip install` (PEP 668), as a stock Debian or Ubuntu Python does.

The test makes such a Python: a copy of the running interpreter's installation whose standard
library holds an `EXTERNALLY-MANAGED` marker (files linked, not copied), and checks that its
pip refuses to install before asking it to bootstrap tox. The second case also leaves out
ensurepip, as Debian does without the python3-venv package. Installing tox needs the package
index, as the README's command does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pip
import pytest

from tests.support import REPO

MARKER = """[externally-managed]
Error=This Python is managed by the system (a test of the kit's bootstrap).
"""


def _externally_managed_python(tmp_path: Path, *, ensurepip: bool) -> Path:
    """A Python installation like the running one's base, marked externally managed."""
    base = Path(sys.base_prefix)
    stdlib = Path(sysconfig.get_path("stdlib", vars={"installed_base": str(base)}))
    prefix = tmp_path / "system-python"
    skipped = {"site-packages", "dist-packages", "test", "__pycache__", "idlelib", "tkinter"}
    if not ensurepip:
        skipped.add("ensurepip")
    target = prefix / stdlib.relative_to(base)
    shutil.copytree(
        stdlib,
        target,
        symlinks=True,
        copy_function=os.symlink,
        ignore=lambda folder, names: [name for name in names if name in skipped],
    )
    (target / "site-packages").mkdir()
    (target / "site-packages" / "pip").symlink_to(Path(pip.__file__).parent)
    (target / "EXTERNALLY-MANAGED").write_text(MARKER, encoding="utf-8")
    executable = prefix / "bin" / "python3"
    executable.parent.mkdir()
    real = Path(sys._base_executable).resolve()  # type: ignore[attr-defined]
    shutil.copy2(real, executable)  # a copy, not a link: Python finds its prefix from here
    return executable


def _run(
    *command: str | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
        cwd=REPO.root,
    )


@pytest.mark.parametrize("ensurepip", [True, False], ids=["with-ensurepip", "no-ensurepip"])
def test_the_readme_command_bootstraps_tox_on_an_externally_managed_python(
    tmp_path: Path, ensurepip: bool
) -> None:
    python = _externally_managed_python(tmp_path, ensurepip=ensurepip)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
    where = _run(
        python,
        "-c",
        "import sys, sysconfig; print(sys.prefix, sysconfig.get_path('stdlib'))",
        env=clean,
    )
    assert where.returncode == 0, where.stderr
    assert where.stdout.split() == [
        str(python.parent.parent),
        str(
            python.parent.parent
            / "lib"
            / f"python{sys.version_info.major}.{sys.version_info.minor}"
        ),
    ]
    refused = _run(python, "-m", "pip", "install", "tox", env=clean)
    assert refused.returncode != 0
    assert "externally-managed-environment" in refused.stdout + refused.stderr

    venv = tmp_path / "venv-tox"
    result = _run(
        python,
        REPO.root / "scripts" / "tox",
        "--version",
        env={**clean, "SPIKE_TOX_VENV": str(venv)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"from {venv}" in result.stdout
    assert "tox-uv" in result.stdout
    home = (venv / "pyvenv.cfg").read_text(encoding="utf-8")
    assert f"home = {python.parent}" in home  # made by the externally managed Python

    again = _run(
        python,
        REPO.root / "scripts" / "tox",
        "--version",
        env={**clean, "SPIKE_TOX_VENV": str(venv)},
    )
    assert again.returncode == 0
    assert "creating" not in again.stderr  # the second run reuses the virtualenv
