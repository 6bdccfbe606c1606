"""Replies in French, German, Spanish, Dutch and Italian, as customers actually write them."""

from __future__ import annotations

import datetime

import pytest

from recoup.reader import CopyKind, DisputeReason, Intent, read_reply

TODAY = datetime.date(2026, 11, 23)  # a Monday
LEDGER = {"INV-1001": 120000, "INV-1002": 45000, "INV-1003": 99900}


def read(text: str, **kwargs):
    kwargs.setdefault("today", TODAY)
    kwargs.setdefault("known_invoices", LEDGER)
    kwargs.setdefault("currency", "EUR")
    return read_reply(text, **kwargs)


PROMISES = [
    # French
    (
        (
            "Bonjour Madame,\n\nNous vous confirmons que la facture INV-1001 sera réglée par "
            "virement le 5 décembre.\n\nCordialement,\nJean Dupont\nService comptabilité"
        ),
        "fr",
        ["INV-1001"],
        datetime.date(2026, 12, 5),
        None,
    ),
    (
        (
            "Bonjour,\nVous recevrez le virement le 5 décembre, il est déjà validé par notre "
            "direction financière.\nBien à vous,\nSophie Martin"
        ),
        "fr",
        [],
        datetime.date(2026, 12, 5),
        None,
    ),
    (
        "Bonjour,\nLe virement de 1 250,00 € partira vendredi prochain.\nCordialement",
        "fr",
        [],
        datetime.date(2026, 12, 4),
        125000,
    ),
    (
        (
            "Madame, Monsieur,\nNous procéderons au paiement de la facture INV-1002 à la fin du "
            "mois.\nSalutations distinguées"
        ),
        "fr",
        ["INV-1002"],
        datetime.date(2026, 11, 30),
        None,
    ),
    # German
    (
        (
            "Sehr geehrte Damen und Herren,\n\ndie Zahlung für Rechnung INV-1002 erfolgt bis Ende "
            "nächster Woche.\n\nMit freundlichen Grüßen\nKlaus Meier\nBuchhaltung"
        ),
        "de",
        ["INV-1002"],
        datetime.date(2026, 12, 4),
        None,
    ),
    (
        (
            "Hallo Frau Weber,\nwir können die Rechnung INV-1003 erst am 15. Dezember begleichen,"
            " da "
            "unser Zahllauf monatlich ist.\nGruß\nTobias"
        ),
        "de",
        ["INV-1003"],
        datetime.date(2026, 12, 15),
        None,
    ),
    (
        (
            "Guten Tag,\nwir überweisen den offenen Betrag von 450,00 EUR nächsten Freitag.\n"
            "Freundliche Grüße\nS. Wagner"
        ),
        "de",
        [],
        datetime.date(2026, 12, 4),
        45000,
    ),
    # Spanish
    (
        (
            "Estimado Sr. García:\nLe confirmamos que pagaremos la factura INV-1003 el día 20.\n"
            "Un saludo,\nLucía Fernández\nDepartamento de Administración"
        ),
        "es",
        ["INV-1003"],
        datetime.date(2026, 12, 20),
        None,
    ),
    (
        "Hola,\nRealizaremos la transferencia el viernes que viene, sin falta.\nSaludos",
        "es",
        [],
        datetime.date(2026, 12, 4),
        None,
    ),
    (
        (
            "Buenas tardes,\nEl pago de la factura INV-1001 se realizará a finales de mes.\n"
            "Atentamente,\nJorge"
        ),
        "es",
        ["INV-1001"],
        datetime.date(2026, 11, 30),
        None,
    ),
    # Dutch
    (
        (
            "Beste heer Jansen,\n\nWe betalen factuur INV-1002 volgende week.\n\nMet vriendelijke "
            "groet,\nPieter de Vries\nCrediteurenadministratie"
        ),
        "nl",
        ["INV-1002"],
        datetime.date(2026, 12, 4),
        None,
    ),
    (
        (
            "Goedemorgen,\nDe betaling volgt eind van de maand, samen met de andere facturen.\n"
            "Groeten,\nSanne"
        ),
        "nl",
        [],
        datetime.date(2026, 11, 30),
        None,
    ),
    (
        "Hallo,\nWij zullen het bedrag van € 999,00 morgen overmaken.\nMet vriendelijke groet",
        "nl",
        [],
        datetime.date(2026, 11, 24),
        99900,
    ),
    # Italian
    (
        (
            "Gentile Dott.ssa Rossi,\npagheremo la fattura INV-1001 entro fine mese.\nCordiali "
            "saluti,\nMarco Bianchi\nUfficio Amministrazione"
        ),
        "it",
        ["INV-1001"],
        datetime.date(2026, 11, 30),
        None,
    ),
    (
        "Buongiorno,\nil bonifico partirà venerdì prossimo, come concordato al telefono.\nSaluti",
        "it",
        [],
        datetime.date(2026, 12, 4),
        None,
    ),
    (
        "Buongiorno,\nla fattura INV-1003 sarà saldata il 10 dicembre.\nDistinti saluti",
        "it",
        ["INV-1003"],
        datetime.date(2026, 12, 10),
        None,
    ),
]


