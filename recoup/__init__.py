"""recoup: an autonomous accounts-receivable collections agent."""

__version__ = "0.1.0"
