"""One test per fault the client must survive: exact exception, retry count, timing, no token."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
import respx
from spike_api_client import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    ContractError,
    InvalidInputError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    SpikeError,
    UnsafeRedirectError,
)

from tests.client.support import GOOD_BODY, ROUTE, TOKEN, Call, make_client

PROBLEM = "application/problem+json"


def problem(status: int, detail: str, **extra: object) -> httpx.Response:
    body = {"title": httpx.codes.get_reason_phrase(status), "status": status, "detail": detail}
    return httpx.Response(status, json={**body, **extra}, headers={"content-type": PROBLEM})


def assert_clean(error: BaseException) -> None:
    assert TOKEN not in str(error)
    assert TOKEN not in repr(error)
    assert isinstance(error, SpikeError)


def test_connection_error_retried_then_raised(call: Call) -> None:
    with respx.mock() as router:
        route = router.get(ROUTE).mock(side_effect=httpx.ConnectError("refused"))
        started = time.monotonic()
        with pytest.raises(APIConnectionError) as caught:
            call(make_client())
        elapsed = time.monotonic() - started
    assert type(caught.value) is APIConnectionError
    assert route.call_count == 3
    assert 0.05 <= elapsed < 1.0
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    assert_clean(caught.value)


def test_read_timeout_retried_then_raised(call: Call) -> None:
    with respx.mock() as router:
        route = router.get(ROUTE).mock(side_effect=httpx.ReadTimeout("slow"))
        with pytest.raises(APITimeoutError) as caught:
            call(make_client())
    assert route.call_count == 3
    assert "timed out after 3 attempts" in str(caught.value)
    assert_clean(caught.value)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_retried_then_raised(call: Call, status: int) -> None:
    with respx.mock() as router:
        route = router.get(ROUTE).mock(return_value=problem(status, "unexpected error"))
        with pytest.raises(ServerError) as caught:
            call(make_client())
    assert route.call_count == 3
    assert caught.value.status_code == status
    assert caught.value.detail == "unexpected error"
    assert_clean(caught.value)


def test_recovers_when_a_retry_succeeds(call: Call) -> None:
    with respx.mock() as router:
        route = router.get(ROUTE).mock(
            side_effect=[
                problem(503, "busy"),
                httpx.ConnectError("x"),
                httpx.Response(200, json=GOOD_BODY),
            ]
        )
        parsed = call(make_client())
    assert route.call_count == 3
    assert parsed.path == GOOD_BODY["path"]


def test_408_is_retried(call: Call) -> None:
    with respx.mock() as router:
        route = router.get(ROUTE).mock(return_value=httpx.Response(408))
        with pytest.raises(APIStatusError) as caught:
            call(make_client())
    assert route.call_count == 3
    assert caught.value.status_code == 408
    assert caught.value.problem is None


def test_html_error_page_is_a_server_error_with_raw_body(call: Call) -> None:
    page = b"<html><body>502 Bad Gateway</body></html>"
    with respx.mock() as router:
        router.get(ROUTE).mock(
            return_value=httpx.Response(502, content=page, headers={"content-type": "text/html"})
        )
        with pytest.raises(ServerError) as caught:
            call(make_client(max_retries=0))
    assert caught.value.problem is None
    assert caught.value.body == page
    assert caught.value.headers["content-type"] == "text/html"


def test_retry_after_seconds_is_obeyed(call: Call) -> None:
    with respx.mock() as router:
        route = router.get(ROUTE).mock(
            side_effect=[
                httpx.Response(429, headers={"retry-after": "1"}),
                httpx.Response(200, json=GOOD_BODY),
            ]
        )
        started = time.monotonic()
        call(make_client())
        elapsed = time.monotonic() - started
    assert route.call_count == 2
    assert 1.0 <= elapsed < 2.0


def test_retry_after_http_date_is_obeyed(call: Call) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=2), usegmt=True)
    with respx.mock() as router:
        route = router.get(ROUTE).mock(
            side_effect=[
                httpx.Response(429, headers={"retry-after": when}),
                httpx.Response(200, json=GOOD_BODY),
            ]
        )
        started = time.monotonic()
        call(make_client())
        elapsed = time.monotonic() - started
    assert route.call_count == 2
    # An HTTP-date has one-second resolution: the wait is between 1 and 2 seconds.
    assert 0.9 <= elapsed < 2.5


def test_rate_limit_raised_with_retry_after_when_retries_spent(call: Call) -> None:
    with respx.mock() as router:
        route = router.get(ROUTE).mock(
            return_value=httpx.Response(
                429, headers={"retry-after": "0"}, json={"detail": "slow down"}
            )
        )
        with pytest.raises(RateLimitError) as caught:
            call(make_client())
    assert route.call_count == 3
    assert caught.value.retry_after == 0.0
    assert_clean(caught.value)


def test_retry_after_beyond_the_cap_is_not_waited_for(call: Call) -> None:
    with respx.mock() as router:
        route = router.get(ROUTE).mock(
            return_value=httpx.Response(429, headers={"retry-after": "3600"})
        )
        started = time.monotonic()
        with pytest.raises(RateLimitError) as caught:
            call(make_client())
        elapsed = time.monotonic() - started
    assert route.call_count == 1
    assert elapsed < 0.5
    assert caught.value.retry_after == 3600.0


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (400, InvalidRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (413, InvalidRequestError),
        (422, InvalidRequestError),
        (418, APIStatusError),
    ],
)
def test_client_errors_raise_their_class_without_retry(
    call: Call, status: int, error_type: type[APIStatusError]
) -> None:
    entry = {"message": "bad", "location": "query.redirect_uri", "value": "x"}
    with respx.mock() as router:
        route = router.get(ROUTE).mock(return_value=problem(status, "nope", errors=[entry]))
        with pytest.raises(APIStatusError) as caught:
            call(make_client())
    assert type(caught.value) is error_type
    assert route.call_count == 1
    assert caught.value.detail == "nope"
    assert caught.value.problem is not None
    errors = caught.value.problem.errors
    assert isinstance(errors, list)
    assert errors[0].location == "query.redirect_uri"
    assert caught.value.response.status_code == status


def test_problem_echoing_the_token_is_scrubbed(call: Call) -> None:
    with respx.mock() as router:
        router.get(ROUTE).mock(
            return_value=problem(401, f"invalid authorization header Bearer {TOKEN}")
        )
        with pytest.raises(AuthenticationError) as caught:
            call(make_client())
    assert "invalid authorization header" in str(caught.value)
    assert_clean(caught.value)


@pytest.mark.parametrize(
    ("response", "says"),
    [
        (
            httpx.Response(200, text="not json", headers={"content-type": "application/json"}),
            "not valid JSON",
        ),
        (
            httpx.Response(200, text="<html>hi</html>", headers={"content-type": "text/html"}),
            "text/html",
        ),
        (
            httpx.Response(200, json={"path": GOOD_BODY["path"]}),
            '"provider_slug" is a required property',
        ),
        (
            httpx.Response(200, json={**GOOD_BODY, "provider_slug": 7}),
            '/provider_slug: 7 is not of type "string"',
        ),
        (httpx.Response(200, json=[GOOD_BODY]), 'is not of type "object"'),
        (httpx.Response(204), "status 204"),
        (httpx.Response(302, headers={"location": "https://example.com"}), "status 302"),
    ],
    ids=[
        "non-json",
        "html",
        "missing-field",
        "mistyped-field",
        "array",
        "undocumented-204",
        "redirect-302",
    ],
)
def test_contract_breaking_responses_raise_contract_error(
    call: Call, response: httpx.Response, says: str
) -> None:
    with respx.mock() as router:
        router.get(ROUTE).mock(return_value=response)
        with pytest.raises(ContractError) as caught:
            call(make_client())
    assert type(caught.value) is ContractError
    assert says in str(caught.value)
    assert not isinstance(caught.value, (KeyError, ValueError))
    assert_clean(caught.value)


@pytest.mark.parametrize(
    "path",
    [
        "http://app-api.spikeapi.com/v3/providers/garmin/integration/init/ic/abc",
        "https://evil.example/v3/providers/garmin/integration/init/ic/abc",
        "https://user:pw@app-api.spikeapi.com/x",
        "https://@app-api.spikeapi.com/x",
        "https://evil.example@app-api.spikeapi.com/x",
    ],
)
def test_unsafe_integration_path_is_refused(call: Call, path: str) -> None:
    with respx.mock() as router:
        router.get(ROUTE).mock(return_value=httpx.Response(200, json={**GOOD_BODY, "path": path}))
        with pytest.raises(UnsafeRedirectError):
            call(make_client())


@pytest.mark.parametrize("allowed", [["127.0.0.1:8123"], ["127.0.0.1:*"]])
def test_redirect_hosts_can_be_changed_for_tests(call: Call, allowed: list[str]) -> None:
    local = "http://127.0.0.1:8123/v3/providers/garmin/integration/init/ic/abc"
    with respx.mock() as router:
        router.get(ROUTE).mock(return_value=httpx.Response(200, json={**GOOD_BODY, "path": local}))
        parsed = call(make_client(redirect_hosts=allowed))
    assert parsed.path == local


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("https://app-api.spikeapi.com:8443/v3/x", ["app-api.spikeapi.com"]),
        ("https://app-api.spikeapi.com:99999/v3/x", ["app-api.spikeapi.com"]),
        ("https://app-api.spikeapi.com:99999/v3/x", ["app-api.spikeapi.com:*"]),
        ("https://app-api.spikeapi.com:444/v3/x", ["app-api.spikeapi.com:443"]),
        ("http://127.0.0.1:8124/v3/x", ["127.0.0.1:8123"]),
        ("http://127.0.0.1:8123/v3/x", ["127.0.0.1"]),
    ],
)
def test_the_allow_list_checks_ports(call: Call, path: str, allowed: list[str]) -> None:
    """A host on the list is allowed on its scheme's default port only (443 for https),
    unless the entry names a port or `*`; a port out of range is never allowed."""
    with respx.mock() as router:
        router.get(ROUTE).mock(return_value=httpx.Response(200, json={**GOOD_BODY, "path": path}))
        with pytest.raises(UnsafeRedirectError) as caught:
            call(make_client(redirect_hosts=allowed))
    assert "port" in str(caught.value) or "allowed list" in str(caught.value)


@pytest.mark.parametrize("entry", ["", "https://host", "host/x", "user@host", "host:0", "host:x"])
def test_malformed_allow_list_entries_are_refused(entry: str) -> None:
    with pytest.raises(InvalidInputError, match="redirect_hosts"):
        make_client(redirect_hosts=[entry])


def test_unknown_slug_and_fields_are_kept(call: Call) -> None:
    body = {**GOOD_BODY, "provider_slug": "future_provider", "expires_in": 600, "hint": {"a": 1}}
    with respx.mock() as router:
        router.get(url__regex=r"/providers/future_provider/").mock(
            return_value=httpx.Response(200, json=body)
        )
        parsed = call(make_client(), slug="future_provider")
    assert parsed.provider_slug == "future_provider"
    assert parsed.additional_properties == {"expires_in": 600, "hint": {"a": 1}}


def test_max_retries_zero_turns_retries_off(call: Call) -> None:
    with respx.mock() as router:
        route = router.get(ROUTE).mock(return_value=problem(503, "busy"))
        with pytest.raises(ServerError):
            call(make_client(max_retries=0))
    assert route.call_count == 1


def test_per_call_options_override_the_client(call: Call) -> None:
    client = make_client(max_retries=0)
    with respx.mock() as router:
        route = router.get(ROUTE).mock(return_value=problem(503, "busy"))
        with pytest.raises(ServerError):
            call(client.with_options(max_retries=1))
    assert route.call_count == 2


def test_default_deadline_and_timeout_are_finite() -> None:
    settings = make_client().settings
    assert settings.deadline == 30.0
    assert settings.timeout.connect == 5.0
    assert settings.timeout.read == 10.0


def test_token_is_not_in_repr_or_str() -> None:
    client = make_client()
    client.get_httpx_client()
    assert TOKEN not in repr(client)
    assert TOKEN not in str(client)
    assert TOKEN not in repr(client.with_options(max_retries=1))
