"""Out-of-office, bounces, wrong contacts, insolvency, legal threats, hostility."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from recoup.evals.authoring.build import Case, Inv, Msg, after_outbound, calm, escalated, quiet


def _away(contact: str, until: str) -> dict[str, Any]:
    return {"email": f"{{{contact}}}", "start": "{on0_iso}T00:00:00Z", "until": until}


def _ooo(body: str, *, subject: str | None = None, delay: float = 0.05) -> Msg:
    return Msg(
        "m1",
        body,
        ["out_of_office"],
        kind="auto_reply",
        when=after_outbound(delay),
        subject=subject,
        quote=False,
    )


OUT_OF_OFFICE = [
    Case(
        slug="ooo-back-on-date-us",
        title="Out of office until a stated date",
        tags=["out_of_office"],
        invoices=[Inv(overdue=12)],
        persona={"absent": [_away("contact0", "{on9_iso}")]},
        messages=[
            _ooo(
                """
Thank you for your email. I am out of the office with no access to email and will
return on {on9_wd}, {on9_us}. For urgent invoice questions please contact
ap@{domain}.

{me_full}
"""
            )
        ],
        expect=[quiet("m1", "{on9_iso}")],
    ),
    Case(
        slug="ooo-annual-leave-uk",
        title="On annual leave, back on a date",
        tags=["out_of_office"],
        locale="uk",
        invoices=[Inv(overdue=20), Inv(overdue=4)],
        persona={"absent": [_away("contact0", "{on12_iso}")]},
        messages=[
            _ooo(
                """
Hi,

I'm on annual leave until {on11_uk} with limited access to email. I'll pick your message
up when I'm back on {on12_wd} {on12_uk}.

Thanks,
{me}
""",
                subject="Automatic reply: Invoice reminder",
            )
        ],
        expect=[quiet("m1", "{on12_iso}")],
    ),
    Case(
        slug="ooo-parental-leave-no-date",
        title="Parental leave, no return date",
        tags=["out_of_office", "no-return-date"],
        invoices=[Inv(overdue=16)],
        persona={"absent": [_away("contact0", "{on60_iso}")]},
        messages=[
            _ooo(
                """
Hello! I'm currently on parental leave and not checking email. Your message won't be
forwarded. For anything finance-related please reach out to our general inbox.

{me}
"""
            )
        ],
        expect=[quiet("m1", "+5d")],
    ),
    Case(
        slug="ooo-conference-back-monday",
        title="At a trade show, back Monday",
        tags=["out_of_office"],
        invoices=[Inv(overdue=7)],
        persona={"absent": [_away("contact0", "{on7_iso}")]},
        start=None,
        messages=[
            _ooo(
                """
I'm at the Fabtech show this week and will be back in the office on {on7_wd}
{on7_slash}. I'll respond to your email then.

Regards,
{me_full}
""",
                subject="Out of Office: Re: Invoice overdue",
            )
        ],
        expect=[quiet("m1", "{on7_iso}")],
    ),
    Case(
        slug="ooo-sick-leave-no-date",
        title="Off sick, no date",
        tags=["out_of_office", "no-return-date"],
        locale="uk",
        invoices=[Inv(overdue=27)],
        persona={"absent": [_away("contact0", "{on14_iso}")]},
        messages=[
            _ooo(
                """
I am currently away from the office. I will respond to your email on my return.

Kind regards
{me_full}
""",
                subject="Auto-reply: Re: Payment reminder",
            )
        ],
        expect=[quiet("m1", "+5d")],
    ),
    Case(
        slug="ooo-christmas-closure",
        title="Closed over the holidays",
        tags=["out_of_office", "holiday"],
        start=datetime(2026, 12, 21, 6, tzinfo=UTC),
        invoices=[Inv(overdue=15)],
        persona={"absent": [_away("contact0", "{on15_iso}")]},
        messages=[
            _ooo(
                """
Our offices are closed for the holidays. We reopen on {on15_us} and will answer your
message then. Happy holidays from all of us at {co}!
""",
                subject="Automatic reply: holiday closure",
            )
        ],
        expect=[quiet("m1", "{on15_iso}")],
    ),
    Case(
        slug="ooo-german-abwesenheit",
        title="German out-of-office with a return date",
        tags=["out_of_office", "german"],
        locale="de",
        invoices=[Inv(overdue=11)],
        persona={"absent": [_away("contact0", "{on10_iso}")]},
        messages=[
            _ooo(
                """
