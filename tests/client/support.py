"""What the client's behaviour tests share: a client with fast retries and the call it makes.

The `call` fixture (sync or async) and the check that the token reaches no output are in
`conftest.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spike_api_client import AuthenticatedClient, RetryPolicy

TOKEN = "tok-7f3a9c51e2b84d06a1-super-secret"
BASE_URL = "https://app-api.spikeapi.com/v3"
ROUTE = f"{BASE_URL}/providers/garmin/integration/init_url"
GOOD_BODY = {
    "provider_slug": "garmin",
    "path": "https://app-api.spikeapi.com/v3/providers/garmin/integration/init/ic/abc",
}
FAST_RETRIES = RetryPolicy(max_retries=2, initial_delay=0.05, max_delay=0.2)

Call = Callable[..., Any]


def make_client(**overrides: Any) -> AuthenticatedClient:
    settings: dict[str, Any] = {"base_url": BASE_URL, "token": TOKEN, "retry": FAST_RETRIES}
    settings.update(overrides)
    return AuthenticatedClient(**settings)
