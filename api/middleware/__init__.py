"""ASGI middleware that guards the API: body-size limit, rate limits, security headers."""

from api.middleware.body_limit import BodySizeLimit
from api.middleware.ratelimit import ChatRateLimit
from api.middleware.security_headers import SecurityHeaders

__all__ = ["BodySizeLimit", "ChatRateLimit", "SecurityHeaders"]
