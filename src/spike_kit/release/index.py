"""What a package index already holds for a project: its simple page (PEP 503 or PEP 691).

Redirects are followed only within the index's own origin. Some indexes send a project they
do not hold to a public one (pypiserver's fallback to PyPI): those files are not on *this*
index, so they count as absent, and the answer says where the index sent us.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from html.parser import HTMLParser
from typing import IO
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from attrs import frozen

ACCEPT = (
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, "
    "text/html;q=0.1"
)
TIMEOUT_SECONDS = 30.0
MAX_PAGE_BYTES = 16 * 1024 * 1024


class IndexReadError(Exception):
    """Raised when the index cannot say what it holds (refused, unreachable, unreadable)."""


def shown(url: str) -> str:
    """A URL fit for a log: any user info (`user:token@`) removed."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


def same_origin(a: str, b: str) -> bool:
    first, second = urlsplit(a), urlsplit(b)
    return (first.scheme, first.hostname, first.port) == (
        second.scheme,
        second.hostname,
        second.port,
    )


@frozen
class Listing:
    """The file names an index lists for a project, and where it sent us if it sent us away."""

    filenames: frozenset[str]
    redirected_to: str | None = None


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.extend(value for name, value in attrs if name == "href" and value)


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: object,
        newurl: str,
    ) -> urllib.request.Request | None:
        if not same_origin(req.full_url, newurl):
            return None  # urllib then raises HTTPError with the 3xx code
        return super().redirect_request(req, fp, code, msg, headers, newurl)  # type: ignore[arg-type]


def _filenames(body: bytes, content_type: str) -> frozenset[str]:
    if "json" in content_type:
        document = json.loads(body)
        return frozenset(str(entry["filename"]) for entry in document.get("files", []))
    parser = _Links()
    parser.feed(body.decode("utf-8", "replace"))
    return frozenset(unquote(urlsplit(href).path.rsplit("/", 1)[-1]) for href in parser.hrefs)


def project_files(
    simple_url: str, project: str, credentials: tuple[str, str] | None = None
) -> Listing:
    """The files `simple_url` lists for `project` (a normalized name); empty when none."""
    page = urljoin(simple_url.rstrip("/") + "/", f"{project}/")
    request = urllib.request.Request(page, headers={"Accept": ACCEPT})  # noqa: S310 - http(s) only
    if urlsplit(page).scheme not in ("http", "https"):
        raise IndexReadError(f"the index URL must be http or https: {shown(simple_url)}")
    if credentials is not None:
        pair = base64.b64encode(f"{credentials[0]}:{credentials[1]}".encode()).decode()
        request.add_unredirected_header("Authorization", f"Basic {pair}")
    opener = urllib.request.build_opener(_SameOriginRedirects())
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            body = response.read(MAX_PAGE_BYTES + 1)
            content_type = response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return Listing(frozenset())
        if 300 <= exc.code < 400 and exc.headers.get("Location"):
            return Listing(frozenset(), shown(urljoin(page, exc.headers["Location"])))
        if exc.code in (401, 403):
            raise IndexReadError(
                f"{shown(page)} refused to list {project} ({exc.code}): check the index user "
                "and token"
            ) from None
        raise IndexReadError(f"{shown(page)} answered {exc.code} for {project}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise IndexReadError(f"cannot reach {shown(page)}: {reason}") from None
    if len(body) > MAX_PAGE_BYTES:
        raise IndexReadError(f"{shown(page)} sent a page over {MAX_PAGE_BYTES} bytes")
    try:
        return Listing(_filenames(body, content_type))
    except (ValueError, KeyError, TypeError) as exc:
        raise IndexReadError(
            f"{shown(page)} sent a page that is not a simple index: {exc}"
        ) from None
