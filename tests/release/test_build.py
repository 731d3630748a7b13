"""`tox -e build`: the same commit gives the same bytes, and each file says where it came from."""

from __future__ import annotations

import email.parser
import json
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from spike_kit.git import git
from spike_kit.layout import RepoLayout
from spike_kit.release.build import BuildError, Built, build, twine_check
from spike_kit.release.dists import BUILD_INFO, Dist
from tests.support import REPO


def _head() -> tuple[str, int]:
    commit, epoch = git(REPO.root, "log", "-1", "--format=%H %ct", "HEAD").stdout.split()
    return commit, int(epoch)


def _file(dists: tuple[Dist, ...], name: str, kind: str) -> Dist:
    return next(d for d in dists if d.name == name and d.kind == kind)


def _expected_info() -> dict[str, str]:
    spec = yaml.safe_load(REPO.spec.read_text())
    config = yaml.safe_load(REPO.generator_config.read_text())
    pyproject = tomllib.loads((REPO.root / "pyproject.toml").read_text())
    pins = [
        line.split("==")[1]
        for line in pyproject["project"]["optional-dependencies"]["codegen"]
        if line.startswith("openapi-python-client==")
    ]
    return {
        "client_version": str(config["package_version_override"]),
        "spec_version": str(spec["info"]["version"]),
        "kit_commit": _head()[0],
        "generator": f"openapi-python-client {pins[0]}",
    }


def _sdist_member(dist: Dist, name: str) -> bytes | None:
    with tarfile.open(dist.path) as sdist:
        for member in sdist.getmembers():
            if member.name.split("/", 1)[-1] == name:
                extracted = sdist.extractfile(member)
                return extracted.read() if extracted else None
    return None


def test_two_builds_of_one_commit_are_byte_identical(built: Built, tmp_path: Path) -> None:
    again = build(REPO, tmp_path / "again")
    assert [d.filename for d in again.dists] == [d.filename for d in built.dists]
    assert [d.sha256() for d in again.dists] == [d.sha256() for d in built.dists]


def test_it_builds_the_client_and_the_kit_at_the_configs_version(built: Built) -> None:
    version = _expected_info()["client_version"]
    assert sorted((d.name, d.kind, str(d.version)) for d in built.dists) == [
        ("spike-api-client", "sdist", version),
        ("spike-api-client", "wheel", version),
        ("spike-contract-kit", "sdist", version),
        ("spike-contract-kit", "wheel", version),
    ]


def test_every_file_names_the_spec_version_the_commit_and_the_generator(built: Built) -> None:
    expected = _expected_info()
    for dist in built.dists:
        recorded = dist.build_info() if dist.kind == "wheel" else None
        if dist.kind == "sdist":
            member = _sdist_member(dist, BUILD_INFO)
            assert member is not None, f"{dist.filename} has no {BUILD_INFO}"
            recorded = json.loads(member)
        assert recorded == expected, dist.filename


def test_the_clients_index_page_and_module_say_which_contract(built: Built) -> None:
    wheel = _file(built.dists, "spike-api-client", "wheel")
    with zipfile.ZipFile(wheel.path) as archive:
        metadata_name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = email.parser.Parser().parsestr(archive.read(metadata_name).decode())
        init = archive.read("spike_api_client/__init__.py").decode()
    description = str(metadata.get_payload())
    assert description.rstrip().endswith(built.info.sentence())
    assert built.info.kit_commit in description
    assert f'__spec_version__ = "{built.info.spec_version}"' in init


def test_file_times_are_the_commits_time(built: Built) -> None:
    """SOURCE_DATE_EPOCH comes from the commit, so the files are dated like it."""
    epoch = _head()[1]
    with tarfile.open(_file(built.dists, "spike-api-client", "sdist").path) as sdist:
        assert {member.mtime for member in sdist.getmembers()} == {epoch}
    stamp = datetime.fromtimestamp(epoch, UTC).timetuple()[:5]
    with zipfile.ZipFile(_file(built.dists, "spike-api-client", "wheel").path) as wheel:
        assert {info.date_time[:5] for info in wheel.infolist()} == {stamp}


def test_the_kits_sdist_holds_the_kit_and_not_the_tests_or_the_client(built: Built) -> None:
    with tarfile.open(_file(built.dists, "spike-contract-kit", "sdist").path) as sdist:
        tops = {member.name.split("/")[1] for member in sdist.getmembers() if "/" in member.name}
    assert "src" in tops
    assert "openapi" in tops
    assert not tops & {"tests", "generated", "contract_tests", "scripts", ".github"}


def test_the_build_is_of_the_commit_not_the_working_tree(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "--quiet", str(REPO.root), str(clone)],  # noqa: S607
        check=True,
        timeout=120,
    )
    readme = clone / "generated" / "README.md"
    readme.write_text(readme.read_text() + "\nAN UNCOMMITTED LINE\n")
    made = build(RepoLayout(clone), tmp_path / "dist")
    wheel = _file(made.dists, "spike-api-client", "wheel")
    with zipfile.ZipFile(wheel.path) as archive:
        metadata = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        assert b"AN UNCOMMITTED LINE" not in archive.read(metadata)


def test_a_revision_that_is_not_there_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="'no-such-revision' is not a commit"):
        build(REPO, tmp_path / "dist", "no-such-revision")


def test_twine_check_refuses_a_description_no_index_can_show(tmp_path: Path) -> None:
    project = tmp_path / "broken"
    project.mkdir()
    (project / "broken.py").write_text("")
    (project / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
        '[project]\nname = "broken"\nversion = "1.0.0"\n'
        'readme = {text = "Title\\n===\\n\\n`unclosed", content-type = "text/x-rst"}\n'
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--no-isolation",
            "--wheel",
            "--outdir",
            str(tmp_path / "d"),
            str(project),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    with pytest.raises(BuildError, match="twine check"):
        twine_check(sorted((tmp_path / "d").iterdir()))
