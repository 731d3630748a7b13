"""A corpus of spec pairs, each with the verdict a client of the old spec should get.

Every pair starts from the kit's real contract, so the cases exercise its real `$ref`s; a
mutation of `components` is a change in a `$ref`-ed component, reported at each operation
that reaches it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from attrs import frozen

from spike_kit.compat import Severity, diff_specs
from spike_kit.spec import dereference

Spec = dict[str, Any]
Mutation = Callable[[Spec], None]

INIT = "/paths/~1providers~1{provider_slug}~1integration~1init_url/get"
HMAC = "/paths/~1auth~1hmac/post"
INIT_200 = f"{INIT}/responses/200/content/application~1json/schema"
HMAC_BODY = f"{HMAC}/requestBody/content/application~1json/schema"


def _init(spec: Spec) -> Spec:
    op: Spec = spec["paths"]["/providers/{provider_slug}/integration/init_url"]["get"]
    return op


def _hmac(spec: Spec) -> Spec:
    op: Spec = spec["paths"]["/auth/hmac"]["post"]
    return op


def _schema(spec: Spec, name: str) -> Spec:
    schema: Spec = spec["components"]["schemas"][name]
    return schema


def _query(spec: Spec, name: str) -> Spec:
    return next(p for p in _init(spec)["parameters"] if p.get("name") == name)


def _set(path: list[str | int], value: Any) -> Mutation:
    def mutate(spec: Spec) -> None:
        node: Any = spec
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return mutate


def _all(*mutations: Mutation) -> Mutation:
    def mutate(spec: Spec) -> None:
        for mutation in mutations:
            mutation(spec)

    return mutate


def _slug_enum(values: list[str], open_to_more: bool = False) -> Mutation:
    def mutate(spec: Spec) -> None:
        closed = {"type": "string", "enum": values}
        spec["components"]["schemas"]["ProviderSlug"] = (
            {"anyOf": [closed, {"type": "string"}]} if open_to_more else closed
        )

    return mutate


@frozen
class Case:
    name: str
    new: Mutation
    verdict: Severity | None
    pointer: str | None = None
    old: Mutation | None = None


def _delete_hmac(spec: Spec) -> None:
    del spec["paths"]["/auth/hmac"]


def _drop_path_field(spec: Spec) -> None:
    schema = _schema(spec, "IntegrationInitUrl")
    del schema["properties"]["path"]
    schema["required"] = ["provider_slug"]


def _new_query(required: bool) -> Mutation:
    def mutate(spec: Spec) -> None:
        _init(spec)["parameters"].append(
            {"name": "locale", "in": "query", "required": required, "schema": {"type": "string"}}
        )

    return mutate


def _remove_query(name: str) -> Mutation:
    def mutate(spec: Spec) -> None:
        _init(spec)["parameters"] = [p for p in _init(spec)["parameters"] if p.get("name") != name]

    return mutate


def _new_operation(spec: Spec) -> None:
    spec["paths"]["/userinfo"] = {
        "get": {
            "operationId": "getUserinfo",
            "responses": {"200": {"description": "ok"}},
        }
    }


def _api_key_security(spec: Spec) -> None:
    spec["components"]["securitySchemes"]["apiKey"] = {
        "type": "apiKey",
        "in": "header",
        "name": "X-Api-Key",
    }
    _init(spec)["security"] = [{"apiKey": []}]


def _form_body(spec: Spec) -> None:
    content = _hmac(spec)["requestBody"]["content"]
    content["application/x-www-form-urlencoded"] = content.pop("application/json")


def _drop_retry_after(spec: Spec) -> None:
    del spec["components"]["responses"]["TooManyRequests"]["headers"]


def _optional_response_field(spec: Spec) -> None:
    _schema(spec, "IntegrationInitUrl")["properties"]["expires_at"] = {"type": "string"}


def _rename_slug_component(spec: Spec) -> None:
    schemas = spec["components"]["schemas"]
    schemas["Slug"] = schemas.pop("ProviderSlug")
    spec["components"]["parameters"]["ProviderSlug"]["schema"] = {
        "$ref": "#/components/schemas/Slug"
    }
    _schema(spec, "IntegrationInitUrl")["properties"]["provider_slug"] = {
        "$ref": "#/components/schemas/Slug"
    }
    _schema(spec, "IntegrationRedirectBack")["properties"]["provider_slug"] = {
        "$ref": "#/components/schemas/Slug"
    }


def _rename_model(spec: Spec) -> None:
    schemas = spec["components"]["schemas"]
    schemas["InitUrl"] = schemas.pop("IntegrationInitUrl")
    content = _init(spec)["responses"]["200"]["content"]["application/json"]
    content["schema"] = {"$ref": "#/components/schemas/InitUrl"}


CASES = [
    # Breaking ------------------------------------------------------------------------------
    Case("operation removed", _delete_hmac, Severity.BREAKING, HMAC),
    Case(
        "response field removed", _drop_path_field, Severity.BREAKING, f"{INIT_200}/properties/path"
    ),
    Case(
        "query parameter made required",
        _set(
            [
                "paths",
                "/providers/{provider_slug}/integration/init_url",
                "get",
                "parameters",
                1,
                "required",
            ],
            True,
        ),
        Severity.BREAKING,
        f"{INIT}/parameters/1/required",
    ),
    Case(
        "new required query parameter", _new_query(True), Severity.BREAKING, f"{INIT}/parameters/4"
    ),
    Case(
        "query parameter removed",
        _remove_query("provider_user_id"),
        Severity.BREAKING,
        f"{INIT}/parameters/3",
    ),
    Case(
        "body field made required ($ref)",
        _set(
            ["components", "schemas", "HmacTokenRequest", "required"],
            ["application_id", "application_user_id", "signature", "uts"],
        ),
        Severity.BREAKING,
        f"{HMAC_BODY}/properties/uts",
    ),
    Case(
        "body field type changed ($ref)",
        _set(
            ["components", "schemas", "HmacTokenRequest", "properties", "application_id", "type"],
            "string",
        ),
        Severity.BREAKING,
        f"{HMAC_BODY}/properties/application_id/type",
    ),
    Case(
        "response field type changed in a shared component",
        _set(["components", "schemas", "Problem", "properties", "status", "type"], "string"),
        Severity.BREAKING,
        f"{INIT}/responses/404/content/application~1problem+json/schema/properties/status/type",
    ),
    Case(
        "request enum narrowed",
        _slug_enum(["garmin", "fitbit"]),
        Severity.BREAKING,
        f"{INIT}/parameters/0/schema/enum",
        old=_slug_enum(["garmin", "fitbit", "oura"]),
    ),
    Case(
        "request pattern narrowed",
        _set(
            [
                "components",
                "schemas",
                "HmacTokenRequest",
                "properties",
                "application_user_id",
                "pattern",
            ],
            "^[a-z0-9]{1,128}$",
        ),
        Severity.BREAKING,
        f"{HMAC_BODY}/properties/application_user_id/pattern",
    ),
    Case(
        "request maxLength narrowed",
        lambda spec: _query(spec, "state")["schema"].update(maxLength=256),
        Severity.BREAKING,
        f"{INIT}/parameters/2/schema/maxLength",
    ),
    Case(
        "request minimum raised",
        _set(
            [
                "components",
                "schemas",
                "HmacTokenRequest",
                "properties",
                "application_id",
                "minimum",
            ],
            1000,
        ),
        Severity.BREAKING,
        f"{HMAC_BODY}/properties/application_id/minimum",
    ),
    Case(
        "response enum widened without room for unknown values",
        _slug_enum(["garmin", "fitbit", "oura"]),
        Severity.BREAKING,
        f"{INIT_200}/properties/provider_slug/enum",
        old=_slug_enum(["garmin", "fitbit"]),
    ),
    Case(
        "status schema changed incompatibly",
        _set(
            [
                "components",
                "responses",
                "NotFound",
                "content",
                "application/problem+json",
                "schema",
            ],
            {"type": "string"},
        ),
        Severity.BREAKING,
        f"{INIT}/responses/404/content/application~1problem+json/schema/type",
    ),
    Case("security scheme replaced", _api_key_security, Severity.BREAKING, f"{INIT}/security"),
    Case(
        "security added to an open operation",
        lambda spec: _hmac(spec).pop("security"),
        Severity.BREAKING,
        f"{HMAC}/security",
    ),
    Case(
        "security scheme definition changed",
        _set(
            ["components", "securitySchemes", "bearerAuth"],
            {"type": "apiKey", "in": "query", "name": "token"},
        ),
        Severity.BREAKING,
        "/components/securitySchemes/bearerAuth",
    ),
    Case(
        "default server moved",
        _set(["servers", 0, "url"], "https://api.spikeapi.com/v4"),
        Severity.BREAKING,
        "/servers/0/url",
    ),
    Case(
        "operationId renamed",
        lambda spec: _init(spec).update(operationId="getInitUrl"),
        Severity.BREAKING,
        f"{INIT}/operationId",
    ),
    Case(
        "new field where the old schema allowed none",
        _all(
            _set(["components", "schemas", "IntegrationInitUrl", "additionalProperties"], False),
            _optional_response_field,
        ),
        Severity.BREAKING,
        f"{INIT_200}/properties/expires_at",
        old=_set(["components", "schemas", "IntegrationInitUrl", "additionalProperties"], False),
    ),
    Case(
        "new success status",
        lambda spec: _init(spec)["responses"].update({"202": {"description": "later"}}),
        Severity.BREAKING,
        f"{INIT}/responses/202",
    ),
    Case(
        "request media type removed",
        _form_body,
        Severity.BREAKING,
        f"{HMAC}/requestBody/content/application~1json",
    ),
    Case(
        "response header removed ($ref)",
        _drop_retry_after,
        Severity.BREAKING,
        f"{INIT}/responses/429/headers/retry-after",
    ),
    Case(
        "response field made optional ($ref)",
        _set(["components", "schemas", "HmacTokenResponse", "required"], []),
        Severity.BREAKING,
        f"{HMAC}/responses/200/content/application~1json/schema/properties/access_token",
    ),
    Case(
        "keyword the check does not model",
        _set(["components", "schemas", "IntegrationInitUrl", "not"], {"required": ["error"]}),
        Severity.BREAKING,
        INIT_200,
    ),
    # Compatible ----------------------------------------------------------------------------
    Case(
        "new optional query parameter",
        _new_query(False),
        Severity.COMPATIBLE,
        f"{INIT}/parameters/4",
    ),
    Case("new operation", _new_operation, Severity.COMPATIBLE, "/paths/~1userinfo/get"),
    Case(
        "new optional response field",
        _optional_response_field,
        Severity.COMPATIBLE,
        f"{INIT_200}/properties/expires_at",
    ),
    Case(
        "request maxLength widened",
        lambda spec: _query(spec, "state")["schema"].update(maxLength=4096),
        Severity.COMPATIBLE,
        f"{INIT}/parameters/2/schema/maxLength",
    ),
    Case(
        "body field no longer required ($ref)",
        _set(
            ["components", "schemas", "HmacTokenRequest", "required"],
            ["application_id", "application_user_id"],
        ),
        Severity.COMPATIBLE,
        f"{HMAC_BODY}/properties/signature",
    ),
    Case(
        "request enum widened",
        _slug_enum(["garmin", "fitbit", "oura", "whoop"]),
        Severity.BREAKING,  # the slug is also a response field: widening it there breaks
        f"{INIT_200}/properties/provider_slug/enum",
        old=_slug_enum(["garmin", "fitbit", "oura"]),
    ),
    Case(
        "response enum widened where the contract allows unknown values",
        _slug_enum(["garmin", "fitbit", "oura"], open_to_more=True),
        Severity.COMPATIBLE,
        f"{INIT}/parameters/0/schema",
        old=_slug_enum(["garmin", "fitbit"], open_to_more=True),
    ),
    Case(
        "new error status",
        lambda spec: _init(spec)["responses"].update(
            {"409": {"$ref": "#/components/responses/Forbidden"}}
        ),
        Severity.COMPATIBLE,
        f"{INIT}/responses/409",
    ),
    Case(
        "error status no longer documented",
        lambda spec: _init(spec)["responses"].pop("403"),
        Severity.COMPATIBLE,
        f"{INIT}/responses/403",
    ),
    Case(
        "security relaxed",
        lambda spec: _init(spec).update(security=[]),
        Severity.COMPATIBLE,
        f"{INIT}/security",
    ),
    Case(
        "response schema narrowed",
        _set(
            ["components", "schemas", "IntegrationInitUrl", "properties", "path", "maxLength"], 2048
        ),
        Severity.COMPATIBLE,
        f"{INIT_200}/properties/path/maxLength",
    ),
    # Neither -------------------------------------------------------------------------------
    Case(
        "description changed",
        _set(
            ["components", "schemas", "ProblemError", "properties", "message", "description"],
            "What went wrong.",
        ),
        Severity.DOCUMENTATION,
        f"{INIT}/responses/400/content/application~1problem+json/schema/properties/errors/items/properties/message/description",
    ),
    Case(
        "info text changed",
        _set(["info", "description"], "Shorter."),
        Severity.DOCUMENTATION,
        "/info/description",
    ),
    Case(
        "plain component renamed, every $ref followed", _rename_slug_component, Severity.COMPATIBLE
    ),
    Case(
        "model component renamed",
        _rename_model,
        Severity.BREAKING,
        "/components/schemas/IntegrationInitUrl",
    ),
]


def _verdict(changes: list[Any]) -> Severity | None:
    for severity in Severity:
        if any(change.severity is severity for change in changes):
            return severity
    return None


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_corpus_pair_gets_its_verdict(contract: dict[str, Any], case: Case) -> None:
    old = copy.deepcopy(contract)
    if case.old is not None:
        case.old(old)
    new = copy.deepcopy(old)
    case.new(new)
    changes = diff_specs(dereference(old, old), dereference(new, new))
    shown = "\n".join(f"{c.severity.value} {c.pointer}: {c.message}" for c in changes)
    assert _verdict(changes) is case.verdict, shown
    if case.pointer is not None:
        assert case.pointer in {c.pointer for c in changes}, shown


def test_corpus_covers_both_kinds_in_number() -> None:
    """The issue asks for at least 25 pairs covering breaking and compatible changes."""
    assert len(CASES) >= 25
    assert sum(case.verdict is Severity.BREAKING for case in CASES) >= 12
    assert sum(case.verdict is Severity.COMPATIBLE for case in CASES) >= 8
