"""The contract as test data: every test reads its cases from `openapi/spike.yaml`."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest

from spike_kit import spec as spike_spec
from spike_kit.layout import RepoLayout
from spike_kit.spec import dereference, load_spec

SPEC_PATH = RepoLayout.find(Path(__file__)).spec
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
    return spike_spec.provider_slugs(spec(), integration)


INIT_URL = "/providers/{provider_slug}/integration/init_url"
HMAC = "/auth/hmac"


def _absolute_uri(value: str) -> bool:
    """RFC 3986 absolute URI, checked with urllib's parser, apart from the mock's and the
    client's own checks."""
    return bool(urlsplit(value).scheme) and not any(c.isspace() or ord(c) < 32 for c in value)


@cache
def _openapi_core() -> OpenAPI:
    # openapi-core 0.23 ships no checker for `format: uri` and reports FormatterNotFoundError
    # on every value; it is given an independent one.
    return OpenAPI.from_file_path(
        str(SPEC_PATH),
        config=Config(
            extra_format_validators={"uri": _absolute_uri},
            extra_format_unmarshallers={"uri": str},
        ),
    )


def openapi_core_findings(request: MockRequest) -> list[str]:
    """openapi-core's verdict on a request, a reading of the spec independent of the kit's:
    its unmarshal step lists findings instead of raising them."""
    return [repr(error) for error in _openapi_core().unmarshal_request(request).errors]
