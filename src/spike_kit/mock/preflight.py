"""What the mock needs of a spec beyond loading it, checked before it serves a single request.

The loader (`spike_kit.spec`) refuses what no tool can use. The mock has behaviour of its own
for the flow's two operations, and that behaviour reads and writes named fields: a spec that
renamed `signature` in the token exchange, or dropped the providers the mock knows, used to be
served all the same, and every call then answered 500 or 404. Such a spec is refused at start,
each reason at its line, so that the mock never answers something its spec does not say.
"""

from __future__ import annotations

from typing import Any

from spike_kit.spec import LoadedSpec, SpecFault, SpecLoadError, dereference, escape_token

INIT_URL = "getIntegrationInitUrl"
EXCHANGE = "exchangeHmacToken"
PROVIDERS = "/components/parameters/ProviderSlug/x-spike-providers"
INTEGRATIONS = ("consent", "sdk")


class SpecNotServableError(SpecLoadError):
    """The spec loads, but the mock would answer it wrongly: each reason at its line."""


def _operations(document: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    found = {}
    for path, item in (document.get("paths") or {}).items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                found[operation["operationId"]] = (path, method, operation)
    return found


def _pointer(*tokens: str) -> str:
    return "".join(f"/{escape_token(token)}" for token in tokens)


def _json_schema(document: dict[str, Any], holder: Any) -> dict[str, Any]:
    holder = dereference(document, holder or {})
    for media_type, entry in (holder.get("content") or {}).items():
        if media_type.split(";")[0].strip() == "application/json":
            schema = dereference(document, entry.get("schema") or {})
            return schema if isinstance(schema, dict) else {}
    return {}


def servable_faults(loaded: LoadedSpec) -> list[SpecFault]:
    """Why the mock cannot serve this spec as Spike would; none when it can."""
    document = loaded.document
    operations = _operations(document)
    problems: list[tuple[str, str]] = []

    if EXCHANGE in operations:
        path, method, operation = operations[EXCHANGE]
        where = _pointer("paths", path, method)
        body = _json_schema(document, operation.get("requestBody"))
        required = set(body.get("required") or ())
        for field in ("application_id", "application_user_id", "signature"):
            if field not in required:
                problems.append(
                    (
                        f"{EXCHANGE}: the mock checks the HMAC of a JSON body's required "
                        f"`{field}`, which this spec does not require",
                        f"{where}/requestBody",
                    )
                )
        answer = _json_schema(document, (operation.get("responses") or {}).get("200"))
        if "access_token" not in (answer.get("properties") or {}):
            problems.append(
                (
                    f"{EXCHANGE}: the mock answers 200 with `access_token`, which the 200 "
                    "response's JSON schema does not declare",
                    f"{where}/responses",
                )
            )

    if INIT_URL in operations:
        path, method, operation = operations[INIT_URL]
        where = _pointer("paths", path, method)
        if "{provider_slug}" not in path:
            problems.append(
                (
                    f"{INIT_URL}: the mock reads the provider from a `provider_slug` path "
                    f"parameter, which {path} does not have",
                    where,
                )
            )
        answer = _json_schema(document, (operation.get("responses") or {}).get("200"))
        declared = answer.get("properties") or {}
        for field in ("provider_slug", "path"):
            if field not in declared:
                problems.append(
                    (
                        f"{INIT_URL}: the mock answers 200 with `{field}`, which the 200 "
                        "response's JSON schema does not declare",
                        f"{where}/responses",
                    )
                )
        problems += _provider_problems(document)

    faults = []
    for message, pointer in problems:
        located = loaded.lines.locate(pointer, follow_refs=False)
        faults.append(SpecFault(message, located.line, located.column, pointer, "mock"))
    return faults


def _provider_problems(document: dict[str, Any]) -> list[tuple[str, str]]:
    parameter = ((document.get("components") or {}).get("parameters") or {}).get("ProviderSlug")
    entries = parameter.get("x-spike-providers") if isinstance(parameter, dict) else None
    if not isinstance(entries, list) or not entries:
        return [
            (
                f"{INIT_URL}: the mock knows providers from `x-spike-providers` on "
                "components.parameters.ProviderSlug (slug and integration of each), which this "
                "spec does not list: every provider would be unknown",
                PROVIDERS if isinstance(parameter, dict) else "/components",
            )
        ]
    problems = []
    for index, entry in enumerate(entries):
        slug = entry.get("slug") if isinstance(entry, dict) else None
        kind = entry.get("integration") if isinstance(entry, dict) else None
        if not isinstance(slug, str) or kind not in INTEGRATIONS:
            problems.append(
                (
                    "each `x-spike-providers` entry needs a `slug` and an `integration` of "
                    f"{' or '.join(INTEGRATIONS)}",
                    f"{PROVIDERS}/{index}",
                )
            )
    return problems


def checked(loaded: LoadedSpec) -> LoadedSpec:
    """The spec, or `SpecNotServableError` naming every reason the mock would serve it wrongly."""
    faults = servable_faults(loaded)
    if faults:
        raise SpecNotServableError(loaded.label, faults)
    return loaded
