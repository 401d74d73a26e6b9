"""Pages of the staff console under /staff. Only the login page (and its CSS/JS) is public."""

from __future__ import annotations

import secrets
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from api.deps import LOGIN_CSRF_COOKIE, current_staff
from api.routers.staff.cookies import set_cookie
from core.settings import PROJECT_ROOT

STAFF_WEB = PROJECT_ROOT / "web" / "staff"
PUBLIC_ASSETS = frozenset({"login.js", "staff.css"})
ASSETS = {
    "login.js": "login.js",
    "staff.css": "staff.css",
    "console.js": "console.js",
    "chart.umd.min.js": "vendor/chart.umd.min.js",
}
NO_STORE = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; frame-ancestors 'none'",
}

router = APIRouter(prefix="/staff", include_in_schema=False)


def _login_redirect(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/staff/login?next={quote(request.url.path)}", status_code=303)


@router.get("/login")
def login_page(request: Request) -> Response:
    response = FileResponse(STAFF_WEB / "login.html", headers=NO_STORE)
    set_cookie(response, request, LOGIN_CSRF_COOKIE, secrets.token_urlsafe(32), http_only=False, max_age=3600)
    return response


@router.get("")
@router.get("/")
def console(request: Request) -> Response:
    if current_staff(request) is None:
        return _login_redirect(request)
    return FileResponse(STAFF_WEB / "index.html", headers=NO_STORE)


@router.get("/static/{name}")
def asset(name: str, request: Request) -> Response:
    if name not in ASSETS:
        raise HTTPException(404, "not found")
    if name not in PUBLIC_ASSETS and current_staff(request) is None:
        raise HTTPException(401, "login required")
    return FileResponse(
        STAFF_WEB / ASSETS[name], headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
    )
