"""Disputes of every kind: price, quantity, damaged, not received, duplicate,
missing PO, quality, and the odd one out."""

from __future__ import annotations

from recoup.evals.authoring.build import Case, Inv, Msg, calm, dispute, reminded

CASES = [
    # --- price -------------------------------------------------------------------
    Case(
        slug="dispute-price-quoted-rate",
        title="Billed above the quoted rate",
        tags=["dispute", "price"],
        invoices=[Inv(overdue=14, amount=4_812_50)],
        persona={"withholds": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hi,

We can't pay {inv0} as it stands. The quote we signed off (Q-2291) was $38.50 per unit
and you've billed us $42.75. Please send a corrected invoice and we'll process it
straight away.

Thanks,
{me_full}
Purchasing Manager
""",
                ["dispute"],
            )
        ],
        expect=[*dispute("m1", 0, "price"), calm()],
    ),
    Case(
        slug="dispute-price-missing-contract-discount",
        title="The contract discount was not applied",
        tags=["dispute", "price"],
        locale="uk",
        segment="mid_market",
        invoices=[Inv(overdue=9), Inv(overdue=23)],
        persona={"withholds": ["{inv1}"]},
        messages=[
            Msg(
                "m1",
                """
Good afternoon,

Re {inv1}: our framework agreement gives us 7.5% off list on all consumables and it
hasn't been applied on this one. Could you reissue it please? {inv0} is fine and is in
this week's run.

Regards,
{me_full}
""",
                ["dispute", "promise"],
                promise={"date": "fri", "invoices": ["{inv0}"]},
            )
        ],
        expect=[*dispute("m1", 1, "price"), calm("legal", "insolvency", "hostile")],
    ),
    Case(
        slug="dispute-price-fuel-surcharge",
        title="Disputes a fuel surcharge line",
        tags=["dispute", "price"],
        invoices=[Inv(overdue=11, amount=2_196_40)],
        persona={"withholds": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hello,

There is a $186.40 "fuel surcharge" on {inv0} that nobody agreed to. We were never told
about a surcharge and it isn't in our terms. We're happy to pay the rest once you take
that line off.

{me}
""",
                ["dispute"],
            )
        ],
        expect=[*dispute("m1", 0, "price"), calm()],
    ),
    Case(
        slug="dispute-price-old-price-list",
        title="Invoiced on the new price list before it took effect",
        tags=["dispute", "price"],
        segment="mid_market",
        invoices=[Inv(overdue=6)],
        persona={"withholds": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hi {us} AR,

{inv0} is priced on your new 2026 list, but the order was placed on the 28th of last
month, before the increase. Our rep confirmed old pricing would apply to anything
ordered before the 1st. Please correct and resend.

Regards,
{me_full}
Accounts Payable
""",
                ["dispute"],
            )
        ],
        expect=[*dispute("m1", 0, "price"), calm()],
    ),
    Case(
        slug="dispute-price-wrong-rate-hours",
        title="Service invoice charged at the overtime rate",
        tags=["dispute", "price"],
        profile="slightly_late",
        invoices=[Inv(overdue=19, desc="Field service, 14 hrs")],
        persona={"withholds": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Your tech was here on a normal weekday between 9 and 4 and the invoice charges all
14 hours at the overtime rate?? That's not right. Please fix {inv0}.

{me_full}
Facilities, {co}
""",
                ["dispute"],
            )
        ],
        expect=[*dispute("m1", 0, "price"), calm()],
    ),
    # --- quantity ----------------------------------------------------------------
    Case(
        slug="dispute-quantity-short-shipped",
        title="Billed for 40 cartons, received 36",
        tags=["dispute", "quantity"],
        invoices=[Inv(overdue=16)],
        persona={"withholds": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hi,

We only recieved 36 of the 40 cartons billed on {inv0}. The signed delivery note says
36 and our warehouse count matches. Can you credit the 4 missing cartons or send them?
We'll pay once that's sorted.

Thank you
{me}
""",
                ["dispute"],
            )
        ],
        expect=[*dispute("m1", 0, "quantity"), calm()],
    ),
    Case(
        slug="dispute-quantity-billed-twice-line",
        title="The same line appears twice on one invoice",
        tags=["dispute", "quantity"],
        locale="uk",
        invoices=[Inv(overdue=12)],
        persona={"withholds": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hello,

Lines 3 and 4 on {inv0} are the same item (the 25mm brackets), same quantity, same
price. We only ordered them once. Please could you check and send a credit note for
the duplicate line.

Many thanks
{me_full}
""",
                ["dispute"],
            )
        ],
        expect=[*dispute("m1", 0, None), calm()],  # quantity or duplicate: either reading is fair
    ),
    Case(
        slug="dispute-quantity-partial-delivery",
        title="Invoiced in full, only part delivered",
        tags=["dispute", "quantity"],
        segment="mid_market",
        invoices=[Inv(overdue=22), Inv(overdue=8)],
        persona={"withholds": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hi,

{inv0} bills the whole order, but only the first delivery has arrived — the second
half is still on backorder according to your own portal. We pay for what we receive.
Please invoice the backorder separately when it ships.

{inv1} is correct and will be paid normally.

Regards
{me_full}
""",
                ["dispute"],
            )
        ],
        expect=[*dispute("m1", 0, "quantity"), reminded(within_days=30, invoice=1, after="m1")],
    ),
    Case(
        slug="dispute-quantity-hours-timesheet",
        title="More hours billed than the signed timesheets",
        tags=["dispute", "quantity"],
        invoices=[Inv(overdue=10, desc="Installation labour")],
        persona={"withholds": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hi,

The timesheets our site manager signed add up to 62 hours, {inv0} says 71. Can someone
look at this? Attaching the signed sheets.

{me}
""",
                ["dispute"],
                attachments=[
                    {
                        "filename": "timesheets_signed.pdf",
                        "text": "Week 1: 32h. Week 2: 30h. Total 62h. Signed: site manager",
                    }
                ],
            )
        ],
        expect=[*dispute("m1", 0, "quantity"), calm()],
    ),
    # --- damaged -----------------------------------------------------------------
    Case(
        slug="dispute-damaged-pallet",
        title="A pallet arrived damaged",
        tags=["dispute", "damaged"],
        invoices=[Inv(overdue=13)],
        persona={"withholds": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hi there,

Half the pallet on this delivery was crushed — photos were sent to your driver and to
customer service the same day (case #55102). We're not paying {inv0} until we get
either replacements or a credit.

Thanks,
{me_full}
Receiving / AP
""",
                ["dispute"],
            )
        ],
        expect=[*dispute("m1", 0, "damaged"), calm()],
    ),
    Case(
        slug="dispute-damaged-cracked-glass",
        title="Cracked glass panels",
        tags=["dispute", "damaged"],
        locale="uk",
        invoices=[Inv(overdue=7, amount=5_340_00)],
        persona={"withholds": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hi,

3 of the 12 glass panels on {inv0} arrived cracked. We've kept them aside for
collection. Please raise a credit for those three (or replace them) and we'll pay the
invoice once that's done.

Regards
{me}
""",
                ["dispute"],
            )
        ],
        expect=[*dispute("m1", 0, "damaged"), calm()],
    ),
    Case(
        slug="dispute-damaged-water",
        title="Water-damaged stock, two invoices",
        tags=["dispute", "damaged"],
        invoices=[Inv(overdue=20), Inv(overdue=20)],
        persona={"withholds": ["{inv1}"]},
        messages=[
            Msg(
                "m1",
                """
Hello,

The boxes on {inv1} were soaked when they arrived — looks like the truck leaked. Most
of the paper stock is unusable. {inv0} came on a different truck and is fine, we're
paying that one now.

Please let me know how you want to handle the damaged goods.

{me_full}
""",
                ["dispute", "already_paid"],
            )
        ],
        payments=[
            {
                "after_message": "m1",
                "days_after": 2,
                "amount_cents": "{cents0}",
                "references": "{inv0}",
            }
        ],
        expect=[*dispute("m1", 1, "damaged"), calm()],
    ),
    Case(
        slug="dispute-damaged-defective-units",
        title="Units dead on arrival",
        tags=["dispute", "damaged"],
        segment="mid_market",
        invoices=[Inv(overdue=15)],
        persona={"withholds": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hi,

Of the 20 controllers on {inv0}, 6 were dead on arrival. RMA was requested through your
portal (RMA-20931) but we haven't heard back. We'll hold payment of this invoice until
the replacements arrive.

{me_full}
Operations
""",
                ["dispute"],
            )
        ],
        expect=[*dispute("m1", 0, "damaged"), calm()],
    ),
    # --- not received --------------------------------------------------------------
    Case(
        slug="dispute-not-received-goods",
        title="Goods never arrived",
        tags=["dispute", "not_received"],
        invoices=[Inv(overdue=18)],
        persona={"withholds": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hi,

We never received the goods on {inv0}. Tracking shows "delivered" but nobody here
signed for it and its not in our warehouse. Can you open a trace with the carrier?
Obviously we won't pay for something we didn't get.

Thanks
{me}
""",
                ["dispute"],
            )
        ],
        expect=[*dispute("m1", 0, "not_received"), calm()],
    ),
    Case(
        slug="dispute-not-received-service-cancelled",
        title="Service visit that never happened",
        tags=["dispute", "not_received"],
        locale="uk",
        invoices=[Inv(overdue=25)],
        persona={"withholds": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hello,

{inv0} is for the quarterly service visit in October. That visit never took place —
your engineer cancelled twice and we gave up. I'm not sure why we've been invoiced for
it. Please cancel the invoice.

Regards,
{me_full}
Office Manager
""",
                ["dispute"],
            )
        ],
        expect=[*dispute("m1", 0, "not_received"), calm()],
    ),
    Case(
        slug="dispute-not-received-wrong-site",
        title="Delivered to the wrong site",
        tags=["dispute", "not_received"],
        segment="mid_market",
        invoices=[Inv(overdue=12), Inv(overdue=30)],
        persona={"withholds": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hi,

The order on {inv0} was shipped to our old Dayton site, which closed in the summer.
We never got it. Please recover it and reship to the address on the PO.

For {inv1}, that's been approved and goes out Friday.

{me_full}
""",
                ["dispute", "promise"],
                promise={"date": "fri", "invoices": ["{inv1}"]},
            )
        ],
        expect=[*dispute("m1", 0, "not_received"), calm("legal", "insolvency", "hostile")],
    ),
    Case(
        slug="dispute-not-received-software-licences",
        title="Licences not provisioned",
        tags=["dispute", "not_received"],
        invoices=[Inv(overdue=9, desc="Annual licence renewal, 25 seats")],
        persona={"withholds": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hi,

we havent received the licence keys for the renewal on {inv0}. Our users have been
running on the grace period for two weeks. Happy to pay when the keys are delivered,
not before.

-- {me}
""",
                ["dispute"],
            )
        ],
        expect=[*dispute("m1", 0, "not_received"), calm()],
    ),
    # --- duplicate -----------------------------------------------------------------
    Case(
        slug="dispute-duplicate-same-order",
        title="The same order invoiced twice",
        tags=["dispute", "duplicate"],
        invoices=[Inv(overdue=14, amount=1_960_00), Inv(overdue=12, amount=1_960_00)],
        persona={"withholds": ["{inv1}"]},
        messages=[
            Msg(
                "m1",
                """
Hi,

{inv0} and {inv1} look like the same order to me — same PO, same items, same amount
({amt0}). We paid {inv0} last week. I think {inv1} is a duplicate, can you void it?

Thanks,
{me}
""",
                ["dispute", "already_paid"],
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
        expect=[*dispute("m1", 1, "duplicate"), calm()],
    ),
    Case(
        slug="dispute-duplicate-already-paid-original",
        title="A re-issued invoice duplicating one already paid",
        tags=["dispute", "duplicate"],
        locale="uk",
        invoices=[Inv(overdue=8)],
        persona={"withholds": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hi,

{inv0} seems to be a re-issue of an invoice we paid back in September (your ref then
was 2209-114, paid by BACS on the 19th). Please check your records and cancel this
one.

Regards
{me_full}
""",
                ["dispute"],
            )
        ],
        expect=[*dispute("m1", 0, "duplicate"), calm()],
    ),
    Case(
        slug="dispute-duplicate-two-numbers",
        title="Two invoice numbers, one delivery note",
        tags=["dispute", "duplicate"],
        segment="mid_market",
        invoices=[Inv(overdue=19), Inv(overdue=19)],
        persona={"withholds": ["{inv1}"]},
        messages=[
            Msg(
                "m1",
                """
Good morning,

Both {inv0} and {inv1} reference delivery note DN-77812. We only had one delivery. We
will pay {inv0} on Thursday and consider {inv1} a duplicate unless you can show us a
second delivery.

Best regards,
{me_full}
Accounts Payable
""",
                ["dispute", "promise"],
                promise={"date": "thu", "invoices": ["{inv0}"]},
            )
        ],
        expect=[*dispute("m1", 1, "duplicate"), calm("legal", "insolvency", "hostile")],
    ),
    Case(
        slug="dispute-duplicate-subscription",
        title="Monthly subscription charged twice",
        tags=["dispute", "duplicate"],
        invoices=[Inv(overdue=6, amount=249_00), Inv(overdue=6, amount=249_00)],
        persona={"withholds": ["{inv1}"]},
        messages=[
            Msg(
                "m1",
                """
hi, you billed our monthly subscription twice this month ({inv0} and {inv1}). we'll pay
{inv0} obviously. pls cancel {inv1}, its the duplicate

{me}
""",
                ["dispute"],
            )
        ],
        expect=[
            {"type": "dispute_opened", "message": "m1", "invoice": "{inv1}", "reason": "duplicate"},
            calm(),
        ],
    ),
    # --- missing PO --------------------------------------------------------------
    Case(
        slug="dispute-missing-po-number",
        title="No PO number on the invoice",
        tags=["dispute", "missing_po"],
        segment="mid_market",
        invoices=[Inv(overdue=17)],
        persona={"withholds": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hello,

Our system rejected {inv0} because it has no purchase order number. All supplier
invoices need a valid PO to be paid — no PO, no pay, I'm afraid. Please reissue with
the PO quoted.

Kind regards,
{me_full}
AP Team
""",
                ["dispute"],
            )
        ],
        expect=[*dispute("m1", 0, "missing_po"), calm()],
    ),
    Case(
        slug="dispute-missing-po-wrong-po",
        title="The PO on the invoice is someone else's",
        tags=["dispute", "missing_po"],
        locale="uk",
        invoices=[Inv(overdue=11, po="PO-118823")],
        persona={"withholds": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hi,

The PO on {inv0} ({po0}) isn't one of ours — our POs start with 45. I think it belongs
to a different customer. Could you check with your sales team and send the invoice
again with our PO 4500982214?

Thanks very much
{me}
""",
                ["dispute"],
            )
        ],
        expect=[*dispute("m1", 0, "missing_po"), calm()],
    ),
    Case(
        slug="dispute-missing-po-portal",
        title="Invoices must go through the supplier portal with a PO",
        tags=["dispute", "missing_po"],
        segment="enterprise",
        invoices=[Inv(overdue=20)],
        persona={"withholds": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Dear Supplier,

Invoice {inv0} cannot be processed: it does not reference a valid purchase order and
was not submitted through our supplier portal. Please obtain a PO from your requester
and resubmit via the portal. Invoices without a PO are not payable under our
procurement policy.

Regards,
{me_full}
Global Business Services – Accounts Payable
""",
                ["dispute"],
            )
        ],
        expect=[*dispute("m1", 0, "missing_po"), calm()],
    ),
    Case(
        slug="dispute-missing-po-one-of-two",
        title="One invoice lacks a PO, the other is fine",
        tags=["dispute", "missing_po"],
        invoices=[Inv(overdue=9, po="7781"), Inv(overdue=9)],
        persona={"withholds": ["{inv1}"]},
        messages=[
            Msg(
                "m1",
                """
Hi,

{inv0} is approved (PO {po0}). {inv1} has no PO on it at all so it's stuck in our
system — can you add one? Our buyer is Sam in maintenance if you need it.

Thanks
{me}
""",
                ["dispute"],
            )
        ],
        expect=[*dispute("m1", 1, "missing_po"), reminded(within_days=30, invoice=0, after="m1")],
    ),
    # --- quality -----------------------------------------------------------------
    Case(
        slug="dispute-quality-off-spec",
        title="Material out of specification",
        tags=["dispute", "quality"],
        segment="mid_market",
        invoices=[Inv(overdue=13)],
        persona={"withholds": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hello,

The steel on {inv0} failed our incoming inspection — hardness is well outside the spec
on the certificate. QA has the batch on hold. We won't pay until your quality team has
looked at it and we agree on a remedy.

Regards,
{me_full}
""",
                ["dispute"],
            )
        ],
        expect=[*dispute("m1", 0, "quality"), calm()],
    ),
    Case(
        slug="dispute-quality-poor-work",
        title="Poor workmanship on an installation",
        tags=["dispute", "quality"],
        locale="uk",
        invoices=[Inv(overdue=27)],
        persona={"withholds": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hi,

Frankly the installation on {inv0} was poor. Two of the units are leaking and the
trunking has been left unfinished. We've asked three times for someone to come back.
Until it's put right we're holding the invoice.

{me_full}
""",
                ["dispute"],
            )
        ],
        expect=[*dispute("m1", 0, "quality")],
    ),
    Case(
        slug="dispute-quality-print-colours",
        title="Print run with the wrong colours",
        tags=["dispute", "quality"],
        invoices=[Inv(overdue=8)],
        persona={"withholds": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hi,

The brochures on {inv0} came out with the wrong blue — nowhere near the Pantone we
approved on the proof. We can't use them for the trade show. Please call me to discuss
a reprint; payment is on hold until then.

{me}
{co}
""",
                ["dispute"],
            )
        ],
        expect=[*dispute("m1", 0, "quality"), calm()],
    ),
    # --- other -------------------------------------------------------------------
    Case(
        slug="dispute-other-tax-wrong",
        title="VAT charged on a zero-rated supply",
        tags=["dispute", "other"],
        locale="ie",
        invoices=[Inv(overdue=12)],
        persona={"withholds": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hi,

You've charged VAT on {inv0} but we provided our VAT number and this is an intra-EU
supply — it should be reverse charge. Could you reissue it without VAT? We can't
process it as is.

Go raibh maith agat,
{me}
""",
                ["dispute"],
            )
        ],
        expect=[*dispute("m1", 0, None), calm()],
    ),
    Case(
        slug="dispute-other-wrong-entity",
        title="Invoiced to the wrong legal entity",
        tags=["dispute", "other"],
        segment="mid_market",
        invoices=[Inv(overdue=16)],
        persona={"withholds": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hello,

{inv0} is addressed to {co_short} Holdings, but the order was placed by our operating
company. Our AP can't pay an invoice addressed to another entity. Please re-address it
and send it again.

Thanks,
{me_full}
""",
                ["dispute"],
            )
        ],
        expect=[*dispute("m1", 0, None), calm()],
    ),
]
