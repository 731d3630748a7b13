"""GitHub Actions' workflow commands and job summary, written the way the runner reads them.

An annotation (`::error file=openapi/spike.yaml,line=28,col=13,title=...::message`) shows on
the pull request's diff at that line; the job summary is Markdown appended to the file that
`$GITHUB_STEP_SUMMARY` names. Both the gate and the compatibility check write them, so the
escaping rules live here once.
"""

from __future__ import annotations

import os
from pathlib import Path

from attrs import frozen

LEVELS = ("error", "warning", "notice")
SUMMARY_ENV = "GITHUB_STEP_SUMMARY"


def in_actions() -> bool:
    """True inside a GitHub Actions job (the runner sets `GITHUB_ACTIONS=true`)."""
    return os.environ.get("GITHUB_ACTIONS") == "true"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


@frozen
class Annotation:
    """One finding at a place in a file of the repository (path relative to its root)."""

    level: str
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    title: str | None = None

    def command(self) -> str:
        props = []
        if self.file is not None:
            props.append(f"file={escape_property(self.file)}")
            if self.line is not None:
                props.append(f"line={self.line}")
                if self.column is not None:
                    props.append(f"col={self.column}")
        if self.title:
            props.append(f"title={escape_property(self.title)}")
        head = f"{self.level} {','.join(props)}" if props else self.level
        return f"::{head}::{escape_data(self.message)}"


def append_summary(markdown: str) -> bool:
    """Append to the job summary; False outside Actions (no `$GITHUB_STEP_SUMMARY`)."""
    target = os.environ.get(SUMMARY_ENV)
    if not target:
        return False
    with Path(target).open("a", encoding="utf-8") as summary:
        summary.write(markdown.rstrip("\n") + "\n\n")
    return True
