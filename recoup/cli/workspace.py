"""What every command needs: settings, the database, the policy, the clock."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import typer
from sqlalchemy import Engine

from recoup.clock import Clock, SystemClock
from recoup.ledger.db import make_engine, migrate
from recoup.policy import Policy, PolicyError, load_policy
from recoup.settings import Settings, load_settings


@dataclass
class Workspace:
    settings: Settings
    clock: Clock

    @cached_property
    def engine(self) -> Engine:
        url = self.settings.resolved_database_url
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = make_engine(url)
        migrate(engine)
        return engine

    @cached_property
    def policy(self) -> Policy:
        path = self.settings.policy_file
        if path is None and (self.settings.home / "policy.toml").exists():
            path = self.settings.home / "policy.toml"
        try:
            return load_policy(path)
        except PolicyError as exc:
            typer.secho(f"policy error: {exc}", fg=typer.colors.RED, err=True)
            raise typer.Exit(2) from exc


def open_workspace(config: Path | None = None) -> Workspace:
    return Workspace(settings=load_settings(config), clock=SystemClock())
