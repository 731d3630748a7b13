"""The built client wheel, installed into a fresh virtualenv, runs its own README's examples.

The README read here is the one inside the wheel (its long description), so the test covers
what another team gets: the packaged code, its declared dependencies and its documentation.
"""

from __future__ import annotations

import email.parser
import re
import sys
import zipfile
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pytest

from spike_kit.mock.process import MockProcess
from spike_kit.release.build import Built
from tests.client.readme_blocks import run_block, runnable_blocks
from tests.release.conftest import fresh_venv, pip_install

_IMPORTED = re.compile(r"^(?:from|import) ([A-Za-z_]\w*)", re.MULTILINE)


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    with MockProcess() as mock:
        yield mock.base_url


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
    wheel = next(d for d in built.dists if d.name == "spike-api-client" and d.kind == "wheel")
    blocks = runnable_blocks(_description(wheel.path))
    assert len(blocks) >= 5, "the packaged README lost its runnable examples"
    python = fresh_venv(tmp_path / "venv")
    pip_install(python, str(wheel.path), *_examples_own_imports(blocks))
    for block in blocks:
        run_block(python, block, mock_url)
