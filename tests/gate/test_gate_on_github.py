"""Inside GitHub Actions the gate puts each finding on the line of the spec it concerns, and
writes its table and the compatibility changelog to the job summary.

Each test breaks a temporary copy of the kit (`kit_copy`), runs the real gate there with
`GITHUB_ACTIONS=true`, and finds the expected line in the broken text itself.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.gate.kit_copy import copy_kit, failed_rows, replace, run_gate

SPEC = "openapi/spike.yaml"
INIT_URL = "  /providers/{provider_slug}/integration/init_url:\n"


def _line(text: str, needle: str, after: str = "") -> tuple[int, int]:
    """1-based line and column of `needle`'s first non-blank character, after `after`."""
    start = text.index(after) if after else 0
    index = text.index(needle, start)
    index += len(needle) - len(needle.lstrip())
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def _annotations(output: str) -> list[tuple[str, str, int | None, int | None, str]]:
    """(level, file, line, col, message) of every workflow-command annotation printed."""
    found = []
    for match in re.finditer(r"^::(error|warning|notice) ([^:]*)::(.*)$", output, re.MULTILINE):
        props = dict(part.split("=", 1) for part in match.group(2).split(",") if "=" in part)
        line, col = props.get("line"), props.get("col")
        found.append(
            (
                match.group(1),
                props.get("file", ""),
                int(line) if line else None,
                int(col) if col else None,
                match.group(3),
            )
        )
    return found


def _github(tmp_path: Path) -> tuple[dict[str, str], Path]:
    summary = tmp_path / "step-summary.md"
    return {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}, summary


def test_a_spec_validator_error_is_annotated_at_its_line(tmp_path: Path) -> None:
    """Spec rule: every Response Object has a `description` (OpenAPI 3.1)."""
    root = copy_kit(tmp_path)
    replace(root / SPEC, "          description: The access token for this application user.\n", "")
    env, summary = _github(tmp_path)
    result = run_gate(root, "--only", "spec: openapi", env=env)
    assert result.returncode == 1
    text = (root / SPEC).read_text()
    expected = _line(text, "        '200':", after="  /auth/hmac:")
    found = [a for a in _annotations(result.stdout) if "description" in a[4]]
    assert found == [
        (
            "error",
            SPEC,
            *expected,
            '"description" is a required property',
        )
    ], result.stdout
    said = summary.read_text()
    assert "### Contract gate: failed: spec: openapi-spec-validator" in said
    assert "| spec: openapi-spec-validator | FAIL | - |" in said


def _git(root: Path, *args: str) -> None:
    command = ["git", "-c", "user.name=gate-test", "-c", "user.email=gate@test.invalid", *args]
    subprocess.run(command, cwd=root, check=True, capture_output=True, timeout=60)


def _on_a_branch(root: Path) -> None:
    """Make the copy a git checkout whose main is the unbroken kit, now on a branch from it:
    the compatibility check's base is then main, as on a pull request."""
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "base")
    _git(root, "checkout", "-q", "-b", "change")


def test_spectral_and_compat_findings_are_annotated_and_summarised(tmp_path: Path) -> None:
    """Spectral: an operation's tag must be declared (`operation-tag-defined`). Compat: a
    lower `maxLength` on a request parameter breaks clients that send longer values."""
    root = copy_kit(tmp_path)
    _on_a_branch(root)
    replace(root / SPEC, "      tags: [provider_integration]\n", "      tags: [integrations]\n")
    replace(
        root / SPEC,
        "            maxLength: 2048\n          example: session-42\n",
        "            maxLength: 1024\n          example: session-42\n",
    )
    _git(root, "commit", "-qam", "narrow state, rename the tag")
    env, summary = _github(tmp_path)
    result = run_gate(root, "--only", "spec,compat", env=env)
    assert result.returncode == 1, result.stdout
    assert failed_rows(result.stdout) == ["spec: spectral lint", "compat: vs base"]
    text = (root / SPEC).read_text()
    tag_line = _line(text, "tags: [integrations]", after=INIT_URL)[0]
    state_line, state_col = _line(text, "maxLength: 1024", after=INIT_URL)
    found = _annotations(result.stdout)

    spectral = [a for a in found if "operation-tag-defined" in a[4]]
    assert [(a[0], a[1], a[2]) for a in spectral] == [("warning", SPEC, tag_line)], found
    compat = [a for a in found if "title=gate%3A compat" in result.stdout and "1,024" in a[4]]
    assert [(a[0], a[1], a[2], a[3]) for a in compat] == [("error", SPEC, state_line, state_col)]
    assert "query parameter `state` now refuses values over 1,024 characters" in compat[0][4]

    said = summary.read_text()
    assert "| spec: spectral lint | FAIL | - |" in said
    assert "| compat: vs base | FAIL | - |" in said
    assert "### Contract changes for `CHANGELOG.md`" in said
    assert (
        "- `GET /providers/{provider_slug}/integration/init_url`: query parameter `state` "
        "now refuses values over 1,024 characters (breaking)." in said
    )


def test_a_schemathesis_failure_is_annotated_at_its_operation(tmp_path: Path) -> None:
    """Spec rule (of the broken copy): IntegrationInitUrl requires `expires_at`, which the mock
    never sends; the finding goes on the operation that answered without it."""
    root = copy_kit(tmp_path)
    replace(
        root / SPEC,
        "      required: [provider_slug, path]\n",
        "      required: [provider_slug, path, expires_at]\n",
    )
    env, summary = _github(tmp_path)
    result = run_gate(root, "--only", "server: schemathesis over", env=env)
    assert result.returncode == 1, result.stdout
    expected = _line((root / SPEC).read_text(), "    get:", after=INIT_URL)
    found = [a for a in _annotations(result.stdout) if a[2] is not None]
    assert found, result.stdout
    assert {(a[0], a[1], a[2], a[3]) for a in found} == {("error", SPEC, *expected)}
    assert any('"expires_at" is a required property' in a[4] for a in found)
    assert "| server: schemathesis over HTTP (mock) | FAIL | 2 |" in summary.read_text()


def test_outside_github_the_gate_writes_no_annotations(tmp_path: Path) -> None:
    root = copy_kit(tmp_path)
    replace(root / SPEC, "          description: The access token for this application user.\n", "")
    summary = tmp_path / "step-summary.md"
    result = run_gate(root, "--only", "spec: openapi", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 1
    assert "::error" not in result.stdout
    assert not summary.exists()
