# Edit openapi/generator/runtime/_redirect_back.py, not the copy in generated/.
"""Reading the redirect back from Spike after consent, and deciding whether to trust it.

The user's browser returns to the service with `user_id`, `provider_slug`, `state` and, on
failure, `error` (the spec's `IntegrationRedirectBack`). Any of it can be typed by anyone, so
the outcome is returned only when the `state` is one this service signed for the same user
(and provider), is fresh, and, with a replay store, is used for the first time. Everything
else is one typed error, and the work done on a hostile URL is bounded: lengths and counts are
checked before anything is decoded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TypeAlias
from urllib.parse import parse_qsl

from attrs import frozen

from ._redirect_contract import PARAMETERS, REQUIRED, broken_rule
from ._redirect_errors import (
    MalformedRedirectError,
    MissingStateError,
    ReplayedStateError,
    StateMismatchError,
)
from ._replay import AsyncReplayStore, ReplayStore
from ._state import JSONValue, StateSigner, VerifiedState

MAX_URL_CHARS = 32_768
"""A redirect URL or query string longer than this is refused before it is parsed. The longest
legitimate one fits: a 2048-character `redirect_uri`, and the contract's parameters at their
limits percent-encoded (up to 12 characters for each character of a slug or of `error`)."""
MAX_FIELDS = 256
MAX_VALUE_CHARS = 8_192
_VISIBLE_ASCII = re.compile(r"[!-~]*")

RedirectQuery: TypeAlias = str | Mapping[str, str] | Mapping[str, Sequence[str]]
"""The redirect as a web framework gives it: the full URL (or its query string), or the
query as a mapping of name to value or to the list of values."""


@frozen
class Connected:
    """Spike reports the provider connected, and the state proves the flow is ours."""

    user_id: str
    provider_slug: str
    payload: JSONValue = None


@frozen
class Failed:
    """Spike reports the integration failed (`error`, e.g. `access_denied`); the state proves
    the flow is ours, so telling this user about it is safe."""

    user_id: str
    provider_slug: str
    error: str
    payload: JSONValue = None


RedirectOutcome: TypeAlias = Connected | Failed


def read_redirect_back(
    redirect: RedirectQuery,
    signer: StateSigner,
    *,
    replay_store: ReplayStore | None = None,
) -> RedirectOutcome:
    """The outcome of a redirect back, or the `RedirectBackError` that says why to refuse it.

    redirect: the URL the browser came back to, or its query (a mapping from any web
        framework; multi-value mappings with `getlist`/`getall` are read for duplicates).
    signer: the `StateSigner` that issued the state given to init_url.
    replay_store: when given, a state is accepted once (`ReplayedStateError` after that).
    """
    query, verified = _verified(redirect, signer)
    if replay_store is not None:
        claimed: object = replay_store.claim(verified.nonce, signer.expires_at(verified))
        if not isinstance(claimed, bool):
            _close(claimed)
            raise TypeError(
                "replay_store.claim did not return a bool: for an async store, use"
                " aread_redirect_back"
            )
        _refuse_replay(claimed)
    return _outcome(query, verified)


async def aread_redirect_back(
    redirect: RedirectQuery,
    signer: StateSigner,
    *,
    replay_store: ReplayStore | AsyncReplayStore | None = None,
) -> RedirectOutcome:
    """`read_redirect_back` for async handlers: the replay store may be sync or async."""
    query, verified = _verified(redirect, signer)
    if replay_store is not None:
        result = replay_store.claim(verified.nonce, signer.expires_at(verified))
        _refuse_replay(result if isinstance(result, bool) else await result)
    return _outcome(query, verified)


def _close(result: object) -> None:
    close = getattr(result, "close", None)
    if callable(close):  # an un-awaited coroutine would warn at garbage collection
        close()


def _refuse_replay(claimed: bool) -> None:
    if not claimed:
        raise ReplayedStateError("this state was used before: the redirect back was replayed")


def _verified(redirect: RedirectQuery, signer: StateSigner) -> tuple[dict[str, str], VerifiedState]:
    if not isinstance(signer, StateSigner):
        raise TypeError("signer must be the StateSigner that issued the state (not a key)")
    query = _contract_parameters(redirect)
    state = query.get("state")
    if state is None:
        raise MissingStateError(
            "the redirect back carries no state: give init_url a state from StateSigner.issue"
        )
    verified = signer.verify(state)
    if verified.application_user_id != query["user_id"]:
        raise StateMismatchError("the state was issued for another user than the query's user_id")
    if verified.provider_slug is not None and verified.provider_slug != query["provider_slug"]:
        raise StateMismatchError(
            "the state was issued for another provider than the query's provider_slug"
        )
    return query, verified


def _outcome(query: dict[str, str], verified: VerifiedState) -> RedirectOutcome:
    user, slug = verified.application_user_id, query["provider_slug"]
    if "error" in query:
        return Failed(user, slug, query["error"], verified.payload)
    return Connected(user, slug, verified.payload)


def _contract_parameters(redirect: RedirectQuery) -> dict[str, str]:
    """The contract's parameters, each given once and valid under the spec's schema."""
    if isinstance(redirect, str):
        found = _from_url(redirect)
    elif isinstance(redirect, Mapping):
        found = _from_mapping(redirect)
    else:
        raise MalformedRedirectError(
            "expected the redirect URL (str) or its query as a mapping, "
            f"got {type(redirect).__name__}"
        )
    query: dict[str, str] = {}
    for name, values in found.items():
        if len(values) != 1:
            raise MalformedRedirectError(f"{name} is given {len(values)} times; expected once")
        (value,) = values
        if not isinstance(value, str):
            raise MalformedRedirectError(f"{name} is a {type(value).__name__}, not a string")
        if len(value) > MAX_VALUE_CHARS:
            raise MalformedRedirectError(f"{name} is over {MAX_VALUE_CHARS} characters")
        query[name] = value
    for name in REQUIRED:
        if name not in query:
            raise MalformedRedirectError(f"the redirect back has no {name}")
    broken = broken_rule(query)
    if broken is not None:
        raise MalformedRedirectError(f"{broken[0]} breaks the contract's `{broken[1]}` rule")
    return query


def _from_url(text: str) -> dict[str, list[object]]:
    if len(text) > MAX_URL_CHARS:
        raise MalformedRedirectError(f"the redirect URL is over {MAX_URL_CHARS} characters")
    if not _VISIBLE_ASCII.fullmatch(text):
        raise MalformedRedirectError(
            "the redirect URL holds spaces, control or non-ASCII characters that a browser "
            "would have percent-encoded"
        )
    before_fragment = text.split("#", 1)[0]
    if "?" in before_fragment:
        query = before_fragment.split("?", 1)[1]
    else:  # a bare query string, or a URL without one
        query = "" if "://" in before_fragment else before_fragment
    try:
        pairs = parse_qsl(query, keep_blank_values=True, errors="strict", max_num_fields=MAX_FIELDS)
    except UnicodeDecodeError:
        raise MalformedRedirectError("the redirect's query is not UTF-8 once decoded") from None
    except ValueError:
        raise MalformedRedirectError(f"the redirect has over {MAX_FIELDS} parameters") from None
    found: dict[str, list[object]] = {}
    for name, value in pairs:
        if name in PARAMETERS:
            found.setdefault(name, []).append(value)
    return found


def _from_mapping(query: Mapping[str, object]) -> dict[str, list[object]]:
    """The contract's parameters from a framework's mapping.

    Starlette's and Django's mappings return the last of repeated values and Werkzeug's the
    first, which would hide a duplicate; their `getlist` (aiohttp: `getall`) shows it.
    """
    many = getattr(query, "getlist", None) or getattr(query, "getall", None)
    found: dict[str, list[object]] = {}
    for name in PARAMETERS:
        if name not in query:
            continue
        value = many(name) if callable(many) else query[name]
        if isinstance(value, str):
            found[name] = [value]
        elif isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
            if len(value) > MAX_FIELDS:
                raise MalformedRedirectError(f"{name} is given over {MAX_FIELDS} times")
            found[name] = list(value)
        else:
            found[name] = [value]
    return found
