"""Create `.env` with per-install secrets and local defaults if it is missing (stdlib only)."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def default_env() -> str:
    return "\n".join(
        [
            "# Created by `make env`. Secrets are random per install; keep this file private.",
            f"RASA_TOKEN={secrets.token_urlsafe(32)}",
            f"SENDER_HASH_KEY={secrets.token_urlsafe(32)}",
            f"ACTION_SERVER_TOKEN={secrets.token_urlsafe(32)}",
            "RASA_URL=http://127.0.0.1:5005",
            "ACTION_SERVER_URL=http://127.0.0.1:5055",
            "ACTION_ENDPOINT_URL=http://127.0.0.1:5055/webhook",
            f"RASA_TRACKER_DB={ROOT / 'var' / 'rasa_tracker.db'}",
            "SANIC_HOST=127.0.0.1",
            "# DATABASE_URL=postgresql+psycopg2://user@127.0.0.1:5432/dvc  (default: SQLite in var/)",
            "",
        ]
    )


# Secrets added after an install's .env was written: appended to it when missing.
LATER_SECRETS = ("ACTION_SERVER_TOKEN",)


def add_missing_secrets(target: Path) -> None:
    text = target.read_text(encoding="utf-8")
    present = {line.split("=", 1)[0].strip() for line in text.splitlines() if "=" in line}
    missing = [name for name in LATER_SECRETS if name not in present]
    if missing:
        lines = "".join(f"{name}={secrets.token_urlsafe(32)}\n" for name in missing)
        target.write_text(text + ("" if text.endswith("\n") or not text else "\n") + lines, encoding="utf-8")
        print(f"added {', '.join(missing)} to {target}")


def main() -> int:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / ".env"
    if target.exists():
        add_missing_secrets(target)
        return 0
    target.write_text(default_env(), encoding="utf-8")
    target.chmod(0o600)
    print(f"created {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
