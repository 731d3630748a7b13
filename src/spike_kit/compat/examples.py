"""The property check: values generated from one spec, validated against the other.

The rule list knows the ways a schema can change that we thought of; this check knows none
and looks instead. Requests generated from the old spec must validate against the new one
(an old client's call still works); responses generated from the new spec must validate against
the old one (an old client still reads the answer). Each finding comes with its value, shrunk
by hypothesis to the smallest that shows the break.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema
from hypothesis import HealthCheck, Phase, find, settings
from hypothesis.errors import NoSuchExample, Unsatisfiable

from spike_kit.compat.model import Change, Severity, join
from spike_kit.compat.operations import covering_status, path_shape
from spike_kit.compat.redirect_back import redirect_back_pairs
from spike_kit.generation import GenerationError, from_schema
from spike_kit.spec import iter_operations, openapi_format_checker

DEFAULT_EXAMPLES = 100


def check_examples(
    old_doc: dict[str, Any], new_doc: dict[str, Any], *, max_examples: int = DEFAULT_EXAMPLES
) -> list[Change]:
    """Findings of the property check, one per request or response that does not carry over."""
    old_ops = {(m, path_shape(p)): op for p, m, op in iter_operations(old_doc)}
    findings = []
    for path, method, new_op in iter_operations(new_doc):
        old_op = old_ops.get((method, path_shape(path)))
        if old_op is None:
            continue
        at = join("", "paths", path, method)
        for pointer, produced_by, checked_by, what in _pairs(old_op, new_op, at):
            example = _counterexample(produced_by, checked_by, max_examples)
            if example is not _NONE:
                findings.append(Change(Severity.BREAKING, pointer, what, example=example))
    return findings


def _pairs(
    old: dict[str, Any], new: dict[str, Any], at: str
) -> Iterator[tuple[str, Any, Any, str]]:
    """(pointer, schema that produces values, schema that must accept them, finding)."""
    yield (
        join(at, "parameters"),
        _parameters_schema(old),
        _parameters_schema(new),
        "property check: parameters valid under the old spec are refused by the new one",
    )
    old_body = _media_schemas(old.get("requestBody"))
    new_body = _media_schemas(new.get("requestBody"))
    for media in sorted(set(old_body) & set(new_body)):
        yield (
            join(at, "requestBody", "content", media, "schema"),
            old_body[media],
            new_body[media],
            "property check: a request body valid under the old spec is refused by the new one",
        )
    old_responses = old.get("responses") or {}
    for status, response in sorted((new.get("responses") or {}).items()):
        covering = covering_status(old_responses, status)
        if covering is None:
            continue
        old_media = _media_schemas(old_responses[covering])
        for media, schema in sorted(_media_schemas(response).items()):
            if media in old_media:
                yield (
                    join(at, "responses", status, "content", media, "schema"),
                    schema,
                    old_media[media],
                    "property check: a response the new spec allows is refused by the old one",
                )
    yield from redirect_back_pairs(old, new, at)


def _parameters_schema(operation: dict[str, Any]) -> dict[str, Any]:
    """All of an operation's parameters as one object, so that one value is one call."""
    properties: dict[str, Any] = {}
    required = []
    for parameter in operation.get("parameters") or []:
        name = f"{parameter.get('in')}.{parameter.get('name')}"
        properties[name] = parameter.get("schema") or {}
        if parameter.get("required") or parameter.get("in") == "path":
            required.append(name)
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _media_schemas(holder: Any) -> dict[str, Any]:
    if not isinstance(holder, dict):
        return {}
    return {
        media: body["schema"]
        for media, body in (holder.get("content") or {}).items()
        if isinstance(body, dict) and "schema" in body
    }


class _NoneFound:
    pass


_NONE = _NoneFound()


def _counterexample(produced_by: Any, checked_by: Any, max_examples: int) -> Any:
    """The smallest value of `produced_by` that `checked_by` refuses, or `_NONE`."""
    if produced_by == checked_by:
        return _NONE
    try:
        strategy = from_schema(produced_by)
    except GenerationError:
        return _NONE  # the rule list reports what it can of a schema nothing can generate
    validator = jsonschema.Draft202012Validator(checked_by, format_checker=openapi_format_checker())
    try:
        return find(
            strategy,
            lambda value: not validator.is_valid(value),
            settings=settings(
                max_examples=max_examples,
                database=None,
                derandomize=True,
                deadline=None,
                phases=[Phase.generate, Phase.shrink],
                suppress_health_check=list(HealthCheck),
            ),
        )
    except (NoSuchExample, Unsatisfiable):
        return _NONE
