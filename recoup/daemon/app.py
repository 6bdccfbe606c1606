"""`recoup run`: one asyncio process that keeps the collections cycle going.

Four loops share one stop event:

- the mailbox: IMAP (IDLE, checkpoints) when ``settings.mail.imap`` is set,
  otherwise the embedded maildir under ``settings.mail.maildir`` (default
  ``settings.home/"mail"``: inbox/, outbox/, processed/, quarantine/);
- the runner: ``Runner.tick`` every ``tick_interval_s``, and at once when new
  mail was ingested;
- the outbox: ``deliver_due`` over SMTP when ``settings.mail.smtp`` is set,
  otherwise into the outbox maildir; at once when a run queued mail;
- the approvals notifier (when the approvals app is available).

Beside them, uvicorn serves GET /health (and the approvals app) on
``http_host:http_port``. On stop, no loop takes new work; the tick, send or
message in flight finishes, then everything closes.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import structlog
import uvicorn
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.routing import Mount, Route

from recoup.agent.loop import AgentDeps
from recoup.agent.runner import Runner
from recoup.chat import ModelClient
from recoup.clock import Clock
from recoup.daemon.erp import ErpLoop
from recoup.daemon.health import DaemonStatus, health_routes
from recoup.daemon.interrupted import close_interrupted_runs
from recoup.daemon.recovery import release_dead_leases
from recoup.daemon.startup import approvals_notice, ensure_port_free
from recoup.ledger.db import make_engine, migrate
from recoup.mail.imap_source import ImapSource
from recoup.mail.maildir_source import MaildirSource
from recoup.mail.outbox import deliver_due
from recoup.mail.transports.base import SentFolder, Transport
from recoup.mail.transports.imap_sent import ImapSentFolder
from recoup.mail.transports.maildir import MaildirInbox, MaildirTransport
from recoup.mail.transports.smtp import SmtpTransport
from recoup.policy import Policy, load_policy
from recoup.settings import Settings

log = structlog.get_logger(__name__)

OUTBOX_INTERVAL_S = 5.0
MAILDIR_INTERVAL_S = 2.0
OUTBOX_BATCH = 100
SEND_CONCURRENCY = 4


@dataclass
class Wakeups:
    """Loops nudge each other instead of waiting for their next interval."""

    runner: asyncio.Event
    outbox: asyncio.Event


async def run_daemon(
    settings: Settings,
    *,
    clock: Clock,
    stop_event: asyncio.Event,
    model: ModelClient | None = None,
    engine: Engine | None = None,
    policy: Policy | None = None,
    serve_http: bool = True,
) -> None:
    """Run until ``stop_event`` is set (SIGTERM/SIGINT set it too).

    ``engine`` (already migrated), ``model`` and ``policy`` default to what
    ``settings`` names; tests pass their own."""
    from recoup.daemon.signals import install_stop_handlers

    if serve_http:
        ensure_port_free(settings.http_host, settings.http_port)
    remove_handlers = install_stop_handlers(stop_event)
    engine = engine or _engine(settings)
    policy = policy or load_policy(_policy_file(settings))
    model = model or _model(settings)
    recovered = await _recover(engine, clock)
    status = DaemonStatus(
        started_at=clock.now(), mailbox_kind="imap" if settings.mail.imap else "maildir"
    )
    loop = asyncio.get_running_loop()
    wake = Wakeups(runner=asyncio.Event(), outbox=asyncio.Event())
    transport, sent_copy = _outbound(settings)
    mailbox = _mailbox(settings, engine, clock, policy, status, wake, loop)
    runner = _runner(settings, engine, clock, policy, model)
    log.info(
        "daemon_started",
        mailbox=status.mailbox_kind,
        transport=type(transport).__name__,
        model=model.name,
        **recovered,
    )
    if serve_http:
        log.info("approvals_page", **approvals_notice(settings))
    approvals = _approvals_app(engine, clock, settings, policy)
    erp = ErpLoop(engine, clock, policy, settings.home)
    try:
        async with _approvals_lifespan(approvals) as notifier:
            tasks = [
                asyncio.create_task(mailbox(stop_event), name="mailbox"),
                asyncio.create_task(
                    _runner_loop(runner, settings, status, wake, stop_event, clock),
                    name="runner",
                ),
                asyncio.create_task(
                    _outbox_loop(
                        engine, transport, sent_copy, settings, policy, status, wake, stop_event,
                        clock,
                    ),
                    name="outbox",
                ),
                asyncio.create_task(erp.run(stop_event), name="erp"),
            ]  # fmt: skip
            if notifier is not None:
                tasks.append(_notifier_task(settings, notifier, stop_event))
            if serve_http:
                tasks.append(
                    asyncio.create_task(
                        _serve_http(
                            settings, engine, status, clock, approvals, stop_event, erp.routes()
                        ),
                        name="http",
                    )
                )
            failed = await _supervise(tasks, stop_event)
            status.stopping = True
            await _drain(tasks, failed)
    finally:
        await _close(transport, sent_copy)
        remove_handlers()
        log.info("daemon_stopped")


def _notifier_task(
    settings: Settings, notifier: Any, stop_event: asyncio.Event
) -> asyncio.Task[None]:
    return asyncio.create_task(
        _every(settings.tick_interval_s, stop_event, notifier.tick, "notifier"), name="notifier"
    )


async def _recover(engine: Engine, clock: Clock) -> dict[str, int]:
    """What a dead process left behind: its leases released, its runs closed as interrupted."""
    released = await asyncio.to_thread(release_dead_leases, engine)
    interrupted = await asyncio.to_thread(close_interrupted_runs, engine, now=clock.now())
    return {"released_leases": released, "interrupted_runs": len(interrupted)}


def _runner(
    settings: Settings, engine: Engine, clock: Clock, policy: Policy, model: ModelClient
) -> Runner:
    deps = AgentDeps(
        engine=engine,
        clock=clock,
        policy=policy,
        model=model,
        mail_from=settings.mail.from_address,
    )
    return Runner(deps, concurrency=settings.concurrency)


async def _drain(tasks: list[asyncio.Task[None]], failed: asyncio.Task[None] | None) -> None:
    """Let every loop finish, log the ones that failed, and raise when one stopped early."""
    log.info("daemon_draining")
    results = await asyncio.gather(*tasks, return_exceptions=True)
    for task, result in zip(tasks, results, strict=True):
        if isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
            log.error("daemon_task_failed", task=task.get_name(), error=repr(result))
    if failed is not None:
        raise RuntimeError(f"the daemon's {failed.get_name()} loop stopped") from (
            failed.exception()
        )


def main(settings: Settings, *, clock: Clock | None = None) -> None:
    """`recoup run`: structured logs, then the daemon until SIGTERM or SIGINT."""
    from recoup.clock import SystemClock
    from recoup.logs import configure_logging

    configure_logging()

    async def daemon() -> None:
        await run_daemon(settings, clock=clock or SystemClock(), stop_event=asyncio.Event())

    asyncio.run(daemon())


async def _supervise(
    tasks: list[asyncio.Task[None]], stop: asyncio.Event
) -> asyncio.Task[None] | None:
    """Wait for the stop signal. A loop that ends before it (they handle their own
    errors, so only a bug or a failed start ends one) stops the whole daemon,
    rather than leave it running half-dead; returns that loop."""
    stopping = asyncio.ensure_future(stop.wait())
    try:
        done, _pending = await asyncio.wait([stopping, *tasks], return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
    ended = next((task for task in tasks if task in done), None)
    if ended is not None and not stop.is_set():
        log.error("daemon_loop_ended", loop=ended.get_name())
        stop.set()
        return ended
    return None


# --- set-up ---------------------------------------------------------------------


def _engine(settings: Settings) -> Engine:
    url = settings.resolved_database_url
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    migrate(engine)
    return engine


def _policy_file(settings: Settings) -> Path | None:
    if settings.policy_file is not None:
        return settings.policy_file
    local = settings.home / "policy.toml"
    return local if local.exists() else None


def _model(settings: Settings) -> ModelClient:
    from recoup.agent.clients.factory import make_model

    return make_model(settings.model)


def maildir_root(settings: Settings) -> Path:
    return settings.mail.maildir or settings.home / "mail"


def _outbound(settings: Settings) -> tuple[Transport, SentFolder | None]:
    smtp, imap = settings.mail.smtp, settings.mail.imap
    if smtp is None:
        return MaildirTransport(maildir_root(settings)), None
    # The collections mailbox receives an invisible copy of every message: the
    # outbox's proof of delivery after a crash (see recoup.mail.outbox).
    receipt_to = settings.mail.from_address if imap is not None else None
    timeout_s = max(1.0, settings.mail.send_lease_s / 3)
    transport = SmtpTransport(
        smtp, receipt_to=receipt_to, timeout_s=timeout_s, max_connections=SEND_CONCURRENCY
    )
    sent_copy = ImapSentFolder(imap) if imap is not None and imap.sent_folder else None
    return transport, sent_copy


def _mailbox(
    settings: Settings,
    engine: Engine,
    clock: Clock,
    policy: Policy,
    status: DaemonStatus,
    wake: Wakeups,
    loop: asyncio.AbstractEventLoop,
) -> Callable[[asyncio.Event], Coroutine[Any, Any, None]]:
    def new_mail() -> None:
        loop.call_soon_threadsafe(wake.runner.set)

    if settings.mail.imap is not None:
        source = ImapSource(
            engine,
            settings.mail.imap,
            clock=clock,
            policy=policy,
            status=status.mailbox,
            on_new_mail=new_mail,
        )
        return source.run
    inbox = MaildirInbox(maildir_root(settings))
    maildir = MaildirSource(
        engine, inbox, clock=clock, policy=policy, status=status.mailbox, on_new_mail=new_mail
    )

    async def run_maildir(stop: asyncio.Event) -> None:
        await maildir.run(stop, interval_s=MAILDIR_INTERVAL_S)

    return run_maildir


def _approvals_app(
    engine: Engine, clock: Clock, settings: Settings, policy: Policy
) -> Starlette | None:
    try:
        from recoup.approvals.web import create_app
    except ImportError:
        return None
    return create_app(engine, clock=clock, settings=settings, policy=policy)


@contextlib.asynccontextmanager
async def _approvals_lifespan(app: Starlette | None) -> AsyncIterator[Any]:
    """A mounted app's lifespan is not run by its parent: run it here."""
    if app is None:
        yield None
        return
    async with app.router.lifespan_context(app):
        yield getattr(app.state, "notifier", None)


