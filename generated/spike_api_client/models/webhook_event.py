from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="WebhookEvent")


@_attrs_define
class WebhookEvent:
    """One event of a webhook delivery. Events carry no id; a delivery retried by Spike
    carries the same events again. Fields this contract does not list are kept, not
    refused (`additionalProperties`), and so are event types it does not list.
    Inferred: an event is identified by the fields in `x-spike-dedupe-key`, each taken as
    the text Spike sent (the `timestamp` with all its digits, not a parsed time); a
    receiver that keeps those keys for longer than Spike's retries last (about 3 days)
    handles each event once.

        Attributes:
            application_user_id (str): The application user id the application gave when it got the user's access token
                (`application_user_id` of `POST /auth/hmac`).
            timestamp (datetime.datetime): When the event happened: RFC 3339 in UTC with up to nine fractional digits
                (`2025-04-15T13:33:55.271331177Z`). Python's `datetime` keeps microseconds, so
                clients keep this text as sent beside the parsed time.
            event_type (str): What happened. An open set, never an enum: Spike may add types, and a receiver keeps
                events of types it does not know. Known (`x-spike-event-types`): `record_change` (new
                or updated data from the provider), `provider_integration_created` (the user
                integrated a provider), `provider_integration_deleted` (an integration was deleted).
            provider_slug (str): A provider's canonical lowercase name; open to values this contract does not list.
            metrics (list[str] | Unset): The metric types the event involves, such as `steps` or `distance`.
            activity_types (list[str] | Unset): The activity types the event involves, if any, such as `walking`.
            earliest_record_start_at (datetime.datetime | Unset): The start of the earliest record the event involves (ISO
                8601).
            latest_record_end_at (datetime.datetime | Unset): The end of the latest record the event involves (ISO 8601).
    """

    application_user_id: str
    timestamp: datetime.datetime
    event_type: str
    provider_slug: str
    metrics: list[str] | Unset = UNSET
    activity_types: list[str] | Unset = UNSET
    earliest_record_start_at: datetime.datetime | Unset = UNSET
    latest_record_end_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        application_user_id = self.application_user_id

        timestamp = self.timestamp.isoformat()

        event_type = self.event_type

        provider_slug = self.provider_slug

        metrics: list[str] | Unset = UNSET
        if not isinstance(self.metrics, Unset):
            metrics = self.metrics

        activity_types: list[str] | Unset = UNSET
        if not isinstance(self.activity_types, Unset):
            activity_types = self.activity_types

        earliest_record_start_at: str | Unset = UNSET
        if not isinstance(self.earliest_record_start_at, Unset):
            earliest_record_start_at = self.earliest_record_start_at.isoformat()

        latest_record_end_at: str | Unset = UNSET
        if not isinstance(self.latest_record_end_at, Unset):
            latest_record_end_at = self.latest_record_end_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "application_user_id": application_user_id,
                "timestamp": timestamp,
                "event_type": event_type,
                "provider_slug": provider_slug,
            }
        )
        if metrics is not UNSET:
            field_dict["metrics"] = metrics
        if activity_types is not UNSET:
            field_dict["activity_types"] = activity_types
        if earliest_record_start_at is not UNSET:
            field_dict["earliest_record_start_at"] = earliest_record_start_at
        if latest_record_end_at is not UNSET:
            field_dict["latest_record_end_at"] = latest_record_end_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        application_user_id = d.pop("application_user_id")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        event_type = d.pop("event_type")

        provider_slug = d.pop("provider_slug")

        metrics = cast(list[str], d.pop("metrics", UNSET))

        activity_types = cast(list[str], d.pop("activity_types", UNSET))

        _earliest_record_start_at = d.pop("earliest_record_start_at", UNSET)
        earliest_record_start_at: datetime.datetime | Unset
        if isinstance(_earliest_record_start_at, Unset):
            earliest_record_start_at = UNSET
        else:
            earliest_record_start_at = datetime.datetime.fromisoformat(_earliest_record_start_at)

        _latest_record_end_at = d.pop("latest_record_end_at", UNSET)
        latest_record_end_at: datetime.datetime | Unset
        if isinstance(_latest_record_end_at, Unset):
            latest_record_end_at = UNSET
        else:
            latest_record_end_at = datetime.datetime.fromisoformat(_latest_record_end_at)

        webhook_event = cls(
            application_user_id=application_user_id,
            timestamp=timestamp,
            event_type=event_type,
            provider_slug=provider_slug,
            metrics=metrics,
            activity_types=activity_types,
            earliest_record_start_at=earliest_record_start_at,
            latest_record_end_at=latest_record_end_at,
        )

        webhook_event.additional_properties = d
        return webhook_event

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
