"""Where the repository keeps each part of the contract.

Tooling that edits or compares the repository (regeneration, drift, compatibility) works on a
checkout, found from the working directory, so the same commands work in CI and for people.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from attrs import frozen

SPEC_IN_REPO = "openapi/spike.yaml"
"""Where the contract lives in a checkout: the one home of this fact."""
GENERATOR_IN_REPO = "openapi/generator"
CONFIG_IN_REPO = f"{GENERATOR_IN_REPO}/config.yml"


class RepositoryNotFoundError(Exception):
    """Raised when no Spike contract kit checkout contains the working directory."""


@frozen
class RepoLayout:
    """The files of one checkout of the kit."""

    root: Path

    @property
    def spec(self) -> Path:
        return self.root / SPEC_IN_REPO

    @property
    def generator_dir(self) -> Path:
        return self.root / GENERATOR_IN_REPO

    @property
    def generator_config(self) -> Path:
        return self.root / CONFIG_IN_REPO

    @property
    def templates_dir(self) -> Path:
        return self.generator_dir / "templates"

    @property
    def runtime_dir(self) -> Path:
        return self.generator_dir / "runtime"

    @property
    def shared_runtime_sources(self) -> dict[Path, str]:
        """Kit modules the client's runtime uses too, and their names in the package: one
        source for a rule both sides must apply alike."""
        kit = self.root / "src" / "spike_kit"
        return {
            kit / "statuses.py": "_statuses.py",
            kit / "webhooks" / "signature.py": "_webhook_signature.py",
        }

    def copy_generator_inputs(self, root: Path) -> RepoLayout:
        """The generator's config, templates and runtime (with the kit modules it shares),
        copied into a new layout at `root`, for building a client away from this checkout."""
        copied = RepoLayout(root)
        shutil.copytree(
            self.generator_dir,
            copied.generator_dir,
            ignore=shutil.ignore_patterns("__pycache__"),
        )
        for source in self.shared_runtime_sources:
            target = root / source.relative_to(self.root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        return copied

    @property
    def generated_dir(self) -> Path:
        return self.root / "generated"

    @classmethod
    def find(cls, start: Path | None = None, *, spec_required: bool = True) -> RepoLayout:
        """Walk up from `start` (default: the working directory) to the kit's checkout; with
        `spec_required=False`, to one whose spec may be missing (the gate reports that)."""
        here = (start or Path.cwd()).resolve()
        for candidate in (here, *here.parents):
            has_spec = (candidate / SPEC_IN_REPO).is_file() or not spec_required
            if has_spec and (candidate / GENERATOR_IN_REPO).is_dir():
                return cls(candidate)
        raise RepositoryNotFoundError(
            f"no Spike contract kit checkout ({SPEC_IN_REPO}) at or above {here}"
        )


def checkout_for(parser: argparse.ArgumentParser) -> RepoLayout:
    """The checkout around the working directory, or, outside one, the command's usage error
    (exit 2) saying that it works on a checkout of the kit."""
    try:
        return RepoLayout.find()
    except RepositoryNotFoundError as exc:
        parser.error(f"{exc}; {parser.prog} works on a checkout of the kit")
