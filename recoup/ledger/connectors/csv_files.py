"""CSV files as a system of record: the columns are documented in docs/ledger.md.

An import streams: rows are read ``BATCH_ROWS`` at a time and go into the
ledger batch by batch, so a file of any length needs little memory. It is
still all or nothing: a bad row anywhere fails the whole import with the file,
the row (the header is row 1) and the reason, listing up to ``MAX_PROBLEMS``
problems, and the ledger is left as it was.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from sqlmodel import Session

from recoup.errors import InputError
from recoup.ledger.connectors.base import (
    ActionsExport,
    ContactRecord,
    CreditMemoRecord,
    CustomerRecord,
    ImportFailed,
    InvoiceRecord,
    Origin,
    PaymentRecord,
    Problem,
    Problems,
    Record,
    RecordBatch,
    RecordKind,
    parse_amount,
)
from recoup.ledger.connectors.export import write_actions_csv
from recoup.ledger.connectors.ingest import ImportReport, ingest_batches
from recoup.policy import Policy

__all__ = ["CsvConnector", "ImportFailed", "import_csv", "import_directory", "read_csv"]

_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
BATCH_ROWS = 5_000


def parse_bool(text: str) -> bool:
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"not a boolean: {text!r} (use true/false, yes/no or 1/0)")


def parse_date(text: str) -> date:
    if _DATE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(f"not a date: {text!r} (use YYYY-MM-DD)")


def parse_count(text: str) -> int:
    if not text.isdigit():
        raise ValueError(f"not a whole number of days: {text!r}")
    return int(text)


def _text(text: str) -> str:
    return text


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False
    parse: Callable[[str], object] = _text
    record_field: str = ""

    @property
    def field(self) -> str:
        return self.record_field or self.name


@dataclass(frozen=True)
class Layout:
    kind: RecordKind
    record: type[Record]
    columns: tuple[Column, ...]

    @property
    def filename(self) -> str:
        return f"{self.kind.value}.csv"

    def column_for(self, record_field: str) -> str:
        return next((c.name for c in self.columns if c.field == record_field), record_field)


LAYOUTS: dict[RecordKind, Layout] = {
    layout.kind: layout
    for layout in (
        Layout(
            RecordKind.CUSTOMERS,
            CustomerRecord,
            (
                Column("ref", required=True),
                Column("name", required=True),
                Column("segment"),
                Column("strategic", parse=parse_bool),
                Column("terms_days", parse=parse_count),
                Column("timezone"),
                Column("currency"),
                Column("email_domain"),
                Column("credit_limit", parse=parse_amount, record_field="credit_limit_cents"),
            ),
        ),
        Layout(
            RecordKind.CONTACTS,
            ContactRecord,
            (
                Column("customer_ref", required=True),
                Column("name"),
                Column("email", required=True),
                Column("role"),
                Column("is_primary", parse=parse_bool),
                Column("do_not_contact", parse=parse_bool),
            ),
        ),
        Layout(
            RecordKind.INVOICES,
            InvoiceRecord,
            (
                Column("number", required=True),
                Column("customer_ref", required=True),
                Column("issue_date", required=True, parse=parse_date),
                Column("due_date", required=True, parse=parse_date),
                Column("amount", required=True, parse=parse_amount, record_field="amount_cents"),
                Column("open_amount", parse=parse_amount, record_field="open_cents"),
                Column("currency"),
                Column("po_number"),
                Column("description"),
            ),
        ),
        Layout(
            RecordKind.PAYMENTS,
            PaymentRecord,
            (
                Column("ref", required=True),
                Column("customer_ref", required=True),
                Column("amount", required=True, parse=parse_amount, record_field="amount_cents"),
                Column("received_on", required=True, parse=parse_date),
                Column("references"),
                Column("method"),
            ),
        ),
        Layout(
            RecordKind.CREDIT_MEMOS,
            CreditMemoRecord,
            (
                Column("number", required=True),
                Column("customer_ref", required=True),
                Column("invoice_number"),
                Column("amount", required=True, parse=parse_amount, record_field="amount_cents"),
                Column("issued_on", required=True, parse=parse_date),
                Column("reason"),
            ),
        ),
    )
}


Progress = Callable[[int], None]


def import_csv(
    session: Session,
    path: Path,
    kind: RecordKind | str,
    *,
    now: datetime,
    policy: Policy,
    progress: Progress | None = None,
) -> ImportReport:
    """Import one CSV file of ``kind``; all of it or, on any bad row, nothing.
    ``progress`` is told how many rows each batch had."""
    return _import(session, [(path, LAYOUTS[_kind(kind)])], f"csv:{path}", now, policy, progress)


def import_directory(
    session: Session,
    directory: Path,
    *,
    now: datetime,
    policy: Policy,
    progress: Progress | None = None,
) -> ImportReport:
    """Import the CSV files of ``directory`` as one import; all of it or nothing."""
    files = CsvConnector(directory).files()
    return _import(session, files, f"csv:{directory}", now, policy, progress)


def _import(
    session: Session,
    files: list[tuple[Path, Layout]],
    source: str,
    now: datetime,
    policy: Policy,
    progress: Progress | None,
) -> ImportReport:
    problems = Problems()
    return ingest_batches(
        session,
        _batches(files, source, problems),
        source=source,
        now=now,
        policy=policy,
        problems=problems,
        progress=progress,
    )


# Cash is applied in date order across payments and credit memos (on one day the memo
# first), so the two files make one batch between them.
_CASH = {RecordKind.PAYMENTS, RecordKind.CREDIT_MEMOS}


def _batches(
    files: list[tuple[Path, Layout]], source: str, problems: Problems
) -> Iterator[RecordBatch]:
    """The files' records in the order of ``files``: ``BATCH_ROWS`` at a time, but the
    payments and credit memos in one batch."""
    batch = RecordBatch(source=source)
    for path, layout in files:
        for record in _records(path, layout, problems, batch):
            getattr(batch, layout.kind.value).append(record)
            if len(batch) >= BATCH_ROWS and layout.kind not in _CASH:
                yield batch
                batch = RecordBatch(source=source)
        if layout.kind not in _CASH:
            yield batch
            batch = RecordBatch(source=source)
    yield batch


def read_csv(path: Path, kind: RecordKind | str) -> RecordBatch:
    """The records of one CSV file; raises ``ImportFailed`` naming every bad row."""
    problems = Problems()
    batch = RecordBatch(source=f"csv:{path}")
    _read_into(batch, path, LAYOUTS[_kind(kind)], problems)
    problems.raise_if_any()
    return batch


class CsvConnector:
    """A directory of ``customers.csv``, ``contacts.csv``, ``invoices.csv``,
    ``payments.csv`` and ``credit_memos.csv``; write-back goes to ``out_directory``
    (``<directory>/write_back`` unless given)."""

    name = "csv"

    def __init__(self, directory: Path, *, out_directory: Path | None = None) -> None:
        self.directory = directory
        self.out_directory = out_directory or directory / "write_back"

    def files(self) -> list[tuple[Path, Layout]]:
        """The directory's CSV files with their layouts, in the order they are read."""
        present = [
            (self.directory / layout.filename, layout)
            for layout in LAYOUTS.values()
            if (self.directory / layout.filename).is_file()
        ]
        if not present:
            names = ", ".join(layout.filename for layout in LAYOUTS.values())
            raise ImportFailed([Problem(str(self.directory), f"none of {names} found")])
        return present

    def read(self) -> RecordBatch:
        """Every record of the directory at once (``import_directory`` streams them)."""
        batch = RecordBatch(source=f"csv:{self.directory}")
        problems = Problems()
        for path, layout in self.files():
            _read_into(batch, path, layout, problems)
        problems.raise_if_any()
        return batch

    def write_back(self, actions: ActionsExport) -> None:
        write_actions_csv(actions, self.out_directory)


