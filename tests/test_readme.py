"""The top-level README says what the kit does: its examples run or say they are fragments,
and the commands, options and values it quotes are ones the kit takes."""

from __future__ import annotations

import ast
import configparser
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from spike_kit.mock.cli import build_parser as mock_parser
from spike_kit.mock.faults import parse_fault
from tests.client.readme_blocks import (
    CONSUMER_SUITE,
    DOCUMENTED_MOCK,
    FRAGMENT,
    WEBHOOK_RECEIVER,
    fenced_blocks,
)
from tests.support import REPO

ROOT = REPO.root
README = (ROOT / "README.md").read_text(encoding="utf-8")
OUTPUT_LANGUAGES = {"text", "json", "markdown"}
"""Blocks that show what a tool printed or wrote, not code to run."""


def _plugin_examples() -> list[str]:
    """Python blocks that are test modules for the kit's pytest plugin (run here)."""
    return [
        body
        for language, body, _ in fenced_blocks(README)
        if language == "python" and "def test_" in body and not body.startswith(CONSUMER_SUITE)
    ]


@pytest.mark.parametrize("readme", ["README.md", "generated/README.md"])
def test_every_python_block_runs_or_says_it_is_a_fragment(readme: str) -> None:
    """Run by a test: the client README's blocks aimed at the documented mock
    (tests/client/test_readme_examples.py), the service's test module
    (tests/release/test_built_wheel.py), the webhook handler (tests/webhooks/) and the plugin
    examples (below)."""
    text = (ROOT / readme).read_text(encoding="utf-8")
    plugin = _plugin_examples()
    unmarked = [
        body.splitlines()[0]
        for language, body, paragraph in fenced_blocks(text)
        if language == "python"
        and DOCUMENTED_MOCK not in body
        and not body.startswith((CONSUMER_SUITE, WEBHOOK_RECEIVER))
        and body not in plugin
        and FRAGMENT not in paragraph
    ]
    assert unmarked == [], "blocks neither run by a test nor introduced as a fragment"


@pytest.mark.parametrize("readme", ["README.md", "generated/README.md"])
def test_every_python_block_compiles(readme: str) -> None:
    """Fragments too: a reader copies them into a function or module as they stand."""
    text = (ROOT / readme).read_text(encoding="utf-8")
    for language, body, _ in fenced_blocks(text):
        if language == "python":
            compile(body, f"{readme}: {body.splitlines()[0]}", "exec")


def test_every_block_is_code_output_or_config() -> None:
    languages = {language for language, _, _ in fenced_blocks(README)}
    assert languages <= {"bash", "python", "toml", *OUTPUT_LANGUAGES}, languages


def test_the_plugin_examples_run(tmp_path: Path) -> None:
    """As a service would: a test module in its own folder, the plugin found through the
    kit's `pytest11` entry point, warnings as errors (an unclosed client fails it)."""
    examples = _plugin_examples()
    assert examples, "the README lost its pytest plugin example"
    for number, body in enumerate(examples):
        (tmp_path / f"test_readme_example_{number}.py").write_text(body, encoding="utf-8")
    result = subprocess.run(
        # the examples use anyio's plugin; pytest-asyncio (installed here for the kit's own
        # event-loop tests) would ask a project of its own for its loop-scope setting
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:asyncio",
            "-W",
            "error",
            ".",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout


def _commands() -> list[list[str]]:
    """Each command line of the README's bash blocks, comments dropped, continuations
    joined, a leading `NAME=value` dropped."""
    found: list[list[str]] = []
    for language, body, _ in fenced_blocks(README):
        if language != "bash":
            continue
        for line in body.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):
                words = words[1:]
            if words:
                found.append(words)
    return found


def _tox_envs() -> set[str]:
    config = configparser.ConfigParser(interpolation=None)
    config.read(ROOT / "tox.ini", encoding="utf-8")
    named = {section.split(":", 1)[1] for section in config if section.startswith("testenv:")}
    return named | {env.strip() for env in config["tox"]["env_list"].split(",")}


