"""The one way the kit asks git about a checkout: the `git` a person would run, never raising.

Callers read `returncode` and decide what a failure means for them (no history, no such
revision, a dirty tree), so each can say it in its own words.
"""

from __future__ import annotations

import subprocess
from pathlib import Path


class GitError(Exception):
    """Raised when git cannot answer a question the caller cannot do without."""


RELEASE_TAG_PREFIX = "client-v"
"""A release of the client (and the kit beside it) is the commit tagged `client-vX.Y.Z`."""


def git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`git -C root args...`, output captured as text."""
    return subprocess.run(
        ["git", "-C", str(root), *args],  # noqa: S607 - the git on PATH, as a person runs it
        capture_output=True,
        text=True,
        check=False,
    )


def uncommitted(root: Path, *, untracked: bool = True) -> list[str]:
    """Paths with uncommitted changes (and untracked files, ignored ones aside, if asked)."""
    status = git(
        root, "status", "--porcelain", f"--untracked-files={'normal' if untracked else 'no'}"
    )
    if status.returncode != 0:
        raise GitError(f"git status failed in {root}: {status.stderr.strip()}")
    return [line[3:] for line in status.stdout.splitlines() if line.strip()]
