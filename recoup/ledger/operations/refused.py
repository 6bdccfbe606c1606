"""The error an operation raises when the ledger does not allow it."""

from __future__ import annotations


class OperationRefused(ValueError):
    """The account's state does not allow the operation (e.g. an invoice that is not open)."""
