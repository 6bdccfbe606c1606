"""Who may use the local approvals page: a login token, signed session cookies
and CSRF tokens, all keyed by HMAC with that token.

A session cookie is ``user.expiry.signature``; a form's CSRF token is the HMAC
of a random nonce kept in its own cookie (a signed double submit), so a page
on another site can neither read nor forge it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from datetime import timedelta
from pathlib import Path

from recoup.clock import Clock
from recoup.settings import Settings

TOKEN_FILE = "approvals.token"
SESSION_COOKIE = "recoup_session"
CSRF_COOKIE = "recoup_csrf"
FLASH_COOKIE = "recoup_flash"
SESSION_LIFETIME = timedelta(hours=12)
MAX_USER_CHARS = 60


def approvals_token(settings: Settings) -> str:
    """The login token: ``settings.approvals_token``, else the one kept in
    ``home/approvals.token``, created (readable by its owner only) when absent."""
    if settings.approvals_token is not None:
        return settings.approvals_token.get_secret_value()
    path = settings.home / TOKEN_FILE
    if path.exists():
        token = path.read_text(encoding="utf-8").strip()
        if token:
            return token
    settings.home.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    _write_private(path, token + "\n")
    return token


def _write_private(path: Path, text: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


class WebAuth:
    def __init__(self, token: str, clock: Clock) -> None:
        if not token:
            raise ValueError("the approvals page needs a login token")
        self._key = token.encode()
        self._clock = clock

    def token_matches(self, given: str) -> bool:
        return hmac.compare_digest(given.encode(), self._key)

    def session_cookie(self, user: str) -> str:
        expires = int((self._clock.now() + SESSION_LIFETIME).timestamp())
        name = base64.urlsafe_b64encode(user.encode()).decode().rstrip("=")
        payload = f"{name}.{expires}"
        return f"{payload}.{_digest(self._key, b'session', payload)}"

    def session_user(self, cookie: str | None) -> str | None:
        """The person a valid, unexpired session cookie names; None otherwise."""
        if not cookie or cookie.count(".") != 2:
            return None
        name, expires, signature = cookie.split(".")
        payload = f"{name}.{expires}"
        if not hmac.compare_digest(_digest(self._key, b"session", payload), signature):
            return None
        if not expires.isdigit() or int(expires) < self._clock.now().timestamp():
            return None
        try:
            return base64.urlsafe_b64decode(name + "=" * (-len(name) % 4)).decode()
        except (ValueError, UnicodeDecodeError):
            return None

    def csrf_token(self, nonce: str) -> str:
        return _digest(self._key, b"csrf", nonce)

    def csrf_matches(self, nonce: str | None, given: str | None) -> bool:
        if not nonce or not given:
            return False
        return hmac.compare_digest(self.csrf_token(nonce), given)

    def sign(self, value: str) -> str:
        """A value that comes back through a cookie unchanged or not at all (flash messages)."""
        encoded = base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")
        return f"{encoded}.{_digest(self._key, b'flash', encoded)}"

    def unsign(self, signed: str | None) -> str | None:
        if not signed or "." not in signed:
            return None
        encoded, _, signature = signed.partition(".")
        if not hmac.compare_digest(_digest(self._key, b"flash", encoded), signature):
            return None
        try:
            return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
        except (ValueError, UnicodeDecodeError):
            return None


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def _digest(key: bytes, purpose: bytes, value: str) -> str:
    return hmac.new(key, purpose + b"|" + value.encode(), hashlib.sha256).hexdigest()
