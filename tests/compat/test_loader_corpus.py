"""`spike-compat` on the loader's corpus (`tests/spec_corpus`), in process (`main(argv)`).

A spec that does not load is input compat cannot use: exit 2, on either side, with the side
named and the loader's fault at its line, never a traceback and never exit 1 (which means a
failed version rule). A valid but unusual spec gets a verdict against the kit's own contract,
in both directions.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from spike_kit.compat.cli import main
from spike_kit.layout import RepoLayout
from tests.spec_corpus.cases import BROKEN, BY_NAME, SLACK, UNUSUAL, SpecCase

KIT_SPEC = RepoLayout.find().spec
FAST = ["--client", "never", "--max-examples", "10"]
"""The property check stays on, with few draws: these tests are about reading the specs."""


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every case written to a file named after it."""
    folder = tmp_path_factory.mktemp("spec-corpus")
    for case in (*BROKEN, *UNUSUAL):
        (folder / f"{case.name}.yaml").write_bytes(case.data())
    return folder


def _argv(side: str, case_file: Path) -> list[str]:
    kit = str(KIT_SPEC)
    if side == "base":
        return ["--base", str(case_file), "--head", kit, *FAST]
    return ["--base", kit, "--head", str(case_file), *FAST]


def _reported_lines(said: str, file: Path) -> list[int]:
    return [int(line) for line in re.findall(rf"{re.escape(str(file))}:(\d+):\d+: ", said)]


