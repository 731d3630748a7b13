"""Faults on request drive the generated client's retries end to end."""

from __future__ import annotations

import time

import httpx
import pytest
from spike_api_client import RateLimitError, RetryPolicy, ServerError
from spike_api_client.api.provider_integration import get_integration_init_url as init_url
from spike_api_client.models import IntegrationInitUrl

from spike_kit.mock.pytest_plugin import MockHandle
from tests.mock.support import AUTH, INIT, assert_problem

FAST = RetryPolicy(initial_delay=0.01, max_delay=0.05)


def test_fault_fires_times_then_lets_calls_through(spike_mock: MockHandle) -> None:
    client = spike_mock.client(retry=FAST).with_headers({"X-Spike-Mock-Fault": "503; times=2"})
    found = init_url.sync("garmin", client=client)
    assert isinstance(found, IntegrationInitUrl)
    assert found.provider_slug == "garmin"


def test_persistent_fault_exhausts_retries(spike_mock: MockHandle) -> None:
    client = spike_mock.client(retry=FAST).with_headers({"X-Spike-Mock-Fault": "500"})
    with pytest.raises(ServerError) as caught:
        init_url.sync("garmin", client=client)
    assert caught.value.status_code == 500


def test_rate_limit_with_retry_after_is_waited_for(spike_mock: MockHandle) -> None:
    client = spike_mock.client().with_headers({"X-Spike-Mock-Fault": "429; retry-after=1; times=1"})
    started = time.monotonic()
    assert isinstance(init_url.sync("garmin", client=client), IntegrationInitUrl)
    assert 1.0 <= time.monotonic() - started < 2.0


def test_rate_limit_beyond_cap_raises_with_retry_after(spike_mock: MockHandle) -> None:
    client = spike_mock.client().with_headers({"X-Spike-Mock-Fault": "429; retry-after=600"})
    with pytest.raises(RateLimitError) as caught:
        init_url.sync("garmin", client=client)
    assert caught.value.retry_after == 600.0


def test_delay_fault_slows_the_call(http: httpx.Client) -> None:
    started = time.monotonic()
    response = http.get(
        INIT.format(slug="garmin"), headers={**AUTH, "X-Spike-Mock-Fault": "delay=300"}
    )
    assert response.status_code == 200
    assert time.monotonic() - started >= 0.3


def test_html_fault_answers_an_html_page(http: httpx.Client) -> None:
    response = http.get(
        INIT.format(slug="garmin"), headers={**AUTH, "X-Spike-Mock-Fault": "502; html"}
    )
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(
    "header", ["teapot", "200", "503; times=0", "delay=99999999", "503; bogus=1"]
)
def test_bad_fault_header_gets_400_saying_how(http: httpx.Client, header: str) -> None:
    response = http.get(INIT.format(slug="garmin"), headers={**AUTH, "X-Spike-Mock-Fault": header})
    assert_problem(response, 400, "header.x-spike-mock-fault")


@pytest.mark.parametrize("status", [418, 499, 599])
def test_a_fault_of_a_status_without_a_reason_phrase_is_still_a_problem(
    http: httpx.Client, status: int
) -> None:
    response = http.get(
        INIT.format(slug="garmin"), headers={**AUTH, "X-Spike-Mock-Fault": str(status)}
    )
    assert_problem(response, status)
