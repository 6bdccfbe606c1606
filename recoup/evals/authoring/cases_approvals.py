"""A person's decisions carried out, tone that follows the history, and the policy as
edited: a plan approved in time goes out, an approved insolvency case stays quiet, the
first reminder on a very old invoice is firm, a Saturday is a working day when the
policy says so."""

from __future__ import annotations

from datetime import UTC, datetime

from recoup.evals.authoring.build import Case, Inv, Msg, calm, escalated, reminded

SATURDAY = datetime(2026, 11, 28, 9, tzinfo=UTC)

CASES = [
    Case(
        slug="approval-plan-approved-before-expiry-is-sent",
        title="A plan beyond policy, approved two hours later: the proposal goes out",
        description="The agent holds its plan proposal for a person and answers the customer "
        "that it is being looked at. That holding reply is a touch, but a person's approval "
        "is not a new one: the approved proposal is sent at once, not refused by the gap "
        "between emails until the case expires.",
        tags=["payment_plan", "beyond-policy", "approvals"],
        locale="uk",
        profile="late",
        invoices=[Inv(overdue=38, amount=4_800_00)],
        persona={"wants_plan": {"installments": 6, "months": 6}},
        messages=[
            Msg(
                "m1",
                """
Hello,

Could we pay {inv0} over six months? We have had a difficult quarter and can manage
£800 a month from next month.

Regards,
{me}
""",
                ["payment_plan"],
            )
        ],
        decisions=[{"category": "payment_plan", "action": "approve", "after_hours": 2}],
        expect=[
            *escalated("payment_plan", "m1"),
            {"type": "plan_proposed", "message": "m1", "within_hours": 24},
        ],
    ),
    Case(
        slug="approval-insolvency-approved-no-final-notice",
        title="An insolvency case approved: collection stops, no final notice follows",
        description="Approving the case does what it recommends: collection stops and the "
        "account goes to credit/legal. Nothing more is sent to the customer.",
        tags=["insolvency", "approvals"],
        invoices=[Inv(overdue=95)],
        persona={"pays": False},
        messages=[
            Msg(
                "m1",
                """
Dear supplier,

Please be advised that {co} filed for Chapter 7 bankruptcy on {on1_us}. A trustee
has been appointed; please direct all claims to the trustee's office.

{me_full}
""",
                ["insolvency"],
            )
        ],
        decisions=[{"category": "insolvency", "action": "approve", "after_hours": 4}],
        expect=[*escalated("insolvency", "m1", stop=True)],
    ),
    Case(
        slug="tone-first-contact-on-a-120-day-invoice-is-firm",
        title="First contact on a 120-day-old invoice: firm and factual, no final notice",
        tags=["silence", "tone"],
        profile="very_late",
        invoices=[Inv(overdue=120)],
        messages=[],
        expect=[
            reminded(3),
            {"type": "first_reminder", "customer": "{ref}", "tone": "firm"},
            calm("legal", "insolvency", "hostile", "tone_approval"),
        ],
    ),
    Case(
        slug="policy-saturday-is-a-working-day",
        title="No quiet weekdays in the policy: reminded on a Saturday",
        tags=["silence", "policy"],
        locale="uk",
        profile="slightly_late",
        start=SATURDAY,
        timezone="Europe/London",
        invoices=[Inv(overdue=10)],
        messages=[],
        policy={"contact": {"quiet_weekdays": []}},
        expect=[reminded(1), calm()],
    ),
]