# --- the loops ------------------------------------------------------------------


async def _runner_loop(
    runner: Runner,
    settings: Settings,
    status: DaemonStatus,
    wake: Wakeups,
    stop: asyncio.Event,
    clock: Clock,
) -> None:
    while not stop.is_set():
        wake.runner.clear()
        try:
            report = await runner.tick()
            status.runner.ran(clock.now())
            if report.results:
                wake.outbox.set()
        except Exception as exc:
            status.runner.ran(clock.now(), f"{type(exc).__name__}: {exc}"[:500])
            log.exception("runner_tick_failed")
        await _nap(stop, wake.runner, settings.tick_interval_s)


async def _outbox_loop(
    engine: Engine,
    transport: Transport,
    sent_copy: SentFolder | None,
    settings: Settings,
    policy: Policy,
    status: DaemonStatus,
    wake: Wakeups,
    stop: asyncio.Event,
    clock: Clock,
) -> None:
    lease = timedelta(seconds=settings.mail.send_lease_s)
    while not stop.is_set():
        wake.outbox.clear()
        busy = False
        try:
            report = await deliver_due(
                engine,
                transport,
                clock=clock,
                sent_copy=sent_copy,
                limit=OUTBOX_BATCH,
                from_name=settings.mail.from_name,
                policy=policy,
                lease=lease,
                stop=stop,
                concurrency=SEND_CONCURRENCY,
            )
            status.outbox.ran(clock.now())
            busy = report.claimed >= OUTBOX_BATCH
        except Exception as exc:
            status.outbox.ran(clock.now(), f"{type(exc).__name__}: {exc}"[:500])
            log.exception("outbox_failed")
        if not busy:
            await _nap(stop, wake.outbox, min(OUTBOX_INTERVAL_S, settings.mail.send_lease_s))


