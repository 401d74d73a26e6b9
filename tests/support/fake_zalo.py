"""A local fake of the Zalo cloud for tests: OA message API v3, OAuth v4 token refresh and Graph /v2.0/me.

It speaks the real request/response shapes (the `error` field, single-use refresh tokens,
`appsecret_proof`), records every request it receives, and runs with uvicorn in a thread on a
free loopback port. Tests steer it through its attributes (expire the access token, add users).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from tests.support.stack import free_port, wait_until


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    query: dict[str, str]
    form: dict[str, str]
    json: Any
    accepted: bool = False  # a message the fake delivered (error 0)


@dataclass
class FakeZalo:
    app_id: str = "1234567890123456789"
    app_secret: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    oa_secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    access_token: str = field(default_factory=lambda: "AT-" + secrets.token_urlsafe(12))
    refresh_token: str = field(default_factory=lambda: "RT-" + secrets.token_urlsafe(12))
    expires_in: int = 90000
    # Mini App user tokens -> (id, name)
    users: dict[str, tuple[str, str]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    refresh_delay: float = 0.0
    port: int = field(default_factory=free_port)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self.used_refresh_tokens: set[str] = set()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.app = self._build()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # ---- what tests look at -------------------------------------------------------------
    def sent_messages(self) -> list[dict[str, Any]]:
        """Bodies of accepted customer-service messages, in order."""
        return [r.json for r in list(self.requests) if r.path == "/v3.0/oa/message/cs" and r.accepted]

    def texts_to(self, user_id: str) -> list[str]:
        return [
            m["message"].get("text", "") for m in self.sent_messages() if m["recipient"]["user_id"] == user_id
        ]

    def refresh_calls(self) -> list[Recorded]:
        return [r for r in list(self.requests) if r.path == "/v4/oa/access_token"]

    def expire_access_token(self) -> None:
        """The current access token stops working (as if it had expired at Zalo)."""
        with self._lock:
            self.access_token = "EXPIRED-" + self.access_token

    # ---- the fake endpoints --------------------------------------------------------------
    def _build(self) -> FastAPI:
        app = FastAPI()

        async def record(request: Request) -> Recorded:
            body = await request.body()
            form: dict[str, str] = {}
            payload: Any = None
            if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
                form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
            elif body:
                try:
                    payload = json.loads(body)
                except ValueError:
                    payload = None
            entry = Recorded(
                request.method,
                request.url.path,
                dict(request.headers),
                dict(request.query_params),
                form,
                payload,
            )
            self.requests.append(entry)
            return entry

        @app.post("/v3.0/oa/message/cs")
        async def message_cs(request: Request) -> JSONResponse:
            entry = await record(request)
            token = request.headers.get("access_token", "")
            with self._lock:
                valid = token == self.access_token
            if not token or not valid:
                return JSONResponse({"error": -216, "message": "Access token is invalid"})
            body = entry.json if isinstance(entry.json, dict) else {}
            message = body.get("message") or {}
            user = (body.get("recipient") or {}).get("user_id")
            text = message.get("text", "")
            if not user or (not text and not message.get("attachment")):
                return JSONResponse({"error": -201, "message": "Parameters are invalid"})
            if len(text) > 2000:
                return JSONResponse({"error": -201, "message": "Text is too long"})
            entry.accepted = True
            return JSONResponse(
                {
                    "error": 0,
                    "message": "Success",
                    "data": {"message_id": secrets.token_hex(8), "user_id": user},
                }
            )

        @app.post("/v4/oa/access_token")
        async def refresh(request: Request) -> JSONResponse:
            entry = await record(request)
            if self.refresh_delay:
                await asyncio.sleep(self.refresh_delay)
            form = entry.form
            if request.headers.get("secret_key") != self.app_secret or form.get("app_id") != self.app_id:
                return JSONResponse(
                    {
                        "error": -14002,
                        "error_name": "Invalid app secret",
                        "error_description": "Invalid app secret or app id",
                    }
                )
            if form.get("grant_type") != "refresh_token":
                return JSONResponse({"error": -14001, "error_name": "Invalid grant type"})
            with self._lock:
                token = form.get("refresh_token", "")
                if token != self.refresh_token or token in self.used_refresh_tokens:
                    return JSONResponse(
                        {
                            "error": -14014,
                            "error_name": "Invalid refresh token",
                            "error_description": "Refresh token is invalid or was already used",
                        }
                    )
                self.used_refresh_tokens.add(token)
                self.access_token = "AT-" + secrets.token_urlsafe(12)
                self.refresh_token = "RT-" + secrets.token_urlsafe(12)
                # Zalo sends expires_in as a string.
                return JSONResponse(
                    {
                        "access_token": self.access_token,
                        "refresh_token": self.refresh_token,
                        "expires_in": str(self.expires_in),
                    }
                )

        @app.get("/v2.0/me")
        async def me(request: Request) -> JSONResponse:
            await record(request)
            token = request.headers.get("access_token", "")
            proof = request.headers.get("appsecret_proof", "")
            expected = hmac.new(self.app_secret.encode(), token.encode(), hashlib.sha256).hexdigest()
            if not hmac.compare_digest(proof, expected):
                return JSONResponse({"error": -501, "message": "Invalid appsecret_proof"})
            user = self.users.get(token)
            if user is None:
                return JSONResponse({"error": 452, "message": "Access token is invalid"})
            return JSONResponse({"id": user[0], "name": user[1], "error": 0, "message": "Success"})

        return app

    # ---- life cycle -----------------------------------------------------------------------
    def start(self) -> FakeZalo:
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_level="warning", ws="none", lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        wait_until(lambda: self._server is not None and self._server.started, 15, "fake Zalo server")
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    def env(self) -> dict[str, str]:
        """Settings for an API that talks to this fake."""
        return {
            "ZALO_APP_ID": self.app_id,
            "ZALO_OA_SECRET_KEY": self.oa_secret_key,
            "ZALO_APP_SECRET": self.app_secret,
            "ZALO_OA_API_BASE": self.url,
            "ZALO_OAUTH_BASE": self.url,
            "ZALO_GRAPH_BASE": self.url,
            "ZALO_ACCESS_TOKEN": self.access_token,
            "ZALO_REFRESH_TOKEN": self.refresh_token,
        }

    def sign(self, raw_body: bytes, timestamp: str) -> str:
        digest = hashlib.sha256(
            self.app_id.encode() + raw_body + timestamp.encode() + self.oa_secret_key.encode()
        )
        return "mac=" + digest.hexdigest()
