"""Replies in French, German, Spanish, Dutch and Italian; HTML-only mail; long
quoted threads; replies with several intents."""

from __future__ import annotations

from typing import Any

from recoup.evals.authoring.build import (
    Case,
    Inv,
    Msg,
    calm,
    dispute,
    escalated,
    promise,
    quiet,
    replied,
)


def _copy(message: str, *invoices: int, statement: bool = False) -> dict[str, Any]:
    return {
        "type": "copy_sent",
        "message": message,
        "invoices": [f"{{inv{i}}}" for i in invoices],
        "statement": statement,
    }


LANGUAGES = [
    Case(
        slug="fr-promise-vendredi",
        title="French: paid by transfer next Friday",
        tags=["promise", "french"],
        locale="fr",
        invoices=[Inv(overdue=14)],
        messages=[
            Msg(
                "m1",
                """
Bonjour,

Merci pour votre relance. La facture {inv0} sera réglée par virement vendredi prochain,
elle est validée de notre côté. Désolée pour ce retard.

Bien cordialement,
{me_full}
Service comptabilité fournisseurs
""",
                ["promise"],
                promise={"date": "fri"},
            )
        ],
        expect=[*promise("m1", "fri", "fri+7", invoices=[0]), calm()],
    ),
    Case(
        slug="fr-dispute-prix",
        title="French: price does not match the quote",
        tags=["dispute", "price", "french"],
        locale="fr",
        invoices=[Inv(overdue=9)],
        persona={"withholds": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Bonjour,

Nous contestons la facture {inv0} : le prix unitaire facturé ne correspond pas au devis
accepté (14,20 € HT au lieu de 12,90 € HT). Merci de nous adresser un avoir ou une
facture rectificative. Nous procéderons au règlement dès réception.

Cordialement,
{me_full}
""",
                ["dispute"],
            )
        ],
        expect=[*dispute("m1", 0, "price"), calm()],
    ),
    Case(
        slug="fr-copy-duplicata",
        title="French: asks for a duplicate invoice",
        tags=["copy_request", "french"],
        locale="fr",
        invoices=[Inv(overdue=17)],
        persona={"needs_copy": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Bonjour,

Nous n'avons pas reçu la facture {inv0}. Pourriez-vous nous en envoyer un duplicata
par retour de mail ? Nous la mettrons en paiement dès réception.

Merci d'avance,
{me}
""",
                ["copy_request"],
            )
        ],
        expect=[_copy("m1", 0), calm()],
    ),
    Case(
        slug="de-promise-betrag-freitag",
        title="German: transfers 1.234,56 € on Friday",
        tags=["promise", "german", "eur-format"],
        locale="de",
        invoices=[Inv(overdue=12, amount=1_234_56)],
        messages=[
            Msg(
                "m1",
                """
Guten Tag,

vielen Dank für Ihre Erinnerung. Wir überweisen den offenen Betrag von {amt0} für die
Rechnung {inv0} am Freitag. Die Verzögerung bitten wir zu entschuldigen.

Mit freundlichen Grüßen
{me_full}
Kreditorenbuchhaltung
{co}
""",
                ["promise"],
                promise={"date": "fri"},
            )
        ],
        expect=[*promise("m1", "fri", "fri+7", amount="{cents0}", invoices=[0]), calm()],
    ),
    Case(
        slug="de-dispute-beschaedigt",
        title="German: goods arrived damaged",
        tags=["dispute", "damaged", "german"],
        locale="de",
        invoices=[Inv(overdue=8)],
        persona={"withholds": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Sehr geehrte Damen und Herren,

die mit Rechnung {inv0} berechnete Ware ist beschädigt bei uns angekommen (zwei Kartons
eingedrückt, Inhalt zerbrochen). Fotos haben wir dem Fahrer mitgegeben. Bis zur Klärung
halten wir die Zahlung zurück.

Freundliche Grüße
{me_full}
""",
                ["dispute"],
            )
        ],
        expect=[*dispute("m1", 0, "damaged"), calm()],
    ),
    Case(
        slug="de-already-paid-ueberwiesen",
        title="German: already transferred",
        tags=["already_paid", "german"],
        locale="de",
        invoices=[Inv(overdue=6)],
        messages=[
            Msg(
                "m1",
                """
Hallo,

die Rechnung {inv0} haben wir bereits am {on0_dm} überwiesen (Verwendungszweck: {inv0}).
Bitte prüfen Sie Ihren Zahlungseingang.

Viele Grüße
{me}
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
        slug="de-insolvenz-antrag",
        title="German: insolvency application filed",
        tags=["insolvency", "german"],
        locale="de",
        invoices=[Inv(overdue=27)],
        persona={"pays": False},
        messages=[
            Msg(
                "m1",
                """
Sehr geehrte Damen und Herren,

wir müssen Ihnen leider mitteilen, dass die Geschäftsführung am {on1_eu} beim Amtsgericht
einen Antrag auf Eröffnung des Insolvenzverfahrens gestellt hat. Ein vorläufiger
Insolvenzverwalter wurde bestellt. Zahlungen dürfen wir ab sofort nicht mehr leisten.
Bitte melden Sie Ihre Forderung beim Insolvenzverwalter an.

Mit freundlichen Grüßen
{me_full}
""",
                ["insolvency"],
            )
        ],
        expect=[*escalated("insolvency", "m1", stop=True)],
    ),
    Case(
        slug="es-promise-final-de-mes",
        title="Spanish: paid at the end of the month",
        tags=["promise", "spanish"],
        locale="es",
        invoices=[Inv(overdue=10)],
        messages=[
            Msg(
                "m1",
                """
Buenos días,

Gracias por el recordatorio. La factura {inv0} se pagará a finales de mes, con nuestra
remesa habitual de proveedores.

Un saludo cordial,
{me_full}
Departamento de Administración
""",
                ["promise"],
                promise={"date": "eom-1d"},
            )
        ],
        expect=[*promise("m1", "eom-4d", "eom", invoices=[0]), calm()],
    ),
    Case(
        slug="es-dispute-cantidad",
        title="Spanish: fewer units received than invoiced",
        tags=["dispute", "quantity", "spanish"],
        locale="es",
        invoices=[Inv(overdue=15)],
        persona={"withholds": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hola,

En la factura {inv0} nos cobran 120 unidades pero solo hemos recibido 100, según el
albarán firmado. Por favor, envíennos un abono por la diferencia o una factura
corregida y la pagaremos enseguida.

Saludos,
{me}
""",
                ["dispute"],
            )
        ],
        expect=[*dispute("m1", 0, "quantity"), calm()],
    ),
    Case(
        slug="es-plan-tres-pagos",
        title="Spanish: three monthly payments",
        tags=["payment_plan", "within-policy", "spanish"],
        locale="es",
        invoices=[Inv(overdue=30, amount=3_600_00)],
        persona={"wants_plan": {"installments": 3, "months": 3}},
        messages=[
            Msg(
                "m1",
                """
Estimados señores:

Estamos pasando por unos meses complicados de tesorería. ¿Sería posible abonar la
factura {inv0} en tres pagos mensuales? Empezaríamos este mismo mes.

Quedo a la espera de su respuesta.
Atentamente,
{me_full}
Gerente
""",
                ["payment_plan"],
            )
        ],
        expect=[
            {"type": "plan_proposed", "message": "m1"},
            calm("payment_plan", "legal", "insolvency", "hostile"),
        ],
    ),
    Case(
        slug="es-concurso-acreedores",
        title="Spanish: insolvency proceedings (concurso de acreedores)",
        tags=["insolvency", "spanish"],
        locale="es",
        invoices=[Inv(overdue=38)],
        persona={"pays": False},
        messages=[
            Msg(
                "m1",
                """
Muy señores nuestros:

Les comunicamos que {co} ha solicitado la declaración de concurso de acreedores ante el
Juzgado de lo Mercantil. La administración concursal les informará sobre cómo comunicar
su crédito. Hasta entonces no podemos atender ningún pago pendiente.

Atentamente,
La Dirección
""",
                ["insolvency"],
            )
        ],
        expect=[*escalated("insolvency", "m1", stop=True)],
    ),
    Case(
        slug="nl-promise-woensdag",
        title="Dutch: paid next Wednesday",
        tags=["promise", "dutch"],
        locale="nl",
        invoices=[Inv(overdue=11)],
        messages=[
            Msg(
                "m1",
                """
Goedemiddag,

Excuses voor de vertraging. Factuur {inv0} wordt volgende week woensdag betaald, hij zit
in de betaalrun.

Met vriendelijke groet,
{me_full}
""",
                ["promise"],
                promise={"date": "wed+7"},
            )
        ],
        expect=[*promise("m1", "wed", "wed+7", invoices=[0]), calm()],
    ),
    Case(
        slug="nl-dispute-geen-inkoopnummer",
        title="Dutch: no purchase order number",
        tags=["dispute", "missing_po", "dutch"],
        locale="nl",
        invoices=[Inv(overdue=13)],
        persona={"withholds": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Beste,

Factuur {inv0} kunnen wij niet verwerken omdat er geen inkoopordernummer op staat.
Zonder PO-nummer wordt de factuur door ons systeem afgekeurd. Kunt u een nieuwe factuur
sturen met ons inkoopnummer erop?

Met vriendelijke groet,
{me}
Crediteurenadministratie
""",
                ["dispute"],
            )
        ],
        expect=[*dispute("m1", 0, "missing_po"), calm()],
    ),
    Case(
        slug="nl-copy-kopie-factuur",
        title="Dutch: asks for a copy of the invoice",
        tags=["copy_request", "dutch"],
        locale="nl",
        invoices=[Inv(overdue=9)],
        persona={"needs_copy": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hallo,

Wij hebben factuur {inv0} nooit ontvangen. Kunt u ons een kopie van de factuur mailen?
Dan zorgen wij dat hij deze week betaald wordt.

Groeten,
{me}
""",
                ["copy_request"],
            )
        ],
        expect=[_copy("m1", 0), calm()],
    ),
    Case(
        slug="it-promise-entro-il-15",
        title="Italian: paid by the 15th",
        tags=["promise", "italian"],
        locale="it",
        invoices=[Inv(overdue=8)],
        messages=[
            Msg(
                "m1",
                """
Buongiorno,

grazie per il sollecito. Provvederemo al pagamento della fattura {inv0} tramite bonifico
entro il 15 del mese. Ci scusiamo per il ritardo.

Cordiali saluti,
{me_full}
Ufficio Amministrazione
""",
                ["promise"],
                promise={"date": "day15"},
            )
        ],
        expect=[*promise("m1", "day15-1d", "day15", invoices=[0]), calm()],
    ),
    Case(
        slug="it-dispute-merce-non-ricevuta",
        title="Italian: goods not received",
        tags=["dispute", "not_received", "italian"],
        locale="it",
        invoices=[Inv(overdue=16)],
        persona={"withholds": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Buongiorno,

la merce relativa alla fattura {inv0} non è mai arrivata presso il nostro magazzino. Il
corriere risulta aver consegnato ma non abbiamo firmato nessuna bolla. Vi chiediamo di
verificare; fino ad allora la fattura resta sospesa.

Saluti,
{me}
""",
                ["dispute"],
            )
        ],
        expect=[*dispute("m1", 0, "not_received"), calm()],
    ),
    Case(
        slug="it-estratto-conto",
        title="Italian: asks for a statement of account",
        tags=["copy_request", "statement", "italian"],
        locale="it",
        invoices=[Inv(overdue=20), Inv(overdue=6)],
        persona={"needs_copy": ["*"]},
        messages=[
            Msg(
                "m1",
                """
Gentili signori,

potreste inviarci un estratto conto aggiornato? Dobbiamo riconciliare le partite aperte
prima di procedere con i pagamenti.

Grazie e cordiali saluti,
{me_full}
""",
                ["copy_request"],
            )
        ],
        expect=[_copy("m1", statement=True), calm()],
    ),
    Case(
        slug="fr-redressement-judiciaire",
        title="French: receivership proceedings",
        tags=["insolvency", "french"],
        locale="fr",
        invoices=[Inv(overdue=33)],
        persona={"pays": False},
        messages=[
            Msg(
                "m1",
                """
Madame, Monsieur,

Nous vous informons que par jugement du tribunal de commerce, la société {co} a été
placée en redressement judiciaire. Un mandataire judiciaire a été désigné ; nous vous
invitons à lui déclarer votre créance dans les délais légaux. Aucun paiement ne peut
être effectué en dehors de la procédure.

Veuillez agréer nos salutations distinguées.
La Direction
""",
                ["insolvency"],
            )
        ],
        expect=[*escalated("insolvency", "m1", stop=True)],
    ),
]

