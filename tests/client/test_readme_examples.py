"""Every Python block of the client's README runs, unchanged, against a real mock."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from spike_kit.mock.process import MockProcess
from tests.client.readme_blocks import run_block, runnable_blocks

README = Path(__file__).resolve().parents[2] / "generated" / "README.md"
RUNNABLE = runnable_blocks(README.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    with MockProcess() as mock:  # as the README says: `spike-mock --port 8765`, defaults
        yield mock.base_url


def test_the_readme_has_runnable_examples() -> None:
    assert len(RUNNABLE) >= 5


@pytest.mark.parametrize("block", RUNNABLE, ids=[f"example-{n}" for n in range(len(RUNNABLE))])
def test_readme_example_runs(block: str, mock_url: str) -> None:
    run_block(sys.executable, block, mock_url)


def test_the_readme_blocks_type_check(tmp_path: Path) -> None:
    """A team copies these blocks into typed code: each passes mypy as it stands (the
    handler once rebound `error` from an exception to a string, which mypy refuses)."""
    import subprocess

    for index, block in enumerate(RUNNABLE):
        (tmp_path / f"example_{index}.py").write_text(block, encoding="utf-8")
    checked = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--check-untyped-defs",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path / ".mypy_cache"),
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
