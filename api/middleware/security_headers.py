"""Security headers on every answer: nosniff and Referrer-Policy everywhere; on HTML pages a CSP
without inline script and with frame-ancestors 'none' (the chat page cannot be framed); staff JSON
is never cached. Headers a route set itself (the staff pages) are left as they are."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# zmp-ui's stylesheet takes its icon font from Zalo's static host.
MINIAPP_CSP = PAGE_CSP.replace("font-src 'self'", "font-src 'self' https://h5.zadn.vn")
ALWAYS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
ON_PAGES = {"Content-Security-Policy": PAGE_CSP, "X-Frame-Options": "DENY"}
STAFF_API = "/api/staff"


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        staff_api = path == STAFF_API or path.startswith(STAFF_API + "/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                wanted = dict(ALWAYS)
                if headers.get("content-type", "").startswith("text/html"):
                    wanted.update(ON_PAGES)
                    if path.startswith("/miniapp"):
                        wanted["Content-Security-Policy"] = MINIAPP_CSP
                for name, value in wanted.items():
                    if name not in headers:
                        headers[name] = value
                if staff_api:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, with_headers)
