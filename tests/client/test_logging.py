"""The client's log lines fit a service's logging: silent until configured, structured, and
free of credentials and query values (`state`, and `provider_user_id`, an email address)."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap

import httpx
import pytest
import respx
from spike_api_client import SpikeError

from tests.client.support import BASE_URL, GOOD_BODY, ROUTE, Call, make_client

STATE = "state-value-4f1c9a"
EMAIL = "someone@example.com"


def test_the_package_logger_has_a_null_handler() -> None:
    handlers = logging.getLogger("spike_api_client").handlers
    assert any(isinstance(handler, logging.NullHandler) for handler in handlers)


def test_retry_warnings_stay_silent_where_logging_was_never_configured() -> None:
    """Python prints warnings of loggers without handlers to stderr ("last resort")."""
    program = textwrap.dedent(
        """
        import httpx
        from spike_api_client import AuthenticatedClient, RetryPolicy
        from spike_api_client.api.provider_integration import get_integration_init_url

        answers = iter([httpx.Response(503), httpx.Response(200, json={
            "provider_slug": "garmin", "path": "https://app-api.spikeapi.com/v3/x"})])
        client = AuthenticatedClient(
            token="tok-0123456789abcdef",
            retry=RetryPolicy(initial_delay=0.01),
            transport=httpx.MockTransport(lambda request: next(answers)),
        )
        print(get_integration_init_url.sync("garmin", client=client).provider_slug)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "garmin"
    assert done.stderr == ""


def _client_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "spike_api_client"]


def test_records_carry_structured_fields(call: Call, caplog: pytest.LogCaptureFixture) -> None:
    with respx.mock() as router:
        router.get(ROUTE).mock(
            side_effect=[httpx.Response(503), httpx.Response(200, json=GOOD_BODY)]
        )
        call(make_client())
    records = _client_records(caplog)
    attempts = [r for r in records if r.levelno == logging.INFO]
    assert [(r.operation, r.attempt, r.status) for r in attempts] == [  # type: ignore[attr-defined]
        ("getIntegrationInitUrl", 1, 503),
        ("getIntegrationInitUrl", 2, 200),
    ]
    assert all(isinstance(r.elapsed_ms, float) for r in attempts)  # type: ignore[attr-defined]
    (retry,) = [r for r in records if r.levelno == logging.WARNING]
    assert retry.operation == "getIntegrationInitUrl"  # type: ignore[attr-defined]
    assert retry.attempt == 1  # type: ignore[attr-defined]
    assert 0 < retry.retry_in <= 0.2  # type: ignore[attr-defined]


def test_no_query_value_reaches_a_client_log_line(
    call: Call, caplog: pytest.LogCaptureFixture
) -> None:
    with respx.mock() as router:
        router.get(url__startswith=ROUTE).mock(
            side_effect=[httpx.Response(503), httpx.Response(200, json=GOOD_BODY)]
        )
        call(make_client(), slug="garmin", state=STATE, provider_user_id=EMAIL)
    records = _client_records(caplog)
    assert len(records) >= 4  # two attempts at INFO and DEBUG, one retry
    for record in records:
        text = record.getMessage() + repr(record.__dict__)
        assert STATE not in text
        assert EMAIL not in text


@pytest.mark.parametrize(
    ("slug", "on_the_wire"),
    [
        ("garmin\nFAKE: admin logged in", "garmin%0AFAKE%3A%20admin%20logged%20in"),
        ("gar/min", "gar%2Fmin"),
    ],
    ids=["newline", "slash"],
)
def test_a_slug_is_logged_and_reported_as_sent(
    call: Call, caplog: pytest.LogCaptureFixture, slug: str, on_the_wire: str
) -> None:
    """A slug taken from a user's request can neither start a log line of its own nor pass
    for another path: logs and messages show the path percent-encoded, as it went out."""
    caplog.set_level(logging.DEBUG, logger="spike_api_client")
    with respx.mock() as router:
        router.get(url__startswith=BASE_URL).mock(return_value=httpx.Response(404))
        with pytest.raises(SpikeError) as raised:
            call(make_client(), slug=slug)
    expected = f"/v3/providers/{on_the_wire}/integration/init_url"
    assert expected in str(raised.value)
    records = _client_records(caplog)
    assert records
    for record in records:
        message = record.getMessage()
        assert "\n" not in message
        assert slug not in message
    assert any(expected in record.getMessage() for record in records)
