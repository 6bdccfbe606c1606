"""Persona customers: what they do with the mail they actually receive, and the
raw mail they send back (parsed by the production parser)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

from recoup.evals.calibration import load_calibration
from recoup.evals.customers import Customers, PlannedMail, PlannedPayment
from recoup.evals.dice import Dice
from recoup.evals.scenario import Scenario
from recoup.mail.parse import AutoKind, parse_message
from tests.evals.eval_support import START, dispute_reply, promise_reply, scenario_data

NOW = START.replace(tzinfo=UTC) + timedelta(hours=3)
AR = "ar@northwind-supply.example"


def _customers(data: dict, **assumptions: float) -> Customers:
    calibration = load_calibration()
    if assumptions:
        calibration = calibration.model_copy(
            update={
                "assumptions": calibration.assumptions.model_copy(update=assumptions),
            }
        )
    return Customers(Scenario.model_validate(data), calibration, Dice(7, data["id"]), to_address=AR)


def _email(
    to: str = "dana@harborpack.example",
    body: str = "Invoice INV-5001 is overdue.",
    *,
    message_id: str = "<r1@northwind-supply.example>",
    in_reply_to: str | None = None,
    attachment: str | None = None,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = AR
    message["To"] = to
    message["Subject"] = "Overdue invoice"
    message["Message-ID"] = message_id
    message["Date"] = "Mon, 02 Nov 2026 09:00:00 +0000"
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    message.set_content(body)
    if attachment:
        message.add_attachment(
            b"%PDF-1.4", maintype="application", subtype="pdf", filename=attachment
        )
    return message


def _drain(customers: Customers, until: datetime) -> list[PlannedMail | PlannedPayment]:
    return customers.due(until)


def test_a_reminder_moves_a_responsive_customer_to_pay_the_invoices_it_names() -> None:
    data = scenario_data("nudge", persona={"profile": "late", "reminder_response": 1.0})
    customers = _customers(data)
    customers.delivered(_email(), customer="C-1", tone="friendly", now=NOW)
    low, high = load_calibration().assumptions.response_delay_days
    when = customers.next_time()
    assert when is not None and NOW + timedelta(days=low) <= when <= NOW + timedelta(days=high)
    planned = [
        p for p in _drain(customers, NOW + timedelta(days=10)) if isinstance(p, PlannedPayment)
    ]
    assert [(p.invoices, p.reason) for p in planned] == [(("INV-5001",), "reminded")]
    happens, numbers = customers.payable(planned[0], NOW.date())
    assert happens and numbers == ["INV-5001"]


def test_a_deaf_customer_and_mail_to_the_wrong_person_move_nothing() -> None:
    deaf = _customers(scenario_data("deaf", persona={"reminder_response": 0.0}))
    deaf.delivered(_email(), customer="C-1", tone="final", now=NOW)
    assert not _drain(deaf, NOW + timedelta(days=30))
    wrong = _customers(
        scenario_data(
            "wrong",
            persona={"reminder_response": 1.0, "unread_addresses": ["dana@harborpack.example"]},
        )
    )
    wrong.delivered(_email(), customer="C-1", tone="friendly", now=NOW)
    assert not _drain(wrong, NOW + timedelta(days=30))


def test_a_copy_unlocks_an_invoice_the_customer_could_not_pay() -> None:
    data = scenario_data("copy", persona={"reminder_response": 1.0, "needs_copy": ["INV-5001"]})
    customers = _customers(data, copy_response=1.0)
    customers.delivered(_email(), customer="C-1", tone="friendly", now=NOW)
    assert not [
        p
        for p in _drain(customers, NOW + timedelta(days=10))
        if isinstance(p, PlannedPayment) and "INV-5001" in p.invoices
    ]
    later = NOW + timedelta(days=11)
    customers.delivered(
        _email(attachment="invoice-INV-5001.pdf", message_id="<r2@x.example>"),
        customer="C-1",
        tone="courtesy",
        now=later,
    )
    paid = [
        p for p in _drain(customers, later + timedelta(days=10)) if isinstance(p, PlannedPayment)
    ]
    assert any("INV-5001" in p.invoices for p in paid)


def test_a_dead_address_bounces_with_a_delivery_status_notification() -> None:
    data = scenario_data("dead", persona={"dead_addresses": ["dana@harborpack.example"]})
    customers = _customers(data)
    customers.delivered(_email(), customer="C-1", tone="friendly", now=NOW)
    mails = [m for m in _drain(customers, NOW + timedelta(hours=1)) if isinstance(m, PlannedMail)]
    assert len(mails) == 1
    parsed = parse_message(mails[0].raw, today=NOW.date())
    assert parsed.auto_kind is AutoKind.BOUNCE
    assert parsed.bounced_recipients == ["dana@harborpack.example"]


def test_an_absent_contact_answers_with_its_out_of_office_and_reads_on_return() -> None:
    until = (NOW + timedelta(days=9)).date()
    data = scenario_data(
        "away",
        persona={
            "reminder_response": 1.0,
            "absent": [
                {
                    "email": "dana@harborpack.example",
                    "start": START.isoformat() + "Z",
                    "until": until.isoformat(),
                }
            ],
        },
        mailbox=[
            {
                "id": "m1",
                "customer": "C-1",
                "kind": "auto_reply",
                "when": {"after": "outbound", "delay_hours": 0.05},
                "body": f"I am out of the office until {until:%d %B %Y}.\n",
                "quote": False,
                "intents": ["out_of_office"],
            }
        ],
    )
    customers = _customers(data)
    customers.delivered(_email(), customer="C-1", tone="friendly", now=NOW)
    soon = _drain(customers, NOW + timedelta(days=8))
    assert [type(item) for item in soon] == [PlannedMail]
    parsed = parse_message(soon[0].raw, today=NOW.date())
    assert parsed.auto_kind is AutoKind.AUTO_REPLY
    assert parsed.in_reply_to == "r1@northwind-supply.example"
    later = [
        p for p in _drain(customers, NOW + timedelta(days=30)) if isinstance(p, PlannedPayment)
    ]
    assert later and all(p.invoices for p in later)


def test_a_reply_is_threaded_quotes_what_it_answers_and_keeps_its_promise() -> None:
    data = scenario_data(
        "promise", mailbox=[promise_reply()], persona={"profile": "late", "promise_keeping": 1.0}
    )
    customers = _customers(data)
    customers.delivered(_email(), customer="C-1", tone="friendly", now=NOW)
    (mail,) = [m for m in _drain(customers, NOW + timedelta(hours=4)) if isinstance(m, PlannedMail)]
    parsed = parse_message(mail.raw, today=NOW.date())
    assert parsed.in_reply_to == "r1@northwind-supply.example"
    assert parsed.subject == "Re: Overdue invoice"
    assert "Friday week" in parsed.text and "Invoice INV-5001 is overdue." not in parsed.text
    assert "INV-5001 is overdue" in parsed.quoted_text
    customers.stored(mail, NOW + timedelta(hours=3))
    (payment,) = [
        p for p in _drain(customers, NOW + timedelta(days=30)) if isinstance(p, PlannedPayment)
    ]
    assert payment.reason == "promised" and payment.binding
    assert set(payment.invoices) == {"INV-5001", "INV-5002"}


def test_the_same_key_gives_the_same_draw_and_another_seed_another() -> None:
    dice = Dice(1, "s")
    assert dice.random("C-1", "nudge", 1) == Dice(1, "s").random("C-1", "nudge", 1)
    draws = {Dice(seed, "s").random("C-1", "nudge", 1) for seed in range(20)}
    assert len(draws) == 20
    assert all(0 <= d < 1 for d in draws)
    assert {Dice(1, "s").between(2, 4, i) for i in range(50)} == {2, 3, 4}


def test_html_only_mail_reaches_the_parser_as_text() -> None:
    reply = {
        **dispute_reply(),
        "html": True,
        "body": "<p>We will <b>not</b> pay INV-5001: the cartons were crushed.</p>",
    }
    customers = _customers(scenario_data("html", mailbox=[reply]))
    customers.delivered(_email(), customer="C-1", tone="friendly", now=NOW)
    (mail,) = [m for m in _drain(customers, NOW + timedelta(hours=4)) if isinstance(m, PlannedMail)]
    parsed = parse_message(mail.raw, today=NOW.date())
    assert parsed.html_only
    assert "not pay INV-5001" in " ".join(parsed.text.split())


def test_a_message_can_wait_for_recoups_answer_to_an_earlier_one() -> None:
    first = {
        **dispute_reply(),
        "body": "Can you resend INV-5001? We never got it.\n",
        "intents": ["copy_request"],
    }
    second = {
        "id": "m2",
        "customer": "C-1",
        "when": {"after": "reply", "ref": "m1", "delay_hours": 20},
        "body": "Got it, thanks. It will be paid on Tuesday.\n",
        "intents": ["promise"],
    }
    customers = _customers(scenario_data("thread", mailbox=[first, second]))
    customers.delivered(_email(), customer="C-1", tone="friendly", now=NOW)
    (m1,) = [m for m in _drain(customers, NOW + timedelta(hours=4)) if isinstance(m, PlannedMail)]
    customers.stored(m1, NOW + timedelta(hours=3))
    unrelated = _email(body="Another reminder.", message_id="<r2@northwind-supply.example>")
    customers.delivered(unrelated, customer="C-1", tone="friendly", now=NOW + timedelta(hours=5))
    assert not [m for m in _drain(customers, NOW + timedelta(days=3)) if isinstance(m, PlannedMail)]
    answer = _email(
        body="Here is INV-5001.",
        message_id="<r3@northwind-supply.example>",
        in_reply_to=f"<{m1.message_id}>",
        attachment="invoice-INV-5001.pdf",
    )
    customers.delivered(answer, customer="C-1", tone="courtesy", now=NOW + timedelta(days=3))
    later = NOW + timedelta(days=4)
    (m2,) = [m for m in _drain(customers, later) if isinstance(m, PlannedMail)]
    assert m2.spec_id == "m2"
    parsed = parse_message(m2.raw, today=later.date())
    assert parsed.in_reply_to == "r3@northwind-supply.example"
