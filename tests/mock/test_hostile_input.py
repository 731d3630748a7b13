"""No input, however hostile, makes the mock answer 5xx or anything but a problem document."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spike_kit.mock import MockSettings
from tests.mock.support import AUTH, in_process


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    """One in-process client for all examples (hypothesis reruns the body, not the fixture)."""
    with in_process(MockSettings(public_url="http://localhost")) as client:
        yield client


anything = st.text(max_size=300)
header_safe = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=200)


def _assert_sane(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.headers["content-type"] == "application/problem+json"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(slug=anything, state=anything, redirect=anything, user=anything, auth=header_safe)
def test_init_url_never_fails_on_hostile_input(
    http: httpx.Client, slug: str, state: str, redirect: str, user: str, auth: str
) -> None:
    path = f"/v3/providers/{quote(slug, safe='')}/integration/init_url"
    params = {"state": state, "redirect_uri": redirect, "provider_user_id": user}
    _assert_sane(http.get(path, params=params, headers={"Authorization": auth}))
    _assert_sane(http.get(path, params=params, headers=AUTH))


@settings(max_examples=150, deadline=None)
@given(
    body=st.binary(max_size=500)
    | st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
        max_leaves=20,
    ).map(lambda v: httpx.Request("POST", "/", json=v).content),
    content_type=st.sampled_from(
        ["application/json", "text/plain", "", "application/json; charset=utf-8"]
    ),
)
def test_token_exchange_never_fails_on_hostile_bodies(
    http: httpx.Client, body: bytes, content_type: str
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    _assert_sane(http.post("/v3/auth/hmac", content=body, headers=headers))
