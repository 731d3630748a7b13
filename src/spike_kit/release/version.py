"""`tox -e release -- bump|prepare`: the client version from the contract, written and regenerated.

`bump` is for a contract change on a branch: it judges the working tree's spec against the
gate's own base (the merge-base with main), sets the version the gate's rule needs, and
regenerates `generated/` with it, so the version and the client can never disagree (bumping
after regenerating left `generated/` stale). It prints Keep a Changelog sections to paste.

`prepare` is for a release: on a clean tree, it judges the spec against the last release tag
(`client-vX.Y.Z`), proposes the release's version, writes it, regenerates, and files the
CHANGELOG's Unreleased entries under `## [X.Y.Z] - date`. With `--dry-run`, both only say
what they would do. Either is all or nothing: when regeneration fails, the config is put back.
Exit status: 0 done, 1 refused (a dirty tree, a failed regeneration...), 2 a spec (the
working tree's or the base's) that does not load.

The verdicts are the compat check's (`spike_kit.compat`); this module only turns them into a
version.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from spike_kit.codegen.regenerate import ClientGenerationError, regenerate
from spike_kit.codegen.smoke import SmokeError
from spike_kit.compat.cli import compare
from spike_kit.compat.report import changelog_summary
from spike_kit.compat.sources import SourceError, from_git, version_from_config
from spike_kit.compat.versions import Version, VersionError
from spike_kit.git import RELEASE_TAG_PREFIX, GitError, git, uncommitted
from spike_kit.layout import RepoLayout, RepositoryNotFoundError
from spike_kit.release.changelog import Changelog, ChangelogError
from spike_kit.release.proposal import Proposal, propose_bump, propose_release
from spike_kit.spec import SpecError, load_file

_VERSION_LINE = re.compile(r"^package_version_override:.*$", re.MULTILINE)


class ReleaseError(Exception):
    """Raised when the command refuses: a dirty tree, nothing to release, a bad version."""


def changelog_path(layout: RepoLayout) -> Path:
    return layout.root / "CHANGELOG.md"


def config_version(layout: RepoLayout) -> Version:
    text = layout.generator_config.read_text(encoding="utf-8")
    found = version_from_config(text)
    if found is None:
        raise ReleaseError(f"{layout.generator_config} has no package_version_override")
    return Version.parse(found)


def write_config_version(layout: RepoLayout, version: Version) -> None:
    """Change the one line that holds the version, keeping the config's comments."""
    path = layout.generator_config
    text = path.read_text(encoding="utf-8")
    new, count = _VERSION_LINE.subn(f"package_version_override: {version}", text)
    if count != 1:
        raise ReleaseError(f"{path} needs exactly one package_version_override line")
    path.write_text(new, encoding="utf-8")


def release_tag(version: Version) -> str:
    return f"{RELEASE_TAG_PREFIX}{version}"


def last_release(layout: RepoLayout) -> tuple[Version, str] | None:
    """The highest `client-vX.Y.Z` tag reachable from HEAD, or None before the first release."""
    listed = git(layout.root, "tag", "--list", f"{RELEASE_TAG_PREFIX}*", "--merged", "HEAD")
    found: list[tuple[Version, str]] = []
    for tag in listed.stdout.split():
        try:
            found.append((Version.parse(tag.removeprefix(RELEASE_TAG_PREFIX)), tag))
        except VersionError:
            continue
    return max(found) if found else None


def tag_exists(layout: RepoLayout, tag: str) -> bool:
    return git(layout.root, "rev-parse", "--verify", "--quiet", f"refs/tags/{tag}").returncode == 0


def _apply(layout: RepoLayout, version: Version, dry_run: bool) -> None:
    """Write the version and regenerate, all or nothing: when regeneration fails the config
    is put back as it was (`regenerate` swaps `generated/` in only once it is proven)."""
    if dry_run:
        print("dry run: nothing written, generated/ untouched")
        return
    config = layout.generator_config
    before = config.read_bytes()
    write_config_version(layout, version)
    try:
        regenerate(layout)
    except (ClientGenerationError, SmokeError) as exc:
        config.write_bytes(before)
        raise ReleaseError(
            f"nothing written: regenerating the client at {version} failed: {exc}"
        ) from None
    except BaseException:
        config.write_bytes(before)
        raise