Sehr geehrte Damen und Herren,

vielen Dank für Ihre Nachricht. Ich bin bis einschließlich {on9_eu} nicht im Büro und
ab dem {on10_eu} wieder erreichbar. Ihre E-Mail wird nicht weitergeleitet.

Mit freundlichen Grüßen
{me_full}
""",
                subject="Abwesenheitsnotiz: Zahlungserinnerung",
            )
        ],
        expect=[quiet("m1", "{on10_iso}")],
    ),
    Case(
        slug="ooo-french-absence",
        title="French out-of-office with a return date",
        tags=["out_of_office", "french"],
        locale="fr",
        invoices=[Inv(overdue=18)],
        persona={"absent": [_away("contact0", "{on8_iso}")]},
        messages=[
            _ooo(
                """
Bonjour,

Je suis absente du bureau jusqu'au {on7_eu} inclus. Je traiterai votre message à mon
retour le {on8_eu}. En cas d'urgence, merci de contacter la comptabilité au standard.

Cordialement,
{me_full}
""",
                subject="Réponse automatique : Relance facture",
            )
        ],
        expect=[quiet("m1", "{on8_iso}")],
    ),
    Case(
        slug="ooo-spanish-vacaciones",
        title="Spanish out-of-office, on holiday",
        tags=["out_of_office", "spanish"],
        locale="es",
        invoices=[Inv(overdue=9)],
        persona={"absent": [_away("contact0", "{on14_iso}")]},
        messages=[
            _ooo(
                """
Hola,

Estoy de vacaciones hasta el {on13_eu}, sin acceso al correo. Regresaré el {on14_eu}.
Para asuntos urgentes, escriba a administracion@{domain}.

Un saludo,
{me}
""",
                subject="Respuesta automática: Recordatorio de pago",
            )
        ],
        expect=[quiet("m1", "{on14_iso}")],
    ),
    Case(
        slug="ooo-left-company-no-date",
        title="Auto-reply that never says when",
        tags=["out_of_office", "no-return-date"],
        segment="mid_market",
        invoices=[Inv(overdue=14)],
        persona={"absent": [_away("contact0", "{on21_iso}")]},
        messages=[
            _ooo(
                """
Thank you for your message. I am travelling with intermittent access to email and will
reply as soon as I can.

This is an automated response.
"""
            )
        ],
        expect=[quiet("m1", "+5d")],
    ),
]


def _bounce(address_key: str, body: str, subject: str) -> Msg:
    return Msg(
        "m1",
        body,
        ["bounce"],
        kind="bounce",
        sender="addr:MAILER-DAEMON@mx1.{domain}",
        when=after_outbound(0.02),
        subject=subject,
        quote=False,
        bounced=f"{{{address_key}}}",
    )


BOUNCES = [
    Case(
        slug="bounce-postfix-user-unknown-with-backup-contact",
        title="Primary contact bounces; a second contact remains",
        tags=["bounce"],
        contacts=2,
        invoices=[Inv(overdue=13)],
        persona={"dead_addresses": ["{contact0}"]},
        messages=[
            _bounce(
                "contact0",
                """
This is the mail system at host mx1.{domain}.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

                   The mail system

<{contact0}>: host mx1.{domain}[10.4.2.17] said: 550 5.1.1
    <{contact0}>: Recipient address rejected: User unknown in virtual
    mailbox table (in reply to RCPT TO command)
""",
                "Undelivered Mail Returned to Sender",
            )
        ],
        expect=[{"type": "contact_undeliverable", "email": "{contact0}"}],
    ),
    Case(
        slug="bounce-exchange-no-backup",
        title="Exchange NDR; no other contact left",
        tags=["bounce"],
        invoices=[Inv(overdue=22)],
        persona={"dead_addresses": ["{contact0}"]},
        messages=[
            _bounce(
                "contact0",
                """
Your message to {contact0} couldn't be delivered.

{contact0_first} wasn't found at {domain}.

Action Required
Unknown To address

