"""The failures recoup expects, in families, each saying what failed and what to do.

Every exception recoup raises on purpose derives from ``RecoupError``. The
command line prints one line for it (``message`` and, when there is one, the
``hint``) and exits with the family's code; a traceback only with ``--debug``.
"""

from __future__ import annotations


class RecoupError(Exception):
    """A failure recoup expects: bad input, a missing service, a refused action."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else type(self).__name__

    def one_line(self) -> str:
        """What failed and, when recoup knows it, what to do."""
        return f"{self.message} — {self.hint}" if self.hint else self.message


class ConfigurationError(RecoupError):
    """Settings, environment or a configuration file that cannot be used."""

    exit_code = 2


class PolicyError(ConfigurationError, ValueError):
    """A collections policy that cannot be used, with the offending key."""


class DatabaseError(RecoupError):
    """The ledger's database cannot be reached, opened or written."""

    exit_code = 3


class InputError(RecoupError, ValueError):
    """A file or record given to recoup that it cannot take (CSV, rates, scenarios)."""

    exit_code = 2


class StorageError(RecoupError):
    """A file or folder recoup must write cannot be written (permissions, disk, exists)."""

    exit_code = 4


class ServiceError(RecoupError):
    """A network service recoup offers or needs cannot start (a port in use…)."""

    exit_code = 5


class MailError(RecoupError):
    """Mail that cannot be read, composed or sent."""


class ModelFailure(RecoupError):
    """The language model endpoint failed or answered with something unusable."""


class ApprovalsError(RecoupError):
    """The approvals channels (Slack, the page) refused or failed a request."""


class ToolError(RecoupError):
    """A tool call that cannot run as asked."""


class NotFound(RecoupError, LookupError):
    """Something asked for by id or reference that does not exist."""
