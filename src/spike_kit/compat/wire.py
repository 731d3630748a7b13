"""Parameters as they travel: text in a path, query, header or cookie, laid out by `style`.

A client sends a parameter's value as text, and the server reads that text with its own
parameter definition. So an old client's `5` (a number) reaches a new server that declares a
string as `"5"`, which is a valid string; and an object sent as `deepObject`
(`filters[limit]=5`) or exploded `form` (`limit=5`) arrives as strings, one per property,
which the server reads by each property's declared type. The property check and the
generated-client check carry parameter values across this way (`send` with the old
definition, `receive` with the new one) instead of comparing Python types.

The layouts are OpenAPI's (its "Style Values" table, RFC 6570 underneath): `form` (query and
cookie default, exploded by default), `simple` (path and header default), `label`, `matrix`,
`spaceDelimited`, `pipeDelimited` and `deepObject`. A parameter with `content` travels as the
text of its media type: JSON text for JSON types, and as it is otherwise. What OpenAPI leaves
undefined (an object nested inside a `deepObject`, an array inside an exploded object) travels
as JSON text, and is read back as JSON where the receiving schema wants an object or array.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, unquote

from attrs import frozen

from spike_kit.codegen.media import read_as

Pairs = list[tuple[str, str]]
"""What one parameter puts on the wire: (key, text) pairs. A query or cookie parameter may
give several (`tag=a&tag=b`, `filters[limit]=5`); a path or header parameter gives one, under
its own name."""

_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")
_DEFAULT_STYLE = {"query": "form", "cookie": "form", "path": "simple", "header": "simple"}
_DELIMITERS = {"form": ",", "simple": ",", "spaceDelimited": " ", "pipeDelimited": "|"}
_ESCAPED = "%,|=.;[] "
"""Characters percent-encoded inside one value, so that the layout's own separators stay
unambiguous, as RFC 6570 encodes reserved characters in a value."""


@frozen
class Encoding:
    """How one parameter is written on the wire, as its definition says."""

    name: str
    location: str
    style: str
    explode: bool
    schema: Any
    media: str | None = None
    """For a parameter with `content`: its media type (the value travels as that text)."""

    @classmethod
    def of(cls, parameter: dict[str, Any]) -> Encoding:
        """A parameter's encoding, OpenAPI's defaults filled in."""
        location = str(parameter.get("in"))
        style = str(parameter.get("style") or _DEFAULT_STYLE.get(location, "form"))
        explode = parameter.get("explode")
        content = parameter.get("content")
        if isinstance(content, dict) and content:
            media = next(iter(content))
            body = content[media]
            schema = body.get("schema") if isinstance(body, dict) else None
            return cls(str(parameter.get("name")), location, style, False, schema or {}, media)
        return cls(
            str(parameter.get("name")),
            location,
            style,
            explode if isinstance(explode, bool) else style == "form",
            parameter.get("schema") or {},
        )

    @property
    def json(self) -> bool:
        return self.media is not None and read_as(self.media) == "json"

    def layout_matters(self) -> bool:
        """Whether `style` and `explode` change the text: only for arrays and objects (and
        `label`/`matrix`, which prefix even a single value)."""
        kinds = set(_types(self.schema))
        return self.style in ("label", "matrix") or bool(kinds & {"array", "object"})

    def claims(self, key: str) -> bool:
        """Whether a query key on the wire belongs to this parameter: its name, a
        `deepObject`'s `name[field]`, or a field of an exploded `form` object (whose fields
        are query keys of their own)."""
        if self.media is None and self.style == "deepObject":
            return key.startswith(f"{self.name}[")
        if self.media is None and self.style == "form" and self.explode:
            schema = self.schema if isinstance(self.schema, dict) else {}
            if "object" in _types(schema):
                return key in _properties(schema) or _open(schema)
        return key == self.name


def send(value: Any, encoding: Encoding) -> Pairs:
    """What a client following `encoding` puts on the wire for `value`."""
    name = encoding.name
    if encoding.media is not None:
        text = json.dumps(value) if encoding.json else _scalar_text(value)
        return [(name, text)]
    if isinstance(value, dict):
        return _send_object(value, encoding)
    if isinstance(value, list):
        return _send_array(value, encoding)
    return [(name, _prefixed(_scalar_text(value), encoding))]


def _prefixed(text: str, encoding: Encoding) -> str:
    if encoding.style == "label":
        return f".{text}"
    if encoding.style == "matrix":
        return f";{encoding.name}={text}" if text else f";{encoding.name}"
    return text


def _send_array(items: list[Any], encoding: Encoding) -> Pairs:
    name, style = encoding.name, encoding.style
    texts = [_escape(_scalar_text(item)) for item in items]
    if not texts:
        return [] if style in ("form", "spaceDelimited", "pipeDelimited") else [(name, "")]
    if style == "form" and encoding.explode:
        return [(name, _scalar_text(item)) for item in items]
    if style == "label":
        return [(name, "." + ("." if encoding.explode else ",").join(texts))]
    if style == "matrix":
        if encoding.explode:
            return [(name, "".join(f";{name}={text}" for text in texts))]
        return [(name, f";{name}=" + ",".join(texts))]
    return [(name, _DELIMITERS.get(style, ",").join(texts))]


def _send_object(fields: dict[str, Any], encoding: Encoding) -> Pairs:
    name, style = encoding.name, encoding.style
    items = [(str(key), _scalar_text(item)) for key, item in fields.items()]
    if style == "deepObject":
        return [(f"{name}[{key}]", text) for key, text in items]
    if style == "form" and encoding.explode:
        return items
    if not items:
        return [] if style == "form" else [(name, "")]
    escaped = [(_escape(key), _escape(text)) for key, text in items]
    if encoding.explode:
        joined = [f"{key}={text}" for key, text in escaped]
    else:
        joined = [part for pair in escaped for part in pair]
    if style == "label":
        return [(name, "." + ("." if encoding.explode else ",").join(joined))]
    if style == "matrix":
        if encoding.explode:
            return [(name, "".join(f";{part}" for part in joined))]
        return [(name, f";{name}=" + ",".join(joined))]
    return [(name, _DELIMITERS.get(style, ",").join(joined))]


_ABSENT = object()


def receive(pairs: Iterable[tuple[str, str]], encoding: Encoding) -> Any:
    """What a server declaring `encoding` reads from the pairs on the wire, or `ABSENT`
    when the parameter is not there at all (an empty exploded object sends nothing)."""
    pairs = list(pairs)
    schema = encoding.schema if isinstance(encoding.schema, dict) else {}
    name = encoding.name
    if encoding.media is not None:
        text = _last(pairs, name)
        if text is None:
            return _ABSENT
        if not encoding.json:
            return text
        try:
            return json.loads(text)
        except ValueError:
            return text
    kinds = _types(schema)
    if "object" in kinds and encoding.style == "deepObject":
        found = {
            key[len(name) + 1 : -1]: text
            for key, text in pairs
            if key.startswith(f"{name}[") and key.endswith("]")
        }
        return _object_of(found, schema) if found else _ABSENT
    if "object" in kinds and encoding.style == "form" and encoding.explode:
        found = {key: text for key, text in pairs if encoding.claims(key)}
        return _object_of(found, schema) if found else _ABSENT
    if "array" in kinds and encoding.style == "form" and encoding.explode:
        texts = [text for key, text in pairs if key == name]
        return [from_text(text, schema.get("items")) for text in texts] if texts else _ABSENT
    text = _last(pairs, name)
    if text is None:
        return _ABSENT
    unprefixed = _unprefixed(text, encoding)
    if unprefixed is None:
        return text  # not laid out as this style says: the raw text, which a schema refuses
    text = unprefixed
    if "object" in kinds:
        return _object_of(_split_object(text, encoding), schema)
    if "array" in kinds:
        parts = _split(text, encoding) if text else []
        return [from_text(_unescape(part), schema.get("items")) for part in parts]
    return from_text(text, schema)


ABSENT = _ABSENT
"""`receive`'s answer for a parameter the wire does not carry."""


