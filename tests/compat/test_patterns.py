"""Regex inclusion: JSON Schema's search semantics, exact answers, a string that shows a break."""

from __future__ import annotations

import re

import pytest

from spike_kit.compat.patterns import as_full_match, includes


@pytest.mark.parametrize(
    ("narrow", "wide"),
    [
        ("^[a-z]+$", ".+"),
        ("^[a-z]+$", ".*"),
        ("^[0-9a-f]{64}$", "^[0-9a-fA-F]{64}$"),
        ("abc", "b"),  # a search for abc always finds b
        (r"^\d{4}$", "^[0-9]+$"),
        ("^acc_[a-z0-9]{8}$", "^acc_[a-z0-9]{8,16}$"),
    ],
)
def test_included(narrow: str, wide: str) -> None:
    answer = includes(narrow, wide)
    assert answer.decided
    assert answer.included


@pytest.mark.parametrize(
    ("narrow", "wide"),
    [
        (".+", "^[a-z]+$"),
        ("^[A-Za-z0-9._-]{1,128}$", "^[a-z0-9]{1,128}$"),
        ("^x", "^xy"),
        ("^[a-z]+$", "^[a-z]{1,8}$"),
        ("b", "abc"),
    ],
)
def test_not_included_with_a_witness(narrow: str, wide: str) -> None:
    answer = includes(narrow, wide)
    assert answer.decided
    assert not answer.included
    assert answer.witness is not None
    assert re.search(narrow, answer.witness)
    assert not re.search(wide, answer.witness)


def test_shortest_witness() -> None:
    assert includes("^[a-z]+$", "^[a-z]{1,8}$").witness == "a" * 9


@pytest.mark.parametrize("pattern", [r"^(a)\1$", r"\bword", "^a|b$", "(^a)", r"^\p{L}+$"])
def test_what_is_not_regular_is_undecided(pattern: str) -> None:
    answer = includes(pattern, ".*")
    assert not answer.decided
    assert "not a regular pattern" in answer.why


def test_search_semantics() -> None:
    assert as_full_match("^ab$") == "(?:ab)"
    assert as_full_match("ab") == r"[\s\S]*(?:ab)[\s\S]*"
    assert as_full_match(r"^a\$") == r"(?:a\$)[\s\S]*"
