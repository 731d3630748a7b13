"""Reading the redirect back: the outcome for a genuine one, one typed error for each attack.

Each refusal here is something a naive reader (one that trusts `user_id`, or checks only that
a `state` is present) would accept.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping, Sequence
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from spike_api_client import (
    Connected,
    ExpiredStateError,
    Failed,
    InvalidStateError,
    MalformedRedirectError,
    MemoryReplayStore,
    MissingStateError,
    RedirectBackError,
    ReplayedStateError,
    StateMismatchError,
    aread_redirect_back,
    read_redirect_back,
)
from spike_api_client._redirect_back import MAX_URL_CHARS

from tests.client.redirect_support import (
    LANDING,
    OTHER_KEY,
    Clock,
    back_url,
    refused,
    signer,
)


def test_a_genuine_redirect_is_connected_with_the_verified_payload() -> None:
    states = signer()
    state = states.issue("user-1", provider_slug="garmin", payload={"next": "/s"})
    outcome = read_redirect_back(back_url("user-1", "garmin", state), states)
    assert outcome == Connected("user-1", "garmin", {"next": "/s"})


def test_error_in_the_query_makes_a_failed_outcome_with_spikes_text() -> None:
    states = signer()
    state = states.issue("user-1", provider_slug="garmin")
    outcome = read_redirect_back(back_url("user-1", "garmin", state, error="access_denied"), states)
    assert outcome == Failed("user-1", "garmin", "access_denied", None)


def test_a_state_without_provider_accepts_whichever_provider_spike_names() -> None:
    states = signer()
    state = states.issue("user-1")
    assert read_redirect_back(back_url("user-1", "oura", state), states) == Connected(
        "user-1", "oura"
    )


class MultiDict(Mapping[str, str]):
    """A framework-style multi-value mapping: `[]` gives the last value, as Starlette's and
    Django's do, and `getlist` gives them all."""

    def __init__(self, pairs: Sequence[tuple[str, str]]) -> None:
        self.pairs = list(pairs)

    def __getitem__(self, name: str) -> str:
        found = self.getlist(name)
        if not found:
            raise KeyError(name)
        return found[-1]

    def __iter__(self) -> Iterator[str]:
        return iter(dict(self.pairs))

    def __len__(self) -> int:
        return len(dict(self.pairs))

    def getlist(self, name: str) -> list[str]:
        return [value for key, value in self.pairs if key == name]


def _pairs(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query)


@pytest.mark.parametrize("form", ["url", "query string", "dict", "dict of lists", "multidict"])
def test_every_form_a_framework_gives_reads_the_same(form: str) -> None:
    states = signer()
    url = back_url("user-1", "garmin", states.issue("user-1", provider_slug="garmin"))
    pairs = _pairs(url)
    given: object = {
        "url": url,
        "query string": urlsplit(url).query,
        "dict": dict(pairs),
        "dict of lists": {key: [value] for key, value in pairs},
        "multidict": MultiDict(pairs),
    }[form]
    assert read_redirect_back(given, states) == Connected("user-1", "garmin")  # type: ignore[arg-type]


# The attacks ------------------------------------------------------------------------------
def test_a_state_issued_for_another_user_is_refused() -> None:
    """Login CSRF: the attacker's genuine state, sent with the victim's user id."""
    states = signer()
    attackers = states.issue("attacker", provider_slug="garmin")
    refused(
        StateMismatchError,
        lambda: read_redirect_back(back_url("victim", "garmin", attackers), states),
        secrets=(attackers,),
    )


def test_a_swapped_provider_slug_is_refused() -> None:
    states = signer()
    state = states.issue("user-1", provider_slug="garmin")
    error = refused(
        StateMismatchError,
        lambda: read_redirect_back(back_url("user-1", "fitbit", state), states),
        secrets=(state,),
    )
    assert "provider" in str(error)


def test_a_state_with_an_altered_payload_is_refused() -> None:
    states = signer()
    state = states.issue("user-1", payload={"next": "/a"})
    forged = signer().issue("user-1", payload={"next": "/b"})
    spliced = forged[:-43] + state[-43:]  # the other state's signature on this body
    refused(
        InvalidStateError,
        lambda: read_redirect_back(back_url("user-1", "garmin", spliced), states),
        secrets=(state, forged, spliced),
    )


def test_a_state_signed_with_another_key_is_refused() -> None:
    foreign = signer(OTHER_KEY).issue("user-1")
    refused(
        InvalidStateError,
        lambda: read_redirect_back(back_url("user-1", "garmin", foreign), signer()),
        secrets=(foreign,),
    )


