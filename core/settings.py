"""Runtime settings, read from environment variables (and `.env`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=PROJECT_ROOT / ".env", extra="ignore")

    database_url: str = Field(default=f"sqlite:///{PROJECT_ROOT / 'var' / 'dvc.db'}")
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = ""
    action_server_url: str = "http://127.0.0.1:5055"
    # Key for the HMAC of sender ids stored in the unresolved log. Generated per install.
    sender_hash_key: str = ""
    max_message_chars: int = 2000
    rasa_timeout_seconds: float = 30.0
    hotline: str = "1900 0368"


@lru_cache
def get_settings() -> Settings:
    return Settings()
