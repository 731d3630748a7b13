"""The client against cases generated from the spec's own schemas (respx + hypothesis).

Inputs come from each operation's parameter and body schemas, responses from each documented
response's schema, so the cases grow with the contract. Requests are judged by openapi-core,
a reading of the spec independent of the client's, and responses must either parse and
round-trip or raise the client's own error for their status.
"""

from __future__ import annotations

import json
import re
import ssl
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx
import pytest
import respx
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.provisional import urls
from openapi_core.testing import MockRequest
from spike_api_client import (
    APIStatusError,
    AuthenticatedClient,
    AuthenticationError,
    Client,
    ContractError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)
from spike_api_client.api.authentication import exchange_hmac_token
from spike_api_client.api.provider_integration import get_integration_init_url
from spike_api_client.models import HmacTokenRequest

from contract_tests.spec_data import (
    BASE_URL,
    HMAC,
    INIT_URL,
    json_media,
    media_types,
    missing,
    openapi_core_findings,
    operation,
    path_parameter,
)
from spike_kit.strategies import from_schema

TOKEN = "eyJhbGciOiJIUzI1NiJ9.generated-cases.sig"
# How many examples, and whether derandomized, comes from the profile (contract_tests/profiles.py:
# `gate`, `full`, `nightly`). Not shrunk, because a broken client fails every example and
# shrinking each one kept a red gate busy for minutes.
CASES = settings(
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
# One TLS context for every client the cases build: loading the CA bundle for each new
# httpx.Client took a third of this suite's time, and respx answers before any TLS anyway.
TLS = ssl.create_default_context()
FORMATS = {"uri": urls(), "uri-reference": st.sampled_from(["about:blank", "/problems/x"])}


ORIGIN = "https://app-api.spikeapi.com"


def _oracle_findings(request: httpx.Request, view_args: dict[str, str]) -> list[str]:
    """What openapi-core finds wrong with a request the client sent."""
    query = dict(httpx.QueryParams(request.url.query.decode("ascii")).multi_items())
    mock = MockRequest(
        ORIGIN,
        request.method,
        request.url.raw_path.split(b"?", 1)[0].decode("ascii"),
        args=query,
        headers=dict(request.headers),
        view_args=view_args,
        data=request.content or None,
        content_type=request.headers.get("content-type", "application/json"),
    )
    return openapi_core_findings(mock)


def _query_strategy() -> st.SearchStrategy[dict[str, Any]]:
    """The optional query parameters of init_url, each present or absent, from their schemas."""
    parameters = [p for p in operation(INIT_URL, "get")["parameters"] if p["in"] == "query"]
    return st.fixed_dictionaries(
        {},
        optional={p["name"]: from_schema(p["schema"], FORMATS) for p in parameters},
    )


SLUG_SCHEMA = path_parameter(INIT_URL, "get")["schema"]


@CASES
@given(slug=from_schema(SLUG_SCHEMA), query=_query_strategy())
def test_init_url_requests_validate_against_the_spec(slug: str, query: dict[str, Any]) -> None:
    """Spec: getIntegrationInitUrl's path and query parameters and bearerAuth; any valid
    input makes a request that openapi-core accepts, carrying exactly those values."""
    client = AuthenticatedClient(base_url=BASE_URL, token=TOKEN, max_retries=0, verify_ssl=TLS)
    body = {"provider_slug": "garmin", "path": f"{BASE_URL}/providers/garmin/integration/init/ic/1"}
    with respx.mock(assert_all_called=True) as router:
        route = router.get(url__regex=r"/v3/providers/.+/integration/init_url").mock(
            return_value=httpx.Response(200, json=body)
        )
        get_integration_init_url.sync(slug, client=client, **query)
    request = route.calls.last.request
    raw = request.url.raw_path.split(b"?", 1)[0].decode("ascii")
    match = re.fullmatch(r"/v3/providers/([^/]+)/integration/init_url", raw)
    assert match is not None, raw
    assert unquote(match.group(1)) == slug
    assert dict(httpx.QueryParams(request.url.query.decode("ascii"))) == query
    assert _oracle_findings(request, {"provider_slug": slug}) == []


@CASES
@given(body=from_schema(json_media(HMAC, "post")[1]["schema"]))
def test_hmac_requests_validate_against_the_spec(body: dict[str, Any]) -> None:
    """Spec: exchangeHmacToken's JSON body; any valid body is sent as is, without a token."""
    with respx.mock(assert_all_called=True) as router:
        route = router.post(f"{BASE_URL}{HMAC}").mock(
            return_value=httpx.Response(200, json={"access_token": "t"})
        )
        exchange_hmac_token.sync(
            client=Client(base_url=BASE_URL, verify_ssl=TLS), body=HmacTokenRequest.from_dict(body)
        )
    request = route.calls.last.request
    assert json.loads(request.content) == body
    assert "authorization" not in request.headers
    assert _oracle_findings(request, {}) == []


EXPECTED_ERROR: dict[str, type[APIStatusError]] = {
    "400": InvalidRequestError,
    "401": AuthenticationError,
    "403": PermissionDeniedError,
    "404": NotFoundError,
    "413": InvalidRequestError,
    "422": InvalidRequestError,
    "429": RateLimitError,
    "5XX": ServerError,
}
DOCUMENTED = [
    (path, method, status)
    for path, method in ((INIT_URL, "get"), (HMAC, "post"))
    for status in operation(path, method)["responses"]
]


def _call(path: str, status_code: int, body: Any, media: str) -> Any:
    """Call the operation at `path` with a respx route that answers `body`."""
    response = httpx.Response(
        status_code, content=json.dumps(body).encode(), headers={"content-type": media}
    )
    with respx.mock(assert_all_called=True) as router:
        if path == INIT_URL:
            router.get(url__regex=r"/integration/init_url").mock(return_value=response)
            target = body.get("path") if isinstance(body, dict) else None
            host = urlsplit(target).hostname if isinstance(target, str) else None
            client = AuthenticatedClient(
                base_url=BASE_URL,
                token=TOKEN,
                max_retries=0,
                redirect_hosts=[f"{host or 'app-api.spikeapi.com'}:*"],
                verify_ssl=TLS,
            )
            return get_integration_init_url.sync("garmin", client=client)
        router.post(url__regex=r"/auth/hmac").mock(return_value=response)
        request = HmacTokenRequest(application_id=1, application_user_id="u", signature="0" * 64)
        return exchange_hmac_token.sync(
            client=Client(base_url=BASE_URL, max_retries=0, verify_ssl=TLS), body=request
        )


def _status_code(status: str) -> int:
    return 503 if status == "5XX" else int(status)


@pytest.mark.parametrize(("path", "method", "status"), DOCUMENTED)
@CASES
@given(data=st.data())
def test_documented_responses_parse_or_raise_their_error(
    path: str, method: str, status: str, data: st.DataObject
) -> None:
    """Spec: every documented response of every operation; a body valid under its schema
    parses and round-trips (2xx) or raises the error class of its status carrying the
    parsed problem document (4xx/5xx)."""
    media, entry = json_media(path, method, status)
    expected = EXPECTED_ERROR.get(status)
    if expected is None and not status.startswith("2"):
        missing(
            f"{method.upper()} {path} documents a {status} response, and the client suite "
            f"knows no error class to expect for it: add it to EXPECTED_ERROR in {__name__}"
        )
    body = data.draw(from_schema(entry["schema"], FORMATS), label="body")
    if expected is None:
        parsed = _call(path, 200, body, media)
        assert parsed.to_dict() == body
        return
    with pytest.raises(expected) as raised:
        _call(path, _status_code(status), body, media)
    assert raised.value.problem is not None
    assert raised.value.problem.to_dict() == body


def _broken(body: Any, required: list[str]) -> st.SearchStrategy[Any]:
    """The body with one required field dropped or given a value of another JSON type; a
    schema that requires no field is broken as a whole (a value that is not an object)."""
    wrong: st.SearchStrategy[object] = st.sampled_from([None, 0, 1.5, True, [], {}, "text"])
    if not required or not isinstance(body, dict):
        return wrong.filter(lambda value: type(value) is not type(body))
    drop = st.sampled_from(required).map(lambda key: {k: v for k, v in body.items() if k != key})
    retype = (
        st.tuples(st.sampled_from(required), wrong)
        .filter(lambda pair: type(pair[1]) is not type(body[pair[0]]))
        .map(lambda pair: {**body, pair[0]: pair[1]})
    )
    return drop | retype


@pytest.mark.parametrize(("path", "method"), [(INIT_URL, "get"), (HMAC, "post")])
@CASES
@given(data=st.data())
def test_bodies_that_break_the_schema_raise_contract_error(
    path: str, method: str, data: st.DataObject
) -> None:
    """Spec: the 200 schema's required fields and their types; a body that breaks them is a
    ContractError, never a KeyError, TypeError or a half-built model."""
    media, entry = json_media(path, method, "200")
    schema = entry["schema"]
    valid = data.draw(from_schema(schema, FORMATS), label="valid")
    broken = data.draw(_broken(valid, schema.get("required") or []), label="broken")
    with pytest.raises(ContractError):
        _call(path, 200, broken, media)


MEDIA_TYPES = [
    (path, method, status, media)
    for path, method in ((INIT_URL, "get"), (HMAC, "post"))
    for status, media in media_types(path, method)
]


@pytest.mark.parametrize(("path", "method", "status", "media"), MEDIA_TYPES)
def test_every_documented_media_type_is_one_this_suite_tests(
    path: str, method: str, status: str | None, media: str
) -> None:
    """Spec: every media type each operation documents, for its request body and each
    response; the cases above draw JSON bodies for one media type of each, so any other is
    reported as untested rather than passed over."""
    tested, _ = json_media(path, method, status)
    if media != tested:
        what = "request body" if status is None else f"{status} response"
        missing(
            f"the {what} of {method.upper()} {path} documents {media!r} beside {tested!r}; the "
            f"client suite tests {tested!r} only, so {media!r} is untested"
        )
