"""A bearer token given to schemathesis as an auth provider.

An explicit `headers=` on each call would overwrite the Authorization header of negative cases
too, turning a case whose only fault was its credentials into a valid request that schemathesis
still expects to be refused; an auth provider is what schemathesis knows to work around.
"""

from __future__ import annotations

from typing import Any

from schemathesis import Case


def use_bearer_token(schema: Any, token: str) -> None:
    """Make every case of `schema` carry `token` as its bearer credential."""

    @schema.auth()
    class BearerToken:
        def get(self, case: Case[Any], context: Any) -> str:
            return token

        def set(self, case: Case[Any], data: str, context: Any) -> None:
            case.headers["Authorization"] = f"Bearer {data}"
