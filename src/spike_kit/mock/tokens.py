"""HS256 JWTs like Spike's: `iss` is the application id, `sub` the application user id."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
import time
from typing import Any

from attrs import frozen


class TokenError(Exception):
    """Why a bearer token was refused; the message is Spike's documented 401 detail."""


@frozen
class Identity:
    application_id: int
    application_user_id: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


_HEADER = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
_INVALID = "invalid authorization header"


def _json_segment(segment: str) -> Any:
    try:
        return json.loads(_unb64(segment))
    except (ValueError, binascii.Error, RecursionError):
        raise TokenError(_INVALID) from None


def _check_header(segment: str) -> None:
    """Only HS256 is accepted: a token naming another algorithm (`none`, RS256...) is refused
    even with a matching signature, so the algorithm is never the attacker's choice."""
    if segment == _HEADER:
        return
    header = _json_segment(segment)
    if not isinstance(header, dict) or header.get("alg") != "HS256":
        raise TokenError(_INVALID)


class TokenIssuer:
    """Issues and checks the mock's tokens with one signing secret.

    Workers of one `spike-mock --workers N` share the secret (they fork from one parent), so a
    token from any of them is accepted by all: the token is signed, never stored.
    """

    def __init__(self, secret: bytes, ttl: float) -> None:
        self._secret = secret
        self._ttl = ttl
        self.issued = 0
        """Tokens this process has issued: tests count token exchanges here, at the server."""

    def __repr__(self) -> str:
        return f"TokenIssuer(ttl={self._ttl})"

    def _sign(self, signing_input: str) -> str:
        return _b64(hmac.new(self._secret, signing_input.encode("ascii"), hashlib.sha256).digest())

    def issue(self, identity: Identity, now: float | None = None) -> str:
        issued = time.time() if now is None else now
        self.issued += 1
        claims = {
            "iss": str(identity.application_id),
            "sub": identity.application_user_id,
            "iat": int(issued),
            "exp": int(issued + self._ttl),
        }
        payload = _b64(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
        signing_input = f"{_HEADER}.{payload}"
        return f"{signing_input}.{self._sign(signing_input)}"

    def verify(self, token: str, now: float | None = None) -> Identity:
        """The token's identity, or `TokenError` with Spike's 401 reason.

        The token may hold any characters (it comes from a header): anything but ASCII, a
        signature that does not match, an algorithm other than HS256, claims of the wrong
        type or an expiry that is not a finite number is `invalid authorization header`.
        """
        if not token.isascii():
            raise TokenError(_INVALID)
        parts = token.split(".")
        if len(parts) != 3:
            raise TokenError(_INVALID)
        header, payload, signature = parts
        if not hmac.compare_digest(self._sign(f"{header}.{payload}"), signature):
            raise TokenError(_INVALID)
        _check_header(header)
        claims = _json_segment(payload)
        try:
            identity = Identity(int(claims["iss"]), str(claims["sub"]))
            expires = float(claims["exp"])
        except (ValueError, KeyError, TypeError, OverflowError):
            raise TokenError(_INVALID) from None
        if not math.isfinite(expires):
            raise TokenError(_INVALID)
        if (time.time() if now is None else now) >= expires:
            raise TokenError("expired jwt")
        return identity