def _kind(kind: RecordKind | str) -> RecordKind:
    try:
        return RecordKind(kind)
    except ValueError as exc:
        known = ", ".join(k.value for k in RecordKind)
        raise InputError(
            f"unknown kind of CSV file {kind!r}",
            hint=f"name the file after its kind, or pass --kind: one of {known}",
        ) from exc


def _read_into(batch: RecordBatch, path: Path, layout: Layout, problems: Problems) -> None:
    target: list[Record] = getattr(batch, layout.kind.value)
    target.extend(_records(path, layout, problems, batch))


def _records(
    path: Path, layout: Layout, problems: Problems, notes: RecordBatch
) -> Iterator[Record]:
    """The good records of one file, read as they are needed; bad rows go to ``problems``,
    what was found out about the file (its separator, unused columns) to ``notes``."""
    name = path.name
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            dialect = sniff_dialect(handle.read(SNIFF_CHARS))
            handle.seek(0)
            rows = csv.reader(handle, dialect)
            header_row = next(rows, [])
            if not any(cell.strip() for cell in header_row):
                problems.add(Origin(name, 1), "no header row")
                return
            notes.notes.append(f"{name}: {DELIMITER_NAMES[dialect.delimiter]}-separated")
            header = [cell.strip().lower() for cell in header_row]
            positions = _positions(header, layout, name, notes, problems)
            if positions is None:
                return
            for number, cells in enumerate(rows, start=2):
                if not any(cell.strip() for cell in cells):
                    continue
                origin = Origin(name, number)
                record = _record(cells, len(header), positions, layout, origin, problems)
                if record is not None:
                    yield record
    except UnicodeDecodeError:
        problems.add(name, "not UTF-8 text")
    except csv.Error as exc:
        problems.add(name, f"not readable as CSV: {exc}")


