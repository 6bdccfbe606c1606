"""The approvals web app: the local approvals page (``site.py``) under ``/`` and
Slack's interactivity endpoint (``slack_endpoint.py``) at ``/slack/interactivity``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.routing import Route

from recoup.approvals.decisions import Decisions
from recoup.approvals.desk import CaseDesk
from recoup.approvals.dispute_desk import DisputeDesk
from recoup.approvals.dispute_page import DisputePages
from recoup.approvals.notifier import Notifier
from recoup.approvals.site import ApprovalsPage
from recoup.approvals.slack_endpoint import SlackInteractivity
from recoup.clock import Clock
from recoup.policy import Policy
from recoup.settings import Settings
from recoup.tools.registry import ToolRegistry, default_registry

SLACK_TIMEOUT_S = 10.0


def create_app(
    engine: Engine,
    *,
    clock: Clock,
    settings: Settings,
    policy: Policy,
    registry: ToolRegistry | None = None,
) -> Starlette:
    """The approvals page under ``/`` and Slack interactivity at ``/slack/interactivity``.

    The app owns one ``httpx.AsyncClient`` for Slack (opened at startup) and a
    ``Notifier`` on ``app.state.notifier``, whose ``tick()`` the daemon runs."""
    desk = CaseDesk(
        engine,
        clock=clock,
        settings=settings,
        decisions=Decisions(
            engine,
            clock,
            policy,
            registry or default_registry(),
            mail_from=settings.mail.from_address,
        ),
    )
    site = ApprovalsPage(desk)
    dispute_pages = DisputePages(site, DisputeDesk(engine, clock))
    slack = SlackInteractivity(desk)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with httpx.AsyncClient(timeout=SLACK_TIMEOUT_S) as http:
            app.state.notifier = Notifier(
                engine, clock=clock, policy=policy, settings=settings, http=http
            )
            yield

    routes = [
        Route("/", site.queue, methods=["GET"]),
        Route("/login", site.login_form, methods=["GET"]),
        Route("/login", site.login, methods=["POST"]),
        Route("/logout", site.logout, methods=["POST"]),
        Route("/static/approvals.css", site.stylesheet, methods=["GET"]),
        Route("/cases/{case_id:int}", site.case, methods=["GET"]),
        Route("/cases/{case_id:int}/{action:str}", site.decide, methods=["POST"]),
        Route("/slack/interactivity", slack.interactivity, methods=["POST"]),
        *dispute_pages.routes(),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.decisions = desk.decisions
    return app
