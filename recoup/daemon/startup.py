"""What `recoup run` checks and says before its loops start: the HTTP port is free,
and where the approvals page is and where its login token lives."""

from __future__ import annotations

import errno
import socket
from typing import Any

from recoup.approvals.auth import TOKEN_FILE
from recoup.errors import ServiceError
from recoup.settings import Settings


def ensure_port_free(host: str, port: int) -> None:
    """A ``ServiceError`` now, rather than a loop dying later, when the port is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ServiceError(
                    f"port {port} on {host} is already in use (another `recoup run`?)",
                    hint="stop the other process, or set RECOUP_HTTP_PORT to a free port",
                ) from exc
            raise ServiceError(
                f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                hint="check RECOUP_HTTP_HOST and RECOUP_HTTP_PORT",
            ) from exc


def approvals_notice(settings: Settings) -> dict[str, Any]:
    """The page's address and where its token comes from (never the token)."""
    host = settings.http_host if settings.http_host not in ("0.0.0.0", "::") else "127.0.0.1"
    shown_host = f"[{host}]" if ":" in host else host
    token_from = (
        "the RECOUP_APPROVALS_TOKEN setting"
        if settings.approvals_token is not None
        else str((settings.home / TOKEN_FILE).resolve())
    )
    # Not a key the log's secret filter hides ("token"): this is where, never what.
    return {
        "approvals_page": f"http://{shown_host}:{settings.http_port}/",
        "login_from": token_from,
    }
