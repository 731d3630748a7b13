"""The client builds each request's URL itself, from the operation and its arguments.

It does so for speed (one URL parse a call, see `bench-client`) and so that every request is
checked as the operation it is; what matters here is that the URL is the one plain httpx would
build, that arguments breaking the spec never leave the process, and that no argument can steer
a request to another operation or skip its response checks.
"""

from __future__ import annotations

import asyncio
from urllib.parse import quote

import httpx
import pytest
import respx
from spike_api_client import AuthenticatedClient, InvalidInputError, UnsafeRedirectError
from spike_api_client.api.provider_integration import get_integration_init_url as init_url

from tests.client.support import BASE_URL, GOOD_BODY, TOKEN, Call, make_client

QUERIES = [
    {},
    {"state": "plain"},
    {"state": "a b+c/d?e&f=g#h", "redirect_uri": "https://example.com/done?x=1&y=2"},
    {"state": "ünïcødé ✓ 東京", "provider_user_id": "user+tag@example.com"},
]
SLUGS = ["garmin", "oura%2Fring", "a/b?c", "café", "x" * 64]


@pytest.mark.parametrize("base_url", [BASE_URL, "http://127.0.0.1:8123/v3/", "http://localhost"])
@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("query", QUERIES)
def test_the_url_is_the_one_plain_httpx_builds(
    base_url: str, slug: str, query: dict[str, str]
) -> None:
    seen: list[httpx.URL] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        return httpx.Response(200, json=GOOD_BODY)

    client = AuthenticatedClient(
        base_url=base_url, token=TOKEN, transport=httpx.MockTransport(answer)
    )
    init_url.sync(slug, client=client, **query)
    # What the stock generated module sends: the slug quoted as one segment, httpx's merge.
    path = f"/providers/{quote(slug, safe='')}/integration/init_url"
    plain = httpx.Client(base_url=base_url).build_request("GET", path, params=query).url
    assert httpx.QueryParams(seen[0].query) == httpx.QueryParams(plain.query)
    assert (seen[0].scheme, seen[0].host, seen[0].port) == (plain.scheme, plain.host, plain.port)
    assert seen[0].raw_path.split(b"?")[0] == plain.raw_path.split(b"?")[0]


@pytest.mark.parametrize("slug", ["..", ".", ""])
def test_a_slug_that_cannot_be_a_path_segment_is_refused_before_any_request(
    call: Call, slug: str
) -> None:
    """Spec: provider_slug is one path segment of at least one character. httpx would drop a
    dot segment, sending the request to another route, whose answer no check would then read."""
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as router:
        route = router.route().respond(
            json={"provider_slug": "x", "path": "https://evil.example/phish"}
        )
        with pytest.raises(InvalidInputError, match="provider_slug"):
            call(make_client(), slug=slug)
    assert route.call_count == 0


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        ({"state": "s" * 2049}, "state: the value is longer than 2048 characters"),
        ({"redirect_uri": ""}, "redirect_uri: the value is shorter than 1 character"),
        ({"provider_user_id": "u" * 321}, "provider_user_id: the value is longer than 320"),
    ],
)
def test_arguments_outside_the_spec_are_refused_without_echoing_them(
    call: Call, arguments: dict[str, str], says: str
) -> None:
    """Spec: the query parameters' own schemas (length limits)."""
    with respx.mock(assert_all_called=False) as router:
        route = router.route().respond(json=GOOD_BODY)
        with pytest.raises(InvalidInputError) as caught:
            call(make_client(), **arguments)
    assert says in str(caught.value)
    assert "sss" not in str(caught.value)
    assert route.call_count == 0


def test_every_answer_is_checked_as_its_operation_wherever_the_url_points() -> None:
    """The check no longer depends on matching the URL to a route: a base URL with an extra
    path still gets the redirect check."""
    body = {"provider_slug": "garmin", "path": "https://evil.example/phish"}
    client = AuthenticatedClient(
        base_url="https://app-api.spikeapi.com/proxied/v3/extra",
        token=TOKEN,
        transport=httpx.MockTransport(lambda request: httpx.Response(200, json=body)),
    )
    with pytest.raises(UnsafeRedirectError):
        init_url.sync("garmin", client=client)


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
            assert init_url.sync(slug, client=client).provider_slug == slug
    assert [route.call_count for route in routes.values()] == [2, 2, 1]


def test_concurrent_async_calls_reach_their_own_paths() -> None:
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
        return [result.provider_slug for result in results]

    assert asyncio.run(go()) == [f"p{n % 5}" for n in range(20)]


def test_the_token_exchange_never_carries_the_bearer_token() -> None:
    """Spec: POST /auth/hmac has `security: []`; a token sent there would be a leak."""
    from spike_api_client.api.authentication import exchange_hmac_token
    from spike_api_client.models import HmacTokenRequest

    with respx.mock(assert_all_called=True) as router:
        route = router.post(f"{BASE_URL}/auth/hmac").respond(json={"access_token": "jwt-token"})
        exchange_hmac_token.sync(
            client=make_client(),
            body=HmacTokenRequest(application_id=1, application_user_id="u", signature="0" * 64),
        )
    assert "authorization" not in route.calls.last.request.headers
