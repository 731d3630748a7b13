"""`POST /auth/hmac` on the mock: signatures checked, tokens issued, bad bodies refused."""

from __future__ import annotations

import hashlib
import hmac
import json

import httpx
import pytest

from spike_kit.mock.settings import DEFAULT_APPLICATION_ID, DEFAULT_HMAC_KEY
from tests.mock.support import INIT, assert_problem


def _signature(user_id: str, key: str = DEFAULT_HMAC_KEY) -> str:
    return hmac.new(key.encode(), user_id.encode(), hashlib.sha256).hexdigest()


def _body(user_id: str = "user-1", **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "application_id": DEFAULT_APPLICATION_ID,
        "application_user_id": user_id,
        "signature": _signature(user_id),
    }
    body.update(overrides)
    return body


def test_signed_request_gets_a_token_that_init_url_accepts(http: httpx.Client) -> None:
    response = http.post("/v3/auth/hmac", json=_body())
    assert response.status_code == 200
    token = response.json()["access_token"]
    init = http.get(INIT.format(slug="oura"), headers={"Authorization": f"Bearer {token}"})
    assert init.status_code == 200


def test_wrong_signature_gets_401(http: httpx.Client) -> None:
    response = http.post("/v3/auth/hmac", json=_body(signature=_signature("someone-else")))
    assert_problem(response, 401, "body.signature")


def test_unknown_application_gets_401(http: httpx.Client) -> None:
    response = http.post("/v3/auth/hmac", json=_body(application_id=4242))
    assert assert_problem(response, 401)["detail"] == "application not found"


@pytest.mark.parametrize(
    ("body", "location"),
    [
        (_body("bad id!"), "body.application_user_id"),
        (_body("x" * 129), "body.application_user_id"),
        (_body(application_id="9999"), "body.application_id"),
        (_body(signature="ABC"), "body.signature"),
        (_body(extra=1), "body"),
        (_body(uts=2**63), "body.uts"),  # format int64, found by the gate's signed exchanges
        (_body(application_id=2**63), "body.application_id"),
        ({"application_id": 9999}, "body"),
    ],
)
def test_schema_violations_get_422_with_location(
    http: httpx.Client, body: dict[str, object], location: str
) -> None:
    assert_problem(http.post("/v3/auth/hmac", json=body), 422, location)


@pytest.mark.parametrize("raw", [b"{", b"", b"\xff\xfe", b"null]"])
def test_malformed_json_gets_400_validation_failed(http: httpx.Client, raw: bytes) -> None:
    response = http.post("/v3/auth/hmac", content=raw, headers={"content-type": "application/json"})
    assert assert_problem(response, 400, "body")["detail"] == "validation failed"


def test_body_over_10_mb_gets_413(http: httpx.Client) -> None:
    huge = json.dumps({"pad": "x" * (10 * 1024 * 1024)}).encode()
    response = http.post(
        "/v3/auth/hmac", content=huge, headers={"content-type": "application/json"}
    )
    assert_problem(response, 413)
