"""A consumer's tests of its service against the kit's mock, written from the README.

`tests/client/test_consumer_types.py` type-checks this file too: the fixtures' handle
(`spike_kit.mock.MockHandle`) and the clients it makes are typed, and the kit ships
`py.typed`, so a team's typed test suite needs no ignore. (Not named `test_*`: pytest does not
collect it; it is only type-checked.)
"""

from __future__ import annotations

from typing import assert_type

from spike_api_client import AuthenticatedClient
from spike_api_client.api.provider_integration import get_integration_init_url
from spike_api_client.models import IntegrationInitUrl

from spike_kit.mock import MockHandle, MockSettings


def check_connect(spike_mock_server: MockHandle) -> None:
    client = spike_mock_server.client()
    assert_type(client, AuthenticatedClient)
    found = get_integration_init_url.sync("garmin", client=client)
    assert_type(found, IntegrationInitUrl)
    assert_type(spike_mock_server.base_url, str)
    settings: MockSettings = spike_mock_server.settings
    assert_type(settings.static_tokens, frozenset[str])
