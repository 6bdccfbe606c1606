"""Already paid, copies and statements, tax forms, questions, payment plans."""

from __future__ import annotations

from typing import Any

from recoup.evals.authoring.build import (
    Case,
    Inv,
    Msg,
    calm,
    escalated,
    quiet,
    reminded,
    replied,
)


def _copy(message: str, *invoices: int, statement: bool = False) -> dict[str, Any]:
    return {
        "type": "copy_sent",
        "message": message,
        "invoices": [f"{{inv{i}}}" for i in invoices],
        "statement": statement,
    }


def _plan(message: str) -> dict[str, Any]:
    return {"type": "plan_proposed", "message": message}


ALREADY_PAID = [
    Case(
        slug="paid-ach-trace-number",
        title="Paid by ACH, with the trace number",
        tags=["already_paid"],
        invoices=[Inv(overdue=9)],
        messages=[
            Msg(
                "m1",
                """
Hi,

This was paid on Monday via ACH — trace number 021000021847793, amount {amt0}, referencing
{inv0}. It may take a day or two to show on your side.

Thanks,
{me_full}
Accounts Payable
""",
                ["already_paid"],
            )
        ],
        payments=[
            {
                "after_message": "m1",
                "days_after": 1,
                "amount_cents": "{cents0}",
                "references": "{inv0}",
            }
        ],
        expect=[quiet("m1", "+4d", 0), calm()],
    ),
    Case(
        slug="paid-cheque-in-the-post",
        title="Cheque in the post",
        tags=["already_paid"],
        locale="uk",
        profile="late",
        invoices=[Inv(overdue=23)],
        messages=[
            Msg(
                "m1",
                """
Hello,

A cheque for {amt0} (cheque no. 004417) went in the post to your Leeds office on
Monday. Second class I'm afraid, so give it a few days.

Regards
{me}
""",
                ["already_paid"],
            )
        ],
        payments=[
            {
                "after_message": "m1",
                "days_after": 6,
                "amount_cents": "{cents0}",
                "references": "{inv0} CHQ 004417",
                "method": "cheque",
            }
        ],
        expect=[quiet("m1", "+5d", 0), calm()],
    ),
    Case(
        slug="paid-remittance-advice-attached",
        title="Remittance advice attached as a PDF",
        tags=["already_paid", "attachment"],
        segment="mid_market",
        invoices=[Inv(overdue=12), Inv(overdue=5)],
        messages=[
            Msg(
                "m1",
                """
Dear supplier,

Please find attached our remittance advice for payment run 2026-47. Invoices {inv0} and
{inv1} are included, total {total}.

This is a system-generated message from the {co} payments team. Please do not reply to
this address.
""",
                ["already_paid"],
                sender="primary",
                attachments=[
                    {
                        "filename": "REMITTANCE_2026-47.pdf",
                        "text": "Remittance advice\n{inv0}  {amt0}\n{inv1}  {amt1}\nTotal {total}",
                    }
                ],
            )
        ],
        payments=[
            {
                "after_message": "m1",
                "days_after": 2,
                "amount_cents": "{totalcents}",
                "references": "{inv0} {inv1}",
            }
        ],
        expect=[quiet("m1", "+4d", 0), calm()],
    ),
    Case(
        slug="paid-crossed-in-the-post",
        title="The payment crossed with the reminder",
        tags=["already_paid"],
        invoices=[Inv(overdue=3)],
        messages=[
            Msg(
                "m1",
                """
Hi — I think our payment crossed with your email. {inv0} went out Friday, should be
in your account by now.

Cheers,
{me}
""",
                ["already_paid"],
            )
        ],
        payments=[
            {
                "after_message": "m1",
                "days_after": 0,
                "amount_cents": "{cents0}",
                "references": "{inv0}",
            }
        ],
        expect=[quiet("m1", "+4d", 0), calm()],
    ),
    Case(
        slug="paid-wrong-reference",
        title="Paid, but quoted the wrong reference",
        tags=["already_paid"],
        invoices=[Inv(overdue=15)],
        messages=[
            Msg(
                "m1",
                """
Hello,

We paid this on the 2nd but I see now our clerk put your quote number (QT-5521) as the
reference instead of {inv0}. Amount was {amt0}. Can you please match it up on your
end?

Apologies for the confusion,
{me_full}
""",
                ["already_paid"],
            )
        ],
        payments=[
            {
                "after_message": "m1",
                "days_after": 0,
                "amount_cents": "{cents0}",
                "references": "QT-5521",
            }
        ],
        expect=[quiet("m1", "+4d", 0), calm()],
    ),
    Case(
        slug="paid-one-transfer-two-invoices",
        title="One transfer for two invoices",
        tags=["already_paid"],
        locale="ie",
        invoices=[Inv(overdue=20), Inv(overdue=13)],
        messages=[
            Msg(
                "m1",
                """
Hi there,

Both were paid together in one transfer yesterday, {total} in total, reference
"{co_short} {num0}/{num1}". Let me know if it doesn't turn up.

Thanks a mill,
{me}
""",
                ["already_paid"],
            )
        ],
        payments=[
            {
                "after_message": "m1",
                "days_after": 1,
                "amount_cents": "{totalcents}",
                "references": "{co_short} {num0}/{num1}",
            }
        ],
        expect=[quiet("m1", "+4d", 0), calm()],
    ),
    Case(
        slug="paid-claimed-but-never-arrives",
        title="Says it paid; the money never comes",
        tags=["already_paid", "unverified"],
        profile="very_late",
        invoices=[Inv(overdue=41)],
        messages=[
            Msg(
                "m1",
                """
We paid that already. Check your records.

{me}
""",
                ["already_paid"],
            )
        ],
        expect=[replied("m1"), reminded(within_days=16, invoice=0, after="m1")],
        description="The ledger is the truth: when the money does not arrive, follow up.",
    ),
    Case(
        slug="paid-card-through-portal",
        title="Paid by card through the payment portal",
        tags=["already_paid"],
        invoices=[Inv(overdue=4, amount=318_75)],
        messages=[
            Msg(
                "m1",
                """
Hi, I just paid {inv0} by credit card through your online portal, confirmation
#PX-88120-A. Thanks for the reminder!

{me_full}
""",
                ["already_paid"],
            )
        ],
        payments=[
            {
                "after_message": "m1",
                "days_after": 1,
                "amount_cents": "{cents0}",
                "references": "{inv0} PX-88120-A",
                "method": "card",
            }
        ],
        expect=[quiet("m1", "+4d", 0), calm()],
    ),
    Case(
        slug="paid-faster-payment-uk",
        title="Cleared by Faster Payment, bank reference given",
        tags=["already_paid"],
        locale="uk",
        invoices=[Inv(overdue=11)],
        messages=[
            Msg(
                "m1",
                """
Hi,

Our bank shows this cleared on the 3rd by Faster Payment — reference {inv0}, sort code
and account as on your invoice. Can you check again please? Happy to send a screenshot
if needed.

Thanks
{me_full}
""",
                ["already_paid"],
            )
        ],
        payments=[
            {
                "after_message": "m1",
                "days_after": 0,
                "amount_cents": "{cents0}",
                "references": "{inv0}",
            }
        ],
        expect=[quiet("m1", "+4d", 0), calm()],
    ),
    Case(
        slug="paid-by-parent-company",
        title="Paid by the parent company",
        tags=["already_paid"],
        segment="mid_market",
        invoices=[Inv(overdue=16)],
        messages=[
            Msg(
                "m1",
                """
Hello,

Just so you know, our parent company handles supplier payments now. {inv0} was included
in their run this week — the payment will show as coming from "{co_short} Group
Treasury". Amount {amt0}.

Best,
{me}
""",
                ["already_paid"],
            )
        ],
        payments=[
            {
                "after_message": "m1",
                "days_after": 2,
                "amount_cents": "{cents0}",
                "references": "{co_short} GROUP TREASURY {inv0}",
            }
        ],
        expect=[quiet("m1", "+4d", 0), calm()],
    ),
    Case(
        slug="paid-remittance-table-in-body",
        title="Remittance pasted as a table",
        tags=["already_paid"],
        invoices=[Inv(overdue=8), Inv(overdue=8), Inv(overdue=-5)],
        messages=[
            Msg(
                "m1",
                """
REMITTANCE ADVICE

Payment date:   {on1_us}
Payment method: ACH
Payee:          Northwind Supply Co.

Invoice        Amount
{inv0}     {amt0}
{inv1}     {amt1}

Questions: reply to this email.
{me_full}, AP
""",
                ["already_paid"],
            )
        ],
        payments=[
            {
                "after_message": "m1",
                "days_after": 1,
                "amount_cents": "{cents0}",
                "references": "{inv0}",
            },
            {
                "after_message": "m1",
                "days_after": 1,
                "amount_cents": "{cents1}",
                "references": "{inv1}",
            },
        ],
        expect=[quiet("m1", "+4d", 0), calm()],
    ),
    Case(
        slug="paid-yesterday-no-details",
        title="'Paid yesterday' with no details",
        tags=["already_paid"],
        invoices=[Inv(overdue=6)],
        messages=[
            Msg(
                "m1",
                """
Paid yesterday.
""",
                ["already_paid"],
            )
        ],
        payments=[
            {"after_message": "m1", "days_after": 2, "amount_cents": "{cents0}", "references": ""}
        ],
        expect=[replied("m1"), calm()],
    ),
]

