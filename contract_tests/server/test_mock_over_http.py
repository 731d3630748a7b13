"""Schemathesis, every check, against a real mock on a free port of 127.0.0.1.

The in-process run proves the application; this one proves what uvicorn puts on the wire
(framing, headers, content types), which is what other teams' services actually meet.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from schemathesis import Case

from contract_tests.bearer import use_bearer_token
from contract_tests.findings import schemathesis_findings
from contract_tests.spec_data import SPEC_PATH, spec
from spike_kit.gate.signing import sign_exchanges
from spike_kit.mock import MockServer, MockSettings
from spike_kit.mock.settings import DEFAULT_APPLICATION_ID, DEFAULT_HMAC_KEY, DEFAULT_STATIC_TOKEN


@pytest.fixture(scope="module")
def mock_server() -> Iterator[MockServer]:
    with MockServer(MockSettings(public_url="http://localhost", spec_path=SPEC_PATH)) as server:
        yield server


schema = schemathesis.openapi.from_dict(spec())
use_bearer_token(schema, DEFAULT_STATIC_TOKEN)
sign_exchanges(schema, DEFAULT_APPLICATION_ID, DEFAULT_HMAC_KEY)


@schema.parametrize()
def test_mock_over_http_conforms_to_the_spec(case: Case[Any], mock_server: MockServer) -> None:
    with schemathesis_findings():
        case.call_and_validate(base_url=mock_server.base_url)
