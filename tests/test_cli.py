"""`spike-kit`: every subcommand answers `--help`, and a wrong command is a usage error."""

from __future__ import annotations

import importlib
import subprocess
import sysconfig
from pathlib import Path

import pytest

from spike_kit import cli

SCRIPT = Path(sysconfig.get_path("scripts")) / "spike-kit"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    """The console script as installed (tox installs the kit's wheel), so the entry point in
    pyproject.toml is what is tested."""
    assert SCRIPT.exists(), f"{SCRIPT} is not installed: install the kit (`tox -e py` does)"
    return subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_the_overview_lists_every_command() -> None:
    result = _run("--help")
    assert result.returncode == 0, result.stderr
    for command in cli.COMMANDS:
        assert f"  {command.name} " in result.stdout


@pytest.mark.parametrize("name", [command.name for command in cli.COMMANDS])
def test_each_command_answers_help(name: str) -> None:
    result = _run(*name.split(), "--help")
    assert result.returncode == 0, result.stderr
    # bench gate is the checkout's standalone script, with its own name
    usage = "usage: bench_gate" if name == "bench gate" else f"usage: spike-kit {name}"
    assert result.stdout.startswith(usage), result.stdout


@pytest.mark.parametrize(
    ("args", "said"),
    [
        ((), "usage: spike-kit <command>"),
        (("gat",), "unknown command 'gat'; choose from: audit, bench, build, compat"),
        (("bench",), "`bench` needs one of: client, store, mock, gate"),
        (("bench", "prism"), "unknown command 'bench prism'"),
    ],
)
def test_a_wrong_command_is_a_usage_error(args: tuple[str, ...], said: str) -> None:
    result = _run(*args)
    assert result.returncode == 2
    assert said in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_extra_is_named_and_help_still_answers(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = importlib.import_module

    def without_schemathesis(name: str, package: str | None = None) -> object:
        if name == "spike_kit.compat.cli":
            raise ModuleNotFoundError("No module named 'schemathesis'", name="schemathesis")
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", without_schemathesis)
    assert cli.main(["compat", "--help"]) == 0
    helped = capsys.readouterr().out
    assert helped.startswith("usage: spike-kit compat")
    assert "pip install 'spike-contract-kit[compat]'" in helped
    assert cli.main(["compat", "--base", "HEAD"]) == 2
    refused = capsys.readouterr().err
    assert "`spike-kit compat` needs schemathesis, which is not installed" in refused


def test_a_command_runs_the_tools_own_main(capsys: pytest.CaptureFixture[str]) -> None:
    """Arguments reach the tool: its own parser refuses an option it does not have."""
    with pytest.raises(SystemExit) as exit_:
        cli.main(["drift", "--no-such-option"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: spike-kit drift")
    assert "unrecognized arguments: --no-such-option" in err