def test_every_tox_env_the_readme_runs_exists() -> None:
    envs = _tox_envs()
    quoted = {words[words.index("-e") + 1] for words in _commands() if "-e" in words}
    quoted |= set(re.findall(r"tox -e ([\w-]+)", README))
    assert quoted, "the README runs no tox env"
    assert quoted <= envs, quoted - envs


def test_every_spike_mock_command_in_the_readme_parses() -> None:
    lines = [words[1:] for words in _commands() if words[0] == "spike-mock"]
    assert lines
    for args in lines:
        mock_parser().parse_args(args)  # exits with 2 on an option it does not take


def test_every_gate_and_compat_command_in_the_readme_parses() -> None:
    """The options the README passes to the gate and compat are ones they take."""
    from spike_kit.compat.cli import _parser as compat_parser
    from spike_kit.gate.cli import _parser as gate_parser

    parsers = {"gate": gate_parser("gate"), "compat": compat_parser("compat")}
    checked = 0
    for words in _commands():
        if "-e" in words and "--" in words and words[words.index("-e") + 1] in parsers:
            parsers[words[words.index("-e") + 1]].parse_args(words[words.index("--") + 1 :])
            checked += 1
        elif words[:3] == ["python", "-m", "spike_kit.compat"]:
            parsers["compat"].parse_args(words[3:])
            checked += 1
    assert checked >= 6


def test_the_readme_names_every_spike_mock_option() -> None:
    options = {
        option
        for action in mock_parser()._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    }
    missing = sorted(option for option in options if f"`{option}" not in README)
    assert missing == []


def test_every_fault_the_readme_shows_is_one_the_mock_plays() -> None:
    """The examples under "Faults on request" are header values the mock accepts."""
    section = README.split("- Faults on request", 1)[1].split("\n\n", 1)[0]
    examples = re.findall(r"`(?:X-Spike-Mock-Fault: )?((?:\d{3}|delay=)[^`]*)`", section)
    assert len(examples) >= 4, section
    for example in examples:
        parse_fault(example)  # raises FaultError on a value the mock refuses


def _prism_exclusions() -> list[str]:
    """The checks the Prism suite excludes, read from its source (importing it would start
    building schemathesis schemas)."""
    source = (ROOT / "contract_tests" / "prism" / "test_against_prism.py").read_text()
    names: list[str] = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.AnnAssign | ast.Assign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(getattr(t, "id", "") in ("PRISM_ONLY", "PER_OPERATION") for t in targets):
                value = node.value
                if isinstance(value, ast.Dict):
                    lists = [v for v in value.values if v is not None]
                else:
                    lists = [value]
                names += [n.id for item in lists for n in ast.walk(item) if isinstance(n, ast.Name)]
    return names


def test_the_prism_exclusions_are_counted_right() -> None:
    """The README's count of Prism's excluded checks matches the suite's."""
    excluded = _prism_exclusions()
    words = {4: "Four", 5: "Five", 6: "Six", 7: "Seven"}
    assert f"{words[len(excluded)]} of Prism's own ways" in README
    for name in excluded:
        assert f"`{name}`" in README


def test_no_tox_description_reads_as_a_factor_condition() -> None:
    """tox reads `word: text` (a word of factor characters, a colon, a space) as "only for the
    env with factor `word`": `tox l` then shows a phantom env and the inherited description."""
    config = configparser.ConfigParser(interpolation=None)
    config.read(ROOT / "tox.ini", encoding="utf-8")
    conditional = [
        section
        for section in config
        if ": " in (description := config[section].get("description", ""))
        and re.fullmatch(r"[\w.*?\[\]!,{}-]+", description.split(": ", 1)[0].strip())
    ]
    assert conditional == []


def test_the_readme_links_the_architecture() -> None:
    assert "](ARCHITECTURE.md)" in README
    assert (ROOT / "ARCHITECTURE.md").is_file()
    # a page a newcomer reads in five minutes: the data flow and where each fact lives
    assert len((ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8").splitlines()) < 120
