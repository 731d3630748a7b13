"""`tox -e publish -- --tag client-vX.Y.Z`: upload a build to a package index, once.

The index and its credentials come from the environment only (`SPIKE_INDEX_URL`,
`SPIKE_INDEX_UPLOAD_URL`, `SPIKE_INDEX_USER`, `SPIKE_INDEX_TOKEN`), never from a command
line, and the token is never printed: twine reads it from its own environment variable.

It refuses, before uploading anything, when the tag does not name the built version, when
the files were built from another commit than the tag's, or when any project's version is
already on the index: an index keeps a version forever, and a consumer who pinned it must
get the same bytes tomorrow.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from attrs import field, frozen

from spike_kit.git import RELEASE_TAG_PREFIX, git
from spike_kit.layout import RepoLayout, RepositoryNotFoundError
from spike_kit.release.dists import Dist, DistError, parse_filename, read_dists
from spike_kit.release.index import IndexReadError, project_files, same_origin, shown

TIMEOUT_SECONDS = 600


class PublishError(Exception):
    """Raised when publishing is refused or fails; never carries the token."""


@frozen
class IndexSettings:
    """Where to publish, from the environment (the README's "Releasing the client")."""

    url: str
    """The simple index consumers give pip (`--index-url`), to see what is there already."""
    upload_url: str
    """Where twine uploads (PyPI: https://upload.pypi.org/legacy/)."""
    user: str
    token: str = field(repr=False)

    VARIABLES = ("SPIKE_INDEX_URL", "SPIKE_INDEX_UPLOAD_URL", "SPIKE_INDEX_TOKEN")

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> IndexSettings:
        missing = [name for name in cls.VARIABLES if not env.get(name)]
        if missing:
            raise PublishError(
                f"set {', '.join(missing)} in the environment (the token never goes on a "
                "command line)"
            )
        return cls(
            url=env["SPIKE_INDEX_URL"],
            upload_url=env["SPIKE_INDEX_UPLOAD_URL"],
            user=env.get("SPIKE_INDEX_USER") or "__token__",
            token=env["SPIKE_INDEX_TOKEN"],
        )

    def read_credentials(self) -> tuple[str, str] | None:
        """Credentials for listing: only for the upload's own origin (a private index)."""
        return (self.user, self.token) if same_origin(self.url, self.upload_url) else None


def _scrub(text: str, secret: str) -> str:
    return text.replace(secret, "***") if secret else text


def check_tag(tag: str, dists: tuple[Dist, ...]) -> str:
    """The one version the files share, if the tag names it."""
    versions = sorted({str(dist.version) for dist in dists})
    if len(versions) != 1:
        raise PublishError(f"the built files hold several versions ({', '.join(versions)})")
    expected = f"{RELEASE_TAG_PREFIX}{versions[0]}"
    if tag != expected:
        raise PublishError(
            f"tag {tag!r} does not match the built version {versions[0]} (its tag is "
            f"{expected}): build the tagged commit, or tag the commit that says {versions[0]}"
        )
    return versions[0]


def check_commit(dists: tuple[Dist, ...], tag_commit: str | None) -> None:
    """Every wheel names the commit it was built from; it must be the tag's."""
    for dist in dists:
        info = dist.build_info()
        if dist.kind == "wheel" and info is None:
            raise PublishError(f"{dist.filename} has no build record: build it with tox -e build")
        if tag_commit is not None and info is not None and info.get("kit_commit") != tag_commit:
            raise PublishError(
                f"{dist.filename} was built from commit {info.get('kit_commit')}, "
                f"but the tag points at {tag_commit}"
            )


def check_absent(settings: IndexSettings, dists: tuple[Dist, ...], version: str) -> list[str]:
    """Refuse when a project already has this version on the index; notes for the log."""
    notes = []
    for project in sorted({dist.name for dist in dists}):
        try:
            listing = project_files(settings.url, project, settings.read_credentials())
        except IndexReadError as exc:
            raise PublishError(_scrub(str(exc), settings.token)) from None
        if listing.redirected_to:
            notes.append(
                f"{shown(settings.url)} does not hold {project} and sends it to "
                f"{listing.redirected_to}: consumers of this index can get that project's "
                "files from there too"
            )
        held = [
            name
            for name in sorted(listing.filenames)
            if (parsed := parse_filename(name)) and str(parsed[1]) == version
        ]
        if held:
            raise PublishError(
                f"{project} {version} is already on {shown(settings.url)} ({', '.join(held)}): "
                "a published version never changes; release the next version instead "
                "(tox -e release -- prepare)"
            )
    return notes


def upload(settings: IndexSettings, dists: tuple[Dist, ...]) -> str:
    """twine upload, credentials through its environment; its output, token scrubbed."""
    env = {
        **os.environ,
        "TWINE_USERNAME": settings.user,
        "TWINE_PASSWORD": settings.token,
        "TWINE_REPOSITORY_URL": settings.upload_url,
        "TWINE_NON_INTERACTIVE": "1",
    }
    command = [sys.executable, "-m", "twine", "upload", "--disable-progress-bar"]
    try:
        finished = subprocess.run(
            [*command, *(str(dist.path) for dist in dists)],
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise PublishError(f"twine upload took over {TIMEOUT_SECONDS} s and was stopped") from None
    said = _scrub(finished.stdout + finished.stderr, settings.token)
    if finished.returncode != 0:
        raise PublishError(f"twine upload to {shown(settings.upload_url)} failed:\n{said}")
    return said


def publish(
    dist_dir: Path,
    tag: str,
    settings: IndexSettings,
    *,
    tag_commit: str | None = None,
    say: Callable[[str], None] = print,
) -> tuple[Dist, ...]:
    """Check, then upload every built file in `dist_dir`; the files uploaded."""
    dists = read_dists(dist_dir)
    if not dists:
        raise PublishError(f"no wheel or sdist in {dist_dir}: run `tox -e build` first")
    version = check_tag(tag, dists)
    check_commit(dists, tag_commit)
    for note in check_absent(settings, dists, version):
        say(f"publish: note: {note}")
    say(f"publish: uploading {len(dists)} files of {version} to {shown(settings.upload_url)}")
    upload(settings, dists)
    for dist in dists:
        say(f"publish:   {dist.filename}  sha256 {dist.sha256()}")
    return dists


def _tag_commit(tag: str) -> str | None:
    try:
        layout = RepoLayout.find()
    except RepositoryNotFoundError:
        return None
    found = git(layout.root, "rev-parse", "--verify", "--quiet", f"refs/tags/{tag}^{{commit}}")
    return found.stdout.strip() if found.returncode == 0 else None


def main(argv: list[str] | None = None, prog: str = "publish") -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    parser.add_argument("--tag", required=True, help="the release tag, client-vX.Y.Z")
    parser.add_argument("--dist", type=Path, default=Path("dist"), help="the built files")
    args = parser.parse_args(argv)
    try:
        settings = IndexSettings.from_env(os.environ)
        commit = _tag_commit(args.tag)
        if commit is None:
            print(f"publish: note: no tag {args.tag} here, so the build's commit is not checked")
        publish(args.dist, args.tag, settings, tag_commit=commit)
    except (PublishError, DistError) as exc:
        print(f"publish: {exc}", file=sys.stderr)
        return 1
    print(f"publish: {args.tag} published")
    return 0
