"""The gate's first check, `spec: loads`: run in the gate's own process, before anything else.

Every other tool of the gate reads the spec, and the mock must serve it; a spec they cannot
use made them fail one by one with tracebacks (the mock first, before any check had said a
word). This check reads the spec through the loader every tool shares, reports each fault at
its line (`reports/spec.json` for the annotations), writes the document as it read it for
the tools that would parse the YAML their own way, and tells the gate whether the checks that
need the spec's content can run at all.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from spike_kit.gate.checks import LOAD_REPORT, Check, Verdict
from spike_kit.gate.findings import Finding, from_fault_report
from spike_kit.layout import RepoLayout
from spike_kit.spec import SpecLoadError, load_file, render_faults

NAME = "spec: loads"


def _findings(verdict: Verdict, reports: Path) -> list[Finding]:
    return from_fault_report(verdict.check.name, reports / LOAD_REPORT)


CHECK = Check(NAME, (), findings=_findings, writes=(LOAD_REPORT,), needs_spec=False)


def check_spec_loads(layout: RepoLayout, reports: Path, loaded_copy: Path) -> Verdict:
    """The verdict of `spec: loads`; its faults also go to `reports/spec.json`, and a spec
    that loads to `loaded_copy` as JSON."""
    shown = layout.spec.relative_to(layout.root).as_posix()
    started = time.perf_counter()
    loaded_copy.unlink(missing_ok=True)
    try:
        loaded = load_file(layout.spec, shown)
    except SpecLoadError as exc:
        faults = exc.faults
        output = (
            f"{render_faults(faults, shown)}\n"
            "Fix these first: the checks marked NOT RUN need a spec that loads."
        )
    else:
        faults = ()
        output = f"{shown} loads: OpenAPI {loaded.version}"
        # What the schemathesis CLI reads: the document as every other tool reads it.
        loaded_copy.write_text(json.dumps(loaded.document), encoding="utf-8")
    report = reports / LOAD_REPORT
    report.write_text(json.dumps([fault.as_json() for fault in faults]), encoding="utf-8")
    return Verdict(CHECK, not faults, None, time.perf_counter() - started, output)
