"""Invoice copies and statements of account, as small PDF 1.4 files.

Written by hand (no PDF package): Helvetica text lines on US Letter pages,
WinAnsi-encoded; characters WinAnsi lacks are transliterated (``Ł`` -> ``L``)
or shown as ``?``. Long statements flow onto further pages.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from recoup.ledger.kpis import AGING_BANDS, aging_band
from recoup.ledger.models import Customer, Invoice, InvoiceStatus
from recoup.ledger.state import Account
from recoup.money import format_money

PAGE_WIDTH = 612.0
PAGE_HEIGHT = 792.0
MARGIN = 54.0
RIGHT = PAGE_WIDTH - MARGIN
FOOTER_SPACE = 36.0
PRODUCER = "recoup"

# Helvetica advance widths (1/1000 em) for ASCII 32..126, from the standard AFM.
_WIDTHS = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
]  # fmt: skip
_DEFAULT_WIDTH = 556
_FALLBACKS = {
    "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i", "Ŧ": "T",
    "ŧ": "t", "≤": "<=", "≥": ">=", "≠": "!=", "→": "->", "←": "<-", "−": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ",
}  # fmt: skip


@dataclass(frozen=True)
class _Text:
    x: float
    y: float
    text: str
    size: float
    bold: bool


@dataclass(frozen=True)
class Cell:
    """Text at ``x``; ``right`` aligns its end at ``x`` (amounts)."""

    x: float
    text: str
    bold: bool = False
    right: bool = False


@dataclass
class _Pages:
    """Lays lines from the top of the page down, starting pages as needed."""

    repeat: list[Cell] = field(default_factory=list)
    pages: list[list[_Text]] = field(default_factory=lambda: [[]])
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
            x = cell.x - text_width(cell.text, size) if cell.right else cell.x
            self.pages[-1].append(_Text(x, self.y, cell.text, size, cell.bold))

    def space(self, points: float = 8.0) -> None:
        self.y -= points

    def rule(self) -> None:
        self.line(Cell(MARGIN, "_" * 95), size=8.0)


def invoice_pdf(customer: Customer, invoice: Invoice, *, company_name: str) -> bytes:
    """A copy of one invoice: who owes what, by when, and what is still open."""
    money = _money(invoice.currency)
    doc = _Pages()
    doc.line(Cell(MARGIN, company_name, bold=True), Cell(RIGHT, "INVOICE", True, True), size=18)
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
    return _render(doc.pages, title=f"Invoice {invoice.number}", footer=company_name)


_STATEMENT_COLUMNS = [
    Cell(MARGIN, "Invoice", bold=True),
    Cell(150, "Issued", bold=True),
    Cell(215, "Due", bold=True),
    Cell(330, "Days past due", bold=True, right=True),
    Cell(410, "Amount", bold=True, right=True),
    Cell(485, "Open", bold=True, right=True),
    Cell(495, "Note", bold=True),
]


def statement_pdf(account: Account, *, now: datetime, company_name: str) -> bytes:
    """A statement of account: every open invoice with its age, the totals and the aging."""
    today = now.date()
    customer = account.customer
    money = _money(customer.currency)
    disputed = account.disputed_invoice_ids()
    promised = _promised_dates(account)
    doc = _Pages(repeat=list(_STATEMENT_COLUMNS))
    doc.line(
        Cell(MARGIN, company_name, bold=True),
        Cell(RIGHT, "STATEMENT OF ACCOUNT", True, True),
        size=16,
    )
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
        doc.pages,
        title=f"Statement {customer.ref} {today}",
        footer=f"{company_name} - statement for {customer.name} - {today}",
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


def winansi(text: str) -> bytes:
    """``text`` in WinAnsi (cp1252), transliterating what it lacks."""
    out = bytearray()
    for char in text:
        if char in "\r\n\t":
            char = " "
        try:
            out += char.encode("cp1252")
            continue
        except UnicodeEncodeError:
            pass
        if char in _FALLBACKS:
            out += _FALLBACKS[char].encode("cp1252")
            continue
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        try:
            out += base.encode("cp1252") if base and base != char else b"?"
        except UnicodeEncodeError:
            out += b"?"
    return bytes(out)


def pdf_string(text: str) -> bytes:
    """A PDF literal string: parentheses and backslashes escaped, other bytes outside
    printable ASCII as octal escapes."""
    out = bytearray(b"(")
    for byte in winansi(text):
        if byte in b"()\\":
            out += b"\\" + bytes([byte])
        elif 32 <= byte < 127:
            out.append(byte)
        else:
            out += f"\\{byte:03o}".encode("ascii")
    out += b")"
    return bytes(out)


def text_width(text: str, size: float) -> float:
    units = 0
    for byte in winansi(text):
        units += _WIDTHS[byte - 32] if 32 <= byte < 127 else _DEFAULT_WIDTH
    return units * size / 1000


def _content(texts: list[_Text], footer: str, page: int, pages: int) -> bytes:
    parts = []
    footer_texts = [
        _Text(MARGIN, MARGIN - 18, footer, 8, False),
        _Text(RIGHT - text_width(f"Page {page} of {pages}", 8), MARGIN - 18,
              f"Page {page} of {pages}", 8, False),
    ]  # fmt: skip
    for item in [*texts, *footer_texts]:
        font = b"/F2" if item.bold else b"/F1"
        parts.append(
            b"BT "
            + font
            + f" {item.size:g} Tf {item.x:.2f} {item.y:.2f} Td ".encode("ascii")
            + pdf_string(item.text)
            + b" Tj ET"
        )
    return b"\n".join(parts)


def _render(pages: list[list[_Text]], *, title: str, footer: str) -> bytes:
    """Serialise the pages as a PDF 1.4 file with an exact cross-reference table."""
    font_regular, font_bold, info = 3, 4, 5
    first_page = 6
    page_ids = [first_page + 2 * i for i in range(len(pages))]
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids ["
        + b" ".join(f"{pid} 0 R".encode("ascii") for pid in page_ids)
        + f"] /Count {len(pages)} >>".encode("ascii"),
        font_regular: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
        b"/Encoding /WinAnsiEncoding >>",
        font_bold: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold "
        b"/Encoding /WinAnsiEncoding >>",
        info: b"<< /Title " + pdf_string(title) + b" /Producer " + pdf_string(PRODUCER) + b" >>",
    }
    for number, (page_id, texts) in enumerate(zip(page_ids, pages, strict=True), start=1):
        stream = _content(texts, footer, number, len(pages))
        objects[page_id] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH:g} {PAGE_HEIGHT:g}] "
            f"/Resources << /Font << /F1 {font_regular} 0 R /F2 {font_bold} 0 R >> >> "
            f"/Contents {page_id + 1} 0 R >>"
        ).encode("ascii")
        objects[page_id + 1] = (
            f"<< /Length {len(stream)} >>\nstream\n".encode("ascii") + stream + b"\nendstream"
        )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += f"{number} 0 obj\n".encode("ascii") + objects[number] + b"\nendobj\n"
    xref_at = len(out)
    count = max(objects) + 1
    out += f"xref\n0 {count}\n".encode("ascii") + b"0000000000 65535 f \n"
    for number in range(1, count):
        out += f"{offsets[number]:010d} 00000 n \n".encode("ascii")
    out += (
        f"trailer\n<< /Size {count} /Root 1 0 R /Info {info} 0 R >>\nstartxref\n{xref_at}\n%%EOF\n"
    ).encode("ascii")
    return bytes(out)
