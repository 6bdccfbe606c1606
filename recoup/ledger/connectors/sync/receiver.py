"""The webhook endpoints `recoup run` serves: POST /webhooks/quickbooks and /webhooks/xero.

A notification is verified against the provider's signature, then kept once
(a ``WebhookReceipt`` keyed by the body's SHA-256: a replayed body is answered
but not kept again) and the sync loop is woken to fetch what it names. The
endpoint answers fast and does no fetching itself, as both providers ask.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from recoup.clock import Clock
from recoup.ledger.connectors.sync.provider import WebhookVerdict
from recoup.ledger.connectors.sync.tables import WebhookReceipt
from recoup.ledger.db import session as open_session

Verifier = Callable[[bytes, dict[str, str]], WebhookVerdict]


def keep(engine: Engine, source: str, body: bytes, verdict: WebhookVerdict, clock: Clock) -> bool:
    """True when the notification is new; a replay of one already kept is not kept again."""
    digest = hashlib.sha256(source.encode() + b"\0" + body).hexdigest()
    with open_session(engine) as session:
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
            fresh = await run_in_threadpool(keep, engine, source, body, verdict, clock)
            if fresh and verdict.changes and on_change is not None:
                on_change(source)
            return Response(status_code=200)

        return receive

    return [
        Route(f"/webhooks/{source}", endpoint(source, verifier), methods=["POST"])
        for source, verifier in verifiers.items()
    ]