@pytest.mark.parametrize("side", ["head", "base"])
@pytest.mark.parametrize("case", BROKEN, ids=lambda case: case.name)
def test_a_spec_that_does_not_load_is_named_with_its_side_fault_and_line(
    case: SpecCase, side: str, files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = files / f"{case.name}.yaml"
    assert main(_argv(side, broken)) == 2
    captured = capsys.readouterr()
    said = captured.err
    assert "Traceback" not in said + captured.out
    assert said.startswith(f"compat: the {side} spec does not load: {broken}, ")
    other = "base" if side == "head" else "head"
    assert f"the {other} spec" not in said
    assert case.fault in said
    expected = case.line()
    if expected is not None:
        lines = _reported_lines(said, broken)
        assert any(abs(line - expected) <= SLACK for line in lines), (lines, expected)
    assert len(said) < 3_000, "the message quotes the fault, not the document"


def test_both_sides_that_do_not_load_are_both_named(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, head = files / "duplicate-key.yaml", files / "type-strin.yaml"
    assert main(["--base", str(base), "--head", str(head), *FAST]) == 2
    said = capsys.readouterr().err
    assert f"the base spec does not load: {base}" in said
    assert f"the head spec does not load: {head}" in said
    assert 'key "maxLength" appears twice' in said
    assert 'type "strin"' in said


def test_a_head_that_does_not_load_in_github_and_json_form(
    files: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The gate and a CI job read these: an annotation at the fault's line, and a JSON report
    that fails with the faults (no changes, no changelog)."""
    broken = files / "type-strin.yaml"
    line = BY_NAME["type-strin"].line()
    report = tmp_path / "compat.json"
    argv = ["--base", str(KIT_SPEC), "--head", str(broken), "--format", "github"]
    assert main([*argv, "--json", str(report), *FAST]) == 2
    out = capsys.readouterr().out
    assert f"::error file={broken},line={line},col=13,title=compat%3A the head spec" in out
    written = json.loads(report.read_text())
    assert written["passed"] is False
    assert written["changes"] == []
    (side,) = written["unusable"]
    assert side["side"] == "head"
    assert side["faults"][0]["line"] == line
    assert written["failures"] == [f"the head spec does not load: {broken}, 1 fault"]


EXPECTED = {
    # case: (verdict with the case as head, verdict with the case as base)
    "unknown-key-in-operation": ("documentation", "documentation"),
    "unquoted-status-codes": (None, None),
    "yaml-11-words-as-keys": ("compatible", "breaking"),
    "date-version": ("documentation", "documentation"),
    "five-megabyte-description": ("documentation", "documentation"),
    "five-thousand-value-enum": ("compatible", "compatible"),
    "missing-response-description": ("documentation", "documentation"),
    "any-media-type-response": ("compatible", "compatible"),
    "ref-with-siblings": ("documentation", "documentation"),
}
"""Why each: a misspelt operation field, `info.version`, an `x-` key and descriptions are
text for people; a status written `200:` is the status "200"; a new model (`Switch`) is an
addition, its removal takes a class away from old clients; an unused enum schema may still be
a generated type; `*/*` beside JSON leaves old clients reading JSON (and its removal takes
away a type they never parse). The missing description says the spec is no longer valid."""


def _verdict(report: dict[str, object]) -> str | None:
    severities = {change["severity"] for change in report["changes"]}  # type: ignore[attr-defined]
    return next((s for s in ("breaking", "compatible", "documentation") if s in severities), None)


@pytest.mark.parametrize("side", ["head", "base"])
@pytest.mark.parametrize("case", UNUSUAL, ids=lambda case: case.name)
def test_a_valid_unusual_spec_gets_a_verdict(
    case: SpecCase, side: str, files: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "compat.json"
    code = main([*_argv(side, files / f"{case.name}.yaml"), "--json", str(report)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    written = json.loads(report.read_text())
    verdict = _verdict(written)
    assert verdict == EXPECTED[case.name][0 if side == "head" else 1], captured.out
    assert code == (1 if verdict == "breaking" else 0)
    assert not any(change["undecided"] for change in written["changes"])
    if case.name == "missing-response-description" and side == "head":
        assert "no longer valid" in captured.out


def test_every_unusual_case_has_an_expected_verdict() -> None:
    assert set(EXPECTED) == {case.name for case in UNUSUAL}


MORE_BROKEN = (
    SpecCase(
        "dangling-ref-in-a-default-response",
        (("      x-spike-redirect-back:\n", "      x-spike-redirect-back:\n"),),
        fault='points at nothing: /components/responses has no "Gone"',
        at="$ref: '#/components/responses/Gone'",
    ),
    SpecCase(
        "dangling-ref-in-an-extension",
        (
            (
                "        $ref: '#/components/schemas/IntegrationRedirectBack'",
                "        $ref: '#/components/schemas/RedirectBack'",
            ),
        ),
        fault='points at nothing: /components/schemas has no "RedirectBack"',
        at="$ref: '#/components/schemas/RedirectBack'",
    ),
    SpecCase(
        "security-requirement-not-a-mapping",
        (("security:\n  - bearerAuth: []\n", "security:\n  - bearerAuth\n"),),
        fault="a security requirement must be a mapping; it is a string",
        at="  - bearerAuth\n",
    ),
    SpecCase(
        "operation-tags-not-a-list",
        (("tags: [authentication]", "tags: authentication"),),
        fault="an operation's `tags` must be a list; it is a string",
        at="tags: authentication",
    ),
)
"""Faults the loader let through and every tool then tripped on (found by running compat on
random edits of valid specs): it skipped `default:` under `responses` as if it were a schema's
default value, and `$ref`s inside `x-` keys, which every tool expands."""


def _with_default_response_gone(case: SpecCase) -> bytes:
    text = case.data().decode()
    return text.replace(
        "        5XX:\n          $ref: '#/components/responses/ServerError'\n  /providers",
        "        5XX:\n          $ref: '#/components/responses/ServerError'\n"
        "        default:\n          $ref: '#/components/responses/Gone'\n  /providers",
        1,
    ).encode()


@pytest.mark.parametrize("case", MORE_BROKEN, ids=lambda case: case.name)
def test_faults_the_loader_now_finds_stop_compat_at_their_line(
    case: SpecCase, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = case.data()
    if case.name == "dangling-ref-in-a-default-response":
        data = _with_default_response_gone(case)
    broken = tmp_path / f"{case.name}.yaml"
    broken.write_bytes(data)
    assert main(_argv("head", broken)) == 2
    said = capsys.readouterr().err
    assert case.fault in said
    assert case.at is not None
    index = data.find(case.at.encode())
    expected = data.count(b"\n", 0, index) + 1
    assert any(abs(line - expected) <= SLACK for line in _reported_lines(said, broken))


def test_parameters_written_as_null_are_no_parameters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = KIT_SPEC.read_text().replace(
        "      operationId: exchangeHmacToken\n",
        "      operationId: exchangeHmacToken\n      parameters:\n",
        1,
    )
    spec = tmp_path / "null-parameters.yaml"
    spec.write_text(text)
    assert main(["--base", str(KIT_SPEC), "--head", str(spec), *FAST]) == 0
    assert "no contract change" in capsys.readouterr().out


def test_a_dangling_ref_inside_an_example_is_named_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The loader leaves examples alone (they are data); expanding the spec does not, so
    compat names that `$ref` as the fault of its side, at its line."""
    text = KIT_SPEC.read_text().replace(
        "          example: session-42",
        "          example: {$ref: '#/components/examples/Nope'}",
        1,
    )
    spec = tmp_path / "example-ref.yaml"
    spec.write_text(text)
    line = text.splitlines().index("          example: {$ref: '#/components/examples/Nope'}") + 1
    for side in ("head", "base"):
        assert main(_argv(side, spec)) == 2
        said = capsys.readouterr().err
        assert said.startswith(f"compat: the {side} spec does not load: {spec}, 1 fault:")
        assert f"{spec}:{line}:" in said
        assert "'#/components/examples/Nope' points at nothing" in said


def test_a_spec_nested_past_the_recursion_limit_is_input_compat_cannot_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Schemas 400 levels deep: the loader's checks recurse once per level."""
    nest = "{type: array, items: " * 400 + "{type: string}" + "}" * 400
    text = KIT_SPEC.read_text().replace(
        "  schemas:\n",
        f"  schemas:\n    Deep:\n      type: object\n      properties:\n        d: {nest}\n",
        1,
    )
    spec = tmp_path / "deep.yaml"
    spec.write_text(text)
    assert main(_argv("head", spec)) == 2
    assert "nested too deep" in capsys.readouterr().err
