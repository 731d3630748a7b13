# Edit openapi/generator/runtime/_secrets.py, not the copy in generated/.
"""Credentials: checked before first use, hidden from reprs, scrubbed from what errors carry.

A token read from a file with its newline, or one holding a non-ASCII character, used to reach
httpcore, which quoted it in a log line and an exception. So tokens are checked when a client
is made, and everything an error keeps (message, body, headers, problem document) passes
through a `Scrubber` that also catches a server echoing part of a token.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Generic, TypeVar

from ._exceptions import InvalidInputError

REDACTED = "[redacted]"
SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"}
)
MIN_TOKEN_LENGTH = 8
"""Shorter than any JWT; a shorter token would also make scrubbing blot out ordinary words."""

_TOKEN68 = re.compile(r"[A-Za-z0-9._~+/-]+=*")
"""RFC 6750's `b64token`: what may follow `Bearer ` in an Authorization header."""
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_WINDOW = 12
"""A server that echoes this many characters of a secret in a row has echoed the secret.
Shorter runs turn up in ordinary text by chance (a token holding a word such as `generate`
would blot out `regenerate` in an error message)."""


_T = TypeVar("_T", str, bytes, str | bytes)


class Secret(Generic[_T]):
    """A credential whose `repr` and `str` never show it, and which refuses to be pickled."""

    __slots__ = ("_value",)

    def __init__(self, value: _T) -> None:
        self._value: _T = value

    def reveal(self) -> _T:
        return self._value

    def __repr__(self) -> str:
        return f"Secret({REDACTED!r})"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("a credential cannot be pickled")


def _what_is_wrong(value: str) -> str | None:
    if value != value.strip():
        return "has whitespace at its start or end (a newline read from a file?): strip it"
    if not value.isascii():
        return "holds a non-ASCII character"
    if not _TOKEN68.fullmatch(value):
        return "holds a character that a bearer token cannot hold (RFC 6750)"
    if len(value) < MIN_TOKEN_LENGTH:
        return f"is shorter than {MIN_TOKEN_LENGTH} characters, too short for a Spike token"
    return None


def checked_token(value: object, *, what: str = "the bearer token") -> Secret[str]:
    """`value` as a `Secret`, or an `InvalidInputError` saying what is wrong, never what it is."""
    if isinstance(value, Secret):
        return value
    if not isinstance(value, str):
        raise InvalidInputError(f"{what} must be a str, not {type(value).__name__}")
    problem = _what_is_wrong(value)
    if problem is not None:
        raise InvalidInputError(f"{what} {problem}")
    return Secret(value)


def checked_header_name(value: object) -> str:
    if not isinstance(value, str) or not _HEADER_NAME.fullmatch(value):
        raise InvalidInputError("auth_header_name must be an HTTP header name")
    return value


def checked_prefix(value: object) -> str:
    if not isinstance(value, str) or not (value == "" or _HEADER_NAME.fullmatch(value)):
        raise InvalidInputError("prefix must be an authentication scheme such as 'Bearer', or ''")
    return value


class Scrubber:
    """Replaces every secret, and every run of 12 or more of its characters, by a marker."""

    def __init__(self, secrets: Iterable[str]) -> None:
        self._windows: set[str] = set()
        for secret in secrets:
            if len(secret) <= _WINDOW:
                if secret:
                    self._windows.add(secret)
                continue
            self._windows.update(secret[i : i + _WINDOW] for i in range(len(secret) - _WINDOW + 1))

    def text(self, text: str) -> str:
        if not self._windows or not text:
            return text
        spans = []
        for window in self._windows:
            start = text.find(window)
            while start != -1:
                spans.append((start, start + len(window)))
                start = text.find(window, start + 1)
        if not spans:
            return text
        spans.sort()
        merged: list[list[int]] = []
        for start, end in spans:
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        pieces, cursor = [], 0
        for start, end in merged:
            pieces += [text[cursor:start], REDACTED]
            cursor = end
        pieces.append(text[cursor:])
        return "".join(pieces)

    def data(self, content: bytes) -> bytes:
        """Bytes scrubbed as text where they are UTF-8 (or Latin-1, which any bytes are)."""
        if not self._windows or not content:
            return content
        try:
            return self.text(content.decode("utf-8")).encode("utf-8")
        except UnicodeDecodeError:
            return self.text(content.decode("latin-1")).encode("latin-1", "replace")

    def json(self, value: Any) -> Any:
        """A parsed JSON value with every string in it scrubbed."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.json(item) for item in value]
        if isinstance(value, dict):
            return {self.text(str(key)): self.json(item) for key, item in value.items()}
        return value

    def headers(
        self, headers: Iterable[tuple[str, str]], secret_names: Iterable[str] = ()
    ) -> list[tuple[str, str]]:
        """Header pairs safe to keep: credential headers replaced whole, the rest scrubbed."""
        names = SECRET_HEADERS | {name.lower() for name in secret_names}
        return [
            (name, REDACTED if name.lower() in names else self.text(value))
            for name, value in headers
        ]


def redacted_headers(
    headers: Mapping[str, str], secret_names: Iterable[str] = ()
) -> dict[str, str]:
    """Headers safe to log: credentials replaced by a marker."""
    names = SECRET_HEADERS | {name.lower() for name in secret_names}
    return {name: REDACTED if name.lower() in names else value for name, value in headers.items()}
