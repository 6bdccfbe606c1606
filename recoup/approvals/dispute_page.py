"""The approvals page's disputes: the open disputes for their owners, one dispute with the
customer's words and documents, and the three ways it ends (a credit, a write-off with its
approver, a rejection with its reason)."""

from __future__ import annotations

import json

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from recoup.approvals import pages
from recoup.approvals.auth import FLASH_COOKIE
from recoup.approvals.decisions import Channel, Person
from recoup.approvals.dispute_case import DisputeCase, NoSuchDispute, assemble_dispute
from recoup.approvals.dispute_desk import DisputeDesk
from recoup.approvals.site import NOTE_CHARS, ApprovalsPage
from recoup.errors import RecoupError
from recoup.ledger.db import session as open_session
from recoup.ledger.ids import row_id
from recoup.ledger.operations.disputes import disputes_of

ACTIONS = ("credit", "write_off", "reject")


class DisputePages:
    def __init__(self, site: ApprovalsPage, desk: DisputeDesk) -> None:
        self.site = site
        self.desk = desk

    def routes(self) -> list[Route]:
        return [
            Route("/disputes", self.list_open, methods=["GET"]),
            Route("/disputes/{dispute_id:int}", self.show, methods=["GET"]),
            Route("/disputes/{dispute_id:int}/{action:str}", self.end, methods=["POST"]),
        ]

    async def list_open(self, request: Request) -> Response:
        user = self.site._user(request)
        if user is None:
            return RedirectResponse("/login", status_code=303)
        cases = await run_in_threadpool(self._open_cases)
        return self.site._html(request, "Open disputes", list_page(cases), user=user)

    async def show(self, request: Request) -> Response:
        user = self.site._user(request)
        if user is None:
            return RedirectResponse("/login", status_code=303)
        case = await run_in_threadpool(self._case, request.path_params["dispute_id"])
        if case is None:
            return self._not_found(request, user)
        csrf = self.site.auth.csrf_token(self.site._nonce(request))
        return self.site._html(request, case.title, case_page(case, csrf=csrf), user=user)

    async def end(self, request: Request) -> Response:
        user = self.site._user(request)
        if user is None:
            return RedirectResponse("/login", status_code=303)
        form = await request.form()
        if not self.site._csrf_ok(request, form.get("csrf")):
            return self.site._forbidden(request)
        dispute_id = row_id(request.path_params["dispute_id"])
        action = str(request.path_params["action"])
        if dispute_id is None or action not in ACTIONS:
            return self._not_found(request, user)
        by = Person(user, Channel.WEB)
        field = {k: str(form.get(k, "")).strip()[:NOTE_CHARS] for k in form}
        try:
            if action == "credit":
                said = await run_in_threadpool(
                    self.desk.credit, dispute_id, by, amount=field.get("amount") or None,
                    note=field.get("note", ""),
                )  # fmt: skip
            elif action == "write_off":
                said = await run_in_threadpool(
                    self.desk.write_off, dispute_id, by,
                    approved_by=field.get("approved_by", ""), note=field.get("note", ""),
                )  # fmt: skip
            else:
                said = await run_in_threadpool(
                    self.desk.reject, dispute_id, by, reason=field.get("reason", "")
                )
            flash = ["ok", said]
        except RecoupError as exc:
            flash = ["error", f"{exc.one_line()}."]
        response = RedirectResponse(f"/disputes/{dispute_id}", status_code=303)
        signed = self.site.auth.sign(json.dumps(flash))
        response.set_cookie(FLASH_COOKIE, signed, **self.site._cookie_flags(request))
        return response

    def _open_cases(self) -> list[DisputeCase]:
        with open_session(self.desk.engine) as session:
            return [assemble_dispute(session, d.id or 0) for d in disputes_of(session)]

    def _case(self, raw_id: object) -> DisputeCase | None:
        dispute_id = row_id(raw_id)
        if dispute_id is None:
            return None
        with open_session(self.desk.engine) as session:
            try:
                return assemble_dispute(session, dispute_id)
            except NoSuchDispute:
                return None

    def _not_found(self, request: Request, user: str) -> Response:
        page = pages.error_page("Not found", "There is no such dispute.")
        return self.site._html(request, "Not found", page, user=user, status_code=404)


def list_page(cases: list[DisputeCase]) -> pages.Html:
    rows = pages.join(
        pages.render(
            "dispute_row.html",
            id=case.id,
            kind="(deduction)" if case.kind == "deduction" else "",
            account=case.customer,
            invoice=case.invoice,
            amount=case.amount,
            reason=case.reason,
            owner=case.owner,
            due=pages.when(case.due_at),
        )
        for case in cases
    )
    empty = pages.Html("") if cases else pages.render("empty.html", text="No open disputes.")
    return pages.render("dispute_list.html", open_count=len(cases), rows=rows, empty=empty)


def case_page(case: DisputeCase, *, csrf: str) -> pages.Html:
    state = (
        f"Open since {pages.when(case.opened_at)}"
        if case.is_open
        else f"Ended: {case.outcome} by {case.resolved_by}"
        + (f" ({case.outcome_note})" if case.outcome_note else "")
    )
    decide = (
        pages.render("dispute_decide.html", id=case.id, csrf=csrf, amount=case.amount)
        if case.is_open
        else pages.Html("")
    )
    return pages.render(
        "dispute_case.html",
        title=case.title,
        state=state,
        invoice=case.invoice,
        invoice_amount=case.invoice_amount,
        invoice_open=case.invoice_open,
        amount=case.amount,
        reason=case.reason,
        undisputed=case.undisputed,
        owner=case.owner,
        due=pages.when(case.due_at),
        documents=f"Documents: {', '.join(case.documents)}." if case.documents else "",
        words=case.words,
        decide=decide,
    )
