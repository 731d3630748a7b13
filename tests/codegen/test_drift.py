"""Regeneration is reproducible and the drift check catches every kind of difference."""

from __future__ import annotations

from pathlib import Path

from spike_kit.codegen.drift import check_drift, compare_trees
from spike_kit.codegen.regenerate import build_client, regenerate
from spike_kit.layout import RepoLayout


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_compare_trees_reports_missing_extra_and_changed(tmp_path: Path) -> None:
    committed = _tree(tmp_path / "a", {"same.py": "x\n", "old.py": "gone\n", "mod.py": "1\n"})
    fresh = _tree(tmp_path / "b", {"same.py": "x\n", "new.py": "added\n", "mod.py": "2\n"})
    report = compare_trees(committed, fresh)
    assert report.missing == ["new.py"]
    assert report.extra == ["old.py"]
    assert list(report.changed) == ["mod.py"]
    assert "-1\n+2\n" in report.changed["mod.py"]
    assert not report.clean


def test_compare_trees_ignores_caches(tmp_path: Path) -> None:
    committed = _tree(tmp_path / "a", {"m.py": "x\n", "__pycache__/m.cpython-311.pyc": "junk"})
    fresh = _tree(tmp_path / "b", {"m.py": "x\n"})
    assert compare_trees(committed, fresh).clean


def test_committed_client_matches_a_fresh_build(scratch_repo: RepoLayout) -> None:
    report = check_drift(scratch_repo)
    assert report.clean, report.render("generated/")


def test_regeneration_is_byte_identical(tmp_path: Path, scratch_repo: RepoLayout) -> None:
    build_client(scratch_repo, tmp_path / "first")
    build_client(scratch_repo, tmp_path / "second")
    assert compare_trees(tmp_path / "first", tmp_path / "second").clean


def test_drift_goes_red_on_a_spec_change_with_a_readable_diff(scratch_repo: RepoLayout) -> None:
    spec = scratch_repo.spec
    spec.write_text(
        spec.read_text().replace("operationId: getIntegrationInitUrl", "operationId: getInitUrl")
    )
    report = check_drift(scratch_repo)
    assert not report.clean
    assert "spike_api_client/api/provider_integration/get_init_url.py" in report.missing
    assert "spike_api_client/api/provider_integration/get_integration_init_url.py" in report.extra
    assert "Run `tox -e regenerate`" in report.render("generated/")


def test_drift_catches_a_stale_file_and_a_hand_edit(scratch_repo: RepoLayout) -> None:
    package = scratch_repo.generated_dir / "spike_api_client"
    (package / "stale.py").write_text("left behind\n")
    client = package / "client.py"
    client.write_text(client.read_text() + "# hand edit\n")
    report = check_drift(scratch_repo)
    assert report.extra == ["spike_api_client/stale.py"]
    assert list(report.changed) == ["spike_api_client/client.py"]
    assert "-# hand edit" in report.changed["spike_api_client/client.py"]


def test_regenerate_replaces_the_whole_tree(scratch_repo: RepoLayout) -> None:
    stale = scratch_repo.generated_dir / "spike_api_client" / "stale.py"
    stale.write_text("left behind\n")
    regenerate(scratch_repo)
    assert not stale.exists()
    assert check_drift(scratch_repo).clean
