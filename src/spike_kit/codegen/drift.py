"""Does `generated/` hold exactly what the spec, config, templates and runtime make today?

Like the generator's own golden-record test: regenerate into a fresh folder and compare both
ways (missing, extra, changed), so a stale file left behind is caught too.
"""

from __future__ import annotations

import argparse
import difflib
import sys
import tempfile
from pathlib import Path

from attrs import frozen

from spike_kit.codegen.regenerate import ClientGenerationError, build_client
from spike_kit.layout import RepoLayout, checkout_for
from spike_kit.spec import SpecLoadError

IGNORED_PARTS = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", "build", "dist"}


def _files(root: Path) -> dict[str, Path]:
    found = {}
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if path.is_file() and not any(
            part in IGNORED_PARTS or part.endswith(".egg-info") for part in relative.parts
        ):
            found[relative.as_posix()] = path
    return found


@frozen
class DriftReport:
    missing: list[str]
    extra: list[str]
    changed: dict[str, str]

    @property
    def clean(self) -> bool:
        return not (self.missing or self.extra or self.changed)

    def render(self, committed_label: str) -> str:
        if self.clean:
            return f"{committed_label} matches a fresh regeneration."
        lines = [f"{committed_label} does not match a fresh regeneration:"]
        lines += [f"  missing (would be generated): {name}" for name in self.missing]
        lines += [f"  extra (not generated any more): {name}" for name in self.extra]
        lines += [f"  changed: {name}" for name in self.changed]
        lines += ["", *self.changed.values()]
        lines.append("Run `tox -e regenerate` and commit the result.")
        return "\n".join(lines)


def compare_trees(committed: Path, fresh: Path) -> DriftReport:
    """Compare two trees file by file; `changed` maps each differing file to a unified diff."""
    old, new = _files(committed), _files(fresh)
    changed = {}
    for name in sorted(old.keys() & new.keys()):
        before, after = old[name].read_bytes(), new[name].read_bytes()
        if before != after:
            diff = difflib.unified_diff(
                before.decode("utf-8", "replace").splitlines(keepends=True),
                after.decode("utf-8", "replace").splitlines(keepends=True),
                fromfile=f"committed/{name}",
                tofile=f"regenerated/{name}",
            )
            changed[name] = "".join(diff)
    return DriftReport(
        missing=sorted(new.keys() - old.keys()),
        extra=sorted(old.keys() - new.keys()),
        changed=changed,
    )


def check_drift(layout: RepoLayout) -> DriftReport:
    with tempfile.TemporaryDirectory(prefix="spike-drift-") as tmp:
        fresh = Path(tmp) / "client"
        build_client(layout, fresh)
        return compare_trees(layout.generated_dir, fresh)


def main(argv: list[str] | None = None, prog: str = "drift") -> int:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Fail when generated/ differs from a fresh regeneration.",
        epilog="Exit status: 0 no drift; 1 drift, or the generator skipped part of the spec; "
        "2 the spec does not load.",
    )
    parser.parse_args(argv)
    layout = checkout_for(parser)
    try:
        report = check_drift(layout)
    except SpecLoadError as exc:
        print(f"{prog}: {exc.summary(layout.spec.relative_to(layout.root).as_posix())}")
        return 2
    except ClientGenerationError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 1
    print(report.render("generated/"))
    return 0 if report.clean else 1
