"""The approvals web app: the local approvals page and Slack's interactivity endpoint.

The page (``/``) is plain HTML forms: a queue of open cases, a case page, and
Approve / Reject / Take over / Edit. It needs the login token, keeps a signed
session cookie, and checks a CSRF token on every form.

``/slack/interactivity`` takes Slack's signed button clicks and modal
submissions. It verifies the signature over the raw body, answers at once and
does the work (the decision, then ``chat.update`` or a modal) in a background
task, well inside Slack's 3 seconds.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qs

import httpx
import structlog
from sqlalchemy import Engine
from sqlmodel import col, select
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from recoup.approvals import pages
from recoup.approvals.auth import (
    CSRF_COOKIE,
    FLASH_COOKIE,
    MAX_USER_CHARS,
    SESSION_COOKIE,
    SESSION_LIFETIME,
    WebAuth,
    approvals_token,
    new_nonce,
)
from recoup.approvals.blocks import (
    ACTION_APPROVE,
    ACTION_EDIT,
    ACTION_REJECT,
    ACTION_TAKE_OVER,
    BODY_BLOCK,
    BODY_INPUT,
    NOTE_BLOCK,
    NOTE_INPUT,
    SUBJECT_BLOCK,
    SUBJECT_INPUT,
    VIEW_EDIT,
    VIEW_REJECT,
    edit_modal,
    editable_in_slack,
    modal_metadata,
    reject_modal,
)
from recoup.approvals.case import Case, assemble_case, sender_header
from recoup.approvals.decisions import Channel, Decision, Decisions, Outcome, Person, edited_email
from recoup.approvals.notifier import Notifier
from recoup.approvals.slack import SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureError, SlackError
from recoup.approvals.slack import verify_signature as verify_slack_signature
from recoup.clock import Clock
from recoup.ledger.db import session as open_session
from recoup.ledger.models import Escalation, EscalationStatus
from recoup.policy import Policy
from recoup.settings import Settings
from recoup.tools.registry import ToolRegistry, default_registry

log = structlog.get_logger(__name__)

RECENTLY_DECIDED = 20
NOTE_CHARS = 1000
SLACK_TIMEOUT_S = 10.0
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
FLASH_KIND = {
    Outcome.APPLIED: "ok",
    Outcome.ALREADY_DECIDED: "warn",
    Outcome.REFUSED: "error",
    Outcome.NOT_FOUND: "error",
}


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
    site = ApprovalsSite(
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
        Route("/slack/interactivity", site.slack_interactivity, methods=["POST"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.decisions = site.decisions
    return app


class ApprovalsSite:
    def __init__(
        self, engine: Engine, *, clock: Clock, settings: Settings, decisions: Decisions
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.settings = settings
        self.decisions = decisions
        self.auth = WebAuth(approvals_token(settings), clock)

    # The page --------------------------------------------------------------

    async def login_form(self, request: Request) -> Response:
        if self._user(request):
            return RedirectResponse("/", status_code=303)
        nonce = self._nonce(request)
        return self._html(request, "Sign in", pages.login_page(csrf=self.auth.csrf_token(nonce)))

    async def login(self, request: Request) -> Response:
        form = await request.form()
        nonce = self._nonce(request)
        if not self._csrf_ok(request, form.get("csrf")):
            return self._forbidden(request)
        user = " ".join(str(form.get("user", "")).split())[:MAX_USER_CHARS]
        token = str(form.get("token", ""))
        if not user or not self.auth.token_matches(token):
            error = "That token is not valid." if user else "Your name, please."
            page = pages.login_page(csrf=self.auth.csrf_token(nonce), error=error, user=user)
            log.warning("approvals_login_refused", user=user)
            return self._html(request, "Sign in", page, status_code=401)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            self.auth.session_cookie(user),
            max_age=int(SESSION_LIFETIME.total_seconds()),
            **self._cookie_flags(request),
        )
        log.info("approvals_login", user=user)
        return response

    async def logout(self, request: Request) -> Response:
        form = await request.form()
        if not self._csrf_ok(request, form.get("csrf")):
            return self._forbidden(request)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    async def stylesheet(self, _request: Request) -> Response:
        css = pages.STYLESHEET.read_text(encoding="utf-8")
        return Response(css, media_type="text/css", headers={"Cache-Control": "max-age=300"})

    async def queue(self, request: Request) -> Response:
        user = self._user(request)
        if user is None:
            return RedirectResponse("/login", status_code=303)
        open_cases, decided = await run_in_threadpool(self._queue)
        return self._html(request, "Open cases", pages.queue_page(open_cases, decided), user=user)

    async def case(self, request: Request) -> Response:
        user = self._user(request)
        if user is None:
            return RedirectResponse("/login", status_code=303)
        case_id = int(request.path_params["case_id"])
        case = await run_in_threadpool(self._case, case_id)
        if case is None:
            page = pages.error_page("Not found", f"There is no case #{case_id}.")
            return self._html(request, "Not found", page, user=user, status_code=404)
        csrf = self.auth.csrf_token(self._nonce(request))
        return self._html(request, case.title, pages.case_page(case, csrf=csrf), user=user)

    async def decide(self, request: Request) -> Response:
        user = self._user(request)
        if user is None:
            return RedirectResponse("/login", status_code=303)
        form = await request.form()
        if not self._csrf_ok(request, form.get("csrf")):
            return self._forbidden(request)
        case_id = int(request.path_params["case_id"])
        action = str(request.path_params["action"])
        note = str(form.get("note", "")).strip()[:NOTE_CHARS]
        by = Person(user, Channel.WEB)
        try:
            if action == "approve":
                decision = await run_in_threadpool(self.decisions.approve, case_id, by, note=note)
            elif action == "edit":
                decision = await run_in_threadpool(
                    self._approve_edited,
                    case_id,
                    by,
                    str(form.get("subject", "")),
                    str(form.get("body", "")),
                )
            elif action == "reject":
                decision = await run_in_threadpool(self.decisions.reject, case_id, by, note=note)
            elif action == "takeover":
                decision = await run_in_threadpool(self.decisions.take_over, case_id, by, note=note)
            elif action == "release":
                decision = await run_in_threadpool(self.decisions.release, case_id, by, note=note)
            else:
                return self._html(
                    request,
                    "Not found",
                    pages.error_page("Not found", f"No such decision: {action}."),
                    user=user,
                    status_code=404,
                )
        except ValueError as exc:
            decision = Decision(case_id, action, Outcome.REFUSED, f"{exc}.")
        response = RedirectResponse(f"/cases/{case_id}", status_code=303)
        flash = json.dumps([FLASH_KIND[decision.outcome], decision.message])
        response.set_cookie(FLASH_COOKIE, self.auth.sign(flash), **self._cookie_flags(request))
        if decision.outcome is not Outcome.NOT_FOUND:
            response.background = BackgroundTask(_reflect, request.app, case_id)
        return response

    # Slack -----------------------------------------------------------------

    async def slack_interactivity(self, request: Request) -> Response:
        secret = self.settings.slack.signing_secret
        if secret is None:
            return Response("Slack interactivity is not configured", status_code=404)
        body = await request.body()
        try:
            verify_slack_signature(
                secret.get_secret_value(),
                timestamp=request.headers.get(TIMESTAMP_HEADER),
                signature=request.headers.get(SIGNATURE_HEADER),
                body=body,
                now=self.clock.now(),
            )
        except SignatureError as exc:
            log.warning("slack_request_refused", reason=str(exc))
            return Response("invalid request signature", status_code=401)
        try:
            payload = json.loads(parse_qs(body.decode("utf-8"))["payload"][0])
        except (KeyError, IndexError, ValueError):
            return Response("no interaction payload", status_code=400)
        kind = payload.get("type")
        if kind == "block_actions":
            return self._block_actions(request.app, payload)
        if kind == "view_submission":
            return self._view_submission(request.app, payload)
        return Response(status_code=200)

    def _block_actions(self, app: Starlette, payload: dict[str, Any]) -> Response:
        actions = payload.get("actions") or []
        if not actions:
            return Response(status_code=200)
        action = actions[0]
        try:
            case_id = int(action.get("value", ""))
        except ValueError:
            return Response(status_code=200)
        container = payload.get("container") or {}
        channel = container.get("channel_id") or (payload.get("channel") or {}).get("id", "")
        task = BackgroundTask(
            self._slack_action,
            app,
            str(action.get("action_id", "")),
            case_id,
            _slack_person(payload),
            str(channel),
            str(container.get("message_ts", "")),
            str(payload.get("trigger_id", "")),
        )
        return Response(status_code=200, background=task)

    def _view_submission(self, app: Starlette, payload: dict[str, Any]) -> Response:
        view = payload.get("view") or {}
        values = (view.get("state") or {}).get("values") or {}
        try:
            case_id, channel, _ts = modal_metadata(str(view.get("private_metadata", "")))
        except (ValueError, KeyError):
            return Response(status_code=200)
        person = _slack_person(payload)
        callback = view.get("callback_id")
        if callback == VIEW_REJECT:
            note = _input(values, NOTE_BLOCK, NOTE_INPUT)
            if not note:
                return _modal_errors({NOTE_BLOCK: "A note is needed: the agent re-plans from it."})
            work = BackgroundTask(self._slack_reject, app, case_id, person, channel, note)
        elif callback == VIEW_EDIT:
            subject = _input(values, SUBJECT_BLOCK, SUBJECT_INPUT)
            body = _input(values, BODY_BLOCK, BODY_INPUT)
            if not subject or not body:
                return _modal_errors(
                    {SUBJECT_BLOCK if not subject else BODY_BLOCK: "This cannot be empty."}
                )
            work = BackgroundTask(
                self._slack_approve_edited, app, case_id, person, channel, subject, body
            )
        else:
            return Response(status_code=200)
        return Response(status_code=200, background=work)

    async def _slack_action(
        self,
        app: Starlette,
        action_id: str,
        case_id: int,
        person: Person,
        channel: str,
        ts: str,
        trigger_id: str,
    ) -> None:
        notifier: Notifier = app.state.notifier
        if action_id == ACTION_APPROVE:
            decision = await run_in_threadpool(self.decisions.approve, case_id, person)
        elif action_id == ACTION_TAKE_OVER:
            decision = await run_in_threadpool(self.decisions.take_over, case_id, person)
        elif action_id in (ACTION_REJECT, ACTION_EDIT):
            await self._open_modal(notifier, action_id, case_id, person, channel, ts, trigger_id)
            return
        else:
            return
        await _answer_in_slack(notifier, decision, person, channel)

    async def _open_modal(
        self,
        notifier: Notifier,
        action_id: str,
        case_id: int,
        person: Person,
        channel: str,
        ts: str,
        trigger_id: str,
    ) -> None:
        if notifier.slack is None:
            return
        case = await run_in_threadpool(self._case, case_id)
        try:
            if case is None or not case.is_open:
                unchanged = await run_in_threadpool(self.decisions.unchanged, case_id, action_id)
                await _answer_in_slack(notifier, unchanged, person, channel)
            elif action_id == ACTION_REJECT:
                await notifier.slack.open_view(
                    trigger_id, reject_modal(case, channel=channel, ts=ts)
                )
            elif editable_in_slack(case):
                await notifier.slack.open_view(trigger_id, edit_modal(case, channel=channel, ts=ts))
        except SlackError as exc:
            log.warning("slack_modal_failed", escalation_id=case_id, error=exc.error)

    async def _slack_reject(
        self, app: Starlette, case_id: int, person: Person, channel: str, note: str
    ) -> None:
        decision = await run_in_threadpool(self.decisions.reject, case_id, person, note=note)
        await _answer_in_slack(app.state.notifier, decision, person, channel)

    async def _slack_approve_edited(
        self, app: Starlette, case_id: int, person: Person, channel: str, subject: str, body: str
    ) -> None:
        decision = await run_in_threadpool(self._approve_edited, case_id, person, subject, body)
        await _answer_in_slack(app.state.notifier, decision, person, channel)

    # Helpers ---------------------------------------------------------------

    def _approve_edited(self, case_id: int, by: Person, subject: str, body: str) -> Decision:
        with open_session(self.engine) as session:
            escalation = session.get(Escalation, case_id)
            held = escalation.held_action if escalation else None
        if held is None or held.get("tool") != "send_email":
            return Decision(
                case_id, "approve", Outcome.REFUSED, "This case holds no email to edit."
            )
        if not subject.strip() or not body.strip():
            return Decision(
                case_id, "approve", Outcome.REFUSED, "Subject and body cannot be empty."
            )
        edited = edited_email(held["args"], subject=subject, body=body)
        return self.decisions.approve(case_id, by, edited_args=edited)

    def _queue(self) -> tuple[list[Case], list[Case]]:
        with open_session(self.engine) as session:
            open_ids = session.exec(
                select(Escalation.id)
                .where(Escalation.status == EscalationStatus.OPEN.value)
                .order_by(col(Escalation.created_at), col(Escalation.id))
            ).all()
            decided_ids = session.exec(
                select(Escalation.id)
                .where(Escalation.status != EscalationStatus.OPEN.value)
                .order_by(col(Escalation.decided_at).desc(), col(Escalation.id).desc())
                .limit(RECENTLY_DECIDED)
            ).all()
        return self._cases(open_ids), self._cases(decided_ids)

    def _cases(self, ids: Sequence[int | None]) -> list[Case]:
        return [case for i in ids if i is not None and (case := self._case(i)) is not None]

    def _case(self, case_id: int) -> Case | None:
        mail = self.settings.mail
        with open_session(self.engine) as session:
            try:
                return assemble_case(
                    session,
                    case_id,
                    now=self.clock.now(),
                    policy=self.decisions.policy,
                    sender=sender_header(mail.from_name, mail.from_address),
                )
            except LookupError:
                return None

    def _user(self, request: Request) -> str | None:
        return self.auth.session_user(request.cookies.get(SESSION_COOKIE))

    def _nonce(self, request: Request) -> str:
        """This browser's CSRF nonce; a new one is set on the next response."""
        nonce = request.cookies.get(CSRF_COOKIE) or request.scope.get("recoup.csrf_nonce")
        if not nonce:
            nonce = new_nonce()
            request.scope["recoup.csrf_nonce"] = nonce
        return str(nonce)

    def _csrf_ok(self, request: Request, given: object) -> bool:
        return self.auth.csrf_matches(request.cookies.get(CSRF_COOKIE), str(given or ""))

    def _forbidden(self, request: Request) -> Response:
        page = pages.error_page(
            "Form expired", "This form could not be verified. Reload the page and try again."
        )
        return self._html(request, "Forbidden", page, status_code=403)

    def _html(
        self,
        request: Request,
        title: str,
        content: pages.Html,
        *,
        user: str | None = None,
        status_code: int = 200,
    ) -> Response:
        nonce = self._nonce(request)
        flash = self._flash(request)
        body = pages.layout(
            title, content, user=user, csrf=self.auth.csrf_token(nonce), flash=flash
        )
        response = HTMLResponse(body, status_code=status_code, headers=SECURITY_HEADERS)
        flags = self._cookie_flags(request)
        if request.cookies.get(CSRF_COOKIE) != nonce:
            response.set_cookie(CSRF_COOKIE, nonce, **flags)
        if request.cookies.get(FLASH_COOKIE):
            response.delete_cookie(FLASH_COOKIE, path="/")
        return response

    def _flash(self, request: Request) -> tuple[str, str] | None:
        raw = self.auth.unsign(request.cookies.get(FLASH_COOKIE))
        if raw is None:
            return None
        try:
            kind, text = json.loads(raw)
        except ValueError:
            return None
        return str(kind), str(text)

    @staticmethod
    def _cookie_flags(request: Request) -> dict[str, Any]:
        return {
            "path": "/",
            "httponly": True,
            "samesite": "strict",
            "secure": request.url.scheme == "https",
        }


