"""The copy of the spec the docs page is drawn from: the spec's own text, plus sections for the
redirect back and the providers, and nothing of the spec itself changed."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from spike_kit.docs.reference import REDIRECT_BACK_TITLE, reference_copy
from spike_kit.spec import load_bytes, load_file, providers
from tests.spec_corpus.cases import UNUSUAL, SpecCase
from tests.support import REPO

SPEC = load_file(REPO.spec).document
INIT_URL = "/providers/{provider_slug}/integration/init_url"


def _tag(document: dict[str, Any], name: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [tag for tag in document["tags"] if tag["name"] == name]
    assert len(found) == 1, name
    return found[0]


def test_the_spec_is_copied_not_changed() -> None:
    before = copy.deepcopy(SPEC)
    reference_copy(SPEC)
    assert before == SPEC


def test_both_operations_are_listed() -> None:
    reference = reference_copy(SPEC)
    assert reference.operations == (
        "POST /auth/hmac",
        f"GET {INIT_URL}",
    )


def test_the_redirect_back_is_a_section_with_its_schema() -> None:
    """x-spike-redirect-back names IntegrationRedirectBack; the page shows that schema."""
    reference = reference_copy(SPEC)
    assert [section.title for section in reference.sections] == [
        REDIRECT_BACK_TITLE,
        "Providers",
    ]
    tag = _tag(reference.document, "redirect-back")
    assert tag["x-traitTag"] is True
    assert tag["x-displayName"] == REDIRECT_BACK_TITLE
    assert (
        '<SchemaDefinition schemaRef="#/components/schemas/IntegrationRedirectBack" />'
        in tag["description"]
    )
    assert f"`GET {INIT_URL}`" in tag["description"]
    operation = reference.document["paths"][INIT_URL]["get"]
    assert operation["description"].startswith(SPEC["paths"][INIT_URL]["get"]["description"])
    assert f"[{REDIRECT_BACK_TITLE}](#tag/redirect-back)" in operation["description"]


def test_an_inline_redirect_back_schema_gets_a_place_of_its_own() -> None:
    spec = copy.deepcopy(SPEC)
    operation = spec["paths"][INIT_URL]["get"]
    operation["x-spike-redirect-back"] = {"type": "object", "properties": {"user_id": {}}}
    reference = reference_copy(spec)
    schemas = reference.document["components"]["schemas"]
    assert schemas["getIntegrationInitUrlRedirectBack"] == operation["x-spike-redirect-back"]
    assert (
        'schemaRef="#/components/schemas/getIntegrationInitUrlRedirectBack"'
        in _tag(reference.document, "redirect-back")["description"]
    )


def test_every_known_provider_is_a_row() -> None:
    description = _tag(reference_copy(SPEC).document, "providers")["description"]
    for entry in providers(SPEC):
        assert f"| {entry['name']} | `{entry['slug']}` |" in description
    assert "needs `provider_user_id`" in description


def test_webhooks_are_listed_for_the_renderer_to_draw() -> None:
    spec = copy.deepcopy(SPEC)
    spec["webhooks"] = {"spikeEvents": {"post": {"summary": "events", "responses": {}}}}
    assert reference_copy(spec).webhooks == ("POST spikeEvents",)


@pytest.mark.parametrize("case", UNUSUAL, ids=lambda case: case.name)
def test_every_unusual_spec_that_loads_can_be_prepared(case: SpecCase) -> None:
    document = load_bytes(case.data(), case.name).document
    reference = reference_copy(document)
    assert len(reference.operations) >= 1
