"""The one typed configuration object, read from the environment once."""

from __future__ import annotations

from datetime import time
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="MOTCUA_", frozen=True, extra="ignore", validate_by_name=True
    )

    # When unset, an embedded SecantusDB is started on a free loopback port.
    mongodb_uri: str | None = Field(
        default=None, validation_alias=AliasChoices("MOTCUA_MONGODB_URI", "MONGODB_URI")
    )
    database: str = "motcua"
    data_dir: Path = Path("var")
    host: str = "127.0.0.1"
    port: int = 8000
    # Development mode serves GraphiQL; it defaults to on only for the embedded database.
    dev_mode: bool | None = None
    # Dossiers received at or after the cut-off count from the next working day;
    # appointments fall at closing time. Local time (Asia/Ho_Chi_Minh).
    afternoon_cutoff: time = time(15, 0)
    office_close: time = time(17, 0)
    # Authentication. Development signs HS256 tokens with a secret generated into the
    # data directory; production verifies RS256/ES256 tokens against an OIDC JWKS.
    jwks_url: str | None = None
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    # Hardening: limits applied before a GraphQL operation runs.
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 3000
    max_query_cost: int = 20_000
    max_operations_per_document: int = 5
    max_body_bytes: int = 2 * 1024 * 1024
    operation_timeout_seconds: float = 15.0
    # Token bucket per principal (or per client address when anonymous).
    rate_limit_per_minute: int = 600
    rate_limit_burst: int = 120
    public_lookups_per_minute: int = 10
    # WebSocket Origins allowed to connect; empty allows same-host and non-browser clients.
    allowed_origins: list[str] = Field(default_factory=list)
    # How many dossiers `motcua serve --seed-if-empty` (and so `make run`) generates.
    demo_dossiers: int = Field(default=300, ge=0)

    @property
    def embedded(self) -> bool:
        return self.mongodb_uri is None

    @property
    def development(self) -> bool:
        return self.embedded if self.dev_mode is None else self.dev_mode

    @property
    def db_path(self) -> Path:
        return self.data_dir / "db"

    @property
    def jwt_secret_file(self) -> Path:
        return self.data_dir / "jwt-secret"