HTML_ONLY = [
    Case(
        slug="html-outlook-promise",
        title="HTML-only promise from Outlook",
        tags=["promise", "html"],
        invoices=[Inv(overdue=13)],
        messages=[
            Msg(
                "m1",
                """
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>
<body><div class="WordSection1">
<p class="MsoNormal">Hi,</p>
<p class="MsoNormal">&nbsp;</p>
<p class="MsoNormal">We&#8217;ve approved <b>{inv0}</b> and it will be paid on
<b>Friday</b>.</p>
<p class="MsoNormal">&nbsp;</p>
<p class="MsoNormal">Thanks,</p>
<p class="MsoNormal"><span style="color:#1F3864">{me_full}</span><br>
<span style="font-size:9pt;color:gray">Accounts Payable | {co}</span></p>
</div></body></html>
""",
                ["promise"],
                html=True,
                promise={"date": "fri"},
            )
        ],
        expect=[*promise("m1", "fri", "fri+7", invoices=[0]), calm()],
    ),
    Case(
        slug="html-dispute-table",
        title="HTML-only dispute with a table of lines",
        tags=["dispute", "quantity", "html"],
        segment="mid_market",
        invoices=[Inv(overdue=10)],
        persona={"withholds": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
<html><body>
<p>Hello,</p>
<p>We are disputing invoice {inv0}. The quantities billed do not match what we received:</p>
<table border="1" cellpadding="4">
<tr><th>Item</th><th>Billed</th><th>Received</th></tr>
<tr><td>Hinge kit 40mm</td><td>200</td><td>150</td></tr>
<tr><td>Drawer runner</td><td>80</td><td>80</td></tr>
</table>
<p>Please issue a credit for the 50 hinge kits not delivered.</p>
<p>Regards,<br>{me_full}</p>
</body></html>
""",
                ["dispute"],
                html=True,
            )
        ],
        expect=[*dispute("m1", 0, "quantity"), calm()],
    ),
    Case(
        slug="html-copy-request-signature-images",
        title="HTML-only copy request with a heavy signature",
        tags=["copy_request", "html"],
        locale="uk",
        invoices=[Inv(overdue=19)],
        persona={"needs_copy": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
<div dir="ltr"><div>Hi there,</div><div><br></div><div>Could you please send over a copy
of invoice {inv0}? It seems to have gone missing at our end.</div><div><br></div>
<div>Many thanks,</div><div><br></div>
<table><tr><td><img src="cid:logo001.png" width="120" alt="{co}"></td>
<td><b>{me_full}</b><br>Accounts Assistant<br>T: 0113 496 0123<br>
<a href="https://{domain}">{domain}</a></td></tr></table>
<p style="font-size:8px;color:#999">This e-mail is confidential. If you have received it
in error please notify the sender and delete it. {co} is registered in England and
Wales.</p></div>
""",
                ["copy_request"],
                html=True,
            )
        ],
        expect=[_copy("m1", 0), calm()],
    ),
    Case(
        slug="html-remittance-table",
        title="HTML-only remittance advice",
        tags=["already_paid", "html"],
        invoices=[Inv(overdue=7), Inv(overdue=7)],
        messages=[
            Msg(
                "m1",
                """
<html><body style="font-family:Arial">
<h3>Payment Remittance</h3>
<p>Payment ID: 8841-20-7731 &nbsp; Method: ACH</p>
<table>
<tr><td>Invoice</td><td>Amount</td></tr>
<tr><td>{inv0}</td><td>{amt0}</td></tr>
<tr><td>{inv1}</td><td>{amt1}</td></tr>
<tr><td><b>Total</b></td><td><b>{total}</b></td></tr>
</table>
<p>Funds should arrive in 1-2 business days.</p>
</body></html>
""",
                ["already_paid"],
                html=True,
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
        slug="html-question-balance",
        title="HTML-only question about the balance",
        tags=["question", "html"],
        invoices=[Inv(overdue=12), Inv(overdue=3)],
        persona={"needs_answer": True},
        messages=[
            Msg(
                "m1",
                """
<p>Hi,</p><p>Can you confirm the total we owe and which invoices are overdue? Our
records don't match your reminder.</p><p>Thank you!<br>{me}</p>
""",
                ["question"],
                html=True,
            )
        ],
        expect=[replied("m1"), calm("legal", "insolvency", "hostile", "payment_plan")],
    ),
    Case(
        slug="html-legal-threat",
        title="HTML-only legal threat",
        tags=["legal_threat", "html"],
        invoices=[Inv(overdue=30)],
        persona={"pays": False},
        messages=[
            Msg(
                "m1",
                """
<html><body><p>To whom it may concern,</p>
<p>We have instructed our <b>attorney</b> to pursue a claim against your company for the
losses caused by the faulty units supplied under {inv0}. All further communication
should go through our legal counsel.</p>
<p>{me_full}<br>President, {co}</p></body></html>
""",
                ["legal_threat"],
                html=True,
            )
        ],
        expect=[*escalated("legal", "m1", stop=True)],
    ),
]

THREADS = [
    Case(
        slug="thread-promise-under-old-dispute",
        title="A promise on top of a thread that quotes an old, settled dispute",
        tags=["promise", "long-thread"],
        locale="uk",
        invoices=[Inv(overdue=15)],
        messages=[
            Msg(
                "m1",
                """
Hi,

Thanks — {inv0} is on this Thursday's payment run.

{me}
""",
                ["promise"],
                promise={"date": "thu"},
                history=[
                    {
                        "sender": "{me_full} <{me_email}>",
                        "sent": "{ago120_iso}T10:05:00Z",
                        "text": (
                            "We're disputing the last invoice, the pallets were damaged.\n"
                            "Please don't chase us until it's sorted."
                        ),
                    },
                    {
                        "sender": "Accounts Receivable <{ar}>",
                        "sent": "{ago118_iso}T14:30:00Z",
                        "text": "Thank you, we've raised a credit note for the damaged pallets.",
                    },
                    {
                        "sender": "{me_full} <{me_email}>",
                        "sent": "{ago117_iso}T09:00:00Z",
                        "text": "Great, received, thanks. That's all settled then.",
                    },
                ],
            )
        ],
        expect=[*promise("m1", "thu", "thu+7", invoices=[0]), calm()],
    ),
    Case(
        slug="thread-copy-request-old-legal-quote",
        title="A copy request in a thread quoting last year's lawyer letter",
        tags=["copy_request", "long-thread"],
        invoices=[Inv(overdue=11)],
        persona={"needs_copy": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Morning — can you resend {inv0}? Can't find it. Thanks, {me}
""",
                ["copy_request"],
                history=[
                    {
                        "sender": "{me_full} <{me_email}>",
                        "sent": "{ago200_iso}T16:20:00Z",
                        "text": (
                            "Our lawyer has reviewed the contract and says the late fees are "
                            "not enforceable. We won't pay them."
                        ),
                    },
                    {
                        "sender": "Accounts Receivable <{ar}>",
                        "sent": "{ago199_iso}T11:00:00Z",
                        "text": "Understood — we've removed the late fees from your account.",
                    },
                ],
            )
        ],
        expect=[_copy("m1", 0), calm("legal")],
    ),
    Case(
        slug="thread-dispute-deep-in-reply-chain",
        title="A dispute at the top of a long internal forward chain",
        tags=["dispute", "price", "long-thread"],
        segment="mid_market",
        invoices=[Inv(overdue=18)],
        persona={"withholds": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hi {us},

See the thread below — our buyer confirms the agreed price was lower than what's on
{inv0}. Please correct the invoice; we're holding it until then.

{me_full}
""",
                ["dispute"],
                history=[
                    {
                        "sender": "Buyer <buyer@{domain}>",
                        "sent": "{on0_iso}T08:15:00Z",
                        "text": (
                            "Yes, we agreed $41.00/unit with their rep in August. Their invoice"
                            " says $46.50. Don't pay it."
                        ),
                    },
                    {
                        "sender": "{me_full} <{me_email}>",
                        "sent": "{ago1_iso}T17:40:00Z",
                        "text": "Can you confirm the price we agreed for the August order?",
                    },
                    {
                        "sender": "Accounts Receivable <{ar}>",
                        "sent": "{ago2_iso}T09:00:00Z",
                        "text": "Reminder: invoice {inv0} is overdue.",
                    },
                ],
            )
        ],
        expect=[*dispute("m1", 0, "price"), calm()],
    ),
    Case(
        slug="thread-old-promise-quoted-new-question",
        title="A question above a quoted promise from two months ago",
        tags=["question", "long-thread"],
        invoices=[Inv(overdue=9)],
        persona={"needs_answer": True},
        messages=[
            Msg(
                "m1",
                """
Hi, is {inv0} for the September delivery or October's? Need to know which budget it
comes out of.

{me}
""",
                ["question"],
                history=[
                    {
                        "sender": "{me_full} <{me_email}>",
                        "sent": "{ago60_iso}T13:00:00Z",
                        "text": "We'll pay the August invoice on the 30th.",
                    },
                    {
                        "sender": "Accounts Receivable <{ar}>",
                        "sent": "{ago61_iso}T10:00:00Z",
                        "text": "Friendly reminder about your August invoice.",
                    },
                ],
            )
        ],
        expect=[replied("m1"), calm("legal", "insolvency", "hostile", "payment_plan")],
    ),
    Case(
        slug="thread-bottom-posted-reply",
        title="A bottom-posted reply under the quoted reminder",
        tags=["promise", "long-thread"],
        invoices=[Inv(overdue=20)],
        messages=[
            Msg(
                "m1",
                """
Noted, will be paid on the 28th with the rest of our vendor payments.

{me}
""",
                ["promise"],
                promise={"date": "day28"},
                history=[
                    {
                        "sender": "{me_full} <{me_email}>",
                        "sent": "{ago35_iso}T15:00:00Z",
                        "text": "Received, thanks. Will process.",
                    }
                ],
            )
        ],
        expect=[*promise("m1", "day28", "day28", invoices=[0]), calm()],
    ),
    Case(
        slug="thread-forwarded-from-colleague",
        title="Forwarded from a colleague with a new dispute on top",
        tags=["dispute", "not_received", "long-thread"],
        locale="uk",
        contacts=2,
        invoices=[Inv(overdue=14), Inv(overdue=14)],
        persona={"withholds": ["{inv1}"]},
        messages=[
            Msg(
                "m1",
                """
Hi,

{contact0_first} passed your reminder to me as I run the warehouse. {inv0} is fine. But
we never received anything for {inv1} — there's no delivery on our system for that
date at all. Can you check?

{me_full}
Warehouse Manager
""",
                ["dispute"],
                sender="contact1",
                when={"after": "outbound", "delay_hours": 26, "fallback_day": 21},
                subject="Fw: Re: Overdue invoices",
                history=[
                    {
                        "sender": "{contact0_full} <{contact0}>",
                        "sent": "{on0_iso}T16:00:00Z",
                        "text": "Can you check these two? Finance says both are overdue.",
                    }
                ],
            )
        ],
        expect=[*dispute("m1", 1, "not_received")],
    ),
]

