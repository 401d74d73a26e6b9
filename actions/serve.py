"""Start the Rasa SDK action server, refusing every call that lacks the shared secret.

    .venv/bin/python -m actions.serve --actions actions --port 5055

Rasa sends `Authorization: Bearer $ACTION_SERVER_TOKEN` (endpoints*.yml, action_endpoint.headers);
any other caller of /webhook (or /actions) gets 401 and no action runs. /health stays open for
probes. The secret comes from the environment (or the file ACTION_SERVER_TOKEN_FILE), not argv.
"""

from __future__ import annotations

import logging
import os
import secrets
import sys
from pathlib import Path

from rasa_sdk import utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from rasa_sdk.endpoint import create_app, create_argument_parser
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

OPEN_PATHS = frozenset({"/health"})


def read_secret(env: dict[str, str] | os._Environ[str] = os.environ) -> str:
    secret = env.get("ACTION_SERVER_TOKEN", "")
    if not secret and env.get("ACTION_SERVER_TOKEN_FILE"):
        secret = Path(env["ACTION_SERVER_TOKEN_FILE"]).read_text(encoding="utf-8").strip()
    return secret


def require_secret(app: Sanic, secret: str) -> None:
    expected = f"Bearer {secret}".encode()

    @app.on_request
    async def check(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        sent = request.headers.get("Authorization", "").encode()
        if not secrets.compare_digest(sent, expected):
            return response.json({"error": "missing or wrong action server token"}, status=401)
        return None


def main(argv: list[str] | None = None) -> None:
    os.umask(0o077)  # files the actions create: owner only
    args = create_argument_parser().parse_args(argv)
    secret = read_secret()
    if not secret:
        sys.exit("actions.serve: ACTION_SERVER_TOKEN (or ACTION_SERVER_TOKEN_FILE) is not set")
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(
        logging.getLogger(APPLICATION_ROOT_LOGGER_NAME),
        args.log_file,
        args.loglevel,
        args.logging_config_file,
    )
    utils.update_sanic_log_level()
    app = create_app(args.actions, cors_origins=args.cors, auto_reload=args.auto_reload)
    require_secret(app, secret)
    host = os.environ.get("SANIC_HOST", "127.0.0.1")
    app.run(host, args.port, workers=utils.number_of_sanic_workers())


if __name__ == "__main__":
    main()
