"""Faults played on request, so client retry logic can be tested end to end.

Send `X-Spike-Mock-Fault: <status>[; retry-after=<s>][; delay=<ms>][; times=<n>][; html]`:
`503; times=2` fails the first two calls with that header (per bearer token) and then lets
calls through; `delay=800` only slows the call down; `html` answers an HTML page instead of a
problem document, like a proxy in front of Spike might.

Faults are played only after the caller has authenticated (a valid bearer token, or a correctly
signed token exchange), so an anonymous caller can neither slow the mock down nor fill its
ledger.
"""

from __future__ import annotations

from collections import OrderedDict

from attrs import frozen

MAX_DELAY_MS = 30_000
MAX_LEDGER_BYTES = 1024 * 1024
"""What the `times=` counts may hold, in bytes of their keys; the oldest are forgotten first."""
_ENTRY_OVERHEAD = 64


class FaultError(Exception):
    """The fault header could not be understood; the message says how to write it."""


@frozen
class Fault:
    status: int | None = None
    retry_after: int | None = None
    delay_ms: int = 0
    times: int | None = None
    html: bool = False


def _number(name: str, text: str, low: int, high: int) -> int:
    if not text.isdigit() or not low <= int(text) <= high:
        raise FaultError(f"fault {name} must be a whole number from {low} to {high}")
    return int(text)


def parse_fault(header: str) -> Fault:
    status = retry_after = times = None
    delay_ms, html = 0, False
    for raw in header.split(";"):
        part = raw.strip()
        name, _, value = part.partition("=")
        name = name.strip().lower()
        value = value.strip()
        if not part:
            continue
        if name.isdigit() and not value:
            status = _number("status", name, 400, 599)
        elif name == "retry-after":
            retry_after = _number("retry-after", value, 0, 3600)
        elif name == "delay":
            delay_ms = _number("delay", value, 0, MAX_DELAY_MS)
        elif name == "times":
            times = _number("times", value, 1, 1000)
        elif name == "html" and not value:
            html = True
        else:
            raise FaultError(
                "fault header: expected '<status 400-599>[; retry-after=<s>][; delay=<ms>]"
                "[; times=<n>][; html]'"
            )
    if status is None and not delay_ms:
        raise FaultError("fault header names neither a status nor a delay")
    return Fault(status, retry_after, delay_ms, times, html)


class FaultLedger:
    """Counts how often each (fault, caller) has fired, for `times=`.

    Keyed by the parsed fault (a few numbers, not the header's text) and the authenticated
    caller, and bounded by the bytes of its keys (`max_bytes`), not by a count of entries that
    could each be large.
    """

    def __init__(self, max_bytes: int = MAX_LEDGER_BYTES) -> None:
        self._fired: OrderedDict[tuple[Fault, str], int] = OrderedDict()
        self._max_bytes = max_bytes
        self.size_bytes = 0

    @staticmethod
    def _cost(key: tuple[Fault, str]) -> int:
        return len(key[1].encode("utf-8", "surrogatepass")) + _ENTRY_OVERHEAD

    def should_fire(self, fault: Fault, caller: str) -> bool:
        if fault.times is None:
            return True
        key = (fault, caller)
        fired = self._fired.get(key)
        if fired is None:
            fired = 0
            self.size_bytes += self._cost(key)
        if fired >= fault.times:
            return False
        self._fired[key] = fired + 1
        self._fired.move_to_end(key)
        while self.size_bytes > self._max_bytes and self._fired:
            oldest, _ = self._fired.popitem(last=False)
            self.size_bytes -= self._cost(oldest)
        return True
