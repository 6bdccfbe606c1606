"""parse_message over a corpus of realistic and malformed messages."""

from __future__ import annotations

import base64
import hashlib
import random
from datetime import datetime
from pathlib import Path

import pytest

from recoup.mail.parse import (
    AttachmentMeta,
    MailLimits,
    MalformedMail,
    ParsedMail,
    parse_message,
)

CORPUS = Path(__file__).resolve().parent.parent / "data" / "mail"


def load(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def parse(name: str) -> ParsedMail:
    return parse_message(load(name))


def simple(
    body: str, *, headers: str = "", content_type: str = "text/plain; charset=utf-8"
) -> bytes:
    return (
        "From: Customer <c@customer.example>\n"
        "To: ar@supplier.example\n"
        "Subject: Re: Invoice INV-1\n"
        "Date: Mon, 04 Jan 2027 10:00:00 +0000\n"
        "Message-ID: <t@customer.example>\n"
        f"{headers}"
        f"Content-Type: {content_type}\n\n{body}"
    ).encode()


# --- headers and reply splitting -------------------------------------------------


def test_plain_reply_headers() -> None:
    mail = parse("reply_plain_quoted.eml")
    assert mail.message_id == "CAF3x9=kq1@mail.customer.example"
    assert mail.in_reply_to == "20270104.inv2043.r1@supplier.example"
    assert mail.references == [
        "20270101.inv2043@supplier.example",
        "20270104.inv2043.r1@supplier.example",
    ]
    assert mail.from_addr == "j.smith@customer.example"
    assert mail.from_name == "Jane Smith"
    assert mail.to_addrs == ["ar@supplier.example"]
    assert mail.cc_addrs == ["payables@customer.example"]
    assert mail.subject == "Re: Invoice INV-2043 is 14 days overdue"
    assert mail.sent_at == datetime(2027, 1, 5, 9, 14, 1)
    assert mail.notes == []
    assert mail.auto_kind is None
    assert mail.bounced_recipients == []


def test_plain_reply_new_text_without_quote_or_signature() -> None:
    mail = parse("reply_plain_quoted.eml")
    assert mail.text == (
        "Hi,\n\nWe approved INV-2043 yesterday. Payment of EUR 1,250.00 goes out on\n"
        "Friday 8 January with our weekly run.\n\nThanks,\nJane"
    )
    # The attribution was wrapped over two lines by the sender's client.
    assert mail.quoted_text.startswith(
        "On Mon, Jan 4, 2027 at 9:00 AM Accounts Receivable <ar@supplier.example>\nwrote:"
    )
    assert "> Could you let us know when it will be paid?" in mail.quoted_text
    assert "Customer Example Ltd." not in mail.text
    assert mail.html_only is False


def test_alternative_prefers_plain_and_keeps_attachment_metadata() -> None:
    mail = parse("alternative_with_pdf.eml")
    assert mail.html_only is False
    assert mail.text == (
        "Hello,\n\nPlease find attached the remittance advice for INV-2043 and INV-2051.\n"
        "Total paid: 3 480,00 € on 5 January.\n\nBest regards,\nMarc Dupont"
    )
    assert mail.attachments == [
        AttachmentMeta(filename="remittance-advice.pdf", content_type="application/pdf", size=2100)
    ]
    assert mail.sent_at == datetime(2027, 1, 5, 15, 2, 11)


def test_html_only_mail_is_converted_to_text() -> None:
    mail = parse("html_only_gmail.eml")
    assert mail.html_only is True
    assert mail.text == (
        "Hi team,\n\nTwo questions about the statement:\n\n"
        "- INV-1001 & INV-1002 were paid on 2 Jan – see ref #4471.\n\n"
        "- INV-1010 (€\u200a980.00) is disputed: wrong quantity.\n\nThanks,\nOliver"
    )
    assert "alert" not in mail.text and "color" not in mail.text
    assert "Ignored title" not in mail.text
    assert mail.quoted_text.startswith("On Tue, Jan 5, 2027 at 3:00 PM Accounts Receivable")
    assert "> Balance due: €2,430.00" in mail.quoted_text
    assert mail.sent_at == datetime(2027, 1, 6, 13, 30)


def test_outlook_reply_in_cp1252() -> None:
    mail = parse("outlook_reply_cp1252.eml")
    assert (
        mail.text
        == "Hi,\n\nWe’ll pay the €1,250.00 on Friday – sorry for the delay.\n\nRegards,\nPeter"
    )
    assert mail.quoted_text.startswith(
        "________________________________\nFrom: Accounts Receivable <ar@supplier.example>\nSent:"
    )
    assert "Invoice INV-2043 is 14 days overdue." in mail.quoted_text
    assert mail.notes == []


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("Le lun. 4 janv. 2027 à 10:00, Jean Dupont <jean@client.example> a écrit :", "fr"),
        ("Am 04.01.2027 um 10:00 schrieb Hans Müller <hans@kunde.example>:", "de"),
        ("El lun, 4 ene 2027 a las 10:00, Juan Pérez (<juan@cliente.example>) escribió:", "es"),
        ("Op ma 4 jan. 2027 om 10:00 schreef Jan Jansen <jan@klant.example>:", "nl"),
        ("Il giorno lun 4 gen 2027 alle ore 10:00 Mario <mario@cliente.example> ha scritto:", "it"),
        ("-----Original Message-----", "en"),
        ("-----Ursprüngliche Nachricht-----", "de"),
    ],
)
def test_reply_headers_in_several_languages(header: str, language: str) -> None:
    body = f"Payment confirmed ({language}).\n\n{header}\nOld text that was quoted.\nMore of it.\n"
    mail = parse_message(simple(body))
    assert mail.text == f"Payment confirmed ({language})."
    assert mail.quoted_text.startswith(header)
    assert mail.quoted_text.endswith("More of it.")


