"""Disputes to their end: part of an invoice disputed and the rest promised, a short pay
taken as a deduction, a dispute answered by a credit memo from the system of record, a
dispute rejected (collection resumes on that invoice only), a large dispute handed to a
person at once."""

from __future__ import annotations

from typing import Any

from recoup.evals.authoring.build import Case, Inv, Msg, calm, escalated, promise, replied


def booked(
    invoice: int, amount: int, reason: str | None, message: str | None = "m1", kind: str = "dispute"
) -> dict[str, Any]:
    item: dict[str, Any] = {"type": "dispute", "invoice": f"{{inv{invoice}}}"}
    if message:
        item["message"] = message
    item["amount_cents"] = amount
    if reason:
        item["reason"] = reason
    if kind != "dispute":
        item["kind"] = kind
    return item


def resolved(invoice: int, outcome: str) -> dict[str, Any]:
    return {"type": "dispute_resolved", "invoice": f"{{inv{invoice}}}", "outcome": outcome}


CASES = [
    Case(
        slug="dispute-part-promise-rest",
        title="Disputes part of an invoice and promises the rest",
        tags=["dispute", "partial", "promise"],
        invoices=[Inv(overdue=18, amount=1_200_00)],
        messages=[
            Msg(
                "m1",
                """
Hi,

Of {inv0}, $400.00 is for the 20 units that arrived damaged and went straight back to
your depot, so we dispute that part. We'll pay the remaining $800.00 by Friday.

Thanks,
{me_full}
""",
                ["dispute", "promise"],
                promise={"date": "fri", "amount_cents": 80000, "invoices": ["{inv0}"]},
            )
        ],
        expect=[
            booked(0, 40000, "damaged"),
            *promise("m1", "fri", "fri+7", amount="80000", invoices=[0]),
            replied("m1"),
            calm(),
        ],
    ),
    Case(
        slug="deduction-short-pay",
        title="A payment short of the invoice becomes a deduction case",
        tags=["dispute", "deduction", "payment"],
        invoices=[Inv(overdue=9, amount=2_000_00)],
        messages=[],
        payments=[{"on": "{on2_iso}", "amount_cents": 190000, "references": "{inv0}"}],
        expect=[booked(0, 10000, None, message=None, kind="deduction"), calm()],
    ),
    Case(
        slug="dispute-credited-by-memo",
        title="A quantity dispute answered by a credit memo from the system of record",
        tags=["dispute", "credit_memo", "connector"],
        invoices=[Inv(overdue=15, amount=950_00)],
        messages=[
            Msg(
                "m1",
                """
Hello,

{inv0} bills us for 50 cartons but only 45 were delivered, so the 5 missing cartons
($95.00) are wrong. Could you credit them?

Best,
{me_full}
""",
                ["dispute"],
            )
        ],
        endings=[
            {
                "invoice": "{inv0}",
                "after_message": "m1",
                "days_after": 4,
                "outcome": "credit_memo",
                "amount_cents": 9500,
            }
        ],
        expect=[booked(0, 9500, "quantity"), resolved(0, "credited"), replied("m1"), calm()],
    ),
    Case(
        slug="dispute-rejected-collection-resumes",
        title="A rejected dispute: the customer gets the reason, collection resumes on it alone",
        tags=["dispute", "rejected"],
        invoices=[Inv(overdue=20, amount=750_00), Inv(overdue=12, amount=420_00)],
        messages=[
            Msg(
                "m1",
                """
Hi,

We never received the goods on {inv0} or {inv1}, so we won't pay either until this is
sorted.

Regards,
{me_full}
""",
                ["dispute"],
            )
        ],
        endings=[
            {
                "invoice": "{inv0}",
                "after_message": "m1",
                "days_after": 5,
                "outcome": "reject",
                "reason": "the carrier's proof of delivery for {inv0} is signed by your "
                "goods-in team",
            }
        ],
        expect=[
            booked(0, 75000, "not_received"),
            booked(1, 42000, "not_received"),
            resolved(0, "rejected"),
            {
                "type": "reminded",
                "customer": "{ref}",
                "invoice": "{inv0}",
                "after": "m1",
                "within_days": 21,
            },
            {"type": "no_outreach", "invoice": "{inv1}", "after": "m1"},
            calm(),
        ],
    ),
    Case(
        slug="dispute-large-to-person",
        title="A dispute above the policy's threshold goes to a person at once",
        tags=["dispute", "escalation"],
        invoices=[Inv(overdue=20, amount=31_500_00)],
        messages=[
            Msg(
                "m1",
                """
Hello,

The 40 pumps on {inv0} are the wrong model and we returned all of them last week. We
will not pay this invoice.

Kind regards,
{me_full}
""",
                ["dispute"],
            )
        ],
        expect=[
            booked(0, 3150000, None),
            *escalated("dispute_review", "m1"),
            {"type": "no_outreach", "invoice": "{inv0}", "after": "m1"},
        ],
    ),
]
