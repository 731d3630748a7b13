"""The gate's contract suites on a valid spec they cannot fully test: a failure that names the
part of the spec (operation, status, media type), never a KeyError or a Hypothesis traceback
from test code, and never a silent pass.

One pytest run of `contract_tests/client` in a copy of the kit whose spec adds a `409` response
to both operations and a `*/*` media type to init_url's 200, plus a test module whose
schema Hypothesis cannot draw from (its filter health check fails), as a spec's `format: uri`
with a 16-character `maxLength` would make it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.gate.kit_copy import copy_kit, replace

SPEC = "openapi/spike.yaml"
CONFLICT = (
    "        '400':\n          $ref: '#/components/responses/BadRequest'",
    "        '409':\n          $ref: '#/components/responses/BadRequest'\n"
    "        '400':\n          $ref: '#/components/responses/BadRequest'",
)
ANY_MEDIA = (
    "              $ref: '#/components/schemas/IntegrationInitUrl'\n",
    "              $ref: '#/components/schemas/IntegrationInitUrl'\n"
    "            '*/*':\n              schema:\n                type: string\n",
)
NO_VALUES = '''"""A schema Hypothesis draws no values from within its health checks."""

from hypothesis import given, settings
from hypothesis.provisional import urls

from spike_kit.strategies import from_schema


@settings(max_examples=8, derandomize=True, database=None)
@given(from_schema({"type": "string", "format": "uri", "maxLength": 16}, {"uri": urls()}))
def test_a_uri_no_generator_makes(value: str) -> None:
    """Spec: a query parameter of `format: uri` and `maxLength: 16`; sent as it is."""
'''


def test_what_the_client_suite_cannot_test_fails_in_the_specs_words(tmp_path: Path) -> None:
    root = copy_kit(tmp_path)
    replace(root / SPEC, *CONFLICT)
    replace(root / SPEC, *ANY_MEDIA)
    (root / "contract_tests" / "client" / "test_no_values.py").write_text(NO_VALUES)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "contract_tests/client",
            "-k",
            "409 or media_type or no_generator",
        ],
        cwd=root,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(root / "generated"), str(root / "src")]),
            "SPIKE_TEST_PROFILE": "gate",
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    said = result.stdout + result.stderr
    assert result.returncode == 1, said
    assert "4 failed" in said, said
    for operation in ("POST /auth/hmac", "GET /providers/{provider_slug}/integration/init_url"):
        assert (
            f"spike.yaml: {operation} documents a 409 response, and the client suite knows no "
            "error class to expect for it" in said
        )
    assert (
        "spike.yaml: the 200 response of GET /providers/{provider_slug}/integration/init_url "
        "documents '*/*' beside 'application/json'; the client suite tests 'application/json' "
        "only, so '*/*' is untested" in said
    )
    assert (
        "spike.yaml: test_a_uri_no_generator_makes could not draw test values from the spec "
        "(Spec: a query parameter of `format: uri` and `maxLength: 16`), so it tested nothing: "
        "FailedHealthCheck:" in said
    )
    for test_code in ("Traceback", "KeyError", "hypothesis/core.py", "raise "):
        assert test_code not in said, said


def test_a_spec_without_the_webhook_fails_the_webhook_suite_in_its_words(tmp_path: Path) -> None:
    """A spec whose `webhooks` section is gone: each test of the client's webhook reader
    fails naming what the spec lacks, never a KeyError or a silent pass."""
    root = copy_kit(tmp_path)
    text = (root / SPEC).read_text()
    start, end = text.index("\nwebhooks:\n"), text.index("\ncomponents:\n")
    (root / SPEC).write_text(text[:start] + text[end:])
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "contract_tests/client/test_webhooks.py",
        ],
        cwd=root,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(root / "generated"), str(root / "src")]),
            "SPIKE_TEST_PROFILE": "gate",
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    said = result.stdout + result.stderr
    assert result.returncode == 1, said
    assert "4 failed" in said, said
    assert (
        said.count(
            "spike.yaml: has no webhook `webhooks.spikeEvents.post`, whose deliveries the "
            "client's `read_webhook` reads"
        )
        >= 4
    ), said
    for test_code in ("Traceback", "KeyError", "hypothesis/core.py", "raise "):
        assert test_code not in said, said
