"""Where the two specs come from: the working tree, a file, or a git revision.

The default base is what a reviewer means by "this change": on a branch, its merge-base with
`main`; on `main` itself, the last release tag; failing both, the previous commit.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import yaml
from attrs import frozen

from spike_kit.git import RELEASE_TAG_PREFIX, git
from spike_kit.layout import CONFIG_IN_REPO, SPEC_IN_REPO, RepoLayout
from spike_kit.spec import load_bytes, load_spec

RELEASE_TAGS = (f"{RELEASE_TAG_PREFIX}[0-9]*", "v[0-9]*", "spike-api-client-v[0-9]*")


class SourceError(Exception):
    """Raised when a base or head spec cannot be found or read."""


@frozen
class SpecSource:
    """One side of the comparison: the spec and, when known, the client version it made."""

    label: str
    spec: dict[str, Any] | None
    client_version: str | None
    file: Path | None = None
    """Where the spec's text is, when it is a file."""


def _git(layout: RepoLayout, *args: str) -> subprocess.CompletedProcess[str]:
    return git(layout.root, *args)


def _git_bytes(layout: RepoLayout, *args: str) -> bytes | None:
    """A git command's output as bytes, or None when it fails: a spec at a revision is read
    like a file, so a byte that is not UTF-8 is a fault at its line, not a decoding error."""
    shown = subprocess.run(
        ["git", "-C", str(layout.root), *args],  # noqa: S607 - the git a person runs
        capture_output=True,
        check=False,
    )
    return shown.stdout if shown.returncode == 0 else None


def version_from_config(text: str | None) -> str | None:
    """`package_version_override` of a generator config's text, when it has one."""
    if text is None:
        return None
    try:
        config = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    version = config.get("package_version_override") if isinstance(config, dict) else None
    return str(version) if version is not None else None


def working_tree(layout: RepoLayout) -> SpecSource:
    config = layout.generator_config
    text = config.read_text(encoding="utf-8") if config.is_file() else None
    return SpecSource(
        "working tree", load_spec(layout.spec), version_from_config(text), file=layout.spec
    )


def from_file(path: Path) -> SpecSource:
    return SpecSource(str(path), load_spec(path), None, file=path)


def file_at(layout: RepoLayout, ref: str, path: str) -> str | None:
    """A file's text at a git revision, or None when it has none there."""
    shown = _git(layout, "show", f"{ref}:{path}")
    return shown.stdout if shown.returncode == 0 else None


def from_git(layout: RepoLayout, ref: str, config_path: str = CONFIG_IN_REPO) -> SpecSource:
    """The spec and client version at `ref`; a revision without a spec yields `spec=None`."""
    resolved = _git(layout, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if resolved.returncode != 0:
        raise SourceError(f"{ref!r} is neither a file nor a git revision of {layout.root}")
    commit = resolved.stdout.strip()
    label = f"{ref} ({commit[:12]})"
    version = version_from_config(file_at(layout, commit, config_path))
    blob = _git_bytes(layout, "show", f"{commit}:{SPEC_IN_REPO}")
    if blob is None:
        return SpecSource(label, None, version)
    return SpecSource(label, load_bytes(blob, f"{SPEC_IN_REPO} at {label}").document, version)


def default_base(layout: RepoLayout) -> str | None:
    """The revision to compare against when none is given, or None outside git history."""
    head = _git(layout, "rev-parse", "--verify", "--quiet", "HEAD")
    if head.returncode != 0:
        return None
    for main in ("main", "origin/main"):
        tip = _git(layout, "rev-parse", "--verify", "--quiet", main)
        if tip.returncode == 0 and tip.stdout != head.stdout:
            base = _git(layout, "merge-base", "HEAD", main)
            if base.returncode == 0 and base.stdout.strip() != head.stdout.strip():
                return base.stdout.strip()
    for pattern in RELEASE_TAGS:
        tag = _git(layout, "describe", "--tags", "--abbrev=0", f"--match={pattern}", "HEAD")
        if tag.returncode == 0:
            return tag.stdout.strip()
    parent = _git(layout, "rev-parse", "--verify", "--quiet", "HEAD~1")
    return "HEAD~1" if parent.returncode == 0 else None


def resolve_base(
    layout: RepoLayout | None, base: str | None, config_path: str = CONFIG_IN_REPO
) -> SpecSource | None:
    """The base to compare against: a file when `base` names one, else a git revision."""
    if base is not None and Path(base).is_file():
        return from_file(Path(base))
    if layout is None:
        if base is None:
            raise SourceError("give --base FILE: outside a kit checkout there is no default base")
        raise SourceError(f"--base {base!r} is not a file (and there is no checkout here)")
    ref = base if base is not None else default_base(layout)
    return None if ref is None else from_git(layout, ref, config_path)
