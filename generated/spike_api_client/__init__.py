"""A client library for accessing Spike API v3 - provider integration"""

from ._application import ApplicationClient, UserClient
from ._redirect_back import (
    Connected,
    Failed,
    RedirectOutcome,
    RedirectQuery,
    aread_redirect_back,
    read_redirect_back,
)
from ._redirect_errors import (
    ExpiredStateError,
    InvalidStateError,
    MalformedRedirectError,
    MissingStateError,
    RedirectBackError,
    ReplayedStateError,
    ReplayStoreFullError,
    ReplayStoreUnavailableError,
    StateMismatchError,
)
from ._replay import AsyncReplayStore, MemoryReplayStore, ReplayStore
from ._retry import RetryPolicy
from ._state import JSONData, JSONValue, StateSigner, VerifiedState
from ._tokens import TokenStore
from ._webhook_errors import (
    BadSignatureError,
    MissingSignatureError,
    WebhookError,
    WebhookNotJSONError,
    WebhookShapeError,
    WebhookSignatureError,
    WebhookTooLargeError,
)
from ._webhooks import (
    ReceivedEvent,
    anew_events,
    new_events,
    read_webhook,
    sign_webhook_body,
    verify_webhook,
)
from .auth import aexchange_token, exchange_token, sign_application_user_id
from .client import AuthenticatedClient, Client
from .errors import (
    APIConnectionError,
    APIResponseError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    ContractError,
    InvalidInputError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseTooLargeError,
    ServerError,
    SpikeError,
    UnsafeRedirectError,
)

__version__ = "1.2.0"
# The contract this client was generated from: `info.version` of the kit's openapi/spike.yaml.
__spec_version__ = "3.0.2"

__all__ = [
    "APIConnectionError",
    "APIResponseError",
    "APIStatusError",
    "APITimeoutError",
    "ApplicationClient",
    "AsyncReplayStore",
    "AuthenticatedClient",
    "AuthenticationError",
    "Client",
    "Connected",
    "ContractError",
    "ExpiredStateError",
    "Failed",
    "InvalidInputError",
    "InvalidRequestError",
    "InvalidStateError",
    "JSONData",
    "JSONValue",
    "MalformedRedirectError",
    "MemoryReplayStore",
    "MissingStateError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RedirectBackError",
    "RedirectOutcome",
    "RedirectQuery",
    "ReplayStore",
    "ReplayStoreFullError",
    "ReplayStoreUnavailableError",
    "ReplayedStateError",
    "ResponseTooLargeError",
    "RetryPolicy",
    "ServerError",
    "SpikeError",
    "StateMismatchError",
    "StateSigner",
    "TokenStore",
    "UnsafeRedirectError",
    "UserClient",
    "VerifiedState",
    "__spec_version__",
    "__version__",
    "aexchange_token",
    "aread_redirect_back",
    "exchange_token",
    "read_redirect_back",
    "sign_application_user_id",
    # webhooks: Spike's events, verified and typed
    "BadSignatureError",
    "MissingSignatureError",
    "ReceivedEvent",
    "WebhookError",
    "WebhookNotJSONError",
    "WebhookShapeError",
    "WebhookSignatureError",
    "WebhookTooLargeError",
    "anew_events",
    "new_events",
    "read_webhook",
    "sign_webhook_body",
    "verify_webhook",
]
