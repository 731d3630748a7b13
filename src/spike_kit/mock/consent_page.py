"""The provider's consent as a page a person answers: `spike-mock --consent page`.

By default the mock plays the provider's consent at once (a 302 back), which is what tests
want. A developer clicking "Connect Garmin" in their own app wants to see the flow instead:
with `consent="page"` the consent URL shows a small HTML screen naming the provider, the
application and its user, with Allow and Deny. It needs no JavaScript (one form, two submit
buttons) and escapes everything it shows.

The mock's codes stay single-use, and showing the page is not using one: the page only peeks
at the flow, and the answer (a POST) takes it, so a reload shows the same page while a second
answer, from the back button or a replayed request, is refused with a page that says so.

Against cross-site misuse, as far as a mock sensibly goes: the decision is a POST only (a GET
never changes anything); a POST whose browser says it came from another site
(`Sec-Fetch-Site`, else an `Origin` that is not this host) is refused, as Go's
`http.CrossOriginProtection` does; the form must be a urlencoded form of at most 1 KiB; and
the page may not be framed (no clickjacking of the Allow button), is not cached, and sends no
`Referer` (the code is in its URL).
"""

from __future__ import annotations

import base64
import hashlib
import html
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from spike_kit.mock.app import Flow, MockState, Request, finish_flow, redirect_target
from spike_kit.mock.asgi import Reply, read_body

ALLOW = "allow"
DENY = "deny"
DENIED = "access_denied"
"""The `error` a Deny comes back with: OAuth's word for a refused consent, as Spike's docs
show it."""
MAX_FORM_BYTES = 1024
FORM_TYPE = "application/x-www-form-urlencoded"

_STYLE = (
    "body{margin:0;font:16px/1.5 system-ui,sans-serif;background:#f3f4f6;color:#111827}"
    "main{max-width:32rem;margin:4rem auto;padding:2rem;background:#fff;border-radius:12px;"
    "box-shadow:0 1px 4px rgba(0,0,0,.12)}"
    "h1{font-size:1.5rem;margin:.25rem 0 1rem}"
    ".mock{font-size:.8rem;color:#6b7280;margin:0}"
    ".actions{display:flex;gap:1rem;margin-top:1.5rem}"
    "button{font:inherit;padding:.6rem 1.6rem;border-radius:8px;border:1px solid #9ca3af;"
    "background:#fff;cursor:pointer}"
    "button.allow{background:#15803d;border-color:#15803d;color:#fff}"
    "dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}"
    "dt{color:#6b7280}dd{margin:0;overflow-wrap:anywhere}"
)
_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()
_HEADERS = (
    (b"cache-control", b"no-store"),
    (
        b"content-security-policy",
        # No `form-action`: Chromium applies it to the redirect that follows the form too,
        # and the answer's redirect leads to the application, another origin.
        f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; frame-ancestors 'none'; "
        "base-uri 'none'".encode(),
    ),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
)
_HTML_TYPE = b"text/html; charset=utf-8"


def _page(status: int, title: str, body: str) -> Reply:
    """A whole HTML page; `title` is escaped here, `body` must be escaped by the caller."""
    text = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )
    return Reply(status, text.encode("utf-8"), _HTML_TYPE, _HEADERS)


def _mock_note(provider: str) -> str:
    return (
        f'<p class="mock">spike-mock: a stand-in for {html.escape(provider)}\'s consent screen. '
        "Nothing leaves this machine.</p>"
    )


def _refused(status: int, title: str, reason: str) -> Reply:
    body = (
        '<p class="mock">spike-mock</p>'
        f"<h1>{html.escape(title)}</h1><p>{html.escape(reason)}</p>"
        "<p>Go back to the application and connect the provider again.</p>"
    )
    return _page(status, title, body)


def _unusable_code(state: MockState, code: str) -> Reply:
    if state.flows.was_used(code):
        return _refused(
            410,
            "This consent request was already answered",
            "Each consent link works once, and this one was answered already (Allow or Deny).",
        )
    return _refused(
        404,
        "Unknown consent link",
        "This link is not one the mock handed out, or the mock has forgotten it (it keeps a "
        "bounded number of open links, and none across a restart).",
    )


