"""The contract as test data: every test reads its cases from `openapi/spike.yaml`."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import pytest
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


def missing(what: str) -> NoReturn:
    """A part of the spec these suites test is not there, or is one they cannot test: say so
    in the spec's words (a failure: never a KeyError from test code, never a silent pass)."""
    pytest.fail(f"{SPEC_PATH.name}: {what}", pytrace=False)


def operation(path: str, method: str) -> dict[str, Any]:
    item = (spec().get("paths") or {}).get(path)
    if not isinstance(item, dict) or method not in item:
        missing(f"has no {method.upper()} {path}, which the client's contract suites test")
    resolved: dict[str, Any] = dereference(spec(), item[method])
    return resolved


def json_media(path: str, method: str, status: str | None = None) -> tuple[str, dict[str, Any]]:
    """The JSON media type of an operation's request body (`status` None) or of one of its
    responses, and its entry: the one the generated client sends or reads (the first JSON
    type, as openapi-python-client picks it)."""
    found = operation(path, method)
    where = f"{method.upper()} {path}"
    if status is None:
        holder, said = found.get("requestBody") or {}, f"the request body of {where}"
    else:
        holder = (found.get("responses") or {}).get(status)
        said = f"the {status} response of {where}"
        if holder is None:
            missing(f"documents no {status} response for {where}")
    for media_type, entry in (holder.get("content") or {}).items():
        kind = media_type.split(";", 1)[0].strip().lower()
        if kind == "application/json" or kind.endswith("+json"):
            return media_type, entry
    missing(f"{said} has no JSON media type (application/json or */*+json)")


def media_types(path: str, method: str) -> list[tuple[str | None, str]]:
    """(status, media type) of everything an operation documents a body for: its request
    body (status None) and each response."""
    found = operation(path, method)
    listed: list[tuple[str | None, str]] = [
        (None, media) for media in ((found.get("requestBody") or {}).get("content") or {})
    ]
    for status, response in (found.get("responses") or {}).items():
        listed += [(status, media) for media in ((response or {}).get("content") or {})]
    return listed


def path_parameter(path: str, method: str) -> dict[str, Any]:
    """The operation's one path parameter (the client suites call it with a generated one)."""
    declared = [p for p in operation(path, method).get("parameters", []) if p.get("in") == "path"]
    if len(declared) != 1:
        missing(
            f"{method.upper()} {path} declares {len(declared)} path parameters; the client's "
            "contract suites test one"
        )
    parameter: dict[str, Any] = declared[0]
    return parameter


def response_example(path: str, method: str, status: str) -> Any:
    media_type, entry = json_media(path, method, status)
    if "example" not in entry:
        missing(f"the {status} {media_type} response of {method.upper()} {path} has no example")
    return entry["example"]


def provider_slugs(integration: str) -> list[str]:
    """Known slugs of one integration kind (`consent` or `sdk`), from `x-spike-providers`."""
    return spike_spec.provider_slugs(spec(), integration)


INIT_URL = "/providers/{provider_slug}/integration/init_url"
HMAC = "/auth/hmac"
WEBHOOK = "spikeEvents"
"""The webhook the client's `read_webhook` reads (its runtime names it too)."""


def webhook(name: str, method: str = "post") -> dict[str, Any]:
    """A webhook's operation, every `$ref` resolved (and its path item's parameters first)."""
    item = (spec().get("webhooks") or {}).get(name)
    resolved = dereference(spec(), item) if isinstance(item, dict) else None
    if not isinstance(resolved, dict) or not isinstance(resolved.get(method), dict):
        missing(
            f"has no webhook `webhooks.{name}.{method}`, whose deliveries the client's "
            "`read_webhook` reads"
        )
    found = dict(resolved[method])
    found["parameters"] = [*(resolved.get("parameters") or []), *(found.get("parameters") or [])]
    return found


def webhook_body(name: str) -> dict[str, Any]:
    """The webhook's JSON request body entry (schema, examples): what Spike sends."""
    content = (webhook(name).get("requestBody") or {}).get("content") or {}
    for media_type, entry in content.items():
        kind = media_type.split(";", 1)[0].strip().lower()
        if isinstance(entry, dict) and (kind == "application/json" or kind.endswith("+json")):
            if not isinstance(entry.get("schema"), dict):
                missing(f"the {media_type} body of webhook `{name}` has no schema")
            return entry
    missing(f"the body of webhook `{name}` has no JSON media type (application/json)")


def webhook_examples(name: str) -> dict[str, Any]:
    """Every example of the webhook's body, by name (`example`, or each of `examples`)."""
    entry = webhook_body(name)
    found: dict[str, Any] = {}
    if "example" in entry:
        found["example"] = entry["example"]
    for key, example in (entry.get("examples") or {}).items():
        if isinstance(example, dict) and "value" in example:
            found[f"examples.{key}"] = example["value"]
    if not found:
        missing(f"the body of webhook `{name}` has no example to verify the client with")
    return found


def _absolute_uri(value: str) -> bool:
    """RFC 3986 absolute URI, checked with urllib's parser, apart from the mock's and the
    client's own checks."""
    return bool(urlsplit(value).scheme) and not any(c.isspace() or ord(c) < 32 for c in value)


@cache
def _openapi_core() -> OpenAPI:
    # openapi-core 0.23 ships no checker for `format: uri` and reports FormatterNotFoundError
    # on every value; it is given an independent one. It reads the document the kit's loader
    # made (so YAML reads alike everywhere), and does not validate the spec itself: the gate's
    # spec checks say what is wrong with a spec, at its line, and this suite tests the client.
    return OpenAPI.from_dict(
        spec(),
        config=Config(
            extra_format_validators={"uri": _absolute_uri},
            extra_format_unmarshallers={"uri": str},
            spec_validator_cls=None,  # type: ignore[arg-type]  # None skips it (check_spec)
        ),
    )


def openapi_core_findings(request: MockRequest) -> list[str]:
    """openapi-core's verdict on a request, a reading of the spec independent of the kit's:
    its unmarshal step lists findings instead of raising them."""
    return [repr(error) for error in _openapi_core().unmarshal_request(request).errors]
