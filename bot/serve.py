"""Start `rasa run` with the API token read from the environment, never from the command line.

    .venv-rasa/bin/python -m bot.serve --enable-api --port 5005 --model ... --endpoints ... --credentials ...

`rasa run --auth-token X` would show X to anyone on the machine (`ps`). Here RASA_TOKEN comes from
the environment (or the file named by RASA_TOKEN_FILE) and is handed to Rasa's own argument
parser in this process only: /proc/<pid>/cmdline keeps the arguments we were started with.
The same token protects our input channel (bot/channels/api.py reads it from the environment).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def read_token(env: dict[str, str] | os._Environ[str] = os.environ) -> str:
    """RASA_TOKEN, or the first line of the file RASA_TOKEN_FILE; empty if neither is set."""
    token = env.get("RASA_TOKEN", "")
    if not token and env.get("RASA_TOKEN_FILE"):
        token = Path(env["RASA_TOKEN_FILE"]).read_text(encoding="utf-8").strip()
    return token


def rasa_argv(args: list[str], token: str) -> list[str]:
    """The arguments of `rasa run` (after the program name), with the token appended."""
    if any(arg == "--auth-token" or arg.startswith("--auth-token=") for arg in args):
        raise SystemExit("bot.serve: pass the token in RASA_TOKEN, not --auth-token")
    if not token:
        raise SystemExit("bot.serve: RASA_TOKEN (or RASA_TOKEN_FILE) is not set")
    # "=": a random token may start with "-", which argparse would take for an option
    return ["run", *args, f"--auth-token={token}"]


def main(argv: list[str] | None = None) -> None:
    os.umask(0o077)  # the tracker store (SQLite) and logs Rasa creates: owner only
    token = read_token()
    os.environ["RASA_TOKEN"] = token  # for the input channel, when it came from a file
    sys.argv = ["rasa", *rasa_argv(list(sys.argv[1:] if argv is None else argv), token)]
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
