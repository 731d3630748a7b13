"""The generated client as the last word: faults when the new spec breaks it, none otherwise.

Each test generates a real client from the base spec (the kit's templates and runtime, or the
generator alone) and runs it in its own process, as `compat` does.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from spike_kit.compat.client_check import judge
from spike_kit.compat.normalize import normalize
from spike_kit.layout import RepoLayout
from spike_kit.spec import dereference, load_spec

BASES = Path(__file__).parent / "corpus" / "bases"
INIT = "/paths/~1providers~1{provider_slug}~1integration~1init_url/get"
INIT_200 = f"{INIT}/responses/200/content/application~1json"
PETS = "/paths/~1pets/get"


def _docs(old: dict[str, Any], new: dict[str, Any]) -> tuple[Any, Any]:
    return normalize(dereference(old, old)), normalize(dereference(new, new))


def test_kit_client_refuses_a_response_without_a_required_field(contract: dict[str, Any]) -> None:
    """The kit's runtime checks every response against the base contract: a 200 without
    `provider_slug`, which the new spec allows, is a ContractError."""
    new = copy.deepcopy(contract)
    new["components"]["schemas"]["IntegrationInitUrl"]["required"] = ["path"]
    old_doc, new_doc = _docs(contract, new)
    verdicts = judge(contract, old_doc, new_doc, {INIT_200}, kit=RepoLayout.find(), count=15)
    verdict = verdicts[INIT_200]
    assert verdict.checked > 0
    assert verdict.fault is not None
    assert "ContractError" in verdict.fault
    assert isinstance(verdict.example, dict)
    assert "provider_slug" not in verdict.example


def test_kit_client_reads_what_an_unchanged_spec_allows(contract: dict[str, Any]) -> None:
    old_doc, new_doc = _docs(contract, contract)
    verdicts = judge(contract, old_doc, new_doc, {INIT_200}, kit=RepoLayout.find(), count=15)
    assert verdicts[INIT_200].checked > 0
    assert verdicts[INIT_200].fault is None


@pytest.fixture(scope="module")
def petstore() -> dict[str, Any]:
    return load_spec(BASES / "petstore-30.yaml")


def test_plain_client_breaks_on_an_error_model_without_its_field(
    petstore: dict[str, Any],
) -> None:
    """A client generated without the kit's runtime parses the default response with the
    Error model, which requires `message`."""
    new = copy.deepcopy(petstore)
    del new["components"]["schemas"]["Error"]["properties"]["message"]
    new["components"]["schemas"]["Error"]["required"] = ["code"]
    part = f"{PETS}/responses/default/content/application~1json"
    verdicts = judge(petstore, *_docs(petstore, new), {part}, kit=None, count=10)
    fault = verdicts[part].fault
    assert fault is not None
    assert "KeyError" in fault


def test_requests_the_old_client_builds_are_checked_on_the_wire(
    petstore: dict[str, Any],
) -> None:
    """`limit` turned from an integer into a one-digit string: the old client's `limit=10`
    reaches the new server as text and fails its pattern."""
    new = copy.deepcopy(petstore)
    new["paths"]["/pets"]["get"]["parameters"][0]["schema"] = {
        "type": "string",
        "pattern": "^[0-9]$",
    }
    part = f"{PETS}/parameters"
    verdicts = judge(petstore, *_docs(petstore, new), {part}, kit=None, count=25)
    assert verdicts[part].checked > 0
    fault = verdicts[part].fault
    assert fault is not None
    assert "refuses the parameters" in fault
    widened = copy.deepcopy(petstore)
    widened["paths"]["/pets"]["get"]["parameters"][0]["schema"] = {"type": "string"}
    fine = judge(petstore, *_docs(petstore, widened), {part}, kit=None, count=25)
    assert fine[part].checked > 0
    assert fine[part].fault is None


def test_the_module_runs_outside_a_checkout(tmp_path: Path) -> None:
    """`python -m spike_kit.compat` from a directory that is no kit checkout."""
    old = tmp_path / "old.yaml"
    old.write_text((BASES / "accounts-31.yaml").read_text())
    result = subprocess.run(
        [sys.executable, "-m", "spike_kit.compat", "--base", "old.yaml", "--head", "old.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "compat passed: 0 breaking, 0 compatible, 0 text-only" in result.stdout
