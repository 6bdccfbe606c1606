"""Reading mail in worker processes, beside the database work.

Parsing a message and judging its risk flags is pure CPU, most of what ingest
costs; the IMAP loop hands a batch to worker processes and stores the one
before meanwhile. A worker is a plain ``python -m recoup.mail.read_pool``
talking pickled frames over its stdin and stdout: it imports only the mail
code (never the caller's main module), loads the reader's model before it says
it is ready, and exits when its stdin closes, so a kill -9 of the daemon
leaves no worker behind. With no worker (one core, ``workers=0``, or workers
that failed) batches are read inline.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import struct
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from typing import IO, cast

import structlog

from recoup.mail.ingest import Incoming, read_message
from recoup.mail.parse import MailLimits, ParsedMail
from recoup.reader.model import ModelFileError, load

log = structlog.get_logger(__name__)

DEFAULT_WORKERS = max(0, min(4, (os.cpu_count() or 1) - 1))  # a core stays with the loop
READY_TIMEOUT_S = 60.0
_READY = "ready"
_LENGTH = struct.Struct(">Q")

Read = tuple[ParsedMail | None, str, dict[str, str] | None]


class WorkerGone(RuntimeError):
    pass


class _Worker:
    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "recoup.mail.read_pool"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self.unanswered = 0

    def ready(self, timeout_s: float) -> bool:
        assert self.process.stdout is not None
        waiting, _, _ = select.select([self.process.stdout], [], [], timeout_s)
        return bool(waiting) and self._receive() == _READY

    def ask(self, request: object) -> None:
        while self.unanswered:  # an answer nobody waited for (a pass that failed)
            self.answer()
        assert self.process.stdin is not None
        try:
            _send(self.process.stdin, request)
        except OSError as exc:
            raise WorkerGone(str(exc)) from exc
        self.unanswered += 1

    def answer(self) -> object:
        self.unanswered -= 1
        return self._receive()

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            if self.process.stdin is not None:
                self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _receive(self) -> object:
        assert self.process.stdout is not None
        answer = _receive(self.process.stdout)
        if answer is None:
            raise WorkerGone(f"read worker exited ({self.process.poll()})")
        return answer


class ReadPool:
    def __init__(self, limits: MailLimits, *, workers: int = DEFAULT_WORKERS) -> None:
        self.limits = limits
        self.size = workers
        self._workers: list[_Worker] = []

    @property
    def running(self) -> bool:
        return bool(self._workers)

    def start(self) -> None:
        """Start the workers and wait until they are ready; reading stays inline if they
        cannot start."""
        if self._workers or self.size <= 0:
            return
        workers = [_Worker() for _ in range(self.size)]
        if all(worker.ready(READY_TIMEOUT_S) for worker in workers):
            self._workers = workers
            return
        log.warning("mail_read_pool_unavailable")
        for worker in workers:
            worker.stop()

    def read(self, raws: list[bytes], today: date) -> Callable[[], list[Incoming]]:
        """Start reading ``raws``; the returned function waits for what they say. Call it
        before the next ``read``."""
        if not self._workers or not raws:
            return lambda: self._inline(raws, today)
        size = -(-len(raws) // len(self._workers))
        parts = [raws[start : start + size] for start in range(0, len(raws), size)]
        try:
            for worker, part in zip(self._workers, parts, strict=False):
                worker.ask((part, self.limits, today))
        except WorkerGone:
            return lambda: self._broken(raws, today)
        return lambda: self._gather(raws, len(parts), today)

    def close(self) -> None:
        for worker in self._workers:
            worker.stop()
        self._workers = []

    def _gather(self, raws: list[bytes], parts: int, today: date) -> list[Incoming]:
        try:
            answers = [worker.answer() for worker in self._workers[:parts]]
        except WorkerGone:
            return self._broken(raws, today)
        reads = [read for answer in answers for read in cast(list[Read], answer)]
        return [Incoming(raw, *read) for raw, read in zip(raws, reads, strict=True)]

    def _broken(self, raws: list[bytes], today: date) -> list[Incoming]:
        log.warning("mail_read_pool_broken")  # started again on the next connect
        self.close()
        return self._inline(raws, today)

    def _inline(self, raws: list[bytes], today: date) -> list[Incoming]:
        return [read_message(raw, limits=self.limits, today=today) for raw in raws]


def _send(stream: IO[bytes], message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LENGTH.pack(len(data)) + data)
    stream.flush()


def _receive(stream: IO[bytes]) -> object | None:
    header = stream.read(_LENGTH.size)
    if len(header) < _LENGTH.size:
        return None
    (length,) = _LENGTH.unpack(header)
    data = stream.read(length)
    if len(data) < length:
        return None
    answer: object = pickle.loads(data)  # frames between this process and its own worker
    return answer


def _read(raws: list[bytes], limits: MailLimits, today: date) -> list[Read]:
    reads = []
    for raw in raws:
        incoming = read_message(raw, limits=limits, today=today, judge=True)
        reads.append((incoming.parsed, incoming.problem, incoming.risk))
    return reads


def serve() -> None:
    """A worker: answer batches from stdin until it closes."""
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints must not break a frame
    requests = sys.stdin.buffer
    with contextlib.suppress(ModelFileError):  # without it, assess runs the rules alone
        load()
    _send(answers, _READY)
    while (request := _receive(requests)) is not None:
        _send(answers, _read(*cast(tuple[list[bytes], MailLimits, date], request)))


if __name__ == "__main__":
    serve()
