"""The contract as test data: every test reads its cases from `openapi/spike.yaml`."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from spike_kit.spec import dereference, load_spec

SPEC_PATH = Path(__file__).resolve().parents[1] / "openapi" / "spike.yaml"
BASE_URL = "https://app-api.spikeapi.com/v3"


@cache
def spec() -> dict[str, Any]:
    return load_spec(SPEC_PATH)


def operation(path: str, method: str) -> dict[str, Any]:
    resolved: dict[str, Any] = dereference(spec(), spec()["paths"][path][method])
    return resolved


def response_example(path: str, method: str, status: str) -> Any:
    content = operation(path, method)["responses"][status]["content"]
    (media,) = content.values()
    return media["example"]


def provider_slugs(integration: str) -> list[str]:
    """Known slugs of one integration kind (`consent` or `sdk`), from `x-spike-providers`."""
    entries = spec()["components"]["parameters"]["ProviderSlug"]["x-spike-providers"]
    return [entry["slug"] for entry in entries if entry["integration"] == integration]


INIT_URL = "/providers/{provider_slug}/integration/init_url"
HMAC = "/auth/hmac"