@pytest.mark.parametrize(("text", "language", "invoices", "date", "amount"), PROMISES)
def test_promises(text, language, invoices, date, amount):
    reading = read(text)
    assert reading.language == language
    assert reading.primary.intent is Intent.PROMISE
    assert reading.primary.invoice_numbers == invoices
    assert reading.primary.date == date
    assert reading.primary.amount_cents == amount


PAID = [
    (
        (
            "Bonjour,\nNous avons déjà réglé cette facture le 10 novembre par virement (référence "
            "VIR-2026-11-10-553). Vous trouverez ci-joint l'avis de virement.\nBien à vous"
        ),
        "fr",
        datetime.date(2026, 11, 10),
        "VIR-2026-11-10-553",
    ),
    (
        (
            "Guten Morgen Frau Schmidt,\nwir haben die Rechnung INV-1001 bereits am 18.11.2026 "
            "überwiesen. Den Zahlungsnachweis finden Sie im Anhang.\nViele Grüße"
        ),
        "de",
        datetime.date(2026, 11, 18),
        None,
    ),
    (
        (
            "Buenos días,\nYa hemos pagado la factura el pasado 15 de noviembre. Adjuntamos el "
            "justificante de transferencia.\nSaludos cordiales"
        ),
        "es",
        datetime.date(2026, 11, 15),
        None,
    ),
    (
        (
            "Goedemiddag,\nDe factuur is op 19 november al betaald. Het betalingsbewijs vindt u in "
            "de bijlage.\nGroeten"
        ),
        "nl",
        datetime.date(2026, 11, 19),
        None,
    ),
    (
        (
            "Buongiorno,\nla fattura è stata pagata con bonifico il 16 novembre (CRO "
            "0306912345678). In allegato la contabile.\nDistinti saluti"
        ),
        "it",
        datetime.date(2026, 11, 16),
        "0306912345678",
    ),
]


@pytest.mark.parametrize(("text", "language", "date", "reference"), PAID)
def test_already_paid(text, language, date, reference):
    reading = read(text)
    assert reading.language == language
    assert reading.primary.intent is Intent.ALREADY_PAID
    assert reading.primary.date == date
    assert reading.primary.payment_reference == reference
    assert not reading.has(Intent.PROMISE)


