"""The gate on every spec of the corpus (`tests/spec_corpus/cases.py`): findings at the fault's
line, annotations there inside GitHub Actions, never a traceback.

The four edits of the issue that asked for this run through the whole gate (`scripts/gate` in a
copy of the kit, the process boundary included). The rest of the corpus runs through the spec
checks only, in this process (`main(argv)`; the checks are still their own processes): each
case through `spec: loads` and openapi-spec-validator, and the cases where Spectral's side is
what matters (a YAML error, a 5 MB value, a missing response description) through Spectral too.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from spike_kit.gate import cli
from tests.gate.kit_copy import copy_kit, copy_spec_side, failed_rows, run_gate, table_rows
from tests.spec_corpus.cases import BROKEN, BY_NAME, SLACK, UNUSUAL, SpecCase, spec_text

NOT_LOADED = "NOT RUN: the spec does not load"
NEEDS_SPEC = (
    "drift: generated/",
    "compat: vs base",
    "client: contract tests",
    "server: schemathesis in-process",
    "server: token accepted",
    "server: schemathesis over HTTP (mock)",
)
_ANNOTATION = re.compile(r"^::(error|warning|notice) (?P<props>[^:]*)::(?P<message>.*)$")
VALIDATOR_ONLY = "spec: loads,spec: openapi"
"""The cheap run: the load check and openapi-spec-validator, without Spectral's node start."""
SPECTRAL_MATTERS = {
    # A YAML-level fault: Spectral reads on past it; only its parser's first finding is kept.
    "tab-indentation",
    "two-documents",
    "binary-tag",
    "non-utf8-byte",
    "empty-file",
    # Loads, but the validators refuse it at a line; or it is large.
    "missing-response-description",
    "five-megabyte-description",
}
QUICK_LIMIT = "20"
"""Seconds each check may take in the cheap runs (Spectral takes 2-4 s on a busy machine)."""


def _annotations(stdout: str, check: str) -> list[tuple[int | None, str]]:
    """(line, message) of each annotation the gate printed for `check`."""
    found = []
    for raw in stdout.splitlines():
        match = _ANNOTATION.match(raw)
        if match and f"title=gate%3A {check.replace(':', '%3A')}" in match["props"]:
            line = re.search(r"line=(\d+)", match["props"])
            found.append((int(line.group(1)) if line else None, match["message"]))
    return found


def _no_traceback(*outputs: str) -> None:
    for output in outputs:
        assert "Traceback" not in output, output


def _github(tmp_path: Path) -> tuple[dict[str, str], Path]:
    summary = tmp_path / "summary.md"
    return {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}, summary


def _gate_here(
    root: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *args: str,
) -> tuple[int, str]:
    """The gate's `main` in `root`, as inside GitHub Actions; (exit status, stdout)."""
    monkeypatch.chdir(root)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(root / "summary.md"))
    monkeypatch.delenv("SPIKE_GATE_CHECK_TIMEOUT", raising=False)
    status = cli.main(["--reports", str(root / "reports"), *args])
    out, err = capsys.readouterr()
    _no_traceback(out, err)
    return status, out


# The four edits, through the whole gate.


