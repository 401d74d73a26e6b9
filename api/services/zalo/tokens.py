"""The OA access token: refreshed before expiry with the single-use refresh token.

Spending a refresh token twice locks the OA out, so a refresh
1. takes an asyncio lock (one refresh at a time in this process),
2. claims a short lease on the token row with a compare-and-swap on its version (one process at a time),
3. calls POST {oauth}/v4/oa/access_token,
4. stores the new pair in one transaction (version + 1) BEFORE the new access token is used.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import httpx
import structlog
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from core.db import rowcount, session_scope
from core.models import ZaloToken
from core.settings import Settings

logger = structlog.get_logger(__name__)

TOKEN_ROW = 1
LEASE_SECONDS = 30.0
DEFAULT_EXPIRES_IN = 3600  # a token pair given in settings: its age is unknown, assume one hour left


class ZaloTokenError(RuntimeError):
    """No usable token pair (not configured, or Zalo refused the refresh)."""


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_at: float
    version: int


def _pair(row: ZaloToken) -> TokenPair:
    return TokenPair(row.access_token, row.refresh_token, row.expires_at, row.version)


def store_pair(access_token: str, refresh_token: str, expires_in: float) -> TokenPair:
    """Set the token pair (CLI / settings seed): insert or overwrite, version + 1."""
    expires_at = time.time() + expires_in
    with session_scope() as session:
        row = session.get(ZaloToken, TOKEN_ROW, with_for_update=True)
        if row is None:
            row = ZaloToken(
                id=TOKEN_ROW,
                access_token=access_token,
                refresh_token=refresh_token,
                expires_at=expires_at,
                version=1,
            )
            session.add(row)
        else:
            row.access_token, row.refresh_token, row.expires_at = access_token, refresh_token, expires_at
            row.version += 1
            row.refresh_lease_until = None
        session.flush()
        return _pair(row)


def load_pair(settings: Settings) -> TokenPair | None:
    with session_scope() as session:
        row = session.scalar(select(ZaloToken).where(ZaloToken.id == TOKEN_ROW))
        if row is not None:
            return _pair(row)
    if not (settings.zalo_access_token and settings.zalo_refresh_token):
        return None
    try:
        with session_scope() as session:
            row = ZaloToken(
                id=TOKEN_ROW,
                access_token=settings.zalo_access_token,
                refresh_token=settings.zalo_refresh_token,
                expires_at=time.time() + DEFAULT_EXPIRES_IN,
                version=1,
            )
            session.add(row)
            session.flush()
            return _pair(row)
    except IntegrityError:  # another process seeded it first
        with session_scope() as session:
            row = session.get(ZaloToken, TOKEN_ROW)
            return _pair(row) if row else None


def claim_lease(version: int, now: float) -> bool:
    """Compare-and-swap: take the refresh lease if the row is still at `version` and nobody holds it."""
    with session_scope() as session:
        result = session.execute(
            update(ZaloToken)
            .where(ZaloToken.id == TOKEN_ROW, ZaloToken.version == version)
            .where((ZaloToken.refresh_lease_until.is_(None)) | (ZaloToken.refresh_lease_until < now))
            .values(refresh_lease_until=now + LEASE_SECONDS)
        )
        return rowcount(result) == 1


def release_lease(version: int) -> None:
    with session_scope() as session:
        session.execute(
            update(ZaloToken)
            .where(ZaloToken.id == TOKEN_ROW, ZaloToken.version == version)
            .values(refresh_lease_until=None)
        )


def save_refreshed(version: int, access_token: str, refresh_token: str, expires_at: float) -> TokenPair:
    """Store the new pair in one transaction (compare-and-swap on the version we refreshed)."""
    with session_scope() as session:
        result = session.execute(
            update(ZaloToken)
            .where(ZaloToken.id == TOKEN_ROW, ZaloToken.version == version)
            .values(
                access_token=access_token,
                refresh_token=refresh_token,
                expires_at=expires_at,
                version=version + 1,
                refresh_lease_until=None,
            )
        )
        if rowcount(result) != 1:
            # Our lease ran out and the row moved on; the pair Zalo just gave us is still the newest.
            logger.warning("zalo_token_cas_lost", version=version)
            row = session.get(ZaloToken, TOKEN_ROW, with_for_update=True)
            assert row is not None
            row.access_token, row.refresh_token, row.expires_at = access_token, refresh_token, expires_at
            row.version += 1
            row.refresh_lease_until = None
            session.flush()
            return _pair(row)
    return TokenPair(access_token, refresh_token, expires_at, version + 1)


class TokenStore:
    def __init__(self, settings: Settings, http: httpx.AsyncClient) -> None:
        self._settings = settings
        self._http = http
        self._lock = asyncio.Lock()

    async def access_token(self) -> str:
        pair = await run_in_threadpool(load_pair, self._settings)
        if pair is None:
            raise ZaloTokenError(
                "no Zalo OA token pair: set ZALO_ACCESS_TOKEN/ZALO_REFRESH_TOKEN "
                "or run `python -m cli zalo set-tokens`"
            )
        if pair.expires_at - self._settings.zalo_token_refresh_margin_seconds > time.time():
            return pair.access_token
        return await self.refresh(stale_access_token=pair.access_token)

    async def refresh(self, stale_access_token: str) -> str:
        """Get a new access token unless someone already replaced `stale_access_token`."""
        async with self._lock:
            deadline = time.monotonic() + LEASE_SECONDS + 5
            while True:
                pair = await run_in_threadpool(load_pair, self._settings)
                if pair is None:
                    raise ZaloTokenError("no Zalo OA token pair")
                if pair.access_token != stale_access_token:
                    return pair.access_token  # refreshed meanwhile (here or by another process)
                if await run_in_threadpool(claim_lease, pair.version, time.time()):
                    break
                if time.monotonic() > deadline:
                    raise ZaloTokenError("another process holds the token refresh lease")
                await asyncio.sleep(0.2)
            try:
                access, refresh, expires_in = await self._call_refresh(pair.refresh_token)
            except BaseException:
                await run_in_threadpool(release_lease, pair.version)
                raise
            new = await run_in_threadpool(
                save_refreshed, pair.version, access, refresh, time.time() + expires_in
            )
            logger.info("zalo_token_refreshed", version=new.version, expires_in=expires_in)
            return new.access_token

    async def _call_refresh(self, refresh_token: str) -> tuple[str, str, float]:
        url = f"{self._settings.zalo_oauth_base.rstrip('/')}/v4/oa/access_token"
        try:
            response = await self._http.post(
                url,
                headers={"secret_key": self._settings.zalo_app_secret},
                data={
                    "refresh_token": refresh_token,
                    "app_id": self._settings.zalo_app_id,
                    "grant_type": "refresh_token",
                },
            )
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ZaloTokenError(f"token refresh failed: {type(exc).__name__}") from exc
        if not isinstance(body, dict) or not body.get("access_token") or not body.get("refresh_token"):
            error = body.get("error") if isinstance(body, dict) else None
            name = body.get("error_name") or body.get("error_description") if isinstance(body, dict) else None
            raise ZaloTokenError(f"Zalo refused the token refresh (error {error}: {name})")
        try:
            expires_in = float(body.get("expires_in") or DEFAULT_EXPIRES_IN)
        except (TypeError, ValueError):
            expires_in = DEFAULT_EXPIRES_IN
        return str(body["access_token"]), str(body["refresh_token"]), expires_in
