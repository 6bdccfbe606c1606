"""The offline model's parts: reading the conversation, dates, tone, templates, re-plans."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from recoup.agent.clients.offline import OfflineModel
from recoup.chat import ChatMessage
from recoup.guardrails.rules.concessions import OFFER_LANGUAGE as _CONCESSION_WORDS
from recoup.guardrails.rules.text import money_amounts_cents
from recoup.ledger.state import (
    AccountState,
    ContactView,
    InvoiceView,
    PaymentHabits,
    PromiseView,
)
from recoup.offline.brain import Move, next_move
from recoup.offline.compose import Writer, greeting, invoice_phrase, reply_subject
from recoup.offline.dates import allowed_again, business_day, first_followup_day
from recoup.offline.protocol import call_id, read_conversation, restore_state
from recoup.offline.tone import (
    by_age,
    followup_days,
    is_repeat_late_payer,
    reminder_tone,
    softer,
    within_cap,
)
from recoup.policy import Policy, Tone
from recoup.prompts import PROMPTS_DIR, system_prompt, trigger_message
from recoup.tools.registry import default_registry

MONDAY = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def _state(**changes: object) -> AccountState:
    base = AccountState(
        today=MONDAY.date(),
        customer="C-1",
        name="Acme Corp",
        segment="smb",
        strategic=False,
        terms_days=30,
        timezone="UTC",
        currency="USD",
        balance_cents=350_000,
        overdue_cents=350_000,
        contacts=[
            ContactView(
                name="Pat Payables", email="ap@acme.example", role="billing", contactable=True
            )
        ],
        open_invoices=[
            InvoiceView(
                number="INV-1",
                due_date=date(2026, 10, 14),
                days_past_due=40,
                amount_cents=250_000,
                open_cents=250_000,
                disputed=False,
                promised=False,
            ),
            InvoiceView(
                number="INV-2",
                due_date=date(2026, 11, 11),
                days_past_due=12,
                amount_cents=120_000,
                open_cents=100_000,
                disputed=False,
                promised=False,
            ),
        ],
        open_disputes=[],
        promises=[],
        habits=PaymentHabits(
            paid_invoices=0,
            avg_days_late=None,
            on_time_share=None,
            last_payment_on=None,
            last_payment_cents=None,
        ),
        recent_messages=[],
        last_touch_at=None,
        last_inbound_at=None,
        touches_last_7_days=0,
        open_escalations=[],
        paused_until=None,
        pause_reason=None,
        taken_over=False,
        next_followup_at=None,
    )
    return base.model_copy(update=changes)


def _conversation(state: AccountState) -> list[ChatMessage]:
    trigger = {
        "now": MONDAY.isoformat(),
        "today": "2026-11-23",
        "kinds": ["aging"],
        "events": [],
        "customer_emails": [],
    }
    send = {"to": ["ap@acme.example"], "subject": "s", "body": "b", "tone": "firm"}
    return [
        {
            "role": "system",
            "content": system_prompt(
                Policy(sender_name="Dana Reyes", company_name="Acme Widgets, Inc.")
            ),
        },
        {"role": "user", "content": trigger_message(trigger)},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": call_id("read", "state", 0),
                    "type": "function",
                    "function": {"name": "get_account_state", "arguments": "{}"},
                }
            ],
        },
        {
            "role": "tool",
            "tool_call_id": "read:state:0",
            "content": state.model_dump_json(exclude_none=True),
        },
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": call_id("outreach", "reminder", 1),
                    "type": "function",
                    "function": {"name": "send_email", "arguments": json.dumps(send)},
                },
                {
                    "id": call_id("outreach", "followup", 2),
                    "type": "function",
                    "function": {"name": "schedule_followup", "arguments": "{}"},
                },
            ],
        },
        {
            "role": "tool",
            "tool_call_id": "outreach:reminder:1",
            "content": json.dumps({"denied": True, "rule": "tone.aging", "reason": "too firm"}),
        },
        {
            "role": "tool",
            "tool_call_id": "outreach:followup:2",
            "content": json.dumps({"held_for_approval": True, "escalation_id": 4}),
        },
    ]


def test_the_conversation_is_read_back_into_calls_results_and_state() -> None:
    state = _state()
    conv = read_conversation(_conversation(state))
    assert conv.today == date(2026, 11, 23) and conv.kinds == ["aging"]
    assert conv.signature() == ("Dana Reyes", "Acme Widgets, Inc.")
    assert conv.assistant_turns == 2 and len(conv.steps) == 2
    reminder, wait = conv.last_step
    assert (reminder.phase, reminder.purpose, reminder.name) == (
        "outreach",
        "reminder",
        "send_email",
    )
    assert reminder.denied and reminder.rule == "tone.aging" and not reminder.ok
    assert wait.held and not wait.denied and not wait.ok
    assert reminder.args["tone"] == "firm"
    assert conv.state == state
    assert conv.chars_read > len(conv.system)


def test_a_state_without_its_nulls_is_restored() -> None:
    state = _state(last_touch_at=None, paused_until=None)
    restored = restore_state(json.loads(state.model_dump_json(exclude_none=True)))
    assert restored == state
    assert restore_state({"today": "not a date"}) is None


def test_business_days_and_follow_up_mornings() -> None:
    saturday = date(2026, 11, 28)
    assert business_day(saturday) == date(2026, 11, 30)
    assert business_day(MONDAY.date()) == MONDAY.date()
    # 15:00 UTC on Monday is past the 10:00 follow-up moment: the next morning is Tuesday.
    assert first_followup_day(MONDAY, "UTC") == date(2026, 11, 24)
    # In Los Angeles it is 07:00 on Monday: that morning still comes.
    assert first_followup_day(MONDAY, "America/Los_Angeles") == MONDAY.date()


def test_the_date_a_denial_allows_is_read_from_its_reason() -> None:
    reason = "last touch 2026-11-22 09:00; the policy allows the next one from 2026-11-25 09:00 UTC"
    day = allowed_again("contact.min_interval", reason, now=MONDAY, timezone="UTC", touches=[])
    assert day == date(2026, 11, 25)
    touches = [datetime(2026, 11, 18, 12, 0, tzinfo=UTC), datetime(2026, 11, 20, 12, 0, tzinfo=UTC)]
    capped = "already 2 touches in the last 7 days (max 2)"
    day = allowed_again("contact.weekly_cap", capped, now=MONDAY, timezone="UTC", touches=touches)
    assert day == date(2026, 11, 26)  # the first touch leaves the window on the 25th at 12:00
    friday_night = datetime(2026, 11, 27, 21, 0, tzinfo=UTC)
    day = allowed_again("contact.quiet_hours", "", now=friday_night, timezone="UTC", touches=[])
    assert day == date(2026, 11, 30)


@pytest.mark.parametrize(
    ("days", "repeat_late", "tone"),
    [
        (-3, False, Tone.COURTESY),
        (12, False, Tone.FRIENDLY),
        (20, True, Tone.FIRM),
        (45, False, Tone.FIRM),
        (75, False, Tone.FIRM),
        (120, False, Tone.FINAL),
    ],
)
def test_tone_by_age_and_record(days: int, repeat_late: bool, tone: Tone) -> None:
    assert by_age(days, repeat_late=repeat_late) is tone


def test_caps_soften_and_late_payers_are_recognised() -> None:
    firm_sent = [Tone.FRIENDLY, Tone.FIRM]
    assert within_cap(Tone.FINAL, _state(strategic=True), 120, firm_sent) is Tone.FRIENDLY
    assert within_cap(Tone.FINAL, _state(segment="enterprise"), 120, firm_sent) is Tone.FIRM
    assert within_cap(Tone.FINAL, _state(), 120, firm_sent) is Tone.FINAL
    # The ladder: no final notice before a firm reminder went out, however old the invoice.
    assert within_cap(Tone.FINAL, _state(), 120, []) is Tone.FIRM
    assert within_cap(Tone.FINAL, _state(), 120, [Tone.FRIENDLY]) is Tone.FIRM
    # The usual policy allows no more than friendly in the first 30 days.
    assert within_cap(Tone.FIRM, _state(), 20, firm_sent) is Tone.FRIENDLY
    assert softer(Tone.FIRM) is Tone.FRIENDLY and softer(Tone.COURTESY) is None
    late = PaymentHabits(
        paid_invoices=4,
        avg_days_late=21.0,
        on_time_share=0.0,
        last_payment_on=None,
        last_payment_cents=None,
    )
    assert is_repeat_late_payer(_state(habits=late))
    assert followup_days(Tone.FRIENDLY, _state(habits=late)) == 5
    assert followup_days(Tone.FRIENDLY, _state()) == 7
    broken = PromiseView(
        id=1, amount_cents=1, promised_date=date(2026, 11, 1), status="broken", invoices=["INV-1"]
    )
    assert is_repeat_late_payer(_state(promises=[broken]))
    assert not is_repeat_late_payer(_state())
    due = MONDAY.date() - timedelta(days=45)
    assert reminder_tone(20, _state(), broken_promise=True, overdue_since=due) is Tone.FRIENDLY
    assert reminder_tone(45, _state(), broken_promise=True, overdue_since=due) is Tone.FIRM


def test_wording_helpers() -> None:
    assert invoice_phrase(["A-1"]) == "invoice A-1"
    assert invoice_phrase(["A-1", "A-2", "A-3"]) == "invoices A-1, A-2 and A-3"
    assert reply_subject("RE: Re: Fw: Invoice A-1", "Northwind") == "Re: Invoice A-1"
    assert reply_subject("  ", "Northwind") == "Re: your message to Northwind"
    contact = ContactView(
        name="Accounts Payable", email="ap@x.example", role="billing", contactable=True
    )
    assert greeting(contact) == "Hello"
    assert greeting(contact.model_copy(update={"name": "Jo Smith"})) == "Hello Jo"


def test_reminder_templates_state_exact_amounts_and_no_undeclared_offer() -> None:
    state = _state()
    writer = Writer(state, "Dana Reyes", "Acme Widgets")
    for tone in ("courtesy", "friendly", "firm", "final"):
        email = writer.email(
            f"reminder_{tone}",
            state.contacts[0],
            statement_note=writer.statement_note(True),
            **writer.invoice_values(state.open_invoices),
        )
        assert "INV-1" in email.subject and "INV-2" in email.subject
        assert email.body.startswith("Hello Pat,")
        assert email.body.rstrip().endswith("Dana Reyes, Acme Widgets")
        assert "A statement of your account is attached." in email.body
        assert "$" not in email.subject
        amounts = set(money_amounts_cents(email.body))
        assert amounts == {250_000, 100_000, 120_000, 350_000}
        assert _CONCESSION_WORDS.search(email.body) is None


def test_only_the_plan_proposal_uses_concession_words() -> None:
    offending = sorted(
        path.stem
        for path in (PROMPTS_DIR / "emails").glob("*.txt")
        if _CONCESSION_WORDS.search(path.read_text(encoding="utf-8"))
    )
    assert offending == ["plan_proposal"]


# ---------------------------------------------------------------- re-plans after the guardrails


def _after(
    state: AccountState,
    *calls: tuple[str, dict[str, object], dict[str, object]],
    purpose: str = "reminder",
    phase: str = "outreach",
) -> list[ChatMessage]:
    """A conversation whose last turn made ``calls`` (name, args, result)."""
    messages = _conversation(state)[:4]
    messages.append(
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": call_id(phase, purpose if name == "send_email" else "followup", n),
                    "type": "function",
                    "function": {"name": name, "arguments": json.dumps(args)},
                }
                for n, (name, args, _) in enumerate(calls, start=1)
            ],
        }
    )
    messages.extend(
        {
            "role": "tool",
            "tool_call_id": call_id(phase, purpose if name == "send_email" else "followup", n),
            "content": json.dumps(result),
        }
        for n, (name, args, result) in enumerate(calls, start=1)
    )
    return messages


def _reminder_args(
    tone: str = "firm", numbers: tuple[str, ...] = ("INV-1", "INV-2")
) -> dict[str, object]:
    return {
        "to": ["ap@acme.example"],
        "subject": "s",
        "body": "b",
        "tone": tone,
        "invoice_numbers": list(numbers),
    }


def _denied(rule: str, reason: str = "no") -> dict[str, object]:
    return {"denied": True, "rule": rule, "reason": reason}


def _move(messages: list[ChatMessage]) -> Move:
    return next_move(read_conversation(messages))


def test_a_held_invoice_is_dropped_from_the_reminder() -> None:
    state = _state()
    reason = "invoice INV-1 has an open dispute: no outreach about it until the dispute is resolved"
    move = _move(_after(state, ("send_email", _reminder_args(), _denied("hold.dispute", reason))))
    (again,) = move.actions
    assert move.phase == "repair" and again.name == "send_email"
    assert again.args["invoice_numbers"] == ["INV-2"] and again.args["tone"] == "firm"
    assert "INV-1" not in str(again.args["body"]) + str(again.args["subject"])


def test_a_tone_denial_is_answered_one_step_softer() -> None:
    move = _move(_after(_state(), ("send_email", _reminder_args(), _denied("tone.aging"))))
    email, wait = move.actions
    assert email.args["tone"] == "friendly" and "past due" in str(email.args["subject"])
    assert wait.name == "schedule_followup" and wait.args["on"] == "2026-11-30"


def test_a_forced_escalation_is_made_instead_of_writing() -> None:
    denial = _denied("escalation.legal", "message #4 mentions 'lawyer': this needs a person first")
    move = _move(_after(_state(), ("send_email", _reminder_args(), denial)))
    (escalation,) = move.actions
    assert escalation.name == "escalate" and escalation.args["category"] == "legal"
    assert "lawyer" in str(escalation.args["reason"])


def test_a_content_denial_falls_back_to_the_plain_template() -> None:
    denial = _denied("content.amount_mismatch", "the email states $9.99")
    move = _move(_after(_state(), ("send_email", _reminder_args(), denial)))
    (plain,) = move.actions
    assert plain.purpose == "plain" and "$" not in str(plain.args["body"])
    assert plain.args["invoice_numbers"] == ["INV-1", "INV-2"]
    # A plain email that is refused too is not tried again.
    again = _move(_after(_state(), ("send_email", _reminder_args(), denial), purpose="plain"))
    assert again.text is not None and not again.actions


def test_a_frequency_denial_waits_until_the_date_it_names() -> None:
    reason = "last touch 2026-11-22 09:00; the policy allows the next one from 2026-11-25 09:00 UTC"
    denial = _denied("contact.min_interval", reason)
    move = _move(
        _after(
            _state(),
            ("send_email", _reminder_args(), denial),
            ("schedule_followup", {"on": "2026-11-30", "reason": "x"}, {"due_at": "x"}),
        )
    )
    (wait,) = move.actions
    assert wait.name == "schedule_followup" and wait.args["on"] == "2026-11-25"


def test_a_reply_put_off_by_quiet_hours_leaves_a_note_to_answer_it() -> None:
    args = {**_reminder_args("courtesy"), "reply_to_message_id": 12}
    move = _move(
        _after(_state(), ("send_email", args, _denied("contact.quiet_hours")), purpose="reply")
    )
    (wait,) = move.actions
    assert wait.args["on"] == "2026-11-24" and "answer message #12" in str(wait.args["reason"])


def test_an_action_held_for_approval_is_not_repeated_and_the_run_ends() -> None:
    held = {"held_for_approval": True, "escalation_id": 3, "rule": "tone.cap", "reason": "cap"}
    move = _move(_after(_state(), ("send_email", _reminder_args(), held)))
    assert not move.actions and move.text is not None
    assert "held for approval (tone.cap)" in move.text and "\n" not in move.text


def test_re_plans_stop_after_two_rounds() -> None:
    messages = _after(
        _state(), ("send_email", _reminder_args(), _denied("tone.aging")), phase="repair"
    )
    for n in (7, 8):
        messages.append(
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": call_id("repair", "reminder", n),
                        "type": "function",
                        "function": {
                            "name": "send_email",
                            "arguments": json.dumps(_reminder_args()),
                        },
                    }
                ],
            }
        )
        messages.append(
            {
                "role": "tool",
                "tool_call_id": call_id("repair", "reminder", n),
                "content": json.dumps(_denied("tone.aging")),
            }
        )
    move = _move(messages)
    assert not move.actions and move.text is not None


async def test_the_first_turn_reads_the_account_and_answers_are_deterministic() -> None:
    model = OfflineModel()
    tools = default_registry().specs()
    first = await model.complete(_conversation(_state())[:2], tools)
    assert [c.name for c in first.tool_calls] == ["get_account_state"]
    messages = _conversation(_state())[:4]
    one, two = await model.complete(messages, tools), await model.complete(messages, tools)
    assert one == two and one.tool_calls
    assert {c.name for c in one.tool_calls} == {"send_email", "schedule_followup"}
    assert one.usage.prompt_tokens == read_conversation(messages).chars_read // 4
    assert one.usage.completion_tokens > 0
    # Offered no tools, it stops instead of calling one that does not exist.
    assert (await model.complete(messages, [])).tool_calls == []
    assert (await model.complete([], tools)).content
