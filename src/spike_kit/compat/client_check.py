"""The last word: a client generated from the base spec, fed what the new spec allows.

Where the rules cannot decide (a pattern that is not regular, a keyword they do not model, a
number parameter turned string with limits), the check does what a consumer would: it
generates the base spec's client with the kit's generator configuration (in a kit checkout,
its templates and runtime too), hands it responses drawn from the new spec through an
`httpx.MockTransport`, and validates the requests it builds from the old spec's values
against the new spec. The client runs in its own process (`client_probe`), since the base
client's package usually has the same name as one already installed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml
from attrs import frozen

from spike_kit.codegen.media import client_sends, read_as, simplified
from spike_kit.compat.examples import (
    Part,
    Unchecked,
    draws,
    media_schemas,
    parameter_key,
    parameters_schema,
    parts,
    validity,
)
from spike_kit.compat.model import join
from spike_kit.compat.operations import path_shape
from spike_kit.compat.schemas import Direction
from spike_kit.compat.wire import ABSENT, Encoding, receive
from spike_kit.layout import RepoLayout
from spike_kit.spec import escape_token, iter_operations
from spike_kit.spec_lines import split_pointer

DEFAULT_DRAWS = 25
PLAIN_CONFIG: dict[str, Any] = {"literal_enums": True}
"""The kit's generator config (`openapi/generator/config.yml`) without what names our own
package (project, package, version) and without the post-hooks, which only format code: the
config a client of someone else's spec gets. A test holds the two together."""
_PROBE_TIMEOUT = 120


class ClientUnavailable(Exception):
    """Raised when no client could be generated from the base spec, or it could not be run."""


@frozen
class ClientVerdict:
    """What the base client did with one part's draws."""

    part: str
    checked: int
    fault: str | None = None
    example: Any = None


@frozen
class _Operation:
    key: str
    new_path: str
    old: dict[str, Any]
    new: dict[str, Any]
    token: bool


def judge(
    old_raw: dict[str, Any],
    old_doc: dict[str, Any],
    new_doc: dict[str, Any],
    pointers: Iterable[str],
    *,
    kit: RepoLayout | None,
    count: int = DEFAULT_DRAWS,
) -> dict[str, ClientVerdict]:
    """Run the base client over the given parts; raises ClientUnavailable."""
    wanted = set(pointers)
    chosen = [
        part
        for part in parts(old_doc, new_doc)
        if part.pointer in wanted and not part.redirect_back  # no plain client reads it
    ]
    if not chosen:
        return {}
    operations = _operations(old_doc, new_doc)
    params = {p.pointer: p for p in parts(old_doc, new_doc) if p.wire is not None}
    cases: list[dict[str, Any]] = []
    for part in chosen:
        operation = operations[_operation_pointer(part.pointer)]
        cases.extend(_cases(part, operation, count, start=len(cases)))
    with tempfile.TemporaryDirectory(prefix="spike-compat-client-") as tmp:
        package = _generate(old_raw, Path(tmp), kit)
        results = _probe(Path(tmp), package, cases)
    verdicts: dict[str, ClientVerdict] = {}
    for case, result in zip(cases, results, strict=True):
        pointer = case["part"]
        fault = result.get("fault")
        if "request" in result:
            operation = operations[_operation_pointer(pointer)]
            try:
                fault = _request_fault(result["request"], operation, params)
            except Unchecked:
                continue  # the new schema cannot be read by the validator: no verdict
        elif "skipped" in result:
            continue
        previous = verdicts.get(pointer, ClientVerdict(pointer, 0))
        if previous.fault is None and fault is not None:
            example = case.get("body") if case["kind"] == "response" or "media" in case else None
            previous = ClientVerdict(
                pointer, previous.checked, fault, example if example is not None else case["args"]
            )
        verdicts[pointer] = ClientVerdict(
            pointer, previous.checked + 1, previous.fault, previous.example
        )
    return verdicts


