"""Credentials stay out of everything a caller or a log can see.

Each test here failed on 0.2.0: a token with a trailing newline reached httpcore's log and the
chained cause; a non-ASCII token raised a bare `UnicodeEncodeError` holding it; a custom
`auth_header_name` was logged; an echo of all but one character of the token, `detail`, `body`
and `attrs.asdict(client)` all kept it.
"""

from __future__ import annotations

import logging
import traceback

import attrs
import httpx
import pytest
import respx
from spike_api_client import (
    AuthenticatedClient,
    AuthenticationError,
    InvalidInputError,
    ServerError,
)
from spike_api_client._secrets import Scrubber
from spike_api_client.api.provider_integration import get_integration_init_url as init_url

from tests.client.support import BASE_URL, GOOD_BODY, ROUTE, TOKEN, Call, make_client
from tests.local_http import serve

MALFORMED = {
    "trailing newline": f"{TOKEN}\n",
    "leading space": f" {TOKEN}",
    "inner space": "tok-7f3a9c51 e2b84d06a1",
    "non-ascii": "tok-7f3a9c51-ünïcødé-e2b84d06a1",
    "control character": "tok-7f3a9c51\x00e2b84d06a1",
    "too short": "tok-7f3",
}


@pytest.mark.parametrize("token", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_tokens_are_refused_up_front_without_echoing_them(token: str) -> None:
    with respx.mock(assert_all_called=False) as router:
        route = router.route().respond(json=GOOD_BODY)
        with pytest.raises(InvalidInputError) as caught:
            AuthenticatedClient(token=token)
    assert route.call_count == 0
    shown = (
        str(caught.value) + repr(caught.value) + "".join(traceback.format_exception(caught.value))
    )
    assert token.strip() not in shown
    assert "tok-7f3" not in shown


def test_a_new_token_is_checked_too_and_used_from_the_next_call() -> None:
    client = make_client()
    with pytest.raises(InvalidInputError):
        client.token = "has a newline\n"
    client.token = "tok-the-next-token-0123"
    with respx.mock() as router:
        route = router.get(ROUTE).respond(json=GOOD_BODY)
        init_url.sync("garmin", client=client)
    assert route.calls.last.request.headers["authorization"] == "Bearer tok-the-next-token-0123"


def test_the_client_object_never_shows_the_token() -> None:
    client = make_client()
    client.get_httpx_client()
    for shown in (repr(client), str(client), repr(attrs.asdict(client)), str(attrs.asdict(client))):
        assert TOKEN not in shown
    assert TOKEN not in repr(client.with_options(max_retries=1))
    assert client.token == TOKEN


def _echo(status: int, detail: str, **headers: str) -> httpx.Response:
    body = {
        "title": "Unauthorized",
        "status": status,
        "detail": detail,
        "errors": [{"message": "bad", "location": "header.authorization", "value": detail}],
    }
    return httpx.Response(
        status, json=body, headers={"content-type": "application/problem+json", **headers}
    )


@pytest.mark.parametrize(
    "echo",
    [TOKEN, TOKEN[:-1], TOKEN[1:], f"Bearer {TOKEN}", TOKEN[5:20]],
    ids=["whole", "all-but-last", "all-but-first", "with-scheme", "a-slice"],
)
def test_an_echoed_token_is_scrubbed_from_every_part_of_the_error(call: Call, echo: str) -> None:
    with respx.mock() as router:
        router.get(ROUTE).mock(
            return_value=_echo(401, f"invalid token {echo}!", **{"x-echo": echo})
        )
        with pytest.raises(AuthenticationError) as caught:
            call(make_client())
    error = caught.value
    parts = [
        str(error),
        repr(error),
        error.detail or "",
        error.title or "",
        error.body.decode(),
        repr(error.problem),
        str(dict(error.headers)),
        str(dict(error.response.request.headers)),
    ]
    for part in parts:
        assert echo not in part
        assert TOKEN[5:13] not in part
    assert (error.detail or "").startswith("invalid token ")
    assert (error.detail or "").endswith("[redacted]!")


def test_a_custom_auth_header_is_a_secret_in_logs_and_errors(
    call: Call, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client(auth_header_name="X-Spike-Key", prefix="")
    with respx.mock() as router:
        route = router.get(ROUTE).respond(401, json={"detail": "nope"})
        with pytest.raises(AuthenticationError) as caught:
            call(client)
    assert route.calls.last.request.headers["x-spike-key"] == TOKEN
    assert "'x-spike-key': '[redacted]'" in caplog.text
    assert caught.value.response.request.headers["x-spike-key"] == "[redacted]"


def test_no_log_record_at_any_level_of_any_logger_holds_the_token(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """httpx and httpcore included, over a real connection, through retries and a failure."""
    caplog.set_level(logging.DEBUG)  # every logger, the root included
    with serve(b'{"detail": "busy"}', status=503) as server:
        client = make_client(base_url=f"{server.url}/v3")
        with pytest.raises(ServerError) as caught:
            init_url.sync("garmin", client=client)
    assert len(server.paths) == 3
    texts = [record.getMessage() + str(record.__dict__) for record in caplog.records]
    assert any(record.name.startswith("httpcore") for record in caplog.records)
    assert all(TOKEN not in text for text in texts)
    assert TOKEN not in "".join(traceback.format_exception(caught.value))


@pytest.mark.parametrize(
    "base_url",
    ["http://app-api.spikeapi.com/v3", "http://10.0.0.8:8765/v3", "http://spike-mock/v3"],
)
def test_plain_http_is_refused_except_to_loopback(base_url: str) -> None:
    with pytest.raises(InvalidInputError, match="plain http"):
        make_client(base_url=base_url)


@pytest.mark.parametrize(
    "base_url", ["http://127.0.0.1:8765/v3", "http://localhost/v3", "http://[::1]:1/v3", BASE_URL]
)
def test_https_and_loopback_base_urls_are_accepted(base_url: str) -> None:
    assert make_client(base_url=base_url).settings.base_url == base_url


def test_scrubbing_leaves_ordinary_words_that_a_token_happens_to_hold() -> None:
    """Runs of 12 characters, not 8: a token holding `generated` must not blot out
    `regenerate` in a problem's detail (seen in the spec-derived suite)."""
    scrub = Scrubber(["eyJhbGciOiJIUzI1NiJ9.generated-cases.sig"])
    assert scrub.text("regenerate the cases") == "regenerate the cases"
    assert scrub.text("token generated-cases.sig") == "token [redacted]"
    echo = TOKEN[3:15]  # twelve characters in a row
    assert Scrubber([TOKEN]).text(f"saw {echo}!") == "saw [redacted]!"
    assert Scrubber([TOKEN]).text(f"saw {echo[:-1]}!") == f"saw {echo[:-1]}!"
