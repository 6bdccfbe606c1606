"""Invoice copies and statements of account, as PDF files.

Text lines on US Letter pages, drawn with fpdf2 in DejaVu Sans (embedded and
subset: Latin, Greek and Cyrillic), falling back to the policy's CJK font when
one is configured; a character no font has shows as ``?``. The letterhead
(company name, address lines, logo) comes from the policy. Long statements
flow onto further pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import TTFFont

from recoup.ledger.kpis import AGING_BANDS, aging_band
from recoup.ledger.models import Customer, Invoice, InvoiceStatus
from recoup.ledger.state import Account
from recoup.money import format_money
from recoup.policy import Policy

PAGE_WIDTH = 612.0
PAGE_HEIGHT = 792.0
MARGIN = 54.0
RIGHT = PAGE_WIDTH - MARGIN
FOOTER_SPACE = 36.0
PRODUCER = "recoup"

FONTS = Path(__file__).parent / "fonts"
REGULAR_FONT = FONTS / "DejaVuSans.ttf"
BOLD_FONT = FONTS / "DejaVuSans-Bold.ttf"
LOGO_HEIGHT = 40.0
MISSING = "?"


@dataclass(frozen=True)
class Letterhead:
    """Who the documents come from: the company's name, address lines and logo, and the
    font for Chinese, Japanese or Korean text (paths already resolved)."""

    company_name: str
    address: tuple[str, ...] = ()
    logo: Path | None = None
    cjk_font: Path | None = None

    @classmethod
    def from_policy(cls, policy: Policy) -> Letterhead:
        documents = policy.documents
        return cls(
            company_name=policy.company_name,
            address=tuple(line for line in documents.company_address if line.strip()),
            logo=Path(documents.logo) if documents.logo else None,
            cjk_font=Path(documents.cjk_font) if documents.cjk_font else None,
        )


@dataclass(frozen=True)
class _Text:
    x: float
    y: float
    text: str
    size: float
    bold: bool


@dataclass(frozen=True)
class _Rule:
    y: float


@dataclass(frozen=True)
class _Logo:
    path: Path
    top: float


@dataclass(frozen=True)
class Cell:
    """Text at ``x``; ``right`` aligns its end at ``x`` (amounts)."""

    x: float
    text: str
    bold: bool = False
    right: bool = False


class _Canvas:
    """The PDF being drawn: the embedded fonts, and which of them draws each character."""

    def __init__(self, letterhead: Letterhead, title: str) -> None:
        pdf = FPDF(unit="pt", format="letter")
        pdf.set_auto_page_break(False)
        pdf.set_creator(PRODUCER)
        pdf.set_producer(PRODUCER)
        pdf.set_title(title)
        pdf.set_author(letterhead.company_name)
        pdf.add_font("body", "", REGULAR_FONT)
        pdf.add_font("body", "B", BOLD_FONT)
        self.pdf = pdf
        self._body = _characters(pdf, "body") & _characters(pdf, "bodyB")
        self._cjk: set[int] = set()
        if letterhead.cjk_font is not None:
            pdf.add_font("cjk", "", letterhead.cjk_font)
            self._cjk = _characters(pdf, "cjk") - self._body

    def showable(self, text: str) -> str:
        """``text`` on one line, with ``?`` for what no embedded font can draw."""
        flat = " ".join(text.split()) if any(c in text for c in "\r\n\t") else text
        known = self._body | self._cjk
        return "".join(c if ord(c) in known or c == " " else MISSING for c in flat)

    def runs(self, text: str, bold: bool) -> list[tuple[str, str, str]]:
        """``text`` cut where the font changes: (family, style, piece) each."""
        pieces: list[tuple[str, str, str]] = []
        for char in text:
            family, style = ("cjk", "") if ord(char) in self._cjk else ("body", "B" * bold)
            if pieces and pieces[-1][:2] == (family, style):
                pieces[-1] = (family, style, pieces[-1][2] + char)
            else:
                pieces.append((family, style, char))
        return pieces

    def width(self, text: str, size: float, bold: bool) -> float:
        total = 0.0
        for family, style, piece in self.runs(text, bold):
            self.pdf.set_font(family, style, size)
            total += float(self.pdf.get_string_width(piece))
        return total

    def draw(self, item: _Text) -> None:
        x = item.x
        for family, style, piece in self.runs(item.text, item.bold):
            self.pdf.set_font(family, style, item.size)
            self.pdf.text(x, PAGE_HEIGHT - item.y, piece)
            x += float(self.pdf.get_string_width(piece))


def _characters(pdf: FPDF, key: str) -> set[int]:
    font = pdf.fonts[key]
    if not isinstance(font, TTFFont):
        return set()
    return {code for code, glyph in font.cmap.items() if glyph}


@dataclass
class _Pages:
    """Lays lines from the top of the page down, starting pages as needed."""

    canvas: _Canvas
    repeat: list[Cell] = field(default_factory=list)
    pages: list[list[_Text | _Rule | _Logo]] = field(default_factory=lambda: [[]])
    y: float = PAGE_HEIGHT - MARGIN

    def line(self, *cells: Cell, size: float = 10.0) -> None:
        leading = size * 1.45
        if self.y - leading < MARGIN + FOOTER_SPACE:
            self.pages.append([])
            self.y = PAGE_HEIGHT - MARGIN
            if self.repeat:
                self.line(*self.repeat, size=9.0)
        self.y -= leading
        for cell in cells:
            text = self.canvas.showable(cell.text)
            width = self.canvas.width(text, size, cell.bold) if cell.right else 0.0
            self.pages[-1].append(_Text(cell.x - width, self.y, text, size, cell.bold))

    def space(self, points: float = 8.0) -> None:
        self.y -= points

    def rule(self) -> None:
        self.space(6)
        self.pages[-1].append(_Rule(self.y))
        self.space(2)

    def letterhead(self, letterhead: Letterhead, title: str, size: float) -> None:
        """The logo, the company's name with the document's title, the address lines."""
        if letterhead.logo is not None:
            self.pages[-1].append(_Logo(letterhead.logo, self.y))
            self.space(LOGO_HEIGHT + 6)
        self.line(
            Cell(MARGIN, letterhead.company_name, bold=True),
            Cell(RIGHT, title, bold=True, right=True),
            size=size,
        )
        for address_line in letterhead.address:
            self.line(Cell(MARGIN, address_line), size=9)


def invoice_pdf(customer: Customer, invoice: Invoice, *, letterhead: Letterhead) -> bytes:
    """A copy of one invoice: who owes what, by when, and what is still open."""
    money = _money(invoice.currency)
    doc = _Pages(_Canvas(letterhead, f"Invoice {invoice.number}"))
    doc.letterhead(letterhead, "INVOICE", size=18)
    doc.space(10)
    details = [
        ("Invoice number", invoice.number),
        ("Issue date", invoice.issue_date.isoformat()),
        ("Due date", invoice.due_date.isoformat()),
        ("Terms", f"Net {(invoice.due_date - invoice.issue_date).days} days"),
        ("Currency", invoice.currency),
    ]
    if invoice.po_number:
        details.append(("PO number", invoice.po_number))
    bill_to = ["Bill to", customer.name, f"Customer ref {customer.ref}"]
    for index in range(max(len(details), len(bill_to))):
        cells = []
        if index < len(bill_to):
            cells.append(Cell(MARGIN, bill_to[index], bold=index == 0))
        if index < len(details):
            label, value = details[index]
            cells += [Cell(340, f"{label}:"), Cell(RIGHT, value, right=True)]
        doc.line(*cells)
    doc.space(18)
    doc.line(Cell(MARGIN, "Description", bold=True), Cell(RIGHT, "Amount", True, True))
    doc.rule()
    doc.line(
        Cell(MARGIN, invoice.description or "Goods and services"),
        Cell(RIGHT, money(invoice.amount_cents), right=True),
    )
    doc.rule()
    settled = invoice.amount_cents - invoice.open_cents
    doc.line(Cell(340, "Invoice total"), Cell(RIGHT, money(invoice.amount_cents), right=True))
    doc.line(Cell(340, "Paid and credited"), Cell(RIGHT, money(-settled), right=True))
    balance = 0 if invoice.status == InvoiceStatus.VOID.value else invoice.open_cents
    doc.line(
        Cell(340, "Balance due", bold=True),
        Cell(RIGHT, money(balance), bold=True, right=True),
        size=12,
    )
    if invoice.status != InvoiceStatus.OPEN.value:
        doc.space(6)
        doc.line(Cell(MARGIN, invoice.status.upper(), bold=True), size=14)
    doc.space(18)
    doc.line(Cell(MARGIN, f"Please quote invoice {invoice.number} with your payment."))
    return _render(doc, footer=letterhead.company_name)


_STATEMENT_COLUMNS = [
    Cell(MARGIN, "Invoice", bold=True),
    Cell(150, "Issued", bold=True),
    Cell(215, "Due", bold=True),
    Cell(330, "Days past due", bold=True, right=True),
    Cell(410, "Amount", bold=True, right=True),
    Cell(485, "Open", bold=True, right=True),
    Cell(495, "Note", bold=True),
]


def statement_pdf(account: Account, *, now: datetime, letterhead: Letterhead) -> bytes:
    """A statement of account: every open invoice with its age, the totals and the aging."""
    today = now.date()
    customer = account.customer
    money = _money(customer.currency)
    disputed = account.disputed_invoice_ids()
    promised = _promised_dates(account)
    doc = _Pages(
        _Canvas(letterhead, f"Statement {customer.ref} {today}"), repeat=list(_STATEMENT_COLUMNS)
    )
    doc.letterhead(letterhead, "STATEMENT OF ACCOUNT", size=16)
    doc.space(8)
    doc.line(Cell(MARGIN, customer.name, bold=True), Cell(RIGHT, f"Date: {today}", right=True))
    doc.line(
        Cell(MARGIN, f"Customer ref {customer.ref}"),
        Cell(RIGHT, f"Terms: net {customer.terms_days} days", right=True),
    )
    doc.space(14)
    doc.line(*_STATEMENT_COLUMNS, size=9)
    doc.rule()
    open_invoices = account.open_invoices
    totals = {band.key: 0 for band in AGING_BANDS}
    for invoice in open_invoices:
        days = account.days_past_due(invoice, today)
        totals[aging_band(days).key] += invoice.open_cents
        note = "disputed" if invoice.id in disputed else ""
        if not note and invoice.id in promised:
            note = f"promised {promised[invoice.id]}"
        doc.line(
            Cell(MARGIN, invoice.number),
            Cell(150, invoice.issue_date.isoformat()),
            Cell(215, invoice.due_date.isoformat()),
            Cell(330, str(days) if days > 0 else "current", right=True),
            Cell(410, money(invoice.amount_cents), right=True),
            Cell(485, money(invoice.open_cents), right=True),
            Cell(495, note),
            size=9,
        )
    if not open_invoices:
        doc.line(Cell(MARGIN, "No open invoices."), size=9)
    doc.rule()
    balance = account.balance_cents
    overdue = balance - totals["current"]
    doc.line(Cell(300, "Total open"), Cell(485, money(balance), right=True))
    doc.line(Cell(300, "Of which overdue"), Cell(485, money(overdue), right=True))
    unapplied = sum(p.unapplied_cents for p in account.payments)
    if unapplied:
        doc.line(Cell(300, "Unapplied payments"), Cell(485, money(-unapplied), right=True))
        doc.line(
            Cell(300, "Net balance due", bold=True),
            Cell(485, money(balance - unapplied), bold=True, right=True),
        )
    else:
        doc.line(
            Cell(300, "Balance due", bold=True),
            Cell(485, money(balance), bold=True, right=True),
        )
    doc.space(16)
    _aging_table(doc, totals, money)
    doc.space(16)
    doc.line(Cell(MARGIN, "Please quote the invoice numbers with your payment."), size=9)
    return _render(
        doc, footer=f"{letterhead.company_name} – statement for {customer.name} – {today}"
    )


def _aging_table(doc: _Pages, totals: dict[str, int], money: Callable[[int], str]) -> None:
    doc.line(Cell(MARGIN, "Aging", bold=True))
    step = (RIGHT - MARGIN) / len(AGING_BANDS)
    doc.line(
        *(
            Cell(MARGIN + step * (i + 1), band.label, bold=True, right=True)
            for i, band in enumerate(AGING_BANDS)
        )
    )
    doc.line(
        *(
            Cell(MARGIN + step * (i + 1), money(totals[band.key]), right=True)
            for i, band in enumerate(AGING_BANDS)
        )
    )


def _promised_dates(account: Account) -> dict[int, date]:
    promised: dict[int, date] = {}
    for promise in account.pending_promises():
        for invoice_id in account.promise_invoices.get(promise.id or 0, []):
            promised[invoice_id] = promise.promised_date
    return promised


def _money(currency: str) -> Callable[[int], str]:
    def show(cents: int) -> str:
        text = format_money(abs(cents), currency)
        return f"-{text}" if cents < 0 else text

    return show


def _render(doc: _Pages, *, footer: str) -> bytes:
    """Draw the laid-out pages, each with the footer and its page number."""
    pdf = doc.canvas.pdf
    count = len(doc.pages)
    footer = doc.canvas.showable(footer)
    for number, items in enumerate(doc.pages, start=1):
        pdf.add_page()
        numbering = f"Page {number} of {count}"
        width = doc.canvas.width(numbering, 8, False)
        for item in [
            *items,
            _Text(MARGIN, MARGIN - 18, footer, 8, False),
            _Text(RIGHT - width, MARGIN - 18, numbering, 8, False),
        ]:
            if isinstance(item, _Logo):
                pdf.image(item.path, x=MARGIN, y=PAGE_HEIGHT - item.top, h=LOGO_HEIGHT)
            elif isinstance(item, _Rule):
                pdf.set_line_width(0.5)
                pdf.line(MARGIN, PAGE_HEIGHT - item.y, RIGHT, PAGE_HEIGHT - item.y)
            else:
                doc.canvas.draw(item)
    return bytes(pdf.output())
