from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="HmacTokenRequest")


@_attrs_define
class HmacTokenRequest:
    """An application user's sign-in, signed with the application's HMAC key.

    Attributes:
        application_id (int): The application's id from the admin console.
        application_user_id (str): The application's own id for its user: 1 to 128 letters, digits, `-`, `_` or `.`.
            It must stay the same for the user's whole life; no pre-registration is needed.
        signature (str): Lowercase hex HMAC-SHA256 of `application_user_id` (UTF-8), keyed with the application's HMAC
            key.
        uts (int | Unset): Optional Unix timestamp in seconds, shown by older documentation; never required.
    """

    application_id: int
    application_user_id: str
    signature: str
    uts: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        application_id = self.application_id

        application_user_id = self.application_user_id

        signature = self.signature

        uts = self.uts

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "application_id": application_id,
                "application_user_id": application_user_id,
                "signature": signature,
            }
        )
        if uts is not UNSET:
            field_dict["uts"] = uts

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        application_id = d.pop("application_id")

        application_user_id = d.pop("application_user_id")

        signature = d.pop("signature")

        uts = d.pop("uts", UNSET)

        hmac_token_request = cls(
            application_id=application_id,
            application_user_id=application_user_id,
            signature=signature,
            uts=uts,
        )

        return hmac_token_request