def _last(pairs: list[tuple[str, str]], name: str) -> str | None:
    texts = [text for key, text in pairs if key == name]
    return texts[-1] if texts else None


def _unprefixed(text: str, encoding: Encoding) -> str | None:
    """The text without its style's prefix (`.` for label, `;name=` for matrix), or None
    when the prefix is not there."""
    if encoding.style == "label":
        return text[1:] if text.startswith(".") else None
    if encoding.style == "matrix":
        if not text.startswith(";"):
            return None
        kinds = _types(encoding.schema)
        if encoding.explode and ("object" in kinds or "array" in kinds):
            return text
        for prefix in (f";{encoding.name}=", f";{encoding.name}"):
            if text.startswith(prefix):
                return text[len(prefix) :]
        return None
    return text


def _split(text: str, encoding: Encoding) -> list[str]:
    if encoding.style == "label":
        return text.split("." if encoding.explode else ",")
    if encoding.style == "matrix" and encoding.explode:
        return [part.split("=", 1)[-1] for part in text.split(";") if part]
    return text.split(_DELIMITERS.get(encoding.style, ","))


def _split_object(text: str, encoding: Encoding) -> dict[str, str]:
    if not text:
        return {}
    if encoding.explode:
        if encoding.style == "matrix":
            parts = [part for part in text.split(";") if part]
        else:
            parts = text.split("." if encoding.style == "label" else ",")
        pairs = [part.split("=", 1) for part in parts]
        return {_unescape(pair[0]): _unescape(pair[-1]) for pair in pairs}
    parts = _split(text, encoding)
    return {
        _unescape(parts[index]): _unescape(parts[index + 1]) if index + 1 < len(parts) else ""
        for index in range(0, len(parts), 2)
    }