@pytest.mark.parametrize("cut", [1, 2, 3, 4, 60])
def test_a_truncated_state_is_refused(cut: int) -> None:
    states = signer()
    state = states.issue("user-1", provider_slug="garmin")
    refused(
        InvalidStateError,
        lambda: read_redirect_back(back_url("user-1", "garmin", state[:-cut]), states),
        secrets=(state,),
    )


def test_an_expired_state_is_refused() -> None:
    clock = Clock()
    states = signer(clock=clock, max_age=300)
    state = states.issue("user-1")
    clock.now += 301
    refused(
        ExpiredStateError,
        lambda: read_redirect_back(back_url("user-1", "garmin", state), states),
        secrets=(state,),
    )


def test_a_replayed_redirect_is_refused_once_a_replay_store_is_given() -> None:
    clock = Clock()
    states, store = signer(clock=clock), MemoryReplayStore(clock=clock)
    url = back_url("user-1", "garmin", states.issue("user-1"))
    assert isinstance(read_redirect_back(url, states, replay_store=store), Connected)
    refused(ReplayedStateError, lambda: read_redirect_back(url, states, replay_store=store))


def test_a_refused_redirect_does_not_use_up_its_state() -> None:
    """The nonce is claimed only once all else checked out: a forged redirect built on a
    stolen state cannot burn the genuine user's redirect."""
    clock = Clock()
    states, store = signer(clock=clock), MemoryReplayStore(clock=clock)
    state = states.issue("user-1", provider_slug="garmin")
    with pytest.raises(StateMismatchError):
        read_redirect_back(back_url("user-1", "strava", state), states, replay_store=store)
    assert len(store) == 0
    assert isinstance(
        read_redirect_back(back_url("user-1", "garmin", state), states, replay_store=store),
        Connected,
    )


def test_a_missing_state_is_refused() -> None:
    refused(MissingStateError, lambda: read_redirect_back(back_url("u", "garmin", None), signer()))


@pytest.mark.parametrize(
    "junk",
    [
        "%C3%A9t%C3%A9",  # UTF-8 "été", well percent-encoded but not ours
        "%00%01%02",
        "%FF%FE",  # not UTF-8 at all
        "A" * 2048,
    ],
)
def test_junk_states_are_refused(junk: str) -> None:
    url = f"{LANDING}?user_id=u&provider_slug=garmin&state={junk}"
    with pytest.raises((InvalidStateError, MalformedRedirectError)) as caught:
        read_redirect_back(url, signer())
    assert junk not in str(caught.value)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        (f"{LANDING}?user_id=u&provider_slug=garmin&state=été", "non-ASCII"),
        (f"{LANDING}?user_id=u&provider_slug=garmin&state=a b", "spaces"),
        (f"{LANDING}?user_id=u&provider_slug=garmin&state=a\x00b", "control"),
        (f"{LANDING}?user_id=u&user_id=v&provider_slug=garmin&state=s", "user_id is given 2"),
        (f"{LANDING}?user_id=u&provider_slug=a&provider_slug=b&state=s", "provider_slug is given"),
        (f"{LANDING}?user_id=u&provider_slug=garmin&state=s&state=t", "state is given 2"),
        (f"{LANDING}?user_id=u&provider_slug=g&error=x&error=y&state=s", "error is given"),
        (f"{LANDING}?provider_slug=garmin&state=s", "no user_id"),
        (f"{LANDING}?user_id=u&state=s", "no provider_slug"),
        (f"{LANDING}", "no provider_slug"),
        (f"{LANDING}?user_id=a%20b&provider_slug=garmin&state=s", "user_id breaks"),
        (f"{LANDING}?user_id=u&provider_slug=garmin&state=", "state breaks"),
        (f"{LANDING}?user_id=u&provider_slug={'p' * 65}&state=s", "provider_slug breaks"),
        (f"{LANDING}?user_id=u&provider_slug=g&error=&state=s", "error breaks"),
        (f"{LANDING}?user_id=u&provider_slug=garmin&state={'A' * 2049}", "state breaks"),
        (f"{LANDING}?user_id=%FF&provider_slug=garmin&state=s", "not UTF-8"),
        (f"{LANDING}?{'&'.join(['x=1'] * 300)}", "over 256 parameters"),
        (f"{LANDING}?pad={'A' * MAX_URL_CHARS}", f"over {MAX_URL_CHARS} characters"),
    ],
)
def test_malformed_queries_are_refused_with_a_clear_message(url: str, says: str) -> None:
    error = refused(MalformedRedirectError, lambda: read_redirect_back(url, signer()))
    assert says in str(error)


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"user_id": "u", "provider_slug": "g", "state": ["s", "t"]}, "state is given 2"),
        ({"user_id": "u", "provider_slug": "g", "state": ["s"] * 10_000}, "over 256 times"),
        ({"user_id": "u", "provider_slug": "g", "state": 7}, "not a string"),
        ({"user_id": "u", "provider_slug": "g", "state": "s" * 1_000_000}, "over 8192"),
        ({"user_id": "u", "provider_slug": "g", "state": []}, "given 0 times"),
    ],
)
def test_malformed_mappings_are_refused(query: dict[str, object], says: str) -> None:
    error = refused(MalformedRedirectError, lambda: read_redirect_back(query, signer()))  # type: ignore[arg-type]
    assert says in str(error)


