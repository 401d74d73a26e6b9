"""Mini App users: verify the Zalo access token (zmp-sdk getAccessToken) with the Graph API.

GET {graph}/v2.0/me?fields=id,name with headers `access_token` and
`appsecret_proof` = HMAC-SHA256(access_token, key=app secret) as hex. The user is "zalo:<id>".
Verified tokens are cached briefly (by their SHA-256, never in clear).
"""

from __future__ import annotations

import hashlib
import hmac
import time

import httpx

from core.settings import Settings

HEADER = "X-Zalo-Access-Token"
MAX_CACHE = 10_000

_cache: dict[str, tuple[str, float]] = {}


class InvalidZaloToken(ValueError):
    pass


class ZaloGraphUnavailable(RuntimeError):
    pass


def appsecret_proof(access_token: str, app_secret: str) -> str:
    return hmac.new(app_secret.encode("utf-8"), access_token.encode("utf-8"), hashlib.sha256).hexdigest()


async def verify_access_token(access_token: str, settings: Settings) -> str:
    """The Zalo user id behind `access_token`; InvalidZaloToken if Zalo does not accept it."""
    if not settings.zalo_app_secret:
        raise InvalidZaloToken("Zalo login is not configured on this server")
    key = hashlib.sha256(access_token.encode("utf-8")).hexdigest()
    cached = _cache.get(key)
    now = time.monotonic()
    if cached and cached[1] > now:
        return cached[0]
    url = f"{settings.zalo_graph_base.rstrip('/')}/v2.0/me"
    try:
        async with httpx.AsyncClient(timeout=settings.zalo_http_timeout_seconds) as http:
            response = await http.get(
                url,
                params={"fields": "id,name"},
                headers={
                    "access_token": access_token,
                    "appsecret_proof": appsecret_proof(access_token, settings.zalo_app_secret),
                },
            )
        body = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise ZaloGraphUnavailable(type(exc).__name__) from exc
    if not isinstance(body, dict):
        raise ZaloGraphUnavailable("unexpected answer")
    user_id = str(body.get("id") or "")
    if body.get("error") not in (None, 0) or not user_id:
        raise InvalidZaloToken(f"Zalo refused the token (error {body.get('error')})")
    if len(_cache) >= MAX_CACHE:
        _cache.clear()
    _cache[key] = (user_id, now + settings.zalo_identity_cache_seconds)
    return user_id