@pytest.mark.parametrize(
    "block",
    [
        "From: AR <ar@supplier.example>\nSent: Monday, January 4, 2027 9:00 AM\nTo: Customer\n"
        "Subject: Invoice",
        "De : AR <ar@supplier.example>\nEnvoyé : lundi 4 janvier 2027 09:00\nÀ : Client\n"
        "Objet : Facture",
        "Von: AR <ar@supplier.example>\nGesendet: Montag, 4. Januar 2027 09:00\nAn: Kunde\n"
        "Betreff: Rechnung",
        "*From:* AR <ar@supplier.example>\n*Sent:* Monday, January 4, 2027 9:00 AM\n*To:* Customer",
    ],
)
def test_outlook_header_blocks_start_the_quote(block: str) -> None:
    mail = parse_message(simple(f"Paid this morning.\n\n{block}\n\nPlease pay invoice 1.\n"))
    assert mail.text == "Paid this morning."
    assert mail.quoted_text.endswith("Please pay invoice 1.")


def test_from_line_in_new_text_is_not_a_quote_header() -> None:
    body = "From: our side the payment left on Friday.\nIt should arrive Monday.\n"
    mail = parse_message(simple(body))
    assert mail.text == "From: our side the payment left on Friday.\nIt should arrive Monday."
    assert mail.quoted_text == ""


def test_bottom_posted_and_interleaved_answers_are_kept() -> None:
    body = (
        "On Mon, Jan 4, 2027 at 9:00 AM AR <ar@supplier.example> wrote:\n"
        "> When will INV-1 be paid?\n"
        "Friday.\n"
        "> And INV-2?\n"
        "Next week, after approval.\n"
    )
    mail = parse_message(simple(body))
    assert mail.text == "Friday.\nNext week, after approval."
    assert mail.quoted_text == (
        "On Mon, Jan 4, 2027 at 9:00 AM AR <ar@supplier.example> wrote:\n"
        "> When will INV-1 be paid?\n> And INV-2?"
    )


