"""The SuiteQL statements the connector runs (NetSuite2.com data source).

Every read is ordered by internal id so that ``limit``/``offset`` paging is
stable; incremental reads add ``lastmodifieddate >= <since>``. Dates come back
in the account's display format unless asked for with ``TO_CHAR``, so they are.
Ids put in a statement are checked to be NetSuite internal ids (digits).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

STAMP = "YYYY-MM-DD HH24:MI:SS"
INVOICE, PAYMENT, CREDIT_MEMO = "CustInvc", "CustPymt", "CustCred"

_TRANSACTION = (
    "SELECT t.id, t.tranid, t.type, t.entity, TO_CHAR(t.trandate, 'YYYY-MM-DD') AS trandate, "
    "TO_CHAR(t.duedate, 'YYYY-MM-DD') AS duedate, t.foreigntotal, t.foreignamountremaining, "
    "cur.symbol AS currency, t.otherrefnum, t.memo, t.voided, t.lastmodifieddate "
    "FROM transaction t LEFT JOIN currency cur ON cur.id = t.currency "
    "WHERE t.type = '{type}'"
)
_CUSTOMER = (
    "SELECT c.id, c.entityid, c.companyname, c.email, cur.symbol AS currency, "
    "term.daysuntilnetdue AS termsdays, c.lastmodifieddate "
    "FROM customer c LEFT JOIN currency cur ON cur.id = c.currency "
    "LEFT JOIN term ON term.id = c.terms WHERE c.isinactive = 'F'"
)
_CONTACT = (
    "SELECT ct.id, ct.company, ct.email, ct.firstname, ct.lastname, ct.title, "
    "ct.lastmodifieddate FROM contact ct WHERE ct.email IS NOT NULL"
)
_APPLIED = (
    "SELECT l.nextdoc, l.previousdoc, l.foreignamount FROM NextTransactionLineLink l "
    f"WHERE l.previoustype = '{INVOICE}'"
)
_DELETED = (
    "SELECT d.recordid, d.recordtypeid, d.deleteddate FROM deletedrecord d "
    "WHERE d.recordtypeid IN ('invoice', 'customerpayment', 'creditmemo')"
)

TABLES = {
    "customer": (_CUSTOMER, "c.id", "c.lastmodifieddate"),
    "contact": (_CONTACT, "ct.id", "ct.lastmodifieddate"),
    "invoice": (_TRANSACTION.format(type=INVOICE), "t.id", "t.lastmodifieddate"),
    "creditmemo": (_TRANSACTION.format(type=CREDIT_MEMO), "t.id", "t.lastmodifieddate"),
    "payment": (_TRANSACTION.format(type=PAYMENT), "t.id", "t.lastmodifieddate"),
    "deleted": (_DELETED, "d.recordid", "d.deleteddate"),
}


def internal_ids(ids: Iterable[str]) -> list[str]:
    return sorted({i for i in (str(x).strip() for x in ids) if i.isdigit()}, key=int)


def _stamp(moment: datetime) -> str:
    return f"TO_TIMESTAMP('{moment.astimezone(UTC).strftime('%Y-%m-%d %H:%M:%S')}', '{STAMP}')"


def changed(table: str, since: datetime | None) -> str:
    """Every row of ``table`` (the initial load), or those modified since ``since``."""
    statement, key, modified = TABLES[table]
    if since is not None:
        statement += f" AND {modified} >= {_stamp(since)}"
    return f"{statement} ORDER BY {key}"


def by_ids(table: str, ids: list[str], column: str | None = None) -> str:
    statement, key, _modified = TABLES[table]
    wanted = ", ".join(internal_ids(ids)) or "0"
    return f"{statement} AND {column or key} IN ({wanted}) ORDER BY {key}"


def applied(doc_ids: list[str]) -> str:
    """What each payment or credit memo was applied to (its links to invoices)."""
    wanted = ", ".join(internal_ids(doc_ids)) or "0"
    return f"{_APPLIED} AND l.nextdoc IN ({wanted}) ORDER BY l.nextdoc, l.previousdoc"
