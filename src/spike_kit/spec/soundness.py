"""What every tool of the kit needs of a spec before it can use it, checked once.

The validators (openapi-spec-validator, Spectral) judge a spec against OpenAPI; this judges it
against what the kit's own tools do with it: they expand every `$ref` (so a dangling, external
or cyclic one stops them), compile every schema and `pattern` into jsonschema-rs validators
with ECMA-262 regular expressions (so a misspelt type or an unreadable pattern stops the mock
and the client), walk paths, operations, parameters, responses and media types as mappings
and lists (so a list where a mapping belongs crashes them), and name generated functions by
`operationId` and fill path templates from path parameters (so a duplicate id or a parameter
missing from its template makes the generator drop an endpoint). Each fault comes with the
JSON pointer of the part concerned; `loading` puts a line and column to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

import jsonschema
import jsonschema_rs

from spike_kit.spec.document import HTTP_METHODS, escape_token, is_extension, unescape_token
from spike_kit.spec.faults import SpecFault, quoted

Fault = Callable[[str, str, str], SpecFault]
"""(message, pointer, kind) -> a fault placed in the text."""
LineOf = Callable[[str], int | None]
"""pointer -> its line in the text, for faults that name a second place."""

SUPPORTED_VERSION = re.compile(r"3\.[01]\.\d+(?:-[0-9A-Za-z.-]+)?")
JSON_TYPES = ("array", "boolean", "integer", "null", "number", "object", "string")
_PATH_VARIABLE = re.compile(r"\{([^{}/]+)\}")
_LOCATIONS = ("query", "header", "path", "cookie")

_SUBSCHEMA = (
    "additionalProperties",
    "items",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
    "additionalItems",
)
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SUBSCHEMA_MAPS = ("properties", "patternProperties", "dependentSchemas", "$defs", "definitions")
_DATA = ("example", "default", "enum", "const")
"""Keys whose values are data, not spec: a `$ref` or `pattern` key there means nothing."""
_NAMED = frozenset(
    {
        "paths",
        "webhooks",
        "responses",
        "callbacks",
        "links",
        "content",
        "encoding",
        "headers",
        "schemas",
        "parameters",
        "requestBodies",
        "securitySchemes",
        "pathItems",
        "properties",
        "patternProperties",
        "$defs",
        "definitions",
        "dependentSchemas",
    }
)
"""Mappings whose keys are names the spec's author chose (a status, a field, a component):
there `default` is the default response and `enum` a field, not data."""


def _join(pointer: str, *tokens: str | int) -> str:
    return pointer + "".join(f"/{escape_token(str(token))}" for token in tokens)


def check_document(document: Any, fault: Fault, line_of: LineOf) -> list[SpecFault]:
    """Every fault the kit's tools would trip on, in no particular order."""
    if not isinstance(document, dict):
        return [fault("the top level must be a mapping (an OpenAPI document)", "", "structure")]
    version = _version_faults(document, fault)
    if version:
        return version
    found = [*_structure_faults(document, fault), *_ref_faults(document, fault)]
    if found:  # the checks below walk what these make sure of
        return found
    v30 = str(document["openapi"]).startswith("3.0")
    for pointer, schema in schema_positions(document):
        found += _schema_faults(schema, pointer, v30, fault)
    found += _operation_faults(document, fault, line_of)
    return found


def _version_faults(document: dict[str, Any], fault: Fault) -> list[SpecFault]:
    if "swagger" in document:
        return [
            fault(
                "Swagger 2.0 documents are not supported: convert it to OpenAPI 3.0 or 3.1",
                "/swagger",
                "structure",
            )
        ]
    version = document.get("openapi")
    if not isinstance(version, str) or not SUPPORTED_VERSION.fullmatch(version):
        said = "is missing" if version is None else f"is {quoted(version)}"
        hint = " (quote it: '3.1.0')" if isinstance(version, (int, float)) else ""
        return [
            fault(
                f"`openapi` must name version 3.0.x or 3.1.x; it {said}{hint}",
                "/openapi" if version is not None else "",
                "structure",
            )
        ]
    return []


# Structure ---------------------------------------------------------------------------------
def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "empty (null)"
    return "a number"


def _is_ref(value: Any) -> bool:
    return isinstance(value, dict) and "$ref" in value


