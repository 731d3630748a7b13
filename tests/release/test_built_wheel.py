"""The built wheels, each installed into a fresh virtualenv, do what their READMEs say.

The client's README read here is the one inside the wheel (its long description), so the
test covers what another team gets: the packaged code, its declared dependencies and its
documentation. The kit's wheel, with its `mock` extra, runs the top-level README's example
test suite of a consuming service through its pytest plugin.
"""

from __future__ import annotations

import email.parser
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pytest

from spike_kit.mock.process import MockProcess
from spike_kit.release.build import Built
from tests.client.readme_blocks import CONSUMER_SUITE, python_blocks, run_block, runnable_blocks
from tests.release.support import fresh_venv, pip_install
from tests.support import REPO

_IMPORTED = re.compile(r"^(?:from|import) ([A-Za-z_]\w*)", re.MULTILINE)


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    with MockProcess() as mock:
        yield mock.base_url


def _wheel(built: Built, name: str) -> Path:
    return next(d.path for d in built.dists if d.name == name and d.kind == "wheel")


def _description(wheel: Path) -> str:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return str(email.parser.Parser().parsestr(archive.read(name).decode()).get_payload())


def _examples_own_imports(blocks: list[str]) -> list[str]:
    """Packages an example imports that are neither the client nor its dependencies nor the
    standard library (structlog, for the logging example), pinned as this suite has them."""
    wanted = {name for block in blocks for name in _IMPORTED.findall(block)}
    others = wanted - set(sys.stdlib_module_names) - {"spike_api_client", "httpx"}
    return sorted(f"{name}=={version(name)}" for name in others)


def test_the_readme_inside_the_wheel_runs_against_the_mock(
    built: Built, mock_url: str, tmp_path: Path
) -> None:
    wheel = _wheel(built, "spike-api-client")
    blocks = runnable_blocks(_description(wheel))
    assert len(blocks) >= 5, "the packaged README lost its runnable examples"
    python = fresh_venv(tmp_path / "venv")
    pip_install(python, str(wheel), *_examples_own_imports(blocks))
    for block in blocks:
        run_block(python, block, mock_url)


def _consumer_suite() -> str:
    """The top-level README's example test module of a service using the mock's fixtures."""
    readme = (REPO.root / "README.md").read_text(encoding="utf-8")
    suites = [block for block in python_blocks(readme) if block.startswith(CONSUMER_SUITE)]
    assert len(suites) == 1, f"one README block starts with {CONSUMER_SUITE!r}"
    return suites[0]


def test_a_service_suite_runs_on_the_kits_wheel_and_its_mock_extra(
    built: Built, tmp_path: Path
) -> None:
    suite = _consumer_suite()
    service = tmp_path / "service"
    (service / "tests").mkdir(parents=True)
    (service / "tests" / "test_spike.py").write_text(suite)
    python = fresh_venv(tmp_path / "venv")
    pip_install(
        python,
        str(_wheel(built, "spike-api-client")),
        f"{_wheel(built, 'spike-contract-kit')}[mock]",
        f"pytest=={version('pytest')}",
    )
    ran = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error", "tests"],
        cwd=service,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    tests = len(re.findall(r"^(?:async )?def test_", suite, flags=re.MULTILINE))
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert f"{tests} passed" in ran.stdout
