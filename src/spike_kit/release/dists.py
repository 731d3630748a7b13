"""Built distribution files (wheels and sdists) read by their names, as an index reads them."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

from attrs import evolve, frozen
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    NormalizedName,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import Version

BUILD_INFO = "spike_build.json"
EXTRA_BUILD_INFO = f"extra_metadata/{BUILD_INFO}"
"""Where hatchling's `extra-metadata` puts it inside `.dist-info/`."""


class DistError(Exception):
    """Raised when a folder of built files is not one release's files."""


@frozen
class Dist:
    """One built file: its project (normalized name), version and kind."""

    path: Path
    name: NormalizedName
    version: Version
    kind: str
    """`wheel` or `sdist`."""

    @property
    def filename(self) -> str:
        return self.path.name

    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()

    def moved_to(self, path: Path) -> Dist:
        return evolve(self, path=path)

    def build_info(self) -> dict[str, Any] | None:
        """A wheel's `spike_build.json` (see `spike_kit.release.build`), when it has one."""
        if self.kind != "wheel":
            return None
        with zipfile.ZipFile(self.path) as wheel:
            names = [n for n in wheel.namelist() if n.endswith(f".dist-info/{EXTRA_BUILD_INFO}")]
            if not names:
                return None
            found: dict[str, Any] = json.loads(wheel.read(names[0]))
            return found


def parse_filename(filename: str) -> tuple[NormalizedName, Version, str] | None:
    """(project, version, kind) of a wheel or sdist file name; None for anything else."""
    try:
        if filename.endswith(".whl"):
            name, version, _, _ = parse_wheel_filename(filename)
            return name, version, "wheel"
        if filename.endswith(".tar.gz"):
            name, version = parse_sdist_filename(filename)
            return name, version, "sdist"
    except (InvalidWheelFilename, InvalidSdistFilename):
        return None
    return None


def read_dists(folder: Path, *, strict: bool = True) -> tuple[Dist, ...]:
    """The wheels and sdists in `folder`, sorted by name; `strict` refuses other files."""
    found = []
    if not folder.is_dir():
        return ()
    for path in sorted(folder.iterdir()):
        parsed = parse_filename(path.name)
        if parsed is None:
            if strict:
                raise DistError(f"{path} is not a wheel or an sdist")
            continue
        found.append(Dist(path, *parsed))
    return tuple(found)