def _operation_pointer(pointer: str) -> str:
    return "/".join(pointer.split("/")[:4])


def _operations(old_doc: dict[str, Any], new_doc: dict[str, Any]) -> dict[str, _Operation]:
    old_ops = {(m, path_shape(p)): (p, op) for p, m, op in iter_operations(old_doc)}
    found = {}
    for path, method, new_op in iter_operations(new_doc):
        match = old_ops.get((method, path_shape(path)))
        if match is None:
            continue
        old_path, old_op = match
        security = old_op.get("security", old_doc.get("security"))
        pointer = join("", "paths", path, method)
        found[pointer] = _Operation(
            f"{method.upper()} {path_shape(old_path)}",
            path,
            old_op,
            new_op,
            token=any(requirement for requirement in security or []),
        )
    return found


def _status(key: str, documented: Iterable[str]) -> int:
    """A status that a response key documents: `5XX` -> 500, `default` -> one no other key
    names."""
    if key[:1].isdigit() and key.endswith("XX"):
        return int(key[0]) * 100
    if key != "default":
        return int(key)
    taken = set(documented)
    return next(
        code
        for code in (500, 400, 409, 418, 200)
        if str(code) not in taken and f"{str(code)[0]}XX" not in taken
    )


def _call(operation: _Operation) -> dict[str, Any]:
    """One valid call of the old operation: its arguments and, when it has one, a body."""
    args = (draws(parameters_schema(operation.old), 1) or [{}])[0]
    call: dict[str, Any] = {"args": args}
    body = operation.old.get("requestBody")
    sendable = client_sends((body or {}).get("content"))
    if body and sendable:
        media = sendable[0]
        schema = media_schemas(body).get(media)
        values = draws(schema, 1) if schema is not None else []
        if values:
            call["body"], call["media"] = values[0], media
    return call


def _cases(part: Part, operation: _Operation, count: int, start: int) -> list[dict[str, Any]]:
    base = {"operation": operation.key, "token": operation.token, "part": part.pointer}
    call = _call(operation)
    tokens = split_pointer(part.pointer)
    values = draws(part.produced_by, count)
    found = []
    for offset, value in enumerate(values):
        case = {**base, **call, "id": start + offset}
        if part.direction is Direction.RESPONSE:
            media = tokens[-1]
            case.update(
                kind="response",
                status=_status(tokens[-3], operation.old.get("responses") or {}),
                media=media,
                read_as=read_as(media),
                body=value,
                request_body=call.get("body"),
            )
        elif part.wire is not None:
            case.update(kind="request", args=value)
        else:
            case.update(kind="request", body=value, media=tokens[-1])
        found.append(case)
    return found


def _generate(old_raw: dict[str, Any], tmp: Path, kit: RepoLayout | None) -> str:
    """Generate the base client under `tmp`; returns its package name."""
    from spike_kit.codegen.regenerate import (
        ClientGenerationError,
        build_client,
        build_plain_client,
        package_name,
    )

    spec_text = yaml.safe_dump(old_raw, sort_keys=False, allow_unicode=True)
    try:
        if kit is not None:
            layout = kit.copy_generator_inputs(tmp / "kit")
            layout.spec.write_text(spec_text, encoding="utf-8")
            build_client(layout, tmp / "client")
            shutil.move(tmp / "client" / package_name(layout), tmp / package_name(layout))
            return package_name(layout)
        spec = tmp / "base.yaml"
        spec.write_text(spec_text, encoding="utf-8")
        config = tmp / "config.yml"
        config.write_text(yaml.safe_dump(PLAIN_CONFIG), encoding="utf-8")
        build_plain_client(spec, config, tmp / "compat_base_client")
    except ClientGenerationError as exc:
        raise ClientUnavailable(f"the generator failed on the base spec: {exc}") from None
    return "compat_base_client"


