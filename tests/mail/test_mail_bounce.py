"""Delivery failure notices: DSNs from Postfix and Exchange, and free-text bounces."""

from __future__ import annotations

from pathlib import Path

import pytest

from recoup.mail.autoreply import AutoKind
from recoup.mail.bounce import BounceInfo, detect_bounce, parse_delivery_status
from recoup.mail.parse import parse_message

CORPUS = Path(__file__).resolve().parent.parent / "data" / "mail"


@pytest.mark.parametrize(
    ("name", "recipients", "status", "permanent"),
    [
        (
            "bounce_postfix.eml",
            ["jane.doe@customer.example", "accounts@customer-old.example"],
            "5.1.1",
            True,
        ),
        ("bounce_postfix_delayed.eml", ["billing@slowcorp.example"], "4.4.1", False),
        ("bounce_exchange.eml", ["john.ryan@contoso.example"], "5.1.10", True),
        ("bounce_exim_text.eml", ["nobody@customer.example"], "5.1.1", True),
        ("bounce_gmail_text.eml", ["bob@customer.example"], None, True),
    ],
)
def test_bounce_corpus(
    name: str, recipients: list[str], status: str | None, permanent: bool
) -> None:
    mail = parse_message((CORPUS / name).read_bytes())
    assert mail.auto_kind is AutoKind.BOUNCE
    assert mail.bounced_recipients == recipients
    assert mail.bounce_status == status
    assert mail.bounce_permanent is permanent
    assert mail.auto_return_date is None


def test_returned_original_is_not_counted_as_attachment_or_text() -> None:
    mail = parse_message((CORPUS / "bounce_postfix.eml").read_bytes())
    assert mail.attachments == []  # the returned INV-2043.pdf belongs to our own message
    assert "21 days overdue" not in mail.text
    assert mail.text.startswith("This is the mail system at host mx.supplier.example.")
    assert mail.from_addr == "mailer-daemon@mx.supplier.example"
    assert mail.from_name == "Mail Delivery System"


def test_exchange_ndr_headers() -> None:
    mail = parse_message((CORPUS / "bounce_exchange.eml").read_bytes())
    assert mail.in_reply_to == "20270111.inv2043.r3@supplier.example"
    assert mail.subject == "Undeliverable: Invoice INV-2043 is overdue"
    assert mail.html_only is False


def test_exim_copy_of_the_original_is_not_searched_for_recipients() -> None:
    mail = parse_message((CORPUS / "bounce_exim_text.eml").read_bytes())
    assert "manager@customer.example" not in mail.bounced_recipients
    assert "billing@supplier.example" not in mail.bounced_recipients


def test_parse_delivery_status_blocks_and_continuations() -> None:
    blocks = parse_delivery_status(
        "Reporting-MTA: dns; mx.example\n\n"
        "Final-Recipient: rfc822; a@x.example\nAction: failed\nStatus: 5.2.2\n"
        "Diagnostic-Code: smtp; 552 5.2.2 mailbox\n    full\n\n\n"
        "Final-Recipient: rfc822; b@x.example\nAction: delivered\nStatus: 2.0.0\n"
    )
    assert blocks == [
        {"reporting-mta": "dns; mx.example"},
        {
            "final-recipient": "rfc822; a@x.example",
            "action": "failed",
            "status": "5.2.2",
            "diagnostic-code": "smtp; 552 5.2.2 mailbox full",
        },
        {"final-recipient": "rfc822; b@x.example", "action": "delivered", "status": "2.0.0"},
    ]


def _detect(
    *,
    report_type: str | None = None,
    reports: list[dict[str, str]] | None = None,
    from_addr: str = "someone@customer.example",
    subject: str = "Re: Invoice",
    text: str = "",
) -> BounceInfo | None:
    return detect_bounce(
        report_type=report_type,
        reports=reports or [],
        from_addr=from_addr,
        from_name="",
        subject=subject,
        text=text,
        own_addresses=["ar@supplier.example"],
    )


def test_successful_delivery_report_is_not_a_bounce() -> None:
    reports = [{"final-recipient": "rfc822; b@x.example", "action": "delivered", "status": "2.0.0"}]
    assert _detect(report_type="delivery-status", reports=reports) is None


def test_failed_and_delivered_mixed_reports_only_the_failure() -> None:
    reports = [
        {"final-recipient": "rfc822; ok@x.example", "action": "delivered", "status": "2.0.0"},
        {"final-recipient": "rfc822;gone@x.example", "action": "failed", "status": "5.1.1"},
    ]
    info = _detect(report_type="delivery-status", reports=reports)
    assert info is not None
    assert (info.recipients, info.status, info.permanent) == (["gone@x.example"], "5.1.1", True)


def test_sendmail_style_text_bounce() -> None:
    text = (
        "The original message was received at Mon, 11 Jan 2027 09:00:00 GMT\n\n"
        "   ----- The following addresses had permanent fatal errors -----\n"
        "<old.contact@customer.example>\n"
        "    (reason: 550 5.1.1 <old.contact@customer.example>... User unknown)\n\n"
        "   ----- Transcript of session follows -----\n"
        "... while talking to mx.customer.example.:\n>>> RCPT To:<old.contact@customer.example>\n"
    )
    info = _detect(
        from_addr="mailer-daemon@mx.example", subject="Returned mail: see transcript", text=text
    )
    assert info is not None
    assert info.recipients == ["old.contact@customer.example"]
    assert (info.status, info.permanent) == ("5.1.1", True)


def test_postmaster_writing_as_a_person_is_not_a_bounce() -> None:
    text = "Hello, please send invoices to invoices@customer.example from now on."
    assert _detect(from_addr="postmaster@customer.example", text=text) is None


def test_postmaster_failure_notice_is_a_bounce() -> None:
    text = "Your message to sam@customer.example could not be delivered: mailbox unavailable."
    info = _detect(from_addr="postmaster@customer.example", text=text)
    assert info is not None
    assert info.recipients == ["sam@customer.example"]
    assert info.permanent is True


def test_delay_notice_without_status_is_transient() -> None:
    info = _detect(
        from_addr="mailer-daemon@mx.example",
        subject="Delivery Status Notification (Delay)",
        text="Delivery to the following recipient has been delayed:\n\n     kim@customer.example\n",
    )
    assert info is not None
    assert info.recipients == ["kim@customer.example"]
    assert info.permanent is False


def test_out_of_office_is_not_a_bounce() -> None:
    mail = parse_message((CORPUS / "oof_en_exchange.eml").read_bytes())
    assert mail.auto_kind is AutoKind.AUTO_REPLY
    assert mail.bounced_recipients == []
    assert mail.bounce_permanent is None
