"""`tox -e publish`: to a real index (pypiserver on 127.0.0.1), once per version, token unseen.

The whole path another team walks: the build is uploaded, `pip install
spike-api-client==X.Y.Z --index-url http://127.0.0.1:PORT/simple/` in a fresh virtualenv
gets it, and it makes a call against the mock. Then the refusals: a second upload of the
same version, a tag that names another version, files built from another commit.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from spike_kit.mock.process import MockProcess
from spike_kit.release.build import Built
from spike_kit.release.publish import IndexSettings, PublishError, publish
from tests.release.local_index import LocalIndex, serve_index
from tests.release.support import fresh_venv, pip_install

USER = "release-bot"
TOKEN = "pypi-test-token-5f1c9a7e"  # a secret as far as the code is concerned

CALL = """
import sys
from importlib.metadata import distribution
from spike_api_client import AuthenticatedClient
from spike_api_client.api.provider_integration import get_integration_init_url

client = AuthenticatedClient(
    base_url=sys.argv[1], token="spike-mock-token", redirect_hosts=["127.0.0.1:*"]
)
found = get_integration_init_url.sync("garmin", client=client)
print(found.path)
print(distribution("spike-api-client").read_text("extra_metadata/spike_build.json"))
"""


@pytest.fixture
def index(tmp_path: Path) -> Iterator[LocalIndex]:
    with serve_index(tmp_path, USER, TOKEN) as running:
        yield running


def _settings(index: LocalIndex, token: str = TOKEN) -> IndexSettings:
    return IndexSettings.from_env(
        {
            "SPIKE_INDEX_URL": index.simple_url,
            "SPIKE_INDEX_UPLOAD_URL": f"{index.url}/",
            "SPIKE_INDEX_USER": USER,
            "SPIKE_INDEX_TOKEN": token,
        }
    )


def _tag(built: Built) -> str:
    return f"client-v{built.info.client_version}"


def test_publish_then_install_from_the_index_and_call_the_mock(
    built: Built, index: LocalIndex, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dist = built.dists[0].path.parent
    version = built.info.client_version
    publish(dist, _tag(built), _settings(index), tag_commit=built.info.kit_commit)
    assert index.held() == sorted(d.filename for d in built.dists)

    python = fresh_venv(tmp_path / "consumer")
    report = tmp_path / "pip-report.json"
    pip_install(
        python,
        f"spike-api-client=={version}",
        "--index-url",
        index.simple_url,
        "--report",
        str(report),
    )
    installed = {
        item["metadata"]["name"]: item["download_info"]["url"]
        for item in json.loads(report.read_text())["install"]
    }
    assert installed["spike-api-client"].startswith(f"{index.url}/packages/spike_api_client-")
    with MockProcess() as mock:
        called = subprocess.run(
            [str(python), "-c", CALL, mock.base_url],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert called.returncode == 0, called.stderr
    path, record = called.stdout.split("\n", 1)
    assert path.startswith(mock.base_url.removesuffix("/v3"))
    assert json.loads(record)["kit_commit"] == built.info.kit_commit

    with pytest.raises(PublishError) as refused:
        publish(dist, _tag(built), _settings(index), tag_commit=built.info.kit_commit)
    message = str(refused.value)
    assert f"spike-api-client {version} is already on {index.simple_url}" in message
    assert "a published version never changes" in message
    assert index.held() == sorted(d.filename for d in built.dists)
    assert TOKEN not in capsys.readouterr().out + message


def test_a_wrong_token_fails_clearly_and_uploads_nothing(
    built: Built, index: LocalIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = "pypi-wrong-token-0b7d3e21"
    with pytest.raises(PublishError) as refused:
        publish(built.dists[0].path.parent, _tag(built), _settings(index, wrong))
    message = str(refused.value)
    assert f"twine upload to {index.url}/ failed" in message
    assert "403" in message
    assert index.held() == []
    assert wrong not in message + capsys.readouterr().out


def test_a_tag_that_names_another_version_is_refused_before_any_upload(
    built: Built, index: LocalIndex
) -> None:
    with pytest.raises(
        PublishError, match=r"tag 'client-v0\.0\.1' does not match the built version"
    ):
        publish(built.dists[0].path.parent, "client-v0.0.1", _settings(index))
    with pytest.raises(PublishError, match="does not match"):
        publish(built.dists[0].path.parent, built.info.client_version, _settings(index))
    assert index.held() == []


def test_files_built_from_another_commit_than_the_tags_are_refused(
    built: Built, index: LocalIndex
) -> None:
    with pytest.raises(PublishError, match=r"but the tag points at 0{40}"):
        publish(built.dists[0].path.parent, _tag(built), _settings(index), tag_commit="0" * 40)
    assert index.held() == []


def test_an_empty_or_mixed_folder_is_refused(built: Built, tmp_path: Path) -> None:
    """Refused before the index is asked (the one here does not exist)."""
    nowhere = IndexSettings("http://127.0.0.1:9/simple/", "http://127.0.0.1:9/", USER, TOKEN)
    (tmp_path / "empty").mkdir()
    with pytest.raises(PublishError, match="run `tox -e build` first"):
        publish(tmp_path / "empty", _tag(built), nowhere)
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    client = next(d for d in built.dists if d.name == "spike-api-client" and d.kind == "wheel")
    shutil.copy(client.path, mixed / client.filename.replace(built.info.client_version, "0.0.1"))
    shutil.copy(client.path, mixed / client.filename)
    with pytest.raises(PublishError, match="several versions"):
        publish(mixed, _tag(built), nowhere)


def test_settings_come_from_the_environment_and_hide_the_token() -> None:
    with pytest.raises(PublishError, match="set SPIKE_INDEX_UPLOAD_URL, SPIKE_INDEX_TOKEN"):
        IndexSettings.from_env({"SPIKE_INDEX_URL": "https://index.example/simple/"})
    settings = IndexSettings.from_env(
        {
            "SPIKE_INDEX_URL": "https://index.example/simple/",
            "SPIKE_INDEX_UPLOAD_URL": "https://index.example/",
            "SPIKE_INDEX_TOKEN": TOKEN,
        }
    )
    assert settings.user == "__token__"
    assert TOKEN not in repr(settings)
