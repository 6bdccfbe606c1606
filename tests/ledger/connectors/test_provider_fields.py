"""What a provider documents a field for: QuickBooks payment terms read through the Term
entity; a promised date written to Xero's ExpectedPaymentDate."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlmodel import select

from recoup.clock import FixedClock
from recoup.ledger.connectors.sync.tables import WriteBack
from recoup.ledger.connectors.sync.writeback import deliver_due
from recoup.ledger.db import session as open_session
from recoup.ledger.models import Customer
from recoup.ledger.operations.actor import Actor
from recoup.ledger.operations.promises import log_promise
from recoup.ledger.state import load_account
from tests.ledger.connectors.fake_netsuite import FakeNetSuite
from tests.ledger.connectors.fake_quickbooks import FakeQuickBooks
from tests.ledger.connectors.fake_xero import FakeXero
from tests.ledger.connectors.harness import Harness, later, served

TODAY = date(2026, 11, 23)


class TestQuickBooksTerms:
    @pytest.fixture
    def fake(self, clock: FixedClock) -> Iterator[FakeQuickBooks]:
        with served(FakeQuickBooks(clock)) as source:
            yield source

    async def test_sales_term_ref_becomes_the_customers_terms(
        self, erp: Harness, fake: FakeQuickBooks
    ) -> None:
        fake.term("3", "Net 30", 30)
        fake.term("8", "Net 45", 45)
        fake.customer("24", "Sonnenschein Family Store", "ap@sonnenschein.example")
        fake.customer("58", "Red Rock Diner", "billing@redrock.example")
        fake.customer_terms("24", "8")
        fake.invoice("130", "24", "1037", "362.07", TODAY)
        await erp.sync()
        assert _terms(erp) == {"Sonnenschein Family Store": 45, "Red Rock Diner": 30}

        later(erp.clock)
        fake.customer_terms("58", "3")
        fake.term("3", "Net 30", 20)  # the company edited its Net 30 to mean 20 days
        later(erp.clock)
        await erp.sync()
        assert _terms(erp)["Red Rock Diner"] == 20


def _terms(erp: Harness) -> dict[str, int]:
    with open_session(erp.engine) as session:
        return {c.name: c.terms_days for c in session.exec(select(Customer))}


class TestXeroExpectedPaymentDate:
    @pytest.fixture
    def fake(self, clock: FixedClock) -> Iterator[FakeXero]:
        with served(FakeXero(clock)) as source:
            yield source

    async def test_a_promise_on_one_invoice_sets_its_expected_payment_date(
        self, erp: Harness, fake: FakeXero
    ) -> None:
        fake.customer("c-24", "Sonnenschein Family Store", "ap@sonnenschein.example")
        fake.invoice("i-130", "c-24", "1037", "362.07", TODAY - timedelta(days=20))
        fake.invoice("i-131", "c-24", "1038", "100.00", TODAY - timedelta(days=5))
        await erp.sync()
        promised = TODAY + timedelta(days=7)
        _promise(erp, promised, ["1037"])
        _promise(erp, promised, [])  # every open invoice: a note on the contact only

        report = await deliver_due(erp.engine, erp.connector(), clock=erp.clock)
        assert report.delivered == 2 and report.failed == 0
        invoice = fake.objects["Invoices"]["i-130"]
        assert invoice["ExpectedPaymentDate"] == promised.isoformat()
        assert "ExpectedPaymentDate" not in fake.objects["Invoices"]["i-131"]
        assert len(fake.updates) == 1 and any(
            "promise" in n.lower() for n in fake.note_texts("i-130")
        )
        assert fake.note_texts("c-24")  # the two-invoice promise went on the contact

        again = await deliver_due(erp.engine, erp.connector(), clock=erp.clock)
        assert again.delivered == 0 and len(fake.updates) == 1


class TestOtherProvidersNoteThePromise:
    @pytest.fixture
    def fake(self, clock: FixedClock) -> Iterator[FakeNetSuite]:
        with served(FakeNetSuite(clock)) as source:
            yield source

    async def test_a_promise_on_one_invoice_is_a_note_on_that_invoice(
        self, erp: Harness, fake: FakeNetSuite
    ) -> None:
        fake.customer("24", "Sonnenschein Family Store", "ap@sonnenschein.example")
        fake.invoice("130", "24", "1037", "362.07", TODAY - timedelta(days=20))
        await erp.sync()
        _promise(erp, TODAY + timedelta(days=7), ["1037"])
        with open_session(erp.engine) as session:
            queued = session.exec(select(WriteBack)).one()
        assert (queued.target_kind, queued.target_id) == ("invoice", "130")
        assert queued.fields == {"promised_on": (TODAY + timedelta(days=7)).isoformat()}
        assert (await deliver_due(erp.engine, erp.connector(), clock=erp.clock)).delivered == 1
        assert any((TODAY + timedelta(days=7)).isoformat() in n for n in fake.note_texts("130"))


def _promise(erp: Harness, promised: date, numbers: list[str]) -> None:
    with open_session(erp.engine) as session:
        owner = session.exec(select(Customer)).one()
        account = load_account(session, owner.id or 0, now=erp.clock.now())
        log_promise(
            session,
            account,
            now=erp.clock.now(),
            actor=Actor("agent"),
            policy=erp.policy,
            promised_date=promised,
            invoice_numbers=numbers,
        )
        session.commit()
