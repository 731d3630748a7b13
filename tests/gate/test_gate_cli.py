"""Which checks need a server decides whether the gate starts the mock."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from spike_kit.gate import cli
from spike_kit.gate.checks import Check, Verdict
from spike_kit.mock import process


class _MockStarted(Exception):
    pass


class _RefusingMock:
    def __init__(self, *args: str) -> None:
        raise _MockStarted


def _passing(checks: Sequence[Check], *args: Any, **kwargs: Any) -> list[Verdict]:
    return [Verdict(check, True, None, 0.0, "") for check in checks]


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> None:
    """The gate with its checks answered at once and a mock that cannot start."""
    monkeypatch.setattr(cli, "run_checks", _passing)
    monkeypatch.setattr(process, "MockProcess", _RefusingMock)


@pytest.mark.usefixtures("gate")
def test_spec_and_compat_start_no_mock(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--only", "spec,compat", "--reports", str(tmp_path)]) == 0
    said = capsys.readouterr().out
    assert "gate: 4 checks" in said  # the two spec checks, compat, and `spec: loads`
    assert "no server checks (no mock started)" in said


@pytest.mark.usefixtures("gate")
@pytest.mark.parametrize("only", ["server", "spec,server: token", "server: schemathesis over"])
def test_a_check_that_talks_to_a_server_starts_the_mock(tmp_path: Path, only: str) -> None:
    with pytest.raises(_MockStarted):
        cli.main(["--only", only, "--reports", str(tmp_path)])


@pytest.mark.usefixtures("gate")
def test_the_in_process_run_needs_no_server(tmp_path: Path) -> None:
    assert cli.main(["--only", "server: schemathesis in-process", "--reports", str(tmp_path)]) == 0


@pytest.mark.usefixtures("gate")
def test_an_only_that_matches_nothing_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--only", "nothing", "--reports", str(tmp_path)])
    assert exit_.value.code == 2
    assert "--only 'nothing' matches no check" in capsys.readouterr().err
