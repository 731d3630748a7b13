"""Working with a loaded spec: JSON pointers, local `$ref`s, operations, the server path.

Everything here takes a document that `spike_kit.spec.loading` has read and checked, so local
references resolve and none is cyclic; the errors raised here are for documents built by
hand (tests, compat's rewritten copies).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from jsonschema import FormatChecker

from spike_kit.spec.faults import SpecError

JSON = Any


def escape_token(token: str) -> str:
    """One JSON-pointer reference token, escaped (RFC 6901): `~` as `~0`, `/` as `~1`."""
    return token.replace("~", "~0").replace("/", "~1")


def is_extension(key: str) -> bool:
    """An `x-` key: OpenAPI lets the Paths and Responses objects (among others) carry
    extensions beside their paths and statuses, and no tool of the kit reads them as either."""
    return key.startswith("x-")


def unescape_token(token: str) -> str:
    """The reverse of `escape_token`."""
    return token.replace("~1", "/").replace("~0", "~")


def resolve_pointer(document: JSON, pointer: str) -> JSON:
    """Follow a local JSON pointer such as `#/components/schemas/Problem`."""
    if not pointer.startswith("#"):
        raise SpecError(f"only local references are supported, got {pointer!r}")
    node = document
    for raw in pointer.lstrip("#").split("/")[1:]:
        part = unescape_token(raw)
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise SpecError(f"reference {pointer!r} points at nothing")
    return node


def dereference(document: JSON, node: JSON, _seen: tuple[str, ...] = ()) -> JSON:
    """Return `node` with every local `$ref` replaced by a copy of its target."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            if ref in _seen:
                raise SpecError(f"cyclic reference {ref!r} is not supported")
            target = dereference(document, resolve_pointer(document, ref), (*_seen, ref))
            siblings = {k: dereference(document, v, _seen) for k, v in node.items() if k != "$ref"}
            return {**target, **siblings} if siblings else target
        return {key: dereference(document, value, _seen) for key, value in node.items()}
    if isinstance(node, list):
        return [dereference(document, item, _seen) for item in node]
    return node


def server_base_path(document: JSON) -> str:
    """The path of the spec's first server URL (`/v3`), without a trailing slash: where every
    operation's path is mounted on the mock and what clients append paths to."""
    servers = document.get("servers") or [{"url": "/"}]
    return str(urlsplit(servers[0]["url"]).path.rstrip("/"))


def providers(document: JSON) -> list[dict[str, JSON]]:
    """The providers the spec knows (`x-spike-providers` on the `ProviderSlug` parameter),
    each with its `slug`, `integration` (`consent` or `sdk`) and flags."""
    parameters = (document.get("components") or {}).get("parameters") or {}
    parameter = parameters.get("ProviderSlug") or {}
    return list(parameter.get("x-spike-providers", []))


def provider_slugs(document: JSON, integration: str) -> list[str]:
    """The known slugs of one integration kind (`consent` or `sdk`)."""
    return [entry["slug"] for entry in providers(document) if entry["integration"] == integration]


HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def iter_operations(document: JSON) -> list[tuple[str, str, dict[str, JSON]]]:
    """Every operation as (path template, lower-case method, dereferenced operation)."""
    operations = []
    for path, item in sorted((document.get("paths") or {}).items()):
        if is_extension(path):
            continue
        item = dereference(document, item)
        shared = item.get("parameters") or []
        for method in HTTP_METHODS:
            if method in item:
                operation = dict(item[method])
                operation["parameters"] = [*shared, *(operation.get("parameters") or [])]
                operations.append((path, method, operation))
    return operations


INTEGER_FORMATS = {"int32": 2**31, "int64": 2**63}
"""OpenAPI's integer formats as ranges: JSON Schema validators ignore them, servers do not."""


def with_integer_format_bounds(node: JSON) -> JSON:
    """`node` with OpenAPI's `format: int32`/`int64` also written as `minimum`/`maximum`, for
    tools that apply `format` to strings only (jsonschema-rs) or not at all (generators)."""
    if isinstance(node, list):
        return [with_integer_format_bounds(item) for item in node]
    if not isinstance(node, dict):
        return node
    bounded = {key: with_integer_format_bounds(value) for key, value in node.items()}
    limit = INTEGER_FORMATS.get(str(node.get("format")))
    if limit is not None:
        bounded["minimum"] = max(bounded.get("minimum", -limit), -limit)
        bounded["maximum"] = min(bounded.get("maximum", limit - 1), limit - 1)
    return bounded


def openapi_format_checker() -> FormatChecker:
    """A jsonschema format checker that also enforces OpenAPI's `int32` and `int64`."""
    checker = FormatChecker()
    for name, limit in INTEGER_FORMATS.items():
        checker.checks(name)(_in_range(limit))
    return checker


def _in_range(limit: int) -> Callable[[object], bool]:
    def check(value: object) -> bool:
        if isinstance(value, bool) or not isinstance(value, int):
            return True
        return -limit <= value < limit

    return check