How to Fix It
The address may be misspelled or may not exist. Try one or more of the following:
Retype the recipient's address, then resend the message.

Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by
SMTP address lookup'
""",
                "Undeliverable: Invoice reminder",
            )
        ],
        expect=[
            {"type": "contact_undeliverable", "email": "{contact0}"},
            *escalated("contact_change"),
        ],
    ),
    Case(
        slug="bounce-gmail-style-with-backup",
        title="Address not found; finance manager still reachable",
        tags=["bounce"],
        contacts=2,
        invoices=[Inv(overdue=9), Inv(overdue=2)],
        persona={"dead_addresses": ["{contact0}"]},
        messages=[
            _bounce(
                "contact0",
                """
** Address not found **

Your message wasn't delivered to {contact0} because the address couldn't be found, or is
unable to receive mail.

The response from the remote server was:
550 5.1.1 The email account that you tried to reach does not exist. Please try
double-checking the recipient's email address for typos or unnecessary spaces.
""",
                "Delivery Status Notification (Failure)",
            )
        ],
        expect=[{"type": "contact_undeliverable", "email": "{contact0}"}],
    ),
    Case(
        slug="bounce-mailbox-disabled-no-backup",
        title="Mailbox disabled after the contact left",
        tags=["bounce"],
        locale="uk",
        invoices=[Inv(overdue=30)],
        persona={"dead_addresses": ["{contact0}"]},
        messages=[
            _bounce(
                "contact0",
                """
Delivery has failed to these recipients or groups:

{contact0}
The mailbox you tried to send to is disabled and can't accept messages. Contact the
recipient by some other means.

Diagnostic information for administrators:
Remote Server returned '550 5.2.1 Mailbox disabled, not accepting messages'
""",
                "Undeliverable: Payment reminder",
            )
        ],
        expect=[
            {"type": "contact_undeliverable", "email": "{contact0}"},
            *escalated("contact_change"),
        ],
    ),
    Case(
        slug="bounce-domain-expired-no-backup",
        title="The customer's domain no longer receives mail",
        tags=["bounce"],
        profile="late",
        invoices=[Inv(overdue=45)],
        persona={"dead_addresses": ["{contact0}"]},
        messages=[
            _bounce(
                "contact0",
                """
