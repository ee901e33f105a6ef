"""`audience = CallerAudience()`: whom a request's figures are for (suppression.Audience)."""
from safecommunity.auth import Auth
from safecommunity.config import DEFAULTS

from .suppression import audience_of


class CallerAudience(Auth):
    """The request's caller as an audience: exact figures with reports:read; otherwise counts under
    SUPPRESS_BELOW (read once, at setup) are masked."""

    def setup(self):
        super().setup()
        self.below = int(self.container.config.get("SUPPRESS_BELOW", DEFAULTS["SUPPRESS_BELOW"]))

    def get_dependency(self, worker_ctx):
        return audience_of(super().get_dependency(worker_ctx), self.below)
