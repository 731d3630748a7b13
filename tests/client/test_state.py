"""The signed state: what it binds, how it refuses tampering, keys and their hygiene."""

from __future__ import annotations

import base64
import pickle
import re

import pytest
from spike_api_client import (
    ExpiredStateError,
    InvalidInputError,
    InvalidStateError,
    StateSigner,
)
from spike_api_client._state import CLOCK_SKEW, MAX_PAYLOAD_BYTES

from tests.client.redirect_support import KEY, OTHER_KEY, Clock, assert_clean, signer

SPEC_STATE_MAX = 2048
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _nested(depth: int) -> object:
    value: object = []
    for _ in range(depth):
        value = [value]
    return value


def _raw(state: str) -> bytes:
    return base64.urlsafe_b64decode(state + "=" * (-len(state) % 4))


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_a_state_binds_user_provider_payload_time_and_a_fresh_nonce() -> None:
    clock = Clock()
    states = signer(clock=clock)
    first = states.issue("user-1", provider_slug="garmin", payload={"next": "/settings"})
    second = states.issue("user-1", provider_slug="garmin", payload={"next": "/settings"})
    assert first != second
    verified = states.verify(first)
    assert verified.application_user_id == "user-1"
    assert verified.provider_slug == "garmin"
    assert verified.payload == {"next": "/settings"}
    assert verified.issued_at == int(clock.now)
    assert verified.nonce != states.verify(second).nonce
    assert states.expires_at(verified) == int(clock.now) + 900.0


def test_a_state_is_base64url_only_so_query_encoding_leaves_it_alone() -> None:
    state = signer().issue("u", provider_slug="ö slug&=?", payload={"x": "é &=#+%"})
    assert re.fullmatch(r"[A-Za-z0-9_-]+", state)


def test_the_largest_documented_inputs_fit_the_spec_state_limit() -> None:
    """Worst case: longest user id, a 64-character slug of control characters (6 bytes each
    as JSON), and a payload of exactly the documented size."""
    payload = "x" * (MAX_PAYLOAD_BYTES - 2)
    state = signer().issue("u" * 128, provider_slug="\x01" * 64, payload=payload)
    assert len(state) <= SPEC_STATE_MAX
    assert signer().verify(state).payload == payload


def test_a_tampered_body_is_refused() -> None:
    state = signer().issue("victim", payload={"role": "user"})
    raw = bytearray(_raw(state))
    index = raw.index(b"victim")
    raw[index : index + 6] = b"attack"
    forged = _encode(bytes(raw))
    with pytest.raises(InvalidStateError) as caught:
        signer().verify(forged)
    assert "signature does not match" in str(caught.value)
    assert_clean(caught.value, (state, forged))


def test_a_state_signed_with_another_key_is_refused() -> None:
    foreign = signer(OTHER_KEY).issue("user-1")
    with pytest.raises(InvalidStateError, match="signature does not match"):
        signer(KEY).verify(foreign)


def test_rotation_signs_with_the_first_key_and_accepts_every_listed_one() -> None:
    old_state = signer(OTHER_KEY).issue("user-1")
    rotated = signer([KEY, OTHER_KEY])
    assert rotated.verify(old_state).application_user_id == "user-1"
    new_state = rotated.issue("user-2")
    assert signer(KEY).verify(new_state).application_user_id == "user-2"
    with pytest.raises(InvalidStateError):
        signer(OTHER_KEY).verify(new_state)


@pytest.mark.parametrize("cut", [1, 2, 5, 43, 100])
def test_a_truncated_state_is_refused(cut: int) -> None:
    state = signer().issue("user-1", payload={"n": 1})
    with pytest.raises(InvalidStateError) as caught:
        signer().verify(state[:-cut])
    assert_clean(caught.value, (state,))


