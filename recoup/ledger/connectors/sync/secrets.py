"""The key that seals OAuth tokens at rest.

``RECOUP_ERP_TOKEN_KEY`` (a Fernet key) or a key file that only its owner can
read (0600); ``recoup connect`` creates the file on first use. A key file
others can read is refused, never silently used.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from pydantic import SecretStr


class SealingKeyError(Exception):
    """The sealing key is missing, unreadable or too widely readable."""


class TokenSealer:
    def __init__(self, key: bytes) -> None:
        try:
            self._fernet = Fernet(key)
        except (ValueError, TypeError) as exc:
            raise SealingKeyError("the token key is not a valid Fernet key") from exc

    def seal(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode()).decode()

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken as exc:
            raise SealingKeyError(
                "the stored tokens cannot be opened with this key (was the key changed?)"
            ) from exc


def load_sealer(
    key: SecretStr | None, key_file: Path | None, *, create: bool = False
) -> TokenSealer:
    if key is not None:
        return TokenSealer(key.get_secret_value().encode())
    if key_file is None:
        raise SealingKeyError("no token key: set RECOUP_ERP_TOKEN_KEY or RECOUP_ERP_TOKEN_KEY_FILE")
    if not key_file.exists():
        if not create:
            raise SealingKeyError(f"no token key file at {key_file}; run `recoup connect` first")
        key_file.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(Fernet.generate_key())
    mode = stat.S_IMODE(key_file.stat().st_mode)
    if mode & 0o077:
        raise SealingKeyError(
            f"the token key file {key_file} can be read by others (mode {mode:o}); chmod 600 it"
        )
    return TokenSealer(key_file.read_bytes().strip())