@pytest.mark.parametrize("name", ["type-strin", "yaml-unclosed-bracket", "dangling-ref"])
def test_a_spec_that_does_not_load_fails_the_whole_gate_at_its_line(
    tmp_path: Path, name: str
) -> None:
    """A finding at the edited line, every check that needs the spec's content NOT RUN (no
    mock started), an annotation there and a summary that says why and what to do."""
    case = BY_NAME[name]
    root = copy_kit(tmp_path)
    (root / "openapi" / "spike.yaml").write_bytes(case.data())
    env, summary = _github(tmp_path)
    result = run_gate(root, env=env)
    _no_traceback(result.stdout, result.stderr)
    assert result.returncode == 1
    rows = table_rows(result.stdout)
    assert rows["spec: loads"] == "FAIL"
    assert {check: rows[check] for check in NEEDS_SPEC} == dict.fromkeys(NEEDS_SPEC, NOT_LOADED)
    assert "no mock started" in result.stdout
    expected = case.line()
    assert expected is not None
    said = re.search(r"openapi/spike\.yaml:(\d+):\d+: (.*)", result.stdout)
    assert said is not None
    assert abs(int(said.group(1)) - expected) <= SLACK
    assert case.fault in said.group(2)
    annotated = _annotations(result.stdout, "spec: loads")
    assert annotated
    assert all(line is not None and abs(line - expected) <= SLACK for line, _ in annotated)
    assert any(case.fault in message for _, message in annotated)
    text = summary.read_text()
    assert "| spec: loads | FAIL |" in text
    assert f"| drift: generated/ | {NOT_LOADED} |" in text
    assert "`openapi/spike.yaml` does not load" in text
    assert f"line {said.group(1)}: " in text
    assert "fix these and push again" in text


def test_an_unknown_key_fails_the_validators_at_its_line_and_the_rest_runs(
    tmp_path: Path,
) -> None:
    """The issue's fourth edit loads (an unknown key is no fault of the kit's tools), so the
    gate runs everything; both validators fail at the key."""
    case = BY_NAME["unknown-key-in-operation"]
    root = copy_kit(tmp_path)
    (root / "openapi" / "spike.yaml").write_bytes(case.data())
    env, _ = _github(tmp_path)
    result = run_gate(root, env=env)
    _no_traceback(result.stdout, result.stderr)
    assert result.returncode == 1
    assert failed_rows(result.stdout) == ["spec: openapi-spec-validator", "spec: spectral lint"]
    rows = table_rows(result.stdout)
    assert len(rows) == 9
    assert not any(verdict.startswith("NOT RUN") for verdict in rows.values())
    assert rows["client: contract tests"] == "PASS"
    expected = case.line()
    assert expected is not None
    for check in ("spec: openapi-spec-validator", "spec: spectral lint"):
        lines = [line for line, _ in _annotations(result.stdout, check)]
        assert any(line is not None and abs(line - expected) <= SLACK for line in lines), lines
    assert "'deprecatd' was unexpected" in result.stdout


# The rest of the corpus, through the spec checks.

QUICK = [
    case
    for case in (*BROKEN, *UNUSUAL)
    if case.name not in {"type-strin", "yaml-unclosed-bracket", "dangling-ref"}
    and (not case.loads or case.at is not None or case.name in SPECTRAL_MATTERS)
]
"""Every broken spec, and the valid ones the spec checks have something to say about."""


@pytest.mark.parametrize("case", QUICK, ids=lambda case: case.name)
def test_every_corpus_spec_gets_findings_not_a_traceback(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    case: SpecCase,
) -> None:
    """A spec that does not load fails `spec: loads` with the fault in words at its line and an
    annotation there; one that loads passes it, and the validators name what they refuse at
    its line. Messages quote the fault, never the document."""
    root = copy_spec_side(tmp_path, case.data())
    only = "spec" if case.name in SPECTRAL_MATTERS else VALIDATOR_ONLY
    status, out = _gate_here(
        root, monkeypatch, capsys, "--only", only, "--check-timeout", QUICK_LIMIT
    )
    rows = table_rows(out)
    expected = case.line()
    if case.loads:
        assert rows["spec: loads"] == "PASS"
        if expected is not None:
            assert status == 1
            lines = [line for line, _ in _annotations(out, "spec: openapi-spec-validator")]
            assert any(line is not None and abs(line - expected) <= SLACK for line in lines)
    else:
        assert status == 1
        assert rows["spec: loads"] == "FAIL"
        assert case.fault in out
        annotated = _annotations(out, "spec: loads")
        assert any(case.fault in message for _, message in annotated), annotated
        if expected is not None:
            assert all(line is not None and abs(line - expected) <= SLACK for line, _ in annotated)
    if case.name in SPECTRAL_MATTERS and not case.loads:
        # After a YAML-level fault Spectral keeps at most its parser's first finding, at the
        # fault (it reported hundreds of echoes of an unclosed bracket).
        spectral = _annotations(out, "spec: spectral lint")
        assert len(spectral) <= 1, spectral
        if spectral and expected is not None:
            assert abs((spectral[0][0] or 0) - expected) <= SLACK
    assert len(out) < 20_000, "the log quotes faults, never the document"
    reports = sum(path.stat().st_size for path in (root / "reports").iterdir())
    assert reports < 50_000, "the reports hold findings, never the document"


