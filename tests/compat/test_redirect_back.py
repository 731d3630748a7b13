"""Changes to the redirect back (`x-spike-redirect-back`) are judged like response changes.

Spike writes the query and the client's reader validates it, so the schema may narrow but not
widen; a change made in the shared component is reported where init_url names it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest

from spike_kit.compat import Severity, diff_specs
from spike_kit.compat.examples import check_examples
from spike_kit.spec import dereference

Spec = dict[str, Any]
INIT_PATH = "/providers/{provider_slug}/integration/init_url"
BACK = "/paths/~1providers~1{provider_slug}~1integration~1init_url/get/x-spike-redirect-back"


def _back(spec: Spec) -> Spec:
    schema: Spec = spec["components"]["schemas"]["IntegrationRedirectBack"]
    return schema


def _judged(spec: Spec, mutate: Callable[[Spec], None]) -> list[tuple[Severity, str, str]]:
    new = copy.deepcopy(spec)
    mutate(new)
    changes = diff_specs(dereference(spec, spec), dereference(new, new))
    return [(c.severity, c.pointer, c.message) for c in changes]


def _widen_state(spec: Spec) -> None:
    _back(spec)["properties"]["state"]["maxLength"] = 4096


def _narrow_error(spec: Spec) -> None:
    _back(spec)["properties"]["error"]["maxLength"] = 512


def _user_id_optional(spec: Spec) -> None:
    _back(spec)["required"] = ["provider_slug"]


def _loosen_user_pattern(spec: Spec) -> None:
    _back(spec)["properties"]["user_id"]["pattern"] = "^.{1,128}$"


@pytest.mark.parametrize(
    ("mutate", "severity", "where"),
    [
        (_widen_state, Severity.BREAKING, f"{BACK}/properties/state/maxLength"),
        (_narrow_error, Severity.COMPATIBLE, f"{BACK}/properties/error/maxLength"),
        (_user_id_optional, Severity.BREAKING, f"{BACK}/properties/user_id"),
        (_loosen_user_pattern, Severity.BREAKING, f"{BACK}/properties/user_id/pattern"),
    ],
)
def test_the_schema_is_judged_in_the_response_direction(
    spec_copy: Spec, mutate: Callable[[Spec], None], severity: Severity, where: str
) -> None:
    """A request parameter widened is compatible; this schema widened is breaking, because
    old clients refuse a redirect back that the old schema forbids."""
    assert (severity, where) in [(s, p) for s, p, _ in _judged(spec_copy, mutate)]
    assert {s for s, _, _ in _judged(spec_copy, mutate)} == {severity}


def test_a_description_change_is_text_only(spec_copy: Spec) -> None:
    def reword(spec: Spec) -> None:
        _back(spec)["properties"]["error"]["description"] = "Why it failed."

    ((severity, pointer, _),) = _judged(spec_copy, reword)
    assert severity is Severity.DOCUMENTATION
    assert pointer.startswith(BACK)


def test_describing_the_redirect_back_is_compatible_and_dropping_it_breaking(
    spec_copy: Spec,
) -> None:
    def drop(spec: Spec) -> None:
        del spec["paths"][INIT_PATH]["get"]["x-spike-redirect-back"]
        del spec["components"]["schemas"]["IntegrationRedirectBack"]

    dropped = _judged(spec_copy, drop)
    assert (Severity.BREAKING, BACK) in [(s, p) for s, p, _ in dropped]
    without = copy.deepcopy(spec_copy)
    drop(without)
    added = _judged(without, lambda spec: spec.update(copy.deepcopy(spec_copy)))
    assert {s for s, _, _ in added} == {Severity.COMPATIBLE}
    assert BACK in [p for _, p, _ in added]


def test_the_property_check_shows_a_widened_redirect_back_by_example(spec_copy: Spec) -> None:
    new = copy.deepcopy(spec_copy)
    _user_id_optional(new)
    old_doc, new_doc = dereference(spec_copy, spec_copy), dereference(new, new)
    (finding,) = [f for f in check_examples(old_doc, new_doc, max_examples=50) if BACK in f.pointer]
    assert finding.breaking
    assert isinstance(finding.example, dict)
    old_schema = old_doc["paths"][INIT_PATH]["get"]["x-spike-redirect-back"]
    assert not jsonschema.Draft202012Validator(old_schema).is_valid(finding.example)
    assert "user_id" not in finding.example
