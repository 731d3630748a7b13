"""Timing two sides of a benchmark fairly: alternating batches, compared batch by batch.

A single batch on a shared 2-core machine can be off by 10% either way; alternating the sides
(and which goes first) lands the machine's drift on both alike, and the figure reported is the
median of the batches' own ratios.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from attrs import frozen


@frozen
class Pair:
    """Seconds that one batch took on each side."""

    plain: float
    client: float

    @property
    def overhead_percent(self) -> float:
        return (self.client / self.plain - 1) * 100


def seconds(run: Callable[[], None]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def paired(plain: Callable[[], float], client: Callable[[], float], batches: int) -> list[Pair]:
    """Alternate the two sides batch by batch, swapping which goes first each time, so that
    drift of the machine (frequency, noisy neighbours) lands on both sides alike."""
    pairs = []
    for batch in range(batches):
        if batch % 2:
            client_s = client()
            plain_s = plain()
        else:
            plain_s = plain()
            client_s = client()
        pairs.append(Pair(plain_s, client_s))
    return pairs
