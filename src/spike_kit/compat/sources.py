"""Where the two specs come from: the working tree, a file, or a git revision.

The default base is what a reviewer means by "this change": on a branch, its merge-base with
`main`; on `main` itself, the last release tag; failing both, the previous commit.

Both sides are read through the kit's one loader (`spike_kit.spec`). A side that does not
load is `UnusableSpec`: which side (base or head), where it was read (a file, or the spec at
a git revision), and the loader's faults at their lines, so that a reviewer knows which of
the two specs to fix and where.
"""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path
from typing import Any, Literal

import yaml
from attrs import frozen

from spike_kit.git import RELEASE_TAG_PREFIX, git
from spike_kit.layout import CONFIG_IN_REPO, SPEC_IN_REPO, RepoLayout
from spike_kit.spec import (
    LoadedSpec,
    SpecError,
    SpecFault,
    SpecLoadError,
    escape_token,
    load_bytes,
)
from spike_kit.spec_lines import SpecLines, SpecLinesError

Side = Literal["base", "head"]

RELEASE_TAGS = (f"{RELEASE_TAG_PREFIX}[0-9]*", "v[0-9]*", "spike-api-client-v[0-9]*")


class SourceError(Exception):
    """Raised when a base or head spec cannot be found or read (no such file or revision,
    git cannot be run, a config that is not text)."""


@frozen
class Unloaded:
    """One side that does not load: which, where it was read (a file, or the spec at a
    revision), and the loader's faults, each at a line and column of `file`."""

    side: Side
    where: str
    file: str
    faults: tuple[SpecFault, ...]

    @property
    def in_file(self) -> bool:
        """The faults' lines are lines of a file in front of the reader (the head, or a base
        given as a file), not of a past revision."""
        return self.side == "head" or self.where == self.file

    def lines(self, shown: int) -> list[str]:
        count = len(self.faults)
        said = [
            f"the {self.side} spec does not load: {self.where}, "
            f"{count} fault{'' if count == 1 else 's'}:",
            *(f"  {fault.render(self.file)}" for fault in self.faults[:shown]),
        ]
        if count > shown:
            said.append(f"  ... and {count - shown} more")
        return said

    def as_json(self) -> dict[str, Any]:
        return {
            "side": self.side,
            "where": self.where,
            "file": self.file,
            "faults": [fault.as_json() for fault in self.faults],
        }


class UnusableSpec(SpecError):
    """Raised when the base or the head spec (or both) does not load. `sides` holds each that
    does not, with its faults; `str()` says all of it, one fault a line, at most `SHOWN` a
    side."""

    SHOWN = 20

    def __init__(self, *sides: Unloaded) -> None:
        self.sides = sides
        super().__init__("\n".join(line for side in sides for line in side.lines(self.SHOWN)))

    @property
    def headline(self) -> str:
        return "; ".join(side.lines(0)[0].removesuffix(":") for side in self.sides)

    def joined(self, other: UnusableSpec) -> UnusableSpec:
        return UnusableSpec(*self.sides, *other.sides)


@frozen
class SpecSource:
    """One side of the comparison: the spec and, when known, the client version it made."""

    label: str
    spec: dict[str, Any] | None
    client_version: str | None
    file: Path | None = None
    """Where the spec's text is, when it is a file."""
    lines: SpecLines | None = None
    """Where each part of the spec is in its text (from the loader's own reading)."""
    unloaded: Unloaded | None = None
    """Which side this is and where it was read, to name it if it turns out unusable."""

    def unusable(self, reason: str, ref: str | None) -> UnusableSpec:
        """This side, refused for a `$ref` found unusable after loading (inside an example:
        the loader leaves data alone, expanding does not), at that `$ref`'s line."""
        side = self.unloaded or Unloaded("head", self.label, self.label, ())
        pointer = _holder_of(self.spec, ref) if ref is not None else None
        line = column = None
        if pointer is not None and self.lines is not None:
            with contextlib.suppress(SpecLinesError):
                place = self.lines.locate(f"{pointer}/$ref", follow_refs=False)
                line, column = place.line, place.column
        fault = SpecFault(reason, line, column, pointer, kind="ref")
        return UnusableSpec(Unloaded(side.side, side.where, side.file, (fault,)))


