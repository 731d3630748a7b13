"""The service's configuration, all from the environment, checked once at start-up.

Spike's own settings (`SPIKE_APPLICATION_ID`, `SPIKE_HMAC_KEY`, `SPIKE_BASE_URL`) are read by
`ApplicationClient.from_env()`; the rest (Spike's webhook key among them) here. A missing or
unusable value stops the service at start with a sentence naming the variable, rather than at
the first click or the first webhook.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_PROVIDERS = ("garmin", "fitbit", "oura", "polar", "withings")
PROVIDER_NAMES = {
    "coros": "COROS",
    "dexcom": "Dexcom",
    "fitbit": "Fitbit",
    "freestyle_libre": "FreeStyle Libre",
    "garmin": "Garmin",
    "huawei": "Huawei Health",
    "luna": "Luna",
    "omron_eu": "OMRON (EU)",
    "omron_us": "OMRON (US)",
    "oura": "Oura",
    "polar": "Polar",
    "strava": "Strava",
    "suunto": "Suunto",
    "whoop": "WHOOP",
    "withings": "Withings",
}
"""How people call the providers (the contract's `x-spike-providers` names). Ultrahuman is
left out: it needs the user's email at Ultrahuman (`provider_user_id`), which this example
does not ask for."""
MIN_KEY_BYTES = 16
_SLUG = re.compile(r"[a-z0-9_]{1,64}")


class ConfigError(Exception):
    """A setting is missing or unusable; the message names the variable."""


def _key(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "")
    if len(value.encode("utf-8")) < MIN_KEY_BYTES:
        raise ConfigError(f"set {name} to a secret of at least {MIN_KEY_BYTES} bytes")
    return value


def _webhook_key(env: Mapping[str, str]) -> str:
    """Spike generates this key, so its length is not ours to require; only a value copied
    with spaces or a newline around it is refused here, rather than at every delivery."""
    value = env.get("SPIKE_WEBHOOK_KEY", "")
    if not value or value != value.strip():
        raise ConfigError(
            "set SPIKE_WEBHOOK_KEY to the Webhook Signature Key from Spike's admin console "
            "(without spaces or a newline around it)"
        )
    return value


def _public_url(env: Mapping[str, str]) -> str:
    value = env.get("SERVICE_PUBLIC_URL", "").rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path or parts.query:
        raise ConfigError(
            "set SERVICE_PUBLIC_URL to where browsers reach this service, such as "
            "https://app.example.com or http://127.0.0.1:8000 (scheme and host, no path)"
        )
    return value


def _providers(env: Mapping[str, str]) -> tuple[str, ...]:
    listed = env.get("SERVICE_PROVIDERS")
    if not listed:
        return DEFAULT_PROVIDERS
    slugs = tuple(slug.strip() for slug in listed.split(",") if slug.strip())
    bad = [slug for slug in slugs if not _SLUG.fullmatch(slug)]
    if bad or not slugs:
        raise ConfigError(f"SERVICE_PROVIDERS is a comma-separated list of provider slugs: {bad}")
    return slugs


@dataclass(frozen=True, repr=False)
class Settings:
    """What the service needs besides Spike's own settings.

    public_url: where browsers reach the service (`SERVICE_PUBLIC_URL`); the redirect back
        comes to `<public_url>/spike/callback`, so its host must be on the application's
        allow-list of redirect domains in Spike's admin console (the mock allows 127.0.0.1).
    state_key: signs the `state` of each flow (`SERVICE_STATE_KEY`); a key of its own, never
        Spike's HMAC key.
    session_key: signs the session cookie (`SERVICE_SESSION_KEY`).
    webhook_key: checks the signature of Spike's webhook deliveries (`SPIKE_WEBHOOK_KEY`):
        the admin console's "Webhook Signature Key", which is not the HMAC key. Spike POSTs
        to the application's webhook URL, set in the console to `<public_url>/spike/webhooks`.
    providers: the providers offered (`SERVICE_PROVIDERS`, comma-separated slugs).
    redirect_hosts: hosts, besides Spike's, that a returned consent URL may point at
        (`SPIKE_REDIRECT_HOSTS`, comma-separated; `127.0.0.1:*` for the mock). Newer clients
        read it in `ApplicationClient.from_env()` themselves; passing it too is harmless.
    """

    public_url: str
    state_key: str
    session_key: str
    webhook_key: str
    providers: tuple[str, ...]
    redirect_hosts: tuple[str, ...]

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        hosts = tuple(
            host.strip() for host in env.get("SPIKE_REDIRECT_HOSTS", "").split(",") if host.strip()
        )
        return cls(
            public_url=_public_url(env),
            state_key=_key(env, "SERVICE_STATE_KEY"),
            session_key=_key(env, "SERVICE_SESSION_KEY"),
            webhook_key=_webhook_key(env),
            providers=_providers(env),
            redirect_hosts=hosts,
        )

    def __repr__(self) -> str:
        """The keys stay out of logs and tracebacks."""
        return f"Settings(public_url={self.public_url!r}, providers={self.providers})"

    @property
    def callback_url(self) -> str:
        return f"{self.public_url}/spike/callback"

    @property
    def secure_cookies(self) -> bool:
        """Cookies only over https when the service is served over https."""
        return self.public_url.startswith("https://")


def provider_name(slug: str) -> str:
    return PROVIDER_NAMES.get(slug, slug.replace("_", " ").title())
