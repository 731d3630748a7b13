"""The CHANGELOG's Unreleased section, checked and filed under a version (Keep a Changelog)."""

from __future__ import annotations

from datetime import date

import pytest

from spike_kit.release.changelog import Changelog, ChangelogError
from tests.support import REPO

HEAD = "# Changelog\n\nIntro.\n\n## [Unreleased]\n"
OLD = "## [1.0.0] - 2026-01-02\n\n### Added\n- The first thing.\n"


def test_the_unreleased_entries_move_under_the_version_and_date() -> None:
    text = f"{HEAD}\n### Added\n- A new thing.\n\n### Fixed\n- A bug.\n\n{OLD}"
    released = Changelog.parse(text).released("1.1.0", date(2026, 11, 25))
    entries = "### Added\n- A new thing.\n\n### Fixed\n- A bug.\n"
    assert released == f"{HEAD}\n## [1.1.0] - 2026-11-25\n\n{entries}\n{OLD}"
    assert Changelog.parse(released).unreleased.strip() == ""


def test_a_first_release_has_no_sections_below() -> None:
    released = Changelog.parse(f"{HEAD}\n### Added\n- All of it.\n").released(
        "1.1.1", date(2026, 11, 25)
    )
    assert released.endswith(
        "## [Unreleased]\n\n## [1.1.1] - 2026-11-25\n\n### Added\n- All of it.\n"
    )


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("\n", "is empty: there is nothing to release"),
        ("\n### Added\n- a\n\n### Fixed\n- b\n\n### Added\n- c\n", "`### Added` appears 2 times"),
        ("\n### Added (the compatibility check)\n- a\n", "is not a Keep a Changelog type"),
        ("\n- a loose entry\n", "no `### Added`"),
    ],
)
def test_a_section_no_reader_could_use_is_refused(body: str, problem: str) -> None:
    changelog = Changelog.parse(f"{HEAD}{body}{OLD}")
    assert any(problem in said for said in changelog.problems())
    with pytest.raises(ChangelogError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        changelog.released("1.1.0", date(2026, 11, 25))


def test_a_version_released_before_is_refused() -> None:
    changelog = Changelog.parse(f"{HEAD}\n### Fixed\n- b\n\n{OLD}")
    with pytest.raises(ChangelogError, match=r"already has a `## \[1.0.0\]` section"):
        changelog.released("1.0.0", date(2026, 11, 25))


def test_a_changelog_without_an_unreleased_section_is_refused() -> None:
    with pytest.raises(ChangelogError, match="no `## \\[Unreleased\\]` line"):
        Changelog.parse(f"# Changelog\n\n{OLD}")


def test_this_repositorys_changelog_can_be_released() -> None:
    """One heading per type, each a Keep a Changelog type: the next release can file it."""
    changelog = Changelog.parse((REPO.root / "CHANGELOG.md").read_text(encoding="utf-8"))
    assert [p for p in changelog.problems() if "is empty" not in p] == []
