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
            metrics (list[str] | None | Unset): The metric types the event involves, such as `steps` or `distance`. May be
                null or
                absent (inferred: events about an integration involve no records, and a Go server
                writes an empty list as null), like the three fields below.
            activity_types (list[str] | None | Unset): The activity types the event involves, if any, such as `walking`.
            earliest_record_start_at (datetime.datetime | None | Unset): The start of the earliest record the event involves
                (ISO 8601).
            latest_record_end_at (datetime.datetime | None | Unset): The end of the latest record the event involves (ISO
                8601).
    """

    application_user_id: str
    timestamp: datetime.datetime
    event_type: str
    provider_slug: str
    metrics: list[str] | None | Unset = UNSET
    activity_types: list[str] | None | Unset = UNSET
    earliest_record_start_at: datetime.datetime | None | Unset = UNSET
    latest_record_end_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        application_user_id = self.application_user_id

        timestamp = self.timestamp.isoformat()

        event_type = self.event_type

        provider_slug = self.provider_slug

        metrics: list[str] | None | Unset
        if isinstance(self.metrics, Unset):
            metrics = UNSET
        elif isinstance(self.metrics, list):
            metrics = self.metrics

        else:
            metrics = self.metrics

        activity_types: list[str] | None | Unset
        if isinstance(self.activity_types, Unset):
            activity_types = UNSET
        elif isinstance(self.activity_types, list):
            activity_types = self.activity_types

        else:
            activity_types = self.activity_types

        earliest_record_start_at: None | str | Unset
        if isinstance(self.earliest_record_start_at, Unset):
            earliest_record_start_at = UNSET
        elif isinstance(self.earliest_record_start_at, datetime.datetime):
            earliest_record_start_at = self.earliest_record_start_at.isoformat()
        else:
            earliest_record_start_at = self.earliest_record_start_at

        latest_record_end_at: None | str | Unset
        if isinstance(self.latest_record_end_at, Unset):
            latest_record_end_at = UNSET
        elif isinstance(self.latest_record_end_at, datetime.datetime):
            latest_record_end_at = self.latest_record_end_at.isoformat()
        else:
            latest_record_end_at = self.latest_record_end_at

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

        def _parse_metrics(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                metrics_type_0 = cast(list[str], data)

                return metrics_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        metrics = _parse_metrics(d.pop("metrics", UNSET))

        def _parse_activity_types(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                activity_types_type_0 = cast(list[str], data)

                return activity_types_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        activity_types = _parse_activity_types(d.pop("activity_types", UNSET))

        def _parse_earliest_record_start_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                earliest_record_start_at_type_0 = datetime.datetime.fromisoformat(data)

                return earliest_record_start_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        earliest_record_start_at = _parse_earliest_record_start_at(
            d.pop("earliest_record_start_at", UNSET)
        )

        def _parse_latest_record_end_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                latest_record_end_at_type_0 = datetime.datetime.fromisoformat(data)

                return latest_record_end_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        latest_record_end_at = _parse_latest_record_end_at(d.pop("latest_record_end_at", UNSET))

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
