"""The client's exceptions; all derive from `SpikeError`. Defined in `_exceptions` and
`_redirect_errors`."""

from ._exceptions import *  # noqa: F403
from ._exceptions import __all__ as _call_errors
from ._redirect_errors import *  # noqa: F403
from ._redirect_errors import __all__ as _redirect_errors

__all__ = [*_call_errors, *_redirect_errors]
