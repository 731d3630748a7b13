"""Regex inclusion: JSON Schema's search semantics, exact answers, a string that shows a break."""

from __future__ import annotations

import re

import pytest

from spike_kit.compat.patterns import as_full_match, ecma_search, includes


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


@pytest.mark.parametrize(
    "pattern",
    [r"^\p{L}+$", r"^(?<word>[a-z]+)$", r"^\u{1F600}$", r"^\cA$", r"(?<=x)y"],
)
def test_a_pattern_only_ecma_262_reads_is_left_undecided_not_a_crash(pattern: str) -> None:
    """The loader lets through what jsonschema-rs compiles; interegular follows Python's `re`,
    so these go on to the property check and the generated client."""
    for narrow, wide in ((pattern, "^[a-z]+$"), ("^[a-z]+$", pattern)):
        answer = includes(narrow, wide)
        assert not answer.decided
        assert answer.why


def test_matching_is_asked_in_ecma_262_terms() -> None:
    """ECMA-262's `\\d` is ASCII, Python's is any Unicode digit; `\\p{L}` is ECMA only."""
    assert ecma_search(r"^\d$", "7")
    assert not ecma_search(r"^\d$", "\u0663")  # ARABIC-INDIC DIGIT THREE
    assert re.search(r"^\d$", "\u0663")
    assert ecma_search(r"^\p{L}+$", "Élan")
    assert not ecma_search(r"^\p{L}+$", "R2")