def _probe(where: Path, package: str, cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    cases_file = where / "cases.json"
    cases_file.write_text(json.dumps(cases), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(where), *sys.path])}
    try:
        result = subprocess.run(
            [sys.executable, "-m", "spike_kit.codegen.client_probe", package, str(cases_file)],
            capture_output=True,
            text=True,
            env=env,
            cwd=where,
            timeout=_PROBE_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ClientUnavailable(
            f"the base client took over {_PROBE_TIMEOUT} s on {len(cases)} cases"
        ) from None
    if result.returncode != 0:
        tail = "\n".join(result.stderr.strip().splitlines()[-5:])
        raise ClientUnavailable(f"the base client could not be run: {tail}")
    answers: list[dict[str, Any]] = json.loads(result.stdout)
    return answers


def _path_values(template: str, path: str) -> dict[str, str] | None:
    names: list[str] = []

    def group(match: re.Match[str]) -> str:
        names.append(match.group(1))
        return "([^/]*)"

    pattern = re.sub(r"\\\{([^/{}]+)\\\}", group, re.escape(template))
    found = re.fullmatch(pattern, path)
    if found is None:
        return None
    return {name: unquote(value) for name, value in zip(names, found.groups(), strict=True)}


def _request_fault(
    request: dict[str, Any], operation: _Operation, params: dict[str, Part]
) -> str | None:
    """What the new spec refuses in a request the base client built, or None: its path,
    query, headers and cookies read the way a server declaring the new parameters reads them
    (`wire.receive`); a query parameter no new definition claims is sent all the same."""
    path_values = _path_values(operation.new_path, request["path"])
    if path_values is None:
        return f"the base client calls {request['path']}, which the new path does not match"
    on_the_wire = {
        "path": list(path_values.items()),
        "query": [(key, value) for key, value in request["query"]],
        "header": list(request["headers"].items()),
        "cookie": _cookies(request["headers"].get("cookie", "")),
    }
    values: dict[str, Any] = {}
    claimed: set[str] = set()
    for parameter in operation.new.get("parameters") or []:
        encoding = Encoding.of(parameter)
        pairs = on_the_wire.get(encoding.location, [])
        if encoding.location == "header":
            pairs = [(encoding.name, text) for key, text in pairs if key == encoding.name.lower()]
        read = receive(pairs, encoding)
        if read is not ABSENT:
            values[parameter_key(parameter)] = read
        if encoding.location == "query":
            claimed |= {key for key, _ in pairs if encoding.claims(key)}
    for key, text in on_the_wire["query"]:
        if key not in claimed:
            values.setdefault(f"query.{key}", text)
    part = params["/".join([*_pointer_tokens(operation), "parameters"])]
    if not validity(part.checked_by)(values):
        return f"the new spec refuses the parameters {json.dumps(values, sort_keys=True)}"
    return _body_fault(request, operation.new.get("requestBody"))


def _cookies(header: str) -> list[tuple[str, str]]:
    found = []
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name:
            found.append((name, value))
    return found


def _pointer_tokens(operation: _Operation) -> list[str]:
    method = operation.key.split(" ", 1)[0].lower()
    return ["", "paths", escape_token(operation.new_path), method]


def _body_fault(request: dict[str, Any], body: dict[str, Any] | None) -> str | None:
    sent = request["body"]
    content = (body or {}).get("content") or {}
    if not sent:
        return (
            "the new spec requires a body the base client does not send"
            if (body and body.get("required"))
            else None
        )
    media = request.get("content_type") or ""
    kinds = {simplified(key): key for key in content}
    key = kinds.get(simplified(media))
    if key is None:
        return f"the new spec takes no {simplified(media)} body"
    schema = (content[key] or {}).get("schema")
    if schema is None or (
        simplified(media) not in ("application/json",) and not simplified(media).endswith("+json")
    ):
        return None
    try:
        value = json.loads(sent)
    except ValueError:
        return "the base client sent a body that is not JSON"
    if not validity(schema)(value):
        return f"the new spec refuses the body {json.dumps(value, sort_keys=True)[:300]}"
    return None
