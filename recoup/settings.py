"""Configuration from the environment (RECOUP_*) and an optional TOML file.

Secrets are ``SecretStr``: they never print, and never reach a log line.
"""

from __future__ import annotations

import os
import tomllib
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_HOME = Path(".recoup")


class ModelSettings(BaseModel):
    """``offline`` (built in), ``openai:MODEL`` or ``replay:FILE``."""

    spec: str = "offline"
    base_url: str | None = None
    api_key: SecretStr | None = None
    # Azure OpenAI and some gateways take the key in their own header ("api-key")
    # and the API version as a query parameter ("api-version").
    api_key_header: str | None = None
    default_headers: dict[str, str] = Field(default_factory=dict)
    default_query: dict[str, str] = Field(default_factory=dict)
    timeout_s: float = 60.0
    max_retries: int = 4
    record_to: Path | None = None


class ImapSettings(BaseModel):
    host: str
    port: int = 993
    user: str
    password: SecretStr
    tls: bool = True
    folder: str = "INBOX"
    processed_folder: str | None = "Archive"
    quarantine_folder: str | None = None
    sent_folder: str | None = "Sent"
    idle_timeout_s: int = 600
    poll_interval_s: int = 60


class SmtpSettings(BaseModel):
    host: str
    port: int = 587
    user: str | None = None
    password: SecretStr | None = None
    tls: str = "starttls"


class MailSettings(BaseModel):
    from_address: str = "ar@recoup.example"
    from_name: str = "Accounts Receivable"
    imap: ImapSettings | None = None
    smtp: SmtpSettings | None = None
    maildir: Path | None = None
    # How long one delivery attempt owns a queued message; it must exceed one SMTP
    # transaction (the SMTP timeout is a third of it).
    send_lease_s: int = Field(default=300, ge=3)


class SlackSettings(BaseModel):
    bot_token: SecretStr | None = None
    signing_secret: SecretStr | None = None
    channel: str | None = None
    webhook_url: SecretStr | None = None
    api_base_url: str = "https://slack.com/api"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="RECOUP_", env_nested_delimiter="__", extra="ignore"
    )

    home: Path = DEFAULT_HOME
    database_url: str | None = None
    policy_file: Path | None = None
    model: ModelSettings = Field(default_factory=ModelSettings)
    mail: MailSettings = Field(default_factory=MailSettings)
    slack: SlackSettings = Field(default_factory=SlackSettings)
    concurrency: int = 8
    tick_interval_s: int = 60
    http_host: str = "127.0.0.1"
    http_port: int = 8025
    approvals_token: SecretStr | None = None
    # Run the commands as if it were this moment (UTC): to replay a day, or to give a
    # test or a demo a fixed present. Unset: the system clock.
    now: datetime | None = None

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'recoup.db'}"


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Environment first; a TOML config file (``--config`` or RECOUP_CONFIG) fills the rest."""
    path = config_file or (
        Path(os.environ["RECOUP_CONFIG"]) if "RECOUP_CONFIG" in os.environ else None
    )
    values: dict[str, Any] = {}
    if path is not None:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    values.update(overrides)
    env_settings = Settings()
    merged = {**values, **env_settings.model_dump(exclude_unset=True)}
    return Settings(**merged)