DISPUTES = [
    (
        (
            "Madame, Monsieur,\nNous contestons la facture INV-1002 : les marchandises sont "
            "arrivées endommagées. Nous ne la réglerons pas avant réception d'un avoir.\n"
            "Salutations"
        ),
        DisputeReason.DAMAGED,
    ),
    (
        (
            "Sehr geehrte Frau Weber,\nwir widersprechen der Rechnung INV-1002, da die gelieferte "
            "Menge nicht stimmt: bestellt waren 100 Stück, geliefert wurden nur 80.\nMfG"
        ),
        DisputeReason.QUANTITY,
    ),
    (
        (
            "Hola,\nNo estamos de acuerdo con la factura INV-1002: el precio no corresponde con el "
            "presupuesto aceptado.\nAtentamente"
        ),
        DisputeReason.PRICE,
    ),
    (
        (
            "Hola, no hemos recibido la mercancía del pedido, así que no podemos pagar la factura "
            "INV-1002 todavía."
        ),
        DisputeReason.NOT_RECEIVED,
    ),
    (
        (
            "Geachte heer, mevrouw,\nWij betwisten factuur INV-1002: de geleverde goederen zijn "
            "beschadigd aangekomen.\nMet vriendelijke groet"
        ),
        DisputeReason.DAMAGED,
    ),
    (
        (
            "Buongiorno,\ncontestiamo la fattura INV-1002 perché la merce è arrivata danneggiata.\n"
            "Cordiali saluti"
        ),
        DisputeReason.DAMAGED,
    ),
    (
        (
            "Bonjour,\nLa facture INV-1002 a été facturée deux fois, c'est un doublon de la "
            "facture précédente.\nCordialement"
        ),
        DisputeReason.DUPLICATE,
    ),
    (
        (
            "Guten Tag,\nohne unsere Bestellnummer können wir die Rechnung INV-1002 nicht "
            "bearbeiten. Bitte stellen Sie sie neu aus.\nGruß"
        ),
        DisputeReason.MISSING_PO,
    ),
]


@pytest.mark.parametrize(("text", "reason"), DISPUTES)
def test_disputes(text, reason):
    reading = read(text)
    assert reading.primary.intent is Intent.DISPUTE
    assert reading.primary.dispute_reason is reason
    assert reading.primary.invoice_numbers == ["INV-1002"]
    assert not reading.has(Intent.PROMISE)


COPIES = [
    (
        (
            "Bonjour,\nPourriez-vous nous envoyer une copie de la facture INV-1003 ainsi que notre "
            "relevé de compte ? Nous ne la retrouvons pas.\nMerci d'avance"
        ),
        {CopyKind.INVOICE, CopyKind.STATEMENT},
    ),
    (
        (
            "Guten Tag,\nbitte senden Sie uns eine Kopie der Rechnung INV-1003 sowie einen "
            "aktuellen Kontoauszug.\nDanke"
        ),
        {CopyKind.INVOICE, CopyKind.STATEMENT},
    ),
    (
        (
            "¿Podrían enviarnos una copia de la factura INV-1003? No la encontramos en nuestro "
            "sistema.\nGracias"
        ),
        {CopyKind.INVOICE},
    ),
    (
        "Kunt u ons een kopie van factuur INV-1003 sturen? Wij hebben deze nooit ontvangen.",
        {CopyKind.INVOICE},
    ),
    (
        (
            "Buongiorno, potreste inviarci una copia della fattura INV-1003 e l'estratto conto "
            "aggiornato? Grazie"
        ),
        {CopyKind.INVOICE, CopyKind.STATEMENT},
    ),
]


@pytest.mark.parametrize(("text", "kinds"), COPIES)
def test_copy_requests(text, kinds):
    reading = read(text)
    assert reading.primary.intent is Intent.COPY_REQUEST
    assert reading.primary.invoice_numbers == ["INV-1003"]
    assert set(reading.primary.copy_kinds) == kinds


PLANS = [
    (
        (
            "Bonjour, suite à des difficultés de trésorerie, nous souhaiterions régler la facture "
            "INV-1001 en 3 fois. Merci de votre compréhension."
        ),
        3,
        None,
        None,
    ),
    (
        (
            "Sehr geehrte Damen und Herren,\naufgrund eines Liquiditätsengpasses bitten wir um "
            "Ratenzahlung: 4 monatliche Raten à 500 EUR.\nMit freundlichen Grüßen"
        ),
        4,
        4,
        50000,
    ),
    (
        "Le escribo para solicitar un aplazamiento: podríamos pagar en 3 cuotas mensuales.",
        3,
        3,
        None,
    ),
    (
        "Wij willen graag een betalingsregeling treffen: in 4 termijnen van 500 euro.",
        4,
        None,
        50000,
    ),
    (
        "Buongiorno, chiediamo un piano di rientro in 6 rate mensili. Grazie",
        6,
        6,
        None,
    ),
]