COPIES = [
    Case(
        slug="copy-never-received-invoice",
        title="Never received the invoice",
        tags=["copy_request"],
        invoices=[Inv(overdue=10)],
        persona={"needs_copy": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hi,

We never got this invoice — can you resend {inv0}? It needs to come to this address so
it gets into our AP workflow.

Thanks,
{me}
""",
                ["copy_request"],
            )
        ],
        expect=[_copy("m1", 0), calm()],
    ),
    Case(
        slug="copy-not-in-our-system",
        title="Not in our system, please send a copy",
        tags=["copy_request"],
        locale="uk",
        invoices=[Inv(overdue=14)],
        persona={"needs_copy": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hello,

I can't find {inv0} anywhere on our system. Could you send a copy over please and I'll
get it paid.

Kind regards,
{me_full}
Purchase Ledger Clerk
""",
                ["copy_request"],
            )
        ],
        expect=[_copy("m1", 0), calm()],
    ),
    Case(
        slug="copy-with-po-for-approval",
        title="Needs a copy to route for approval",
        tags=["copy_request"],
        segment="mid_market",
        invoices=[Inv(overdue=7, po="PO-30071")],
        persona={"needs_copy": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hi there,

Our approver wants to see the actual invoice before signing off — could you email me a
PDF copy of {inv0} (the one against {po0})? Once I have it I can push it through.

Thanks!
{me}
""",
                ["copy_request"],
            )
        ],
        expect=[_copy("m1", 0), calm()],
    ),
    Case(
        slug="copy-all-open-invoices",
        title="Copies of everything outstanding",
        tags=["copy_request"],
        invoices=[Inv(overdue=25), Inv(overdue=14), Inv(overdue=2)],
        persona={"needs_copy": ["*"]},
        messages=[
            Msg(
                "m1",
                """
Can you send me copies of everything that's outstanding? I've taken over from Diane and
I have no idea what's been received and what hasn't.

{me_full}
Office Manager
""",
                ["copy_request"],
            )
        ],
        expect=[_copy("m1", 0, 1, 2), calm()],
    ),
    Case(
        slug="copy-new-ap-clerk",
        title="A new AP clerk asks for the invoice",
        tags=["copy_request"],
        contacts=2,
        invoices=[Inv(overdue=18)],
        persona={"needs_copy": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hello, I'm the new AP clerk here and I'm going through the backlog. I don't have a copy
of {inv0} in our files — would you mind sending it to me directly?

Thank you,
{me_full}
""",
                ["copy_request"],
                sender="contact1",
                when={"after": "outbound", "delay_hours": 28, "fallback_day": 21},
                subject="Re: overdue {inv0}",
            )
        ],
        expect=[_copy("m1", 0), calm()],
    ),
    Case(
        slug="copy-attachment-was-blank",
        title="The PDF attachment opened blank",
        tags=["copy_request"],
        invoices=[Inv(overdue=9)],
        persona={"needs_copy": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hi,

The invoice PDF you sent originally opened as a blank page for us. Could you resend
{inv0}? Maybe as a different file, our system doesn't like some PDFs.

Thanks
{me}
""",
                ["copy_request"],
            )
        ],
        expect=[_copy("m1", 0), calm()],
    ),
    Case(
        slug="statement-for-reconciliation",
        title="A statement of account to reconcile",
        tags=["copy_request", "statement"],
        locale="uk",
        invoices=[Inv(overdue=12), Inv(overdue=30), Inv(overdue=-4)],
        persona={"needs_copy": ["*"]},
        messages=[
            Msg(
                "m1",
                """
Hi,

Could you send us a statement of account please? We're reconciling our supplier ledger
and I want to make sure we've got everything before we pay.

Many thanks
{me_full}
""",
                ["copy_request"],
            )
        ],
        expect=[_copy("m1", statement=True), calm()],
    ),
    Case(
        slug="statement-year-end-audit",
        title="Statement for the year-end audit",
        tags=["copy_request", "statement"],
        segment="mid_market",
        invoices=[Inv(overdue=6), Inv(overdue=20)],
        persona={"needs_copy": ["*"]},
        messages=[
            Msg(
                "m1",
                """
Good morning,

Our auditors have asked for supplier statements as at month end. Please send a current
statement of account for {co}. Payment of anything outstanding will follow once the
balances are agreed.

Kind regards,
{me_full}
Financial Controller
""",
                ["copy_request"],
            )
        ],
        expect=[_copy("m1", statement=True), calm()],
    ),
    Case(
        slug="statement-what-do-we-owe",
        title="What do we owe in total?",
        tags=["copy_request", "statement", "question"],
        invoices=[Inv(overdue=15), Inv(overdue=8)],
        persona={"needs_copy": ["*"]},
        messages=[
            Msg(
                "m1",
                """
hey, whats the total we owe you right now? we've got a few invoices floating around and
I want to pay it all in one go. a statement would be great

thx
{me}
""",
                ["copy_request", "question"],
            )
        ],
        expect=[_copy("m1", statement=True), calm()],
    ),
    Case(
        slug="statement-and-two-copies",
        title="Statement and copies of the two oldest",
        tags=["copy_request", "statement"],
        invoices=[Inv(overdue=40), Inv(overdue=33), Inv(overdue=5)],
        persona={"needs_copy": ["{inv0}", "{inv1}"]},
        messages=[
            Msg(
                "m1",
                """
Hi,

Please send a statement and copies of the two oldest ones ({inv0}, {inv1}) — those are
the ones we can't find.

Regards,
{me_full}
""",
                ["copy_request"],
            )
        ],
        expect=[_copy("m1", 0, 1, statement=True), calm("legal", "insolvency", "hostile")],
    ),
    Case(
        slug="w9-required-before-payment",
        title="Needs a W-9 before it can pay",
        tags=["tax_form"],
        invoices=[Inv(overdue=12)],
        persona={"withholds": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hi,

Before we can release payment on {inv0} we need a current W-9 on file — our vendor
master team flagged that we don't have one for {us}. Can you send one over?

Thanks,
{me_full}
Vendor Setup / AP
""",
                ["tax_form"],
            )
        ],
        expect=[*escalated("other", "m1")],
    ),
    Case(
        slug="w9-outdated-form",
        title="The W-9 on file is from 2019",
        tags=["tax_form"],
        segment="mid_market",
        invoices=[Inv(overdue=19), Inv(overdue=5)],
        persona={"withholds": ["{inv0}", "{inv1}"]},
        messages=[
            Msg(
                "m1",
                """
Hello,

Our records show your W-9 is dated 2019 and our new policy requires one signed within
the last three years. Payments to you are on hold until we receive an updated form.
Please send it to this address.

Regards,
{me}
Compliance & AP
""",
                ["tax_form"],
            )
        ],
        expect=[*escalated("other", "m1")],
    ),
    Case(
        slug="w9-and-banking-letter",
        title="W-9 and bank details on letterhead for a new ERP",
        tags=["tax_form"],
        invoices=[Inv(overdue=8)],
        persona={"withholds": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hi {us} team,

We're moving to a new ERP and every vendor has to be set up again. Please send your W9
and your banking info on company letterhead. Sorry for the hassle, {inv0} will be paid
as soon as you're set up in the new system.

{me_full}
""",
                ["tax_form"],
            )
        ],
        expect=[*escalated("other", "m1")],
    ),
    Case(
        slug="copy-which-order-question",
        title="Copy requested with a question about the order",
        tags=["copy_request", "question"],
        invoices=[Inv(overdue=11)],
        persona={"needs_copy": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hi,

Is {inv0} the one for the March order or the re-order in May? Can you send me a copy so
I can match it? Thanks

{me}
""",
                ["copy_request", "question"],
            )
        ],
        expect=[_copy("m1", 0), calm()],
    ),
    Case(
        slug="copy-and-proof-of-delivery",
        title="Invoice copy and proof of delivery",
        tags=["copy_request"],
        locale="uk",
        invoices=[Inv(overdue=13)],
        persona={"needs_copy": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hello,

Could you send me a copy of {inv0} along with the proof of delivery? Our goods-in team
can't find the paperwork and I need both to match it.

Thanks,
{me_full}
""",
                ["copy_request"],
            )
        ],
        expect=[_copy("m1", 0)],
    ),
]

QUESTIONS = [
    Case(
        slug="question-what-is-this-for",
        title="What is this invoice for?",
        tags=["question"],
        invoices=[Inv(overdue=10, desc="Replacement filters, 48 units")],
        persona={"needs_answer": True},
        messages=[
            Msg(
                "m1",
                """
Hi,

What is {inv0} for? I can't match it to anything we've ordered recently. Any detail
would help.

Thanks,
{me}
""",
                ["question"],
            )
        ],
        expect=[replied("m1"), calm("legal", "insolvency", "hostile", "payment_plan")],
    ),
    Case(
        slug="question-which-po",
        title="Which PO does it relate to?",
        tags=["question"],
        segment="mid_market",
        invoices=[Inv(overdue=8, po="4500871123")],
        persona={"needs_answer": True},
        messages=[
            Msg(
                "m1",
                """
Hello,

Which purchase order does {inv0} relate to? I need the PO number to get it matched.

Kind regards
{me_full}
""",
                ["question"],
            )
        ],
        expect=[replied("m1"), calm("legal", "insolvency", "hostile", "payment_plan")],
    ),
    Case(
        slug="question-bank-details-changed",
        title="Did your bank details change?",
        tags=["question", "fraud-check"],
        invoices=[Inv(overdue=16)],
        persona={"needs_answer": True},
        messages=[
            Msg(
                "m1",
                """
Hi,

Before we pay {inv0}: we received an email last week saying your bank details had
changed, with a new account number. That looked a bit odd to us. Can you confirm
whether your banking details have changed?

Thanks,
{me_full}
""",
                ["question"],
            )
        ],
        expect=[replied("m1")],
    ),
    Case(
        slug="question-current-balance",
        title="What is our current balance?",
        tags=["question"],
        locale="uk",
        invoices=[Inv(overdue=9), Inv(overdue=-10)],
        persona={"needs_answer": True},
        messages=[
            Msg(
                "m1",
                """
Hi,

Could you let me know our current balance with you, including anything not yet due?

Cheers,
{me}
""",
                ["question"],
            )
        ],
        expect=[replied("m1"), calm("legal", "insolvency", "hostile", "payment_plan")],
    ),
    Case(
        slug="question-terms-net-30-or-45",
        title="Are the terms net 30 or net 45?",
        tags=["question"],
        invoices=[Inv(overdue=7)],
        persona={"needs_answer": True},
        messages=[
            Msg(
                "m1",
                """
Quick question — are our terms with you net 30 or net 45? I have 45 in our vendor file,
which is why {inv0} hasn't gone out yet.

{me_full}
""",
                ["question"],
            )
        ],
        expect=[replied("m1"), calm("legal", "insolvency", "hostile", "payment_plan")],
    ),
    Case(
        slug="question-due-date-mismatch",
        title="Shows a different due date",
        tags=["question"],
        invoices=[Inv(overdue=5)],
        persona={"needs_answer": True},
        messages=[
            Msg(
                "m1",
                """
Hi,

When was {inv0} due? Our system shows a later date than your reminder says. Just
want to make sure we're looking at the same invoice.

Thanks
{me}
""",
                ["question"],
            )
        ],
        expect=[replied("m1"), calm("legal", "insolvency", "hostile", "payment_plan")],
    ),
    Case(
        slug="question-card-payment-fee",
        title="Can we pay by card, and is there a fee?",
        tags=["question"],
        invoices=[Inv(overdue=12, amount=1_145_00)],
        persona={"needs_answer": True},
        messages=[
            Msg(
                "m1",
                """
Do you take credit card? If so is there a surcharge? Would be easier for us than a
wire for {inv0}.

{me}
""",
                ["question"],
            )
        ],
        expect=[replied("m1"), calm("legal", "insolvency", "hostile", "payment_plan")],
    ),
    Case(
        slug="question-split-cost-centres",
        title="Can the invoice be split across two cost centres?",
        tags=["question"],
        segment="mid_market",
        invoices=[Inv(overdue=14)],
        persona={"needs_answer": True},
        messages=[
            Msg(
                "m1",
                """
Hello,

Is it possible to split {inv0} into two invoices, one per cost centre (CC 4100 and
CC 4300)? Our budget holders each need to approve their share. If not, no problem,
just let me know and I'll sort it internally.

Regards,
{me_full}
""",
                ["question"],
            )
        ],
        expect=[replied("m1")],
    ),
    Case(
        slug="question-account-manager-contact",
        title="Who do we talk to about an order problem?",
        tags=["question"],
        invoices=[Inv(overdue=6)],
        persona={"needs_answer": True},
        messages=[
            Msg(
                "m1",
                """
Hi,

Not a billing issue as such — who should we contact about a problem with a recent
order? Our old account manager's email bounces. We'll pay {inv0} as normal in the
meantime.

{me}
""",
                ["question"],
            )
        ],
        expect=[replied("m1")],
    ),
    Case(
        slug="question-why-reminder-not-due",
        title="Why a reminder when we are inside terms?",
        tags=["question"],
        locale="uk",
        invoices=[Inv(overdue=2)],
        persona={"needs_answer": True},
        messages=[
            Msg(
                "m1",
                """
Hi,

Why have we had a reminder for {inv0}? By my reckoning we're still within terms — we
received the invoice late, about a week after the date on it.

Regards
{me_full}
""",
                ["question"],
            )
        ],
        expect=[replied("m1"), calm("legal", "insolvency", "hostile", "payment_plan")],
    ),
]

PLANS = [
    Case(
        slug="plan-three-monthly-instalments",
        title="Three monthly instalments (within policy)",
        tags=["payment_plan", "within-policy"],
        profile="late",
        invoices=[Inv(overdue=35, amount=4_200_00)],
        persona={"wants_plan": {"installments": 3, "months": 3}},
        messages=[
            Msg(
                "m1",
                """
Hi,

We're a small team and this quarter has been rough. Would you accept {inv0} in three
monthly payments? We can start this month. I'd rather pay in full over three months
than keep you waiting.

Thank you for understanding,
{me_full}
""",
                ["payment_plan"],
            )
        ],
        expect=[_plan("m1"), calm("payment_plan", "legal", "insolvency", "hostile")],
    ),
    Case(
        slug="plan-two-halves",
        title="Half now, half next month (within policy)",
        tags=["payment_plan", "within-policy"],
        invoices=[Inv(overdue=20, amount=1_800_00)],
        persona={"wants_plan": {"installments": 2, "months": 2}},
        messages=[
            Msg(
                "m1",
                """
Hello,

Could we split {inv0} into two payments — half this month and half next month?
Our cashflow is tied up in stock at the moment, definately not ideal.

Regards,
{me}
""",
                ["payment_plan"],
            )
        ],
        expect=[_plan("m1"), calm("payment_plan", "legal", "insolvency", "hostile")],
    ),
    Case(
        slug="plan-three-payments-uk",
        title="Three payments over three months, UK",
        tags=["payment_plan", "within-policy"],
        locale="uk",
        profile="late",
        invoices=[Inv(overdue=28, amount=6_000_00)],
        persona={"wants_plan": {"installments": 3, "months": 3}},
        messages=[
            Msg(
                "m1",
                """
Dear Sir or Madam,

We have had a difficult few months following the loss of a major contract. We are
keen to settle {inv0} in full and would like to propose three equal payments over the
next three months, the first at the end of this month.

I hope this is acceptable.

Yours faithfully,
{me_full}
Director, {co}
""",
                ["payment_plan"],
            )
        ],
        expect=[_plan("m1"), calm("payment_plan", "legal", "insolvency", "hostile")],
    ),
    Case(
        slug="plan-two-instalments-small",
        title="Two instalments on a small balance above the minimum",
        tags=["payment_plan", "within-policy"],
        invoices=[Inv(overdue=17, amount=950_00)],
        persona={"wants_plan": {"installments": 2, "months": 2}},
        messages=[
            Msg(
                "m1",
                """
hi there, any chance we can pay this one in 2 goes? {amt0} is a lot for us in one month.
we'd do the first half now and the rest in 4 weeks

cheers {me}
""",
                ["payment_plan"],
            )
        ],
        expect=[_plan("m1"), calm("payment_plan", "legal", "insolvency", "hostile")],
    ),
    Case(
        slug="plan-spread-over-quarter",
        title="Spread over the quarter (within policy)",
        tags=["payment_plan", "within-policy"],
        segment="mid_market",
        invoices=[Inv(overdue=24, amount=8_250_00), Inv(overdue=10, amount=3_750_00)],
        persona={"wants_plan": {"installments": 3, "months": 3}},
        messages=[
            Msg(
                "m1",
                """
Hi,

We'd like to spread the two open invoices ({inv0} and {inv1}, {total} together) over
the quarter — three payments, one a month. We've never missed a plan with a supplier
and don't intend to start now.

Best regards,
{me_full}
CFO
""",
                ["payment_plan"],
            )
        ],
        expect=[_plan("m1"), calm("payment_plan", "legal", "insolvency", "hostile")],
    ),
    Case(
        slug="plan-three-fixed-amounts",
        title="Proposes three payments with amounts",
        tags=["payment_plan", "within-policy"],
        invoices=[Inv(overdue=30, amount=3_000_00)],
        persona={"wants_plan": {"installments": 3, "months": 3}},
        messages=[
            Msg(
                "m1",
                """
Hi,

Can we do 3 payments of $1,000.00 for {inv0}? First one on the 1st, then monthly. Let
me know and I'll set them up as recurring.

Thanks,
{me}
""",
                ["payment_plan"],
            )
        ],
        expect=[_plan("m1"), calm("payment_plan", "legal", "insolvency", "hostile")],
    ),
    Case(
        slug="plan-twelve-months-outside-policy",
        title="Twelve monthly payments (outside policy)",
        tags=["payment_plan", "beyond-policy"],
        profile="very_late",
        invoices=[Inv(overdue=52, amount=9_000_00)],
        persona={"wants_plan": {"installments": 12, "months": 12}},
        messages=[
            Msg(
                "m1",
                """
Hi,

We want to pay but we simply don't have {amt0} right now. Could we do 12 monthly
payments of $750? I can set them up today if you agree.

{me_full}
""",
                ["payment_plan"],
            )
        ],
        expect=[*escalated("payment_plan", "m1")],
    ),
    Case(
        slug="plan-six-months-outside-policy",
        title="Six months (outside policy)",
        tags=["payment_plan", "beyond-policy"],
        locale="uk",
        profile="late",
        invoices=[Inv(overdue=38, amount=4_800_00)],
        persona={"wants_plan": {"installments": 6, "months": 6}},
        messages=[
            Msg(
                "m1",
                """
Hello,

Would you consider a six month payment arrangement for {inv0}? £800 a month starting
next month. We've had a cash flow problem since our bank reduced our overdraft.

Regards,
{me}
""",
                ["payment_plan"],
            )
        ],
        expect=[*escalated("payment_plan", "m1")],
    ),
    Case(
        slug="plan-small-balance-below-minimum",
        title="A plan on a balance below the policy minimum",
        tags=["payment_plan", "beyond-policy"],
        invoices=[Inv(overdue=21, amount=380_00)],
        persona={"wants_plan": {"installments": 2, "months": 2}},
        messages=[
            Msg(
                "m1",
                """
Hi, can I pay the {amt0} in two halves? Half now and half next month. Thanks, {me}
""",
                ["payment_plan"],
            )
        ],
        expect=[*escalated("payment_plan", "m1")],
    ),
    Case(
        slug="plan-200-a-month",
        title="$200 a month until cleared (outside policy)",
        tags=["payment_plan", "beyond-policy"],
        profile="very_late",
        invoices=[Inv(overdue=60, amount=5_000_00)],
        persona={"wants_plan": {"installments": 25, "months": 25}},
        messages=[
            Msg(
                "m1",
                """
Best I can do is $200 a month until it's cleared. Business is slow and I'm not going
to pretend otherwise. Let me know if that works.

{me}
{co}
""",
                ["payment_plan"],
            )
        ],
        expect=[*escalated("payment_plan", "m1")],
    ),
    Case(
        slug="plan-four-instalments",
        title="Four instalments (one more than the policy allows)",
        tags=["payment_plan", "beyond-policy"],
        segment="mid_market",
        invoices=[Inv(overdue=26, amount=7_600_00)],
        persona={"wants_plan": {"installments": 4, "months": 4}},
        messages=[
            Msg(
                "m1",
                """
Hello,

We'd like to settle {inv0} in four monthly instalments of {amt0_code}/4 — sorry, I mean
four equal payments — starting on the 1st. Please confirm if that is acceptable.

Kind regards,
{me_full}
""",
                ["payment_plan"],
            )
        ],
        expect=[*escalated("payment_plan", "m1")],
    ),
    Case(
        slug="plan-six-months-no-instalments",
        title="'Could you give us six months?'",
        tags=["payment_plan", "beyond-policy"],
        profile="late",
        invoices=[Inv(overdue=33), Inv(overdue=12)],
        persona={"wants_plan": {"installments": 6, "months": 6}},
        messages=[
            Msg(
                "m1",
                """
Hi,

Could you give us six months to pay off the balance? We'll pay it in monthly chunks.
We're restructuring our debt with the bank and they've asked us to agree terms with all
our suppliers.

{me_full}
""",
                ["payment_plan"],
            )
        ],
        expect=[*escalated("payment_plan", "m1")],
    ),
]

CASES = [*ALREADY_PAID, *COPIES, *QUESTIONS, *PLANS]
