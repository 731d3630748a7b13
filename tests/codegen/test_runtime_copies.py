"""The runtime copied into `generated/` reads as a copy: byte-identical, naming its source.

A reader who opens `generated/spike_api_client/_call.py` to fix something must learn on its
first line where the file really lives, and find the same bytes there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import REPO

SOURCES = sorted((REPO.root / "openapi" / "generator" / "runtime").glob("*.py"))
PACKAGE = REPO.root / "generated" / "spike_api_client"


def test_there_is_a_runtime_to_copy() -> None:
    assert len(SOURCES) >= 5


@pytest.mark.parametrize(
    ("source", "name"), sorted(REPO.shared_runtime_sources.items()), ids=lambda item: str(item)
)
def test_kit_modules_the_runtime_shares_are_copied_byte_for_byte(source: Path, name: str) -> None:
    """One rule, one source: the compat check imports it, the client runs its copy."""
    relative = source.relative_to(REPO.root)
    assert source.read_text(encoding="utf-8").splitlines()[0] == (
        f"# Edit {relative}, not the copy in generated/."
    )
    assert (PACKAGE / name).read_bytes() == source.read_bytes()


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.name)
def test_each_copy_is_its_source_byte_for_byte(source: Path) -> None:
    assert (PACKAGE / source.name).read_bytes() == source.read_bytes()


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.name)
def test_each_source_names_itself_on_its_first_line(source: Path) -> None:
    first = source.read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# Edit openapi/generator/runtime/{source.name}, not the copy in generated/."
