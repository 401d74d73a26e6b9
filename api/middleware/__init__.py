"""ASGI middleware that guards the API: body-size limit and rate limits."""

from api.middleware.body_limit import BodySizeLimit
from api.middleware.ratelimit import ChatRateLimit

__all__ = ["BodySizeLimit", "ChatRateLimit"]
