"""Whether one JSON Schema accepts everything another does, as far as a client can tell.

A request schema may only widen (the new server must accept what old clients send); a response
schema may only narrow (old clients must accept what the new server sends). Both questions are
"is every instance of A an instance of B?", asked with A and B swapped, so one walker answers
both and phrases its findings for the direction it was asked in. Where it cannot prove an
answer (a keyword it does not model changed), it says "breaking": a false alarm costs a
reviewer a minute, a missed break costs a consumer an outage. Where a rule cannot decide (a
keyword it does not model, a pattern that is not regular), it says so (`undecided`) and leaves
the verdict to the property check and the generated client (see `settle`).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from typing import Any

from spike_kit.compat.model import Basis, Change, Kind, Severity, first_difference, join
from spike_kit.compat.patterns import includes

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
        "discriminator",
    }
)
_SCALARS = frozenset({"integer", "number", "boolean"})
_UNITS = {
    "minLength": " characters",
    "maxLength": " characters",
    "minItems": " items",
    "maxItems": " items",
    "minProperties": " fields",
    "maxProperties": " fields",
}
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


def compare_schemas(
    old: Any,
    new: Any,
    pointer: str,
    direction: Direction,
    *,
    on_the_wire: bool = False,
    breaks: str | None = None,
) -> list[Change]:
    """Every difference between two schemas at the same place, judged for old clients.

    `on_the_wire` says the value travels as text (a path, query, header or cookie
    parameter), where the text of any number is also a valid string. `breaks` says what a
    breaking change does, where the direction's own words name the wrong parties (a webhook:
    Spike sends, a receiver reads).
    """
    if old == new:
        return []
    old_rules, new_rules = strip_annotations(old), strip_annotations(new)
    if old_rules == new_rules:
        where = first_difference(old, new, pointer)
        deprecated = _deprecation(old, new)
        return [
            Change(
                Severity.DOCUMENTATION,
                where,
                "description or examples changed" if deprecated is None else deprecated,
                kind=Kind.CHANGED if deprecated is None else Kind.DEPRECATED,
                summary=deprecated,
            )
        ]
    found = list(_Walker(direction, on_the_wire, breaks).compare(old_rules, new_rules, pointer))
    if not found:
        found.append(Change(Severity.COMPATIBLE, pointer, f"{direction.value} schema changed"))
    return found


def _deprecation(old: Any, new: Any) -> str | None:
    if isinstance(old, dict) and isinstance(new, dict) and not old.get("deprecated"):
        return "deprecated" if new.get("deprecated") else None
    return None


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

    def __init__(
        self, direction: Direction, on_the_wire: bool = False, breaks: str | None = None
    ) -> None:
        self.direction = direction
        self.on_the_wire = on_the_wire
        self.breaks = breaks

    # Helpers that name the two sides for the direction ------------------------------------
    def _narrow_wide(self, old: Any, new: Any) -> tuple[Any, Any]:
        """(the side whose instances must all fit, the side they must fit in)."""
        return (old, new) if self.direction is Direction.REQUEST else (new, old)

    @property
    def _request(self) -> bool:
        return self.direction is Direction.REQUEST

    def _break(
        self,
        pointer: str,
        what: str,
        summary: str | None = None,
        *,
        basis: Basis = Basis.RULE,
        example: object = None,
        kind: Kind = Kind.CHANGED,
    ) -> Change:
        why = self.breaks or (
            "requests valid under the old spec are refused"
            if self._request
            else "responses can now hold what old clients reject"
        )
        return Change(
            Severity.BREAKING,
            pointer,
            f"{what}: {why}",
            example=example,
            basis=basis,
            kind=kind,
            summary=summary or what,
        )

    def _fine(
        self,
        pointer: str,
        what: str,
        summary: str | None = None,
        *,
        basis: Basis = Basis.RULE,
        kind: Kind = Kind.CHANGED,
    ) -> Change:
        return Change(
            Severity.COMPATIBLE, pointer, what, basis=basis, kind=kind, summary=summary or what
        )

    def _undecided(self, pointer: str, what: str, why: str = "") -> Change:
        return Change(
            Severity.BREAKING,
            pointer,
            f"{what}{f' ({why})' if why else ''}, which the rules cannot prove safe",
            summary=what,
            undecided=True,
        )

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
            yield self._undecided(join(pointer, unmodelled[0]), f"{names} changed")
            return
        if self.on_the_wire and self._as_text(old, new):
            yield from self._text_on_the_wire(old, new, pointer)
            return
        yield from self._discriminator(old, new, pointer)
        if any(key in old or key in new for key in ("anyOf", "oneOf")):
            yield from self._alternatives(old, new, pointer)
            return
        yield from self._type(old, new, pointer)
        yield from self._enum(old, new, pointer)
        yield from self._bounds(old, new, pointer)
        yield from self._string(old, new, pointer)
        yield from self._array(old, new, pointer)
        yield from self._object(old, new, pointer)

    def _as_text(self, old: dict[str, Any], new: dict[str, Any]) -> bool:
        """A scalar parameter that became a string: on the wire both are text."""
        old_types, new_types = _types(old), _types(new)
        narrow, wide = self._narrow_wide(old_types, new_types)
        return bool(
            narrow
            and wide is not None
            and "string" in wide
            and not narrow <= wide
            and narrow - {"string"} <= _SCALARS
        )

    def _text_on_the_wire(
        self, old: dict[str, Any], new: dict[str, Any], pointer: str
    ) -> Iterator[Change]:
        shown = f"type {_show_types(_types(old))} -> {_show_types(_types(new))}"
        _, wide = self._narrow_wide(old, new)
        limits = sorted(
            key for key in ("pattern", "enum", "const", "format", "maxLength") if key in wide
        )
        if wide.get("minLength", 0) > 1:
            limits.append("minLength")
        at = join(pointer, "type")
        if limits:
            yield self._undecided(at, f"{shown} on the wire, with {', '.join(limits)}")
        else:
            yield self._fine(
                at, f"{shown}: on the wire the text of every old value is a valid string"
            )

    def _discriminator(
        self, old: dict[str, Any], new: dict[str, Any], pointer: str
    ) -> Iterator[Change]:
        before, after = old.get("discriminator"), new.get("discriminator")
        if before == after:
            return
        at = join(pointer, "discriminator")
        if before is None or after is None:
            what = "discriminator added" if before is None else "discriminator removed"
            yield self._fine(
                at,
                f"{what}: it names the field that tells alternatives apart; what "
                "validates is unchanged",
            )
        else:
            yield self._undecided(at, "discriminator changed")

    def _alternatives(
        self, old: dict[str, Any], new: dict[str, Any], pointer: str
    ) -> Iterator[Change]:
        narrow, wide = self._narrow_wide(old, new)
        narrow_branches = narrow.get("anyOf") or narrow.get("oneOf") or [narrow]
        wide_branches = wide.get("anyOf") or wide.get("oneOf") or [wide]
        rest = {k: v for k, v in wide.items() if k not in ("anyOf", "oneOf", "discriminator")}
        shared = {k: v for k, v in narrow.items() if k not in ("anyOf", "oneOf", "discriminator")}
        verdicts = [
            [self._fits({**shared, **branch}, {**rest, **other}) for other in wide_branches]
            for branch in narrow_branches
        ]
        changed = False
        for index, fits in enumerate(verdicts):
            if any(verdict is True for verdict in fits):
                continue
            changed = True
            keyword = "anyOf" if "anyOf" in narrow else "oneOf"
            where = join(pointer, keyword, index) if len(narrow_branches) > 1 else pointer
            if any(verdict is None for verdict in fits):
                yield self._undecided(where, "an alternative changed")
            else:
                yield self._break(where, "values of one alternative match none on the other side")
        if not changed:
            yield self._fine(pointer, "alternatives changed compatibly")

    def _fits(self, narrow: dict[str, Any], wide: dict[str, Any]) -> bool | None:
        """True when every value of `narrow` fits `wide`, False when not, None: undecided."""
        old, new = (narrow, wide) if self._request else (wide, narrow)
        found = [change for change in self.compare(old, new, "") if change.breaking]
        if not found:
            return True
        return None if all(change.undecided for change in found) else False

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
            yield self._break(at, f"values limited to {wide!r}", f"now limited to {_list(wide)}")
            return
        extra = [value for value in narrow if value not in wide]
        if extra:
            if self._request:
                yield self._break(
                    at, f"allowed values removed: {extra!r}", f"no longer takes {_list(extra)}"
                )
            else:
                yield self._break(
                    at, f"allowed values added: {extra!r}", f"may now be {_list(extra)}"
                )
        else:
            added = [value for value in new_values or [] if value not in (old_values or [])]
            yield self._fine(
                at,
                f"allowed values {old_values!r} -> {new_values!r}",
                f"now also takes {_list(added)}" if added and self._request else None,
            )

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
            summary = _bound_words(keyword, after, self._request, tighter)
            yield self._break(at, shown, summary) if tighter else self._fine(at, shown, summary)

    def _string(self, old: dict[str, Any], new: dict[str, Any], pointer: str) -> Iterator[Change]:
        yield from self._pattern(old.get("pattern"), new.get("pattern"), join(pointer, "pattern"))
        before, after = old.get("format"), new.get("format")
        if before != after:
            _, wide = self._narrow_wide(before, after)
            shown = f"format {before!r} -> {after!r}"
            at = join(pointer, "format")
            yield self._fine(at, shown) if wide is None else self._break(at, shown)
        for keyword in ("default", "readOnly", "writeOnly"):
            if old.get(keyword) != new.get(keyword):
                shown = f"{keyword} {old.get(keyword)!r} -> {new.get(keyword)!r}"
                yield self._fine(join(pointer, keyword), shown)

    def _pattern(self, before: Any, after: Any, at: str) -> Iterator[Change]:
        if before == after:
            return
        narrow, wide = self._narrow_wide(before, after)
        shown = f"pattern {before!r} -> {after!r}"
        if wide is None:
            yield self._fine(at, shown)
            return
        if narrow is None:
            yield self._break(at, shown, f"must now match `{after}`")
            return
        answer = includes(str(narrow), str(wide))
        if not answer.decided:
            yield self._undecided(at, shown, answer.why)
        elif answer.included:
            # Requests: what old clients send must still match; responses: what Spike may now
            # send must still match what old clients check.
            which = (
                "old pattern's strings all match the new"
                if self._request
                else ("new pattern's strings all match the old")
            )
            yield self._fine(at, f"{shown}: the {which} one", basis=Basis.REGEX)
        else:
            summary = (
                f"must now match `{after}`" if self._request else f"may now hold {answer.witness!r}"
            )
            yield self._break(
                at,
                f"{shown}: {answer.witness!r} matches one and not the other",
                summary,
                basis=Basis.REGEX,
                example=answer.witness,
            )

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
                    summary = "is now required" if request else "may now be absent"
                    yield self._break(at, f"field `{name}` {what}", summary)
                else:
                    what = "no longer required" if request else "now always present"
                    yield self._fine(at, f"field `{name}` {what}", f"is {what}")
        yield from self._additional(old, new, pointer)

    def _property_gone(self, name: str, new: dict[str, Any], at: str) -> Iterator[Change]:
        if self.direction is Direction.RESPONSE:
            yield self._break(at, f"response field `{name}` removed", "removed", kind=Kind.REMOVED)
        elif new.get("additionalProperties") is False:
            yield self._break(
                at,
                f"request field `{name}` removed",
                "removed; the server refuses it",
                kind=Kind.REMOVED,
            )
        else:
            yield self._fine(
                at, f"request field `{name}` no longer described", "no longer described"
            )

    def _property_added(self, name: str, old: dict[str, Any], at: str) -> Iterator[Change]:
        if self.direction is Direction.REQUEST:
            yield self._fine(at, f"new request field `{name}`", "added", kind=Kind.ADDED)
        elif old.get("additionalProperties") is False:
            yield self._break(
                at, f"new response field `{name}` where none were allowed", "added", kind=Kind.ADDED
            )
        else:
            yield self._fine(at, f"new response field `{name}`", "added", kind=Kind.ADDED)

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


def _list(values: list[Any]) -> str:
    return ", ".join(f"`{value}`" if isinstance(value, str) else repr(value) for value in values)


def _number(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else repr(value)


def _bound_words(keyword: str, after: Any, request: bool, tighter: bool) -> str:
    """A bound's change in words: "now refuses values over 1,024 characters"."""
    unit = _UNITS.get(keyword, "")
    upper = keyword in _UPPER_BOUNDS
    if keyword == "multipleOf":
        return f"now a multiple of {_number(after)}" if after is not None else "any multiple"
    if after is None:
        return f"no longer has {'an upper' if upper else 'a lower'} limit"
    edge = "over" if upper else "under"
    if keyword.startswith("exclusive"):
        edge = "of or over" if upper else "of or under"
    limit = f"{_number(after)}{unit}"
    if request:
        if tighter:
            return f"now refuses values {edge} {limit}"
        return f"now takes values up to {limit}" if upper else f"now takes values down to {limit}"
    if tighter:
        return (
            f"may now hold values up to {limit}"
            if upper
            else f"may now hold values down to {limit}"
        )
    return f"now stays {'at or under' if upper else 'at or over'} {limit}"