@pytest.mark.parametrize(("text", "installments", "months", "amount"), PLANS)
def test_payment_plans(text, installments, months, amount):
    reading = read(text)
    assert reading.primary.intent is Intent.PAYMENT_PLAN
    assert reading.primary.installments == installments
    assert reading.primary.months == months
    assert reading.primary.amount_cents == amount


@pytest.mark.parametrize(
    "text",
    [
        (
            "Nous vous informons que notre société a été placée en redressement judiciaire par "
            "jugement du 12 novembre 2026. Merci d'adresser votre déclaration de créance au "
            "mandataire judiciaire."
        ),
        (
            "Wir befinden uns seit dem 1. November 2026 im Insolvenzverfahren. Bitte melden Sie"
            " Ihre "
            "Forderung beim Insolvenzverwalter an."
        ),
        "La empresa ha solicitado concurso de acreedores. Diríjanse al administrador concursal.",
        "Ons bedrijf is failliet verklaard; de curator neemt contact met u op.",
        "Vi informiamo che la società è stata dichiarata fallita dal Tribunale di Milano.",
    ],
)
def test_insolvency(text):
    assert read(text).primary.intent is Intent.INSOLVENCY


@pytest.mark.parametrize(
    ("text", "email"),
    [
        (
            "Ik ben niet de juiste persoon hiervoor. Neem contact op met crediteuren@bedrijf.nl.",
            "crediteuren@bedrijf.nl",
        ),
        (
            (
                "Bonjour, je ne suis pas la bonne personne pour ce sujet. Merci de contacter "
                "comptabilite@client.fr."
            ),
            "comptabilite@client.fr",
        ),
        (
            (
                "Herr Braun ist nicht mehr im Unternehmen tätig. Bitte wenden Sie sich an "
                "buchhaltung@kunde.de."
            ),
            "buchhaltung@kunde.de",
        ),
        (
            "Ya no trabajo en el departamento de cuentas. Escriba a pagos@cliente.es, por favor.",
            "pagos@cliente.es",
        ),
        (
            "Non sono la persona giusta, si prega di scrivere a contabilita@cliente.it.",
            "contabilita@cliente.it",
        ),
    ],
)
def test_wrong_contact(text, email):
    reading = read(text)
    assert reading.primary.intent is Intent.WRONG_CONTACT
    assert reading.primary.redirect_email == email


@pytest.mark.parametrize(
    "text",
    [
        "Si vous continuez à nous harceler, notre avocat prendra contact avec vous.",
        "Wir werden rechtliche Schritte einleiten, unser Anwalt ist informiert.",
        "Nuestro abogado se pondrá en contacto con ustedes.",
        "Wij schakelen onze advocaat in als u ons blijft lastigvallen.",
        "Ci rivolgeremo al nostro avvocato per queste molestie.",
    ],
)
def test_legal_threats(text):
    assert read(text).primary.intent is Intent.LEGAL_THREAT


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Pouvez-vous me confirmer le montant exact restant dû ?", "fr"),
        ("Können Sie mir bitte bestätigen, ob die Gutschrift schon gebucht wurde?", "de"),
        ("¿Me pueden indicar a qué corresponde el recargo?", "es"),
        ("Kunt u bevestigen wat het openstaande saldo is?", "nl"),
        ("Potete confermare le coordinate bancarie?", "it"),
    ],
)
def test_questions(text, language):
    reading = read(text)
    assert reading.primary.intent is Intent.QUESTION
    assert reading.language == language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Bom dia, o boleto da nota 4471 será pago amanhã. Atenciosamente, Rafael", "pt"),
        ("Prezados, já fizemos a transferência na semana passada. Obrigada", "pt"),
        ("Dzień dobry, płatność za fakturę FV/12/2026 zostanie zrobiona w piątek.", "pl"),
        ("Szanowni Państwo, prosimy o przesłanie kopii faktury. Z poważaniem", "pl"),
    ],
)
def test_portuguese_and_polish_replies_say_their_language(text: str, language: str) -> None:
    reading = read_reply(text, today=datetime.date(2026, 12, 1))
    assert reading.language == language
