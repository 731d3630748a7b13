"""Property: anything within the documented limits survives issue -> URL -> read unchanged.

The limits are the contract's (user id pattern, provider slug length) and the signer's own
(payload at most 768 bytes of compact JSON, nested at most 32 deep). The URL is built the way a
server appends parameters, with either form of space encoding, after the app's own parameters.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, quote, quote_plus, urlencode, urlsplit

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from spike_api_client import Connected, Failed, read_redirect_back
from spike_api_client._state import MAX_PAYLOAD_BYTES, JSONValue

from tests.client.redirect_support import LANDING, signer

USER_IDS = st.from_regex(r"\A[A-Za-z0-9._-]{1,128}\Z")
SLUGS = st.text(min_size=1, max_size=64)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
)
PAYLOADS: st.SearchStrategy[JSONValue] = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=6) | st.dictionaries(st.text(max_size=12), children, max_size=6)
    ),
    max_leaves=30,
) | st.text(min_size=500, max_size=MAX_PAYLOAD_BYTES - 2, alphabet=st.characters(max_codepoint=127))
ERRORS = st.none() | st.text(min_size=1, max_size=300)


def _compact_size(payload: JSONValue) -> int:
    return len(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode())


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    user_id=USER_IDS,
    slug=SLUGS,
    bind_slug=st.booleans(),
    payload=PAYLOADS,
    error=ERRORS,
    plus_for_space=st.booleans(),
)
def test_anything_within_the_limits_comes_back_unchanged(
    user_id: str,
    slug: str,
    bind_slug: bool,
    payload: JSONValue,
    error: str | None,
    plus_for_space: bool,
) -> None:
    assume(_compact_size(payload) <= MAX_PAYLOAD_BYTES)
    states = signer()
    state = states.issue(user_id, provider_slug=slug if bind_slug else None, payload=payload)
    back = {"user_id": user_id, "provider_slug": slug, "state": state}
    if error is not None:
        back["error"] = error
    query = urlencode(back, quote_via=quote_plus if plus_for_space else quote)
    url = f"{LANDING}?keep=a+b&{query}"

    expected = (
        Connected(user_id, slug, payload)
        if error is None
        else Failed(user_id, slug, error, payload)
    )
    assert read_redirect_back(url, states) == expected
    as_lists = parse_qs(urlsplit(url).query, keep_blank_values=True)
    assert read_redirect_back(as_lists, states) == expected
    assert parse_qs(query)["state"] == [state]  # the state itself crossed unchanged
