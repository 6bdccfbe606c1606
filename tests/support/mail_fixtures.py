"""pytest fixture for the real mail servers.

Use from a test module with ``pytest_plugins = ["tests.support.mail_fixtures"]``.
Without Dovecot the mail tests are skipped, except under CI, where a missing
server is a failure rather than a silent skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.support.mailservers import MailServers, MailServersUnavailable, start_mail_servers


@pytest.fixture(scope="session")
def mail_servers() -> Iterator[MailServers]:
    try:
        servers = start_mail_servers()
    except MailServersUnavailable as exc:
        message = f"mail servers unavailable: {exc.reason}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield servers
    finally:
        servers.stop()
