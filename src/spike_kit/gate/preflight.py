"""Before the gate fuzzes a server: is it there, and does it take our token?

Without this, a wrong or expired token turns every call into a documented 401, which the
schemathesis run counts as conforming: a green gate that tested nothing.
"""

from __future__ import annotations

import os
import sys

import httpx

PROBE_SLUG = "garmin"


def probe(base_url: str, token: str, timeout: float = 10.0) -> str | None:
    """Why the server cannot be gated with this token, or None when it can."""
    url = f"{base_url.rstrip('/')}/providers/{PROBE_SLUG}/integration/init_url"
    try:
        response = httpx.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=timeout)
    except httpx.HTTPError as exc:
        return f"cannot reach {url}: {exc.__class__.__name__}"
    if response.status_code in (401, 403):
        detail = ""
        if "json" in response.headers.get("content-type", ""):
            try:
                body = response.json()
            except ValueError:
                body = None
            if isinstance(body, dict) and isinstance(body.get("detail"), str):
                detail = f" ({body['detail']})"
        return f"the server refused the token: {response.status_code}{detail}"
    if response.status_code != 200:
        return f"GET {url} answered {response.status_code}, expected 200"
    return None


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m spike_kit.gate.preflight BASE_URL TOKEN_ENV_NAME", file=sys.stderr)
        return 2
    base_url, token_env = args
    token = os.environ.get(token_env, "")
    reason = probe(base_url, token)
    if reason is not None:
        shown = f"preflight: {reason}"
        print(shown.replace(token, "[redacted]") if token else shown)
        return 1
    print(f"preflight: {base_url} answers GET init_url with 200 for this token")
    return 0


if __name__ == "__main__":
    sys.exit(main())
