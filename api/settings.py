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
