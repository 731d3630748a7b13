"""JSON pointer -> line and column, on the kit's own spec and on a mutated copy of it."""

from __future__ import annotations

import pytest

from spike_kit.layout import RepoLayout
from spike_kit.spec_lines import SpecLines, SpecLinesError, split_pointer

INIT = "/paths/~1providers~1{provider_slug}~1integration~1init_url/get"


def _line_of(text: str, content: str, after: int = 0) -> int:
    """The 1-based number of the first line from `after` on that is exactly `content`."""
    lines = text.splitlines()
    return next(i for i in range(after, len(lines)) if lines[i] == content) + 1


@pytest.fixture(scope="module")
def mutated() -> str:
    """The kit's spec with a comment block on top and a new query parameter, so that every
    line number differs from the original's."""
    text = RepoLayout.find().spec.read_text(encoding="utf-8")
    header = "# mutated copy\n# for line tests\n# three lines\n"
    marker = "        - name: state\n"
    assert text.count(marker) == 1
    extra = (
        "        - name: locale\n          in: query\n          schema:\n            type: string\n"
    )
    return header + text.replace(marker, extra + marker)


def test_small_document_exact_positions() -> None:
    text = "a:\n  b:\n    - x\n    - {c: 1}\n  'd/e': 2\n"
    lines = SpecLines(text)
    assert (lines.locate("/a").line, lines.locate("/a").column) == (1, 1)
    assert (lines.locate("/a/b/1/c").line, lines.locate("/a/b/1/c").column) == (4, 8)
    assert lines.locate("/a/b/0").line == 3
    assert lines.locate("/a/d~1e").line == 5
    assert lines.locate("").line == 1


def test_operation_parameter_lands_on_its_line(mutated: str) -> None:
    lines = SpecLines(mutated)
    location = lines.locate(f"{INIT}/parameters/2/name")
    assert location.exact
    assert location.line == _line_of(mutated, "        - name: locale")
    assert location.column == 11
    state = lines.locate(f"{INIT}/parameters/3/schema/maxLength")
    expected = _line_of(
        mutated, "            maxLength: 2048", _line_of(mutated, "        - name: state")
    )
    assert (state.line, state.column) == (expected, 13)


def test_pointer_through_a_ref_lands_in_the_component(mutated: str) -> None:
    """A finding at an operation's response field is shown where the field is written."""
    lines = SpecLines(mutated)
    location = lines.locate(
        f"{INIT}/responses/404/content/application~1problem+json/schema/properties/status/minimum"
    )
    assert location.exact
    problem = _line_of(mutated, "    Problem:")
    assert location.line == _line_of(mutated, "          minimum: 100", problem)
    slug = lines.locate(f"{INIT}/parameters/0/schema/maxLength")
    assert slug.line == _line_of(
        mutated, "      maxLength: 64", _line_of(mutated, "    ProviderSlug:")
    )


def test_missing_part_lands_on_the_deepest_one_there(mutated: str) -> None:
    lines = SpecLines(mutated)
    location = lines.locate(f"{INIT}/responses/202/content")
    assert not location.exact
    assert location.pointer == f"{INIT}/responses"
    assert location.line == _line_of(mutated, "      responses:", _line_of(mutated, "    get:"))


def test_without_following_refs_the_ref_is_the_end(mutated: str) -> None:
    location = SpecLines(mutated).locate(f"{INIT}/parameters/0/schema/maxLength", follow_refs=False)
    assert not location.exact
    assert location.pointer == f"{INIT}/parameters/0"


def test_json_text_works_too() -> None:
    lines = SpecLines('{\n  "paths": {\n    "/a": {"get": {}}\n  }\n}\n')
    assert lines.locate("/paths/~1a/get").line == 3


@pytest.mark.parametrize("bad", ["a: [", "", "a: b\n- c\n"])
def test_not_yaml_is_a_clear_error(bad: str) -> None:
    with pytest.raises(SpecLinesError):
        SpecLines(bad)


def test_pointer_must_start_with_a_slash() -> None:
    with pytest.raises(SpecLinesError, match="JSON pointer"):
        split_pointer("paths/x")
    assert split_pointer("#/a~1b/c~0d") == ["a/b", "c~d"]
