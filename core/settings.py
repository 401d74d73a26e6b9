"""Runtime settings, read from environment variables (and `.env`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field
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
    # Zalo. Empty secrets: the OA webhook answers 503 and Mini App tokens are refused.
    zalo_app_id: str = ""
    zalo_oa_secret_key: str = ""  # signs webhook events (X-ZEvent-Signature)
    zalo_app_secret: str = ""  # OAuth refresh (secret_key header) and Graph appsecret_proof
    zalo_oa_api_base: str = "https://openapi.zalo.me"
    zalo_oauth_base: str = "https://oauth.zaloapp.com"
    zalo_graph_base: str = "https://graph.zalo.me"
    # Initial OA token pair (or `python -m cli zalo set-tokens`); the database copy wins once stored.
    zalo_access_token: str = ""
    zalo_refresh_token: str = ""
    zalo_webhook_max_age_seconds: int = 300
    zalo_token_refresh_margin_seconds: int = 300
    zalo_identity_cache_seconds: int = 300
    zalo_http_timeout_seconds: float = 10.0
    # Production footing. Several Rasa servers (comma-separated URLs): the API picks one
    # per sender (sticky) and fails over to the next when one is unreachable. Empty: rasa_url only.
    rasa_urls: str = ""
    # Redis for shared state (rate limits). Empty: in-memory, per process.
    redis_url: str = ""
    redis_prefix: str = "dvc"  # key prefix, to share one Redis between installs
    # Requests with a larger body are refused with 413 before they are parsed.
    max_body_bytes: int = 65536
    # Rate limits on POST /api/chat ("N/second|minute|hour"; several separated by ";"; empty: off).
    rate_limit_per_sender: str = "30/minute"
    rate_limit_per_ip: str = "120/minute"
    # Per sender (per API process): one message in flight; this many more wait, at most this long,
    # then 429 with Retry-After (never a queue that runs into the Rasa timeout).
    chat_sender_max_waiting: int = 3
    chat_sender_wait_seconds: float = 8.0
    # CORS: origins (comma-separated, or "*") allowed to call the chat, feedback and catalogue API
    # from a browser: province portals embedding the widget, Zalo's Mini App hosting.
    # Also read from WIDGET_ALLOWED_ORIGINS (its former name). E.g. "https://h5.zdn.vn,https://portal.gov.vn".
    cors_allowed_origins: str = Field(
        default="*", validation_alias=AliasChoices("cors_allowed_origins", "widget_allowed_origins")
    )
    # Interactive API docs (/docs, /redoc) load Swagger/ReDoc from a CDN: development only.
    api_docs: bool = False
    # Staff routes in /openapi.json (off in production: the public contract lists public routes only).
    openapi_include_staff: bool = False
    # Exchanges that could not be written (database down) wait here and are replayed automatically.
    spool_dir: Path = PROJECT_ROOT / "var" / "spool"
    # Retention (`python -m cli retention run`): days to keep; 0 keeps forever.
    retention_tracker_days: int = 90
    retention_exchanges_days: int = 365
    retention_unresolved_days: int = 365
    # SQLAlchemy URL of Rasa's tracker store; empty: sqlite file RASA_TRACKER_DB.
    rasa_tracker_url: str = ""
    rasa_tracker_db: str = ""
    # Staff console. Cookie "Secure" flag: auto (when the request is HTTPS) | true | false.
    staff_cookie_secure: str = "auto"
    staff_session_hours: float = 8.0
    staff_max_failed_logins: int = 5
    staff_failed_window_minutes: int = 15
    staff_lockout_minutes: int = 15
    # Login attempts ("N/minute"...; empty: off), per client address and over all addresses.
    staff_login_rate_per_ip: str = "20/minute"
    staff_login_rate_overall: str = "120/minute"
    # Reviewed examples are exported here (as Rasa YAML); training reads data/ plus this folder.
    staff_export_dir: Path = PROJECT_ROOT / "data" / "nlu" / "reviewed"
    # Candidate models, evaluation reports and training logs.
    staff_models_dir: Path = PROJECT_ROOT / "models" / "staff"
    staff_train_config: Path = PROJECT_ROOT / "config.yml"
    # >0: retrain with this many epochs instead of the config's (a small, fast config for trials/tests).
    staff_train_epochs: int = 0
    # The model Rasa serves before the console loads any (used as the first baseline).
    staff_baseline_model: Path = PROJECT_ROOT / "models" / "dvc.tar.gz"
    staff_rasa_python: Path = PROJECT_ROOT / ".venv-rasa" / "bin" / "python"
    # How long a training run's lease lasts without renewal (its thread renews it every third).
    staff_training_lease_seconds: float = 60.0


@lru_cache
def get_settings() -> Settings:
    return Settings()
