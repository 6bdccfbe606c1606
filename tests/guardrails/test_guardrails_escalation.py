"""Legal or insolvency words from the customer, or a large balance gone silent, stop outreach
until the case has been escalated to a person."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from recoup.clock import FixedClock
from recoup.ledger.models import Escalation
from recoup.policy import EscalationRules, Policy
from tests.guardrails.guardrail_world import World, assert_allowed, assert_denied, build_world


@pytest.fixture
def world(session: Session, clock: FixedClock, policy: Policy) -> World:
    return build_world(session, clock, policy)


@pytest.mark.parametrize(
    "text",
    [
        "If this is not fixed, our lawyers will be in touch.",
        "We have passed the matter to our attorney.",
        "We will take you to court over INV-1001.",
        "We are prepared to sue you for the damaged goods.",
        "Unser Rechtsanwalt wird sich bei Ihnen melden.",
        "Wir werden das Amtsgericht einschalten.",
        "Notre avocat vous contactera.",
        "Nous saisirons le tribunal de commerce.",
        "Nuestro abogado presentará una demanda.",
        "Onze advocaat neemt contact op.",
        "Il nostro avvocato vi contatterà.",
    ],
)
def test_legal_wording_from_the_customer_forces_an_escalation(world: World, text: str) -> None:
    message = world.inbound(text)

    verdict = world.verdict()

    assert_denied(verdict, "escalation.legal")
    assert f"message #{message.id}" in verdict.reason and "call escalate" in verdict.reason


@pytest.mark.parametrize(
    "text",
    [
        "We have filed for Chapter 11 protection.",
        "The company is insolvent; a liquidator has been appointed.",
        "We went into administration last week.",
        "Wir haben Insolvenz angemeldet.",
        "La société est en redressement judiciaire.",
        "Hemos solicitado concurso de acreedores.",
        "Wij hebben surseance van betaling aangevraagd.",
        "La società è in fallimento.",
    ],
)
def test_insolvency_wording_forces_an_escalation(world: World, text: str) -> None:
    world.inbound(text)

    assert_denied(world.verdict(), "escalation.insolvency")


@pytest.mark.parametrize(
    "text",
    [
        "There is an issue with the quantity on INV-1001.",  # not "sue"
        "Thanks for the courtesy reminder, we pay Friday.",  # not "court"
        "Our administration team will process it.",  # not "in administration"
        "Thanks, Sue from Accounts Payable",
        "Ihr Schreiben war an unsere Buchhaltung gerichtet.",  # not "Gericht"
    ],
)
def test_ordinary_mail_that_merely_contains_those_letters_does_not(world: World, text: str) -> None:
    world.inbound(text)

    assert_allowed(world.verdict())


def test_a_register_line_in_a_footer_or_quoted_history_is_no_legal_wording(world: World) -> None:
    world.inbound(
        "Beide Rechnungen werden bis Ende des Monats überwiesen.\n\n"
        "Mit freundlichen Grüßen\nPetra Lindlbauer\n\n"
        "Sitz der Gesellschaft: München · Amtsgericht München HRB 184227\n"
        "Geschäftsführer: Thomas Stangl"
    )
    world.inbound("We pay on Friday.\n\n> On Monday Sue wrote:\n> our lawyers will be in touch")

    assert_allowed(world.verdict())


def test_legal_wording_in_the_customers_own_words_still_counts_beside_a_footer(
    world: World,
) -> None:
    world.inbound(
        "Unser Rechtsanwalt wird sich bei Ihnen melden.\n\n"
        "Sitz der Gesellschaft: Köln · Amtsgericht Köln HRB 12345"
    )

    assert_denied(world.verdict(), "escalation.legal")


def test_the_policy_file_may_name_its_own_words(world: World) -> None:
    words = world.policy.escalation.model_copy(update={"legal_words": ["*inkasso*"]})
    policy = world.policy.model_copy(update={"escalation": words})
    world.inbound("Wir geben das an unser Inkassobüro; unser Anwalt ist informiert.")

    verdict = world.verdict(policy=policy)

    assert_denied(verdict, "escalation.legal")
    assert "mentions 'inkasso'" in verdict.reason


def test_our_own_emails_never_force_an_escalation(world: World) -> None:
    ours = world.outbound(at=world.now - timedelta(days=4))
    ours.text = "Without payment we will consider legal action and court."

    assert_allowed(world.verdict())


def test_the_escalation_unblocks_the_rule_and_its_decision_unblocks_outreach(
    world: World,
) -> None:
    world.inbound("Our lawyer will contact you about INV-1001.")
    assert_denied(world.verdict(), "escalation.legal")

    outcome = world.execute(
        "escalate",
        {"category": "legal", "reason": "legal threat", "recommendation": "hand to counsel"},
    )
    assert outcome.status == "ok"
    assert_denied(world.verdict(), "pause.escalated")  # open: a person has not decided yet

    escalation = world.session.get(Escalation, outcome.result["escalation_id"])
    assert escalation is not None
    escalation.status = "approved"
    escalation.decided_at = world.now
    assert_allowed(world.verdict())  # decided: collection may go on

    world.clock.set(world.now + timedelta(days=4))
    world.inbound("We have now instructed our solicitors.")  # a new threat, a new case
    assert_denied(world.verdict(), "escalation.legal")


def test_an_insolvency_case_stays_blocked_while_it_is_open(world: World) -> None:
    world.inbound("Wir haben Insolvenz angemeldet.")
    world.execute(
        "escalate",
        {"category": "insolvency", "reason": "insolvency", "recommendation": "file a claim"},
    )

    verdict = world.verdict()

    assert_denied(verdict, "pause.escalated")
    assert "(insolvency)" in verdict.reason


# --- a large balance gone silent ---------------------------------------------------------

LARGE = EscalationRules().large_balance_cents


@pytest.fixture
def silent(world: World) -> World:
    """$26,000.00 open, written to weekly for 40 days, never an answer: the last five
    emails all fall inside the 30 days, the first one does not."""
    world.invoice("INV-1010", days_past_due=50, amount_cents=LARGE)
    for days_ago in (40, 29, 22, 15, 8, 4):
        world.outbound(at=world.now - timedelta(days=days_ago))
    return world


def test_a_large_balance_silent_for_the_policys_days_forces_an_escalation(silent: World) -> None:
    verdict = silent.verdict()

    assert_denied(verdict, "escalation.large_silent")
    assert "no reply for 30+ days" in verdict.reason


def test_a_customer_who_answered_recently_is_not_silent(silent: World) -> None:
    silent.inbound("We are looking into it.", at=silent.now - timedelta(days=5))

    assert_allowed(silent.verdict())


def test_a_balance_up_to_the_threshold_is_not_large(silent: World) -> None:
    silent.acme_invoice.open_cents = 0
    silent.acme_invoice.status = "paid"  # leaves exactly the threshold open

    assert_allowed(silent.verdict(body="Invoice INV-1001 is paid, thank you."))


def test_a_silence_shorter_than_the_policys_days_is_no_reason(world: World) -> None:
    world.invoice("INV-1010", days_past_due=50, amount_cents=LARGE)
    world.outbound(at=world.now - timedelta(days=29))

    assert_allowed(world.verdict())  # 29 days of silence are not 30


def test_after_the_escalation_silence_is_counted_again(silent: World) -> None:
    silent.escalation("large_silent", status="resolved")
    assert_allowed(silent.verdict())

    silent.clock.set(silent.now + timedelta(days=31))
    assert_denied(silent.verdict(), "escalation.large_silent")
