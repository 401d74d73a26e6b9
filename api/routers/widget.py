"""The embeddable widget (GET /widget.js, /widget.css), the demo portal (GET /demo), and CORS
for the two endpoints the widget calls from a province's own site."""

from __future__ import annotations

import os

from fastapi import APIRouter
from fastapi.responses import FileResponse
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from core.settings import PROJECT_ROOT

WIDGET_DIR = PROJECT_ROOT / "web" / "widget"
DEMO_DIR = PROJECT_ROOT / "web" / "demo"
# Endpoints a page on another origin (the province portal) may call.
WIDGET_API_PATHS = frozenset({"/api/chat", "/api/feedback"})
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
    """WIDGET_ALLOWED_ORIGINS: comma-separated origins allowed to embed the widget; default any ("*")."""
    raw = os.environ.get("WIDGET_ALLOWED_ORIGINS", "*")
    return [origin.strip().rstrip("/") for origin in raw.split(",") if origin.strip()] or ["*"]


class WidgetCORS:
    """CORS (no credentials) for the widget's endpoints only; every other path is left untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=allowed_origins(),
            allow_methods=["POST"],
            allow_headers=["Content-Type"],
            allow_credentials=False,
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in WIDGET_API_PATHS:
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
