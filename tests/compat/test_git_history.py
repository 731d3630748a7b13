"""The check against real git history: a temporary repository with the kit's layout."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from spike_kit.compat.cli import compare, main
from spike_kit.layout import RepoLayout
from spike_kit.spec import SpecError

KIT = RepoLayout.find()


def _git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-C", str(repo), *args],  # noqa: S607 - the git on PATH
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> RepoLayout:
    """A repository on `main` whose first commit holds the kit's spec and generator config."""
    root = tmp_path / "kit"
    (root / "openapi" / "generator").mkdir(parents=True)
    shutil.copy(KIT.spec, root / "openapi" / "spike.yaml")
    config = re.sub(
        r"package_version_override: \S+",
        "package_version_override: 0.1.0",
        KIT.generator_config.read_text(),
    )
    (root / "openapi" / "generator" / "config.yml").write_text(config)
    _git(root.parent, "init", "--quiet", "--initial-branch=main", str(root))
    _git(root, "config", "user.email", "kit@example.com")
    _git(root, "config", "user.name", "Kit Tests")
    _commit(root, "contract 0.1.0")
    return RepoLayout(root)


def _commit(root: Path, message: str) -> None:
    _git(root, "add", "-A")
    _git(root, "commit", "--quiet", "-m", message)


def _edit(layout: RepoLayout, old: str, new: str, *, version: str | None = None) -> None:
    text = layout.spec.read_text()
    assert old in text
    layout.spec.write_text(text.replace(old, new, 1))
    if version is not None:
        config = layout.generator_config.read_text()
        layout.generator_config.write_text(
            config.replace(
                "package_version_override: 0.1.0", f"package_version_override: {version}"
            )
        )


BREAK = (
    "          maxLength: 2048\n          example: session-42",
    "          maxLength: 64\n          example: session-42",
)
SLUG_FIELD = "        provider_slug:\n          $ref: '#/components/schemas/ProviderSlug'\n"
ADD = (SLUG_FIELD, SLUG_FIELD + "        expires_in:\n          type: integer\n")


def test_breaking_commit_without_a_bump_fails(repo: RepoLayout) -> None:
    _edit(repo, *BREAK)
    _commit(repo.root, "narrow state")
    outcome = compare("HEAD~1", layout=repo, max_examples=20)
    assert next(c.pointer for c in outcome.breaking).endswith("/parameters/2/schema/maxLength")
    assert not outcome.passed
    assert "needs client version 0.2.0" in outcome.version_problems[0]


def test_breaking_commit_with_the_bump_passes(repo: RepoLayout) -> None:
    _edit(repo, *BREAK, version="0.2.0")
    _commit(repo.root, "narrow state, 0.2.0")
    outcome = compare("HEAD~1", layout=repo, max_examples=20)
    assert outcome.breaking
    assert outcome.passed


def test_compatible_change_without_any_bump_fails(repo: RepoLayout) -> None:
    _edit(repo, *ADD)
    _commit(repo.root, "problem code")
    outcome = compare("HEAD~1", layout=repo, max_examples=20)
    assert not outcome.breaking
    assert "still 0.1.0" in outcome.version_problems[0]


def test_branch_defaults_to_its_merge_base_with_main(repo: RepoLayout) -> None:
    _git(repo.root, "checkout", "--quiet", "-b", "feature")
    _edit(repo, *BREAK, version="0.1.1")
    _commit(repo.root, "narrow state")
    _edit(repo, "session-42", "session-43")
    _commit(repo.root, "example")
    outcome = compare(None, layout=repo, max_examples=20)
    assert outcome.base_label.startswith(_git(repo.root, "rev-parse", "main"))
    assert outcome.breaking
    assert not outcome.passed


def test_main_defaults_to_the_last_release_tag(repo: RepoLayout) -> None:
    _git(repo.root, "tag", "v0.1.0")
    _edit(repo, *ADD, version="0.1.1")
    _commit(repo.root, "problem code")
    _edit(repo, "session-42", "session-43")
    _commit(repo.root, "example")
    outcome = compare(None, layout=repo, max_examples=20)
    assert outcome.base_label.startswith("v0.1.0")
    assert outcome.passed
    assert any("new response field `expires_in`" in change.message for change in outcome.changes)


def test_uncommitted_change_is_compared_too(repo: RepoLayout) -> None:
    _edit(repo, *BREAK)
    outcome = compare("HEAD", layout=repo, max_examples=20)
    assert outcome.breaking
    assert not outcome.passed


def test_cli_exit_status_and_report(
    repo: RepoLayout, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo.root)
    assert main(["--base", "HEAD"]) == 0
    _edit(repo, *BREAK)
    report = repo.root / "reports" / "compat.json"
    assert main(["--base", "HEAD", "--changelog", "--json", str(report)]) == 1
    out = capsys.readouterr().out
    assert "maxLength 2048 -> 64" in out
    assert "### Changed\n- " in out
    assert (
        "- `GET /providers/{provider_slug}/integration/init_url`: query parameter `state` now "
        "refuses values over 64 characters (breaking)." in out
    )
    assert "/paths/" not in out.split("Changelog summary")[1]
    assert '"severity": "breaking"' in report.read_text()


def test_unknown_base_is_a_clear_error(
    repo: RepoLayout, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo.root)
    assert main(["--base", "no-such-branch"]) == 2
    assert "neither a file nor a git revision" in capsys.readouterr().err


def test_base_without_a_spec_has_nothing_to_compare(repo: RepoLayout) -> None:
    _git(repo.root, "checkout", "--quiet", "--orphan", "empty")
    _git(repo.root, "rm", "-r", "--cached", "--quiet", ".")
    (repo.root / "README").write_text("nothing yet\n")
    _git(repo.root, "add", "README")
    _git(repo.root, "commit", "--quiet", "-m", "empty")
    outcome = compare("empty", layout=repo, max_examples=20)
    assert outcome.passed
    assert "no spec at empty" in outcome.notes[0]


DUPLICATE = (
    "            maxLength: 2048\n          example: session-42",
    "            maxLength: 2048\n            maxLength: 10\n          example: session-42",
)


def test_a_base_revision_that_does_not_load_is_named_with_its_faults(
    repo: RepoLayout, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`release -- bump` calls `compare(ref, layout=..., version_rule=False)` and reports a
    `SpecError`: the base at its revision, the fault at its line, and no verdict."""
    text = repo.spec.read_text()
    _edit(repo, *DUPLICATE)
    _commit(repo.root, "a key written twice")
    line = repo.spec.read_text().splitlines().index("            maxLength: 10") + 1
    repo.spec.write_text(text)
    with pytest.raises(SpecError) as raised:
        compare("HEAD", layout=repo, version_rule=False)
    said = str(raised.value)
    assert said.startswith("the base spec does not load: openapi/spike.yaml at revision HEAD (")
    assert f'openapi/spike.yaml:{line}:13: key "maxLength" appears twice' in said
    monkeypatch.chdir(repo.root)
    assert main(["--base", "HEAD"]) == 2
    assert "the base spec does not load" in capsys.readouterr().err


def test_a_working_tree_that_does_not_load_is_the_head(
    repo: RepoLayout, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(
        repo, "type: string\n            minLength: 1\n            maxLength: 2048", "type: strin"
    )
    monkeypatch.chdir(repo.root)
    assert main(["--base", "HEAD", "--format", "github"]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(
        "compat: the head spec does not load: openapi/spike.yaml in the working tree, 1 fault:"
    )
    assert "::error file=openapi/spike.yaml,line=" in captured.out
