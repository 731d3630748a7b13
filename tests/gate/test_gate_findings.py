"""Reading each tool's way of saying where: the parts the gate tests on a broken copy do not
reach (several validator errors, pytest's JUnit names, escaping)."""

from __future__ import annotations

from pathlib import Path

from spike_kit.gate.findings import Finding, from_fault_report, from_junit_operations, placed
from spike_kit.gate.github import Annotation

SPEC = """openapi: 3.1.0
paths:
  /a/{id}:
    get:
      responses:
        '200':
          description: ok
"""


def test_a_fault_report_keeps_each_line_and_pointer(tmp_path: Path) -> None:
    report = tmp_path / "faults.json"
    report.write_text(
        '[{"message": "m1", "line": 6, "column": 9, "pointer": "/paths", "kind": "schema"},'
        ' {"message": "m2", "line": null, "column": null, "pointer": "/info/title"}, 3]'
    )
    found = from_fault_report("v", report)
    assert found == [
        Finding("v", "m1", "/paths", 6, 9),
        Finding("v", "m2", "/info/title"),
    ]
    located = placed(found, SPEC)
    assert (located[0].line, located[0].column) == (6, 9)  # kept as the tool placed it
    assert (located[1].line, located[1].column) == (1, 1)  # not in the text: the document
    assert from_fault_report("v", tmp_path / "missing.json") == []


def test_pytest_and_cli_junit_names_both_lead_to_the_operation(tmp_path: Path) -> None:
    report = tmp_path / "r.xml"
    report.write_text(
        """<testsuites><testsuite>
<testcase name="test_mock_conforms_to_the_spec[GET /a/{id}]">
<failure message="m">ST108 Response violates schema
line two</failure></testcase>
<testcase name="GET /a/{id}"><failure>ST101 Server error</failure></testcase>
<testcase name="POST /a/{id}" />
</testsuite></testsuites>"""
    )
    found = from_junit_operations("s", report)
    assert [f.pointer for f in found] == ["/paths/~1a~1{id}/get", "/paths/~1a~1{id}/get"]
    assert "ST108 Response violates schema\nline two" in found[0].message
    assert [(f.line, f.column) for f in placed(found, SPEC)] == [(4, 5), (4, 5)]


def test_annotation_escapes_what_the_runner_would_misread() -> None:
    line = Annotation(
        "error", "50% of 2 lines\nsecond", file="a,b:c.yaml", line=3, column=4, title="t: x"
    ).command()
    assert (
        line == "::error file=a%2Cb%3Ac.yaml,line=3,col=4,title=t%3A x::50%25 of 2 lines%0Asecond"
    )
    assert Annotation("notice", "no place").command() == "::notice::no place"
