"""Checks a response against the spec before the generated models parse it.

The generated models trust their input: a missing field is a `KeyError`, a wrong type passes.
The regeneration step ships the spec's response schemas with the package (`_contract_table.json`);
this module matches a request to its operation and validates the body with a validator built
once per schema, so a broken response becomes one clear `ContractError`.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Iterable, Mapping
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import httpx
from attrs import frozen
from jsonschema_rs import Draft202012Validator

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
class Operation:
    operation_id: str
    method: str
    path_pattern: re.Pattern[str]
    idempotent: bool
    responses: Mapping[str, ResponseRule]

    def rule_for(self, status_code: int) -> ResponseRule | None:
        """The documented response for a status: exact code first, then its `NXX` range."""
        return self.responses.get(str(status_code)) or self.responses.get(f"{status_code // 100}XX")


def _path_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^/{}]+\})", template)
    body = "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts)
    return re.compile(f"(?:^|/){body.lstrip('/')}$")


def _build_operations(table: Mapping[str, Any]) -> tuple[Operation, ...]:
    operations = []
    for entry in table["operations"]:
        rules = {
            status: ResponseRule(
                content_type=rule["content_type"],
                validator=Draft202012Validator(rule["schema"]) if rule["schema"] else None,
                redirect_targets=tuple(rule["redirect_targets"]),
            )
            for status, rule in entry["responses"].items()
        }
        operations.append(
            Operation(
                operation_id=entry["operation_id"],
                method=entry["method"],
                path_pattern=_path_pattern(entry["path"]),
                idempotent=bool(entry["idempotent"]),
                responses=rules,
            )
        )
    return tuple(operations)


class Contract:
    """The operations of the spec, looked up by request."""

    def __init__(self, table: Mapping[str, Any]) -> None:
        self.operations = _build_operations(table)
        self._schemas = {e["operation_id"]: e["request_schema"] for e in table["operations"]}

    def find(self, request: httpx.Request) -> Operation | None:
        return self._find(request.method, request.url.raw_path)

    @lru_cache(maxsize=1024)  # noqa: B019 - one Contract per process, never freed anyway
    def _find(self, method: str, raw_path: bytes) -> Operation | None:
        path = raw_path.split(b"?", 1)[0].decode("ascii", "replace")
        for operation in self.operations:
            if operation.method == method and operation.path_pattern.search(path):
                return operation
        return None

    def request_schema(self, operation_id: str) -> dict[str, Any] | None:
        schema = self._schemas.get(operation_id)
        return schema if isinstance(schema, dict) else None

    @cached_property
    def by_id(self) -> dict[str, Operation]:
        return {operation.operation_id: operation for operation in self.operations}


CONTRACT = Contract(TABLE)


def is_json_media_type(content_type: str | None) -> bool:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def parse_json(response: httpx.Response) -> tuple[Any, str | None]:
    """The decoded body, or an explanation of why it is not JSON."""
    if not is_json_media_type(response.headers.get("content-type")):
        shown = response.headers.get("content-type") or "no content type"
        return None, f"expected a JSON body, got {shown}"
    try:
        return json.loads(response.content), None
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
def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@lru_cache(maxsize=64)
def _lowered(hosts: frozenset[str]) -> frozenset[str]:
    return frozenset(host.lower() for host in hosts)


def unsafe_redirect(url: Any, allowed_hosts: Iterable[str]) -> str | None:
    """Why `url` must not be handed to a browser, or None when it is safe.

    Safe means absolute https on an allowed host; plain http only on an allowed loopback host,
    which is what local mock servers use.
    """
    if not isinstance(url, str):
        return "is not a string"
    parts = urlsplit(url)
    host = parts.hostname or ""  # urllib gives it lower-cased
    if not host:
        return "is not an absolute URL"
    if "@" in parts.netloc:
        return "carries credentials"
    if host not in _lowered(frozenset(allowed_hosts)):
        return f"points at host {host!r}, which is not on the allowed list"
    if parts.scheme == "https" or (parts.scheme == "http" and _is_loopback(host)):
        return None
    return f"uses scheme {parts.scheme!r}, not https"


def redirect_violation(rule: ResponseRule, body: Any, allowed_hosts: Iterable[str]) -> str | None:
    for pointer in rule.redirect_targets:
        value = _pointer_value(body, pointer)
        if value is None:
            continue  # absent: the schema check reports a missing field
        reason = unsafe_redirect(value, allowed_hosts)
        if reason is not None:
            return f"{pointer} {reason}"
    return None
