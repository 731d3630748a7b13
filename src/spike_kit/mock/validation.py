"""Request validation compiled from the spec, once, into cached jsonschema-rs validators.

openapi-core re-walks the spec on every request (about 2.5 ms each here), which alone would
make the mock slower than Prism. The spec's own parameter and body schemas are compiled into
validators at start-up instead; the test suite checks that this agrees with openapi-core on
generated requests, so the spec stays the only source of the rules.

The validators are jsonschema-rs, the library the generated client validates with, so the mock
and the client give one verdict on every value. That matters for `pattern`: JSON Schema
patterns are ECMA-262 regular expressions, where `$` matches only at the very end, while
Python's `re` also lets it match before a trailing newline (so `jsonschema` would take
`application_user_id="alice\\n"`). Valid requests pay one `is_valid` call per value, well
under a microsecond; only a refused value is walked again for the problem document's errors.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from attrs import field, frozen
from jsonschema_rs import Draft202012Validator, ValidationError

from spike_kit.spec import JSON, dereference, iter_operations, with_integer_format_bounds
from spike_kit.spec.openapi30 import is_openapi30, schema_as_31


def _as_is(schema: JSON) -> JSON:
    return schema


def _scalar_type(schema: JSON) -> str | None:
    """The type a parameter's text is read as: its `type`, or the one beside `null`."""
    kind = schema.get("type") if isinstance(schema, dict) else None
    if isinstance(kind, list):
        others = [item for item in kind if item != "null"]
        kind = others[0] if len(others) == 1 else None
    return kind if isinstance(kind, str) else None


_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s\x00-\x1f\x7f]*")


def _is_uri(value: str) -> bool:
    """An absolute URI (RFC 3986): a scheme, then anything without spaces or controls."""
    return _URI.fullmatch(value) is not None


FORMATS: dict[str, Callable[[str], bool]] = {"uri": _is_uri}
"""String formats checked beyond jsonschema-rs' own (which would accept `myapp:` and less)."""


def compile_schema(schema: JSON) -> Draft202012Validator:
    """A validator for one schema of the spec, formats enforced; integer formats must already
    be bounds (`with_integer_format_bounds`): jsonschema-rs applies `format` to strings only."""
    return Draft202012Validator(schema, validate_formats=True, formats=FORMATS)


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
    schema: JSON
    validator: Draft202012Validator
    schema_type: str | None
    allow_empty: bool = False
    """OpenAPI's `allowEmptyValue` (query only); false unless the spec says so."""


@frozen
class BodyRule:
    schema: JSON
    validator: Draft202012Validator


@frozen
class OperationRules:
    operation_id: str
    method: str
    path: str
    parameters: tuple[ParameterRule, ...]
    body_required: bool
    body_rules: Mapping[str, BodyRule] = field(factory=dict)
    secured: bool = True
    """Whether the operation asks for credentials (its `security`, else the document's)."""


_INTEGER = re.compile(r"-?[0-9]+")


def _coerce(raw: str, schema_type: str | None) -> Any:
    """Deserialize a simple parameter (style form / simple, a single value) by its type."""
    if schema_type == "integer" and _INTEGER.fullmatch(raw):
        return int(raw)
    if schema_type == "number":
        try:
            return float(raw)
        except ValueError:
            return raw
    if schema_type == "boolean" and raw in {"true", "false"}:
        return raw == "true"
    return raw


_MESSAGES = {
    "maxLength": "expected length <= {}",
    "minLength": "expected length >= {}",
    "pattern": "expected string to match pattern {}",
    "format": "expected a value in format {}",
    "type": "expected type {}",
    "minimum": "expected number >= {}",
    "maximum": "expected number <= {}",
}


def _rule_value(schema: JSON, schema_path: list[str | int]) -> Any:
    """The keyword's value in the schema the error came from."""
    node = schema
    for part in schema_path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _issue(error: ValidationError, schema: JSON, prefix: str) -> Issue:
    """Huma-style wording; the validator's own message would repeat the whole (maybe huge) value."""
    where = ".".join([prefix, *(str(p) for p in error.instance_path)])
    keyword = str(error.schema_path[-1]) if error.schema_path else ""
    template = _MESSAGES.get(keyword)
    message = (
        template.format(_rule_value(schema, list(error.schema_path)))
        if template
        else error.message[:300]
    )
    shown = error.instance if isinstance(error.instance, (str, int, float, bool)) else None
    if isinstance(shown, str) and len(shown) > 200:
        shown = shown[:200] + "..."
    return Issue(message, where, shown)


