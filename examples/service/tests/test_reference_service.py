"""The reference service against the kit's mock Spike, the way a person goes through it.

The service and the mock each run on 127.0.0.1; the `service` fixture is the person's
browser (httpx, keeping the session cookie), pointed at the service.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest
from browser_steps import ALLOW, DENY, answer, come_back, consent_url, outcome_of, sign_in
from reference_service.app import create_app
from reference_service.settings import ConfigError


def test_signed_out_a_person_is_asked_to_sign_in(service: httpx.Client) -> None:
    page = service.get("/")
    assert "Sign in" in page.text
    assert service.post("/connect/garmin").headers["location"] == "/"


def test_allow_connects_the_provider(service: httpx.Client) -> None:
    sign_in(service, "alice")
    home = service.get("/")
    assert "Connect Garmin" in home.text
    url = consent_url(service, "garmin")
    assert url.startswith("http://127.0.0.1:")
    shown = come_back(service, answer(service, url, ALLOW))
    assert outcome_of(shown) == "connected"
    assert "Garmin is connected" in shown.text
    assert service.get("/outcome").text == shown.text  # a reload shows it again
    home = service.get("/")
    assert "Connect Garmin" not in home.text
    assert "Connected" in home.text
    assert "Connect Oura" in home.text


def test_deny_tells_the_person_nothing_was_shared(service: httpx.Client) -> None:
    sign_in(service, "bob")
    shown = come_back(service, answer(service, consent_url(service, "oura"), DENY))
    assert outcome_of(shown) == "declined"
    assert "Oura was not connected" in shown.text
    assert "You chose not to share your Oura data" in shown.text
    assert "Connect Oura" in service.get("/").text


def test_a_provider_failure_is_shown_escaped(service: httpx.Client) -> None:
    """Spike's `error` other than access_denied: the provider failed; its text is shown, as
    text."""
    sign_in(service, "carol")
    back = urlsplit(answer(service, consent_url(service, "polar"), ALLOW))
    query = [*parse_qsl(back.query), ("error", "<b>server_error</b>")]
    shown = come_back(service, f"{back.path}?{urlencode(query)}")
    assert outcome_of(shown) == "failed"
    assert "Polar could not be connected" in shown.text
    assert "&lt;b&gt;server_error&lt;/b&gt;" in shown.text
    assert "<b>server_error" not in shown.text


def test_a_replayed_callback_is_refused(service: httpx.Client) -> None:
    sign_in(service, "dave")
    callback = answer(service, consent_url(service, "fitbit"), ALLOW)
    assert outcome_of(come_back(service, callback)) == "connected"
    replayed = service.get(callback)
    assert replayed.status_code == 400
    assert outcome_of(replayed) == "refused"
    assert "This link was already used" in replayed.text


def test_a_callback_for_another_account_is_refused(service: httpx.Client) -> None:
    sign_in(service, "erin")
    callback = answer(service, consent_url(service, "withings"), ALLOW)
    service.cookies.clear()
    sign_in(service, "mallory")
    refused = service.get(callback)
    assert refused.status_code == 403
    assert "started by another account" in refused.text
    assert "Connected" not in service.get("/").text


def test_a_callback_the_service_did_not_start_is_refused(service: httpx.Client) -> None:
    sign_in(service, "frank")
    for query in (
        "user_id=frank&provider_slug=garmin",
        "user_id=frank&provider_slug=garmin&state=made-up",
        "",
    ):
        refused = service.get(f"/spike/callback?{query}")
        assert refused.status_code == 400
        assert "did not come from a connection started here" in refused.text


def test_signed_out_the_callback_is_refused(service: httpx.Client) -> None:
    sign_in(service, "gina")
    callback = answer(service, consent_url(service, "garmin"), ALLOW)
    service.post("/sign-out")
    refused = service.get(callback)
    assert refused.status_code == 403
    assert "You are not signed in" in refused.text


def test_only_offered_providers_and_valid_user_ids(service: httpx.Client) -> None:
    assert service.post("/sign-in", data={"user_id": "not valid!"}).status_code == 400
    sign_in(service, "hank")
    assert service.post("/connect/apple").status_code == 404


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("SERVICE_STATE_KEY", "short", "SERVICE_STATE_KEY to a secret of at least 16 bytes"),
        ("SERVICE_SESSION_KEY", "", "SERVICE_SESSION_KEY to a secret of at least 16 bytes"),
        ("SERVICE_PUBLIC_URL", "127.0.0.1:8000", "set SERVICE_PUBLIC_URL"),
        ("SERVICE_PROVIDERS", "garmin,Not A Slug", "SERVICE_PROVIDERS is a comma-separated"),
        ("SPIKE_WEBHOOK_KEY", "", "set SPIKE_WEBHOOK_KEY to the Webhook Signature Key"),
        ("SPIKE_WEBHOOK_KEY", "copied-with-a-newline\n", "without spaces or a newline"),
    ],
)
def test_a_bad_setting_stops_the_service_with_its_name(
    base_env: dict[str, str], name: str, value: str, said: str
) -> None:
    with pytest.raises(ConfigError, match=said):
        create_app({**base_env, name: value})


def test_the_keys_stay_out_of_the_settings_repr(base_env: dict[str, str]) -> None:
    settings = create_app(base_env).state.service.settings
    assert base_env["SERVICE_STATE_KEY"] not in repr(settings)
    assert base_env["SERVICE_SESSION_KEY"] not in repr(settings)
    assert base_env["SPIKE_WEBHOOK_KEY"] not in repr(settings)
