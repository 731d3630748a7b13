"""What the mock's tests share: an in-process client, a signed exchange body, and the check
that an answer is the spec's problem document.

The spec is the one the mock serves (`bundled_spec_path`), read through `spike_kit.spec`; the
`settings` and `http` fixtures are in `conftest.py`.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
from collections.abc import Iterator
from typing import Any

import httpx
from jsonschema import Draft202012Validator

from spike_kit.mock import MockSettings, create_app
from spike_kit.mock.settings import (
    DEFAULT_APPLICATION_ID,
    DEFAULT_HMAC_KEY,
    DEFAULT_STATIC_TOKEN,
    bundled_spec_path,
)
from spike_kit.mock.transports import SyncASGITransport
from spike_kit.spec import JSON, dereference, load_spec

SPEC = load_spec(bundled_spec_path())
AUTH = {"Authorization": f"Bearer {DEFAULT_STATIC_TOKEN}"}
INIT = "/v3/providers/{slug}/integration/init_url"
INIT_URL = "/providers/{provider_slug}/integration/init_url"
PROBLEM_SCHEMA = Draft202012Validator(dereference(SPEC, SPEC["components"]["schemas"]["Problem"]))


def operation(path: str, method: str) -> dict[str, JSON]:
    """One operation of the spec, its `$ref`s resolved."""
    resolved: dict[str, JSON] = dereference(SPEC, SPEC["paths"][path][method])
    return resolved


def signed_body(user_id: str) -> dict[str, Any]:
    """A token-exchange body for the mock's default application, correctly signed."""
    signature = hmac.new(DEFAULT_HMAC_KEY.encode(), user_id.encode(), hashlib.sha256).hexdigest()
    return {
        "application_id": DEFAULT_APPLICATION_ID,
        "application_user_id": user_id,
        "signature": signature,
    }


def assert_problem(response: httpx.Response, status: int, location: str | None = None) -> Any:
    """The response is the spec's problem document with this status (and error location)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    PROBLEM_SCHEMA.validate(body)
    assert body["status"] == status
    if location is not None:
        assert location in [entry["location"] for entry in body.get("errors", [])]
    return body


@contextlib.contextmanager
def in_process(settings: MockSettings) -> Iterator[httpx.Client]:
    """A plain httpx client on a fresh mock, in-process; closed (with its helper thread) after."""
    transport = SyncASGITransport(create_app(settings))
    with httpx.Client(transport=transport, base_url="http://localhost") as client:
        yield client