class _Shape:
    """Checks that each part the tools walk has the shape they walk it as."""

    def __init__(self, fault: Fault) -> None:
        self.fault = fault
        self.found: list[SpecFault] = []

    def mapping(self, value: Any, pointer: str, what: str) -> bool:
        if isinstance(value, dict):
            return True
        self.found.append(
            self.fault(f"{what} must be a mapping; it is {_kind(value)}", pointer, "structure")
        )
        return False

    def listing(self, value: Any, pointer: str, what: str) -> bool:
        if isinstance(value, list):
            return True
        self.found.append(
            self.fault(f"{what} must be a list; it is {_kind(value)}", pointer, "structure")
        )
        return False

    def text(self, value: Any, pointer: str, what: str, hint: str = "") -> bool:
        if isinstance(value, str):
            return True
        self.found.append(
            self.fault(f"{what} must be a string; it is {_kind(value)}{hint}", pointer, "structure")
        )
        return False


def _structure_faults(document: dict[str, Any], fault: Fault) -> list[SpecFault]:
    shape = _Shape(fault)
    info = document.get("info")
    if shape.mapping(info, "/info" if "info" in document else "", "`info`") and isinstance(
        info, dict
    ):
        for key in ("title", "version"):
            if key not in info:
                shape.found.append(fault(f"`info` has no `{key}`", "/info", "structure"))
            else:
                shape.text(info[key], f"/info/{key}", f"`info.{key}`", " (quote it)")
    if "paths" in document and shape.mapping(document["paths"], "/paths", "`paths`"):
        for path, item in document["paths"].items():
            if is_extension(path):
                continue
            pointer = _join("/paths", path)
            if not path.startswith("/"):
                shape.found.append(
                    fault(f"path {quoted(path)} must start with '/'", pointer, "structure")
                )
            _path_item(shape, item, pointer, f"path {path}")
    if "webhooks" in document and shape.mapping(document["webhooks"], "/webhooks", "`webhooks`"):
        for name, item in document["webhooks"].items():
            _path_item(shape, item, _join("/webhooks", name), f"webhook {name}")
    if "components" in document and shape.mapping(
        document["components"], "/components", "`components`"
    ):
        for section, entries in document["components"].items():
            pointer = _join("/components", section)
            if section.startswith("x-") or not shape.mapping(
                entries, pointer, f"`components.{section}`"
            ):
                continue
            for name, entry in entries.items():
                where = _join(pointer, name)
                if section == "schemas":
                    if not isinstance(entry, (dict, bool)):
                        shape.mapping(entry, where, f"schema {name}")
                elif section == "parameters":
                    _parameter(shape, entry, where)
                elif section == "responses":
                    _response(shape, entry, where)
                elif section == "requestBodies":
                    _content_holder(shape, entry, where, f"request body {name}")
                elif section == "pathItems":
                    _path_item(shape, entry, where, f"path item {name}")
                else:
                    shape.mapping(entry, where, f"`components.{section}.{name}`")
    if "security" in document:
        _security(shape, document["security"], "/security")
    if "tags" in document and shape.listing(document["tags"], "/tags", "`tags`"):
        for index, tag in enumerate(document["tags"]):
            shape.mapping(tag, _join("/tags", index), "a tag")
    if "servers" in document and shape.listing(document["servers"], "/servers", "`servers`"):
        for index, server in enumerate(document["servers"]):
            where = _join("/servers", index)
            if shape.mapping(server, where, "a server"):
                shape.text(server.get("url"), _join(where, "url"), "a server's `url`")
    return shape.found


def _path_item(shape: _Shape, item: Any, pointer: str, what: str) -> None:
    if not shape.mapping(item, pointer, f"{what}") or _is_ref(item):
        return
    _parameters(shape, item.get("parameters"), pointer)
    for method in HTTP_METHODS:
        if method not in item:
            continue
        where = _join(pointer, method)
        operation = item[method]
        if not shape.mapping(operation, where, f"{method.upper()} {what.split(' ', 1)[-1]}"):
            continue
        _parameters(shape, operation.get("parameters"), where)
        if "requestBody" in operation:
            _content_holder(
                shape, operation["requestBody"], _join(where, "requestBody"), "`requestBody`"
            )
        if "operationId" in operation:
            shape.text(operation["operationId"], _join(where, "operationId"), "`operationId`")
        if "tags" in operation and shape.listing(
            operation["tags"], _join(where, "tags"), "an operation's `tags`"
        ):
            for index, tag in enumerate(operation["tags"]):
                shape.text(tag, _join(where, "tags", index), "a tag")
        if "security" in operation:
            _security(shape, operation["security"], _join(where, "security"))
        responses = operation.get("responses")
        if responses is not None and shape.mapping(
            responses, _join(where, "responses"), "`responses`"
        ):
            for status, response in responses.items():
                if not is_extension(status):
                    _response(shape, response, _join(where, "responses", status))


