"""Schemathesis, every check, against the mock in-process (ASGI): the mock honours the spec."""

from __future__ import annotations

from typing import Any

import schemathesis
from schemathesis import Case

from contract_tests.bearer import use_bearer_token
from contract_tests.findings import schemathesis_findings
from contract_tests.spec_data import SPEC_PATH, spec
from spike_kit.gate.signing import sign_exchanges
from spike_kit.mock import MockSettings, create_app
from spike_kit.mock.settings import DEFAULT_APPLICATION_ID, DEFAULT_HMAC_KEY, DEFAULT_STATIC_TOKEN

schema = schemathesis.openapi.from_dict(spec())
use_bearer_token(schema, DEFAULT_STATIC_TOKEN)
sign_exchanges(schema, DEFAULT_APPLICATION_ID, DEFAULT_HMAC_KEY)
schema.app = create_app(MockSettings(public_url="http://localhost", spec_path=SPEC_PATH))


@schema.parametrize()
def test_mock_conforms_to_the_spec(case: Case[Any]) -> None:
    """Every operation, positive and negative data: status codes, content types, headers,
    response schemas, negative data rejected, auth enforced (schemathesis' full check set)."""
    with schemathesis_findings():
        case.call_and_validate()
