"""Invoice and statement PDFs: readable by a PDF library, with the right text in any script."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlmodel import Session

from recoup.clock import FixedClock
from recoup.errors import PolicyError
from recoup.ledger.documents import Letterhead, invoice_pdf, statement_pdf
from recoup.ledger.models import Dispute, Payment, Promise, PromiseInvoice
from recoup.ledger.state import load_account
from tests.support import factory

COMPANY = "Northwind Supply Co."
LETTERHEAD = Letterhead(COMPANY)


def _check_structure(pdf: bytes) -> PdfReader:
    """A PDF that a PDF library reads, with its pages."""
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 1
    return reader


def _text(reader: PdfReader) -> list[str]:
    """The strings shown on the pages, one per text-showing operation, page after page."""
    shown: list[str] = []

    def collect(text: str, *_args: object) -> None:
        if text.strip():
            shown.append(text.strip())

    for page in reader.pages:
        page.extract_text(visitor_text=collect)
    return shown


def test_an_invoice_is_a_valid_pdf_with_its_number_and_amounts(
    session: Session, clock: FixedClock
) -> None:
    owner = factory.customer(session, ref="ACME", name="Acme (Europe) Ltd")
    invoice = factory.invoice(session, owner, number="INV-4711", amount_cents=123_456,
                              open_cents=100_000, due=date(2026, 12, 1))  # fmt: skip
    invoice.po_number = "PO-99"
    invoice.description = "Widgets \\ gadgets (rush order)"
    text = _text(_check_structure(invoice_pdf(owner, invoice, letterhead=LETTERHEAD)))
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
    text = _text(_check_structure(invoice_pdf(owner, invoice, letterhead=LETTERHEAD)))
    assert "PAID" in text and "$0.00" in text


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
    text = _text(_check_structure(statement_pdf(account, now=clock.now(), letterhead=LETTERHEAD)))
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
    reader = _check_structure(statement_pdf(account, now=clock.now(), letterhead=LETTERHEAD))
    count = len(reader.pages)
    assert count >= 3
    text = _text(reader)
    assert all(f"L-{n:03d}" in text for n in range(120))
    assert f"Page {count} of {count}" in text
    assert text.count("Invoice") == count  # the table header repeats on every page


NAMES = {
    "PL": "Zakład Łódź–Gdańsk Sp. z o.o. (Źródło, Żółć, Ćma, Ńę)",
    "RU": "ООО «Северная Звезда» — Щёлково",
    "GR": "Ελληνική Εταιρεία Εμπορίου Α.Ε. (Θεσσαλονίκη)",
}


@pytest.mark.parametrize("ref", sorted(NAMES))
def test_a_customer_named_in_their_own_script_reads_back_exactly(
    session: Session, clock: FixedClock, ref: str
) -> None:
    owner = factory.customer(session, ref=ref, name=NAMES[ref])
    invoice = factory.invoice(session, owner, number=f"{ref}-1", amount_cents=10_000,
                              due=clock.now().date() - timedelta(days=3))  # fmt: skip
    invoice.description = NAMES[ref]
    letterhead = Letterhead("Dostawca Świętokrzyski Sp. z o.o.", ("ul. Żelazna 5", "Kraków"))
    copy = _text(_check_structure(invoice_pdf(owner, invoice, letterhead=letterhead)))
    account = load_account(session, owner.id or 0, now=clock.now())
    statement = _check_structure(statement_pdf(account, now=clock.now(), letterhead=letterhead))
    for text in (copy, _text(statement)):
        assert NAMES[ref] in text
        assert "Dostawca Świętokrzyski Sp. z o.o." in text
        assert "ul. Żelazna 5" in text and "Kraków" in text
        assert "?" not in "".join(text)
    assert NAMES[ref] in statement.pages[0].extract_text()  # the footer names them too


def _cjk_font(path: Path) -> Path:
    """A tiny TrueType font with two CJK glyphs (empty boxes), enough to embed."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    def box() -> object:
        pen = TTGlyphPen(None)
        pen.moveTo((50, 0))
        pen.lineTo((50, 700))
        pen.lineTo((950, 700))
        pen.lineTo((950, 0))
        pen.closePath()
        return pen.glyph()

    names = [".notdef", "uni6771", "uni4EAC"]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({0x6771: "uni6771", 0x4EAC: "uni4EAC"})
    builder.setupGlyf({name: box() for name in names})
    builder.setupHorizontalMetrics({name: (1000, 50) for name in names})
    builder.setupHorizontalHeader(ascent=880, descent=-120)
    builder.setupNameTable({"familyName": "TestCJK", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=880, usWinAscent=880, usWinDescent=120)
    builder.setupPost()
    builder.save(str(path))
    return path


def test_cjk_text_needs_the_configured_font(
    session: Session, clock: FixedClock, tmp_path: Path
) -> None:
    owner = factory.customer(session, ref="TOKYO", name="東京 Trading")
    invoice = factory.invoice(session, owner, number="JP-1", due=clock.now().date())
    without = _text(_check_structure(invoice_pdf(owner, invoice, letterhead=LETTERHEAD)))
    assert "?? Trading" in without  # no font has the glyphs: marked, not silently dropped
    letterhead = Letterhead(COMPANY, cjk_font=_cjk_font(tmp_path / "cjk.ttf"))
    reader = _check_structure(invoice_pdf(owner, invoice, letterhead=letterhead))
    assert "東京 Trading" in reader.pages[0].extract_text()


def test_the_letterhead_comes_from_the_policy_with_its_logo(
    session: Session, clock: FixedClock, tmp_path: Path
) -> None:
    from PIL import Image

    from recoup.policy import load_policy

    Image.new("RGB", (120, 40), (200, 30, 30)).save(tmp_path / "logo.png")
    policy_file = tmp_path / "policy.toml"
    policy_file.write_text(
        'company_name = "Αθηναϊκή Εμπορική"\n[documents]\n'
        'company_address = ["Οδός Ερμού 12", "105 63 Αθήνα"]\nlogo = "logo.png"\n',
        encoding="utf-8",
    )
    letterhead = Letterhead.from_policy(load_policy(policy_file))
    assert letterhead.logo == tmp_path / "logo.png"
    owner = factory.customer(session)
    invoice = factory.invoice(session, owner, due=clock.now().date())
    reader = _check_structure(invoice_pdf(owner, invoice, letterhead=letterhead))
    text = _text(reader)
    assert "Αθηναϊκή Εμπορική" in text
    assert "Οδός Ερμού 12" in text and "105 63 Αθήνα" in text
    assert len(reader.pages[0].images) == 1

    policy_file.write_text('[documents]\nlogo = "missing.png"\n', encoding="utf-8")
    with pytest.raises(PolicyError, match=r"documents\.logo: no such file: .*missing\.png"):
        load_policy(policy_file)
