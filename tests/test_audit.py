"""`tox -e audit` fails on a known-vulnerable pin and passes without it.

The audit resolves a temporary copy of the kit's and the client's `pyproject.toml` for real
(uv, against the package index) and runs the real pip-audit over the result. The advisory
service is the other side of that contract: this machine reaches PyPI's package index but not
its per-release JSON API, so the test serves one real advisory (PYSEC-2024-60, idna before 3.7,
CVE-2024-3651) over OSV's query protocol on 127.0.0.1, with OSV's own range rule. idna is in
the tree through httpx, and the pin it adds fits every other requirement (an old urllib3 no
longer does: twine needs a newer one).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from packaging.version import Version

from spike_kit.audit import pinned_packages, requirements
from tests.support import REPO

ADVISORY: dict[str, Any] = {
    "id": "PYSEC-2024-60",
    "aliases": ["CVE-2024-3651", "GHSA-jjg7-2v4v-x38h"],
    "summary": "idna before 3.7: a crafted argument to idna.encode() takes quadratic time",
    "affected": [
        {
            "package": {"name": "idna", "ecosystem": "PyPI"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.7"}]}],
        }
    ],
}


def _affects(advisory: Mapping[str, Any], name: str, version: str) -> bool:
    """OSV's rule for one ECOSYSTEM range: introduced <= version < fixed."""
    for affected in advisory["affected"]:
        if affected["package"]["name"] != name:
            continue
        for span in affected["ranges"]:
            events = {key: value for event in span["events"] for key, value in event.items()}
            low = Version(events["introduced"])
            if low <= Version(version) < Version(events["fixed"]):
                return True
    return False


class _OsvQuery(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        name, version = query["package"]["name"], query["version"]
        body = {"vulns": [ADVISORY]} if _affects(ADVISORY, name, version) else {}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def osv_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _OsvQuery)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1/query"
    finally:
        server.shutdown()
        server.server_close()


def _copy(tmp_path: Path, extra_pin: str | None = None) -> Path:
    root = tmp_path / "kit"
    (root / "generated").mkdir(parents=True)
    shutil.copy(REPO.generated_dir / "pyproject.toml", root / "generated" / "pyproject.toml")
    text = (REPO.root / "pyproject.toml").read_text(encoding="utf-8")
    if extra_pin is not None:
        anchor = "test = [\n"
        assert anchor in text
        text = text.replace(anchor, f'{anchor}    "{extra_pin}",\n', 1)
    (root / "pyproject.toml").write_text(text, encoding="utf-8")
    return root


def _audit(root: Path, osv_url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "spike_kit.audit",
            "--root",
            str(root),
            "--osv-url",
            osv_url,
            "--",
            "--cache-dir",
            str(tmp_path / "cache"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_a_known_vulnerable_pin_fails_the_audit(tmp_path: Path, osv_url: str) -> None:
    result = _audit(_copy(tmp_path, "idna==3.6"), osv_url, tmp_path)
    said = result.stdout + result.stderr
    assert result.returncode == 1, said
    assert "idna==3.6" in result.stdout  # resolved as pinned, and audited
    assert "PYSEC-2024-60" in said
    assert "3.7" in said  # the fix version pip-audit reads from the advisory


def test_the_same_audit_passes_without_the_pin(tmp_path: Path, osv_url: str) -> None:
    """The control: the kit as it is resolves to an idna the advisory does not affect."""
    result = _audit(_copy(tmp_path), osv_url, tmp_path)
    said = result.stdout + result.stderr
    assert result.returncode == 0, said
    assert "No known vulnerabilities found" in said


def test_requirements_cover_every_extra_and_the_client() -> None:
    lines = requirements(REPO.root)
    assert "pip-audit==2.10.1" in lines  # an extra
    assert "jsonschema-rs>=0.60,<1" in lines  # the client's
    assert not any(line.startswith(("spike-contract-kit", "spike-api-client")) for line in lines)


def test_pinned_packages_reads_uv_output() -> None:
    text = "attrs==25.4.0\nuvloop==0.23.0 ; sys_platform != 'win32'\n# comment\n"
    assert pinned_packages(text) == [("attrs", "25.4.0"), ("uvloop", "0.23.0")]
