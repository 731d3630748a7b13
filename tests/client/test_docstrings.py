"""The generated functions' docstrings name the exceptions that calls really raise.

0.2.0's promised `errors.UnexpectedStatus` and `httpx.TimeoutException`, which were never
raised. Here each documented status of each operation is answered for real, and the class
raised must be in the `Raises:` section of all four functions of its module.
"""

from __future__ import annotations

import importlib
import inspect
import re
from types import ModuleType
from typing import Any

import httpx
import pytest
import spike_api_client
from spike_api_client import SpikeError
from spike_api_client._contract import CONTRACT
from spike_api_client.models import HmacTokenRequest

from tests.client.support import make_client

MODULES = {
    "getIntegrationInitUrl": "spike_api_client.api.provider_integration.get_integration_init_url",
    "exchangeHmacToken": "spike_api_client.api.authentication.exchange_hmac_token",
}
FUNCTIONS = ("sync", "sync_detailed", "asyncio", "asyncio_detailed")


def _raises(module: ModuleType, function: str) -> set[str]:
    doc = inspect.getdoc(getattr(module, function)) or ""
    section = doc.split("Raises:", 1)[1].split("Returns:", 1)[0]
    return set(re.findall(r"^\s*errors\.(\w+):", section, re.MULTILINE))


def _call(operation_id: str, status: int) -> SpikeError:
    response = httpx.Response(
        status,
        json={"title": "x", "detail": "y"},
        headers={"content-type": "application/problem+json", "retry-after": "0"},
    )
    client = make_client(
        max_retries=0, httpx_args={"transport": httpx.MockTransport(lambda r: response)}
    )
    module = importlib.import_module(MODULES[operation_id])
    body = HmacTokenRequest(application_id=1, application_user_id="u", signature="0" * 64)
    arguments: dict[str, Any] = (
        {"body": body} if operation_id == "exchangeHmacToken" else {"provider_slug": "garmin"}
    )
    with pytest.raises(SpikeError) as caught:
        module.sync(client=client, **arguments)
    return caught.value


CASES = [
    (operation_id, status)
    for operation_id, operation in sorted(CONTRACT.by_id.items())
    for status in sorted(operation.responses)
    if not status.startswith("2")
]


@pytest.mark.parametrize(("operation_id", "status"), CASES)
def test_the_class_raised_for_each_documented_status_is_named(
    operation_id: str, status: str
) -> None:
    raised = _call(operation_id, 503 if status == "5XX" else int(status))
    module = importlib.import_module(MODULES[operation_id])
    for function in FUNCTIONS:
        assert type(raised).__name__ in _raises(module, function), (function, status)


@pytest.mark.parametrize("operation_id", sorted(MODULES))
def test_every_named_class_exists_and_the_wire_errors_are_named(operation_id: str) -> None:
    module = importlib.import_module(MODULES[operation_id])
    for function in FUNCTIONS:
        named = _raises(module, function)
        assert {
            "APITimeoutError",
            "APIConnectionError",
            "ContractError",
            "InvalidInputError",
        } <= named
        for name in named:
            cls = getattr(spike_api_client.errors, name)
            assert issubclass(cls, SpikeError)


def test_every_operation_has_a_module_here() -> None:
    assert set(CONTRACT.by_id) == set(MODULES)
