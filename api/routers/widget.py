"""The embeddable widget (GET /widget.js, /widget.css), the demo portal (GET /demo), and CORS
for the two endpoints the widget calls from a province's own site."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from api.services.zalo.identity import HEADER as ZALO_TOKEN_HEADER
from core.settings import PROJECT_ROOT, get_settings

WIDGET_DIR = PROJECT_ROOT / "web" / "widget"
DEMO_DIR = PROJECT_ROOT / "web" / "demo"
# Endpoints a page on another origin (the province portal, the Mini App on Zalo) may call,
# besides the catalogue (/api/services*).
CROSS_ORIGIN_PATHS = frozenset({"/api/chat", "/api/feedback"})
_ASSET_HEADERS = {
    "Cache-Control": "public, max-age=300",
    # Loadable by portals that set Cross-Origin-Embedder-Policy: require-corp.
    "Cross-Origin-Resource-Policy": "cross-origin",
}

router = APIRouter(tags=["widget"])


@router.get("/widget.js", include_in_schema=False)
async def widget_js() -> FileResponse:
    return FileResponse(
        WIDGET_DIR / "widget.js", media_type="text/javascript; charset=utf-8", headers=_ASSET_HEADERS
    )


@router.get("/widget.css", include_in_schema=False)
async def widget_css() -> FileResponse:
    return FileResponse(
        WIDGET_DIR / "widget.css", media_type="text/css; charset=utf-8", headers=_ASSET_HEADERS
    )


@router.get("/demo", include_in_schema=False)
async def demo() -> FileResponse:
    return FileResponse(DEMO_DIR / "index.html", media_type="text/html; charset=utf-8")


def allowed_origins() -> list[str]:
    """CORS_ALLOWED_ORIGINS (or WIDGET_ALLOWED_ORIGINS): comma-separated origins; default any ("*")."""
    raw = get_settings().cors_allowed_origins
    return [origin.strip().rstrip("/") for origin in raw.split(",") if origin.strip()] or ["*"]


def is_cross_origin_api(path: str) -> bool:
    return path in CROSS_ORIGIN_PATHS or path == "/api/services" or path.startswith("/api/services/")


class WidgetCORS:
    """CORS (no credentials) for the endpoints other origins call: the widget on a province's site
    and the Zalo Mini App hosted by Zalo (chat with its X-Zalo-Access-Token, the catalogue).
    Every other path is left untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=allowed_origins(),
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "Accept", ZALO_TOKEN_HEADER],
            expose_headers=["Retry-After"],
            allow_credentials=False,
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and is_cross_origin_api(scope["path"]):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
