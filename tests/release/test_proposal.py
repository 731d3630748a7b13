"""The version a set of compat verdicts calls for: a release's, and one contract change's."""

from __future__ import annotations

import pytest

from spike_kit.compat.model import Change, Severity
from spike_kit.compat.versions import Version, version_problems
from spike_kit.release.proposal import propose_bump, propose_release

BREAK = Change(Severity.BREAKING, "/paths/~1a", "removed")
ADD = Change(Severity.COMPATIBLE, "/paths/~1b", "added")
TEXT = Change(Severity.DOCUMENTATION, "/info/description", "reworded")
V = Version.parse


@pytest.mark.parametrize(
    ("last", "current", "changes", "expected"),
    [
        ("1.1.1", "1.1.1", [BREAK, ADD], "2.0.0"),
        ("1.1.1", "1.1.1", [ADD, TEXT], "1.2.0"),
        ("1.1.1", "1.1.1", [TEXT], "1.1.2"),  # text-only contract change: a patch
        ("1.1.1", "1.1.1", [], "1.1.2"),  # runtime-only fixes: a patch
        ("0.3.1", "0.3.1", [BREAK], "0.4.0"),  # below 1.0 a breaking change is a minor
        ("1.1.1", "1.2.0", [ADD], "1.2.0"),  # a branch already bumped it: nothing to add
        ("1.1.1", "3.0.0", [BREAK], "3.0.0"),  # two breaking bumps between releases: no going down
        ("1.1.1", "1.1.5", [ADD], "1.2.0"),
    ],
)
def test_a_release_takes_the_verdict_since_the_last_tag(
    last: str, current: str, changes: list[Change], expected: str
) -> None:
    proposal = propose_release(V(last), f"client-v{last}", V(current), changes)
    assert str(proposal.version) == expected
    assert version_problems(V(last), proposal.version, changes) == []
    assert proposal.reasons[0].startswith(f"since client-v{last}:")


def test_the_first_release_is_the_configs_version_and_says_so() -> None:
    proposal = propose_release(None, "-", V("1.1.1"), ())
    assert proposal.version == V("1.1.1")
    assert "first release" in proposal.reasons[0]


def test_a_config_below_the_last_release_is_refused() -> None:
    with pytest.raises(ValueError, match=r"below the last release 1\.2\.0"):
        propose_release(V("1.2.0"), "client-v1.2.0", V("1.1.0"), [ADD])


@pytest.mark.parametrize(
    ("base", "current", "changes", "expected"),
    [
        ("1.1.1", "1.1.1", [BREAK], "2.0.0"),
        ("1.1.1", "1.1.1", [ADD], "1.2.0"),
        ("1.1.1", "1.1.1", [TEXT], "1.1.1"),  # the gate asks no bump for text
        ("1.1.1", "1.2.0", [ADD], "1.2.0"),  # run again on the same branch: no second bump
        ("1.1.1", "1.2.0", [BREAK], "2.0.0"),
    ],
)
def test_a_contract_change_takes_what_the_gates_rule_needs(
    base: str, current: str, changes: list[Change], expected: str
) -> None:
    proposal = propose_bump(V(base), "main", V(current), changes)
    assert str(proposal.version) == expected
    assert version_problems(V(base), proposal.version, changes) == [], "the gate would refuse it"