# Time limits.

NESTED_QUANTIFIER = (
    "            maxLength: 2048\n          example: session-42",
    "            maxLength: 2048\n            pattern: '^(a+)+$'\n          example: "
    + "a" * 40
    + "!",
)
"""A `state` whose example Spectral checks against a pattern with a nested quantifier: its
regular expressions backtrack for minutes (110 s were seen on 28 characters)."""


def test_a_check_that_runs_out_of_time_is_stopped_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A spec that loads and that openapi-spec-validator passes, on which Spectral would spend
    minutes: its check is stopped at the limit, with a verdict that says so."""
    text = spec_text()
    assert NESTED_QUANTIFIER[0] in text
    root = copy_spec_side(tmp_path, text.replace(*NESTED_QUANTIFIER).encode())
    status, out = _gate_here(root, monkeypatch, capsys, "--only", "spec", "--check-timeout", "3")
    assert status == 1
    rows = table_rows(out)
    assert rows["spec: loads"] == "PASS"
    assert rows["spec: spectral lint"] == "FAIL: ran out of time after 3 s"
    assert "gate: FAIL spec: spectral lint (3." in out
    assert "::error title=gate%3A spec%3A spectral lint::spec: spectral lint ran out of time" in out
    summary = (root / "summary.md").read_text()
    assert "| spec: spectral lint | FAIL: ran out of time after 3 s |" in summary
    assert "### Checks that ran out of time" in summary
    left = subprocess.run(
        ["pgrep", "-f", str(root)],  # noqa: S607 - Spectral's command line names the copy
        capture_output=True,
        text=True,
        check=False,
    )
    assert left.stdout.strip() == "", "no process of the check outlives it"


def test_a_bad_time_limit_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_spec_side(tmp_path, spec_text().encode())
    monkeypatch.chdir(root)
    monkeypatch.setenv("SPIKE_GATE_CHECK_TIMEOUT", "soon")
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--only", "spec", "--reports", str(root / "reports")])
    assert exit_.value.code == 2
    assert "SPIKE_GATE_CHECK_TIMEOUT must be a number of seconds" in capsys.readouterr().err


# Input the gate cannot use.


def test_a_missing_spec_is_a_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A pull request that deletes or moves the spec: red, with the reason, not a usage error."""
    root = copy_spec_side(tmp_path, b"")
    (root / "openapi" / "spike.yaml").unlink()
    status, out = _gate_here(root, monkeypatch, capsys, "--only", f"{VALIDATOR_ONLY},drift")
    assert status == 1
    rows = table_rows(out)
    assert rows["spec: loads"] == "FAIL"
    assert rows["drift: generated/"] == NOT_LOADED
    assert "openapi/spike.yaml: cannot read the file: No such file or directory" in out
    summary = (root / "summary.md").read_text()
    assert "- the file as a whole: cannot read the file" in summary


def test_reports_that_cannot_be_written_are_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_spec_side(tmp_path, spec_text().encode())
    (root / "a-file").write_text("")
    monkeypatch.chdir(root)
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--only", "spec", "--reports", str(root / "a-file" / "reports")])
    assert exit_.value.code == 2
    assert "--reports" in capsys.readouterr().err