async def _reflect(app: Starlette, case_id: int) -> None:
    """Show a decision taken on the page on the case's Slack message too."""
    notifier: Notifier | None = getattr(app.state, "notifier", None)
    if notifier is not None:
        await notifier.reflect(case_id)


async def _answer_in_slack(
    notifier: Notifier, decision: Decision, person: Person, channel: str
) -> None:
    """Update the case's message with the outcome; tell the clicker privately when
    their click changed nothing (already decided, refused)."""
    await notifier.reflect(decision.escalation_id)
    if decision.applied or notifier.slack is None or not person.ref or not channel:
        return
    try:
        await notifier.slack.post_ephemeral(channel, person.ref, text=decision.message)
    except SlackError as exc:
        log.warning("slack_ephemeral_failed", escalation_id=decision.escalation_id, error=exc.error)


def _slack_person(payload: dict[str, Any]) -> Person:
    user = payload.get("user") or {}
    name = user.get("username") or user.get("name") or user.get("id") or "slack user"
    return Person(str(name), Channel.SLACK, ref=user.get("id"))


def _input(values: dict[str, Any], block: str, action: str) -> str:
    value = ((values.get(block) or {}).get(action) or {}).get("value")
    return str(value or "").strip()


def _modal_errors(errors: dict[str, str]) -> Response:
    return JSONResponse({"response_action": "errors", "errors": errors})
