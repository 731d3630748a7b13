"""The signing hook lets valid exchanges through and leaves invalid ones invalid."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from spike_kit.gate.signing import signed

KEY = "gate-test-hmac-key-0123456789"


def test_a_valid_body_is_signed_for_the_given_application() -> None:
    body = {"application_id": 5, "application_user_id": "user-1", "signature": "0" * 64}
    result = signed(body, 9999, KEY)
    expected = hmac.new(KEY.encode(), b"user-1", hashlib.sha256).hexdigest()
    assert result == {
        "application_id": 9999,
        "application_user_id": "user-1",
        "signature": expected,
    }


@pytest.mark.parametrize(
    "body",
    [
        {"application_id": 5, "application_user_id": "bad id!", "signature": "0" * 64},
        {"application_id": 5, "application_user_id": "u", "signature": "0" * 64, "uts": 2**63},
        {"application_id": 2**63, "application_user_id": "u", "signature": "0" * 64},
        {"application_id": 5, "application_user_id": "u"},
        ["not", "an", "object"],
    ],
)
def test_an_invalid_body_is_left_as_it_is(body: object) -> None:
    """A negative case must stay negative, or schemathesis would expect a refusal of a valid
    request."""
    assert signed(body, 9999, KEY) == body