SNIFF_CHARS = 64 * 1024
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


def sniff_dialect(sample: str) -> type[csv.Dialect]:
    """The CSV dialect of ``sample`` (comma, semicolon or tab separated, as spreadsheets
    in different locales write them); comma when it cannot tell."""
    header = sample.splitlines()[0] if sample else ""
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    if dialect.delimiter not in DELIMITER_NAMES:
        dialect = csv.excel
    # The header decides between candidates the sniffer weighs equally.
    counts = {d: header.count(d) for d in DELIMITER_NAMES}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] > counts.get(dialect.delimiter, 0):

        class Sniffed(csv.excel):
            delimiter = best

        return Sniffed
    return dialect


def _positions(
    header: list[str], layout: Layout, name: str, batch: RecordBatch, problems: Problems
) -> dict[str, int] | None:
    repeated = sorted({column for column in header if column and header.count(column) > 1})
    if repeated:
        problems.add(Origin(name, 1), f"repeated column(s) {', '.join(repeated)}")
        return None
    missing = [c.name for c in layout.columns if c.required and c.name not in header]
    if missing:
        problems.add(
            Origin(name, 1),
            f"missing required column(s) {', '.join(missing)} (read the header as "
            f"{len(header)} column(s): {', '.join(header)[:120]}; columns are separated by "
            "commas, semicolons or tabs)",
        )
        return None
    known = {c.name for c in layout.columns}
    unused = [column for column in header if column and column not in known]
    if unused:
        batch.warnings.append(f"{name}: column(s) {', '.join(unused)} not used")
    return {column: index for index, column in enumerate(header) if column in known}


def _record(
    cells: list[str],
    width: int,
    positions: dict[str, int],
    layout: Layout,
    origin: Origin,
    problems: Problems,
) -> Record | None:
    if len(cells) > width and any(cell.strip() for cell in cells[width:]):
        problems.add(origin, f"{len(cells)} cells but the header has {width} columns")
        return None
    values: dict[str, object] = {}
    reasons: list[str] = []
    for column in layout.columns:
        index = positions.get(column.name)
        text = cells[index].strip() if index is not None and index < len(cells) else ""
        if not text:
            if column.required:
                reasons.append(f"{column.name}: missing")
            continue
        try:
            values[column.field] = column.parse(text)
        except ValueError as exc:
            reasons.append(f"{column.name}: {exc}")
    if not reasons:
        try:
            return layout.record.model_validate({**values, "origin": origin})
        except ValidationError as exc:
            reasons = [_reason(error, layout) for error in exc.errors()]
    problems.add(origin, "; ".join(reasons))
    return None


def _reason(error: ErrorDetails, layout: Layout) -> str:
    message = error["msg"].removeprefix("Value error, ")
    location = error["loc"]
    return f"{layout.column_for(str(location[0]))}: {message}" if location else message
