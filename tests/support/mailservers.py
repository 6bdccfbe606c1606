"""A real IMAP server (Dovecot) and an SMTP server (aiosmtpd) on 127.0.0.1 for tests.

Dovecot runs from a config file in a private temp dir and serves IMAP and LMTP.
The SMTP server hands every accepted message to Dovecot over LMTP before it
answers 250, so a message accepted by SMTP is already in the mailbox.
Any user name logs in with the shared password and gets its own empty maildir.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import grp
import itertools
import os
import pwd
import shutil
import signal
import smtplib
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
PASSWORD = "secret"
_START_TIMEOUT = 15.0
_STOP_TIMEOUT = 10.0
_SBIN_DIRS = ("/usr/sbin", "/usr/local/sbin", "/sbin")


class MailServersUnavailable(RuntimeError):
    """Dovecot is not installed or could not be started here."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class MailServers:
    imap_host: str
    imap_port: int
    smtp_host: str
    smtp_port: int
    lmtp_port: int
    password: str
    config_path: Path
    workdir: Path
    _dovecot: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    _smtp: Any = field(default=None, repr=False)
    _doveadm_bin: str = field(default="doveadm", repr=False)
    _users: itertools.count[int] = field(default_factory=itertools.count, repr=False)

    def new_user(self) -> str:
        """A fresh user name: its maildir is created empty on first use."""
        return f"u{next(self._users)}x{uuid.uuid4().hex[:10]}"

    def doveadm(
        self, *args: str, stdin: bytes | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[bytes]:
        result = subprocess.run(
            [self._doveadm_bin, "-c", str(self.config_path), *args],
            input=stdin,
            capture_output=True,
            timeout=60,
            check=False,
        )
        if check and result.returncode != 0:
            raise RuntimeError(
                f"doveadm {' '.join(args)} failed ({result.returncode}): "
                f"{result.stderr.decode(errors='replace').strip()}"
            )
        return result

    def seed(self, user: str, raw: bytes, folder: str = "INBOX") -> None:
        """Put a message straight into a mailbox, without SMTP."""
        self.doveadm("save", "-u", user, "-m", folder, stdin=raw)

    def set_uidvalidity(self, user: str, value: int, folder: str = "INBOX") -> None:
        # The mailbox must exist before its UIDVALIDITY can be changed.
        self.doveadm("mailbox", "create", "-u", user, folder, check=False)
        self.doveadm("mailbox", "update", "-u", user, "--uid-validity", str(value), folder)

    def stop(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(Exception):
                self._smtp.stop()
            self._smtp = None
        if self._dovecot is not None:
            _terminate(self._dovecot)
            self._dovecot = None
        shutil.rmtree(self.workdir, ignore_errors=True)


class LmtpRelay:
    """aiosmtpd handler: delivers each accepted message to Dovecot over LMTP."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.original_content or envelope.content or b""
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            None, self._deliver, envelope.mail_from or "", list(envelope.rcpt_tos), content
        )

    def _deliver(self, mail_from: str, rcpt_tos: list[str], content: bytes) -> str:
        refused = 0
        for rcpt in rcpt_tos:
            # One connection per recipient: smtplib.LMTP reads only the first of
            # the per-recipient replies LMTP sends after DATA.
            try:
                with smtplib.LMTP(self.host, self.port, timeout=30) as lmtp:
                    lmtp.sendmail(mail_from, [rcpt], content)
            except smtplib.SMTPRecipientsRefused:
                refused += 1
            except smtplib.SMTPDataError as exc:
                if exc.smtp_code >= 500:
                    refused += 1
                else:
                    return f"451 4.3.0 delivery to {rcpt} failed: {exc.smtp_code}"
            except (OSError, smtplib.SMTPException) as exc:
                reason = " ".join(str(exc).split())  # one reply line
                return f"451 4.3.0 delivery failed: {reason}"
        if rcpt_tos and refused == len(rcpt_tos):
            return "550 5.1.1 all recipients refused"
        return "250 OK delivered"


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> Any:
    from aiosmtpd.smtp import AuthResult, LoginPassword

    ok = isinstance(auth_data, LoginPassword) and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)


def _find_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for directory in _SBIN_DIRS:
        candidate = Path(directory) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=0.2):
            return True
    except OSError:
        return False


def _run_identity() -> tuple[str, str, int, int]:
    # Dovecot refuses to run login and mail processes as root.
    if os.geteuid() == 0:
        user = pwd.getpwnam("nobody")
        try:
            group = grp.getgrnam("nogroup")
        except KeyError:
            group = grp.getgrgid(user.pw_gid)
        return user.pw_name, group.gr_name, user.pw_uid, group.gr_gid
    user = pwd.getpwuid(os.getuid())
    group = grp.getgrgid(os.getgid())
    return user.pw_name, group.gr_name, user.pw_uid, group.gr_gid


def _config(workdir: Path, imap_port: int, lmtp_port: int) -> str:
    run_user, run_group, uid, gid = _run_identity()
    # One setting per line inside blocks: Dovecot rejects `name { key = value }`.
    return f"""\
base_dir = {workdir}/run
state_dir = {workdir}/state
log_path = {workdir}/dovecot.log
protocols = imap lmtp
listen = {HOST}
default_internal_user = {run_user}
default_internal_group = {run_group}
default_login_user = {run_user}
first_valid_uid = 1
first_valid_gid = 1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_username_format = %Ln
passdb {{
  driver = static
  args = password={PASSWORD}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={workdir}/mail/%Ln allow_all_users=yes
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Archive {{
    auto = subscribe
  }}
  mailbox Sent {{
    auto = subscribe
    special_use = \\Sent
  }}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = {HOST}
    port = {imap_port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    address = {HOST}
    port = {lmtp_port}
  }}
}}
service anvil {{
  chroot =
}}
"""


def _make_workdir() -> Path:
    # pytest's own temp dirs are 0700 under root, which the unprivileged
    # Dovecot processes cannot traverse.
    workdir = Path(tempfile.mkdtemp(prefix="recoup-mail-"))
    workdir.chmod(0o755)
    mail_dir = workdir / "mail"
    mail_dir.mkdir()
    mail_dir.chmod(0o755)
    if os.geteuid() == 0:
        _, _, uid, gid = _run_identity()
        os.chown(mail_dir, uid, gid)
    return workdir


def _log_tail(workdir: Path) -> str:
    parts = []
    for name in ("dovecot.log", "dovecot.out"):
        path = workdir / name
        if path.exists():
            parts.append(path.read_text(errors="replace")[-2000:])
    return "\n".join(parts).strip()


def _terminate(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=_STOP_TIMEOUT)


def _start_dovecot(
    dovecot_bin: str, config_path: Path, workdir: Path, ports: tuple[int, int]
) -> subprocess.Popen[bytes]:
    for port in ports:
        if _port_open(port):
            raise MailServersUnavailable(f"port {port} is already in use")
    with open(workdir / "dovecot.out", "wb") as out:
        proc = subprocess.Popen(
            [dovecot_bin, "-F", "-c", str(config_path)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + _START_TIMEOUT
    pending = list(ports)
    while pending:
        if proc.poll() is not None:
            raise MailServersUnavailable(
                f"dovecot exited with {proc.returncode}: {_log_tail(workdir)}"
            )
        if time.monotonic() > deadline:
            _terminate(proc)
            raise MailServersUnavailable(f"dovecot did not listen in time: {_log_tail(workdir)}")
        if _port_open(pending[0]):
            pending.pop(0)
        else:
            time.sleep(0.05)
    return proc


def _start_smtp(lmtp_port: int) -> tuple[Any, int]:
    try:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import SMTP, Session
    except ImportError as exc:
        raise MailServersUnavailable(f"aiosmtpd is not installed: {exc}") from exc

    class QuietSession(Session):
        # aiosmtpd itself sets the deprecated login_data after every successful
        # AUTH, which would put a DeprecationWarning into every mail test.
        login_data = None

    class QuietSMTP(SMTP):
        def _create_session(self) -> Session:
            return QuietSession(self.loop)

    class RelayController(Controller):
        def factory(self) -> SMTP:
            return QuietSMTP(self.handler, **self.SMTP_kwargs)

    port = _free_port()
    controller = RelayController(
        LmtpRelay(HOST, lmtp_port),
        hostname=HOST,
        port=port,
        authenticator=_authenticator,
        auth_require_tls=False,
    )
    try:
        controller.start()
    except Exception as exc:
        raise MailServersUnavailable(f"SMTP server did not start: {exc}") from exc
    return controller, port


def start_mail_servers() -> MailServers:
    """Start Dovecot (IMAP + LMTP) and an SMTP server that delivers into it."""
    dovecot_bin = _find_binary("dovecot")
    doveadm_bin = _find_binary("doveadm")
    if dovecot_bin is None or doveadm_bin is None:
        raise MailServersUnavailable(
            "dovecot is not installed (apt-get install dovecot-imapd dovecot-lmtpd)"
        )
    workdir = _make_workdir()
    imap_port, lmtp_port = _free_port(), _free_port()
    while lmtp_port == imap_port:
        lmtp_port = _free_port()
    config_path = workdir / "dovecot.conf"
    config_path.write_text(_config(workdir, imap_port, lmtp_port))
    try:
        dovecot = _start_dovecot(dovecot_bin, config_path, workdir, (imap_port, lmtp_port))
    except MailServersUnavailable:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    try:
        controller, smtp_port = _start_smtp(lmtp_port)
    except MailServersUnavailable:
        _terminate(dovecot)
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    servers = MailServers(
        imap_host=HOST,
        imap_port=imap_port,
        smtp_host=HOST,
        smtp_port=smtp_port,
        lmtp_port=lmtp_port,
        password=PASSWORD,
        config_path=config_path,
        workdir=workdir,
        _dovecot=dovecot,
        _smtp=controller,
        _doveadm_bin=doveadm_bin,
    )
    # A run that dies before its fixture teardown must not leave Dovecot behind.
    atexit.register(servers.stop)
    return servers
