"""Sends customer-service messages through the OA API v3 and checks the `error` field of each answer."""

from __future__ import annotations

from typing import Any

import httpx
import structlog

from api.schemas import Reply
from api.services.zalo.messages import to_zalo_messages
from api.services.zalo.tokens import TokenStore
from core.settings import Settings

logger = structlog.get_logger(__name__)

# Error codes of the OA API meaning the access token is invalid or has expired: refresh, retry once.
TOKEN_ERRORS = frozenset({-216, -124, -220})


class ZaloApiError(RuntimeError):
    def __init__(self, code: int | None, message: str) -> None:
        super().__init__(f"Zalo OA API error {code}: {message}")
        self.code = code


class ZaloOAClient:
    def __init__(self, settings: Settings, http: httpx.AsyncClient | None = None) -> None:
        self._settings = settings
        self._http = http or httpx.AsyncClient(timeout=settings.zalo_http_timeout_seconds)
        self.tokens = TokenStore(settings, self._http)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _post_cs(self, token: str, user_id: str, message: dict[str, Any]) -> dict[str, Any]:
        url = f"{self._settings.zalo_oa_api_base.rstrip('/')}/v3.0/oa/message/cs"
        try:
            response = await self._http.post(
                url,
                headers={"access_token": token},
                json={"recipient": {"user_id": user_id}, "message": message},
            )
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ZaloApiError(None, f"{type(exc).__name__}") from exc
        if not isinstance(body, dict):
            raise ZaloApiError(None, "unexpected answer")
        return body

    async def send_message(self, user_id: str, message: dict[str, Any]) -> dict[str, Any]:
        """POST /v3.0/oa/message/cs; on an expired/invalid token, refresh it and retry once."""
        token = await self.tokens.access_token()
        body = await self._post_cs(token, user_id, message)
        code = body.get("error")
        if code in TOKEN_ERRORS:
            logger.info("zalo_token_rejected", error=code)
            token = await self.tokens.refresh(stale_access_token=token)
            body = await self._post_cs(token, user_id, message)
            code = body.get("error")
        if code != 0:
            logger.warning("zalo_send_failed", error=code, message=str(body.get("message", ""))[:200])
            raise ZaloApiError(code if isinstance(code, int) else None, str(body.get("message", "")))
        return body

    async def send_reply(self, user_id: str, reply: Reply) -> int:
        sent = 0
        for message in to_zalo_messages(reply):
            await self.send_message(user_id, message)
            sent += 1
        return sent