async def _every(
    interval_s: float, stop: asyncio.Event, work: Callable[[], Awaitable[object]], name: str
) -> None:
    while not stop.is_set():
        try:
            await work()
        except Exception:
            log.exception("daemon_loop_failed", loop=name)
        await _nap(stop, None, interval_s)


async def _nap(stop: asyncio.Event, wake: asyncio.Event | None, seconds: float) -> None:
    """Sleep up to ``seconds``; return early on stop or on ``wake``."""
    waiters = [asyncio.ensure_future(stop.wait())]
    if wake is not None:
        waiters.append(asyncio.ensure_future(wake.wait()))
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


class _QuietServer(uvicorn.Server):
    """uvicorn without its own signal handling: the daemon owns the signals."""

    @contextlib.contextmanager
    def capture_signals(self) -> Any:
        yield


async def _serve_http(
    settings: Settings,
    engine: Engine,
    status: DaemonStatus,
    clock: Clock,
    approvals: Starlette | None,
    stop: asyncio.Event,
    webhooks: list[Route] | None = None,
) -> None:
    routes = health_routes(engine, status, clock) + list(webhooks or [])
    if approvals is not None:
        # Mounted at the root, after /health: its pages and /slack/interactivity
        # keep the paths they link to.
        routes.append(Mount("/", app=approvals))
    app = Starlette(routes=routes)
    config = uvicorn.Config(
        app,
        host=settings.http_host,
        port=settings.http_port,
        lifespan="off",
        log_config=None,
        log_level="warning",
        access_log=False,
    )
    server = _QuietServer(config)

    async def serve() -> None:
        try:
            await server.serve()
        except SystemExit:  # uvicorn exits the process when it cannot listen
            raise RuntimeError(
                f"the HTTP server could not listen on {settings.http_host}:{settings.http_port}"
            ) from None

    serving = asyncio.create_task(serve())
    await asyncio.wait(
        [serving, asyncio.ensure_future(stop.wait())], return_when=asyncio.FIRST_COMPLETED
    )
    server.should_exit = True
    await serving


async def _close(transport: Transport, sent_copy: SentFolder | None) -> None:
    close = getattr(transport, "close", None)
    if close is not None:
        with contextlib.suppress(Exception):
            result = close()
            if asyncio.iscoroutine(result):
                await result
    if isinstance(sent_copy, ImapSentFolder):
        await asyncio.to_thread(sent_copy.close)
