"""Faults played on request, so client retry logic can be tested end to end.

Send `X-Spike-Mock-Fault: <status>[; retry-after=<s>][; delay=<ms>][; times=<n>][; html]`:
`503; times=2` fails the first two calls with that header (per bearer token) and then lets
calls through; `delay=800` only slows the call down; `html` answers an HTML page instead of a
problem document, like a proxy in front of Spike might.
"""

from __future__ import annotations

from collections import OrderedDict

from attrs import frozen

MAX_DELAY_MS = 30_000
MAX_TRACKED = 10_000


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
    """Counts how often each (fault, caller) has fired, for `times=`; bounded in size."""

    def __init__(self) -> None:
        self._fired: OrderedDict[tuple[str, str], int] = OrderedDict()

    def should_fire(self, fault: Fault, header: str, caller: str) -> bool:
        if fault.times is None:
            return True
        key = (header, caller)
        fired = self._fired.get(key, 0)
        if fired >= fault.times:
            return False
        self._fired[key] = fired + 1
        self._fired.move_to_end(key)
        while len(self._fired) > MAX_TRACKED:
            self._fired.popitem(last=False)
        return True
