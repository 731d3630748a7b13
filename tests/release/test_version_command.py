"""`tox -e release -- bump|prepare` on a real git repository holding the kit's contract inputs.

Each test works in a temporary repository (never this checkout) with the real generator, the
real compat check and real tags, and ends by asking the drift check whether `generated/`
matches what its inputs make: the command must never leave drift behind.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from spike_kit.codegen.drift import check_drift
from spike_kit.git import git
from spike_kit.layout import RepoLayout
from spike_kit.release.version import ReleaseError, bump, config_version, main, prepare
from tests.support import REPO

UNRELEASED = "## [Unreleased]\n\n### Fixed\n- The client's retries honour `Retry-After`.\n"
OLD = "## [1.0.0] - 2026-01-02\n\n### Added\n- The client.\n"
ON = date(2026, 11, 25)
WIDER = ("maxLength: 320", "maxLength: 400")  # provider_user_id: a request limit widened
NARROWER = ("maxLength: 320", "maxLength: 100")  # the same limit narrowed: breaking


def _git(root: Path, *args: str) -> str:
    done = git(root, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _commit(root: Path, message: str) -> None:
    _git(root, "add", "-A")
    _git(root, "commit", "--quiet", "-m", message)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


@pytest.fixture
def repo(tmp_path: Path) -> RepoLayout:
    """A repository on `main`: the kit's contract inputs, its client and a small changelog,
    committed, at the config's version."""
    root = tmp_path / "kit"
    REPO.copy_generator_inputs(root)
    shutil.copyfile(REPO.spec, root / "openapi" / "spike.yaml")
    for name in ("generated",):
        shutil.copytree(REPO.root / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO.root / ".gitignore", root / ".gitignore")
    (root / "CHANGELOG.md").write_text(f"# Changelog\n\n{UNRELEASED}\n{OLD}")
    subprocess.run(
        ["git", "init", "--quiet", "--initial-branch=main", str(root)],  # noqa: S607
        check=True,
    )
    _git(root, "config", "user.email", "kit@example.com")
    _git(root, "config", "user.name", "Kit Tests")
    _commit(root, "the kit")
    return RepoLayout(root)


def _tag_release(layout: RepoLayout) -> str:
    tag = f"client-v{config_version(layout)}"
    _git(layout.root, "tag", tag)
    return tag


def test_prepare_after_runtime_fixes_is_a_patch_regenerated_and_dated(
    repo: RepoLayout, capsys: pytest.CaptureFixture[str]
) -> None:
    before = config_version(repo)
    tag = _tag_release(repo)
    (repo.root / "CHANGELOG.md").write_text(
        f"# Changelog\n\n{UNRELEASED}\n### Added\n- `RetryPolicy.jitter`.\n\n{OLD}"
    )
    _commit(repo.root, "runtime work")

    proposal = prepare(repo, on=ON)

    expected = f"{before.major}.{before.minor}.{before.patch + 1}"
    assert str(proposal.version) == expected
    said = capsys.readouterr().out
    assert f"since {tag}: 0 breaking, 0 compatible, 0 text-only" in said
    assert f"git tag client-v{expected}" in said
    assert config_version(repo) == proposal.version
    assert (
        f'__version__ = "{expected}"'
        in (repo.generated_dir / "spike_api_client" / "__init__.py").read_text()
    )
    assert check_drift(repo).clean
    changelog = (repo.root / "CHANGELOG.md").read_text()
    assert f"## [Unreleased]\n\n## [{expected}] - 2026-11-25\n\n### Fixed\n" in changelog
    assert changelog.index("`RetryPolicy.jitter`") < changelog.index("## [1.0.0]")


def test_bump_sets_what_the_change_needs_regenerates_and_prints_the_changelog(
    repo: RepoLayout, capsys: pytest.CaptureFixture[str]
) -> None:
    before = config_version(repo)
    _git(repo.root, "switch", "--quiet", "-c", "wider-limit")
    _edit(repo.spec, *WIDER)

    proposal = bump(repo)

    assert str(proposal.version) == f"{before.major}.{before.minor + 1}.0"
    assert config_version(repo) == proposal.version
    assert check_drift(repo).clean
    said = capsys.readouterr().out
    assert "### Changed" in said
    assert "query parameter `provider_user_id`" in said
    assert "/paths/" not in said, "the changelog text names things in words, not pointers"

    _edit(repo.spec, "maxLength: 400", NARROWER[1])
    assert str(bump(repo).version) == f"{before.major + 1}.0.0"  # now breaking: a major
    assert check_drift(repo).clean
    _commit(repo.root, "narrow the limit")
    assert str(bump(repo).version) == f"{before.major + 1}.0.0"  # run again: no second bump


def test_prepare_after_a_breaking_change_since_the_tag_is_a_major(
    repo: RepoLayout, capsys: pytest.CaptureFixture[str]
) -> None:
    before = config_version(repo)
    _tag_release(repo)
    _edit(repo.spec, *NARROWER)
    bump(repo)
    _commit(repo.root, "narrow the limit")

    assert str(prepare(repo, on=ON, dry_run=True).version) == f"{before.major + 1}.0.0"
    assert "1 breaking" in capsys.readouterr().out
    assert git(repo.root, "status", "--porcelain").stdout == "", "a dry run changes nothing"


def test_prepare_before_any_tag_is_the_first_release(
    repo: RepoLayout, capsys: pytest.CaptureFixture[str]
) -> None:
    proposal = prepare(repo, on=ON)
    assert proposal.version == config_version(repo)
    assert "first release" in capsys.readouterr().out
    assert f"## [{proposal.version}] - 2026-11-25" in (repo.root / "CHANGELOG.md").read_text()
    assert check_drift(repo).clean


def test_prepare_refuses_a_dirty_tree(repo: RepoLayout) -> None:
    _edit(repo.spec, *WIDER)
    with pytest.raises(ReleaseError, match=r"uncommitted changes \(openapi/spike.yaml\)"):
        prepare(repo, on=ON)


def test_prepare_refuses_an_empty_unreleased_section(repo: RepoLayout) -> None:
    (repo.root / "CHANGELOG.md").write_text(f"# Changelog\n\n## [Unreleased]\n\n{OLD}")
    _commit(repo.root, "nothing to say")
    with pytest.raises(ReleaseError, match="nothing to release"):
        prepare(repo, on=ON)


def test_prepare_refuses_a_version_tagged_elsewhere(repo: RepoLayout) -> None:
    """A tag on a commit main never merged: no release to build on, yet the version is taken."""
    _git(repo.root, "switch", "--quiet", "-c", "side")
    (repo.root / "side.txt").write_text("elsewhere\n")
    _commit(repo.root, "elsewhere")
    _tag_release(repo)
    _git(repo.root, "switch", "--quiet", "main")
    with pytest.raises(ReleaseError, match=f"tag client-v{config_version(repo)} already exists"):
        prepare(repo, on=ON)


def test_the_command_says_why_it_refuses(
    repo: RepoLayout, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo.root)
    _edit(repo.spec, *WIDER)
    assert main(["prepare"]) == 1
    assert "release prepare: the working tree has uncommitted changes" in capsys.readouterr().err
