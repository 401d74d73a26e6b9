"""FastAPI dependencies: who is calling (a staff session, a Zalo Mini App user) and the Rasa client."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import structlog
from fastapi import Depends, HTTPException, Request

from api.services.rasa_client import RasaClient
from api.services.zalo.client import ZaloOAClient
from api.services.zalo.identity import HEADER, InvalidZaloToken, ZaloGraphUnavailable, verify_access_token
from core.db import session_scope
from core.settings import get_settings
from core.staff.login import find_session

logger = structlog.get_logger(__name__)

SESSION_COOKIE = "staff_session"
LOGIN_CSRF_COOKIE = "staff_login_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_rasa(request: Request) -> RasaClient:
    return request.app.state.rasa  # type: ignore[no-any-return]


def get_zalo_client(request: Request) -> ZaloOAClient:
    """One OA client per app (its token store's lock must be shared by all requests)."""
    client = getattr(request.app.state, "zalo", None)
    if client is None:
        client = ZaloOAClient(get_settings())
        request.app.state.zalo = client
    return client


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


@dataclass(frozen=True)
class StaffContext:
    user_id: int
    username: str
    role: str
    csrf: str
    session_id: int
    ip: str | None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def current_staff(request: Request) -> StaffContext | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    with session_scope() as session:
        found = find_session(session, token)
        if found is None:
            return None
        row, user = found
        return StaffContext(user.id, user.username, user.role, row.csrf_token, row.id, client_ip(request))


def require_staff(request: Request) -> StaffContext:
    """API guard: 401 without a valid session; 403 if a state-changing request lacks the CSRF header."""
    context = current_staff(request)
    if context is None:
        raise HTTPException(401, "login required")
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent or not secrets.compare_digest(sent, context.csrf):
            raise HTTPException(403, "missing or invalid CSRF token")
    request.state.staff = context
    return context


def require_admin(context: StaffContext = Depends(require_staff)) -> StaffContext:
    if not context.is_admin:
        raise HTTPException(403, "admin role required")
    return context


def check_login_csrf(request: Request) -> None:
    """Double-submit check for the login form (there is no session yet)."""
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    sent = request.headers.get(CSRF_HEADER, "")
    if not cookie or not sent or not secrets.compare_digest(cookie, sent):
        raise HTTPException(403, "missing or invalid CSRF token (reload the login page)")


async def miniapp_sender(request: Request) -> str | None:
    """FastAPI dependency: "zalo:<id>" for a request carrying a valid Zalo token, None without one."""
    token = request.headers.get(HEADER, "").strip()
    if not token:
        return None
    try:
        return "zalo:" + await verify_access_token(token, get_settings())
    except InvalidZaloToken as exc:
        raise HTTPException(
            401, "Zalo access token is not valid; send the request without it to stay anonymous"
        ) from exc
    except ZaloGraphUnavailable as exc:
        logger.warning("zalo_graph_unavailable", error=str(exc))
        raise HTTPException(503, "Zalo could not be reached to verify the access token") from exc
