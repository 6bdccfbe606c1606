"""The approvals page's HTML, filled from the template files beside this module.

Every value is HTML-escaped unless it is ``Html`` (a fragment rendered here
from a template), so customer text shows as text, never as markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cache
from html import escape
from pathlib import Path
from string import Template

from recoup.approvals.case import AccountBrief, Case, CorrespondenceLine, HeldAction, InvoiceLine
from recoup.approvals.choices import (
    NOTE_PURPOSE,
    Action,
    choices,
    one_line,
    outreach_word,
    stops_outreach,
    waiting_to,
)
from recoup.approvals.reading import Suggestion
from recoup.clock import as_utc
from recoup.ledger.models import DisputeReason, EscalationStatus
from recoup.money import from_cents

TEMPLATES_DIR = Path(__file__).parent / "templates"
STYLESHEET = TEMPLATES_DIR / "approvals.css"
STATUS_LABELS = {
    "open": "Open",
    "approved": "Approved",
    "rejected": "Rejected",
    "taken_over": "Taken over",
    "expired": "Expired",
    "resolved": "Resolved",
}


class Html(str):
    """Markup that is already safe to insert."""


@cache
def _template(name: str) -> Template:
    return Template((TEMPLATES_DIR / name).read_text(encoding="utf-8"))


def render(template: str, /, **values: object) -> Html:
    safe = {
        key: value if isinstance(value, Html) else escape(str(value), quote=True)
        for key, value in values.items()
    }
    return Html(_template(template).substitute(safe))


def join(fragments: Iterable[Html]) -> Html:
    return Html("\n".join(fragments))


def layout(
    title: str,
    content: Html,
    *,
    user: str | None = None,
    csrf: str = "",
    flash: tuple[str, str] | None = None,
) -> Html:
    account = render("signed_in.html", user=user, csrf=csrf) if user else Html("")
    shown = render("flash.html", kind=flash[0], text=flash[1]) if flash else Html("")
    return render("layout.html", title=title, account=account, flash=shown, content=content)


def login_page(*, csrf: str, error: str = "", user: str = "") -> Html:
    problem = render("flash.html", kind="error", text=error) if error else Html("")
    return render("login.html", csrf=csrf, error=problem, user=user)


def error_page(heading: str, text: str) -> Html:
    return render("error.html", heading=heading, text=text)


def queue_page(open_cases: list[Case], decided: list[Case]) -> Html:
    rows = join(
        render(
            "queue_row.html",
            id=case.id,
            account=_account_name(case),
            category=_label(case.category),
            why=one_line(case.why),
            waiting=waiting_to(case),
            outreach=outreach_word(case),
            outreach_class="stops" if stops_outreach(case) else "",
            balance=case.money(case.account.balance_cents) if case.account else "—",
            expires=when(case.expires_at),
        )
        for case in open_cases
    )
    decided_rows = join(
        render(
            "decided_row.html",
            id=case.id,
            account=_account_name(case),
            category=_label(case.category),
            status=case.status,
            status_label=STATUS_LABELS.get(case.status, case.status),
            by=f"{case.decided_by} ({case.decision_channel})" if case.decided_by else "—",
            when=when(case.decided_at),
        )
        for case in decided
    )
    return render(
        "queue.html",
        open_count=len(open_cases),
        open_rows=rows,
        decided_rows=decided_rows,
        empty=_none_yet(open_cases, "Nothing awaits a decision."),
        none_decided=_none_yet(decided, "No decisions yet."),
    )


def _none_yet(items: list[Case], text: str) -> Html:
    return Html("") if items else render("empty.html", text=text)


def case_page(case: Case, *, csrf: str) -> Html:
    refusals = Html("")
    if case.refusals and case.is_open:
        items = join(Html(f"<li>{escape(r)}</li>") for r in case.refusals)
        refusals = Html(
            f'<section class="card refusals"><h2>Approval refused</h2><ul>{items}</ul></section>'
        )
    return render(
        "case.html",
        title=case.title,
        status=case.status,
        status_label=STATUS_LABELS.get(case.status, case.status),
        state_detail=_state_detail(case),
        refusals=refusals,
        why=case.why,
        rule=f"rule {case.rule_id}" if case.rule_id else "",
        recommendation=case.recommendation or "—",
        account=_account(case, case.account) if case.account else Html(""),
        held=_held(case.held, _held_heading(case)) if case.held else Html(""),
        decide=_decide(case, csrf),
        invoices=join(_invoice_row(case, line) for line in case.invoices),
        correspondence=join(_message(m) for m in case.correspondence)
        or Html('<p class="muted">No correspondence.</p>'),
    )


def when(moment: datetime | None) -> str:
    return f"{as_utc(moment):%Y-%m-%d %H:%M} UTC" if moment else "—"


def _state_detail(case: Case) -> str:
    if case.is_open:
        return f"opened {when(case.created_at)}, expires {when(case.expires_at)}"
    who = f" by {case.decided_by} via {case.decision_channel}" if case.decided_by else ""
    note = f" — “{case.decision_note}”" if case.decision_note else ""
    return f"{who} at {when(case.decided_at)}{note}".strip()


def _account(case: Case, account: AccountBrief) -> Html:
    habits = account.habits
    paid = (
        f"{habits.paid_invoices} invoices paid, {habits.avg_days_late:g} days late on average"
        if habits.avg_days_late is not None
        else "no payment history yet"
    )
    aging = ", ".join(
        f"{bucket}: {case.money(cents)}" for bucket, cents in account.aging_cents.items() if cents
    )
    if account.taken_over:
        outreach = "taken over by a person"
    elif account.paused_until:
        outreach = f"paused until {when(account.paused_until)}"
    else:
        outreach = f"by the agent, last touch {when(account.last_touch_at)}"
    return render(
        "account.html",
        name=account.name,
        ref=account.ref,
        segment=_label(account.segment),
        strategic=", strategic" if account.strategic else "",
        balance=case.money(account.balance_cents),
        overdue=case.money(account.overdue_cents),
        aging=aging or "nothing open",
        habits=paid,
        disputes=account.open_disputes,
        promises=account.pending_promises,
        last_inbound=when(account.last_inbound_at),
        outreach=outreach,
    )


def _held_heading(case: Case) -> str:
    if case.is_open:
        return "Waiting for your decision"
    if case.status == EscalationStatus.APPROVED.value:
        return "Approved and done"
    return "Was held, not done"


def _held(held: HeldAction, heading: str) -> Html:
    if held.email is not None:
        email = held.email
        headers = join(
            Html(f"      <dt>{escape(name)}</dt><dd>{escape(value)}</dd>")
            for name, value in email.headers()
        )
        attachments = (
            Html(
                '<ul class="attachments">'
                + "".join(f"<li>Attachment: {escape(name)}</li>" for name in email.attachments)
                + "</ul>"
            )
            if email.attachments
            else Html("")
        )
        return render(
            "held_email.html",
            heading=heading,
            summary=held.summary,
            headers=headers,
            body=email.body,
            attachments=attachments,
            tone=email.tone,
            concession=f" · offers a {email.concession}" if email.concession else "",
        )
    details = join(
        Html(f"    <dt>{escape(key)}</dt><dd>{escape(value)}</dd>") for key, value in held.details
    )
    return render("held_action.html", heading=heading, summary=held.summary, details=details)


def _decide(case: Case, csrf: str) -> Html:
    if case.reading is not None:
        return join([reading_answers(case, case.reading, csrf), _decide_held(case, csrf)])
    return _decide_held(case, csrf)


def reading_answers(case: Case, suggested: Suggestion, csrf: str) -> Html:
    """One form per answer, prefilled with what the reader found."""
    reasons = join(
        Html(
            f'        <option value="{reason.value}"'
            f"{' selected' if reason is suggested.dispute_reason else ''}>"
            f"{escape(_label(reason.value))}</option>"
        )
        for reason in DisputeReason
    )
    return render(
        "reading_decide.html",
        id=case.id,
        csrf=csrf,
        promised_date=suggested.promised_date.isoformat() if suggested.promised_date else "",
        amount=str(from_cents(suggested.amount_cents)) if suggested.amount_cents else "",
        currency=case.account.currency if case.account else "",
        reasons=reasons,
        address=suggested.redirect_email or "",
    )


def _decide_held(case: Case, csrf: str) -> Html:
    """One note field and a button per choice, the recommended one first (the default)."""
    offered = choices(case)
    buttons = [choice for choice in offered if choice.action is not Action.EDIT]
    if not buttons:
        return Html("")
    edit = Html("")
    editing = next((choice for choice in offered if choice.action is Action.EDIT), None)
    email = case.held.email if case.held else None
    if editing is not None and email is not None:
        edit = render(
            "edit.html",
            id=case.id,
            csrf=csrf,
            label=editing.label,
            effect=editing.effect,
            subject=email.subject,
            body=email.body,
        )
    items = join(
        render(
            "choice.html",
            id=case.id,
            action=choice.action.value,
            label=choice.label,
            effect=choice.effect,
            style="primary" if choice.recommended else "",
            tag=Html(' <span class="recommended">Recommended</span>')
            if choice.recommended
            else Html(""),
        )
        for choice in buttons
    )
    return render(
        "decide.html",
        id=case.id,
        csrf=csrf,
        default_action=buttons[0].action.value,
        note_purpose=NOTE_PURPOSE,
        choices=items,
        edit=edit,
    )


def _invoice_row(case: Case, line: InvoiceLine) -> Html:
    return render(
        "invoice_row.html",
        number=line.number,
        due=line.due_date.isoformat(),
        days=line.days_past_due,
        amount=case.money(line.amount_cents),
        open=case.money(line.open_cents),
        status="disputed" if line.disputed else line.status,
    )


def _message(message: CorrespondenceLine) -> Html:
    inbound = message.direction == "inbound"
    addresses = f"from {message.from_addr}" if inbound else f"to {message.to_addrs}"
    return render(
        "message.html",
        direction=message.direction,
        direction_label="Customer" if inbound else "Sent",
        at=when(message.at),
        addresses=addresses,
        subject=message.subject or "(no subject)",
        excerpt=message.excerpt,
    )


def _account_name(case: Case) -> str:
    return case.account.name if case.account else "unmatched mail"


def _label(value: str) -> str:
    return value.replace("_", " ")
