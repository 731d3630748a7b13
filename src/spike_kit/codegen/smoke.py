"""Before a regenerated client replaces the one that worked: does it import, and does every
documented operation answer a call?

openapi-python-client can write a package that looks complete and is not: an endpoint it
skipped (its warning was the only trace), a module that raises at import, a response it
cannot read (every 200 of a `*/*` response raised `AssertionError`). So each operation of the
spec is called once through the built package, in its own process (`client_probe`, the same
engine the compatibility check drives), with the operation's documented arguments and its
first success response as the generated client reads it, over an `httpx.MockTransport`. Values
come from the spec's examples, else are drawn from the schemas.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from spike_kit.codegen.media import client_reads, client_sends, read_as
from spike_kit.spec import dereference, iter_operations

SMOKE_TIMEOUT = 120.0


class SmokeError(Exception):
    """The built client does not do what the spec says: each reason, naming the operation."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__("\n".join(reasons))


def _shape(path: str) -> str:
    return re.sub(r"\{[^/{}]+\}", "{}", path)


def _value(holder: dict[str, Any], schema: Any) -> tuple[bool, Any]:
    """An example the spec gives (on the holder, or its schema), else one drawn."""
    if "example" in holder:
        return True, holder["example"]
    examples = holder.get("examples")
    if isinstance(examples, dict):
        for example in examples.values():
            if isinstance(example, dict) and "value" in example:
                return True, example["value"]
    if isinstance(schema, dict):
        if "example" in schema:
            return True, schema["example"]
        if isinstance(schema.get("examples"), list) and schema["examples"]:
            return True, schema["examples"][0]
    return _drawn(schema)


def _drawn(schema: Any) -> tuple[bool, Any]:
    import warnings

    from hypothesis.errors import NonInteractiveExampleWarning

    from spike_kit.strategies import StrategyBuildError, from_schema, standard_formats

    try:
        strategy = from_schema(schema if schema is not None else {}, standard_formats())
    except StrategyBuildError:
        return False, None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonInteractiveExampleWarning)
        try:
            return True, strategy.example()
        except Exception:
            return False, None


def cases(document: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """One call per operation (its first success response), and what could not be built."""
    built: list[dict[str, Any]] = []
    unbuilt: list[str] = []
    default_security = document.get("security", [])
    for path, method, operation in iter_operations(document):
        name = f"{method.upper()} {path}"
        statuses = [str(s) for s in operation.get("responses") or {} if str(s).startswith("2")]
        if not statuses:
            continue
        status = statuses[0]
        response = dereference(document, operation["responses"][status])
        content = response.get("content") or {}
        media = client_reads(content)
        case: dict[str, Any] = {
            "id": name,
            "operation": f"{method.upper()} {_shape(path)}",
            "kind": "response",
            "status": int(status.replace("X", "0")) if status[1:].isdigit() else 200,
            "media": media or "application/json",
            "read_as": read_as(media) if media else "json",
            "body": None,
            "token": bool(operation.get("security", default_security)),
            "args": {},
        }
        if media is not None:
            entry = content[media]
            found, body = _value(entry, entry.get("schema"))
            if not found:
                unbuilt.append(f"{name}: no {status} {media} body could be drawn from its schema")
                continue
            case["body"] = body
        for parameter in operation.get("parameters", []):
            parameter = dereference(document, parameter)
            if not parameter.get("required"):
                continue
            found, value = _value(parameter, parameter.get("schema"))
            if not found:
                unbuilt.append(f"{name}: no value for parameter {parameter.get('name')!r}")
                break
            case["args"][f"{parameter['in']}.{parameter['name']}"] = value
        else:
            body = dereference(document, operation.get("requestBody") or {})
            sends = client_sends(body.get("content"))
            if sends:
                entry = body["content"][sends[0]]
                found, value = _value(entry, entry.get("schema"))
                if not found and body.get("required"):
                    unbuilt.append(f"{name}: no request body could be drawn from its schema")
                    continue
                if found:
                    case["request_body"] = value
            built.append(case)
    return built, unbuilt


def prove(project: Path, package: str, document: dict[str, Any]) -> None:
    """Raise `SmokeError` unless the package under `project` imports and every operation's
    call returns its success model."""
    probe_cases, unbuilt = cases(document)
    reasons = list(unbuilt)
    with tempfile.TemporaryDirectory(prefix="spike-smoke-") as folder:
        cases_file = Path(folder) / "cases.json"
        cases_file.write_text(json.dumps(probe_cases), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(project), *sys.path[1:]])}
        try:
            ran = subprocess.run(
                [sys.executable, "-m", "spike_kit.codegen.client_probe", package, str(cases_file)],
                capture_output=True,
                text=True,
                timeout=SMOKE_TIMEOUT,
                env=env,
                cwd=folder,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise SmokeError([f"calling the built client took over {SMOKE_TIMEOUT:g} s"]) from None
    if ran.returncode != 0:
        last = (ran.stderr.strip().splitlines() or ["no output"])[-1]
        raise SmokeError([*reasons, f"the built package could not be imported or run: {last}"])
    results = json.loads(ran.stdout)
    for result in results:
        if result.get("skipped") == "the base client has no such function":
            reasons.append(f"{result['id']}: the generator wrote no function for it")
        elif result.get("skipped"):
            reasons.append(f"{result['id']}: not called: {result['skipped']}")
        elif result.get("fault"):
            reasons.append(f"{result['id']}: the call failed: {result['fault']}")
    if reasons:
        raise SmokeError(reasons)
