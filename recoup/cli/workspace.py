"""What every command needs: settings, the database, the policy, the clock."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import Engine

from recoup.clock import Clock, FixedClock, SystemClock, as_utc
from recoup.errors import ConfigurationError
from recoup.ledger.opening import open_ledger
from recoup.policy import Policy, load_policy
from recoup.settings import Settings, load_settings


@dataclass
class Workspace:
    settings: Settings
    clock: Clock
    # Only `recoup init` creates a SQLite database: elsewhere a missing file is a
    # mistyped path, not a new empty ledger.
    create: bool = False

    @cached_property
    def engine(self) -> Engine:
        return open_ledger(self.settings.resolved_database_url, create=self.create)

    @cached_property
    def policy(self) -> Policy:
        path = self.settings.policy_file
        if path is None and (self.settings.home / "policy.toml").exists():
            path = self.settings.home / "policy.toml"
        return load_policy(path)


def open_workspace(config: Path | None = None, *, create: bool = False) -> Workspace:
    settings = read_settings(config)
    clock: Clock = SystemClock() if settings.now is None else FixedClock(as_utc(settings.now))
    return Workspace(settings=settings, clock=clock, create=create)


def read_settings(config: Path | None) -> Settings:
    """The settings, or a ``ConfigurationError`` naming the file or variable at fault."""
    try:
        return load_settings(config)
    except FileNotFoundError as exc:
        raise ConfigurationError(
            f"the settings file {exc.filename} does not exist",
            hint="check --config / RECOUP_CONFIG",
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"the settings file is not valid TOML: {exc}") from exc
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}" for error in exc.errors()
        )
        raise ConfigurationError(
            f"bad setting: {problems}", hint="fix the RECOUP_* variable or the --config file"
        ) from exc
