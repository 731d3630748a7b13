"""`CHANGELOG.md` as a release reads it: the `## [Unreleased]` section, checked and dated.

A release moves what is under `## [Unreleased]` to `## [X.Y.Z] - YYYY-MM-DD` (Keep a
Changelog 1.1.0) and leaves an empty `## [Unreleased]` above it. It refuses a section a
reader could not use: empty, or with a heading that is not one of Keep a Changelog's six
types, or the same type twice (successive pieces of work each adding their own `### Added`).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from attrs import frozen

UNRELEASED = "## [Unreleased]"
CHANGE_TYPES = ("Added", "Changed", "Deprecated", "Removed", "Fixed", "Security")
_RELEASE_HEADING = re.compile(r"^## \[", re.MULTILINE)
_TYPE_HEADING = re.compile(r"^### (.*?)\s*$", re.MULTILINE)


class ChangelogError(Exception):
    """Raised when the changelog has nothing to release or a section no reader could use."""


@frozen
class Changelog:
    """The changelog cut around its Unreleased section."""

    before: str
    """Everything up to and including the `## [Unreleased]` line."""
    unreleased: str
    """The section's body: its `###` headings and entries."""
    after: str
    """The released sections, from the first `## [` after Unreleased."""

    @classmethod
    def parse(cls, text: str) -> Changelog:
        start = text.find(f"\n{UNRELEASED}\n")
        if start < 0:
            raise ChangelogError(f"CHANGELOG.md has no `{UNRELEASED}` line")
        body_start = start + len(UNRELEASED) + 2
        following = _RELEASE_HEADING.search(text, body_start)
        body_end = following.start() if following else len(text)
        return cls(text[:body_start], text[body_start:body_end], text[body_end:])

    def problems(self) -> list[str]:
        """Why the Unreleased section cannot be released as it stands; empty when it can."""
        if not self.unreleased.strip():
            return [f"`{UNRELEASED}` is empty: there is nothing to release"]
        headings = _TYPE_HEADING.findall(self.unreleased)
        found = [
            f"`### {name}` is not a Keep a Changelog type ({', '.join(CHANGE_TYPES)})"
            for name in headings
            if name not in CHANGE_TYPES
        ]
        found += [
            f"`### {name}` appears {count} times: merge them into one"
            for name, count in Counter(headings).items()
            if count > 1 and name in CHANGE_TYPES
        ]
        if not headings:
            found.append(f"`{UNRELEASED}` has entries but no `### Added`/`### Fixed`... heading")
        return found

    def has_release(self, version: str) -> bool:
        return f"\n## [{version}]" in f"\n{self.after}"

    def released(self, version: str, on: date) -> str:
        """The whole changelog with the Unreleased entries filed under `version`."""
        problems = self.problems()
        if problems:
            raise ChangelogError("; ".join(problems))
        if self.has_release(version):
            raise ChangelogError(f"CHANGELOG.md already has a `## [{version}]` section")
        body = self.unreleased.strip("\n")
        rest = f"\n{self.after}" if self.after else ""
        return f"{self.before}\n## [{version}] - {on.isoformat()}\n\n{body}\n{rest}"