def _properties(schema: dict[str, Any]) -> dict[str, Any]:
    properties = schema.get("properties")
    return properties if isinstance(properties, dict) else {}


def _open(schema: dict[str, Any]) -> bool:
    return schema.get("additionalProperties", True) is not False


def _object_of(texts: dict[str, str], schema: dict[str, Any]) -> dict[str, Any]:
    """Each field read by its property's declared type (`additionalProperties` for the rest)."""
    known = _properties(schema)
    extra = schema.get("additionalProperties")
    return {
        key: from_text(text, known.get(key, extra if isinstance(extra, dict) else {}))
        for key, text in texts.items()
    }


def _escape(text: str) -> str:
    return "".join(quote(char, safe="") if char in _ESCAPED else char for char in text)


def _unescape(text: str) -> str:
    return unquote(text)


def to_text(value: Any) -> str | list[str]:
    """What a client puts on the wire for one scalar or list (form style, exploded)."""
    if isinstance(value, list):
        return [_scalar_text(item) for item in value]
    return _scalar_text(value)


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True)


def from_text(text: str | list[str], schema: Any) -> Any:
    """How a server that declares `schema` reads the text: the first type that fits."""
    schema = schema if isinstance(schema, dict) else {}
    types = _types(schema)
    if isinstance(text, list):
        if "array" in types:
            return [from_text(item, schema.get("items")) for item in text]
        text = text[-1] if text else ""
    if "array" in types and not text.startswith("["):
        return [from_text(text, schema.get("items"))]
    for kind in types:
        value = _read(kind, text)
        if value is not _NOTHING:
            return value
    return text


_NOTHING = object()


def _types(schema: Any) -> list[str]:
    if not isinstance(schema, dict):
        return ["string"]
    declared = schema.get("type")
    if declared is None:
        for branch in (*schema.get("anyOf", []), *schema.get("oneOf", [])):
            if isinstance(branch, dict):
                return [*_types(branch), "string"]
        if "properties" in schema:
            return ["object"]
        return ["string"]
    order = ["integer", "number", "boolean", "null", "object", "array", "string"]
    listed = [declared] if isinstance(declared, str) else list(declared)
    return sorted(listed, key=lambda kind: order.index(kind) if kind in order else len(order))


def _read(kind: str, text: str) -> Any:
    if kind == "integer" and _INTEGER.fullmatch(text):
        return int(text)
    if kind in ("number", "object", "array"):
        try:
            value = json.loads(text)
        except ValueError:
            return _NOTHING
        wanted: Any = {"object": dict, "array": list}.get(kind, int | float)
        return value if isinstance(value, wanted) and not isinstance(value, bool) else _NOTHING
    if kind == "boolean" and text in ("true", "false"):
        return text == "true"
    if kind == "null" and text == "":
        return None
    if kind == "string":
        return text
    return _NOTHING
