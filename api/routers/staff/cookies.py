"""The staff console's cookies: HttpOnly session, SameSite=Strict, Secure over HTTPS."""

from __future__ import annotations

from fastapi import Request, Response

from core.settings import get_settings


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