def _holder_of(node: Any, ref: str, pointer: str = "") -> str | None:
    """The pointer of the first object whose `$ref` is `ref`."""
    if isinstance(node, dict):
        if node.get("$ref") == ref:
            return pointer
        items: Any = node.items()
    elif isinstance(node, list):
        items = enumerate(node)
    else:
        return None
    for key, value in items:
        found = _holder_of(value, ref, f"{pointer}/{escape_token(str(key))}")
        if found is not None:
            return found
    return None


def _load(data: bytes, side: Side, where: str, file: str) -> LoadedSpec:
    try:
        return load_bytes(data, file)
    except SpecLoadError as exc:
        raise UnusableSpec(Unloaded(side, where, file, exc.faults)) from None
    except RecursionError:
        # The loader's checks recurse once per level of nesting; until it bounds the depth
        # itself, a spec nested past Python's limit is input compat cannot use, not a crash.
        fault = SpecFault(
            "the spec is nested too deep for the kit's tools to read (schemas inside schemas "
            "past Python's recursion limit)",
            kind="structure",
        )
        raise UnusableSpec(Unloaded(side, where, file, (fault,))) from None


def _read(path: Path, side: Side, where: str | None = None, file: str | None = None) -> LoadedSpec:
    where, file = where or str(path), file or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        fault = SpecFault(
            f"cannot read the file: {exc.strerror or type(exc).__name__}", kind="file"
        )
        raise UnusableSpec(Unloaded(side, where, file, (fault,))) from None
    return _load(data, side, where, file)


def _git(layout: RepoLayout, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return git(layout.root, *args)
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"git {args[0]} failed in {layout.root}: {exc}") from None


def _git_bytes(layout: RepoLayout, *args: str) -> bytes | None:
    """A git command's output as bytes, or None when it fails: a spec at a revision is read
    like a file, so a byte that is not UTF-8 is a fault at its line, not a decoding error."""
    try:
        shown = subprocess.run(
            ["git", "-C", str(layout.root), *args],  # noqa: S607 - the git a person runs
            capture_output=True,
            check=False,
        )
    except OSError as exc:
        raise SourceError(f"git cannot be run: {exc}") from None
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


def _text(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{what} is not UTF-8 text (byte {exc.start + 1})") from None


def working_tree(layout: RepoLayout) -> SpecSource:
    """The checkout's spec (the head side) and the client version its config names."""
    config = layout.generator_config
    text = _text(config.read_bytes(), str(config)) if config.is_file() else None
    where = f"{SPEC_IN_REPO} in the working tree"
    loaded = _read(layout.spec, "head", where, SPEC_IN_REPO)
    return SpecSource(
        "working tree",
        loaded.document,
        version_from_config(text),
        file=layout.spec,
        lines=loaded.lines,
        unloaded=Unloaded("head", where, SPEC_IN_REPO, ()),
    )


def from_file(path: Path, side: Side = "head") -> SpecSource:
    loaded = _read(path, side)
    return SpecSource(
        str(path),
        loaded.document,
        None,
        file=path,
        lines=loaded.lines,
        unloaded=Unloaded(side, str(path), str(path), ()),
    )


def file_at(layout: RepoLayout, ref: str, path: str) -> str | None:
    """A file's text at a git revision, or None when it has none there."""
    data = _git_bytes(layout, "show", f"{ref}:{path}")
    return None if data is None else _text(data, f"{path} at {ref}")


def from_git(
    layout: RepoLayout, ref: str, config_path: str = CONFIG_IN_REPO, side: Side = "base"
) -> SpecSource:
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
    where = f"{SPEC_IN_REPO} at revision {label}"
    loaded = _load(blob, side, where, SPEC_IN_REPO)
    return SpecSource(
        label,
        loaded.document,
        version,
        lines=loaded.lines,
        unloaded=Unloaded(side, where, SPEC_IN_REPO, ()),
    )


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
        return from_file(Path(base), "base")
    if layout is None:
        if base is None:
            raise SourceError("give --base FILE: outside a kit checkout there is no default base")
        raise SourceError(f"--base {base!r} is not a file (and there is no checkout here)")
    ref = base if base is not None else default_base(layout)
    return None if ref is None else from_git(layout, ref, config_path)
