# Edit src/spike_kit/statuses.py, not the copy in generated/.
"""Which documented response covers a status: one rule for the client and the compat check.

OpenAPI's order: the exact code (`404`), then its range (`4XX`), then `default`. The client's
runtime reads answers with it (regeneration copies this file into the package as
`_statuses.py`), and compat judges what old clients do with a new status by it, so the two
cannot disagree.
"""

from __future__ import annotations

from collections.abc import Container


def covering_key(documented: Container[str], status: str) -> str | None:
    """The key in `documented` that covers `status` (a code such as `404`, or a range key such
    as `4XX`), or None when no documented response does."""
    if status in documented:
        return status
    family = f"{status[:1]}XX"
    if status[:1].isdigit() and family in documented:
        return family
    return "default" if "default" in documented else None