def _open_flow(state: MockState, request: Request) -> Flow | Reply:
    """The flow the URL's code names, left open; or the page that says why there is none."""
    code = request.path_params["ic"]
    raw = state.flows.peek(code)
    flow = Flow.decode(raw) if raw is not None else None
    if flow is None:
        return _unusable_code(state, code)
    if flow.provider_slug != request.path_params["provider_slug"]:
        return _refused(404, "Unknown consent link", "This link names another provider.")
    return flow


def _without_query(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


async def show_consent(state: MockState, request: Request) -> Reply:
    """GET: the consent screen. Showing it leaves the code open."""
    flow = _open_flow(state, request)
    if isinstance(flow, Reply):
        return flow
    provider = state.providers.get(flow.provider_slug)
    name = provider.name if provider is not None else flow.provider_slug
    rows = [
        ("Application", str(flow.identity.application_id)),
        ("Application user", flow.identity.application_user_id),
    ]
    if flow.provider_user_id:
        rows.append((f"Your {name} account", flow.provider_user_id))
    rows.append(("Then back to", _without_query(redirect_target(state, flow))))
    details = "".join(
        f"<dt>{html.escape(label)}</dt><dd>{html.escape(value)}</dd>" for label, value in rows
    )
    body = (
        f"{_mock_note(name)}<h1>Allow access to your {html.escape(name)} data?</h1>"
        f"<p>An application asks Spike to read your {html.escape(name)} data.</p>"
        f"<dl>{details}</dl>"
        '<form method="post" class="actions">'
        f'<button type="submit" name="decision" value="{ALLOW}" class="allow">Allow</button>'
        f'<button type="submit" name="decision" value="{DENY}" class="deny">Deny</button>'
        "</form>"
    )
    return _page(200, f"Connect {name} (spike-mock)", body)


def cross_site(headers: dict[str, str]) -> str | None:
    """Why a POST seems to come from another site, or None. A browser says where a form was
    sent from (`Sec-Fetch-Site`, and `Origin` in older ones); a request without either is not
    from a browser, where cross-site forgery has no victim."""
    site = headers.get("sec-fetch-site")
    if site is not None:
        return None if site in ("same-origin", "none") else f"Sec-Fetch-Site: {site}"
    origin = headers.get("origin")
    if origin is None:
        return None
    host = headers.get("host", "")
    if origin == "null" or urlsplit(origin).netloc.lower() != host.lower():
        return f"Origin: {origin}"
    return None


def _decision(raw: bytes) -> str | None:
    try:
        fields = parse_qsl(raw.decode("ascii"), keep_blank_values=True, max_num_fields=8)
    except (UnicodeDecodeError, ValueError):
        return None
    decisions = [value for name, value in fields if name == "decision"]
    return decisions[0] if len(decisions) == 1 and decisions[0] in (ALLOW, DENY) else None


async def answer_consent(state: MockState, request: Request) -> Reply:
    """POST: Allow or Deny. Uses the code up and sends the browser back (303: a GET)."""
    headers = request.headers
    forged = cross_site(headers)
    if forged is not None:
        return _refused(
            403,
            "Refused: the answer did not come from this consent page",
            f"The mock takes Allow or Deny only from its own page; the browser said: {forged}.",
        )
    media_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != FORM_TYPE:
        return _refused(415, "The answer could not be read", f"Send the page's form ({FORM_TYPE}).")
    raw = await read_body(request.receive, headers.get("content-length"), MAX_FORM_BYTES)
    if raw is None:
        return _refused(413, "The answer could not be read", "The form is too large.")
    decision = _decision(raw)
    if decision is None:
        return _refused(
            400, "The answer could not be read", f"Answer with decision={ALLOW} or {DENY}."
        )
    flow = _open_flow(state, request)
    if isinstance(flow, Reply):
        return flow
    if state.flows.take(request.path_params["ic"]) is None:  # answered meanwhile, elsewhere
        return _unusable_code(state, request.path_params["ic"])
    outcome = DENIED if decision == DENY else flow.outcome
    return finish_flow(state, flow, outcome, status=303)
