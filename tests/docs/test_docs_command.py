"""`spike-kit docs`: one page with both operations and the redirect back, that loads nothing
from elsewhere; and when it cannot make one, a sentence, an exit status and no file.

The page is built once with the real renderer (Redocly's CLI from npm); tests/browser opens
it in Chromium. The failure cases need no renderer run, or a stand-in that fails.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest
from attrs import frozen

from spike_kit.docs import cli
from spike_kit.docs.redocly import Redocly, RendererError, RenderError, find_redocly, offline
from spike_kit.spec import iter_operations, load_file
from tests import tools
from tests.spec_corpus.cases import BROKEN, SpecCase
from tests.support import REPO

SPEC = load_file(REPO.spec).document


@frozen
class Built:
    out: Path
    said: str


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """What `spike-kit docs` writes for the checkout's spec, and what it says; run from another
    folder with a relative `--out`, as tox runs it."""
    folder = tmp_path_factory.mktemp("docs")
    said = io.StringIO()
    with contextlib.chdir(folder), contextlib.redirect_stdout(said):
        assert cli.main(["--out", "site/index.html", "--redocly", tools.redocly()]) == 0
    return Built(folder / "site" / "index.html", said.getvalue())


@pytest.fixture(scope="module")
def page(built: Built) -> str:
    return built.out.read_text(encoding="utf-8")


def _heading(page: str, text: str) -> int:
    """Where the page's drawn HTML (not only its script's data) has an `h2` saying `text`."""
    found = re.search(rf"<h2[^>]*>(?:<a [^>]*></a>)?{re.escape(text)}(?:<!-- -->)? ?</h2>", page)
    assert found, f"no heading {text!r}"
    return found.end()


def test_the_page_shows_both_operations(page: str) -> None:
    summaries = [operation["summary"] for _, _, operation in iter_operations(SPEC)]
    assert len(summaries) == 2
    for summary in summaries:
        _heading(page, summary)


def test_the_page_shows_the_redirect_back_and_its_fields(page: str) -> None:
    """x-spike-redirect-back (IntegrationRedirectBack): a section with every parameter."""
    section = page[_heading(page, "After consent: the redirect back") :]
    section = section[: section.index("<h2")]
    for field in SPEC["components"]["schemas"]["IntegrationRedirectBack"]["properties"]:
        assert f'<span class="property-name">{field}</span>' in section, field


def test_the_page_fetches_nothing_when_viewed(page: str) -> None:
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*(src|href)=\"(https?:)?//", page)
    assert "fonts.googleapis.com" not in page
    assert "Content-Security-Policy" in page
    assert "default-src 'none'" in page


def test_the_command_says_what_it_wrote(built: Built) -> None:
    assert "wrote site/index.html" in built.said
    assert "2 operations; 1 webhook; After consent: the redirect back; Providers" in built.said
    assert [path.name for path in built.out.parent.iterdir()] == ["index.html"]  # no leftovers


@pytest.mark.parametrize("case", BROKEN, ids=lambda case: case.name)
def test_a_spec_that_does_not_load_gets_its_faults_and_no_page(
    case: SpecCase, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "spike.yaml"
    spec.write_bytes(case.data())
    out = tmp_path / "index.html"
    assert cli.main(["--spec", str(spec), "--out", str(out), "--redocly", "/nowhere"]) == 2
    said = capsys.readouterr().err
    assert "the spec must load first" in said
    assert f"{spec} does not load" in said
    assert "Traceback" not in said
    assert not out.exists()


def test_no_renderer_is_a_sentence_not_a_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "index.html"
    assert cli.main(["--out", str(out), "--redocly", str(tmp_path / "redocly")]) == 2
    assert "python3 scripts/tox -e docs" in capsys.readouterr().err
    assert not out.exists()


def _fake_install(root: Path, cli_version: str, script: str = "exit 0") -> Path:
    """An npm-shaped folder with a `redocly` that runs `script`, and a Redoc bundle."""
    cli_dir = root / "node_modules" / "@redocly" / "cli"
    (cli_dir / "bin").mkdir(parents=True)
    (cli_dir / "package.json").write_text(json.dumps({"version": cli_version}))
    binary = cli_dir / "bin" / "cli.js"
    binary.write_text(f"#!/bin/sh\n{script}\n")
    binary.chmod(0o755)
    redoc = root / "node_modules" / "redoc"
    (redoc / "bundles").mkdir(parents=True)
    (redoc / "package.json").write_text(json.dumps({"version": "2.5.3"}))
    (redoc / "bundles" / "redoc.standalone.js").write_text("var Redoc = {};")
    (root / "node_modules" / ".bin").mkdir()
    link = root / "node_modules" / ".bin" / "redocly"
    link.symlink_to(binary)
    return link


def test_redocly_2_is_refused_with_the_reason(tmp_path: Path) -> None:
    with pytest.raises(RendererError, match=r"is @redocly/cli 2\.77\.0; the kit's page is built"):
        find_redocly(str(_fake_install(tmp_path, "2.77.0")))


def test_a_failing_renderer_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    binary = _fake_install(tmp_path, "1.34.20", "echo 'Something went wrong' >&2; exit 3")
    out = tmp_path / "index.html"
    out.write_text("the page from before")
    assert cli.main(["--out", str(out), "--redocly", str(binary)]) == 1
    said = capsys.readouterr().err
    assert "redocly build-docs exited 3: Something went wrong" in said
    assert out.read_text() == "the page from before"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["index.html", "node_modules"]


def test_a_page_the_kit_cannot_make_offline_is_refused(tmp_path: Path) -> None:
    redocly = find_redocly(str(_fake_install(tmp_path, "1.34.20")))
    script = (
        '<script src="https://cdn.redocly.com/redoc/v2.5.3/bundles/redoc.standalone.js"></script>'
    )
    assert "<script>var Redoc = {};</script>" in offline(f"<head>{script}</head>", redocly)
    with pytest.raises(RenderError, match="found 0: the renderer changed"):
        offline("<head></head>", redocly)
    with pytest.raises(RenderError, match=r"asks for Redoc 2\.6\.0 but the install has 2\.5\.3"):
        offline(script.replace("2.5.3", "2.6.0"), redocly)
    with pytest.raises(RenderError, match="would still fetch from elsewhere"):
        offline(f'{script}<link href="https://fonts.example/x.css" rel="stylesheet">', redocly)
    assert isinstance(redocly, Redocly)
