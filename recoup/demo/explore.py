"""Leaving the demo's ledger in a folder a person can open with the usual commands."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from recoup.demo.summary import DemoSummary
from recoup.ledger.db import MIGRATIONS_DIR, make_engine
from recoup.policy import write_policy

SETTINGS_FILE = "settings.toml"
DEMO_COMPANY = "Northwind Supply Co."


def keep_ledger(engine: Engine, database: Path, folder: Path, summary: DemoSummary) -> None:
    """Copy the demo's database into ``folder`` as a ledger recoup opens (migrations
    stamped), with a policy and settings that put the commands at the demo's end."""
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "recoup.db"
    for stale in (target, target.with_name("recoup.db-wal"), target.with_name("recoup.db-shm")):
        stale.unlink(missing_ok=True)
    shutil.copyfile(database, target)
    _stamp(f"sqlite:///{target}")
    if not (folder / "policy.toml").exists():
        write_policy(folder / "policy.toml", company=DEMO_COMPANY, sender=None)
    end = summary.end.replace(tzinfo=None).isoformat(timespec="seconds")
    (folder / SETTINGS_FILE).write_text(
        "# recoup's settings for the demo's ledger: the commands run at the demo's end.\n"
        f"home = {json.dumps(str(folder.resolve()))}\nnow = {end}\n",
        encoding="utf-8",
    )


def explore_lines(folder: Path, summary: DemoSummary) -> list[str]:
    settings = folder / SETTINGS_FILE
    first_case = summary.needs_you[0].ref if summary.needs_you else summary.accounts[0].ref
    return [
        "",
        f"The demo's ledger is in {folder}/ (as of {summary.end:%d %b %Y}). Explore it:",
        f"  recoup --config {settings} accounts",
        f"  recoup --config {settings} account {first_case}",
        f"  recoup --config {settings} approvals list",
        f"  recoup --config {settings} outbox",
        f"  recoup --config {settings} run    # then open http://127.0.0.1:8025/ "
        f"(login token in {folder}/approvals.token)",
    ]


def _stamp(url: str) -> None:
    """The demo's schema comes from the models; record it as the newest migration."""
    engine = make_engine(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.stamp(config, "head")
    finally:
        engine.dispose()
