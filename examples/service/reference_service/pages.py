"""What the person sees: plain HTML, every value escaped, forms that work without JavaScript.

A real service has its own templates; these show what each page must say. The outcome pages
speak of what happened to the person's data, not of states and redirects; a connection says
whether Spike confirmed it (its webhook), since the browser's word alone can be lost.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from reference_service.connections import Status

_STYLE = """
body{margin:0;font:16px/1.5 system-ui,sans-serif;background:#f8fafc;color:#0f172a}
header{background:#1e293b;color:#fff;padding:.75rem 1.5rem;display:flex;
justify-content:space-between;align-items:center}
header form{margin:0}
main{max-width:40rem;margin:2rem auto;padding:0 1.5rem}
h1{font-size:1.6rem}
ul{list-style:none;padding:0}
li{display:flex;justify-content:space-between;align-items:center;padding:.75rem 1rem;
background:#fff;border:1px solid #e2e8f0;border-radius:8px;margin-bottom:.5rem}
button{font:inherit;padding:.45rem 1.1rem;border-radius:6px;border:1px solid #2563eb;
background:#2563eb;color:#fff;cursor:pointer}
header button{background:transparent;border-color:#94a3b8}
input{font:inherit;padding:.4rem .6rem;border:1px solid #94a3b8;border-radius:6px;margin:0 .5rem}
.connected{color:#15803d;font-weight:600}
.waiting{color:#b45309}
small{display:block;font-weight:400;color:#475569}
.notice{padding:1rem 1.25rem;border-radius:8px;border:1px solid}
.good{background:#f0fdf4;border-color:#86efac}
.bad{background:#fef2f2;border-color:#fca5a5}
.neutral{background:#f1f5f9;border-color:#cbd5e1}
"""
SERVICE_NAME = "Reference service"


def page(title: str, body: str, user: str | None = None) -> str:
    """A whole page; `title` and `user` are escaped here, `body` by whoever built it."""
    signed_in = (
        f'<span>Signed in as <b>{escape(user)}</b></span><form method="post" action="/sign-out">'
        '<button type="submit">Sign out</button></form>'
        if user
        else ""
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} - {SERVICE_NAME}</title><style>{_STYLE}</style></head><body>"
        f"<header><b>{SERVICE_NAME}</b>{signed_in}</header>"
        f"<main>{body}</main></body></html>\n"
    )


def sign_in(problem: str | None = None) -> str:
    said = f'<p class="notice bad">{escape(problem)}</p>' if problem else ""
    return page(
        "Sign in",
        "<h1>Sign in</h1>"
        "<p>This example signs you in by name only: your own service has real accounts.</p>"
        f"{said}"
        '<form method="post" action="/sign-in"><label>Your user id '
        '<input name="user_id" required maxlength="128" pattern="[A-Za-z0-9._\\-]{1,128}">'
        '</label> <button type="submit">Sign in</button></form>',
    )


@dataclass(frozen=True)
class ProviderRow:
    slug: str
    name: str
    status: Status


def confirmation(status: Status) -> str:
    """Whether Spike confirmed a connection the person made (`data-confirmed` for tests)."""
    if status is Status.CONFIRMED:
        return '<small data-confirmed="yes">Confirmed by Spike</small>'
    return (
        '<small class="waiting" data-confirmed="no">Waiting for Spike to confirm it: '
        "reload in a moment</small>"
    )


def _connect_button(row: ProviderRow) -> str:
    return (
        f'<form method="post" action="/connect/{escape(row.slug)}">'
        f'<button type="submit">Connect {escape(row.name)}</button></form>'
    )


def connections(user: str, rows: Iterable[ProviderRow]) -> str:
    items = "".join(
        f"<li><span>{escape(row.name)}</span>"
        + (
            _connect_button(row)
            if row.status is Status.NOT_CONNECTED
            else f'<span class="connected">Connected{confirmation(row.status)}</span>'
        )
        + "</li>"
        for row in rows
    )
    return page(
        "Your devices",
        "<h1>Your devices</h1>"
        "<p>Connect a device or app, and we will receive its data through Spike.</p>"
        f"<ul>{items}</ul>",
        user,
    )


@dataclass(frozen=True)
class Outcome:
    """What happened to one connection, as the person is told."""

    kind: str
    """`connected`, `declined` (the person said no), `failed` (the provider or Spike said
    no) or `refused` (this service would not accept the way back)."""
    title: str
    text: str
    provider_slug: str = ""
    """The provider of a `connected` outcome, whose confirmation by Spike the page shows."""


def connected(provider: str, slug: str) -> Outcome:
    return Outcome(
        "connected",
        f"{provider} is connected",
        f"We can now receive your {provider} data through Spike. Nothing else is needed.",
        slug,
    )


def declined(provider: str) -> Outcome:
    return Outcome(
        "declined",
        f"{provider} was not connected",
        f"You chose not to share your {provider} data, so nothing was shared. You can connect "
        f"{provider} at any time.",
    )


def failed(provider: str, error: str) -> Outcome:
    return Outcome(
        "failed",
        f"{provider} could not be connected",
        f"{provider} did not finish the connection (it said: {error}). Nothing was shared. "
        "Please try again in a few minutes.",
    )


def not_started(provider: str) -> Outcome:
    return Outcome(
        "failed",
        f"{provider} could not be connected",
        "We could not reach Spike to start the connection. Nothing was shared. Please try "
        "again in a few minutes.",
    )


def refused(reason: str) -> Outcome:
    return Outcome(
        "refused",
        "This connection link cannot be used",
        f"{reason} Nothing was changed.",
    )


_TONE = {"connected": "good", "declined": "neutral", "failed": "bad", "refused": "bad"}


def outcome(result: Outcome, user: str | None, status: Status | None = None) -> str:
    """`status`: for a `connected` outcome, whether Spike has confirmed it yet."""
    confirmed = confirmation(status) if status is not None else ""
    return page(
        result.title,
        f'<div class="notice {_TONE[result.kind]}" data-outcome="{escape(result.kind)}">'
        f"<h1>{escape(result.title)}</h1><p>{escape(result.text)}</p>{confirmed}</div>"
        '<p><a href="/">Back to your devices</a></p>',
        user,
    )


def not_found(what: str) -> str:
    return page("Not found", f"<h1>Not found</h1><p>{escape(what)}</p>")