MULTI_INTENT = [
    Case(
        slug="multi-pays-one-disputes-other",
        title="Pays one invoice, disputes the other",
        tags=["multi-intent", "dispute", "promise"],
        invoices=[Inv(overdue=16), Inv(overdue=16)],
        persona={"withholds": ["{inv1}"]},
        messages=[
            Msg(
                "m1",
                """
Hi,

{inv0} will be paid this Friday. {inv1} we're disputing — you charged for 30 hours of
labour and the job took 18. Please send a corrected invoice for that one.

Thanks,
{me_full}
""",
                ["promise", "dispute"],
                promise={"date": "fri", "invoices": ["{inv0}"]},
            )
        ],
        expect=[
            *promise("m1", "fri", "fri+7", invoices=[0]),
            *dispute("m1", 1, "quantity"),
            calm(),
        ],
    ),
    Case(
        slug="multi-promise-and-copy",
        title="Promise, and a copy of the other invoice",
        tags=["multi-intent", "promise", "copy_request"],
        locale="uk",
        invoices=[Inv(overdue=21), Inv(overdue=9)],
        persona={"needs_copy": ["{inv1}"]},
        messages=[
            Msg(
                "m1",
                """
Hello,

{inv0} will be paid on Tuesday. I don't have {inv1} at all though — could you send me a
copy?

Kind regards,
{me}
""",
                ["promise", "copy_request"],
                promise={"date": "tue", "invoices": ["{inv0}"]},
            )
        ],
        expect=[*promise("m1", "tue", "tue+7", invoices=[0]), _copy("m1", 1), calm()],
    ),
    Case(
        slug="multi-dispute-and-question",
        title="Disputes one invoice and asks about another",
        tags=["multi-intent", "dispute", "question"],
        invoices=[Inv(overdue=12), Inv(overdue=4)],
        persona={"withholds": ["{inv0}"], "needs_answer": True},
        messages=[
            Msg(
                "m1",
                """
Hi,

Two things:
1. {inv0} — half the order arrived damaged (we sent photos to your CS team). Holding
   payment on that one.
2. What's {inv1} for? I don't recognise it.

{me}
""",
                ["dispute", "question"],
            )
        ],
        expect=[*dispute("m1", 0, "damaged"), replied("m1")],
    ),
    Case(
        slug="multi-paid-one-duplicate-other",
        title="Already paid one; the other is a duplicate",
        tags=["multi-intent", "already_paid", "dispute"],
        segment="mid_market",
        invoices=[Inv(overdue=10, amount=2_450_00), Inv(overdue=8, amount=2_450_00)],
        persona={"withholds": ["{inv1}"]},
        messages=[
            Msg(
                "m1",
                """
Hello,

We paid {inv0} on Monday (wire ref FT2611094471). {inv1} looks like a duplicate of it —
same PO, same amount — so we won't be paying that one. Please confirm you'll cancel it.

Regards,
{me_full}
""",
                ["already_paid", "dispute"],
            )
        ],
        payments=[
            {
                "after_message": "m1",
                "days_after": 0,
                "amount_cents": "{cents0}",
                "references": "{inv0} FT2611094471",
            }
        ],
        expect=[*dispute("m1", 1, "duplicate"), calm()],
    ),
    Case(
        slug="multi-two-disputes-different-reasons",
        title="Two disputes, two reasons",
        tags=["multi-intent", "dispute"],
        invoices=[Inv(overdue=18), Inv(overdue=11), Inv(overdue=5)],
        persona={"withholds": ["{inv0}", "{inv1}"]},
        messages=[
            Msg(
                "m1",
                """
Hi,

{inv0}: the unit price is wrong, we agreed $12.40 not $13.90.
{inv1}: no PO on it, our system won't take it.
{inv2} is fine and will go out with our next run.

{me_full}
AP
""",
                ["dispute", "promise"],
            )
        ],
        expect=[*dispute("m1", 0, "price"), *dispute("m1", 1, "missing_po")],
    ),
    Case(
        slug="multi-promise-one-paid-other",
        title="Promises one invoice, says the other is paid",
        tags=["multi-intent", "promise", "already_paid"],
        locale="ie",
        invoices=[Inv(overdue=20), Inv(overdue=13)],
        messages=[
            Msg(
                "m1",
                """
Hi,

{inv1} was paid last Thursday (ref {co_short}-0931). {inv0} will be paid at the end of the
month, we're waiting on a grant payment.

Thanks,
{me}
""",
                ["promise", "already_paid"],
                promise={"date": "eom-1d", "invoices": ["{inv0}"]},
            )
        ],
        payments=[
            {
                "after_message": "m1",
                "days_after": 0,
                "amount_cents": "{cents1}",
                "references": "{inv1} {co_short}-0931",
            }
        ],
        expect=[*promise("m1", "eom-4d", "eom", invoices=[0]), calm()],
    ),
    Case(
        slug="multi-statement-and-dispute",
        title="Asks for a statement and disputes one line",
        tags=["multi-intent", "copy_request", "dispute"],
        locale="uk",
        segment="mid_market",
        invoices=[Inv(overdue=25), Inv(overdue=12), Inv(overdue=3)],
        persona={"withholds": ["{inv1}"], "needs_copy": ["*"]},
        messages=[
            Msg(
                "m1",
                """
Hi,

Could you send a full statement please? Also {inv1} is being queried — our site says
the delivery was short by two pallets. We'll pay everything else once we've reconciled
against the statement.

Cheers,
{me_full}
""",
                ["copy_request", "dispute"],
            )
        ],
        expect=[_copy("m1", statement=True), *dispute("m1", 1, "quantity")],
    ),
    Case(
        slug="multi-question-and-promise",
        title="Asks about bank details and promises payment",
        tags=["multi-intent", "question", "promise"],
        invoices=[Inv(overdue=8)],
        messages=[
            Msg(
                "m1",
                """
Hi,

We're paying {inv0} on Wednesday. Is the account on the invoice still correct? Our
treasury team wants a confirmation before any first payment to a new account.

Thanks
{me}
""",
                ["promise", "question"],
                promise={"date": "wed"},
            )
        ],
        expect=[*promise("m1", "wed", "wed+7", invoices=[0]), replied("m1")],
    ),
    Case(
        slug="multi-partial-and-plan",
        title="Pays part now, asks to spread the rest",
        tags=["multi-intent", "already_paid", "payment_plan"],
        invoices=[Inv(overdue=27, amount=5_400_00)],
        persona={"wants_plan": {"installments": 2, "months": 2}},
        messages=[
            Msg(
                "m1",
                """
Hi,

I've just sent $1,400.00 towards {inv0}. Could we pay the remaining $4,000 in two
monthly payments? I can't do it all at once.

Thanks,
{me_full}
""",
                ["already_paid", "payment_plan"],
            )
        ],
        payments=[
            {"after_message": "m1", "days_after": 1, "amount_cents": 140000, "references": "{inv0}"}
        ],
        expect=[{"type": "plan_proposed", "message": "m1"}],
    ),
    Case(
        slug="multi-wrong-contact-and-promise",
        title="Redirects future mail, promises this one",
        tags=["multi-intent", "wrong_contact", "promise"],
        invoices=[Inv(overdue=12)],
        extra={"redirect": "ap@{domain}"},
        messages=[
            Msg(
                "m1",
                """
Hi,

I'll make sure {inv0} gets paid by Friday, but going forward please send invoices to
ap@{domain} — I'm moving to a different role next month.

Thanks,
{me}
""",
                ["promise", "wrong_contact"],
                promise={"date": "fri"},
            )
        ],
        expect=[
            *promise("m1", "fri", "fri+7", invoices=[0]),
            # The customer's own domain: the address is used at once, no person needed.
            {"type": "contact_added", "message": "m1", "email": "{redirect}", "written": True},
            calm("contact_change"),
        ],
    ),
    Case(
        slug="multi-copy-and-paid-other",
        title="Paid the older one, needs a copy of the newer",
        tags=["multi-intent", "already_paid", "copy_request"],
        invoices=[Inv(overdue=19), Inv(overdue=6)],
        persona={"needs_copy": ["{inv1}"]},
        messages=[
            Msg(
                "m1",
                """
Hi there,

{inv0} went out yesterday by ACH. And I can't seem to find {inv1}, could you send it
again? I'll get it into this week's run.

Best,
{me}
""",
                ["already_paid", "copy_request"],
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
        expect=[_copy("m1", 1), calm()],
    ),
    Case(
        slug="multi-follow-up-after-copy",
        title="Asks for a copy, then promises once it arrives",
        tags=["multi-intent", "copy_request", "promise", "conversation"],
        invoices=[Inv(overdue=14)],
        persona={"needs_copy": ["{inv0}"]},
        messages=[
            Msg(
                "m1",
                """
Hi, we don't seem to have {inv0} — can you send it over? Thanks, {me}
""",
                ["copy_request"],
            ),
            Msg(
                "m2",
                """
Got it, thanks. It's approved and will be paid next Tuesday.

{me}
""",
                ["promise"],
                when={"after": "reply", "ref": "m1", "delay_hours": 20},
                promise={"date": "tue"},
            ),
        ],
        expect=[_copy("m1", 0), *promise("m2", "tue", "tue+7", invoices=[0]), calm()],
    ),
]

CASES = [*LANGUAGES, *HTML_ONLY, *THREADS, *MULTI_INTENT]
