"""The outcome types as a consumer's code uses them; `tox -e type` checks this file under
`mypy --strict`.

`match` and `isinstance` must narrow `RedirectOutcome` to `Connected` or `Failed` (the `error`
of `Failed` is a `str` only there), and `assert_never` makes a new, unhandled kind of outcome
a type error in code like this, not a silent fall-through.
"""

from __future__ import annotations

from typing import assert_never

import attrs
import pytest
from spike_api_client import Connected, Failed, JSONValue, RedirectOutcome


def describe(outcome: RedirectOutcome) -> str:
    match outcome:
        case Connected(user_id=user, provider_slug=provider, payload=payload):
            return f"{user} connected {provider} ({payload!r})"
        case Failed(user_id=user, provider_slug=provider, error=error):
            return f"{user} did not connect {provider}: {error.replace('_', ' ')}"
        case _:
            assert_never(outcome)


def error_of(outcome: RedirectOutcome) -> str | None:
    if isinstance(outcome, Failed):
        return outcome.error
    return None


def return_to(payload: JSONValue) -> str:
    if isinstance(payload, dict) and isinstance(payload.get("return_to"), str):
        target = payload["return_to"]
        assert isinstance(target, str)
        return target
    return "/"


def test_match_reads_each_outcome() -> None:
    assert describe(Connected("u1", "oura", {"return_to": "/x"})) == (
        "u1 connected oura ({'return_to': '/x'})"
    )
    assert describe(Failed("u1", "oura", "access_denied")) == (
        "u1 did not connect oura: access denied"
    )
    assert error_of(Failed("u1", "oura", "access_denied")) == "access_denied"
    assert error_of(Connected("u1", "oura")) is None
    assert return_to(Connected("u", "oura", {"return_to": "/x"}).payload) == "/x"


def test_outcomes_are_frozen_values() -> None:
    outcome = Connected("u1", "oura")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        outcome.user_id = "u2"  # type: ignore[misc]
    assert outcome == Connected("u1", "oura", None)
    assert hash(outcome) == hash(Connected("u1", "oura"))
