"""Staff authentication: session cookie, CSRF header, roles."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from fastapi import Depends, HTTPException, Request, Response

from core.db import session_scope
from core.settings import get_settings
from core.staff.login import find_session

SESSION_COOKIE = "staff_session"
LOGIN_CSRF_COOKIE = "staff_login_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


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


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def cookie_secure(request: Request) -> bool:
    mode = get_settings().staff_cookie_secure.strip().lower()
    if mode in {"1", "true", "yes", "on"}:
        return True
    if mode in {"0", "false", "no", "off"}:
        return False
    return request.url.scheme == "https"


def set_cookie(
    response: Response,
    request: Request,
    name: str,
    value: str,
    *,
    http_only: bool,
    max_age: int | None = None,
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=http_only,
        samesite="strict",
        secure=cookie_secure(request),
    )


def clear_cookie(response: Response, request: Request, name: str) -> None:
    response.delete_cookie(name, path="/", httponly=True, samesite="strict", secure=cookie_secure(request))


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
