"""`tox -e compat`: does this contract change break a client of the base spec?

Exit status: 0 when the client version fits the changes, 1 when it does not, 2 when the specs
cannot be read. Breaking changes alone do not fail the check: a breaking change with the right
version bump is a deliberate release, and the report says what it breaks.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from spike_kit.compat.examples import DEFAULT_EXAMPLES, check_examples
from spike_kit.compat.operations import diff_specs
from spike_kit.compat.report import Outcome, as_json, changelog_summary, render_report
from spike_kit.compat.sources import SourceError, from_file, resolve_base, working_tree
from spike_kit.compat.versions import Version, VersionError, version_problems
from spike_kit.paths import RepoLayout, RepositoryNotFoundError
from spike_kit.spec import SpecError, dereference


def compare(
    base: str | None,
    head: Path | None = None,
    *,
    max_examples: int = DEFAULT_EXAMPLES,
    layout: RepoLayout | None = None,
) -> Outcome:
    """Compare the base (a file or git revision; default: see `sources`) with the head."""
    layout = layout or RepoLayout.find()
    new = from_file(head) if head is not None else working_tree(layout)
    old = resolve_base(layout, base)
    if old is None or old.spec is None:
        where = "no base revision (no git history)" if old is None else f"no spec at {old.label}"
        return Outcome(
            old.label if old else "-", new.label, (), (), (f"{where}: nothing to compare",)
        )
    assert new.spec is not None
    old_doc, new_doc = dereference(old.spec, old.spec), dereference(new.spec, new.spec)
    changes = diff_specs(old_doc, new_doc)
    if changes:
        changes += check_examples(old_doc, new_doc, max_examples=max_examples)
    notes: list[str] = []
    problems: list[str] = []
    if old.client_version is None or new.client_version is None:
        notes.append("client version unknown on one side: any breaking change fails")
        if any(change.breaking for change in changes):
            problems = ["breaking contract change, and no client versions to show a bump"]
    else:
        problems = version_problems(
            Version.parse(old.client_version), Version.parse(new.client_version), changes
        )
        notes.append(f"client version {old.client_version} -> {new.client_version}")
    return Outcome(old.label, new.label, tuple(changes), tuple(problems), tuple(notes))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="compat", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--base",
        help="a spec file or git revision to compare against (default: the merge-base with "
        "main, else the last release tag, else the previous commit)",
    )
    parser.add_argument("--head", type=Path, help="the new spec file (default: the working tree)")
    parser.add_argument(
        "--max-examples",
        type=int,
        default=DEFAULT_EXAMPLES,
        help=f"values the property check tries per schema (default {DEFAULT_EXAMPLES})",
    )
    parser.add_argument("--json", type=Path, help="also write the findings as JSON here")
    parser.add_argument(
        "--changelog", action="store_true", help="also print a changelog-ready summary"
    )
    args = parser.parse_args(argv)
    if args.max_examples < 1:
        parser.error("--max-examples must be at least 1")
    try:
        outcome = compare(args.base, args.head, max_examples=args.max_examples)
    except (SpecError, SourceError, VersionError, RepositoryNotFoundError) as exc:
        print(f"compat: {exc}", file=sys.stderr)
        return 2
    print(render_report(outcome))
    if args.changelog and outcome.changes:
        print("\nChangelog summary:\n")
        print(changelog_summary(outcome.changes))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(as_json(outcome) + "\n", encoding="utf-8")
    return 0 if outcome.passed else 1