def _security(shape: _Shape, requirements: Any, pointer: str) -> None:
    """A list of security requirements, each a mapping of scheme names to lists of scopes."""
    if not shape.listing(requirements, pointer, "`security`"):
        return
    for index, requirement in enumerate(requirements):
        where = _join(pointer, index)
        if shape.mapping(requirement, where, "a security requirement"):
            for name, scopes in requirement.items():
                shape.listing(scopes, _join(where, name), f"the scopes of `{name}`")


def _parameters(shape: _Shape, parameters: Any, pointer: str) -> None:
    if parameters is None:
        return
    where = _join(pointer, "parameters")
    if shape.listing(parameters, where, "`parameters`"):
        for index, parameter in enumerate(parameters):
            _parameter(shape, parameter, _join(where, index))


def _parameter(shape: _Shape, parameter: Any, pointer: str) -> None:
    if not shape.mapping(parameter, pointer, "a parameter") or _is_ref(parameter):
        return
    shape.text(parameter.get("name"), _join(pointer, "name"), "a parameter's `name`")
    if parameter.get("in") not in _LOCATIONS:
        shape.found.append(
            shape.fault(
                f"a parameter's `in` must be one of {', '.join(_LOCATIONS)}; it is "
                f"{quoted(parameter.get('in'))}",
                _join(pointer, "in") if "in" in parameter else pointer,
                "structure",
            )
        )
    if "content" in parameter:
        _content(shape, parameter["content"], _join(pointer, "content"))


def _response(shape: _Shape, response: Any, pointer: str) -> None:
    if not shape.mapping(response, pointer, "a response") or _is_ref(response):
        return
    if "content" in response:
        _content(shape, response["content"], _join(pointer, "content"))
    if "headers" in response and shape.mapping(
        response["headers"], _join(pointer, "headers"), "`headers`"
    ):
        for name, header in response["headers"].items():
            shape.mapping(header, _join(pointer, "headers", name), f"header {name}")


def _content_holder(shape: _Shape, holder: Any, pointer: str, what: str) -> None:
    if shape.mapping(holder, pointer, what) and not _is_ref(holder) and "content" in holder:
        _content(shape, holder["content"], _join(pointer, "content"))


def _content(shape: _Shape, content: Any, pointer: str) -> None:
    if shape.mapping(content, pointer, "`content`"):
        for media_type, media in content.items():
            shape.mapping(media, _join(pointer, media_type), f"media type {media_type}")


# References --------------------------------------------------------------------------------
def iter_refs(node: Any, pointer: str = "", names: bool = False) -> Iterator[tuple[str, Any]]:
    """Every `$ref` of the document as (pointer of the object holding it, its value); data
    (examples, defaults, enums) is not spec and is not searched. Extensions are: the kit's
    tools expand every `$ref` they hold (`x-spike-redirect-back` names a schema that way).
    `names`: the keys of `node` are names (a status, a field), never keywords."""
    if isinstance(node, dict):
        if "$ref" in node and not names:
            yield pointer, node["$ref"]
        for key, value in node.items():
            if not names and (key in _DATA or key == "$ref"):
                continue
            if not names and key == "examples":
                for name, example in (value if isinstance(value, dict) else {}).items():
                    if isinstance(example, dict) and "$ref" in example:
                        yield _join(pointer, key, name), example["$ref"]
                continue
            yield from iter_refs(value, _join(pointer, key), not names and key in _NAMED)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from iter_refs(item, _join(pointer, index))


def _deepest(document: Any, tokens: list[str]) -> tuple[str, str | None]:
    """The deepest existing part of a pointer, and the first token missing there."""
    node, found = document, ""
    for token in tokens:
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return found, token
        found = _join(found, token)
    return found, None


