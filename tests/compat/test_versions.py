"""Semantic-version rules for the client package."""

from __future__ import annotations

import pytest

from spike_kit.compat.model import Change, Severity
from spike_kit.compat.versions import Version, VersionError, version_problems

BREAK = [Change(Severity.BREAKING, "/paths", "removed")]
ADD = [Change(Severity.COMPATIBLE, "/paths", "added")]
DOC = [Change(Severity.DOCUMENTATION, "/info", "text")]


@pytest.mark.parametrize(
    ("old", "new", "changes", "fails"),
    [
        ("0.1.0", "0.2.0", BREAK, False),  # below 1.0 a minor bump may break
        ("0.1.0", "0.1.1", BREAK, True),
        ("0.1.0", "1.0.0", BREAK, False),
        ("1.4.2", "2.0.0", BREAK, False),
        ("1.4.2", "1.5.0", BREAK, True),
        ("1.4.2", "1.4.2", ADD, True),  # a contract change with no bump at all
        ("1.4.2", "1.5.0", ADD, False),
        ("1.4.2", "1.4.3", ADD, False),
        ("1.4.2", "1.4.2", DOC, False),
        ("1.4.2", "1.4.1", [], True),  # going down is never right
        ("1.4.2", "1.4.2", [], False),
    ],
)
def test_version_rules(old: str, new: str, changes: list[Change], fails: bool) -> None:
    problems = version_problems(Version.parse(old), Version.parse(new), changes)
    assert bool(problems) is fails, problems


def test_breaking_problem_names_the_version_needed() -> None:
    (problem,) = version_problems(Version.parse("1.4.2"), Version.parse("1.5.0"), BREAK)
    assert "2.0.0" in problem


@pytest.mark.parametrize("text", ["1.0", "v1.0.0", "one", "01.0.0", ""])
def test_not_a_semantic_version_is_a_clear_error(text: str) -> None:
    with pytest.raises(VersionError, match="not a semantic version"):
        Version.parse(text)
