"""Which client version a set of contract changes calls for, from the compat check's verdicts.

Two questions, one rule. For a contract change on a branch (`bump`): the version the gate's
rule needs against its base. For a release (`prepare`): the version since the last release
tag. Either way: the next major for a breaking change (the next minor below 1.0), the next
minor for a compatible one, the next patch for anything else (text-only contract changes and
runtime-only fixes); and never below the version the generator config already holds, because
the gate refuses a version that goes down.
"""

from __future__ import annotations

from collections.abc import Sequence

from attrs import frozen

from spike_kit.compat.model import Change, Severity
from spike_kit.compat.versions import Version


def verdict(changes: Sequence[Change]) -> str:
    """The strongest verdict among the changes: breaking, compatible, text-only or none."""
    severities = {change.severity for change in changes}
    if Severity.BREAKING in severities:
        return "breaking"
    if Severity.COMPATIBLE in severities:
        return "compatible"
    return "text-only" if severities else "none"


def next_version(base: Version, changes: Sequence[Change]) -> Version:
    """The smallest version after `base` that may carry these changes."""
    said = verdict(changes)
    if said == "breaking":
        return base.breaking_bump()
    if said == "compatible":
        return Version(base.major, base.minor + 1, 0)
    return Version(base.major, base.minor, base.patch + 1)


@frozen
class Proposal:
    """A version and the sentences that say why."""

    version: Version
    reasons: tuple[str, ...]


def _counts(changes: Sequence[Change]) -> str:
    by = {severity: sum(c.severity is severity for c in changes) for severity in Severity}
    return (
        f"{by[Severity.BREAKING]} breaking, {by[Severity.COMPATIBLE]} compatible, "
        f"{by[Severity.DOCUMENTATION]} text-only"
    )


def _at_least(needed: Version, current: Version, reasons: list[str]) -> Proposal:
    if current > needed:
        reasons.append(
            f"the generator config already holds {current}, above {needed}; versions never go "
            f"down, so {current} it is"
        )
        return Proposal(current, tuple(reasons))
    return Proposal(needed, tuple(reasons))


def propose_release(
    last: Version | None, last_label: str, current: Version, changes: Sequence[Change]
) -> Proposal:
    """The next release's version, given the last release (None: there is none yet)."""
    if last is None:
        return Proposal(
            current,
            (
                "no release tag yet: this is the first release, at the generator config's "
                f"version {current}",
            ),
        )
    if current < last:
        raise ValueError(
            f"the generator config's version {current} is below the last release {last} "
            f"({last_label}): set it back to {last} or later"
        )
    said = verdict(changes)
    kind = {"breaking": "major", "compatible": "minor"}.get(said, "patch")
    if said == "breaking" and last.major == 0:
        kind = "minor, below 1.0"
    reasons = [
        f"since {last_label}: {_counts(changes)} contract change(s), so a {kind} release: "
        f"{last} -> {next_version(last, changes)}"
    ]
    if said in ("text-only", "none"):
        reasons[0] += " (text-only contract changes and runtime-only fixes are patches)"
    return _at_least(next_version(last, changes), current, reasons)


def propose_bump(
    base: Version | None, base_label: str, current: Version, changes: Sequence[Change]
) -> Proposal:
    """The version one contract change needs against the gate's base (its merge-base)."""
    said = verdict(changes)
    if said in ("text-only", "none"):
        return Proposal(
            current,
            (f"against {base_label}: no contract change a client sees; {current} stays",),
        )
    if base is None:
        return Proposal(
            current,
            (
                f"against {base_label}: {_counts(changes)}, but the base has no client version "
                f"to bump from; {current} stays",
            ),
        )
    reasons = [
        f"against {base_label}: {_counts(changes)} change(s), so {base} -> "
        f"{next_version(base, changes)}"
    ]
    return _at_least(next_version(base, changes), current, reasons)
