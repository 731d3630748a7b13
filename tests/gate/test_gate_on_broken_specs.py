"""The gate on every spec of the corpus (`tests/spec_corpus/cases.py`): findings at the fault's
line, annotations there inside GitHub Actions, never a traceback.

The four edits of the issue that asked for this run through the whole gate; the rest of the
corpus runs through the spec checks (`--only spec`), which are what meets a broken spec first.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.gate.kit_copy import copy_kit, failed_rows, run_gate
from tests.spec_corpus.cases import BY_NAME, CASES, SLACK, SpecCase

NEEDS_SPEC = (
    "drift: generated/",
    "compat: vs base",
    "client: contract tests",
    "server: schemathesis in-process",
    "server: token accepted",
    "server: schemathesis over HTTP (mock)",
)
_ANNOTATION = re.compile(r"^::(error|warning|notice) (?P<props>[^:]*)::(?P<message>.*)$")
QUICK_LIMIT = "10"
"""Seconds each spec check may take in these runs: Spectral spends minutes expanding the
alias bomb, and the gate's own default (120 s) is for pull requests, not for a test suite."""


def _broken_copy(tmp_path: Path, case: SpecCase) -> Path:
    root = copy_kit(tmp_path)
    (root / "openapi" / "spike.yaml").write_bytes(case.data())
    return root


def _github(tmp_path: Path) -> tuple[dict[str, str], Path]:
    summary = tmp_path / "summary.md"
    return {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}, summary


def _annotated_lines(stdout: str, check: str) -> list[int]:
    lines = []
    for raw in stdout.splitlines():
        match = _ANNOTATION.match(raw)
        if match and f"title=gate%3A {check.replace(':', '%3A')}" in match["props"]:
            line = re.search(r"line=(\d+)", match["props"])
            if line:
                lines.append(int(line.group(1)))
    return lines


def _rows(stdout: str) -> dict[str, str]:
    rows = {}
    for line in stdout.splitlines():
        parts = re.split(r"\s{2,}", line.strip())
        if len(parts) >= 2 and parts[1] in ("PASS", "FAIL", "NOT RUN", "SKIP"):
            rows[parts[0]] = parts[1]
    return rows


def _no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr


@pytest.mark.parametrize("name", ["type-strin", "yaml-unclosed-bracket", "dangling-ref"])
def test_a_spec_that_does_not_load_fails_the_whole_gate_at_its_line(
    tmp_path: Path, name: str
) -> None:
    """The issue's edits: a finding at the edited line, every check that needs the spec's
    content NOT RUN (no mock started), an annotation there and a summary that says why."""
    case = BY_NAME[name]
    root = _broken_copy(tmp_path, case)
    env, summary = _github(tmp_path)
    result = run_gate(root, env=env)
    _no_traceback(result)
    assert result.returncode == 1
    rows = _rows(result.stdout)
    assert rows["spec: loads"] == "FAIL"
    assert {check: rows[check] for check in NEEDS_SPEC} == dict.fromkeys(NEEDS_SPEC, "NOT RUN")
    assert "no mock started" in result.stdout
    expected = case.line()
    assert expected is not None
    said = re.search(r"openapi/spike\.yaml:(\d+):\d+: (.*)", result.stdout)
    assert said is not None
    assert abs(int(said.group(1)) - expected) <= SLACK
    assert case.fault in said.group(2)
    annotated = _annotated_lines(result.stdout, "spec: loads")
    assert annotated
    assert all(abs(line - expected) <= SLACK for line in annotated)
    text = summary.read_text()
    assert "| spec: loads | FAIL |" in text
    assert "| drift: generated/ | NOT RUN |" in text
    assert "`openapi/spike.yaml` does not load" in text
    assert f"line {said.group(1)}: " in text


