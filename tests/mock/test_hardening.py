"""What a security review of the mock found, each pinned by a test that failed before the fix:
hostile input that gave 500, predictable secrets, forged tokens, faults for anonymous callers,
the `Host` header in returned URLs, and a verdict that differed from the client's."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spike_api_client import Client, InvalidInputError, exchange_token

from spike_kit.mock import MockSettings, create_app
from spike_kit.mock.faults import FaultLedger, parse_fault
from spike_kit.mock.settings import DEFAULT_APPLICATION_ID, DEFAULT_HMAC_KEY
from spike_kit.mock.tokens import Identity
from spike_kit.mock.transports import SyncASGITransport
from tests.mock.support import AUTH, INIT, assert_problem, in_process, signed_body

HMAC_PATH = "/v3/auth/hmac"


# Hostile input: a 4xx problem document, never a 5xx ---------------------------------------
@pytest.mark.parametrize(
    "authorization",
    [b"Bearer \xff", b"Bearer a.b.\xff", b"Bearer e30.e30.\xc3\xa9", b"\xff\xfe x"],
)
def test_non_ascii_authorization_gets_401(http: httpx.Client, authorization: bytes) -> None:
    response = http.get(INIT.format(slug="garmin"), headers={b"Authorization": authorization})
    assert_problem(response, 401)


@pytest.mark.parametrize("depth", [1_000, 10_000, 100_000])
@pytest.mark.parametrize("shape", ["array", "in a field"])
def test_deeply_nested_json_gets_400(http: httpx.Client, depth: int, shape: str) -> None:
    nested = "[" * depth + "]" * depth
    raw = nested if shape == "array" else f'{{"application_id": {nested}}}'
    response = http.post(
        HMAC_PATH, content=raw.encode(), headers={"content-type": "application/json"}
    )
    assert_problem(response, 400, "body")


@pytest.mark.parametrize(
    "redirect",
    [
        "https://evil.com\uff0f@example.com/",  # a fullwidth slash: NFKC reads it as `/`
        "https://[example.com]/",
        "https://[::1/",
    ],
)
def test_unreadable_redirect_uri_gets_422(http: httpx.Client, redirect: str) -> None:
    response = http.get(INIT.format(slug="garmin"), headers=AUTH, params={"redirect_uri": redirect})
    assert_problem(response, 422, "query.redirect_uri")


# Faults only for authenticated callers, in bounded memory ----------------------------------
def test_fault_is_not_played_for_an_anonymous_caller(http: httpx.Client) -> None:
    response = http.get(INIT.format(slug="garmin"), headers={"X-Spike-Mock-Fault": "503"})
    assert_problem(response, 401)


def test_delay_is_not_played_for_a_forged_token(http: httpx.Client) -> None:
    started = time.monotonic()
    response = http.get(
        INIT.format(slug="garmin"),
        headers={"Authorization": "Bearer a.b.c", "X-Spike-Mock-Fault": "200; delay=2000"},
    )
    assert_problem(response, 401)
    assert time.monotonic() - started < 1.5


def test_fault_on_the_exchange_needs_a_valid_signature(http: httpx.Client) -> None:
    fault = {"X-Spike-Mock-Fault": "503"}
    forged = {**signed_body("user-1"), "signature": "0" * 64}
    assert_problem(http.post(HMAC_PATH, json=forged, headers=fault), 401)
    assert_problem(http.post(HMAC_PATH, json=signed_body("user-1"), headers=fault), 503)


def test_fault_ledger_is_bounded_by_bytes() -> None:
    ledger = FaultLedger(max_bytes=64 * 1024)
    fault = parse_fault("503; times=1")
    for n in range(2_000):
        ledger.should_fire(fault, f"{n}:" + "u" * 1_000)
    assert 0 < ledger.size_bytes <= 64 * 1024
    assert ledger.should_fire(fault, "1999:" + "u" * 1_000) is False  # the newest are kept
    assert ledger.should_fire(fault, "0:" + "u" * 1_000) is True  # the oldest were forgotten


def test_fault_headers_padded_to_any_size_take_one_small_entry(settings: MockSettings) -> None:
    app = create_app(settings)
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://localhost") as http:
        for n in range(100):
            padded = "503; times=1" + ";" * (1_000 + n)
            http.get(INIT.format(slug="garmin"), headers={**AUTH, "X-Spike-Mock-Fault": padded})
    assert app.state.mock.faults.size_bytes < 1_000


# Secrets: random per start unless seeded -----------------------------------------------------
def _init_url_status(app: Any, token: str) -> int:
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://localhost") as http:
        response = http.get(
            INIT.format(slug="garmin"), headers={"Authorization": f"Bearer {token}"}
        )
    return response.status_code


def test_tokens_of_one_start_are_refused_by_the_next() -> None:
    first, second = create_app(MockSettings()), create_app(MockSettings())
    token = first.state.mock.issuer.issue(Identity(DEFAULT_APPLICATION_ID, "victim"))
    assert _init_url_status(first, token) == 200
    assert _init_url_status(second, token) == 401


def test_integration_codes_differ_between_starts() -> None:
    paths = []
    for _ in range(2):
        with in_process(MockSettings(public_url="http://localhost")) as http:
            paths.append(http.get(INIT.format(slug="garmin"), headers=AUTH).json()["path"])
    assert paths[0] != paths[1]


def test_a_seeded_mock_is_reproducible_by_design() -> None:
    first, second = create_app(MockSettings(seed=7)), create_app(MockSettings(seed=7))
    token = first.state.mock.issuer.issue(Identity(DEFAULT_APPLICATION_ID, "u"))
    assert _init_url_status(second, token) == 200


# Tokens: the algorithm and a finite expiry are checked -------------------------------------
def _b64(value: Any) -> str:
    raw = json.dumps(value, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _token_signed_with_seed(seed: int, header: dict[str, Any], claims: dict[str, Any]) -> str:
    """A token signed with the secret a seeded mock derives, as an attacker knowing it would."""
    secret = hashlib.sha256(f"spike-mock-signing-{seed}".encode()).digest()
    signing_input = f"{_b64(header)}.{_b64(claims)}"
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


CLAIMS = {"iss": str(DEFAULT_APPLICATION_ID), "sub": "u", "exp": time.time() + 600}


@pytest.mark.parametrize(
    ("header", "status"),
    [
        ({"typ": "JWT", "alg": "HS256"}, 200),  # another encoding of the right header
        ({"alg": "none", "typ": "JWT"}, 401),
        ({"alg": "RS256", "typ": "JWT"}, 401),
        ({"typ": "JWT"}, 401),
        ([], 401),
    ],
)
def test_only_hs256_tokens_are_accepted(header: Any, status: int) -> None:
    app = create_app(MockSettings(seed=1))
    assert _init_url_status(app, _token_signed_with_seed(1, header, CLAIMS)) == status


@pytest.mark.parametrize("exp", [float("inf"), float("nan"), "Infinity", None, [1]])
def test_a_token_without_a_finite_expiry_is_invalid(exp: Any) -> None:
    app = create_app(MockSettings(seed=1))
    token = _token_signed_with_seed(1, {"alg": "HS256", "typ": "JWT"}, {**CLAIMS, "exp": exp})
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://localhost") as http:
        response = http.get(
            INIT.format(slug="garmin"), headers={"Authorization": f"Bearer {token}"}
        )
    assert assert_problem(response, 401)["detail"] == "invalid authorization header"


# The returned URL never comes from the request's Host header --------------------------------
def test_host_header_is_not_reflected_in_path() -> None:
    with in_process(MockSettings()) as http:
        response = http.get(
            INIT.format(slug="garmin"), headers={**AUTH, "Host": "evil.example:666"}
        )
    assert response.status_code == 200
    assert "evil.example" not in response.text


def test_public_url_is_used_when_configured() -> None:
    with in_process(MockSettings(public_url="https://mock.test")) as http:
        response = http.get(INIT.format(slug="garmin"), headers={**AUTH, "Host": "evil.example"})
    assert response.json()["path"].startswith("https://mock.test/v3/providers/garmin/")


# One verdict with the client on every value --------------------------------------------------
@pytest.mark.parametrize(
    "user_id", ["alice\n", "alice\r\n", "\nalice", "x" * 128 + "\n", "al ice", "\u0661"]
)
def test_user_ids_the_client_refuses_the_mock_refuses(http: httpx.Client, user_id: str) -> None:
    with pytest.raises(InvalidInputError):
        exchange_token(
            Client(base_url="http://localhost/v3"),
            application_id=DEFAULT_APPLICATION_ID,
            application_user_id=user_id,
            hmac_key=DEFAULT_HMAC_KEY,
        )
    assert_problem(http.post(HMAC_PATH, json=signed_body(user_id)), 422, "body.application_user_id")


def test_a_user_id_both_accept_gets_a_token(http: httpx.Client) -> None:
    assert http.post(HMAC_PATH, json=signed_body("alice")).status_code == 200


@pytest.fixture(scope="module")
def both_sides() -> Iterator[tuple[Client, httpx.Client]]:
    """The client and a plain httpx client on one in-process mock, for every example
    (hypothesis reruns the body, not the fixture)."""
    transport = SyncASGITransport(create_app(MockSettings(public_url="http://localhost")))
    client = Client(base_url="http://localhost/v3", transport=transport)
    try:
        yield client, httpx.Client(transport=transport, base_url="http://localhost")
    finally:
        transport.close()


near_valid_user_ids = st.builds(
    lambda prefix, body, suffix: prefix + body + suffix,
    st.sampled_from(["", "", "\n", " "]),
    st.from_regex(r"\A[A-Za-z0-9._-]{1,129}\Z"),
    st.sampled_from(["", "", "\n", "\r\n", "\n\n", " ", "\u0661", "\u00e9"]),
)
user_ids = near_valid_user_ids | st.text(max_size=20)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(user_id=user_ids)
def test_client_and_mock_give_one_verdict_on_every_user_id(
    both_sides: tuple[Client, httpx.Client], user_id: str
) -> None:
    client, http = both_sides
    try:
        token = exchange_token(
            client,
            application_id=DEFAULT_APPLICATION_ID,
            application_user_id=user_id,
            hmac_key=DEFAULT_HMAC_KEY,
        )
    except InvalidInputError:  # the client refused before sending: the mock must refuse too
        assert_problem(http.post(HMAC_PATH, json=signed_body(user_id)), 422)
    else:  # the client sent it (any refusal by the mock would have raised): both accept
        assert token
