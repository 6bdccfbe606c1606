"""The webhook endpoints `recoup run` serves: POST /webhooks/quickbooks and /webhooks/xero.

A notification is verified against the provider's signature and its signed event
times checked against a window (a replay or stale retry beyond it is answered but
neither kept nor acted on), then kept once
(a ``WebhookReceipt`` keyed by the body's SHA-256: a replayed body is answered
but not kept again) and the sync loop is woken to fetch what it names. The
endpoint answers fast and does no fetching itself, as both providers ask.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, delete, select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from recoup.clock import Clock
from recoup.ledger.connectors.sync.provider import WebhookVerdict
from recoup.ledger.connectors.sync.tables import WebhookReceipt
from recoup.ledger.db import session as open_session

Verifier = Callable[[bytes, dict[str, str]], WebhookVerdict]
# Neither provider signs a delivery time, but both sign the body with its event times.
# QuickBooks retries a failed delivery for hours (10 s … then every 6 h) and holds the
# events after it until one is acknowledged; the sync's own polling reads whatever an
# event older than this names.
WINDOW = timedelta(hours=24)
FUTURE_SKEW = timedelta(minutes=5)


def outside_window(verdict: WebhookVerdict, now: datetime) -> str | None:
    """Why a notification's events are too old or too far ahead to act on, if they are."""
    if verdict.oldest is not None and now - verdict.oldest > WINDOW:
        return f"its events are older than {WINDOW}: a replay or a stale retry"
    if verdict.newest is not None and verdict.newest - now > FUTURE_SKEW:
        return "its events are dated in the future"
    return None


def keep(engine: Engine, source: str, body: bytes, verdict: WebhookVerdict, clock: Clock) -> bool:
    """True when the notification is new; a replay of one already kept is not kept again."""
    digest = hashlib.sha256(source.encode() + b"\0" + body).hexdigest()
    with open_session(engine) as session:
        # Receipts older than the window only answered replays, which the window now refuses.
        session.exec(
            delete(WebhookReceipt).where(
                col(WebhookReceipt.processed_at).is_not(None),
                col(WebhookReceipt.received_at) < clock.now() - WINDOW,
            )
        )
        if session.exec(select(WebhookReceipt.id).where(WebhookReceipt.digest == digest)).first():
            return False
        session.add(
            WebhookReceipt(
                source=source,
                digest=digest,
                received_at=clock.now(),
                changes=[c.dump() for c in verdict.changes],
                processed_at=clock.now() if not verdict.changes else None,
            )
        )
        try:
            session.commit()
        except IntegrityError:
            return False
    return True


def webhook_routes(
    engine: Engine,
    clock: Clock,
    verifiers: dict[str, Verifier],
    on_change: Callable[[str], object] | None = None,
) -> list[Route]:
    def endpoint(source: str, verifier: Verifier) -> Callable[[Request], object]:
        async def receive(request: Request) -> Response:
            body = await request.body()
            headers = {k.lower(): v for k, v in request.headers.items()}
            verdict = verifier(body, headers)
            if verdict.status != 200:
                return Response(status_code=verdict.status)
            if outside_window(verdict, clock.now()) is not None:
                # Answered so the provider does not hold its later events; not kept, nobody woken.
                return Response(status_code=200)
            fresh = await run_in_threadpool(keep, engine, source, body, verdict, clock)
            if fresh and verdict.changes and on_change is not None:
                on_change(source)
            return Response(status_code=200)

        return receive

    return [
        Route(f"/webhooks/{source}", endpoint(source, verifier), methods=["POST"])
        for source, verifier in verifiers.items()
    ]
