# Edit openapi/generator/runtime/_state.py, not the copy in generated/.
"""A signed `state` for init_url: proof that a redirect back belongs to a flow we started.

Spike's redirect back names `user_id` in the clear, and anyone can type a URL naming anyone.
A `state` that the service signed when it started the flow, bound to the user, optionally to
the provider and to a small payload of its own, is what proves whose flow the redirect ends.

Format, version 1: base64url without padding of `0x01 | body | HMAC-SHA256(subkey, 0x01 | body)`
where body is compact UTF-8 JSON `[user_id, provider_slug or null, issued_at, nonce, payload]`
and the subkey is derived from the caller's key, so a key reused elsewhere (even Spike's own
HMAC key) can never sign anything but a state here. Only base64url characters: the state
crosses any query-string encoding unchanged.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
import re
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from typing import NoReturn, TypeAlias

from attrs import frozen

from ._exceptions import InvalidInputError
from ._redirect_contract import STATE_MAX_LENGTH, broken_rule
from ._redirect_errors import ExpiredStateError, InvalidStateError

JSONValue: TypeAlias = bool | int | float | str | list["JSONValue"] | dict[str, "JSONValue"] | None
"""A payload as it comes back: plain JSON data."""
JSONData: TypeAlias = (
    bool | int | float | str | Sequence["JSONData"] | Mapping[str, "JSONData"] | None
)
"""A payload as it may be given: any mapping or sequence comes back as a dict or list."""

MIN_KEY_BYTES = 16
"""The shortest key accepted, as for Spike's own HMAC keys."""
MAX_PAYLOAD_BYTES = 768
"""The caller's payload as compact UTF-8 JSON; with any valid user id and provider slug the
state stays within the spec's limit for `state`."""
MAX_PAYLOAD_DEPTH = 32
DEFAULT_MAX_AGE = 900.0
CLOCK_SKEW = 60.0
"""Seconds a state may seem to come from the future, for servers whose clocks differ a bit."""

_VERSION = 1
_MAC_BYTES = 32
_NONCE_BYTES = 16
_SUBKEY_LABEL = b"spike-api-client/state/v1"
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")
_NOT_OURS = "the state is not one this service issued"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


@frozen
class VerifiedState:
    """What a genuine, unexpired state says."""

    application_user_id: str
    provider_slug: str | None
    issued_at: int
    nonce: str
    payload: JSONValue


def _subkeys(keys: str | bytes | Sequence[str | bytes]) -> tuple[bytes, ...]:
    listed = [keys] if isinstance(keys, (str, bytes)) else keys
    if not isinstance(listed, Sequence) or not listed:
        raise InvalidInputError("keys must be a key (str or bytes) or a non-empty list of keys")
    derived = []
    for number, key in enumerate(listed, start=1):
        if not isinstance(key, (str, bytes)):
            raise InvalidInputError(f"key {number} must be str or bytes")
        raw = key.encode("utf-8") if isinstance(key, str) else key
        if len(raw) < MIN_KEY_BYTES:
            raise InvalidInputError(f"key {number} is shorter than {MIN_KEY_BYTES} bytes")
        derived.append(hmac.new(raw, _SUBKEY_LABEL, hashlib.sha256).digest())
    return tuple(derived)


