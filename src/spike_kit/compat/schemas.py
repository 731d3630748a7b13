"""Whether one JSON Schema accepts everything another does, as far as a client can tell.

A request schema may only widen (the new server must accept what old clients send); a response
schema may only narrow (old clients must accept what the new server sends). Both questions are
"is every instance of A an instance of B?", asked with A and B swapped, so one walker answers
both and phrases its findings for the direction it was asked in. Where it cannot prove an
answer (a keyword it does not model changed), it says "breaking": a false alarm costs a
reviewer a minute, a missed break costs a consumer an outage.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from typing import Any

from spike_kit.compat.model import Change, Severity, first_difference, join

ANNOTATIONS = frozenset(
    {"description", "title", "examples", "example", "deprecated", "$comment", "summary"}
)
MODELLED = frozenset(
    {
        "type",
        "enum",
        "const",
        "format",
        "pattern",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "items",
        "minItems",
        "maxItems",
        "uniqueItems",
        "properties",
        "required",
        "additionalProperties",
        "minProperties",
        "maxProperties",
        "anyOf",
        "oneOf",
        "default",
        "readOnly",
        "writeOnly",
    }
)
_LOWER_BOUNDS = ("minLength", "minimum", "exclusiveMinimum", "minItems", "minProperties")
_UPPER_BOUNDS = ("maxLength", "maximum", "exclusiveMaximum", "maxItems", "maxProperties")


class Direction(enum.Enum):
    """Which side of the wire a schema describes."""

    REQUEST = "request"
    RESPONSE = "response"


def strip_annotations(node: Any) -> Any:
    """The schema without what does not change validation: descriptions, examples, `x-`."""
    if isinstance(node, dict):
        return {
            key: strip_annotations(value)
            for key, value in node.items()
            if key not in ANNOTATIONS and not key.startswith("x-")
        }
    if isinstance(node, list):
        return [strip_annotations(item) for item in node]
    return node


def compare_schemas(old: Any, new: Any, pointer: str, direction: Direction) -> list[Change]:
    """Every difference between two schemas at the same place, judged for old clients."""
    if old == new:
        return []
    old_rules, new_rules = strip_annotations(old), strip_annotations(new)
    if old_rules == new_rules:
        where = first_difference(old, new, pointer)
        return [Change(Severity.DOCUMENTATION, where, "description or examples changed")]
    found = list(_Walker(direction).compare(old_rules, new_rules, pointer))
    if not found:
        found.append(Change(Severity.COMPATIBLE, pointer, f"{direction.value} schema changed"))
    return found


def _as_schema(node: Any) -> dict[str, Any]:
    if node is True or node is None:
        return {}
    if node is False:
        return {"not": {}}
    return node if isinstance(node, dict) else {}


def _types(schema: dict[str, Any]) -> set[str] | None:
    declared = schema.get("type")
    if declared is None:
        return None
    return {declared} if isinstance(declared, str) else set(declared)


def _values(schema: dict[str, Any]) -> list[Any] | None:
    if "const" in schema:
        return [schema["const"]]
    values = schema.get("enum")
    return list(values) if isinstance(values, list) else None


class _Walker:
    """Compares an old and a new schema in one direction, yielding findings."""

    def __init__(self, direction: Direction) -> None:
        self.direction = direction

    # Helpers that name the two sides for the direction ------------------------------------
    def _narrow_wide(self, old: Any, new: Any) -> tuple[Any, Any]:
        """(the side whose instances must all fit, the side they must fit in)."""
        return (old, new) if self.direction is Direction.REQUEST else (new, old)

    def _break(self, pointer: str, what: str) -> Change:
        why = (
            "requests valid under the old spec are refused"
            if self.direction is Direction.REQUEST
            else "responses can now hold what old clients reject"
        )
        return Change(Severity.BREAKING, pointer, f"{what}: {why}")

    def _fine(self, pointer: str, what: str) -> Change:
        return Change(Severity.COMPATIBLE, pointer, what)

    # The walk -----------------------------------------------------------------------------
    def compare(self, old_node: Any, new_node: Any, pointer: str) -> Iterator[Change]:
        old, new = _as_schema(old_node), _as_schema(new_node)
        if old == new:
            return
        unmodelled = sorted(
            key
            for key in set(old) | set(new)
            if key not in MODELLED and old.get(key) != new.get(key)
        )
        if unmodelled:
            names = ", ".join(f"`{key}`" for key in unmodelled)
            yield self._break(pointer, f"{names} changed, which this check cannot prove safe")
            return
        if any(key in old or key in new for key in ("anyOf", "oneOf")):
            yield from self._alternatives(old, new, pointer)
            return
        yield from self._type(old, new, pointer)
        yield from self._enum(old, new, pointer)
        yield from self._bounds(old, new, pointer)
        yield from self._string(old, new, pointer)
        yield from self._array(old, new, pointer)
        yield from self._object(old, new, pointer)

    def _alternatives(
        self, old: dict[str, Any], new: dict[str, Any], pointer: str
    ) -> Iterator[Change]:
        narrow, wide = self._narrow_wide(old, new)
        narrow_branches = narrow.get("anyOf") or narrow.get("oneOf") or [narrow]
        wide_branches = wide.get("anyOf") or wide.get("oneOf") or [wide]
        rest = {k: v for k, v in wide.items() if k not in ("anyOf", "oneOf")}
        shared = {k: v for k, v in narrow.items() if k not in ("anyOf", "oneOf")}
        unmatched = [
            index
            for index, branch in enumerate(narrow_branches)
            if not any(
                self._fits({**shared, **branch}, {**rest, **other}) for other in wide_branches
            )
        ]
        for index in unmatched:
            where = join(pointer, "anyOf", index) if len(narrow_branches) > 1 else pointer
            yield self._break(where, "values of one alternative match none on the other side")
        if not unmatched:
            yield self._fine(pointer, "alternatives changed compatibly")

    def _fits(self, narrow: dict[str, Any], wide: dict[str, Any]) -> bool:
        old, new = (narrow, wide) if self.direction is Direction.REQUEST else (wide, narrow)
        return not any(change.breaking for change in self.compare(old, new, ""))

    def _type(self, old: dict[str, Any], new: dict[str, Any], pointer: str) -> Iterator[Change]:
        old_types, new_types = _types(old), _types(new)
        if old_types == new_types:
            return
        narrow, wide = self._narrow_wide(old_types, new_types)
        shown = f"type {_show_types(old_types)} -> {_show_types(new_types)}"
        if wide is not None and (
            narrow is None
            or any(t not in wide and not (t == "integer" and "number" in wide) for t in narrow)
        ):
            yield self._break(join(pointer, "type"), shown)
        else:
            yield self._fine(join(pointer, "type"), shown)

    def _enum(self, old: dict[str, Any], new: dict[str, Any], pointer: str) -> Iterator[Change]:
        old_values, new_values = _values(old), _values(new)
        if old_values == new_values:
            return
        narrow, wide = self._narrow_wide(old_values, new_values)
        at = join(pointer, "enum")
        if wide is None:
            yield self._fine(at, "the list of allowed values was lifted or loosened")
            return
        if narrow is None:
            yield self._break(at, f"values limited to {wide!r}")
            return
        extra = [value for value in narrow if value not in wide]
        if extra:
            what = "removed" if self.direction is Direction.REQUEST else "added"
            yield self._break(at, f"allowed values {what}: {extra!r}")
        else:
            yield self._fine(at, f"allowed values {old_values!r} -> {new_values!r}")

    def _bounds(self, old: dict[str, Any], new: dict[str, Any], pointer: str) -> Iterator[Change]:
        for keyword in (*_LOWER_BOUNDS, *_UPPER_BOUNDS, "multipleOf"):
            before, after = old.get(keyword), new.get(keyword)
            if before == after:
                continue
            narrow, wide = self._narrow_wide(before, after)
            if wide is None:
                tighter = False
            elif narrow is None or isinstance(narrow, bool) or isinstance(wide, bool):
                tighter = True
            elif keyword in _LOWER_BOUNDS:
                tighter = narrow < wide
            elif keyword in _UPPER_BOUNDS:
                tighter = narrow > wide
            else:
                tighter = narrow % wide != 0
            shown = f"{keyword} {before!r} -> {after!r}"
            at = join(pointer, keyword)
            yield self._break(at, shown) if tighter else self._fine(at, shown)

    def _string(self, old: dict[str, Any], new: dict[str, Any], pointer: str) -> Iterator[Change]:
        for keyword in ("pattern", "format"):
            before, after = old.get(keyword), new.get(keyword)
            if before == after:
                continue
            _, wide = self._narrow_wide(before, after)
            shown = f"{keyword} {before!r} -> {after!r}"
            at = join(pointer, keyword)
            yield self._fine(at, shown) if wide is None else self._break(at, shown)
        for keyword in ("default", "readOnly", "writeOnly"):
            if old.get(keyword) != new.get(keyword):
                shown = f"{keyword} {old.get(keyword)!r} -> {new.get(keyword)!r}"
                yield self._fine(join(pointer, keyword), shown)

    def _array(self, old: dict[str, Any], new: dict[str, Any], pointer: str) -> Iterator[Change]:
        if old.get("uniqueItems", False) != new.get("uniqueItems", False):
            narrow, wide = self._narrow_wide(old.get("uniqueItems"), new.get("uniqueItems"))
            at = join(pointer, "uniqueItems")
            if wide and not narrow:
                yield self._break(at, "items must now be unique")
            else:
                yield self._fine(at, "items need no longer be unique")
        if "items" in old or "items" in new:
            yield from self.compare(old.get("items"), new.get("items"), join(pointer, "items"))

    def _object(self, old: dict[str, Any], new: dict[str, Any], pointer: str) -> Iterator[Change]:
        old_props: dict[str, Any] = old.get("properties") or {}
        new_props: dict[str, Any] = new.get("properties") or {}
        old_required = set(old.get("required") or [])
        new_required = set(new.get("required") or [])
        request = self.direction is Direction.REQUEST
        for name in sorted(set(old_props) | set(new_props) | old_required | new_required):
            at = join(pointer, "properties", name)
            if name in old_props and name in new_props:
                yield from self.compare(old_props[name], new_props[name], at)
            elif name in old_props:
                yield from self._property_gone(name, new, at)
            elif name in new_props:
                yield from self._property_added(name, old, at)
            if (name in new_required) != (name in old_required):
                now_required = name in new_required
                if now_required == request:
                    what = "made required" if request else "no longer always present"
                    yield self._break(at, f"field `{name}` {what}")
                else:
                    what = "no longer required" if request else "now always present"
                    yield self._fine(at, f"field `{name}` {what}")
        yield from self._additional(old, new, pointer)

    def _property_gone(self, name: str, new: dict[str, Any], at: str) -> Iterator[Change]:
        if self.direction is Direction.RESPONSE:
            yield self._break(at, f"response field `{name}` removed")
        elif new.get("additionalProperties") is False:
            yield self._break(at, f"request field `{name}` removed")
        else:
            yield self._fine(at, f"request field `{name}` no longer described")

    def _property_added(self, name: str, old: dict[str, Any], at: str) -> Iterator[Change]:
        if self.direction is Direction.REQUEST:
            yield self._fine(at, f"new request field `{name}`")
        elif old.get("additionalProperties") is False:
            yield self._break(at, f"new response field `{name}` where none were allowed")
        else:
            yield self._fine(at, f"new response field `{name}`")

    def _additional(
        self, old: dict[str, Any], new: dict[str, Any], pointer: str
    ) -> Iterator[Change]:
        before, after = old.get("additionalProperties"), new.get("additionalProperties")
        if before == after:
            return
        at = join(pointer, "additionalProperties")
        narrow, wide = self._narrow_wide(before, after)
        if wide is False and narrow is not False:
            yield self._break(at, "extra fields no longer allowed")
        elif isinstance(wide, dict) or isinstance(narrow, dict):
            yield from self.compare(before, after, at)
        else:
            yield self._fine(at, "extra fields now allowed")


def _show_types(types: set[str] | None) -> str:
    return "any" if types is None else "|".join(sorted(types))
