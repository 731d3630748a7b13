"""A scratch copy of the repository's contract inputs, so tests can break them safely."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from spike_kit.layout import RepoLayout
from tests.support import REPO


@pytest.fixture
def scratch_repo(tmp_path: Path) -> RepoLayout:
    """The spec, generator inputs (the kit modules the runtime shares among them) and the
    committed client, copied into a temporary checkout."""
    layout = REPO.copy_generator_inputs(tmp_path / "repo")
    shutil.copyfile(REPO.spec, layout.spec)
    shutil.copytree(
        REPO.generated_dir, layout.generated_dir, ignore=shutil.ignore_patterns("__pycache__")
    )
    return layout
