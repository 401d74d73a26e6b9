"""FastAPI application: chat API, health checks and the chat page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from api.middleware import BodySizeLimit, ChatRateLimit, SecurityHeaders
from api.routers import catalogue, chat, feedback, health, widget, zalo
from api.routers import staff as staff_console
from api.services.rasa_client import RasaClient
from api.services.rasa_pool import RasaPool, rasa_urls
from core.logging import configure_logging
from core.ratelimit import RateLimiter
from core.settings import PROJECT_ROOT, get_settings

WEB_ROOT: Path = PROJECT_ROOT / "web"
# Swagger UI and ReDoc come from this CDN and run an inline script: only with API_DOCS=true (development).
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
    "font-src https://fonts.gstatic.com; worker-src blob:; frame-ancestors 'none'"
)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    urls = rasa_urls(settings.rasa_url, settings.rasa_urls)
    app.state.rasa = (
        RasaPool(urls, settings.rasa_token, settings.rasa_timeout_seconds)
        if len(urls) > 1
        else RasaClient(urls[0], settings.rasa_token, settings.rasa_timeout_seconds)
    )
    yield
    await app.state.rasa.aclose()


async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
    """422 with a readable message; the offending input is not echoed back."""
    errors = [
        {"loc": list(error.get("loc", ())), "msg": error.get("msg", ""), "type": error.get("type", "")}
        for error in exc.errors()
    ]
    if any(error["type"] == "json_invalid" for error in errors):
        message = "Request body is not valid JSON."
    else:
        message = "; ".join(
            f"{'.'.join(str(part) for part in error['loc'] if part != 'body') or 'body'}: {error['msg']}"
            for error in errors
        )
    return JSONResponse(status_code=422, content={"detail": errors, "message": message})


def add_docs(app: FastAPI) -> None:
    """/docs and /redoc (API_DOCS=true only): they load their scripts from a CDN."""

    @app.get("/docs", include_in_schema=False)
    async def swagger() -> HTMLResponse:
        page = get_swagger_ui_html(openapi_url="/openapi.json", title=f"{app.title} - Swagger UI")
        page.headers["Content-Security-Policy"] = DOCS_CSP
        return page

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        page = get_redoc_html(openapi_url="/openapi.json", title=f"{app.title} - ReDoc")
        page.headers["Content-Security-Policy"] = DOCS_CSP
        return page


def create_app() -> FastAPI:
    configure_logging()
    settings = get_settings()
    app = FastAPI(
        title="dvc-assistant API",
        version="0.1.0",
        description="Virtual assistant for Vietnam's online public services (DVCTT).",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    if settings.api_docs:
        add_docs(app)
    app.add_exception_handler(RequestValidationError, validation_error)  # type: ignore[arg-type]
    app.include_router(chat.router)
    app.include_router(health.router)
    app.include_router(feedback.router)
    app.include_router(widget.router)
    app.include_router(catalogue.router)
    app.include_router(zalo.router)
    app.include_router(staff_console.router, include_in_schema=settings.openapi_include_staff)
    if (PROJECT_ROOT / "miniapp" / "dist" / "index.html").exists():  # built by `make miniapp`
        app.mount(
            "/miniapp", StaticFiles(directory=PROJECT_ROOT / "miniapp" / "dist", html=True), name="miniapp"
        )
    app.add_middleware(
        ChatRateLimit,
        limiter=RateLimiter(
            settings.redis_url,
            settings.rate_limit_per_sender,
            settings.rate_limit_per_ip,
            prefix=f"{settings.redis_prefix}-ratelimit",
        ),
    )
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)  # outside the rate limit
    app.add_middleware(widget.WidgetCORS)
    app.add_middleware(SecurityHeaders)  # outermost: every answer carries the headers, even a 413
    app.mount("/static/chat", StaticFiles(directory=WEB_ROOT / "chat"), name="chat-static")
    app.mount("/static/demo", StaticFiles(directory=WEB_ROOT / "demo"), name="demo-static")

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(WEB_ROOT / "chat" / "index.html")

    return app


app = create_app()
