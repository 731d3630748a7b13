"""The pytest plugin and `spike-mock` work or say what to install, even without the `mock` extra.

pytest loads every `pytest11` plugin of an environment at start-up; before, the plugin
imported starlette and httpx, so installing the kit without the extra broke every pytest run
there. Checked for real: the kit alone in a fresh venv, used by a pytest run of its own.
"""

from __future__ import annotations

import subprocess
import tomllib
import venv
from pathlib import Path

import pytest

from tests.support import REPO

BASE = [
    *tomllib.loads((REPO.root / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "dependencies"
    ],
    "pytest==9.2.0",
    "hatchling>=1.25",
]
"""The kit's base dependencies as its pyproject names them, and what the test runs with."""


def _run(command: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="module")
def bare_kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv with the kit and its base dependencies only; its python."""
    where = tmp_path_factory.mktemp("bare-kit")
    venv.create(where / "venv", with_pip=True)
    python = where / "venv" / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    done = _run([*pip, *BASE], where)
    assert done.returncode == 0, done.stderr
    done = _run([*pip, "--no-deps", "--no-build-isolation", str(REPO.root)], where)
    assert done.returncode == 0, done.stderr
    assert _run([str(python), "-c", "import httpx"], where).returncode != 0
    return python


def _pytest(python: Path, test: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_theirs.py").write_text(test, encoding="utf-8")
    return _run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"], tmp_path, 120)


def test_pytest_runs_with_the_plugin_loaded(bare_kit: Path, tmp_path: Path) -> None:
    done = _pytest(
        bare_kit, "def test_nothing_to_do_with_spike():\n    assert 1 + 1 == 2\n", tmp_path
    )
    assert done.returncode == 0, done.stdout + done.stderr
    listed = _run([str(bare_kit), "-m", "pytest", "--fixtures", "-q"], tmp_path, 120)
    assert "spike_mock_server" in listed.stdout


def test_a_fixture_without_the_extra_says_which_extra_to_install(
    bare_kit: Path, tmp_path: Path
) -> None:
    done = _pytest(bare_kit, "def test_uses_the_mock(spike_mock):\n    pass\n", tmp_path)
    assert done.returncode == 1
    assert "pip install 'spike-contract-kit[mock]'" in done.stdout
    assert "Traceback" not in done.stdout
    assert "ModuleNotFoundError" not in done.stdout + done.stderr


def test_spike_mock_without_the_extra_says_which_extra_to_install(
    bare_kit: Path, tmp_path: Path
) -> None:
    command = bare_kit.parent / "spike-mock"
    done = _run([str(command), "--port", "0"], tmp_path, 60)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "spike-mock needs the kit's mock extra (httpx, uvicorn missing): "
        "pip install 'spike-contract-kit[mock]'"
    )
    assert "Traceback" not in done.stdout + done.stderr


@pytest.mark.parametrize("command", ["compat", "release", "audit", "bench mock"])
def test_the_kit_command_says_which_extra_a_tool_needs(bare_kit: Path, command: str) -> None:
    """The same bare install: `spike-kit` answers `--help` for a tool whose extra is missing,
    and refuses to run it with the extra to install, never a traceback."""
    script = str(bare_kit.parent / "spike-kit")
    helped = _run([script, *command.split(), "--help"], bare_kit.parent)
    assert helped.returncode == 0, helped.stderr
    assert helped.stdout.startswith(f"usage: spike-kit {command}")
    assert "pip install 'spike-contract-kit[" in helped.stdout
    ran = _run([script, *command.split()], bare_kit.parent)
    assert ran.returncode == 2
    assert "is not installed: pip install 'spike-contract-kit[" in ran.stderr
    assert "Traceback" not in ran.stderr


@pytest.mark.parametrize("command", ["gate", "drift", "regenerate"])
def test_a_checkout_tool_outside_a_checkout_is_a_usage_error(bare_kit: Path, command: str) -> None:
    """Tools that need only the base dependencies load, answer `--help`, and outside a
    checkout say they need one."""
    script = str(bare_kit.parent / "spike-kit")
    helped = _run([script, command, "--help"], bare_kit.parent)
    assert helped.returncode == 0, helped.stderr
    assert helped.stdout.startswith(f"usage: spike-kit {command}")
    ran = _run([script, command], bare_kit.parent)
    assert ran.returncode == 2
    assert "works on a checkout of the kit" in ran.stderr
    assert "Traceback" not in ran.stderr
