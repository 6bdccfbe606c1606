"""Invoice and statement PDFs: a valid PDF 1.4 structure with the right text inside."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlmodel import Session

from recoup.clock import FixedClock
from recoup.ledger.documents import invoice_pdf, pdf_string, statement_pdf, winansi
from recoup.ledger.models import Dispute, Payment, Promise, PromiseInvoice
from recoup.ledger.state import load_account
from tests.support import factory

COMPANY = "Northwind Supply Co."


def _check_structure(pdf: bytes) -> dict[int, bytes]:
    """Every xref offset points at its object; returns the objects by number."""
    assert pdf.startswith(b"%PDF-1.4\n")
    assert pdf.endswith(b"%%EOF\n")
    found = re.search(rb"startxref\n(\d+)\n%%EOF\n$", pdf)
    assert found is not None
    xref_at = int(found.group(1))
    assert pdf[xref_at:].startswith(b"xref\n0 ")
    header, _, rest = pdf[xref_at + 5 :].partition(b"\n")
    first, count = (int(part) for part in header.split())
    assert first == 0
    entries = [rest[i * 20 : (i + 1) * 20] for i in range(count)]
    assert entries[0] == b"0000000000 65535 f \n"
    trailer = rest[count * 20 :]
    assert trailer.startswith(b"trailer\n<< /Size " + str(count).encode())
    objects: dict[int, bytes] = {}
    for number, entry in enumerate(entries[1:], start=1):
        assert re.fullmatch(rb"\d{10} 00000 n \n", entry)
        offset = int(entry[:10])
        assert pdf[offset:].startswith(f"{number} 0 obj\n".encode())
        end = pdf.index(b"\nendobj\n", offset)
        objects[number] = pdf[offset + len(f"{number} 0 obj\n") : end]
    for body in objects.values():
        if b"stream\n" in body:
            length = int(re.search(rb"/Length (\d+)", body).group(1))  # type: ignore[union-attr]
            data = body.split(b"stream\n", 1)[1]
            assert data[length:] == b"\nendstream"
    kids = re.search(rb"/Kids \[([^\]]*)\] /Count (\d+)", objects[2])
    assert kids is not None
    pages = re.findall(rb"(\d+) 0 R", kids.group(1))
    assert len(pages) == int(kids.group(2))
    for page in pages:
        assert b"/Type /Page " in objects[int(page)]
    return objects


def _text(objects: dict[int, bytes]) -> list[str]:
    """The strings shown by the content streams, unescaped, page after page."""
    shown = []
    for body in objects.values():
        if b"stream\n" not in body:
            continue
        for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", body):
            raw = re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8)]), literal)
            raw = re.sub(rb"\\(.)", rb"\1", raw)
            shown.append(raw.decode("cp1252"))
    return shown


def test_an_invoice_is_a_valid_pdf_with_its_number_and_amounts(
    session: Session, clock: FixedClock
) -> None:
    owner = factory.customer(session, ref="ACME", name="Acme (Europe) Ltd")
    invoice = factory.invoice(session, owner, number="INV-4711", amount_cents=123_456,
                              open_cents=100_000, due=date(2026, 12, 1))  # fmt: skip
    invoice.po_number = "PO-99"
    invoice.description = "Widgets \\ gadgets (rush order)"
    objects = _check_structure(invoice_pdf(owner, invoice, company_name=COMPANY))
    text = _text(objects)
    assert COMPANY in text and "INVOICE" in text
    assert "INV-4711" in text
    assert "Acme (Europe) Ltd" in text
    assert "Widgets \\ gadgets (rush order)" in text
    assert text.count("$1,234.56") == 2  # the line and the total
    assert "-$234.56" in text  # paid and credited
    assert "$1,000.00" in text  # balance due
    assert "PO-99" in text and "2026-12-01" in text
    assert "PAID" not in text


def test_a_paid_invoice_says_so(session: Session, clock: FixedClock) -> None:
    owner = factory.customer(session)
    invoice = factory.invoice(session, owner, amount_cents=5_000, open_cents=0,
                              due=date(2026, 10, 1))  # fmt: skip
    invoice.status = "paid"
    text = _text(_check_structure(invoice_pdf(owner, invoice, company_name=COMPANY)))
    assert "PAID" in text and "$0.00" in text


def test_text_outside_winansi_is_replaced_sensibly() -> None:
    assert winansi("Łódź – 5 €") == "Lódz – 5 €".encode("cp1252")
    assert winansi("東京\tCo") == b"?? Co"
    assert pdf_string("a(b)c\\d") == b"(a\\(b\\)c\\\\d)"
    assert pdf_string("Zürich") == b"(Z\\374rich)"


def test_a_statement_lists_open_invoices_with_age_totals_and_aging(
    session: Session, clock: FixedClock
) -> None:
    today = clock.now().date()
    owner = factory.customer(session, ref="GLOBEX", name="Globex")
    late = factory.invoice(session, owner, number="S-1", amount_cents=50_000,
                           due=today - timedelta(days=45))  # fmt: skip
    soon = factory.invoice(session, owner, number="S-2", amount_cents=20_000,
                           due=today + timedelta(days=10))  # fmt: skip
    old = factory.invoice(session, owner, number="S-3", amount_cents=30_000, open_cents=12_500,
                          due=today - timedelta(days=100))  # fmt: skip
    paid = factory.invoice(session, owner, number="S-PAID", amount_cents=9_900, open_cents=0,
                           due=today - timedelta(days=5))  # fmt: skip
    paid.status = "paid"
    session.add(Dispute(customer_id=owner.id or 0, invoice_id=old.id or 0, amount_cents=12_500,
                        reason="price", opened_at=clock.now()))  # fmt: skip
    promise = Promise(customer_id=owner.id or 0, amount_cents=50_000,
                      promised_date=today + timedelta(days=4), created_at=clock.now())  # fmt: skip
    session.add(promise)
    session.add(Payment(customer_id=owner.id or 0, ref="PX", amount_cents=7_000,
                        unapplied_cents=2_500, received_on=today))  # fmt: skip
    session.flush()
    session.add(PromiseInvoice(promise_id=promise.id or 0, invoice_id=late.id or 0))
    session.flush()
    account = load_account(session, owner.id or 0, now=clock.now())
    text = _text(_check_structure(statement_pdf(account, now=clock.now(), company_name=COMPANY)))
    assert "STATEMENT OF ACCOUNT" in text and "Globex" in text
    assert f"Date: {today}" in text
    for number in ("S-1", "S-2", "S-3"):
        assert number in text
    assert "S-PAID" not in text
    assert "45" in text and "100" in text and "current" in text
    assert "disputed" in text
    assert f"promised {today + timedelta(days=4)}" in text
    assert "$825.00" in text  # total open: 500 + 200 + 125
    assert "$625.00" in text  # overdue: 500 + 125
    assert "-$25.00" in text and "$800.00" in text  # unapplied cash, net balance
    aging = text[text.index("Aging") + 1 :]
    labels = ["Current", "1–30", "31–60", "61–90", "90+"]
    assert aging[:5] == labels
    assert aging[5:10] == ["$200.00", "$0.00", "$500.00", "$0.00", "$125.00"]
    assert soon.open_cents == 20_000


def test_a_long_statement_flows_onto_more_pages(session: Session, clock: FixedClock) -> None:
    owner = factory.customer(session)
    for n in range(120):
        factory.invoice(session, owner, number=f"L-{n:03d}", amount_cents=1_000 + n,
                        due=clock.now().date() - timedelta(days=n))  # fmt: skip
    account = load_account(session, owner.id or 0, now=clock.now())
    objects = _check_structure(statement_pdf(account, now=clock.now(), company_name=COMPANY))
    count = int(re.search(rb"/Count (\d+)", objects[2]).group(1))  # type: ignore[union-attr]
    assert count >= 3
    text = _text(objects)
    assert all(f"L-{n:03d}" in text for n in range(120))
    assert f"Page {count} of {count}" in text
    assert text.count("Invoice") == count  # the table header repeats on every page
