"""The person's steps through the flow, with httpx as their browser (the `service` fixture),
shared by the service's test modules."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx

ALLOW, DENY = "allow", "deny"


def sign_in(service: httpx.Client, user: str) -> None:
    response = service.post("/sign-in", data={"user_id": user})
    assert response.status_code == 303


def consent_url(service: httpx.Client, provider: str) -> str:
    """Click "Connect <provider>": the service sends the browser to Spike's consent URL."""
    response = service.post(f"/connect/{provider}")
    assert response.status_code == 303, response.text
    return response.headers["location"]


def answer(browser: httpx.Client, url: str, decision: str) -> str:
    """The person answers the mock's consent page; the path and query the browser comes
    back to at the service."""
    page = browser.get(url)
    assert page.status_code == 200
    back = browser.post(url, data={"decision": decision})
    assert back.status_code == 303, back.text
    location = urlsplit(back.headers["location"])
    assert f"{location.scheme}://{location.netloc}" == str(browser.base_url).rstrip("/")
    return f"{location.path}?{location.query}"


def come_back(service: httpx.Client, callback: str) -> httpx.Response:
    """The browser returns to the callback and follows it to the outcome page."""
    response = service.get(callback)
    if response.status_code != 303:
        return response
    assert response.headers["location"] == "/outcome"
    return service.get("/outcome")


def outcome_of(response: httpx.Response) -> str:
    marker = 'data-outcome="'
    assert marker in response.text, response.text
    return response.text.split(marker, 1)[1].split('"', 1)[0]
