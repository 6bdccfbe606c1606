"""Connectors to systems of record: CSV files today, ERPs later, all through ``ingest``."""

from recoup.ledger.connectors.base import (
    ActionsExport,
    Connector,
    ContactRecord,
    CreditMemoRecord,
    CustomerRecord,
    ImportFailed,
    InvoiceRecord,
    PaymentRecord,
    RecordBatch,
    RecordKind,
)
from recoup.ledger.connectors.csv_files import CsvConnector, import_csv, import_directory
from recoup.ledger.connectors.export import collect_actions, write_actions_csv
from recoup.ledger.connectors.ingest import ImportReport, ingest

__all__ = [
    "ActionsExport",
    "Connector",
    "ContactRecord",
    "CreditMemoRecord",
    "CsvConnector",
    "CustomerRecord",
    "ImportFailed",
    "ImportReport",
    "InvoiceRecord",
    "PaymentRecord",
    "RecordBatch",
    "RecordKind",
    "collect_actions",
    "import_csv",
    "import_directory",
    "ingest",
    "write_actions_csv",
]
