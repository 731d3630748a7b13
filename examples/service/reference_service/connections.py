"""Who connected which provider: what the browser reported, and what Spike confirmed.

Your database in real life. Two things tell the service about a connection, and only one is
to be trusted: the redirect back comes through the person's browser and can be lost (a closed
tab, a blocked redirect) or never come, while Spike's signed `provider_integration_created`
webhook comes server to server, and comes again until it is answered. So a connection the
browser reported shows as waiting until Spike confirms it, and one that Spike confirmed shows
even if the browser never came back.

Storing is idempotent, since Spike retries and a copy of a genuine delivery verifies again:
each event is kept once, by its `dedupe_key`, and the latest integration event of a user and
provider (by Spike's own timestamp) decides whether it is connected, whatever order retries
arrive in.
"""

from __future__ import annotations

import enum

from spike_api_client import ReceivedEvent

INTEGRATION_CREATED = "provider_integration_created"
INTEGRATION_DELETED = "provider_integration_deleted"
RECORD_CHANGE = "record_change"


class Status(enum.Enum):
    NOT_CONNECTED = "not connected"
    REPORTED = "reported by the browser, not yet confirmed by Spike"
    CONFIRMED = "confirmed by Spike"


class Connections:
    """The store: events from Spike's webhooks, and connections the redirect back reported."""

    def __init__(self) -> None:
        self.events: dict[str, ReceivedEvent] = {}
        """Every event Spike sent, each once (by `dedupe_key`), of a known type or not."""
        self._latest: dict[tuple[str, str], ReceivedEvent] = {}
        self._reported: set[tuple[str, str]] = set()

    def reported(self, user: str, provider: str) -> None:
        """The redirect back said `user` connected `provider`: shown, but not yet trusted."""
        self._reported.add((user, provider))

    def store(self, event: ReceivedEvent) -> None:
        """Keep one verified event; storing it again leaves what storing it once did."""
        self.events.setdefault(event.dedupe_key, event)
        if event.event_type not in (INTEGRATION_CREATED, INTEGRATION_DELETED):
            return  # record_change: kept above; fetching the new data is queued work
        pair = (event.application_user_id, event.provider_slug)
        latest = self._latest.get(pair)
        if latest is None or event.timestamp_ns > latest.timestamp_ns:
            self._latest[pair] = event
            if event.event_type == INTEGRATION_DELETED:
                self._reported.discard(pair)

    def status(self, user: str, provider: str) -> Status:
        latest = self._latest.get((user, provider))
        if latest is not None and latest.event_type == INTEGRATION_CREATED:
            return Status.CONFIRMED
        if (user, provider) in self._reported:
            return Status.REPORTED
        return Status.NOT_CONNECTED
