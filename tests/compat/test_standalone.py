"""`compat --base FILE --head FILE` on its own: any directory, any spec, every output format."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from spike_kit.compat.cli import main
from spike_kit.compat.client_check import PLAIN_CONFIG
from spike_kit.layout import RepoLayout

BASES = Path(__file__).parent / "corpus" / "bases"


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory outside any checkout, holding the 3.0 pet store and a changed copy:
    `tag` narrowed (breaking), a new optional response field (compatible)."""
    work = tmp_path / "other-team"
    work.mkdir()
    shutil.copy(BASES / "petstore-30.yaml", work / "old.yaml")
    text = (work / "old.yaml").read_text()
    text = text.replace("pattern: '^[a-z]+$'", "pattern: '^[a-z]{1,8}$'", 1)
    text = text.replace(
        "            status:\n",
        "            age:\n              type: integer\n            status:\n",
        1,
    )
    (work / "new.yaml").write_text(text)
    monkeypatch.chdir(work)
    with pytest.raises(Exception, match="no Spike contract kit checkout"):
        RepoLayout.find()
    return work


def _line(text: str, content: str) -> int:
    return text.splitlines().index(content) + 1


def test_text_report_and_fail_on_breaking_by_default(
    elsewhere: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--base", "old.yaml", "--head", "new.yaml", "--client", "never"]) == 1
    out = capsys.readouterr().out
    assert "[regex inclusion]" in out
    assert "--fail-on breaking: 2 breaking change(s)" in out  # the rule's and the property check's
    assert "version" not in out  # no version rule unless asked


def test_fail_on_compatible_and_a_pass(elsewhere: Path, capsys: pytest.CaptureFixture[str]) -> None:
    same = ["--base", "old.yaml", "--head", "old.yaml"]
    assert main(same) == 0
    text = (elsewhere / "old.yaml").read_text().replace("            pattern: '^[a-z]+$'\n", "", 1)
    (elsewhere / "wider.yaml").write_text(text)
    assert main(["--base", "old.yaml", "--head", "wider.yaml"]) == 0
    assert main(["--base", "old.yaml", "--head", "wider.yaml", "--fail-on", "compatible"]) == 1
    assert "--fail-on compatible" in capsys.readouterr().out


def test_github_annotations_at_the_spec_line(
    elsewhere: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["--base", "old.yaml", "--head", "new.yaml", "--format", "github", "--client", "never"])
    out = capsys.readouterr().out
    text = (elsewhere / "new.yaml").read_text()
    pattern_line = _line(text, "            pattern: '^[a-z]{1,8}$'")
    assert (
        f"::error file=new.yaml,line={pattern_line},col=13,title=compat%3A breaking (regex "
        "inclusion)::`GET /pets`: query parameter `tag` must now match `^[a-z]{1,8}$`" in out
    )
    age_line = _line(text, "            age:")
    assert re.search(rf"::notice file=new\.yaml,line={age_line},col=13,.*field `age` added", out)


def test_json_and_markdown(elsewhere: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--base", "old.yaml", "--head", "new.yaml", "--client", "never"]
    main([*args, "--format", "json", "--json", "out/report.json"])
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads((elsewhere / "out" / "report.json").read_text())
    (tag,) = [c for c in printed["changes"] if c["pointer"].endswith("/pattern")]
    assert tag["decided_by"] == "regex inclusion"
    assert tag["example"] == "aaaaaaaaa"
    assert tag["line"] == _line(
        (elsewhere / "new.yaml").read_text(), "            pattern: '^[a-z]{1,8}$'"
    )
    main([*args, "--format", "markdown"])
    markdown = capsys.readouterr().out
    assert (
        "| breaking | `GET /pets`: query parameter `tag` must now match `^[a-z]{1,8}$` |"
        in markdown
    )


def test_changelog_in_words(elsewhere: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["--base", "old.yaml", "--head", "new.yaml", "--client", "never", "--changelog"])
    summary = capsys.readouterr().out.split("Changelog summary (paste under ## [Unreleased]):\n\n")[
        1
    ]
    assert summary.startswith("### Added\n- `GET /pets`: response 200 field `age` added.")
    changed = "### Changed\n- `GET /pets`: query parameter `tag` must now match `^[a-z]{1,8}$`"
    assert f"{changed} (breaking)." in summary
    assert "~1" not in summary


def test_version_rule_on_request(elsewhere: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (elsewhere / "config.yml").write_text("package_version_override: 1.5.0\n")
    args = ["--base", "old.yaml", "--head", "new.yaml", "--client", "never"]
    assert main([*args, "--version-rule", "config.yml", "--base-version", "1.4.2"]) == 1
    assert "needs client version 2.0.0" in capsys.readouterr().out
    (elsewhere / "config.yml").write_text("package_version_override: 2.0.0\n")
    assert main([*args, "--version-rule", "config.yml", "--base-version", "1.4.2"]) == 0


def test_clear_errors_outside_a_checkout(
    elsewhere: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([]) == 2
    assert "give --base OLD_FILE --head NEW_FILE" in capsys.readouterr().err
    assert main(["--base", "main", "--head", "new.yaml"]) == 2
    assert "not a file" in capsys.readouterr().err
    assert main(["--base", "missing.yaml", "--head", "new.yaml"]) == 2
    (elsewhere / "broken.yaml").write_text("openapi: [\n")
    assert main(["--base", "old.yaml", "--head", "broken.yaml"]) == 2
    assert "not valid YAML" in capsys.readouterr().err


def test_plain_config_is_the_kits_without_our_package() -> None:
    """Clients of other specs get the kit's generator settings, not our package's names."""
    kit = yaml.safe_load(RepoLayout.find().generator_config.read_text())
    ours = {"project_name_override", "package_name_override", "package_version_override"}
    assert {k: v for k, v in kit.items() if k not in ours | {"post_hooks"}} == PLAIN_CONFIG
