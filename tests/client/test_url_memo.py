"""The client's httpx clients remember merged URLs; the URLs must be the ones httpx would build.

The memo exists for speed (see `bench-client`), so what matters here is that it never changes
where a request goes: the same URL as a plain httpx client with that `base_url`, a new
`base_url` honoured at once, a bounded memory, and the sync and async clients alike.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest
import respx
from spike_api_client.api.provider_integration import get_integration_init_url as init_url
from spike_api_client.models import IntegrationInitUrl

from .conftest import BASE_URL, GOOD_BODY, make_client

URLS = [
    "/providers/garmin/integration/init_url",
    "providers/garmin/integration/init_url",
    "/providers/oura%2Fring/integration/init_url",
    "/providers/caf%C3%A9/integration/init_url?state=x",
    "/auth/hmac",
    "https://elsewhere.example/v9/auth/hmac",
    "",
]


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("base_url", [BASE_URL, "http://127.0.0.1:8123/v3/", "http://localhost"])
def test_merged_url_is_what_plain_httpx_builds(base_url: str, url: str) -> None:
    expected = httpx.Client(base_url=base_url).build_request("GET", url, params={"a": "1"}).url
    http = make_client(base_url=base_url).get_httpx_client()
    for _ in range(2):  # the first call fills the memo, the second reads it
        assert http.build_request("GET", url, params={"a": "1"}).url == expected


def test_a_new_base_url_is_honoured_at_once() -> None:
    http = make_client().get_httpx_client()
    http.build_request("GET", URLS[0])
    http.base_url = "http://127.0.0.1:9000/staging/v3"
    assert str(http.build_request("GET", URLS[0]).url) == (
        "http://127.0.0.1:9000/staging/v3/providers/garmin/integration/init_url"
    )


def test_the_memo_is_bounded_and_stays_right_past_its_bound() -> None:
    http = make_client().get_httpx_client()
    for n in range(400):
        url = http.build_request("GET", f"/providers/p{n}/integration/init_url").url
        assert url.path == f"/v3/providers/p{n}/integration/init_url"
    assert len(http._merged_urls) == 256  # type: ignore[attr-defined]


def test_async_client_merges_like_the_sync_one() -> None:
    client = make_client()
    sync_url = client.get_httpx_client().build_request("GET", URLS[2]).url
    assert client.get_async_httpx_client().build_request("GET", URLS[2]).url == sync_url


def test_calls_for_different_slugs_reach_their_own_paths() -> None:
    with respx.mock(assert_all_called=True) as router:
        routes = {
            slug: router.get(f"{BASE_URL}/providers/{slug}/integration/init_url").respond(
                json={**GOOD_BODY, "provider_slug": slug}
            )
            for slug in ("garmin", "oura", "fitbit")
        }
        client = make_client()
        for slug in ["garmin", "oura", "garmin", "fitbit", "oura"]:
            result = init_url.sync(slug, client=client)
            assert isinstance(result, IntegrationInitUrl)
            assert result.provider_slug == slug
    assert [route.call_count for route in routes.values()] == [2, 2, 1]


def test_async_memo_serves_concurrent_calls() -> None:
    async def go() -> list[str]:
        with respx.mock(assert_all_called=True) as router:
            router.get(url__regex=rf"{BASE_URL}/providers/(?P<slug>\w+)/integration/init_url")
            router.routes[0].side_effect = lambda request, slug: httpx.Response(
                200, json={**GOOD_BODY, "provider_slug": slug}
            )
            async with make_client() as client:
                slugs = [f"p{n % 5}" for n in range(20)]
                results = await asyncio.gather(
                    *(init_url.asyncio(slug, client=client) for slug in slugs)
                )
        return [r.provider_slug for r in results if isinstance(r, IntegrationInitUrl)]

    assert asyncio.run(go()) == [f"p{n % 5}" for n in range(20)]