@pytest.mark.parametrize(
    "junk",
    ["", "é" * 40, "AAAA\x00AAAA", "AB CD", "AQID+/==", "A" * (SPEC_STATE_MAX + 1), "AQ"],
)
def test_junk_is_refused_as_not_ours(junk: str) -> None:
    with pytest.raises(InvalidStateError, match="not one this service issued"):
        signer().verify(junk)


def test_a_non_canonical_encoding_of_a_genuine_state_is_refused() -> None:
    """Flipping a spare low bit of the last character decodes to the same bytes."""
    states = signer()
    state = next(s for s in (states.issue("u", payload="x" * k) for k in range(3)) if len(s) % 4)
    variant = state[:-1] + _ALPHABET[_ALPHABET.index(state[-1]) ^ 1]
    assert _raw(variant) == _raw(state)
    assert variant != state
    with pytest.raises(InvalidStateError, match="canonical"):
        states.verify(variant)


def test_age_limit_is_max_age_and_clock_skew_is_tolerated_briefly() -> None:
    clock = Clock()
    states = signer(clock=clock, max_age=600)
    state = states.issue("user-1")
    clock.now += 600
    assert states.verify(state).application_user_id == "user-1"
    clock.now += 1
    with pytest.raises(ExpiredStateError, match="valid for 600 s") as caught:
        states.verify(state)
    assert_clean(caught.value, (state,))
    clock.now -= 601 + CLOCK_SKEW  # the verifying server's clock is behind the issuer's
    assert states.verify(state).application_user_id == "user-1"
    clock.now -= 2
    with pytest.raises(InvalidStateError, match="future"):
        states.verify(state)


@pytest.mark.parametrize(
    "keys", ["tiny-secret", b"fifteen-bytes!!", [], [KEY, "tiny-secret"], [KEY, 12345]]
)
def test_weak_or_missing_keys_are_refused_without_echoing_them(keys: object) -> None:
    with pytest.raises(InvalidInputError) as caught:
        StateSigner(keys)  # type: ignore[arg-type]
    assert "tiny-secret" not in str(caught.value)
    assert "fifteen" not in str(caught.value)
    assert KEY not in str(caught.value)


@pytest.mark.parametrize("max_age", [0, -1, float("inf"), float("nan"), True, "600"])
def test_max_age_must_be_positive_and_finite(max_age: object) -> None:
    with pytest.raises(InvalidInputError, match="max_age"):
        StateSigner(KEY, max_age=max_age)  # type: ignore[arg-type]


def test_the_signer_shows_no_key_and_cannot_be_pickled() -> None:
    states = StateSigner([KEY, OTHER_KEY], max_age=300)
    assert repr(states) == "StateSigner(keys=<2 hidden>, max_age=300)"
    with pytest.raises(TypeError, match="never pickled"):
        pickle.dumps(states)


@pytest.mark.parametrize(
    ("user_id", "slug"), [("", None), ("a b", None), ("é", None), ("u" * 129, None), ("u", "")]
)
def test_issue_checks_user_and_provider_against_the_contract(
    user_id: str, slug: str | None
) -> None:
    with pytest.raises(InvalidInputError, match="breaks the contract"):
        signer().issue(user_id, provider_slug=slug)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ("x" * MAX_PAYLOAD_BYTES, "over 768 bytes"),
        ({1: "a"}, "string keys"),
        (float("nan"), "nan or inf"),
        ({"s": "\ud800"}, "not valid Unicode"),
        (b"bytes", "not JSON data"),
        ({"set": {1, 2}}, "not JSON data"),
        (_nested(40), "nested more"),
    ],
)
def test_payloads_that_cannot_come_back_unchanged_are_refused(payload: object, reason: str) -> None:
    with pytest.raises(InvalidInputError, match=reason):
        signer().issue("user-1", payload=payload)  # type: ignore[arg-type]


def test_mappings_and_sequences_come_back_as_dicts_and_lists() -> None:
    state = signer().issue("u", payload={"pair": ("a", 1), "n": True, "f": -0.5})
    assert signer().verify(state).payload == {"pair": ["a", 1], "n": True, "f": -0.5}
