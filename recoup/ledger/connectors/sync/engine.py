"""One sync pass of one source: pages from its cursor, then its webhook changes.

Each page is completed first (customers and invoices it refers to but the
ledger lacks are fetched; after the initial load, the invoices a payment or
credit touches are read again, since their balances are the source's), then
applied and committed together with the page's cursor. A crash before that
commit leaves the old cursor, so the page is read again and, being upserted
by source id, lands once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from recoup.clock import Clock
from recoup.ledger.connectors.sync.apply import PageReport, apply_page, linked_ids
from recoup.ledger.connectors.sync.grants import GrantRevoked, NotConnected
from recoup.ledger.connectors.sync.provider import Change, SourceConnector
from recoup.ledger.connectors.sync.records import Deletion, Kind, SourcePage
from recoup.ledger.connectors.sync.sources import get_source, load_cursor, save_cursor
from recoup.ledger.connectors.sync.tables import SourceLink, SourceStatus, WebhookReceipt
from recoup.ledger.db import session as open_session
from recoup.ledger.models import PaymentAllocation
from recoup.policy import Policy

RECEIPT_BATCH = 200


@dataclass
class SyncReport:
    source: str
    pages: int = 0
    records: int = 0
    webhooks: int = 0
    applied: PageReport = field(default_factory=PageReport)
    error: str | None = None
    stopped: bool = False

    def summary(self) -> str:
        if self.stopped:
            return f"{self.source}: stopped — {self.error}"
        a = self.applied
        line = (
            f"{self.source}: {self.records} records in {self.pages} pages; {a.created} new, "
            f"{a.updated} updated, {a.unchanged} unchanged, {a.removed} removed; "
            f"{a.events} events, {a.conflicts} conflicts"
        )
        if self.webhooks:
            line += f"; {self.webhooks} webhook notifications"
        if self.error:
            line += f"; error: {self.error}"
        return line


class SyncEngine:
    def __init__(
        self, engine: Engine, connector: SourceConnector, *, clock: Clock, policy: Policy
    ) -> None:
        self.engine = engine
        self.connector = connector
        self.clock = clock
        self.policy = policy

    async def run(
        self, *, full: bool = False, on_page: Callable[[SyncReport], None] | None = None
    ) -> SyncReport:
        name = self.connector.name
        report = SyncReport(name)
        with open_session(self.engine) as session:
            source = get_source(session, name)
            if source is None:
                raise NotConnected(f"{name} is not connected: run `recoup connect {name}`")
            if source.status == SourceStatus.STOPPED.value:
                report.stopped, report.error = True, source.last_error
                return report
            cursor = None if full else load_cursor(session, name)
        try:
            async for page in self.connector.pages(cursor):
                await self.complete(page)
                applied = await asyncio.to_thread(self._commit, page, [])
                report.pages += 1
                report.records += len(page)
                report.applied.add(applied)
                if on_page is not None:
                    on_page(report)
            await self._webhook_changes(report)
        except GrantRevoked as exc:
            report.stopped, report.error = True, str(exc)
            return report
        except Exception as exc:
            report.error = f"{type(exc).__name__}: {exc}"[:1000]
            self._finish(report)
            raise
        self._finish(report)
        return report

    def _finish(self, report: SyncReport) -> None:
        with open_session(self.engine) as session:
            source = get_source(session, self.connector.name)
            if source is None:
                return
            now = self.clock.now()
            source.last_sync_at = now
            source.last_error = report.error
            if report.error is None:
                source.last_success_at = now
            session.commit()

    # --- completing a page --------------------------------------------------------

    async def complete(self, page: SourcePage) -> None:
        """Fetch what ``page`` refers to and the ledger lacks (or must re-read)."""
        with open_session(self.engine) as session:
            invoice_ids = self._invoices_to_read(session, page)
        if invoice_ids:
            page.extend(await self.connector.fetch(Kind.INVOICE, sorted(invoice_ids)))
        with open_session(self.engine) as session:
            named = {r.customer_id for r in page.invoices}
            named |= {r.customer_id for r in page.payments}
            named |= {r.customer_id for r in page.credit_memos}
            named -= {c.id for c in page.customers}
            missing = named - linked_ids(session, self.connector.name, Kind.CUSTOMER, named)
        if missing:
            extra = await self.connector.fetch(Kind.CUSTOMER, sorted(missing))
            page.customers = extra.customers + page.customers

    def _invoices_to_read(self, session: Session, page: SourcePage) -> set[str]:
        in_page = {i.id for i in page.invoices}
        named = {a.invoice_id for p in page.payments for a in p.allocations}
        named |= {a.invoice_id for m in page.credit_memos for a in m.allocations}
        named -= in_page
        if page.initial:
            return named - linked_ids(session, self.connector.name, Kind.INVOICE, named)
        removed = [d.id for d in page.deletions if d.kind is Kind.PAYMENT]
        if removed:
            named |= self._invoices_of_payments(session, removed) - in_page
        return named

    def _invoices_of_payments(self, session: Session, payment_ids: list[str]) -> set[str]:
        name = self.connector.name
        payments = session.exec(
            select(SourceLink.local_id).where(
                SourceLink.source == name,
                SourceLink.kind == Kind.PAYMENT.value,
                col(SourceLink.external_id).in_(payment_ids),
            )
        ).all()
        if not payments:
            return set()
        invoice_rows = session.exec(
            select(PaymentAllocation.invoice_id).where(
                col(PaymentAllocation.payment_id).in_(payments)
            )
        ).all()
        return set(
            session.exec(
                select(SourceLink.external_id).where(
                    SourceLink.source == name,
                    SourceLink.kind == Kind.INVOICE.value,
                    col(SourceLink.local_id).in_(set(invoice_rows) or {0}),
                )
            ).all()
        )

    # --- committing ---------------------------------------------------------------

    def _commit(self, page: SourcePage, receipt_ids: list[int]) -> PageReport:
        now = self.clock.now()
        with open_session(self.engine) as session:
            applied = apply_page(
                session,
                page,
                source=self.connector.name,
                prefix=self.connector.prefix,
                now=now,
                policy=self.policy,
            )
            self.checkpoint(session, page, receipt_ids)
            source = get_source(session, self.connector.name)
            if source is not None:
                source.records_synced += len(page)
            session.commit()
        return applied

    def checkpoint(self, session: Session, page: SourcePage, receipt_ids: list[int]) -> None:
        """The page's cursor and the webhook receipts it covers, in the page's transaction."""
        now = self.clock.now()
        if page.cursor is not None:
            save_cursor(session, self.connector.name, page.cursor, now=now)
        for receipt_id in receipt_ids:
            receipt = session.get(WebhookReceipt, receipt_id)
            if receipt is not None:
                receipt.processed_at = now

    # --- webhook changes ------------------------------------------------------------

    async def _webhook_changes(self, report: SyncReport) -> None:
        while True:
            with open_session(self.engine) as session:
                receipts = list(
                    session.exec(
                        select(WebhookReceipt)
                        .where(
                            WebhookReceipt.source == self.connector.name,
                            col(WebhookReceipt.processed_at).is_(None),
                        )
                        .order_by(col(WebhookReceipt.id))
                        .limit(RECEIPT_BATCH)
                    )
                )
            if not receipts:
                return
            changes = [Change.load(c) for r in receipts for c in r.changes]
            page = await self.fetch_changes(changes)
            await self.complete(page)
            applied = await asyncio.to_thread(self._commit, page, [r.id or 0 for r in receipts])
            report.webhooks += len(receipts)
            report.records += len(page)
            report.applied.add(applied)

    async def fetch_changes(self, changes: list[Change]) -> SourcePage:
        page = SourcePage()
        by_kind: dict[Kind, set[str]] = {}
        for change in changes:
            if change.deleted:
                page.deletions.append(Deletion(change.kind, change.id))
            else:
                by_kind.setdefault(change.kind, set()).add(change.id)
        for kind in (Kind.CUSTOMER, Kind.INVOICE, Kind.CREDIT_MEMO, Kind.PAYMENT):
            if by_kind.get(kind):
                page.extend(await self.connector.fetch(kind, sorted(by_kind[kind])))
        return page
