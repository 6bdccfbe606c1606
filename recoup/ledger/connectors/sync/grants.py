"""OAuth 2.0 grants at rest, sealed, and refreshed one at a time across processes.

An access token is used until shortly before it expires; then one refresher
takes the grant's row lock (an UPDATE of the row: a row lock on PostgreSQL, the
write lock on SQLite), reads the grant again — another process may have just
refreshed it — and only if it still needs one, asks the provider. The new
tokens (Xero and QuickBooks may rotate the refresh token) are saved before the
lock is let go. A refused grant (``invalid_grant``) stops the source with an
escalation instead of retrying forever.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from recoup.clock import Clock, as_utc
from recoup.ledger.connectors.sync.http import TokenSource
from recoup.ledger.connectors.sync.secrets import TokenSealer
from recoup.ledger.connectors.sync.sources import stop_source
from recoup.ledger.connectors.sync.tables import OAuthGrant
from recoup.ledger.db import session as open_session

REFRESH_AHEAD = timedelta(minutes=5)


class GrantRevoked(Exception):
    """The provider refused the grant: a person has to connect the source again."""


class NotConnected(Exception):
    """No grant is stored for the source."""


@dataclass
class Tokens:
    access_token: str
    access_expires_at: datetime
    refresh_token: str | None = None
    refresh_expires_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def dumps(self) -> str:
        data = asdict(self)
        data["access_expires_at"] = self.access_expires_at.isoformat()
        data["refresh_expires_at"] = (
            self.refresh_expires_at.isoformat() if self.refresh_expires_at else None
        )
        return json.dumps(data)

    @classmethod
    def loads(cls, text: str) -> Tokens:
        data = json.loads(text)
        data["access_expires_at"] = datetime.fromisoformat(data["access_expires_at"])
        if data.get("refresh_expires_at"):
            data["refresh_expires_at"] = datetime.fromisoformat(data["refresh_expires_at"])
        return cls(**data)


Refresher = Callable[[Tokens], Awaitable[Tokens]]


def save_grant(
    session: Session, source: str, tokens: Tokens, sealer: TokenSealer, *, now: datetime
) -> None:
    row = session.exec(select(OAuthGrant).where(OAuthGrant.source == source)).first()
    if row is None:
        row = OAuthGrant(source=source, sealed="", access_expires_at=now, refreshed_at=now)
    row.sealed = sealer.seal(tokens.dumps())
    row.access_expires_at = tokens.access_expires_at
    row.refresh_expires_at = tokens.refresh_expires_at
    row.refreshed_at = now
    session.add(row)


class GrantStore(TokenSource):
    """Hands out a valid access token for one source."""

    def __init__(
        self,
        engine: Engine,
        source: str,
        sealer: TokenSealer,
        clock: Clock,
        refresher: Refresher,
        *,
        ahead: timedelta = REFRESH_AHEAD,
    ) -> None:
        self.engine = engine
        self.source = source
        self.sealer = sealer
        self.clock = clock
        self.refresher = refresher
        self.ahead = ahead
        self._lock: asyncio.Lock | None = None
        self._cached: Tokens | None = None

    def _read(self, session: Session) -> Tokens:
        row = session.exec(select(OAuthGrant).where(OAuthGrant.source == self.source)).first()
        if row is None:
            raise NotConnected(
                f"{self.source} is not connected: run `recoup connect {self.source}`"
            )
        return Tokens.loads(self.sealer.open(row.sealed))

    def _fresh(self, tokens: Tokens) -> bool:
        return as_utc(tokens.access_expires_at) - self.ahead > self.clock.now()

    def tokens(self) -> Tokens:
        with open_session(self.engine) as session:
            return self._read(session)

    async def access_token(self, *, stale: str | None = None) -> str:
        """A token that is not about to expire; ``stale`` is one the provider just refused."""
        cached = self._cached
        if cached is not None and self._fresh(cached) and cached.access_token != stale:
            return cached.access_token
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            tokens = await self._refresh_if_needed(stale)
        self._cached = tokens
        return tokens.access_token

    async def _refresh_if_needed(self, stale: str | None) -> Tokens:
        with open_session(self.engine) as session:
            tokens = self._read(session)
            if self._fresh(tokens) and tokens.access_token != stale:
                return tokens
            # The row lock: whoever holds it refreshes; the others wait, then read its result.
            session.exec(
                update(OAuthGrant)
                .where(col(OAuthGrant.source) == self.source)
                .values(refreshes=OAuthGrant.refreshes + 1)
            )
            row = session.exec(select(OAuthGrant).where(OAuthGrant.source == self.source)).one()
            session.refresh(row)
            tokens = Tokens.loads(self.sealer.open(row.sealed))
            if self._fresh(tokens) and tokens.access_token != stale:
                session.rollback()
                return tokens
            try:
                renewed = await self.refresher(tokens)
            except GrantRevoked as exc:
                session.rollback()
                self._stop(str(exc))
                raise
            except BaseException:
                session.rollback()
                raise
            save_grant(session, self.source, renewed, self.sealer, now=self.clock.now())
            session.commit()
            return renewed

    def _stop(self, reason: str) -> None:
        with open_session(self.engine) as session:
            stop_source(session, self.source, reason, now=self.clock.now())
            session.commit()