def _plain(value: object, depth: int = 0) -> JSONValue:
    """The payload as plain JSON data, or `InvalidInputError` saying what cannot travel."""
    if depth > MAX_PAYLOAD_DEPTH:
        raise InvalidInputError(f"payload is nested more than {MAX_PAYLOAD_DEPTH} deep")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidInputError("payload holds a float that JSON cannot carry (nan or inf)")
        return float(value)
    if isinstance(value, Mapping):
        if not all(isinstance(key, str) for key in value):
            raise InvalidInputError("payload mappings must have string keys")
        return {str(key): _plain(item, depth + 1) for key, item in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        return [_plain(item, depth + 1) for item in value]
    raise InvalidInputError(f"payload holds a {type(value).__name__}, which is not JSON data")


def _compact(value: JSONValue) -> bytes:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInputError("payload holds a string that is not valid Unicode") from None


def _check_field(name: str, value: object, field: str) -> str:
    if not isinstance(value, str):
        raise InvalidInputError(f"{name} must be a string")
    broken = broken_rule({field: value}, field)
    if broken is not None:
        raise InvalidInputError(f"{name} breaks the contract's `{broken[1]}` rule")
    return value


class StateSigner:
    """Issues and checks `state` values with keys that only this service holds.

    keys: one key, or several for rotation: the first signs, every one is accepted. Each is
        at least 16 bytes (UTF-8 for str); use a key of its own, not Spike's HMAC key.
    max_age: seconds a state stays valid after it was issued (default 15 minutes): long enough
        for a user to sign in at the provider, short enough that a leaked one soon dies.
    clock: seconds since the epoch; tests pass a fake one.

    The keys never appear in a repr, an error or a log line, and the signer refuses to be
    pickled, so they cannot leave the process by accident.
    """

    __slots__ = ("_clock", "_subkeys", "max_age")

    def __init__(
        self,
        keys: str | bytes | Sequence[str | bytes],
        *,
        max_age: float = DEFAULT_MAX_AGE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._subkeys = _subkeys(keys)
        if isinstance(max_age, bool) or not isinstance(max_age, (int, float)):
            raise InvalidInputError("max_age must be a number of seconds")
        if not (0 < max_age < math.inf):
            raise InvalidInputError("max_age must be a positive, finite number of seconds")
        self.max_age = float(max_age)
        self._clock = clock

    def __repr__(self) -> str:
        return f"StateSigner(keys=<{len(self._subkeys)} hidden>, max_age={self.max_age:g})"

    def __reduce__(self) -> NoReturn:
        raise TypeError("a StateSigner holds secret keys and is never pickled")

    def issue(
        self,
        application_user_id: str,
        *,
        provider_slug: str | None = None,
        payload: JSONData = None,
    ) -> str:
        """A fresh `state` for init_url, bound to this user (and provider, when given).

        payload: small JSON data of your own (say, where to send the user afterwards), at
        most 768 bytes as compact UTF-8 JSON; it comes back, verified, with the outcome.
        It is signed, not encrypted: the user can read it, so keep secrets out of it.
        """
        user = _check_field("application_user_id", application_user_id, "user_id")
        slug = None
        if provider_slug is not None:
            slug = _check_field("provider_slug", provider_slug, "provider_slug")
        plain = _plain(payload)
        if len(_compact(plain)) > MAX_PAYLOAD_BYTES:
            raise InvalidInputError(f"payload is over {MAX_PAYLOAD_BYTES} bytes as compact JSON")
        nonce = _b64(secrets.token_bytes(_NONCE_BYTES))
        body = _compact([user, slug, int(self._clock()), nonce, plain])
        signed = bytes([_VERSION]) + body
        state = _b64(signed + hmac.new(self._subkeys[0], signed, hashlib.sha256).digest())
        if len(state) > STATE_MAX_LENGTH:  # unreachable within the documented limits
            raise InvalidInputError(f"the state would be over {STATE_MAX_LENGTH} characters")
        return state

    def expires_at(self, verified: VerifiedState) -> float:
        """When a state stops being accepted: a replay store may forget it after that."""
        return verified.issued_at + self.max_age

    def verify(self, state: str) -> VerifiedState:
        """What a state says, once its signature and age check out.

        Raises `InvalidStateError` (not ours: forged, tampered, truncated, another key) or
        `ExpiredStateError`. Work is bounded: the length is checked before anything is decoded
        and the JSON is read only once the signature matches.
        """
        raw = _decode(state)
        signed, mac = raw[:-_MAC_BYTES], raw[-_MAC_BYTES:]
        if not any(
            hmac.compare_digest(hmac.new(key, signed, hashlib.sha256).digest(), mac)
            for key in self._subkeys
        ):
            raise InvalidStateError(
                f"{_NOT_OURS}: its signature does not match (forged, altered, or signed "
                "with a key this signer does not hold)"
            )
        verified = _parse_body(signed[1:])
        age = self._clock() - verified.issued_at
        if age > self.max_age:
            raise ExpiredStateError(
                f"the state expired: issued {age:.0f} s ago, valid for {self.max_age:g} s"
            )
        if age < -CLOCK_SKEW:
            raise InvalidStateError(
                f"the state was issued {-age:.0f} s in the future: are the servers' clocks apart?"
            )
        return verified


def _decode(state: object) -> bytes:
    if not isinstance(state, str):
        raise InvalidStateError(f"{_NOT_OURS}: it is not a string")
    if len(state) > STATE_MAX_LENGTH:
        raise InvalidStateError(f"{_NOT_OURS}: it is over {STATE_MAX_LENGTH} characters")
    if not _BASE64URL.fullmatch(state):
        raise InvalidStateError(f"{_NOT_OURS}: it holds characters outside base64url")
    try:
        raw = base64.urlsafe_b64decode(state + "=" * (-len(state) % 4))
    except (binascii.Error, ValueError):
        raise InvalidStateError(f"{_NOT_OURS}: it is cut short (not whole base64url)") from None
    if _b64(raw) != state:
        raise InvalidStateError(f"{_NOT_OURS}: it is not canonical base64url")
    if len(raw) <= 1 + _MAC_BYTES:
        raise InvalidStateError(f"{_NOT_OURS}: it is too short")
    if raw[0] != _VERSION:
        raise InvalidStateError(f"{_NOT_OURS}: unknown version {raw[0]}")
    return raw


def _parse_body(body: bytes) -> VerifiedState:
    """The signed body. Only a state signed with our key but not by this code gets here."""
    try:
        fields = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        fields = None
    if not (isinstance(fields, list) and len(fields) == 5):
        raise InvalidStateError(f"{_NOT_OURS}: signed, but not in this signer's format")
    user, slug, issued_at, nonce, payload = fields
    if not (
        isinstance(user, str)
        and (slug is None or isinstance(slug, str))
        and isinstance(issued_at, int)
        and not isinstance(issued_at, bool)
        and isinstance(nonce, str)
    ):
        raise InvalidStateError(f"{_NOT_OURS}: signed, but not in this signer's format")
    return VerifiedState(user, slug, issued_at, nonce, payload)
