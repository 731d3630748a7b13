"""Semantic-version rules for the client package, given what changed in the contract."""

from __future__ import annotations

import re
from collections.abc import Sequence

from attrs import frozen

from spike_kit.compat.model import Change, Severity

_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:[-+].*)?$")


class VersionError(ValueError):
    """Raised when a client version is not a semantic version."""


@frozen(order=True)
class Version:
    major: int
    minor: int
    patch: int

    @classmethod
    def parse(cls, text: str) -> Version:
        match = _SEMVER.match(text.strip())
        if match is None:
            raise VersionError(f"{text!r} is not a semantic version (MAJOR.MINOR.PATCH)")
        return cls(*(int(part) for part in match.groups()))

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    def breaking_bump(self) -> Version:
        """The smallest version that may carry a breaking change: the next major, or the
        next minor while below 1.0 (semver's 0.x rule)."""
        if self.major == 0:
            return Version(0, self.minor + 1, 0)
        return Version(self.major + 1, 0, 0)


def version_problems(old: Version, new: Version, changes: Sequence[Change]) -> list[str]:
    """Why `new` is the wrong version for these changes; empty when it is right."""
    if new < old:
        return [f"client version went down: {old} -> {new}"]
    breaking = any(change.severity is Severity.BREAKING for change in changes)
    contract = any(change.severity is not Severity.DOCUMENTATION for change in changes)
    if breaking and new < old.breaking_bump():
        return [
            f"breaking contract change needs client version {old.breaking_bump()} or later "
            f"(package_version_override in openapi/generator/config.yml is {new})"
        ]
    if contract and new == old:
        return [
            f"the contract changed but the client version is still {old}: bump it "
            "(minor for additions, patch for fixes)"
        ]
    return []
