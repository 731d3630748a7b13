"""Schemathesis hooks that let generated token exchanges through.

A generated `POST /auth/hmac` body has a random signature, so every one of them is refused with
401 and the exchange's success path is never tested. Given the application id and HMAC key,
these hooks re-sign every schema-valid body with them; a body that breaks the schema is left
as it is, so negative cases stay negative.

The schemathesis CLI loads this module through `SCHEMATHESIS_HOOKS` and reads the key from
`SPIKE_GATE_APPLICATION_ID` and `SPIKE_GATE_HMAC_KEY`; the gate sets them to the mock's public
test values, and a live run may set them to a staging application's. Without them, nothing is
registered.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable
from functools import cache
from typing import Any

import jsonschema
import schemathesis

from spike_kit.mock.settings import bundled_spec_path
from spike_kit.spec import dereference, load_spec, openapi_format_checker

APPLICATION_ENV = "SPIKE_GATE_APPLICATION_ID"
KEY_ENV = "SPIKE_GATE_HMAC_KEY"


@cache
def _request_validator() -> jsonschema.Draft202012Validator:
    spec = load_spec(bundled_spec_path())
    schema = dereference(spec, spec["components"]["schemas"]["HmacTokenRequest"])
    return jsonschema.Draft202012Validator(schema, format_checker=openapi_format_checker())


def signed(body: Any, application_id: int, key: str) -> Any:
    """`body` for `application_id`, correctly signed, when it is a valid exchange request."""
    if not isinstance(body, dict) or not _request_validator().is_valid(body):
        return body
    user_id = str(body["application_user_id"]).encode()
    signature = hmac.new(key.encode(), user_id, hashlib.sha256).hexdigest()
    return {**body, "application_id": application_id, "signature": signature}


def _is_exchange(context: Any) -> bool:
    operation = getattr(context, "operation", None)
    return operation is not None and operation.path == "/auth/hmac"


def _signer(application_id: int, key: str) -> Callable[[Any, Any], Any]:
    """A `map_body` hook that signs exchange bodies and passes every other body through."""

    def sign(context: Any, body: Any) -> Any:
        return signed(body, application_id, key) if _is_exchange(context) else body

    return sign


def sign_exchanges(schema: Any, application_id: int, key: str) -> None:
    """Register the signing hook on one schema (for the pytest suites)."""
    schema.hook("map_body")(_signer(application_id, key))


def _from_environment() -> None:
    application, key = os.environ.get(APPLICATION_ENV), os.environ.get(KEY_ENV)
    if application and key:
        schemathesis.hook("map_body")(_signer(int(application), key))


_from_environment()
