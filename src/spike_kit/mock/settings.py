"""What a mock Spike server is configured with; every field has a documented default."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from attrs import field, frozen

from spike_kit.layout import SPEC_IN_REPO
from spike_kit.mock.flows import DEFAULT_SIZE_BYTES as DEFAULT_FLOW_STORE_BYTES

DEFAULT_APPLICATION_ID = 9999
DEFAULT_HMAC_KEY = "spike-mock-hmac-key-0123456789"
"""The mock's well-known key for application 9999. A test value, public by design."""
DEFAULT_STATIC_TOKEN = "spike-mock-token"  # noqa: S105 - a public test token of the mock
"""A bearer token the mock always accepts (as application 9999, user `mock-user`)."""
DEFAULT_REDIRECT_HOSTS = ("example.com", "localhost", "127.0.0.1")
DEFAULT_REDIRECT_URL = "https://example.com/spike/{provider_slug}/{application_user_id}"
CONSENT_MODES = ("redirect", "page")
"""How the consent URL answers: `redirect` plays the provider's consent at once (a 302 back,
for tests); `page` shows a consent screen with Allow and Deny, for a person in a browser."""
DEFAULT_WEBHOOK_KEY = "spike-mock-webhook-key-0123456789"
"""The key the mock signs its webhook deliveries with. A test value, public by design."""


def bundled_spec_path() -> Path:
    """The spec shipped inside the kit's wheel (pyproject's force-include), or, when running
    from a source checkout, the repository's own `openapi/spike.yaml`."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "data" / "spike.yaml"
    return packaged if packaged.is_file() else package.parents[1] / SPEC_IN_REPO


def _frozenset(values: Iterable[str]) -> frozenset[str]:
    return frozenset(values)


def _consent_mode(_instance: object, _attribute: object, value: str) -> None:
    if value not in CONSENT_MODES:
        raise ValueError(f"consent must be one of {', '.join(CONSENT_MODES)}, not {value!r}")


@frozen
class MockSettings:
    """Settings of one mock server.

    applications: application id -> HMAC key accepted by `POST /auth/hmac`.
    static_tokens: bearer tokens accepted without an exchange.
    redirect_hosts: the application's allow-list of redirect domains (subdomains included).
    default_redirect_url: where users return without `redirect_uri`; may hold the placeholders
        `{application_user_id}`, `{provider_slug}` and `{provider_user_id}`.
    token_ttl: seconds an issued token lives before 401 `expired jwt`.
    seed: None (the default) draws the token-signing secret and the integration codes at
        random on every start; a number makes both reproducible, and so predictable to anyone
        who knows it: for repeatable test runs only, by design.
    public_url: scheme and host for the URLs the mock hands out; default: the address the
        connection was accepted on (never the request's `Host` header).
    faults: whether the `X-Spike-Mock-Fault` header is obeyed.
    flow_store_bytes: memory for open integration codes (oldest overwritten first), so memory
        stays flat under any load; shared by all workers.
    spec_path: the contract to serve; default the one bundled with the kit.
    consent: `redirect` (the default) answers the consent URL with the redirect back at once;
        `page` shows an HTML consent screen for the provider, with Allow and Deny, and the
        user's answer leads back (see `spike_kit.mock.consent_page`).
    webhook_url: where the mock POSTs Spike's webhook events (`spike_kit.mock.webhooks`);
        None (the default) sends none.
    webhook_key: the webhook signature key the deliveries are signed with.
    webhook_time_scale: every wait of the delivery schedule times this (0.001: Spike's 5 s
        retry after 5 ms).
    """

    applications: Mapping[int, str] = field(
        factory=lambda: {DEFAULT_APPLICATION_ID: DEFAULT_HMAC_KEY}
    )
    static_tokens: frozenset[str] = field(
        default=frozenset({DEFAULT_STATIC_TOKEN}), converter=_frozenset
    )
    redirect_hosts: frozenset[str] = field(
        default=frozenset(DEFAULT_REDIRECT_HOSTS), converter=_frozenset
    )
    default_redirect_url: str = DEFAULT_REDIRECT_URL
    token_ttl: float = 3600.0
    seed: int | None = None
    public_url: str | None = None
    faults: bool = True
    flow_store_bytes: int = DEFAULT_FLOW_STORE_BYTES
    spec_path: Path = field(factory=bundled_spec_path)
    consent: str = field(default="redirect", validator=_consent_mode)
    webhook_url: str | None = None
    webhook_key: str = DEFAULT_WEBHOOK_KEY
    webhook_time_scale: float = 1.0

    def __repr__(self) -> str:
        """Keys and tokens are test values, but they still stay out of logs by habit."""
        return (
            f"MockSettings(applications={sorted(self.applications)}, "
            f"static_tokens=<{len(self.static_tokens)}>, "
            f"redirect_hosts={sorted(self.redirect_hosts)}, "
            f"seed={self.seed}, faults={self.faults}, consent={self.consent!r})"
        )
