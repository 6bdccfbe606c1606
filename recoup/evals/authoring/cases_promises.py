"""Promises to pay, as customers make them."""

from __future__ import annotations

from recoup.evals.authoring.build import (
    Case,
    Inv,
    Msg,
    calm,
    escalated,
    promise,
    reminded,
    replied,
)

CASES = [
    Case(
        slug="promise-next-friday",
        title="Promise for next Friday after an AP changeover",
        tags=["promise"],
        profile="slightly_late",
        invoices=[Inv(overdue=18)],
        messages=[
            Msg(
                "m1",
                """
Hi,

Sorry this one slipped — we had a changeover in AP last month and a few things fell
through the cracks. {inv0} is approved now and will go out with our payment run next
Friday.

Thanks for your patience,
{me}
""",
                ["promise"],
                promise={"date": "fri"},
            )
        ],
        expect=[*promise("m1", "fri", "fri+7", invoices=[0]), calm()],
    ),
    Case(
        slug="promise-end-of-month-two-invoices",
        title="Both invoices paid in the end-of-month supplier run",
        tags=["promise"],
        locale="uk",
        invoices=[Inv(overdue=21), Inv(overdue=9)],
        messages=[
            Msg(
                "m1",
                """
Hello,

Thanks for the reminder. Both invoices ({inv0} and {inv1}) are in our system and are
due to be paid at the end of the month when we do our main supplier run. If anything
changes I'll let you know.

Kind regards

{me_full}
Accounts Payable | {co}
""",
                ["promise"],
                promise={"date": "eom-1d"},
            )
        ],
        expect=[*promise("m1", "eom-4d", "eom", invoices=[0, 1]), calm()],
    ),
    Case(
        slug="promise-payment-run-15th",
        title="Paid in the payment run on the 15th",
        tags=["promise"],
        invoices=[Inv(overdue=11, po="PO-88213")],
        messages=[
            Msg(
                "m1",
                """
Good morning,

We only cut payments twice a month, on the 15th and the last business day. {inv0} missed
the last cutoff because the PO ({po0}) wasn't receipted in time, but that's been fixed
and it's queued for the 15th. ACH usually lands a day or two after.

Regards,
{me_full}
{co}
""",
                ["promise"],
                promise={"date": "day15+1d"},
            )
        ],
        expect=[*promise("m1", "day15", "day15+3d", invoices=[0]), calm()],
    ),
    Case(
        slug="promise-partial-now-rest-on-20th",
        title="Half this Friday, the balance by the 20th",
        tags=["promise", "partial"],
        profile="late",
        invoices=[Inv(overdue=34, amount=8_412_40)],
        messages=[
            Msg(
                "m1",
                """
Hi there,

Cash is a bit tight this month after a customer of ours paid late, so I can't clear
{inv0} in one go. What I can do is {half0} this Friday and the rest by the 20th.
Hope that works for you guys.

{me}
""",
                ["promise"],
                promise={"date": "fri", "amount_cents": "{halfcents0}", "invoices": ["{inv0}"]},
            )
        ],
        payments=[
            {
                "after_message": "m1",
                "days_after": 17,
                "amount_cents": "{halfcents0}",
                "references": "{inv0} balance",
            }
        ],
        expect=[
            *promise("m1", "fri", "fri+7", amount="{halfcents0}", invoices=[0]),
            calm("legal", "insolvency", "hostile"),
        ],
    ),
    Case(
        slug="promise-dutch-customer-euro-amount",
        title="A Dutch customer writing English with a European amount",
        tags=["promise", "eur-format"],
        locale="nl",
        invoices=[Inv(overdue=15, amount=1_234_56)],
        messages=[
            Msg(
                "m1",
                """
Dear Sir/Madam,

Thank you for your e-mail. We will transfer the amount of EUR {amt0} for invoice {inv0}
on Thursday. Our apologies for the delay, the invoice was booked on the wrong cost centre.

With kind regards,

{me_full}
Crediteurenadministratie
{co}
""",
                ["promise"],
                promise={"date": "thu"},
            )
        ],
        expect=[*promise("m1", "thu", "thu+7", amount="{cents0}", invoices=[0]), calm()],
    ),
    Case(
        slug="promise-by-the-30th",
        title="Promise to pay by the 30th",
        tags=["promise"],
        locale="uk",
        start=None,
        invoices=[Inv(overdue=7)],
        messages=[
            Msg(
                "m1",
                """
Hi,

Apologies, I was off last week. I've put {inv0} through for approval this morning and it
should be with you by the 30th at the latest.

Cheers
{me}
""",
                ["promise"],
                promise={"date": "day28"},
            )
        ],
        expect=[*promise("m1", "day28", "day30", invoices=[0]), calm()],
    ),
    Case(
        slug="promise-early-next-week",
        title="Early next week, from the owner of a small business",
        tags=["promise"],
        profile="late",
        invoices=[Inv(overdue=26, amount=2_380_00)],
        messages=[
            Msg(
                "m1",
                """
Hey - yes I know, I know. We had a slow month. I'll get the {amt0} over to you early next
week, Monday or Tuesday latest.

{me}
{co}
""",
                ["promise"],
                promise={"date": "tue"},
            )
        ],
        expect=[*promise("m1", "mon", "wed+7", invoices=[0]), calm()],
    ),
    Case(
        slug="promise-tomorrow-morning",
        title="Releasing it tomorrow morning",
        tags=["promise"],
        invoices=[Inv(overdue=4)],
        messages=[
            Msg(
                "m1",
                """
Thanks for the nudge. Our controller was out sick so aprovals backed up. I'm releasing
{inv0} first thing tomorrow morning, you should see it within a day or so after that.

Best,
{me_full}
""",
                ["promise"],
                promise={"date": "+2d"},
            )
        ],
        expect=[*promise("m1", "+1d", "+3d", invoices=[0]), calm()],
    ),
    Case(
        slug="promise-friday-week",
        title="'Friday week', British English",
        tags=["promise"],
        locale="uk",
        invoices=[Inv(overdue=13)],
        messages=[
            Msg(
                "m1",
                """
Morning,

We're doing a BACS run Friday week and {inv0} will be on it. Sorry for the wait, our MD
has been signing everything personally since the audit.

Many thanks,
{me}
""",
                ["promise"],
                promise={"date": "fri+7"},
            )
        ],
        expect=[*promise("m1", "fri", "fri+7", invoices=[0]), calm()],
    ),
    Case(
        slug="promise-us-date-format",
        title="A US-style date (month/day)",
        tags=["promise"],
        invoices=[Inv(overdue=9), Inv(overdue=-12)],
        messages=[
            Msg(
                "m1",
                """
Hello,

{inv0} is scheduled for payment on {on14_slash}. The other one isn't due yet and will be
paid on terms.

Thank you,
{me_full}
Accounts Payable Specialist
""",
                ["promise"],
                promise={"date": "{on14_iso}", "invoices": ["{inv0}"]},
            )
        ],
        expect=[*promise("m1", "{on14_iso}", "{on14_iso}", invoices=[0]), calm()],
    ),
    Case(
        slug="promise-german-date-in-english",
        title="A German customer writing English with a dd.mm. date",
        tags=["promise"],
        locale="de",
        invoices=[Inv(overdue=16)],
        messages=[
            Msg(
                "m1",
                """
Dear Northwind team,

thank you for your reminder. The payment for invoice {inv0} is planned for {on18_dm} with
our weekly payment run. Please excuse the delay.

Best regards
{me_full}
Buchhaltung
""",
                ["promise"],
                promise={"date": "{on18_iso}"},
            )
        ],
        expect=[*promise("m1", "{on18_iso}", "{on18_iso}", invoices=[0]), calm()],
    ),
    Case(
        slug="promise-in-two-weeks",
        title="In about two weeks",
        tags=["promise"],
        profile="late",
        invoices=[Inv(overdue=29)],
        messages=[
            Msg(
                "m1",
                """
hi {us} AR,

were waiting on a big receivable ourselves. should be able to pay {inv0} in about two
weeks. I'll confirm once it's scheduled

thanks
{me}
""",
                ["promise"],
                promise={"date": "+14d"},
            )
        ],
        expect=[*promise("m1", "+12d", "+16d", invoices=[0]), calm()],
    ),
    Case(
        slug="promise-first-week-next-month",
        title="First week of next month",
        tags=["promise"],
        locale="uk",
        invoices=[Inv(overdue=19), Inv(overdue=5)],
        messages=[
            Msg(
                "m1",
                """
Hi,

Both of these will be settled in the first week of next month — month-end close has
frozen all payments until then, I'm afraid. Nothing wrong with the invoices.

Regards,
{me_full}
Finance Assistant, {co}
""",
                ["promise"],
                promise={"date": "eom+4d"},
            )
        ],
        expect=[*promise("m1", "eom+1d", "eom+7d", invoices=[0, 1]), calm()],
    ),
    Case(
        slug="promise-second-run-20th",
        title="Approved for the second run of the month, the 20th",
        tags=["promise"],
        invoices=[Inv(overdue=6, po="4500123977")],
        messages=[
            Msg(
                "m1",
                """
Hi,

Quick update — {inv0} (PO {po0}) got final approval yesterday. It'll go out on our 2nd run
of the month which is the 20th.

Thanks!
{me}

--
{me_full} | Procurement & Payables | {co}
This email and any attachments are confidential and intended solely for the addressee.
""",
                ["promise"],
                promise={"date": "day20"},
            )
        ],
        expect=[*promise("m1", "day20", "day20+2d", invoices=[0]), calm()],
    ),
    Case(
        slug="promise-one-of-two-invoices",
        title="Promise for the overdue invoice, the other paid on terms",
        tags=["promise"],
        invoices=[Inv(overdue=24), Inv(overdue=-8)],
        messages=[
            Msg(
                "m1",
                """
Hi,

{inv0} will be paid this Friday. {inv1} isn't due until next month so we'll pay that
one on time as usual.

Have a good week,
{me}
""",
                ["promise"],
                promise={"date": "fri", "invoices": ["{inv0}"]},
            )
        ],
        expect=[*promise("m1", "fri", "fri+7", invoices=[0]), calm()],
    ),
    Case(
        slug="promise-broken-then-reminded",
        title="A promise for Wednesday that is not kept",
        tags=["promise", "broken-promise"],
        profile="very_late",
        persona={"promise_keeping": 0.0},
        invoices=[Inv(overdue=38)],
        messages=[
            Msg(
                "m1",
                """
Hi,

Payment for {inv0} will be made on Wednesday. Apologies for the delay.

{me_full}
""",
                ["promise"],
                promise={"date": "wed"},
            )
        ],
        expect=[
            *promise("m1", "wed", "wed+7", invoices=[0]),
            reminded(within_days=17, invoice=0, after="m1"),
        ],
    ),
    Case(
        slug="promise-beyond-policy-horizon",
        title="Full payment promised in ten weeks",
        tags=["promise", "beyond-policy"],
        profile="late",
        invoices=[Inv(overdue=22, amount=6_950_00)],
        messages=[
            Msg(
                "m1",
                """
Hello,

I'll be honest with you: we're waiting for a large contract payment that lands in
February. We can pay {inv0} in full on {on70_us}, not before. I'd rather tell you
now than make promises I can't keep.

{me_full}
Owner, {co}
""",
                ["promise"],
                promise={"date": "{on70_iso}"},
            )
        ],
        expect=[*escalated("payment_plan", "m1")],
        description="A promise beyond the policy's 45-day horizon needs a person's approval.",
    ),
    Case(
        slug="promise-half-now-half-month-end",
        title="Half now, half at month end",
        tags=["promise", "partial"],
        locale="uk",
        invoices=[Inv(overdue=17, amount=3_600_00)],
        messages=[
            Msg(
                "m1",
                """
Hi,

I've just sent {half0} against {inv0} and the other half will follow at month end.
Hope that's OK — it's been a tough quarter.

{me}
""",
                ["promise", "already_paid"],
                promise={"date": "eom", "amount_cents": "{halfcents0}", "invoices": ["{inv0}"]},
            )
        ],
        payments=[
            {
                "after_message": "m1",
                "days_after": 1,
                "amount_cents": "{halfcents0}",
                "references": "{inv0} part payment",
            }
        ],
        expect=[*promise("m1", "eom-4d", "eom", invoices=[0]), calm()],
    ),
    Case(
        slug="promise-net-60-claim",
        title="Says its terms are net 60, gives a date anyway",
        tags=["promise", "question"],
        segment="mid_market",
        invoices=[Inv(overdue=12)],
        messages=[
            Msg(
                "m1",
                """
Hi,

Our MSA with {us} says net 60, not net 30, so from our side {inv0} isn't actually late.
Either way it's scheduled to go out on {on16_us}. Can you double-check the terms on
your end so we stop getting these?

Thanks,
{me_full}
""",
                ["promise", "question"],
                promise={"date": "{on16_iso}"},
            )
        ],
        expect=[*promise("m1", "{on16_iso}", "{on16_iso}", invoices=[0]), replied("m1")],
    ),
    Case(
        slug="promise-eta-three-business-days",
        title="Payment released, ETA three business days",
        tags=["promise"],
        invoices=[Inv(overdue=8)],
        messages=[
            Msg(
                "m1",
                """
Payment released today for {inv0}, ETA 3 business days.

{me}
Sent from my iPhone
""",
                ["promise"],
                promise={"date": "+4d"},
            )
        ],
        expect=[*promise("m1", "+3d", "+6d", invoices=[0]), calm()],
    ),
    Case(
        slug="promise-buyer-chased-ap",
        title="The buyer chased their AP team",
        tags=["promise"],
        contacts=2,
        invoices=[Inv(overdue=14)],
        messages=[
            Msg(
                "m1",
                """
Hi,

I'm the buyer on this account, {contact0_first} forwarded me your email. I chased our AP
team and they've confirmed {inv0} will be paid by Thursday.

Regards,
{me_full}
""",
                ["promise"],
                sender="contact1",
                when={"after": "outbound", "delay_hours": 30, "fallback_day": 21},
                subject="Re: {inv0}",
                promise={"date": "thu"},
            )
        ],
        expect=[*promise("m1", "thu", "thu+7", invoices=[0]), calm()],
    ),
    Case(
        slug="promise-lowercase-mobile",
        title="Terse reply from a phone",
        tags=["promise", "terse"],
        profile="late",
        invoices=[Inv(overdue=31)],
        messages=[
            Msg(
                "m1",
                """
will pay monday

Sent from my iPhone
""",
                ["promise"],
                promise={"date": "mon"},
            )
        ],
        expect=[*promise("m1", "mon", "mon+7", invoices=[0]), calm()],
    ),
    Case(
        slug="promise-without-a-date",
        title="'As soon as our client pays us' — no date",
        tags=["promise", "vague"],
        profile="very_late",
        invoices=[Inv(overdue=44)],
        messages=[
            Msg(
                "m1",
                """
Hi,

Look, we fully intend to pay {inv0}. The problem is our biggest client is 90 days late
with us and we're waiting on them. As soon as their money comes in you'll be first in
line. Hopefully in the next few weeks.

{me}
""",
                ["promise"],
            )
        ],
        expect=[replied("m1"), calm("legal", "insolvency", "hostile")],
        description="No date: a careful collector asks for one rather than logging a promise.",
    ),
    Case(
        slug="promise-uk-ordinal-date",
        title="Booked for payment on a date written '4th December'",
        tags=["promise"],
        locale="uk",
        invoices=[Inv(overdue=10)],
        messages=[
            Msg(
                "m1",
                """
Dear Accounts,

{inv0} has been booked for payment on the {on21_uk}. Remittance will be emailed on the
day.

Kind regards,
{me_full}
Purchase Ledger
{co}
""",
                ["promise"],
                promise={"date": "{on21_iso}"},
            )
        ],
        expect=[*promise("m1", "{on21_iso}", "{on21_iso}", invoices=[0]), calm()],
    ),
    Case(
        slug="promise-full-total-three-invoices",
        title="Clearing the full balance of three invoices on Friday",
        tags=["promise"],
        invoices=[Inv(overdue=33), Inv(overdue=19), Inv(overdue=3)],
        messages=[
            Msg(
                "m1",
                """
Hi {us} team,

We'll clear the full {total} on Friday — that covers {inv0}, {inv1} and {inv2}. Sorry
it's taken this long, we switched banks and had to re-set up all our vendors.

Best regards,
{me_full}
""",
                ["promise"],
                promise={"date": "fri"},
            )
        ],
        expect=[*promise("m1", "fri", "fri+7", invoices=[0, 1, 2]), calm()],
    ),
    Case(
        slug="promise-apology-and-weekday",
        title="An apology and a weekday, no invoice number",
        tags=["promise"],
        profile="slightly_late",
        invoices=[Inv(overdue=5, amount=742_18)],
        messages=[
            Msg(
                "m1",
                """
Hello,

So sorry about this, I thought it had been paid! I'll sort it out on Tuesday when I'm
back in the office.

Kind regards,
{me}
""",
                ["promise"],
                promise={"date": "tue"},
            )
        ],
        expect=[*promise("m1", "tue", "tue+7", invoices=[0]), calm()],
    ),
]