def test_signature_and_mobile_footer_are_removed_but_long_tail_is_kept() -> None:
    short = parse_message(simple("Paid.\n\nSent from my iPhone\n"))
    assert short.text == "Paid."
    signed = parse_message(simple("Paid.\n-- \nAnna Lee\nFinance\n"))
    assert signed.text == "Paid."
    long_tail = "\n".join(f"Line {n} of real content" for n in range(15))
    kept = parse_message(simple(f"Paid.\n-- \n{long_tail}\n"))
    assert kept.text.endswith("Line 14 of real content")


def test_format_flowed_is_unwrapped_before_splitting() -> None:
    body = (
        "We paid today. \r\nRef 991.\r\n\r\n"
        "On Mon, Jan 4, 2027 at 9:00 AM Accounts Receivable \r\n"
        "<ar@supplier.example> wrote:\r\n> Please pay.\r\n"
    )
    mail = parse_message(simple(body, content_type="text/plain; charset=utf-8; format=flowed"))
    assert mail.text == "We paid today. Ref 991."
    assert mail.quoted_text.startswith("On Mon, Jan 4, 2027 at 9:00 AM Accounts Receivable <ar@")


# --- charsets and transfer encodings ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected", "note"),
    [
        (
            "wrong_charset_label.eml",
            "die Rechnung über 980,00 € wurde heute überwiesen.",
            "charset iso-8859-1 decoded as utf-8",
        ),
        (
            "unknown_charset.eml",
            "Bom dia, a fatura será paga amanhã. Obrigada, Ana.",
            "charset x-unknown decoded as cp1252",
        ),
        (
            "invalid_utf8.eml",
            "Bonjour, le règlement de la facture est prévu le 15 janvier. René",
            "charset utf-8 decoded as cp1252",
        ),
    ],
)
def test_wrong_and_unknown_charsets_fall_back(name: str, expected: str, note: str) -> None:
    mail = parse(name)
    assert expected in mail.text
    assert mail.notes == [note]


def test_latin1_label_with_latin1_bytes_needs_no_note() -> None:
    raw = simple("", content_type="text/plain; charset=iso-8859-1").replace(
        b"\n\n", b"\nContent-Transfer-Encoding: 8bit\n\nSch\xf6ne Gr\xfc\xdfe, \x80 20\n"
    )
    mail = parse_message(raw)
    assert mail.text == "Schöne Grüße, € 20"
    assert mail.notes == []


def test_broken_base64_is_decoded_leniently_and_binary_html_dropped() -> None:
    mail = parse("base64_garbage.eml")
    assert mail.text == "Payment sent today for INV-2043, bank reference 88213."
    assert mail.notes == [
        "part text/plain: broken base64, decoded leniently",
        "part text/html: not readable text, dropped",
    ]


def test_text_declared_base64_but_not_encoded_is_read_as_is() -> None:
    mail = parse("base64_not_encoded.eml")
    assert mail.text == "Sorry, the remaining 310.00 will follow on Monday."
    assert mail.notes == ["part text/plain: declared base64 but not encoded, read as is"]


def test_binary_text_part_is_dropped() -> None:
    mail = parse("binary_text_part.eml")
    assert mail.text == ""
    assert mail.notes == ["part text/plain: not readable text, dropped", "empty body"]


def test_encoded_headers_including_broken_words() -> None:
    mail = parse("encoded_headers.eml")
    assert mail.from_name == "François Müller"
    assert mail.from_addr == "francois.muller@client.example"
    assert mail.to_addrs == ["ar@supplier.example", "bjork@supplier.example"]
    # Raw UTF-8 in a header, a malformed address and a duplicate in Cc.
    assert mail.cc_addrs == ["jerome@client.example", "ar@supplier.example"]
    assert mail.subject.startswith("Re: Facture n° INV-2043 — règlement")
    assert "Subject header partly undecodable" in mail.notes
    assert mail.sent_at == datetime(2027, 1, 9, 9, 0)


# --- structure -----------------------------------------------------------------


