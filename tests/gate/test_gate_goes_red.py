"""The gate goes red, with a message that says where and what, when each part is broken.

Every test breaks one thing in a temporary copy of the repository (`tests/gate/kit_copy.py`)
and runs the real `scripts/gate` there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gate.kit_copy import copy_kit, failed_rows, replace, run_gate


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    return copy_kit(tmp_path)


def test_the_untouched_copy_passes(copy: Path) -> None:
    """The control: the same run on an unbroken copy is green, so red below means broken."""
    result = run_gate(copy, "--only", "spec,client,server")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all checks passed" in result.stdout


def test_a_broken_spec_fails_the_spec_check(copy: Path) -> None:
    """Spec rule: every Response Object has a `description` (OpenAPI 3.1)."""
    spec = copy / "openapi" / "spike.yaml"
    removed = "          description: The access token for this application user.\n"
    # the response's line: the status key just above the removed description
    line = spec.read_text().split(removed, 1)[0].count("\n")
    replace(spec, removed, "")
    result = run_gate(copy, "--only", "spec")
    assert result.returncode == 1
    assert failed_rows(result.stdout) == ["spec: openapi-spec-validator", "spec: spectral lint"]
    validator = result.stdout.split("openapi-spec-validator failed ---", 1)[1]
    assert f'openapi/spike.yaml:{line}:9: "description" is a required property' in validator
    assert "(at /paths/~1auth~1hmac/post/responses/200)" in validator
    spectral = result.stdout.split("spectral lint failed ---", 1)[1]
    assert "oas3-schema" in spectral
    assert "paths./auth/hmac.post.responses[200]" in spectral


def test_a_client_that_sends_the_wrong_path_fails_the_client_suite(copy: Path) -> None:
    """Spec rule: GET /providers/{provider_slug}/integration/init_url."""
    replace(
        copy
        / "generated"
        / "spike_api_client"
        / "api"
        / "provider_integration"
        / "get_integration_init_url.py",
        '"/providers/{provider_slug}/integration/init_url"',
        '"/providers/{provider_slug}/integration/init-url"',
    )
    result = run_gate(copy, "--only", "client")
    assert result.returncode == 1
    assert failed_rows(result.stdout) == ["client: contract tests"]
    assert "/integration/init-url" in result.stdout


def test_a_mock_that_drops_a_required_field_fails_both_server_runs(copy: Path) -> None:
    """Spec rule: IntegrationInitUrl requires `path`."""
    replace(
        copy / "src" / "spike_kit" / "mock" / "app.py",
        ',"path":{_json_string(path)}}}',
        "}}",
    )
    result = run_gate(copy, "--only", "server")
    assert result.returncode == 1
    assert failed_rows(result.stdout) == [
        "server: schemathesis in-process",
        "server: schemathesis over HTTP (mock)",
    ]
    for run in ("in-process failed", "over HTTP (mock) failed"):
        said = result.stdout.split(run, 1)[1]
        assert '"path" is a required property' in said
        assert "Schema at /components/schemas/IntegrationInitUrl" in said


def test_a_hand_edit_of_the_client_fails_drift(copy: Path) -> None:
    replace(
        copy / "generated" / "spike_api_client" / "models" / "problem.py",
        "class Problem:",
        "class Problem:  # edited by hand",
    )
    result = run_gate(copy, "--only", "drift")
    assert result.returncode == 1
    assert failed_rows(result.stdout) == ["drift: generated/"]
    assert "spike_api_client/models/problem.py" in result.stdout


def test_live_mode_needs_a_token_from_the_environment(copy: Path) -> None:
    result = run_gate(copy, "--base-url", "https://staging.invalid/v3")
    assert result.returncode == 2
    assert "SPIKE_GATE_TOKEN" in result.stderr


def test_live_mode_gates_the_given_server_with_the_token_from_the_environment(
    copy: Path, tmp_path: Path
) -> None:
    """The live path, against a server that is not the gate's own mock: a second mock
    process that accepts only its own token."""
    from spike_kit.mock.process import MockProcess

    token = "staging-token-6f1d2e3c4b5a"
    with MockProcess("--no-faults", "--public-url", "http://localhost", "--token", token) as server:
        good = run_gate(copy, "--only", "server", "--base-url", server.base_url, token=token)
        wrong = run_gate(
            copy, "--only", "server", "--base-url", server.base_url, token="not-it-1234"
        )
    assert good.returncode == 0, good.stdout
    assert "server: schemathesis over HTTP (live)" in good.stdout
    assert "in-process" not in good.stdout
    assert token not in good.stdout + good.stderr
    assert wrong.returncode == 1
    assert failed_rows(wrong.stdout) == ["server: token accepted"]
    assert "refused the token: 401" in wrong.stdout
    assert "not-it-1234" not in wrong.stdout + wrong.stderr
