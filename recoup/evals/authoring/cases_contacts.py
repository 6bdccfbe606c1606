"""Who to write to, and what a promise is: redirects (also inside an automatic reply),
opt-outs, a revised promise and a conditional settlement offer."""

from __future__ import annotations

from typing import Any

from recoup.evals.authoring.build import Case, Inv, Msg, calm, escalated, promise


def contact_added(
    message: str, email: str, *, held: bool = False, written: bool = False
) -> dict[str, Any]:
    return {
        "type": "contact_added",
        "message": message,
        "email": email,
        "held": held,
        "written": written,
    }


def do_not_contact(message: str, email: str) -> dict[str, Any]:
    return {"type": "do_not_contact", "message": message, "email": email}


CASES = [
    Case(
        slug="promise-revised-later-date",
        title="A promise, then a later date for the same invoice",
        tags=["promise", "revised"],
        invoices=[Inv(overdue=16)],
        messages=[
            Msg(
                "m1",
                """
Hi,

{inv0} is approved and we will pay it on {on12_us}.

Thanks,
{me}
""",
                ["promise"],
            ),
            Msg(
                "m2",
                """
Hello again,

Sorry, a correction: our payment run moved, so we will now pay {inv0} on {on15_us}.

{me}
""",
                ["promise"],
                when={"after": "reply", "ref": "m1", "delay_hours": 20},
                promise={"date": "{on15_iso}", "invoices": ["{inv0}"]},
            ),
        ],
        expect=[
            *promise("m1", "{on12_iso}", "{on12_iso}", invoices=[0]),
            *promise("m2", "{on15_iso}", "{on15_iso}", invoices=[0]),
            calm(),
        ],
    ),
    Case(
        slug="offer-settle-for-half-if-accepted",
        title="A conditional settlement offer for half the balance",
        tags=["promise", "offer", "concession"],
        invoices=[Inv(overdue=40, amount=60_500_00)],
        messages=[
            Msg(
                "m1",
                """
Hi,

We have had a difficult quarter. We will settle {inv0} if you accept 50% off, i.e.
{half0}, which we would pay on {on10_us}. Please confirm and I will release it.

Regards,
{me}
""",
                ["promise"],
            )
        ],
        expect=[
            {"type": "no_promise_logged", "message": "m1"},
            *escalated("concession", "m1"),
            {"type": "replied", "message": "m1", "within_hours": 48},
        ],
    ),
    Case(
        slug="redirect-same-domain-payables",
        title="Send invoices to our payables address (same domain)",
        tags=["wrong_contact", "redirect"],
        invoices=[Inv(overdue=14)],
        persona={"unread_addresses": ["{contact0}"]},
        messages=[
            Msg(
                "m1",
                """
Hi,

I've moved to a new role. From now on please send anything invoice-related to
payables@{domain}, they will take care of it.

Thanks,
{me}
""",
                ["wrong_contact"],
            )
        ],
        expect=[
            contact_added("m1", "payables@{domain}", written=True),
            calm("contact_change"),
        ],
    ),
    Case(
        slug="redirect-other-domain-held",
        title="Send invoices to an address on another domain (held for a person)",
        tags=["wrong_contact", "redirect", "fraud"],
        invoices=[Inv(overdue=21)],
        persona={"unread_addresses": ["{contact0}"]},
        messages=[
            Msg(
                "m1",
                """
Hello,

Our accounts payable has moved to an outside bureau. Please send invoices to
invoices@ledgerbureau-services.example from now on.

Best,
{me}
""",
                ["wrong_contact"],
            )
        ],
        expect=[
            contact_added("m1", "invoices@ledgerbureau-services.example", held=True),
            *escalated("contact_change", "m1"),
        ],
    ),
    Case(
        slug="redirect-inside-auto-reply",
        title="An automatic reply: the contact has left, invoices go elsewhere",
        tags=["wrong_contact", "redirect", "auto_reply"],
        invoices=[Inv(overdue=18)],
        persona={
            "absent": [
                {"email": "{contact0}", "start": "{on0_iso}T00:00:00Z", "until": "{on120_iso}"}
            ]
        },
        messages=[
            Msg(
                "m1",
                """
This is an automatic reply. {contact0_first} no longer works at {co}. Please send
invoices to accounts@{domain}.
""",
                ["wrong_contact"],
                kind="auto_reply",
                quote=False,
                when={"after": "outbound", "nth": 1, "delay_hours": 0.05},
            )
        ],
        expect=[
            contact_added("m1", "accounts@{domain}", written=True),
            calm("contact_change"),
        ],
    ),
    Case(
        slug="opt-out-stop-emailing-with-colleague",
        title="Stop emailing me, with a colleague on the account",
        tags=["opt_out"],
        invoices=[Inv(overdue=15)],
        contacts=2,
        messages=[
            Msg(
                "m1",
                """
Please stop emailing me about this. I am not the right person.
""",
                ["opt_out"],
            )
        ],
        expect=[
            do_not_contact("m1", "{contact0}"),
            {"type": "reminded", "customer": "{ref}", "after": "m1", "within_days": 14},
            calm("contact_change"),
        ],
    ),
    Case(
        slug="opt-out-stop-emailing-no-one-left",
        title="Stop emailing me, and nobody else on the account",
        tags=["opt_out"],
        invoices=[Inv(overdue=25)],
        messages=[
            Msg(
                "m1",
                """
Please remove me from your mailing list. I do not want to receive these emails.
""",
                ["opt_out"],
            )
        ],
        expect=[
            do_not_contact("m1", "{contact0}"),
            *escalated("contact_change", "m1"),
            {"type": "no_outreach", "after": "m1"},
        ],
    ),
    Case(
        slug="opt-out-unsubscribe",
        title="A one-word reply: unsubscribe",
        tags=["opt_out"],
        invoices=[Inv(overdue=9)],
        contacts=2,
        messages=[Msg("m1", "Unsubscribe", ["opt_out"])],
        expect=[do_not_contact("m1", "{contact0}")],
    ),
]
