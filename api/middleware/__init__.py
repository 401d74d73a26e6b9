"""ASGI middleware that guards the API: body-size limit and rate limits (issue 7)."""

from api.middleware.body_limit import BodySizeLimit
from api.middleware.ratelimit import ChatRateLimit

__all__ = ["BodySizeLimit", "ChatRateLimit"]
