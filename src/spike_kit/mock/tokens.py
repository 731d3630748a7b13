"""HS256 JWTs like Spike's: `iss` is the application id, `sub` the application user id."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
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


class TokenIssuer:
    def __init__(self, secret: bytes, ttl: float) -> None:
        self._secret = secret
        self._ttl = ttl

    def __repr__(self) -> str:
        return f"TokenIssuer(ttl={self._ttl})"

    def _sign(self, signing_input: str) -> str:
        return _b64(hmac.new(self._secret, signing_input.encode("ascii"), hashlib.sha256).digest())

    def issue(self, identity: Identity, now: float | None = None) -> str:
        issued = time.time() if now is None else now
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
        parts = token.split(".")
        if len(parts) != 3:
            raise TokenError("invalid authorization header")
        header, payload, signature = parts
        if not hmac.compare_digest(self._sign(f"{header}.{payload}"), signature):
            raise TokenError("invalid authorization header")
        try:
            claims: dict[str, Any] = json.loads(_unb64(payload))
            identity = Identity(int(claims["iss"]), str(claims["sub"]))
            expires = float(claims["exp"])
        except (ValueError, KeyError, TypeError):
            raise TokenError("invalid authorization header") from None
        if (time.time() if now is None else now) >= expires:
            raise TokenError("expired jwt")
        return identity