def _schema_issues(
    validator: Draft202012Validator, schema: JSON, value: Any, prefix: str
) -> list[Issue]:
    errors = sorted(validator.iter_errors(value), key=lambda e: [str(p) for p in e.instance_path])
    return [_issue(error, schema, prefix) for error in errors]


def compile_rules(document: dict[str, JSON]) -> dict[str, OperationRules]:
    """Rules for every operation, keyed by operationId (an OpenAPI 3.0 document's schemas read
    in 3.1 terms first: `nullable` admits null)."""
    dialect = schema_as_31 if is_openapi30(document) else _as_is
    rules = {}
    for path, method, operation in iter_operations(document):
        parameters = []
        for parameter in operation.get("parameters", []):
            declared = dialect(parameter.get("schema", {}))
            schema = with_integer_format_bounds(declared)
            parameters.append(
                ParameterRule(
                    name=parameter["name"],
                    location=parameter["in"],
                    required=bool(parameter.get("required", False)),
                    schema=schema,
                    validator=compile_schema(schema),
                    schema_type=_scalar_type(declared),
                    allow_empty=bool(parameter.get("allowEmptyValue", False)),
                )
            )
        body = dereference(document, operation.get("requestBody", {}))
        body_schemas = {
            media_type: with_integer_format_bounds(dialect(media.get("schema", {})))
            for media_type, media in (body.get("content") or {}).items()
        }
        body_rules = {
            media_type: BodyRule(schema, compile_schema(schema))
            for media_type, schema in body_schemas.items()
        }
        rules[operation["operationId"]] = OperationRules(
            operation_id=operation["operationId"],
            method=method.upper(),
            path=path,
            parameters=tuple(parameters),
            body_required=bool(body.get("required", False)),
            body_rules=body_rules,
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
    """The operation's parameters, typed, and every way they break the spec.

    `headers` is keyed by lower-case name.
    """
    values: dict[str, Any] = {}
    issues: list[Issue] = []
    for rule in rules.parameters:
        if rule.location == "path":
            raw = path.get(rule.name)
        elif rule.location == "query":
            given = query.get(rule.name)
            if given is not None and len(given) > 1:
                issues.append(Issue("expected a single value", f"query.{rule.name}"))
                continue
            raw = given[0] if given else None
        elif rule.location == "header":
            raw = headers.get(rule.name.lower())
        else:
            raw = None
        if raw is None:
            if rule.required:
                issues.append(
                    Issue("required parameter is missing", f"{rule.location}.{rule.name}")
                )
            continue
        if raw == "" and rule.location == "query" and not rule.allow_empty:
            issues.append(Issue("an empty value is not allowed", f"query.{rule.name}", raw))
            continue
        value = _coerce(raw, rule.schema_type)
        if rule.validator.is_valid(value):
            values[rule.name] = value
        else:
            issues.extend(
                _schema_issues(rule.validator, rule.schema, value, f"{rule.location}.{rule.name}")
            )
    return values, issues


def check_json_body(
    rules: OperationRules, media_type: str, raw: bytes
) -> tuple[Any, list[Issue], bool]:
    """The decoded body, its issues, and whether it is malformed (400), not invalid (422)."""
    rule = rules.body_rules.get(media_type)
    if rule is None:
        expected = ", ".join(sorted(rules.body_rules)) or "no body"
        return None, [Issue(f"expected content type {expected}", "header.content-type")], True
    if not raw:
        if rules.body_required:
            return None, [Issue("request body is required", "body")], True
        return None, [], False
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        return None, [Issue(f"malformed JSON: {exc.__class__.__name__}", "body")], True
    except RecursionError:  # Python's parser stops near 1,000 levels; no schema here nests 3
        return None, [Issue("malformed JSON: nested too deeply", "body")], True
    if rule.validator.is_valid(body):
        return body, [], False
    return body, _schema_issues(rule.validator, rule.schema, body, "body"), False
