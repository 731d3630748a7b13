"""Signing generated token exchanges, so that schemathesis tests the exchange's success path.

A generated `POST /auth/hmac` body has a random signature, so every one of them is refused with
401 and the exchange's success path is never tested. Given the application id and HMAC key,
the signer re-signs every schema-valid body with them; a body that breaks the schema is left
as it is, so negative cases stay negative.

The pytest suites register the signer on their own schema (`sign_exchanges`); schemathesis'
CLI loads `spike_kit.gate.hooks`, which registers it globally from the environment. This
module registers nothing by being imported.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from functools import cache
from typing import Any

import jsonschema

from spike_kit.mock.settings import bundled_spec_path
from spike_kit.spec import dereference, load_spec, openapi_format_checker


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


def signer(application_id: int, key: str) -> Callable[[Any, Any], Any]:
    """A `map_body` hook that signs exchange bodies and passes every other body through."""

    def sign(context: Any, body: Any) -> Any:
        return signed(body, application_id, key) if _is_exchange(context) else body

    return sign


def sign_exchanges(schema: Any, application_id: int, key: str) -> None:
    """Register the signing hook on one schema (for the pytest suites)."""
    schema.hook("map_body")(signer(application_id, key))
