"""SIGTERM and SIGINT ask the daemon to stop: no new work is taken, work in
flight is finished. A second signal while stopping exits at once."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Callable

import structlog

log = structlog.get_logger(__name__)
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def install_stop_handlers(stop: asyncio.Event) -> Callable[[], None]:
    """Route the stop signals to ``stop``; returns the function that removes them."""
    loop = asyncio.get_running_loop()

    def on_signal(signum: int) -> None:
        name = signal.Signals(signum).name
        if stop.is_set():
            log.warning("daemon_forced_exit", signal=name)
            os._exit(128 + signum)
        log.info("daemon_stopping", signal=name)
        stop.set()

    installed = []
    for signum in STOP_SIGNALS:
        try:
            loop.add_signal_handler(signum, on_signal, signum)
            installed.append(signum)
        except (NotImplementedError, RuntimeError, ValueError):
            pass  # not the main thread, or a platform without signal handlers

    def remove() -> None:
        for signum in installed:
            loop.remove_signal_handler(signum)

    return remove
