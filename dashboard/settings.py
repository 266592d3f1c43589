"""Settings from environment variables (and an optional ``.env`` file), with documented defaults.

| variable | default | meaning |
|---|---|---|
| DATABASE_URL | sqlite:///<repo>/instance/situasjonsbilde.sqlite | dashboard store |
| TRACING_DATABASE_URL | sqlite:///<repo>/instance/tracing.sqlite | person-level tracing store |
| DATA_DIR | <repo>/instance | git-ignored folder for databases, geometry cache, outbox |
| GEO_CACHE_DIR | <DATA_DIR>/geo | simplified boundaries built by `situasjonsbilde geo` |
| CACHE_TYPE | SimpleCache | flask-caching backend (RedisCache in scale mode) |
| CACHE_REDIS_URL | (none) | Redis URL for RedisCache |
| CACHE_DEFAULT_TIMEOUT | 600 | seconds |
| CACHE_THRESHOLD | 5000 | entries the in-process SimpleCache keeps before it prunes |
| SHARED_CACHE | true | SimpleCache: responses and warm-up state in CACHE_DIR, for all workers |
| CACHE_DIR | <DATA_DIR>/cache | folder of the shared response cache (embedded default) |
| AUTH_MODE | demo | demo (ready-made users, /login/demo/<id>) or oidc |
| OIDC_SERVER_METADATA_URL | (none) | provider's .well-known/openid-configuration |
| OIDC_CLIENT_ID / OIDC_CLIENT_SECRET | (none) | client registered with the provider |
| OIDC_SCOPES | openid profile | scopes to ask for |
| OIDC_ROLE_MAPPING | see README | JSON: claims for roles/kommune/fylke, role mapping |
| SESSION_COOKIE_SECURE | true in oidc mode | send the session cookie over HTTPS only |
| SECRET_KEY | random per process | Flask session signing key; set it in production |
| DEMO_DATA | true | build synthetic demo data when the database is empty |
| DEMO_SCALE | small | small or full |
| DEMO_SEED | 42 | seed of the synthetic epidemic |
| HOST / PORT | 127.0.0.1 / 8050 | where `python app.py` listens |
| DEBUG | false | Dash debug mode |
| SMTP_HOST | (none) | mail server for alerts; unset: alerts go to the outbox only |
| SMTP_PORT / SMTP_STARTTLS | 587 / true | mail server port and STARTTLS |
| SMTP_USER / SMTP_PASSWORD | (none) | mail server login, when it needs one |
| SMTP_FROM | situasjonsbilde@localhost | sender address of alerts |
| PUBLIC_URL | http://127.0.0.1:8050 | the app's address, for links in alerts |
| WARMUP | true | compute every kommune's morning pages after each load (app.py, gunicorn) |
| WARMUP_ROLES | kommuneoverlege,ks_analytiker | the roles whose pages the warm-up computes |
| INCOMPLETE_DAYS | (derived) | incomplete last test dates (a store without registration dates) |
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = ROOT / "instance"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    data_dir: Path = DEFAULT_DATA_DIR
    geo_cache_dir: Path | None = None
    database_url: str = ""
    tracing_database_url: str = ""
    cache_type: Literal["SimpleCache", "RedisCache", "NullCache"] = "SimpleCache"
    cache_redis_url: str | None = None
    cache_default_timeout: int = 600
    # SimpleCache prunes a third of its entries above this; its default (500) is less than
    # one busy page's reads for a handful of kommuner and dates.
    cache_threshold: int = 5000
    # the embedded default's shared tier (dashboard/result_cache.py, TieredCache): the
    # gunicorn workers read one another's responses and one warm-up serves them all
    shared_cache: bool = True
    cache_dir: Path | None = None
    auth_mode: Literal["demo", "oidc"] = "demo"
    secret_key: SecretStr = Field(default_factory=lambda: SecretStr(secrets.token_hex(32)))
    oidc_server_metadata_url: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None
    oidc_scopes: str = "openid profile"
    oidc_role_mapping: str = '{"role_claim": "roles", "roles": {}}'
    session_cookie_secure: bool | None = None
    demo_data: bool = True
    demo_scale: Literal["tiny", "small", "full"] = "small"
    demo_seed: int = 42
    host: str = "127.0.0.1"
    port: int = 8050
    debug: bool = False
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_starttls: bool = True
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "situasjonsbilde@localhost"
    public_url: str = "http://127.0.0.1:8050"
    warmup: bool = True
    warmup_roles: str = "kommuneoverlege,ks_analytiker"
    # the incomplete last test dates, set instead of derived from the registration delays
    incomplete_days: int | None = None

    @field_validator("incomplete_days", mode="before")
    @classmethod
    def _unset_when_blank(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _default_urls(self) -> Settings:
        # The SQLite files default to the data directory, wherever that is set to.
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'situasjonsbilde.sqlite'}"
        if not self.tracing_database_url:
            self.tracing_database_url = f"sqlite:///{self.data_dir / 'tracing.sqlite'}"
        if self.session_cookie_secure is None:
            self.session_cookie_secure = self.auth_mode == "oidc"
        if self.geo_cache_dir is None:
            self.geo_cache_dir = self.data_dir / "geo"
        if self.cache_dir is None:
            self.cache_dir = self.data_dir / "cache"
        return self

    @property
    def geo_dir(self) -> Path:
        return self.geo_cache_dir or self.data_dir / "geo"

    @property
    def assets_dir(self) -> Path:
        return ROOT / "assets"


def load_settings(**overrides: object) -> Settings:
    """Defaults, then environment, then explicit overrides (tests)."""
    return Settings(**overrides)  # type: ignore[arg-type]