def test_a_duplicate_hidden_by_a_framework_mapping_is_found_through_getlist() -> None:
    states = signer()
    genuine = states.issue("user-1", provider_slug="garmin")
    pairs = [*_pairs(back_url("user-1", "garmin", genuine)), ("state", "second")]
    refused(MalformedRedirectError, lambda: read_redirect_back(MultiDict(pairs), states))


@pytest.mark.parametrize("given", [None, 42, b"user_id=u", ["user_id=u"]])
def test_anything_but_a_url_or_mapping_is_refused(given: object) -> None:
    refused(MalformedRedirectError, lambda: read_redirect_back(given, signer()))  # type: ignore[arg-type]


def test_the_longest_legitimate_redirect_is_read() -> None:
    """Every parameter at its contract limit, percent-encoded at 12 characters a character
    where it can be, after a 2048-character redirect URL of the app's own."""
    states = signer()
    slug, error = "\U0001f600" * 64, "\U0001f600" * 2048
    state = states.issue("u" * 128, provider_slug=slug, payload="x" * 766)
    own = f"https://service.example/cb?pad={'p' * 2017}"
    back = {"user_id": "u" * 128, "provider_slug": slug, "state": state, "error": error}
    url = f"{own}&{urlencode(back)}"
    assert len(own) == 2048
    assert len(url) <= MAX_URL_CHARS
    assert read_redirect_back(url, states) == Failed("u" * 128, slug, error, "x" * 766)


def test_oversized_input_is_refused_before_it_is_parsed_or_validated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Bounded work: the length check comes first, so the parser and the schema validator
    never see a huge value (both are replaced here by functions that fail if called)."""
    import spike_api_client._redirect_back as reader

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed or validated an oversized input")

    monkeypatch.setattr(reader, "parse_qsl", never)
    monkeypatch.setattr(reader, "broken_rule", never)
    huge = "A" * 20_000_000
    with pytest.raises(MalformedRedirectError, match=f"over {MAX_URL_CHARS} characters"):
        read_redirect_back(f"{LANDING}?state={huge}", signer())
    with pytest.raises(MalformedRedirectError, match="over 8192 characters"):
        read_redirect_back({"user_id": "u", "provider_slug": "g", "state": huge}, signer())


def test_every_refusal_is_one_class_of_the_client_tree() -> None:
    from spike_api_client import InvalidInputError, SpikeError

    assert issubclass(RedirectBackError, SpikeError)
    assert issubclass(MalformedRedirectError, InvalidInputError)
    assert issubclass(MissingStateError, InvalidStateError)


# Async ------------------------------------------------------------------------------------
class AsyncStore:
    """An async replay store, as one over Redis or a database would be."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    async def claim(self, nonce: str, expires_at: float) -> bool:
        await asyncio.sleep(0)
        if nonce in self.seen:
            return False
        self.seen.add(nonce)
        return True


@pytest.mark.parametrize("sync", [False, True])
def test_the_async_reader_takes_async_and_sync_stores(sync: bool) -> None:
    clock = Clock()
    states = signer(clock=clock)
    url = back_url("user-1", "garmin", states.issue("user-1"), error="access_denied")
    replay = MemoryReplayStore(clock=clock) if sync else AsyncStore()

    async def twice() -> None:
        outcome = await aread_redirect_back(url, states, replay_store=replay)
        assert outcome == Failed("user-1", "garmin", "access_denied")
        with pytest.raises(ReplayedStateError):
            await aread_redirect_back(url, states, replay_store=replay)

    asyncio.run(twice())


def test_a_key_given_where_the_signer_belongs_is_refused_clearly() -> None:
    url = back_url("user-1", "garmin", signer().issue("user-1"))
    with pytest.raises(TypeError, match="StateSigner") as caught:
        read_redirect_back(url, "state-key-7d1c0a9e4b-only-for-tests")  # type: ignore[arg-type]
    assert "only-for-tests" not in str(caught.value)


def test_the_sync_reader_refuses_an_async_store_clearly() -> None:
    states = signer()
    url = back_url("user-1", "garmin", states.issue("user-1"))
    with pytest.raises(TypeError, match="aread_redirect_back"):
        read_redirect_back(url, states, replay_store=AsyncStore())  # type: ignore[arg-type]