def test_missing_boundary_is_recovered() -> None:
    mail = parse("missing_boundary.eml")
    assert mail.text == "Dear sir, proof of payment for INV-2077 is attached. Amount USD 4,200.00."
    assert mail.attachments == [
        AttachmentMeta(filename="bank-slip.jpg", content_type="image/jpeg", size=406)
    ]
    assert mail.notes == ["multipart boundary missing or wrong; recovered"]


def test_wrong_boundary_is_recovered() -> None:
    mail = parse("wrong_boundary.eml")
    assert mail.text == "We will settle INV-2080 by bank transfer next Tuesday."
    assert mail.html_only is False
    assert mail.notes == ["multipart boundary missing or wrong; recovered"]


def test_multipart_without_any_boundary_is_read_as_text() -> None:
    mail = parse("no_boundary_at_all.eml")
    assert mail.text == "Paid in full by cheque no. 004512, posted today."
    assert mail.notes == ["multipart without usable boundary; body read as text"]


def test_empty_body() -> None:
    mail = parse("empty_body.eml")
    assert (mail.text, mail.quoted_text, mail.attachments) == ("", "", [])
    assert mail.notes == ["empty body"]


def test_attachment_only_has_no_text_part() -> None:
    mail = parse("attachment_only.eml")
    assert mail.text == ""
    assert mail.attachments == [
        AttachmentMeta(filename="scan_0001.pdf", content_type="application/pdf", size=513)
    ]
    assert mail.notes == ["no text part"]


def test_attached_forward_supplies_the_text() -> None:
    mail = parse("forward_rfc822.eml")
    assert mail.text == (
        "Your transfer of €2.430,00 to Supplier Example Ltd (ref. INV-2043) "
        "was executed on 08/01/2027."
    )
    assert mail.notes == ["text taken from the attached forwarded message"]
    assert mail.attachments == [
        AttachmentMeta(filename="remittance-advice.pdf", content_type="application/pdf", size=1019)
    ]
    assert mail.message_id == "fwd-rfc822-1@cliente.example"


def test_inline_forward_supplies_the_text() -> None:
    mail = parse("forward_inline.eml")
    assert mail.text == "INV-2043 and INV-2051 are included in the payment run of 12 January."
    assert mail.quoted_text.startswith("---------- Forwarded message ---------\nFrom: Treasury")
    assert mail.notes == ["text taken from the inline forwarded message"]


def test_forward_with_own_comment_keeps_the_comment() -> None:
    body = "See below, paid.\n\n---------- Forwarded message ---------\nFrom: x@y.example\n\nold\n"
    mail = parse_message(simple(body))
    assert mail.text == "See below, paid."
    assert mail.notes == []


def test_missing_message_id_is_synthesised_deterministically() -> None:
    raw = load("no_message_id.eml")
    first, second = parse_message(raw), parse_message(raw)
    assert first.message_id == f"{hashlib.sha256(raw).hexdigest()}@recoup.invalid"
    assert second.message_id == first.message_id
    assert first.sent_at is None
    assert first.notes == ["no Message-ID; synthesised from the content", "unparseable Date header"]
    assert first.text == "Hello, this has no Message-ID header."


def test_text_is_trimmed_to_the_limit() -> None:
    mail = parse_message(simple("word " * 100), limits=MailLimits(max_text_chars=50))
    assert len(mail.text) <= 50
    assert mail.text.startswith("word word")
    assert mail.notes == ["text trimmed to 50 chars"]


# --- size limits ---------------------------------------------------------------


def _with_attachment(payload: bytes, filename: str, content_type: str) -> bytes:
    encoded = base64.encodebytes(payload)
    return (
        b"From: a@customer.example\nTo: ar@supplier.example\nSubject: big\n"
        b"Message-ID: <big@customer.example>\n"
        b'Content-Type: multipart/mixed; boundary="B"\n\n'
        b"--B\nContent-Type: text/plain; charset=utf-8\n\nSee the attached photo of the cheque.\n"
        b"--B\nContent-Type: " + content_type.encode() + b'; name="' + filename.encode() + b'"\n'
        b"Content-Transfer-Encoding: base64\n"
        b'Content-Disposition: attachment; filename="'
        + filename.encode()
        + b'"\n\n'
        + encoded
        + b"--B--\n"
    )