def _ref_faults(document: dict[str, Any], fault: Fault) -> list[SpecFault]:
    found: list[SpecFault] = []
    edges: list[tuple[str, str]] = []
    for holder, ref in iter_refs(document):
        where = _join(holder, "$ref")
        if not isinstance(ref, str):
            found.append(fault(f"$ref must be a string; it is {_kind(ref)}", where, "ref"))
            continue
        if not ref.startswith("#"):
            found.append(
                fault(
                    f"$ref {quoted(ref)} points outside this file; the kit reads one "
                    "self-contained spec (bundle it first, e.g. `redocly bundle`)",
                    where,
                    "ref",
                )
            )
            continue
        target = ref[1:]
        if target and not target.startswith("/"):
            found.append(fault(f"$ref {quoted(ref)} is not a JSON pointer", where, "ref"))
            continue
        tokens = [unescape_token(token) for token in target.split("/")[1:]] if target else []
        reached, missing = _deepest(document, tokens)
        if missing is not None:
            place = reached or "the document"
            found.append(
                fault(
                    f"$ref {quoted(ref)} points at nothing: {place} has no {quoted(missing)}",
                    where,
                    "ref",
                )
            )
            continue
        edges.append((holder, target))
    if not found:
        found += _cycle_faults(edges, fault)
    return found


def _cycle_faults(edges: list[tuple[str, str]], fault: Fault) -> list[SpecFault]:
    """A `$ref` that leads back into itself: the kit's tools expand every reference, so a
    recursive schema would expand for ever. One fault per cycle, at the reference that
    closes it."""

    def inside(holder: str, target: str) -> bool:
        return holder == target or holder.startswith(target + "/")

    following: dict[str, list[tuple[str, str]]] = {}
    for _, target in edges:
        following.setdefault(
            target, [(holder, to) for holder, to in edges if inside(holder, target)]
        )
    found: list[SpecFault] = []
    reported: set[frozenset[str]] = set()
    for start in following:
        stack: list[tuple[str, list[str]]] = [(start, [start])]
        seen: set[str] = set()
        while stack:
            current, trail = stack.pop()
            for holder, to in following.get(current, []):
                if to == start:
                    cycle = frozenset(trail)
                    if cycle not in reported:
                        reported.add(cycle)
                        names = " -> ".join(_short_ref(part) for part in (*trail, start))
                        found.append(
                            fault(
                                f"recursive $ref: {names}; the kit's tools expand every "
                                "reference, so recursive schemas are not supported",
                                _join(holder, "$ref"),
                                "ref",
                            )
                        )
                elif to not in seen:
                    seen.add(to)
                    stack.append((to, [*trail, to]))
    return found


def _short_ref(pointer: str) -> str:
    return pointer.removeprefix("/components/schemas/") or "/"


