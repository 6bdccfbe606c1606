"""The local approvals page: plain HTML forms — a queue of open cases, a case
page, and the case's choices (see ``choices``), each a button that says what it does.

It needs the login token, keeps a signed session cookie, and checks a CSRF
token on every form.
"""

from __future__ import annotations

import json
from typing import Any

import structlog
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

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
from recoup.approvals.decisions import Channel, Decision, Outcome, Person
from recoup.approvals.desk import CaseDesk
from recoup.approvals.notifier import Notifier
from recoup.ledger.ids import row_id

log = structlog.get_logger(__name__)

NOTE_CHARS = 1000
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


class ApprovalsPage:
    def __init__(self, desk: CaseDesk) -> None:
        self.desk = desk
        self.auth = WebAuth(approvals_token(desk.settings), desk.clock)

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
        open_cases, decided = await run_in_threadpool(self.desk.queue)
        return self._html(request, "Open cases", pages.queue_page(open_cases, decided), user=user)

    async def case(self, request: Request) -> Response:
        user = self._user(request)
        if user is None:
            return RedirectResponse("/login", status_code=303)
        case_id = row_id(request.path_params["case_id"])
        case = await run_in_threadpool(self.desk.case, case_id) if case_id is not None else None
        if case is None:
            page = _no_case_page(request)
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
        case_id = row_id(request.path_params["case_id"])
        action = str(request.path_params["action"])
        if case_id is None:
            page = _no_case_page(request)
            return self._html(request, "Not found", page, user=user, status_code=404)
        note = str(form.get("note", "")).strip()[:NOTE_CHARS]
        by = Person(user, Channel.WEB)
        try:
            if action == "approve":
                decision = await run_in_threadpool(
                    self.desk.decisions.approve, case_id, by, note=note
                )
            elif action == "edit":
                decision = await run_in_threadpool(
                    self.desk.approve_edited,
                    case_id,
                    by,
                    str(form.get("subject", "")),
                    str(form.get("body", "")),
                )
            elif action == "resume":
                decision = await run_in_threadpool(
                    self.desk.decisions.resume, case_id, by, note=note
                )
            elif action == "reject":
                decision = await run_in_threadpool(
                    self.desk.decisions.reject, case_id, by, note=note
                )
            elif action == "takeover":
                decision = await run_in_threadpool(
                    self.desk.decisions.take_over, case_id, by, note=note
                )
            elif action == "read":
                decision = await run_in_threadpool(
                    self.desk.read_case,
                    case_id,
                    by,
                    str(form.get("answer", "")),
                    note=note,
                    **{
                        name: str(form.get(name, ""))[:NOTE_CHARS]
                        for name in ("promised_date", "amount", "reason", "address")
                    },
                )
            elif action == "release":
                decision = await run_in_threadpool(
                    self.desk.decisions.release, case_id, by, note=note
                )
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


def _no_case_page(request: Request) -> pages.Html:
    return pages.error_page("Not found", f"There is no case #{request.path_params['case_id']}.")
