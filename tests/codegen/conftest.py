"""A scratch copy of the repository's contract inputs, so tests can break them safely."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from spike_kit.paths import RepoLayout

REPO = RepoLayout.find(Path(__file__))


@pytest.fixture
def scratch_repo(tmp_path: Path) -> RepoLayout:
    """The spec, generator inputs and committed client, copied into a temporary checkout."""
    root = tmp_path / "repo"
    shutil.copytree(REPO.root / "openapi", root / "openapi")
    shutil.copytree(
        REPO.generated_dir, root / "generated", ignore=shutil.ignore_patterns("__pycache__")
    )
    return RepoLayout(root)
