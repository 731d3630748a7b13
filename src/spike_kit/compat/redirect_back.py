"""The redirect back after consent, judged like a response: Spike writes it, clients read it.

The query Spike adds when it sends the user's browser back is no API response, so OpenAPI has
no place for it; the spec names its schema in `x-spike-redirect-back` on init_url, and the
client's reader validates the query with it. A change to that schema is therefore judged in
the response direction: it may narrow what Spike sends, never widen it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from spike_kit.codegen.contract_table import REDIRECT_BACK_KEY
from spike_kit.compat.model import Change, Severity, join
from spike_kit.compat.schemas import Direction, compare_schemas


def redirect_back_changes(old: dict[str, Any], new: dict[str, Any], at: str) -> Iterator[Change]:
    """The rule list's findings for one operation's (dereferenced) redirect-back schema."""
    before, after = old.get(REDIRECT_BACK_KEY), new.get(REDIRECT_BACK_KEY)
    where = join(at, REDIRECT_BACK_KEY)
    if before is None and after is None:
        return
    if before is None:
        yield Change(Severity.COMPATIBLE, where, "the redirect back is now described")
    elif after is None:
        yield Change(
            Severity.BREAKING,
            where,
            "the redirect back is no longer described: clients that read it lose its definition",
        )
    else:
        yield from compare_schemas(before, after, where, Direction.RESPONSE)
