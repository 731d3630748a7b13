"""`spike-compat` on every spec of the corpus, as either side: a spec that does not load is
named (which side, which file, which line) with exit 2, a valid unusual one is read and judged,
never a traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from spike_kit.compat.cli import main
from tests.spec_corpus.cases import BROKEN, BY_NAME, SLACK, UNUSUAL, SpecCase, spec_text

SIDES = {"head": "the new spec (head) does not load", "base": "the old spec (base) does not load"}


def _files(tmp_path: Path, case: SpecCase) -> tuple[Path, Path]:
    kit, other = tmp_path / "kit.yaml", tmp_path / f"{case.name}.yaml"
    kit.write_text(spec_text())
    other.write_bytes(case.data())
    return kit, other


@pytest.mark.parametrize("side", sorted(SIDES))
@pytest.mark.parametrize("case", BROKEN, ids=lambda case: case.name)
def test_a_side_that_does_not_load_is_named_with_its_fault(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: SpecCase, side: str
) -> None:
    kit, broken = _files(tmp_path, case)
    base, head = (kit, broken) if side == "head" else (broken, kit)
    assert main(["--base", str(base), "--head", str(head)]) == 2
    said = capsys.readouterr().err
    assert SIDES[side] in said
    assert case.fault in said
    expected = case.line()
    if expected is not None:
        lines = [int(n) for n in re.findall(rf"{re.escape(str(broken))}:(\d+):\d+", said)]
        assert any(abs(line - expected) <= SLACK for line in lines), (lines, expected)


def test_a_side_that_does_not_load_is_annotated_at_its_line_for_github(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = BY_NAME["yaml-unclosed-bracket"]
    kit, broken = _files(tmp_path, case)
    assert main(["--base", str(kit), "--head", str(broken), "--format", "github"]) == 2
    out = capsys.readouterr().out
    found = re.search(
        r"^::error file=([^,]+),line=(\d+),col=\d+,title=compat%3A the new spec", out, re.M
    )
    assert found is not None, out
    assert found.group(1) == str(broken)
    assert abs(int(found.group(2)) - (case.line() or 0)) <= SLACK


@pytest.mark.parametrize("case", UNUSUAL, ids=lambda case: case.name)
def test_an_unusual_valid_spec_is_read_and_judged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: SpecCase
) -> None:
    kit, unusual = _files(tmp_path, case)
    for base, head in ((kit, unusual), (unusual, kit)):
        code = main(["--base", str(base), "--head", str(head)])
        said = capsys.readouterr()
        assert code in (0, 1), said
        assert "Traceback" not in said.out + said.err
        assert re.search(r"compat (passed|FAILED): \d+ breaking", said.out), said.out


def test_status_codes_written_as_numbers_are_the_same_contract(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`200:` and `'200':` are one status: compat used to crash on the integer key."""
    kit, unquoted = _files(tmp_path, BY_NAME["unquoted-status-codes"])
    assert main(["--base", str(kit), "--head", str(unquoted)]) == 0
    assert "compat passed: 0 breaking, 0 compatible, 0 text-only" in capsys.readouterr().out


def test_a_removed_response_description_is_named_not_passed_as_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kit, changed = _files(tmp_path, BY_NAME["missing-response-description"])
    assert main(["--base", str(kit), "--head", str(changed)]) == 0
    said = capsys.readouterr().out
    assert "response description removed" in said
    assert "the spec validators refuse this spec" in said


def test_an_unknown_operation_field_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kit, changed = _files(tmp_path, BY_NAME["unknown-key-in-operation"])
    assert main(["--base", str(kit), "--head", str(changed)]) == 0
    said = capsys.readouterr().out
    assert "operation field `deprecatd` changed, which OpenAPI does not define" in said
