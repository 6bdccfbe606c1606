"""Matching an inbound message to exactly one account, or to none."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from recoup.clock import FixedClock
from recoup.ledger.models import Contact, Direction, Message, MessageStatus
from recoup.mail.match import Clues, MatchIndex, MatchResult, match_message
from tests.support import factory


def _outbound(session: Session, customer_id: int, message_id: str, clock: FixedClock) -> None:
    session.add(
        Message(
            customer_id=customer_id,
            direction=Direction.OUTBOUND.value,
            status=MessageStatus.SENT.value,
            message_id=message_id,
            created_at=clock.now(),
        )
    )
    session.flush()


def _match(session: Session, **fields: object) -> MatchResult:
    """The match, checked to be the same from the queries and from a batch's index."""
    values: dict[str, object] = {
        "from_addr": "someone@nowhere.example",
        "in_reply_to": None,
        "references": [],
        "subject": "",
        "text": "",
    }
    values.update(fields)
    queried = match_message(session, **values)  # type: ignore[arg-type]
    clues = Clues(**values)  # type: ignore[arg-type]
    assert MatchIndex.load(session, [clues]).match(clues) == queried
    return queried


def test_thread_headers_win_over_the_sender(session: Session, clock: FixedClock) -> None:
    first = factory.customer(session, email="ap@first.example")
    factory.customer(session, email="ap@second.example")
    _outbound(session, first.id or 0, "reminder-1@recoup.test", clock)
    result = _match(session, from_addr="ap@second.example", in_reply_to="reminder-1@recoup.test")
    assert (result.customer_id, result.method) == (first.id, "thread")


def test_references_are_used_when_in_reply_to_is_unknown(
    session: Session, clock: FixedClock
) -> None:
    owner = factory.customer(session, email="ap@owner.example")
    _outbound(session, owner.id or 0, "older@recoup.test", clock)
    result = _match(
        session,
        in_reply_to="unknown@elsewhere",
        references=["x@y", "older@recoup.test"],
    )
    assert (result.customer_id, result.method) == (owner.id, "thread")


def test_sender_address_then_domain(session: Session) -> None:
    owner = factory.customer(session, email="pat@acme.example")
    other = factory.customer(session, email="ap@other.example")
    by_contact = _match(session, from_addr="PAT@acme.example")
    assert (by_contact.customer_id, by_contact.method) == (owner.id, "contact")
    by_domain = _match(session, from_addr="new.person@other.example")
    assert (by_domain.customer_id, by_domain.method) == (other.id, "domain")


def test_invoice_number_in_the_subject(session: Session, clock: FixedClock) -> None:
    owner = factory.customer(session, email="ap@acme.example")
    invoice = factory.invoice(session, owner, due=clock.now().date() - timedelta(days=3))
    result = _match(
        session, from_addr="clerk@gmail.com", subject=f"question about {invoice.number.lower()}"
    )
    assert (result.customer_id, result.method) == (owner.id, "invoice")
    assert result.invoice_numbers == [invoice.number]


def test_a_public_mail_domain_proves_nothing(session: Session) -> None:
    factory.customer(session, email="boss@gmail.com")
    result = _match(session, from_addr="stranger@gmail.com")
    assert result.customer_id is None and result.candidates == []


def test_a_shared_contact_is_narrowed_by_invoice_numbers(
    session: Session, clock: FixedClock
) -> None:
    first = factory.customer(session, email="ap@first.example")
    second = factory.customer(session, email="ap@second.example")
    for owner in (first, second):
        session.add(Contact(customer_id=owner.id or 0, email="books@accountants.example"))
    invoice = factory.invoice(session, second, due=clock.now().date())
    session.flush()

    ambiguous = _match(session, from_addr="books@accountants.example", text="hello")
    assert ambiguous.customer_id is None and ambiguous.ambiguous
    assert sorted(ambiguous.candidates) == sorted([first.id, second.id])

    narrowed = _match(
        session, from_addr="books@accountants.example", text=f"about {invoice.number}"
    )
    assert narrowed.customer_id == second.id
    assert narrowed.method == "contact+invoice"


def test_conflicting_evidence_is_not_resolved_by_a_guess(
    session: Session, clock: FixedClock
) -> None:
    first = factory.customer(session, email="ap@first.example")
    second = factory.customer(session, email="ap@second.example")
    third = factory.customer(session, email="ap@third.example")
    for owner in (first, second):
        session.add(Contact(customer_id=owner.id or 0, email="books@accountants.example"))
    invoice = factory.invoice(session, third, due=clock.now().date())
    session.flush()
    result = _match(session, from_addr="books@accountants.example", text=f"about {invoice.number}")
    assert result.customer_id is None
    assert sorted(result.candidates) == sorted([first.id, second.id])


def test_a_batch_index_knows_the_messages_stored_before_in_the_batch(session: Session) -> None:
    owner = factory.customer(session, email="ap@owner.example")
    factory.customer(session, email="ap@other.example")
    reply = Clues("ap@other.example", "first@owner.example", [], "Re: hello", "")
    index = MatchIndex.load(session, [reply])
    assert index.match(reply).method == "contact"
    index.remember("first@owner.example", owner.id or 0)
    assert (index.match(reply).customer_id, index.match(reply).method) == (owner.id, "thread")