def test_huge_part_is_dropped_with_a_note() -> None:
    raw = _with_attachment(b"\x89PNG" + b"\x00" * (12_000_000 - 4), "image.png", "image/png")
    mail = parse_message(raw)
    assert mail.text == "See the attached photo of the cheque."
    assert mail.attachments == [
        AttachmentMeta(
            filename="image.png", content_type="image/png", size=12_000_000, dropped=True
        )
    ]
    assert mail.notes == ["part image.png dropped: 12 MB over limit"]


def test_huge_text_part_is_never_turned_into_text() -> None:
    raw = simple("x" * 300, content_type="text/plain")
    mail = parse_message(raw, limits=MailLimits(max_part_bytes=200))
    assert mail.text == ""
    assert mail.attachments[0].dropped is True
    assert mail.notes[0] == "part text/plain dropped: 300 bytes over limit"


def test_message_over_the_size_limit_is_malformed() -> None:
    with pytest.raises(MalformedMail) as caught:
        parse_message(simple("hello"), limits=MailLimits(max_message_bytes=100))
    assert "over the limit of 100" in caught.value.reason


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty message"),
        (b" \r\n\t\r\n", "empty message"),
        (b"just some words\nand no headers at all\n", "no headers"),
        (b"\x00\x01\x02\xff\xfe binary", "no headers"),
    ],
)
def test_unusable_input_is_malformed(raw: bytes, reason: str) -> None:
    with pytest.raises(MalformedMail) as caught:
        parse_message(raw)
    assert caught.value.reason == reason
    assert isinstance(caught.value, ValueError)


def test_deep_nesting_is_cut_off_not_crashing() -> None:
    head = b"From: a@b.example\nContent-Type: multipart/mixed; boundary=b0\n\n"
    body = b"".join(
        b"--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n" % (i, i + 1) for i in range(60)
    )
    mail = parse_message(head + body + b"--b60\nContent-Type: text/plain\n\ndeep\n")
    assert "MIME nesting too deep; inner parts ignored" in mail.notes
    assert mail.text == ""


# --- fuzz ------------------------------------------------------------------------

_TOKENS = [
    b"\r\n",
    b"\n\n",
    b"--",
    b"=?utf-8?B?",
    b"?=",
    b"=?x-bad?Q?=FF=FE?=",
    b"Content-Type: multipart/mixed; boundary=zz\n",
    b"Content-Transfer-Encoding: base64\n",
    b'charset="x-nonsense"',
    b"\x00",
    b"\xff\xfe\xfd",
    b"<",
    b">",
    b"\t",
    b"=",
]


def _mutate(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if not buf:
            break
        at = rng.randrange(len(buf))
        operation = rng.randrange(6)
        if operation == 0:
            buf[at] = rng.randrange(256)
        elif operation == 1:
            buf[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        elif operation == 2:
            del buf[at : at + rng.randint(1, 200)]
        elif operation == 3:
            buf[at:at] = rng.choice(_TOKENS)
        elif operation == 4:
            start = rng.randrange(len(buf))
            buf[at:at] = buf[start : start + rng.randint(1, 300)]
        else:
            del buf[at:]
    return bytes(buf)


def test_random_mutations_raise_nothing_but_malformed_mail() -> None:
    rng = random.Random(20270105)
    corpus = sorted(CORPUS.glob("*.eml"))
    assert len(corpus) >= 30
    parsed = malformed = 0
    for path in corpus:
        original = path.read_bytes()
        for _ in range(25):
            mutated = _mutate(original, rng)
            try:
                result = parse_message(mutated)
            except MalformedMail:
                malformed += 1
                continue
            parsed += 1
            assert isinstance(result, ParsedMail)
            assert len(result.text) <= MailLimits().max_text_chars
            result.model_dump_json()  # every string must be serialisable
    # Mutations mostly leave something usable: the parser degrades, it does not give up.
    assert parsed > 4 * malformed
