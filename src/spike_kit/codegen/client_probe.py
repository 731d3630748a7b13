"""Runs inside a subprocess whose path holds a client generated from the base spec.

`python -m spike_kit.codegen.client_probe PACKAGE CASES.json` reads cases, calls the generated
functions over an `httpx.MockTransport`, and prints one JSON result per case: for a response
case, whether the client read the body the new spec allows; for a request case, the request
the client built (the parent validates it against the new spec). Its own process, because
the base client's package name is usually the same as an installed one.
"""

from __future__ import annotations

import contextlib
import datetime
import importlib
import inspect
import json
import pkgutil
import re
import sys
import uuid
from collections.abc import Callable
from typing import Any, get_args, get_type_hints
from urllib.parse import urlsplit

import httpx

BASE_URL = "https://compat.invalid/base"
_URL = re.compile(r'"url": "([^"]*)"')
_METHOD = re.compile(r'"method": "(\w+)"')
_CONTRACT_ERRORS = ("ContractError", "UnexpectedStatus")


def _functions(package: str) -> dict[str, Any]:
    """`"METHOD /path"` -> the generated module of that operation."""
    api = importlib.import_module(f"{package}.api")
    found = {}
    for info in pkgutil.walk_packages(api.__path__, f"{package}.api."):
        module = importlib.import_module(info.name)
        method, path = getattr(module, "_METHOD", None), getattr(module, "_PATH", None)
        if not (isinstance(method, str) and isinstance(path, str)):  # a stock endpoint module
            builder = getattr(module, "_get_kwargs", None)
            if builder is None:
                continue
            source = inspect.getsource(builder)
            url, verb = _URL.search(source), _METHOD.search(source)
            if not (url and verb):
                continue
            method, path = verb.group(1), url.group(1)
        shape = re.sub(r"\{[^/{}]+\}", "{}", path)
        found[f"{method.upper()} {shape}"] = module
    return found


def _hosts(value: Any) -> set[str]:
    """Every host named by a URL in a body: the kit's redirect allow-list is a setting of each
    deployment, not the contract, so the probe allows them all."""
    if isinstance(value, dict):
        return set().union(*(_hosts(item) for item in value.values()))
    if isinstance(value, list):
        return set().union(*(_hosts(item) for item in value))
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            host = urlsplit(value).hostname
            return {host} if host else set()
    return set()


def _client(
    package: str,
    handler: Callable[[httpx.Request], httpx.Response],
    token: bool,
    body: Any = None,
) -> Any:
    clients = importlib.import_module(f"{package}.client")
    kind = clients.AuthenticatedClient if token else clients.Client
    extra = {"token": "compat-probe-token"} if token else {}
    transport = httpx.MockTransport(handler)
    try:  # the kit's runtime: its own transport argument, no retries
        client = kind(base_url=BASE_URL, transport=transport, max_retries=0, **extra)
        hosts = {f"{host}:*" for host in _hosts(body)}  # any port: the rule is the deployment's
        return client.with_options(redirect_hosts=hosts) if hosts else client
    except TypeError:  # a plain generated client
        return kind(
            base_url=BASE_URL,
            httpx_args={"transport": transport},
            raise_on_unexpected_status=True,
            **extra,
        )


def _python_name(name: str, where: str, parameters: dict[str, inspect.Parameter]) -> str | None:
    from openapi_python_client.strings import PythonIdentifier

    base = str(PythonIdentifier(name, prefix="field"))
    for candidate in (base, f"{base}_{where}"):
        if candidate in parameters:
            return candidate
    return None


def _convert(value: Any, annotation: Any) -> Any:
    shown = str(annotation)
    if isinstance(value, str):
        if "datetime.datetime" in shown:
            return datetime.datetime.fromisoformat(value)
        if "datetime.date" in shown:
            return datetime.date.fromisoformat(value)
        if "UUID" in shown:
            return uuid.UUID(value)
    for option in (*get_args(annotation), annotation):
        if isinstance(value, dict) and hasattr(option, "from_dict"):
            try:
                return option.from_dict(value)
            except (KeyError, TypeError, ValueError):
                continue
    return value


def _kwargs(function: Any, case: dict[str, Any]) -> dict[str, Any]:
    parameters = dict(inspect.signature(function).parameters)
    try:
        hints = get_type_hints(function)
    except (NameError, TypeError):
        hints = {}
    kwargs = {}
    for key, value in (case.get("args") or {}).items():
        where, _, name = key.partition(".")
        python = _python_name(name, where, parameters)
        if python is not None:
            kwargs[python] = _convert(value, hints.get(python))
    # A response case's `body` is the answer; the request's own body travels as `request_body`.
    sent = case.get("request_body") if case.get("kind") == "response" else case.get("body")
    if sent is not None and "body" in parameters:
        kwargs["body"] = _convert(sent, hints.get("body"))
    return kwargs


def _fault(exc: BaseException, package: str, status: int) -> str | None:
    """Why an exception is the client failing, or None when it is the client working."""
    names = {klass.__name__ for klass in type(exc).__mro__}
    if names & set(_CONTRACT_ERRORS):
        return f"{type(exc).__name__}: {exc}"
    if status >= 400 and type(exc).__module__.startswith(package):
        return None  # the status error a caller is meant to catch
    return f"{type(exc).__name__}: {exc}"


def _run_response(module: Any, package: str, case: dict[str, Any]) -> dict[str, Any]:
    status = int(case["status"])
    headers = {"content-type": case["media"]}
    body = json.dumps(case["body"]).encode() if case["read_as"] == "json" else str(case["body"])

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, headers=headers, content=body)

    client = _client(package, handler, case["token"], case["body"])
    try:
        kwargs = _kwargs(module.sync_detailed, case)
    except (KeyError, TypeError, ValueError) as exc:
        return {"skipped": f"the base client cannot take the call's arguments: {exc}"}
    try:
        module.sync_detailed(client=client, **kwargs)
    except Exception as exc:  # every failure of the call is a finding
        return {"fault": _fault(exc, package, status)}
    return {"fault": None}


def _run_request(module: Any, package: str, case: dict[str, Any]) -> dict[str, Any]:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(204)

    client = _client(package, handler, case["token"])
    try:
        kwargs = _kwargs(module.sync_detailed, case)
    except (KeyError, TypeError, ValueError) as exc:
        return {"skipped": f"the base client cannot take this value: {exc}"}
    with contextlib.suppress(Exception):  # the answer does not matter, the request does
        module.sync_detailed(client=client, **kwargs)
    if not sent:
        return {"skipped": "the base client sent nothing"}
    request = sent[0]
    path = request.url.raw_path.split(b"?", 1)[0].decode("ascii")
    return {
        "request": {
            "path": path[len(httpx.URL(BASE_URL).raw_path.decode("ascii")) :],
            "query": [[k, v] for k, v in httpx.QueryParams(request.url.query).multi_items()],
            "headers": {k.lower(): v for k, v in request.headers.items()},
            "content_type": request.headers.get("content-type"),
            "body": request.content.decode("utf-8", "replace"),
        }
    }


def main(argv: list[str]) -> int:
    package, cases_file = argv
    cases = json.loads(open(cases_file, encoding="utf-8").read())  # noqa: SIM115
    functions = _functions(package)
    results = []
    for case in cases:
        module = functions.get(case["operation"])
        if module is None:
            results.append({"id": case["id"], "skipped": "the base client has no such function"})
            continue
        run = _run_response if case["kind"] == "response" else _run_request
        results.append({"id": case["id"], **run(module, package, case)})
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
