# Edit openapi/generator/runtime/_contract.py, not the copy in generated/.
"""The spec's operations at run time: what a request may carry and what a response must be.

The generated models trust their input: a missing field is a `KeyError`, a wrong type passes.
The regeneration step ships the spec's parameter and response schemas with the package
(`_contract_table.json`); this module builds a validator once per schema, so that bad
arguments become one clear `InvalidInputError` before any request, and a broken response one
clear `ContractError`. Each generated function names its operation by method and path
template, so a request is always checked as the operation it is, wherever its URL ends up.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from attrs import frozen
from jsonschema_rs import Draft202012Validator

from ._exceptions import InvalidInputError
from ._statuses import covering_key

_TABLE_FILE = "_contract_table.json"


def _load_table() -> dict[str, Any]:
    text = resources.files(__package__ or "spike_api_client").joinpath(_TABLE_FILE).read_text()
    table: dict[str, Any] = json.loads(text)
    return table


TABLE = _load_table()
DEFAULT_BASE_URL: str = TABLE["servers"][0]


@frozen
class ResponseRule:
    content_type: str | None
    validator: Draft202012Validator | None
    redirect_targets: tuple[str, ...]


@frozen
class Parameter:
    name: str
    location: str
    required: bool
    validator: Draft202012Validator


@frozen
class Operation:
    operation_id: str
    method: str
    path: str
    idempotent: bool
    secured: bool
    parameters: tuple[Parameter, ...]
    responses: Mapping[str, ResponseRule]

    def rule_for(self, status_code: int) -> ResponseRule | None:
        """The documented response for a status: exact code, then its `NXX` range, then
        `default` (the rule the kit's compatibility check applies too)."""
        key = covering_key(self.responses, str(status_code))
        return None if key is None else self.responses[key]

    def documents_success(self, status_code: int) -> bool:
        """Whether a status below 400 is a documented answer of its own; one covered only by
        `default` (usually an error model) is not a success the generated code can parse."""
        return covering_key(self.responses, str(status_code)) not in (None, "default")

    def argument_problem(self, values: Mapping[str, Any]) -> str | None:
        """Why these parameter values break the operation's parameter schemas, or None."""
        for parameter in self.parameters:
            value = values.get(parameter.name)
            if value is None:
                if parameter.required:
                    return f"{parameter.name} is required"
                continue
            if not parameter.validator.is_valid(value):
                error = next(iter(parameter.validator.iter_errors(value)))
                return f"{parameter.name}: {_without_value(error.message, value)}"
            if parameter.location == "path" and value in {".", ".."}:
                return f"{parameter.name} cannot be {value!r}: URLs drop such a path segment"
        return None


def _without_value(message: str, value: object) -> str:
    """A validator message about `value`, with the value itself left out: it may be long, and
    callers pass user data here."""
    shown = json.dumps(value)
    return message.replace(shown, "the value").replace(repr(value), "the value")


def _build_operation(entry: Mapping[str, Any]) -> Operation:
    rules = {
        status: ResponseRule(
            content_type=rule["content_type"],
            validator=Draft202012Validator(rule["schema"]) if rule["schema"] else None,
            redirect_targets=tuple(rule["redirect_targets"]),
        )
        for status, rule in entry["responses"].items()
    }
    parameters = tuple(
        Parameter(
            name=parameter["name"],
            location=parameter["in"],
            required=parameter["required"],
            validator=Draft202012Validator(parameter["schema"]),
        )
        for parameter in entry["parameters"]
    )
    return Operation(
        operation_id=entry["operation_id"],
        method=entry["method"],
        path=entry["path"],
        idempotent=bool(entry["idempotent"]),
        secured=bool(entry["secured"]),
        parameters=parameters,
        responses=rules,
    )


class Contract:
    """The operations of the spec, by method and path template."""

    def __init__(self, table: Mapping[str, Any]) -> None:
        operations = [_build_operation(entry) for entry in table["operations"]]
        self._by_route = {(op.method, op.path): op for op in operations}
        self.by_id = {op.operation_id: op for op in operations}
        self._schemas = {e["operation_id"]: e["request_schema"] for e in table["operations"]}

    def operation(self, method: str, path: str) -> Operation:
        return self._by_route[(method.upper(), path)]

    def request_schema(self, operation_id: str) -> dict[str, Any] | None:
        schema = self._schemas.get(operation_id)
        return schema if isinstance(schema, dict) else None


CONTRACT = Contract(TABLE)


def is_json_media_type(content_type: str | None) -> bool:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def parse_json(content: bytes, content_type: str | None) -> tuple[Any, str | None]:
    """The decoded body, or an explanation of why it is not JSON."""
    if not is_json_media_type(content_type):
        return None, f"expected a JSON body, got {content_type or 'no content type'}"
    try:
        return json.loads(content), None
    except (ValueError, UnicodeDecodeError) as exc:
        return None, f"body is not valid JSON ({exc.__class__.__name__})"


def schema_violation(rule: ResponseRule, body: Any) -> str | None:
    """The first way `body` breaks the rule's schema, said with where and what, or None."""
    if rule.validator is None:
        return None
    if rule.validator.is_valid(body):  # the common case: no error objects are built at all
        return None
    error = next(iter(rule.validator.iter_errors(body)))
    where = "/" + "/".join(str(part) for part in error.instance_path)
    return f"{where if where != '/' else 'body'}: {error.message}"


def _pointer_value(document: Any, pointer: str) -> Any:
    node = document
    for raw in pointer.split("/")[1:]:
        part = raw.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


@lru_cache(maxsize=256)
def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


_DEFAULT_PORTS = {"https": 443, "http": 80}
ANY_PORT = "*"


class RedirectHosts:
    """Where a URL for the user's browser may point: `host` (its scheme's default port, so
    443 for https), `host:port`, or `host:*` for any port (a local mock on a random port)."""

    __slots__ = ("_allowed", "entries")

    def __init__(self, entries: str | Iterable[str]) -> None:
        if isinstance(entries, str):
            entries = [entries]
        allowed: set[tuple[str, int | str | None]] = set()
        for entry in entries:
            allowed.add(_host_and_port(entry))
        self._allowed = frozenset(allowed)
        self.entries = tuple(sorted(str(entry).lower() for entry in entries))

    def allows(self, host: str, port: int, default_port: int) -> bool:
        allowed = self._allowed
        return (
            (host, port) in allowed
            or (host, ANY_PORT) in allowed
            or (port == default_port and (host, None) in allowed)
        )

    def __repr__(self) -> str:
        return f"RedirectHosts({list(self.entries)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RedirectHosts) and other._allowed == self._allowed

    def __hash__(self) -> int:
        return hash(self._allowed)


def _host_and_port(entry: object) -> tuple[str, int | str | None]:
    """(host, port) from an allow-list entry; port None means the scheme's default."""
    if not isinstance(entry, str) or not entry or "/" in entry or "@" in entry:
        raise InvalidInputError(
            f"redirect_hosts entries are 'host', 'host:port' or 'host:*', not {entry!r}"
        )
    text = entry.lower()
    host, port_text = text, ""
    if text.startswith("["):
        host, _, rest = text.partition("]")
        host += "]"
        port_text = rest.removeprefix(":")
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    if not port_text:
        return host.strip("[]"), None
    if port_text == ANY_PORT:
        return host.strip("[]"), ANY_PORT
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise InvalidInputError(f"redirect_hosts entry {entry!r} has an invalid port")
    return host.strip("[]"), int(port_text)


def unsafe_redirect(url: Any, allowed: RedirectHosts) -> str | None:
    """Why `url` must not be handed to a browser, or None when it is safe.

    Safe means absolute https on an allowed host and port; plain http only on an allowed
    loopback host, which is what local mock servers use.
    """
    if not isinstance(url, str):
        return "is not a string"
    parts = urlsplit(url)
    host = parts.hostname or ""  # urllib gives it lower-cased
    if not host:
        return "is not an absolute URL"
    if "@" in parts.netloc:
        return "carries credentials"
    if parts.scheme not in _DEFAULT_PORTS:
        return f"uses scheme {parts.scheme!r}, not https"
    try:
        port = parts.port
    except ValueError:
        return "has an invalid port"
    default_port = _DEFAULT_PORTS[parts.scheme]
    port = default_port if port is None else port
    if not allowed.allows(host, port, default_port):
        return f"points at {host}:{port}, which is not on the allowed list"
    if parts.scheme == "http" and not is_loopback(host):
        return "uses plain http on a host that is not loopback"
    return None


def redirect_violation(rule: ResponseRule, body: Any, allowed: RedirectHosts) -> str | None:
    for pointer in rule.redirect_targets:
        value = _pointer_value(body, pointer)
        if value is None:
            continue  # absent: the schema check reports a missing field
        reason = unsafe_redirect(value, allowed)
        if reason is not None:
            return f"{pointer} {reason}"
    return None