def bump_base(layout: RepoLayout) -> str:
    """The commit a change starts from: its merge-base with main, which is the gate's base
    once the change is committed on a branch. Unlike compat's default, a branch with no commit
    yet (or main itself, with the change still uncommitted) gives HEAD, not the commit before.
    """
    for main in ("main", "origin/main"):
        base = git(layout.root, "merge-base", "HEAD", main)
        if base.returncode == 0:
            return base.stdout.strip()
    if git(layout.root, "rev-parse", "--verify", "--quiet", "HEAD").returncode != 0:
        raise ReleaseError("no commit to compare with: commit the contract first")
    return "HEAD"


def bump(layout: RepoLayout, *, dry_run: bool = False) -> Proposal:
    """Set the version one contract change needs against the gate's base, and regenerate."""
    ref = bump_base(layout)
    base = from_git(layout, ref)
    outcome = compare(ref, layout=layout, version_rule=False)
    base_version = Version.parse(base.client_version) if base.client_version else None
    proposal = propose_bump(
        base_version, outcome.base_label, config_version(layout), outcome.changes
    )
    _say(proposal, "bump")
    _apply(layout, proposal.version, dry_run)
    if outcome.changes:
        print("\nPaste under ## [Unreleased] in CHANGELOG.md (one heading per type):\n")
        print(changelog_summary(outcome.changes))
    return proposal


def prepare(layout: RepoLayout, *, on: date, dry_run: bool = False) -> Proposal:
    """Propose, write and regenerate the release's version; date the CHANGELOG."""
    dirty = uncommitted(layout.root)
    if dirty:
        shown = ", ".join(dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
        raise ReleaseError(
            f"the working tree has uncommitted changes ({shown}): commit or stash them, so the "
            "release commit holds only what this command writes"
        )
    changelog = Changelog.parse(changelog_path(layout).read_text(encoding="utf-8"))
    problems = changelog.problems()
    if problems:
        raise ReleaseError("CHANGELOG.md cannot be released: " + "; ".join(problems))
    last = last_release(layout)
    current = config_version(layout)
    if last is None:
        proposal = propose_release(None, "-", current, ())
    else:
        outcome = compare(last[1], layout=layout, version_rule=False)
        try:
            proposal = propose_release(last[0], last[1], current, outcome.changes)
        except ValueError as exc:
            raise ReleaseError(str(exc)) from None
    tag = release_tag(proposal.version)
    if tag_exists(layout, tag):
        raise ReleaseError(f"tag {tag} already exists: {proposal.version} was released before")
    new_changelog = changelog.released(str(proposal.version), on)
    _say(proposal, "prepare")
    _apply(layout, proposal.version, dry_run)
    if not dry_run:
        changelog_path(layout).write_text(new_changelog, encoding="utf-8")
        print(
            f"\nNext: review the diff, `python3 -m tox`, commit ('Release {tag}'), merge to "
            f"main, then tag that commit: git tag {tag} && git push origin {tag}"
        )
    return proposal


def _say(proposal: Proposal, command: str) -> None:
    for reason in proposal.reasons:
        print(f"{command}: {reason}")
    print(f"{command}: client version {proposal.version}")


def main(argv: list[str] | None = None, prog: str = "release") -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    bump_parser = commands.add_parser(
        "bump", help="set the version a contract change needs (vs. the merge-base) and regenerate"
    )
    prepare_parser = commands.add_parser(
        "prepare", help="the release's version (vs. the last client-v tag), regenerated, dated"
    )
    prepare_parser.add_argument(
        "--date", type=date.fromisoformat, help="the release date (default: today, UTC)"
    )
    for sub in (bump_parser, prepare_parser):
        sub.add_argument(
            "--dry-run", action="store_true", help="say what would change, change nothing"
        )
    args = parser.parse_args(argv)
    try:
        layout = RepoLayout.find()
        load_file(layout.spec, layout.spec.relative_to(layout.root).as_posix())
        if args.command == "bump":
            bump(layout, dry_run=args.dry_run)
        else:
            on = args.date or datetime.now(UTC).date()
            prepare(layout, on=on, dry_run=args.dry_run)
    except (SourceError, SpecError) as exc:  # a spec (ours or the base's) it cannot use
        print(f"release {args.command}: nothing written: {exc}", file=sys.stderr)
        return 2
    except (ReleaseError, GitError, ChangelogError, RepositoryNotFoundError, VersionError) as exc:
        print(f"release {args.command}: {exc}", file=sys.stderr)
        return 1
    return 0