def test_an_unknown_key_fails_the_validators_at_its_line_and_the_rest_runs(
    tmp_path: Path,
) -> None:
    """The issue's fourth edit loads (an unknown key is no fault of the kit's tools), so the
    gate runs everything; both validators fail at the key."""
    case = BY_NAME["unknown-key-in-operation"]
    root = _broken_copy(tmp_path, case)
    env, _ = _github(tmp_path)
    result = run_gate(root, env=env)
    _no_traceback(result)
    assert result.returncode == 1
    assert failed_rows(result.stdout) == ["spec: openapi-spec-validator", "spec: spectral lint"]
    rows = _rows(result.stdout)
    assert "NOT RUN" not in rows.values()
    assert rows["client: contract tests"] == "PASS"
    expected = case.line()
    assert expected is not None
    for check in ("spec: openapi-spec-validator", "spec: spectral lint"):
        lines = _annotated_lines(result.stdout, check)
        assert lines, check
        assert any(abs(line - expected) <= SLACK for line in lines), (check, lines)
    assert "'deprecatd' was unexpected" in result.stdout


WHOLE_GATE = {"type-strin", "yaml-unclosed-bracket", "dangling-ref", "unknown-key-in-operation"}
QUICK = [case for case in CASES if case.name not in WHOLE_GATE]


@pytest.mark.parametrize("case", QUICK, ids=lambda case: case.name)
def test_every_corpus_spec_gets_findings_not_a_traceback(tmp_path: Path, case: SpecCase) -> None:
    """The spec checks on the rest of the corpus: a spec that does not load fails `spec:
    loads` with the fault in words at its line (and an annotation there); one that loads
    passes it, whatever the validators make of it."""
    root = _broken_copy(tmp_path, case)
    env, _ = _github(tmp_path)
    result = run_gate(root, "--only", "spec", "--check-timeout", QUICK_LIMIT, env=env)
    _no_traceback(result)
    rows = _rows(result.stdout)
    if case.loads:
        assert rows["spec: loads"] == "PASS"
        if case.at is not None:  # the validators name this one, at its line
            assert result.returncode == 1
            lines = _annotated_lines(result.stdout, "spec: openapi-spec-validator")
            assert any(abs(line - (case.line() or 0)) <= SLACK for line in lines), lines
        return
    assert result.returncode == 1
    assert rows["spec: loads"] == "FAIL"
    assert case.fault in result.stdout
    expected = case.line()
    if expected is not None:
        annotated = _annotated_lines(result.stdout, "spec: loads")
        assert annotated
        assert all(abs(line - expected) <= SLACK for line in annotated), (annotated, expected)
    assert len(result.stdout) < 20_000, "the log quotes faults, never the document"


def test_a_check_that_runs_out_of_time_is_stopped_and_fails(tmp_path: Path) -> None:
    """Every check has a time limit; its processes (Spectral's node) are stopped with it."""
    root = copy_kit(tmp_path)
    result = run_gate(root, "--only", "spec: spectral", "--check-timeout", "0.05")
    _no_traceback(result)
    assert result.returncode == 1
    assert "spec: spectral lint: ran out of time after 0.05 s and was stopped" in result.stdout
    assert failed_rows(result.stdout) == ["spec: spectral lint"]
    left = subprocess.run(
        ["pgrep", "-f", str(root / "openapi")],  # noqa: S607 - the pgrep on PATH
        capture_output=True,
        text=True,
        check=False,
    )
    assert left.stdout.strip() == "", "no process of the check outlives it"


def test_a_bad_time_limit_is_a_usage_error(tmp_path: Path) -> None:
    root = copy_kit(tmp_path)
    result = run_gate(root, "--only", "spec", env={"SPIKE_GATE_CHECK_TIMEOUT": "soon"})
    assert result.returncode == 2
    assert "SPIKE_GATE_CHECK_TIMEOUT must be a number of seconds" in result.stderr
    assert os.environ.get("SPIKE_GATE_CHECK_TIMEOUT") is None