Hi. This is the qmail-send program at mx1.{domain}.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<{contact0}>:
Sorry, no mailbox here by that name. (#5.1.1)
""",
                "failure notice",
            )
        ],
        expect=[
            {"type": "contact_undeliverable", "email": "{contact0}"},
            *escalated("contact_change"),
        ],
    ),
    Case(
        slug="bounce-mimecast-rejected-with-backup",
        title="Rejected by a mail gateway; accounts inbox still works",
        tags=["bounce"],
        segment="mid_market",
        contacts=2,
        invoices=[Inv(overdue=17)],
        persona={"dead_addresses": ["{contact0}"]},
        messages=[
            _bounce(
                "contact0",
                """
Your message couldn't be delivered to the recipients shown below.

    {contact0}

The recipient address does not exist at the destination (550 Invalid Recipient -
https://community.mimecast.com/docs/DOC-1369#550).

Original message details:
Subject: overdue invoice
""",
                "Mail delivery failed: returning message to sender",
            )
        ],
        expect=[{"type": "contact_undeliverable", "email": "{contact0}"}],
    ),
]


def _wrong(body: str) -> Msg:
    return Msg("m1", body, ["wrong_contact"])


WRONG_CONTACT = [
    Case(
        slug="wrong-contact-no-longer-handles",
        title="No longer handles AP; gives the new address",
        tags=["wrong_contact"],
        invoices=[Inv(overdue=15)],
        persona={"unread_addresses": ["{contact0}"]},
        extra={"redirect": "maria.santos@{domain}"},
        messages=[
            _wrong(
                """
Hi,

I moved to the operations team in September and dont handle payables any more. Please
send invoices and reminders to Maria Santos (maria.santos@{domain}) from now on.

Thanks,
{me}
""",
            )
        ],
        expect=[
            # The customer's own domain: the address is used at once, no person needed.
            {"type": "contact_added", "message": "m1", "email": "{redirect}", "written": True},
            calm("contact_change"),
        ],
    ),
    Case(
        slug="wrong-contact-sales-not-accounts",
        title="Sales, not accounts",
        tags=["wrong_contact"],
        locale="uk",
        invoices=[Inv(overdue=10)],
        persona={"unread_addresses": ["{contact0}"]},
        extra={"redirect": "accounts@{domain}"},
        messages=[
            _wrong(
                """
Hiya, I'm in sales, I've got nothing to do with invoices I'm afraid! You want
accounts@{domain}. I'll forward this on but please update your records.

{me}
""",
            )
        ],
        expect=[
            # The customer's own domain: the address is used at once, no person needed.
            {"type": "contact_added", "message": "m1", "email": "{redirect}", "written": True},
            calm("contact_change"),
        ],
    ),
    Case(
        slug="wrong-contact-left-company",
        title="A colleague answers: the contact left",
        tags=["wrong_contact"],
        invoices=[Inv(overdue=19)],
        persona={"unread_addresses": ["{contact0}"]},
        extra={"redirect": "payables@{domain}"},
        messages=[
            _wrong(
                """
Hello,

{contact0_first} left {co} at the end of last month and this mailbox is being monitored
by me temporarily. Please direct anything invoice-related to payables@{domain}.

Regards,
J. Whitaker
Office Administrator
""",
            )
        ],
        expect=[
            # The customer's own domain: the address is used at once, no person needed.
            {"type": "contact_added", "message": "m1", "email": "{redirect}", "written": True},
            calm("contact_change"),
        ],
    ),
    Case(
        slug="wrong-contact-acquired-new-parent",
        title="Acquired: invoices go to the new parent's AP",
        tags=["wrong_contact"],
        segment="mid_market",
        invoices=[Inv(overdue=24), Inv(overdue=6)],
        persona={"unread_addresses": ["{contact0}"]},
        extra={"redirect": "ap.invoices@meridianholdings.example"},
        messages=[
            _wrong(
                """
Hi,

As you may have heard, {co} was acquired by Meridian Holdings in October. All supplier
invoices and statements now need to go to ap.invoices@meridianholdings.example
quoting our new vendor number V-20417. I no longer have access to the payment system.

Best,
{me_full}
""",
            )
        ],
        expect=[
            *escalated("contact_change", "m1"),
            {"type": "no_email_to", "address": "{redirect}"},
        ],
    ),
    Case(
        slug="wrong-contact-personal-address",
        title="Someone's personal address by mistake",
        tags=["wrong_contact"],
        invoices=[Inv(overdue=8)],
        persona={"unread_addresses": ["{contact0}"]},
        extra={"redirect": "billing@{domain}"},
        messages=[
            _wrong(
                """
you've got the wrong person, I'm the owner's daughter and I helped with the website
ages ago. Try billing@{domain}. Please take me off your list

{me}
""",
            )
        ],
        expect=[
            # The customer's own domain: the address is used at once, no person needed.
            {"type": "contact_added", "message": "m1", "email": "{redirect}", "written": True},
            calm("contact_change"),
        ],
    ),
    Case(
        slug="wrong-contact-shared-services",
        title="Invoices are handled by a shared-services centre",
        tags=["wrong_contact"],
        segment="enterprise",
        invoices=[Inv(overdue=12)],
        persona={"unread_addresses": ["{contact0}"]},
        extra={"redirect": "invoices.emea@gbs-{domain}"},
        messages=[
            _wrong(
                """
Dear Supplier,

Please note that this mailbox is not monitored for supplier payment queries. All
invoices and payment queries must be sent to our Global Business Services centre at
invoices.emea@gbs-{domain}.

Thank you,
Procurement Helpdesk
""",
            )
        ],
        expect=[
            *escalated("contact_change", "m1"),
            {"type": "no_email_to", "address": "{redirect}"},
        ],
    ),
    Case(
        slug="wrong-contact-retired-bookkeeper",
        title="The bookkeeper retired",
        tags=["wrong_contact"],
        locale="uk",
        profile="late",
        invoices=[Inv(overdue=28)],
        persona={"unread_addresses": ["{contact0}"]},
        extra={"redirect": "office@{domain}"},
        messages=[
            _wrong(
                """
Dear all,

I retired as bookkeeper for {co} in the summer and only check this account now and
then. Please write to the office directly at office@{domain}, they'll see it gets
paid.

Best wishes,
{me_full}
""",
            )
        ],
        expect=[
            # The customer's own domain: the address is used at once, no person needed.
            {"type": "contact_added", "message": "m1", "email": "{redirect}", "written": True},
            calm("contact_change"),
        ],
    ),
    Case(
        slug="wrong-contact-forwarded-to-ap",
        title="Forwarded to AP, asks to update the contact",
        tags=["wrong_contact"],
        invoices=[Inv(overdue=11)],
        persona={"unread_addresses": ["{contact0}"]},
        extra={"redirect": "accountspayable@{domain}"},
        messages=[
            _wrong(
                """
Hi - I've forwarded this to our AP team (accountspayable@{domain}). Can you update your
contact for us so these go straight to them? I'm just the project manager.

Thanks!
{me}
""",
            )
        ],
        expect=[
            # The customer's own domain: the address is used at once, no person needed.
            {"type": "contact_added", "message": "m1", "email": "{redirect}", "written": True},
            calm("contact_change"),
        ],
    ),
]

INSOLVENCY = [
    Case(
        slug="insolvency-administration-uk",
        title="Notice of administration",
        tags=["insolvency"],
        locale="uk",
        segment="mid_market",
        invoices=[Inv(overdue=34), Inv(overdue=12)],
        persona={"pays": False},
        messages=[
            Msg(
                "m1",
                """
Dear Creditor,

{co} (the "Company")

We write to inform you that on {on1_uk} the directors of the Company appointed Sarah
Linley and Mark Osei of Begbies Kent LLP as joint administrators. The affairs, business
and property of the Company are being managed by the joint administrators, who act as
agents of the Company without personal liability.

Please do not contact the Company directly regarding amounts owed. A statement of your
claim should be submitted to the administrators at the address below.

Yours faithfully,
For and on behalf of the Company
""",
                ["insolvency"],
                sender="primary",
            )
        ],
        expect=[*escalated("insolvency", "m1", stop=True)],
    ),
    Case(
        slug="insolvency-chapter-11-us",
        title="Chapter 11 filing",
        tags=["insolvency"],
        segment="enterprise",
        invoices=[Inv(overdue=21)],
        persona={"pays": False},
        messages=[
            Msg(
                "m1",
                """
To our valued vendors:

On {on1_us}, {co} and certain of its subsidiaries filed voluntary petitions for
relief under Chapter 11 of the United States Bankruptcy Code in the District of
Delaware. The automatic stay prohibits collection efforts on pre-petition claims.
Information about filing a proof of claim is available from our claims agent.

We value your partnership and expect to continue operating in the ordinary course.

{me_full}
Vendor Relations
""",
                ["insolvency"],
            )
        ],
        expect=[*escalated("insolvency", "m1", stop=True)],
    ),
    Case(
        slug="insolvency-short-email-bankrupt",
        title="A short email: we're going bankrupt",
        tags=["insolvency"],
        profile="very_late",
        invoices=[Inv(overdue=58)],
        persona={"pays": False},
        messages=[
            Msg(
                "m1",
                """
I'm sorry but we're going bankrupt. The accountant is handling everything now. I don't
know if you'll get paid, I'm really sorry.

{me}
""",
                ["insolvency"],
            )
        ],
        expect=[*escalated("insolvency", "m1", stop=True)],
    ),
    Case(
        slug="insolvency-liquidator-letter",
        title="Creditors' voluntary liquidation, from the liquidator",
        tags=["insolvency"],
        locale="ie",
        invoices=[Inv(overdue=40)],
        persona={"pays": False},
        messages=[
            Msg(
                "m1",
                """
Dear Sir/Madam,

RE: {co} – IN CREDITORS' VOLUNTARY LIQUIDATION

I was appointed Liquidator of the above company on {on2_uk}. The company's records show
an amount of {amt0} owing to you under invoice {inv0}. Please find attached a proof of
debt form which should be completed and returned to this office so that your claim can
be admitted.

Kind regards,
Deirdre Nolan
Liquidator
""",
                ["insolvency"],
                sender="addr:d.nolan@nolaninsolvency.example",
                when={"at_day": 3, "hour": 11},
                subject="{co} - In Liquidation - Notice to Creditors",
                attachments=[{"filename": "Proof_of_Debt.pdf", "text": "Proof of debt form"}],
            )
        ],
        expect=[*escalated("insolvency", "m1", stop=True)],
    ),
    Case(
        slug="insolvency-receivership-hint",
        title="Mentions receivership while asking for time",
        tags=["insolvency"],
        locale="uk",
        invoices=[Inv(overdue=26)],
        persona={"pays": False},
        messages=[
            Msg(
                "m1",
                """
Hello,

I'll be straight with you — the bank has put us into receivership as of this morning
and the receiver is reviewing all creditor balances. I've been told not to make any
payments. Someone from their office should be in touch.

Sorry,
{me_full}
""",
                ["insolvency"],
            )
        ],
        expect=[*escalated("insolvency", "m1", stop=True)],
    ),
    Case(
        slug="insolvency-winding-down",
        title="Winding down, liquidation next month",
        tags=["insolvency"],
        invoices=[Inv(overdue=31)],
        persona={"pays": False},
        messages=[
            Msg(
                "m1",
                """
Hi,

We're closing the business. The owners are putting the company into liquidation next
month and all supplier payments have been frozen by our accountants until then. You'll
get a formal notice.

{me}
""",
                ["insolvency"],
            )
        ],
        expect=[*escalated("insolvency", "m1", stop=True)],
    ),
]

LEGAL = [
    Case(
        slug="legal-lawyer-will-be-in-touch",
        title="'Our lawyer will be in touch'",
        tags=["legal_threat"],
        invoices=[Inv(overdue=36)],
        persona={"pays": False},
        messages=[
            Msg(
                "m1",
                """
We've told you three times that the equipment never worked. Our lawyer will be in touch
about this and about the damages to our production. Don't email me again about this
invoice.

{me_full}
""",
                ["legal_threat", "hostile"],
            )
        ],
        expect=[*escalated("legal", "m1", stop=True)],
    ),
    Case(
        slug="legal-taking-legal-advice",
        title="Taking legal advice about the contract",
        tags=["legal_threat"],
        locale="uk",
        segment="mid_market",
        invoices=[Inv(overdue=19)],
        persona={"pays": False},
        messages=[
            Msg(
                "m1",
                """
Dear Sirs,

We consider {us} to be in breach of the supply agreement for the reasons set out in our
letter of last month. We have passed the matter to our solicitors and are taking legal
advice. Please direct any further correspondence regarding {inv0} to them.

Yours faithfully,
{me_full}
Company Secretary
""",
                ["legal_threat"],
            )
        ],
        expect=[*escalated("legal", "m1", stop=True)],
    ),
    Case(
        slug="legal-see-you-in-court",
        title="'See you in court'",
        tags=["legal_threat", "hostile"],
        profile="very_late",
        invoices=[Inv(overdue=63)],
        persona={"pays": False},
        messages=[
            Msg(
                "m1",
                """
Go ahead and send it to collections. We'll see you in court. Your product cost us a
client.
""",
                ["legal_threat", "hostile"],
            )
        ],
        expect=[*escalated("legal", "m1", stop=True)],
    ),
    Case(
        slug="legal-attorney-advised-not-to-pay",
        title="Attorney advised not to pay",
        tags=["legal_threat"],
        invoices=[Inv(overdue=29)],
        persona={"pays": False},
        messages=[
            Msg(
                "m1",
                """
Hello,

Our attorney has advised us not to pay {inv0} while the warranty claim is pending. She
will contact your company directly. Please hold off on further reminders.

Regards,
{me_full}
""",
                ["legal_threat"],
            )
        ],
        expect=[*escalated("legal", "m1", stop=True)],
    ),
    Case(
        slug="legal-small-claims",
        title="Threatens a small-claims filing",
        tags=["legal_threat"],
        invoices=[Inv(overdue=41, amount=2_750_00)],
        persona={"pays": False},
        messages=[
            Msg(
                "m1",
                """
If you keep billing us for work that wasn't finished we'll file in small claims court
for the deposit we already paid. Consider this your notice.

{me}
{co}
""",
                ["legal_threat"],
            )
        ],
        expect=[*escalated("legal", "m1", stop=True)],
    ),
    Case(
        slug="legal-letter-before-action",
        title="A letter before action attached",
        tags=["legal_threat", "attachment"],
        locale="uk",
        invoices=[Inv(overdue=25)],
        persona={"pays": False},
        messages=[
            Msg(
                "m1",
                """
Dear Sir/Madam,

Please see the attached letter from our solicitors, Harrow & Finch, regarding the
defective goods supplied under {inv0}. We will not be making any payment while this
matter is outstanding and intend to issue legal action if it is not resolved within 14
days.

Regards,
{me_full}
""",
                ["legal_threat"],
                attachments=[
                    {
                        "filename": "Letter_before_action.pdf",
                        "text": "Letter before action. Harrow & Finch Solicitors.",
                    }
                ],
            )
        ],
        expect=[*escalated("legal", "m1", stop=True)],
    ),
]

HOSTILE = [
    Case(
        slug="hostile-stop-harassing",
        title="'Stop harassing us'",
        tags=["hostile"],
        profile="late",
        invoices=[Inv(overdue=33)],
        messages=[
            Msg(
                "m1",
                """
STOP EMAILING ME. This is the fourth email this month. We know we owe you money. We
will pay when we pay. Harassing my staff is not going to speed anything up.
""",
                ["hostile"],
            )
        ],
        expect=[*escalated("hostile", "m1", stop=True)],
    ),
    Case(
        slug="hostile-swearing",
        title="Abusive reply with swearing",
        tags=["hostile"],
        profile="very_late",
        invoices=[Inv(overdue=48)],
        messages=[
            Msg(
                "m1",
                """
are you f***ing kidding me. your delivery was a week late, your driver damaged our
gate, and now you want money?? piss off.
""",
                ["hostile"],
            )
        ],
        expect=[*escalated("hostile", "m1", stop=True)],
    ),
    Case(
        slug="hostile-bad-review-threat",
        title="Threatens to trash the company online",
        tags=["hostile"],
        invoices=[Inv(overdue=22)],
        messages=[
            Msg(
                "m1",
                """
Keep sending me these robotic reminders and I'll make sure everyone in our trade
association hears how you treat loyal customers. Fifteen years we've bought from you.
Pathetic.

{me_full}
""",
                ["hostile"],
            )
        ],
        expect=[*escalated("hostile", "m1", stop=True)],
    ),
    Case(
        slug="hostile-sarcastic-uk",
        title="Sarcastic and insulting",
        tags=["hostile"],
        locale="uk",
        invoices=[Inv(overdue=27)],
        messages=[
            Msg(
                "m1",
                """
Oh brilliant, another reminder. Do you lot actually employ humans or is it just
machines sending these out? I've rung your office twice and nobody had a clue. Utterly
useless.
""",
                ["hostile"],
            )
        ],
        expect=[*escalated("hostile", "m1", stop=True)],
    ),
    Case(
        slug="hostile-threat-to-staff",
        title="Threatening language towards staff",
        tags=["hostile"],
        profile="late",
        invoices=[Inv(overdue=39)],
        messages=[
            Msg(
                "m1",
                """
If whoever keeps sending these shows up at my shop asking for money they'll regret it.
You've been warned.
""",
                ["hostile"],
            )
        ],
        expect=[*escalated("hostile", "m1", stop=True)],
    ),
    Case(
        slug="hostile-never-buying-again",
        title="Angry: never buying again, but will pay",
        tags=["hostile", "promise"],
        invoices=[Inv(overdue=16)],
        messages=[
            Msg(
                "m1",
                """
Unbelievable. You send me a "final notice" tone email over a 2 week delay after I've
been your customer for 8 years? Your service has gone downhill and I'm done with you.
You'll get your money on Friday and that's the last order you'll ever get from us.

{me}
""",
                ["hostile", "promise"],
                promise={"date": "fri"},
            )
        ],
        expect=[*escalated("hostile", "m1")],
    ),
]

CASES = [*OUT_OF_OFFICE, *BOUNCES, *WRONG_CONTACT, *INSOLVENCY, *LEGAL, *HOSTILE]
