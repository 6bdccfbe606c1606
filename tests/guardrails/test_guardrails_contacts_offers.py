"""Contacts and offers through the guardrails and the tools: a redirect on the customer's
domain is used at once, one elsewhere waits for a person; an opt-out is recorded and
honoured; reminders follow the contacts' roles; a conditional offer is never a promise
until the concession policy or a person accepts it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from recoup.approvals.decisions import Channel, Decisions, Person
from recoup.clock import FixedClock, as_utc
from recoup.ledger.models import Contact, Escalation, Promise
from recoup.policy import ConcessionLimits, Policy
from tests.guardrails.guardrail_world import (
    ACME_EMAIL,
    ACME_INVOICE,
    World,
    assert_allowed,
    assert_denied,
    build_world,
)


@pytest.fixture
def world(session: Session, clock: FixedClock, policy: Policy) -> World:
    return build_world(session, clock, policy)


def _contacts(world: World) -> dict[str, Contact]:
    rows = world.session.exec(select(Contact).where(Contact.customer_id == world.acme.id))
    return {c.email: c for c in rows}


def test_a_redirect_on_the_customers_domain_is_added_and_becomes_the_one_written_to(
    world: World,
) -> None:
    message = world.inbound("Please send invoices to payables@acme.example from now on.")

    outcome = world.execute(
        "update_contact",
        {
            "action": "add",
            "email": "Payables@Acme.example",
            "replaces": ACME_EMAIL,
            "source_message_id": message.id,
        },
    )

    assert outcome.status == "ok", outcome.result
    assert outcome.result["outreach_to"] == "payables@acme.example"
    contacts = _contacts(world)
    added = contacts["payables@acme.example"]
    assert added.is_primary and added.source_message_id == message.id
    assert added.role == contacts[ACME_EMAIL].role == "billing"
    assert not contacts[ACME_EMAIL].is_primary
    assert_allowed(world.verdict(to=["payables@acme.example"]))


def test_a_redirect_to_another_domain_waits_for_a_person(world: World) -> None:
    message = world.inbound("Our AP is outsourced: send invoices to ap@bureau.example.")

    outcome = world.execute(
        "update_contact",
        {"action": "add", "email": "ap@bureau.example", "source_message_id": message.id},
    )

    assert outcome.status == "held" and outcome.result["rule"] == "contact.new_domain"
    escalation = world.session.get(Escalation, outcome.result["escalation_id"])
    assert escalation is not None and escalation.category == "contact_change"
    assert escalation.held_action is not None
    assert escalation.held_action["args"]["email"] == "ap@bureau.example"
    assert "ap@bureau.example" not in _contacts(world)
    assert_denied(world.verdict(to=["ap@bureau.example"]), "contact.recipient_unknown")


def test_an_approved_contact_change_adds_the_address(
    world: World, clock: FixedClock, policy: Policy
) -> None:
    outcome = world.execute("update_contact", {"action": "add", "email": "ap@bureau.example"})
    world.session.commit()
    engine = world.session.get_bind()
    decisions = Decisions(engine=engine, clock=clock, policy=policy)  # type: ignore[arg-type]

    decided = decisions.approve(
        outcome.result["escalation_id"], Person("dana", Channel.CLI), note="checked by phone"
    )

    assert decided.applied, decided.message
    world.session.expire_all()
    assert _contacts(world)["ap@bureau.example"].is_primary


def test_an_opt_out_is_recorded_with_its_message_and_time_and_no_email_goes_there(
    world: World,
) -> None:
    world.contact("sam@acme.example", is_primary=False)
    message = world.inbound("Please stop emailing me.")

    outcome = world.execute(
        "update_contact",
        {"action": "do_not_contact", "email": ACME_EMAIL, "source_message_id": message.id},
    )

    assert outcome.status == "ok", outcome.result
    assert outcome.result["outreach_to"] == "sam@acme.example"
    opted_out = _contacts(world)[ACME_EMAIL]
    assert opted_out.do_not_contact and not opted_out.is_primary
    assert opted_out.do_not_contact_message_id == message.id
    assert opted_out.do_not_contact_at is not None
    assert as_utc(opted_out.do_not_contact_at) == world.now
    assert _contacts(world)["sam@acme.example"].is_primary
    assert_denied(world.verdict(), "contact.do_not_contact")
    assert_allowed(world.verdict(to=["sam@acme.example"]))
    # Once opted out, a redirect cannot bring the address back.
    again = world.execute("update_contact", {"action": "add", "email": ACME_EMAIL})
    assert again.status == "denied" and again.result["rule"] == "contact.do_not_contact"


def test_only_the_contact_itself_opts_out_without_a_person(world: World) -> None:
    world.contact("sam@acme.example")
    message = world.inbound("Ignore Sam, never write to sam@acme.example again.")

    outcome = world.execute(
        "update_contact",
        {"action": "do_not_contact", "email": "sam@acme.example", "source_message_id": message.id},
    )

    assert outcome.status == "held" and outcome.result["rule"] == "contact.opt_out_by_other"
    assert not _contacts(world)["sam@acme.example"].do_not_contact
    unknown = world.execute("update_contact", {"action": "do_not_contact", "email": "x@y.example"})
    assert unknown.status == "denied" and unknown.result["rule"] == "contact.unknown"


def test_reminders_go_to_billing_before_the_owner_and_the_purchaser(world: World) -> None:
    world.contact("buyer@acme.example", role="purchaser")  # type: ignore[arg-type]
    world.contact("boss@acme.example", role="owner")  # type: ignore[arg-type]

    assert_denied(world.verdict(to=["buyer@acme.example"]), "contact.role")
    assert_denied(world.verdict(to=["boss@acme.example"]), "contact.role")
    assert_allowed(world.verdict())
    # With billing gone, the owner is next, and still before the purchaser.
    _contacts(world)[ACME_EMAIL].do_not_contact = True
    assert_allowed(world.verdict(to=["boss@acme.example"]))
    assert_denied(world.verdict(to=["buyer@acme.example"]), "contact.role")


def test_an_answer_goes_to_whoever_wrote_whatever_their_role(world: World) -> None:
    world.contact("buyer@acme.example", role="purchaser")  # type: ignore[arg-type]
    message = world.inbound("Which invoice is this?")

    verdict = world.verdict(
        to=["buyer@acme.example"], tone="courtesy", reply_to_message_id=message.id
    )

    assert_allowed(verdict)


def _offer(world: World, **changes: object) -> dict[str, object]:
    args: dict[str, object] = {
        "promised_date": (world.today + timedelta(days=7)).isoformat(),
        "invoice_numbers": [ACME_INVOICE],
    }
    args.update(changes)
    return args


def test_a_settlement_for_less_than_the_balance_is_a_discount_held_for_a_person(
    world: World,
) -> None:
    outcome = world.execute("log_promise", _offer(world, amount=500.0, settles_in_full=True))

    assert outcome.status == "held" and outcome.result["rule"] == "concession.discount"
    assert "50%" in outcome.result["reason"]
    escalation = world.session.get(Escalation, outcome.result["escalation_id"])
    assert escalation is not None and escalation.category == "concession"
    assert list(world.session.exec(select(Promise))) == []


def test_a_settlement_within_the_discount_policy_is_logged(world: World) -> None:
    generous = Policy(concessions=ConcessionLimits(max_discount_pct=10))

    outcome = world.execute(
        "log_promise", _offer(world, amount=950.0, settles_in_full=True), policy=generous
    )

    assert outcome.status == "ok", outcome.result
    assert world.session.exec(select(Promise)).one().amount_cents == 95_000


def test_any_other_condition_is_for_a_person_and_a_plain_part_payment_is_not(
    world: World,
) -> None:
    held = world.execute("log_promise", _offer(world, condition="if you waive the late fee"))
    part = world.execute("log_promise", _offer(world, amount=400.0))

    assert held.status == "held" and held.result["rule"] == "concession.condition"
    assert part.status == "ok" and part.result["amount_cents"] == 40_000
