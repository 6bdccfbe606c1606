"""How recoup reaches QuickBooks Online, Xero and NetSuite.

From the environment (``RECOUP_ERP_QUICKBOOKS__CLIENT_ID`` …) and the
``[erp]`` table of the TOML config file. Secrets are ``SecretStr``.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_REDIRECT = "http://localhost:8765/callback"


class QuickBooksSettings(BaseModel):
    client_id: str
    client_secret: SecretStr
    webhook_verifier: SecretStr | None = None
    sandbox: bool = False
    redirect_uri: str = DEFAULT_REDIRECT
    minor_version: int = 75


class XeroSettings(BaseModel):
    client_id: str
    client_secret: SecretStr
    webhook_key: SecretStr | None = None
    redirect_uri: str = DEFAULT_REDIRECT
    scopes: str = "openid profile email offline_access accounting.transactions accounting.contacts"


class NetSuiteSettings(BaseModel):
    account_id: str
    client_id: str
    certificate_id: str
    private_key_file: Path
    scopes: str = "rest_webservices"
    concurrency: int = Field(default=5, ge=1)


class ErpSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="RECOUP_ERP_", env_nested_delimiter="__", extra="ignore"
    )

    quickbooks: QuickBooksSettings | None = None
    xero: XeroSettings | None = None
    netsuite: NetSuiteSettings | None = None
    # The key that seals OAuth tokens: RECOUP_ERP_TOKEN_KEY, else a 0600 file.
    token_key: SecretStr | None = None
    token_key_file: Path | None = None
    sync_interval_s: int = Field(default=300, ge=5)
    writeback_interval_s: int = Field(default=30, ge=1)

    def configured(self) -> list[str]:
        return [name for name in ("quickbooks", "xero", "netsuite") if getattr(self, name)]


def load_erp_settings(config_file: Path | None = None) -> ErpSettings:
    path = config_file or (
        Path(os.environ["RECOUP_CONFIG"]) if "RECOUP_CONFIG" in os.environ else None
    )
    values: dict[str, Any] = {}
    if path is not None and path.exists():
        values = tomllib.loads(path.read_text(encoding="utf-8")).get("erp", {})
    from_env = ErpSettings().model_dump(exclude_unset=True)
    return ErpSettings(**{**values, **from_env})
