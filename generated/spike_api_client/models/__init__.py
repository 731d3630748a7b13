"""Contains all the data models used in inputs/outputs"""

from .hmac_token_request import HmacTokenRequest
from .hmac_token_response import HmacTokenResponse
from .integration_init_url import IntegrationInitUrl
from .integration_redirect_back import IntegrationRedirectBack
from .problem import Problem
from .problem_error import ProblemError
from .webhook_event import WebhookEvent

__all__ = (
    "HmacTokenRequest",
    "HmacTokenResponse",
    "IntegrationInitUrl",
    "IntegrationRedirectBack",
    "Problem",
    "ProblemError",
    "WebhookEvent",
)