# Schemas -----------------------------------------------------------------------------------
def schema_positions(document: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Each schema of the document where OpenAPI puts one (its subschemas are inside it)."""
    components = document.get("components") or {}
    for name, schema in (components.get("schemas") or {}).items():
        yield _join("/components/schemas", name), schema
    for name, parameter in (components.get("parameters") or {}).items():
        yield from _parameter_schemas(parameter, _join("/components/parameters", name))
    for name, header in (components.get("headers") or {}).items():
        yield from _parameter_schemas(header, _join("/components/headers", name))
    for name, response in (components.get("responses") or {}).items():
        yield from _response_schemas(response, _join("/components/responses", name))
    for name, body in (components.get("requestBodies") or {}).items():
        yield from _content_schemas(body, _join("/components/requestBodies", name))
    for name, item in (components.get("pathItems") or {}).items():
        yield from _path_item_schemas(item, _join("/components/pathItems", name))
    for path, item in (document.get("paths") or {}).items():
        if not is_extension(path):
            yield from _path_item_schemas(item, _join("/paths", path))
    for name, item in (document.get("webhooks") or {}).items():
        yield from _path_item_schemas(item, _join("/webhooks", name))


def _path_item_schemas(item: Any, pointer: str) -> Iterator[tuple[str, Any]]:
    if not isinstance(item, dict) or _is_ref(item):
        return
    for index, parameter in enumerate(item.get("parameters") or []):
        yield from _parameter_schemas(parameter, _join(pointer, "parameters", index))
    for method in HTTP_METHODS:
        operation = item.get(method)
        if not isinstance(operation, dict):
            continue
        where = _join(pointer, method)
        for index, parameter in enumerate(operation.get("parameters") or []):
            yield from _parameter_schemas(parameter, _join(where, "parameters", index))
        yield from _content_schemas(operation.get("requestBody"), _join(where, "requestBody"))
        for status, response in (operation.get("responses") or {}).items():
            if not is_extension(status):
                yield from _response_schemas(response, _join(where, "responses", status))


def _parameter_schemas(parameter: Any, pointer: str) -> Iterator[tuple[str, Any]]:
    if not isinstance(parameter, dict) or _is_ref(parameter):
        return
    if "schema" in parameter:
        yield _join(pointer, "schema"), parameter["schema"]
    yield from _content_schemas(parameter, pointer)


def _response_schemas(response: Any, pointer: str) -> Iterator[tuple[str, Any]]:
    if not isinstance(response, dict) or _is_ref(response):
        return
    yield from _content_schemas(response, pointer)
    for name, header in (response.get("headers") or {}).items():
        yield from _parameter_schemas(header, _join(pointer, "headers", name))


def _content_schemas(holder: Any, pointer: str) -> Iterator[tuple[str, Any]]:
    if not isinstance(holder, dict) or _is_ref(holder):
        return
    for media_type, media in (holder.get("content") or {}).items():
        if isinstance(media, dict) and "schema" in media:
            yield _join(pointer, "content", media_type, "schema"), media["schema"]


_META_31 = jsonschema.Draft202012Validator(jsonschema.Draft202012Validator.META_SCHEMA)
_META_30 = jsonschema.Draft4Validator(jsonschema.Draft4Validator.META_SCHEMA)


def _schema_faults(schema: Any, pointer: str, v30: bool, fault: Fault) -> list[SpecFault]:
    if isinstance(schema, bool) and not v30:
        return []
    meta = _META_30 if v30 else _META_31
    found: list[SpecFault] = []
    errors = sorted(meta.iter_errors(schema), key=lambda error: list(map(str, error.path)))
    for error in errors:
        where = _join(pointer, *error.absolute_path)
        found.append(fault(_meta_message(error, v30), where, "schema"))
    found += _v30_type_faults(schema, pointer, fault) if v30 else []
    for where, pattern in _patterns(schema, pointer):
        reason = ecma_pattern_error(pattern)
        if reason is not None:
            found.append(
                fault(
                    f"pattern {quoted(pattern)} is not an ECMA-262 regular expression "
                    f"the kit's validators can compile ({reason})",
                    where,
                    "pattern",
                )
            )
    return found


def _meta_message(error: jsonschema.ValidationError, v30: bool) -> str:
    path = list(error.absolute_path)
    keyword = str(path[-1]) if path else "schema"
    if keyword == "type" and error.validator in ("anyOf", "enum", "type"):
        allowed = ", ".join(t for t in JSON_TYPES if not (v30 and t == "null"))
        return f"type {quoted(error.instance)} is not a JSON Schema type (one of {allowed})" + (
            "; for null, OpenAPI 3.0 uses `nullable: true`" if v30 else ""
        )
    expected = error.validator_value
    if error.validator == "type":
        return f"`{keyword}` must be of type {expected}; it is {quoted(error.instance)}"
    if error.validator in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        return f"`{keyword}` is {quoted(error.instance)}: {error.message.split(' is ', 1)[-1]}"
    text = error.message if len(error.message) <= 160 else f"{quoted(error.instance)} is invalid"
    return f"`{keyword}`: {text}"


def _v30_type_faults(schema: Any, pointer: str, fault: Fault) -> list[SpecFault]:
    found = []
    for where, node in _subschemas(schema, pointer):
        kind = node.get("type")
        if isinstance(kind, list) or kind == "null":
            found.append(
                fault(
                    f"in OpenAPI 3.0, `type` names one type, not {quoted(kind)}; for null, "
                    "add `nullable: true`",
                    _join(where, "type"),
                    "schema",
                )
            )
    return found


def _subschemas(schema: Any, pointer: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """A schema and every schema inside it, following JSON Schema's keywords (data such as
    `enum` or `example` is not searched)."""
    if not isinstance(schema, dict):
        return
    yield pointer, schema
    for key in _SUBSCHEMA:
        if key in schema:
            yield from _subschemas(schema[key], _join(pointer, key))
    for key in _SUBSCHEMA_LISTS:
        if isinstance(schema.get(key), list):
            for index, item in enumerate(schema[key]):
                yield from _subschemas(item, _join(pointer, key, index))
    for key in _SUBSCHEMA_MAPS:
        if isinstance(schema.get(key), dict):
            for name, item in schema[key].items():
                yield from _subschemas(item, _join(pointer, key, name))


def _patterns(schema: Any, pointer: str) -> Iterator[tuple[str, str]]:
    for where, node in _subschemas(schema, pointer):
        if isinstance(node.get("pattern"), str):
            yield _join(where, "pattern"), node["pattern"]
        if isinstance(node.get("patternProperties"), dict):
            for key in node["patternProperties"]:
                yield _join(where, "patternProperties", key), key


@lru_cache(maxsize=1024)
def ecma_pattern_error(pattern: str) -> str | None:
    """Why jsonschema-rs (the client's and the mock's validator, ECMA-262 regular
    expressions) cannot compile `pattern`, or None when it can."""
    try:
        jsonschema_rs.Draft202012Validator({"pattern": pattern})
    except jsonschema_rs.ValidationError:
        return "jsonschema-rs refuses it"
    return None


# Operations --------------------------------------------------------------------------------
def _resolved(document: dict[str, Any], value: Any) -> Any:
    """A local `$ref` followed (the checks above made sure it leads somewhere)."""
    seen = 0
    while _is_ref(value) and isinstance(value["$ref"], str) and seen < 64:
        node: Any = document
        for token in value["$ref"][1:].split("/")[1:]:
            token = unescape_token(token)
            node = node[int(token)] if isinstance(node, list) else node[token]
        value, seen = node, seen + 1
    return value


def _operation_faults(document: dict[str, Any], fault: Fault, line_of: LineOf) -> list[SpecFault]:
    found: list[SpecFault] = []
    ids: dict[str, str] = {}
    for group, items in (
        ("/paths", document.get("paths")),
        ("/webhooks", document.get("webhooks")),
    ):
        for path, item in (items or {}).items():
            if group == "/paths" and is_extension(path):
                continue
            item = _resolved(document, item)
            if not isinstance(item, dict):
                continue
            pointer = _join(group, path)
            shared = _declared(document, item.get("parameters"), _join(pointer, "parameters"))
            for method in HTTP_METHODS:
                operation = item.get(method)
                if not isinstance(operation, dict):
                    continue
                where = _join(pointer, method)
                operation_id = operation.get("operationId")
                if isinstance(operation_id, str):
                    if operation_id in ids:
                        first = line_of(_join(ids[operation_id], "operationId"))
                        also = f"line {first}" if first else ids[operation_id]
                        found.append(
                            fault(
                                f"operationId {quoted(operation_id)} is used twice (also on "
                                f"{also}); each operation needs its own: it names the "
                                "client's function and the mock's route",
                                _join(where, "operationId"),
                                "operation",
                            )
                        )
                    else:
                        ids[operation_id] = where
                own = _declared(document, operation.get("parameters"), _join(where, "parameters"))
                found += _duplicate_parameters(own, fault)
                if group == "/paths":
                    merged = {**shared, **own}
                    found += _path_template_faults(path, where, merged, fault)
    return found


def _declared(
    document: dict[str, Any], parameters: Any, pointer: str
) -> dict[tuple[str, str], str]:
    """(name, in) -> pointer of each declared parameter; a repeat keeps a `#dup` key."""
    declared: dict[tuple[str, str], str] = {}
    for index, parameter in enumerate(parameters or []):
        parameter = _resolved(document, parameter)
        if not isinstance(parameter, dict):
            continue
        key = (str(parameter.get("name")), str(parameter.get("in")))
        where = _join(pointer, index)
        if key in declared:
            declared[(key[0], f"{key[1]}#dup{index}")] = where
        else:
            declared[key] = where
    return declared


def _duplicate_parameters(declared: dict[tuple[str, str], str], fault: Fault) -> list[SpecFault]:
    found = []
    for (name, location), where in declared.items():
        if "#dup" in location:
            location = location.split("#", 1)[0]
            found.append(
                fault(
                    f"{location} parameter {quoted(name)} is declared twice in one operation",
                    where,
                    "operation",
                )
            )
    return found


def _path_template_faults(
    path: str, where: str, declared: dict[tuple[str, str], str], fault: Fault
) -> list[SpecFault]:
    found = []
    in_template = set(_PATH_VARIABLE.findall(path))
    in_path = {
        name: pointer for (name, location), pointer in declared.items() if location == "path"
    }
    for name in sorted(in_template - in_path.keys()):
        found.append(
            fault(
                f"{{{name}}} in {path} has no path parameter declared for it",
                where,
                "operation",
            )
        )
    for name, pointer in sorted(in_path.items()):
        if name not in in_template:
            found.append(
                fault(
                    f"path parameter {quoted(name)} is declared, but {path} has no {{{name}}}",
                    pointer,
                    "operation",
                )
            )
    return found
