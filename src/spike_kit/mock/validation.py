"""Request validation compiled from the spec, once, into cached JSON Schema validators.

openapi-core re-walks the spec on every request (about 2.5 ms each here), which alone would
make the mock slower than Prism. The spec's own parameter and body schemas are compiled into
`jsonschema` validators at start-up instead; the test suite checks that this agrees with
openapi-core on generated requests, so the spec stays the only source of the rules.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from attrs import field, frozen
from jsonschema import Draft202012Validator

from spike_kit.spec import JSON, dereference, iter_operations, openapi_format_checker

_FORMATS = openapi_format_checker()


@_FORMATS.checks("uri", raises=ValueError)
def _is_uri(value: object) -> bool:
    """An absolute URI (RFC 3986): a scheme, then anything without spaces or controls."""
    if not isinstance(value, str):
        return True
    return re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s\x00-\x1f\x7f]*", value) is not None


@frozen
class Issue:
    """One thing wrong with a request, in the shape of a problem document's `errors` entry."""

    message: str
    location: str
    value: Any = None

    def as_json(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"message": self.message, "location": self.location}
        if self.value is not None:
            entry["value"] = self.value
        return entry


@frozen
class ParameterRule:
    name: str
    location: str
    required: bool
    validator: Draft202012Validator
    schema_type: str | None
    allow_empty: bool = False
    """OpenAPI's `allowEmptyValue` (query only); false unless the spec says so."""


@frozen
class OperationRules:
    operation_id: str
    method: str
    path: str
    parameters: tuple[ParameterRule, ...]
    body_required: bool
    body_validators: Mapping[str, Draft202012Validator] = field(factory=dict)
    secured: bool = True
    """Whether the operation asks for credentials (its `security`, else the document's)."""


def _coerce(raw: str, schema_type: str | None) -> Any:
    """Deserialize a simple parameter (style form / simple, a single value) by its type."""
    if schema_type == "integer" and re.fullmatch(r"-?[0-9]+", raw):
        return int(raw)
    if schema_type == "number":
        try:
            return float(raw)
        except ValueError:
            return raw
    if schema_type == "boolean" and raw in {"true", "false"}:
        return raw == "true"
    return raw


def _schema_issues(validator: Draft202012Validator, value: Any, prefix: str) -> list[Issue]:
    issues = []
    for error in sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path)):
        where = ".".join([prefix, *(str(p) for p in error.absolute_path)])
        shown = error.instance if isinstance(error.instance, (str, int, float, bool)) else None
        if isinstance(shown, str) and len(shown) > 200:
            shown = shown[:200] + "..."
        issues.append(
            Issue(
                _short_message(error.validator, error.validator_value, error.message), where, shown
            )
        )
    return issues


_MESSAGES = {
    "maxLength": "expected length <= {}",
    "minLength": "expected length >= {}",
    "pattern": "expected string to match pattern {}",
    "format": "expected a value in format {}",
    "type": "expected type {}",
    "minimum": "expected number >= {}",
    "maximum": "expected number <= {}",
}


def _short_message(keyword: Any, rule_value: Any, message: str) -> str:
    """Huma-style wording; jsonschema's own message would repeat the whole (maybe huge) value."""
    template = _MESSAGES.get(str(keyword))
    return template.format(rule_value) if template else message


def compile_rules(document: dict[str, JSON]) -> dict[str, OperationRules]:
    """Rules for every operation, keyed by operationId."""
    rules = {}
    for path, method, operation in iter_operations(document):
        parameters = []
        for parameter in operation.get("parameters", []):
            schema = parameter.get("schema", {})
            parameters.append(
                ParameterRule(
                    name=parameter["name"],
                    location=parameter["in"],
                    required=bool(parameter.get("required", False)),
                    validator=Draft202012Validator(schema, format_checker=_FORMATS),
                    schema_type=schema.get("type") if isinstance(schema.get("type"), str) else None,
                    allow_empty=bool(parameter.get("allowEmptyValue", False)),
                )
            )
        body = dereference(document, operation.get("requestBody", {}))
        validators = {
            media_type: Draft202012Validator(media.get("schema", {}), format_checker=_FORMATS)
            for media_type, media in (body.get("content") or {}).items()
        }
        rules[operation["operationId"]] = OperationRules(
            operation_id=operation["operationId"],
            method=method.upper(),
            path=path,
            parameters=tuple(parameters),
            body_required=bool(body.get("required", False)),
            body_validators=validators,
            secured=bool(operation.get("security", document.get("security", []))),
        )
    return rules


def check_parameters(
    rules: OperationRules,
    *,
    path: Mapping[str, str],
    query: Mapping[str, list[str]],
    headers: Mapping[str, str],
) -> tuple[dict[str, Any], list[Issue]]:
    """The operation's parameters, typed, and every way they break the spec."""
    values: dict[str, Any] = {}
    issues: list[Issue] = []
    for rule in rules.parameters:
        location = f"{rule.location}.{rule.name}"
        if rule.location == "path":
            raw = path.get(rule.name)
        elif rule.location == "query":
            given = query.get(rule.name, [])
            if len(given) > 1:
                issues.append(Issue("expected a single value", location))
                continue
            raw = given[0] if given else None
        elif rule.location == "header":
            raw = headers.get(rule.name.lower())
        else:
            raw = None
        if raw is None:
            if rule.required:
                issues.append(Issue("required parameter is missing", location))
            continue
        if raw == "" and rule.location == "query" and not rule.allow_empty:
            issues.append(Issue("an empty value is not allowed", location, raw))
            continue
        value = _coerce(raw, rule.schema_type)
        found = _schema_issues(rule.validator, value, location)
        issues.extend(found)
        if not found:
            values[rule.name] = value
    return values, issues


def check_json_body(
    rules: OperationRules, media_type: str, raw: bytes
) -> tuple[Any, list[Issue], bool]:
    """The decoded body, its issues, and whether it is malformed (400), not invalid (422)."""
    validator = rules.body_validators.get(media_type)
    if validator is None:
        expected = ", ".join(sorted(rules.body_validators)) or "no body"
        return None, [Issue(f"expected content type {expected}", "header.content-type")], True
    if not raw:
        if rules.body_required:
            return None, [Issue("request body is required", "body")], True
        return None, [], False
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        return None, [Issue(f"malformed JSON: {exc.__class__.__name__}", "body")], True
    return body, _schema_issues(validator, body, "body"), False
