"""NetSuite beyond the shared contract: the documented SuiteQL samples mapped to records,
the wire shapes of SuiteQL, the client-credentials assertion and the note upsert, and
`recoup connect netsuite`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet
from sqlmodel import select
from typer.testing import CliRunner

from recoup.cli.app import app
from recoup.clock import FixedClock
from recoup.ledger.connectors.netsuite import mapping
from recoup.ledger.connectors.netsuite.credentials import (
    ClientCredentials,
    request_token,
    token_url,
)
from recoup.ledger.connectors.sync.grants import NotConnected, Tokens
from recoup.ledger.connectors.sync.records import Allocation, Deletion, Kind
from recoup.ledger.connectors.sync.registry import sealer_for
from recoup.ledger.connectors.sync.tables import OAuthGrant, WriteBack
from recoup.ledger.connectors.sync.writeback import deliver_due
from recoup.ledger.db import session as open_session
from recoup.ledger.models import Customer, Invoice
from tests.ledger.connectors.fake_netsuite import ACCOUNT, BASE, FakeNetSuite
from tests.ledger.connectors.harness import Harness, fixture, later, served

TODAY = date(2026, 11, 23)


@pytest.fixture
def fake(clock: FixedClock) -> Iterator[FakeNetSuite]:
    with served(FakeNetSuite(clock)) as source:
        yield source


def _items(name: str) -> list[dict[str, object]]:
    return list(fixture("netsuite", name)["items"])


def test_suiteql_customer_and_contact_samples() -> None:
    record = mapping.customer(_items("suiteql_customer.json")[0], _items("suiteql_contact.json"))
    assert (record.id, record.name, record.currency, record.terms_days) == (
        "107",
        "Sonnenschein Family Store",
        "USD",
        30,
    )
    assert [(c.email, c.name, c.is_primary) for c in record.contacts] == [
        ("ap@sonnenschein.example", "Sonnenschein Family Store", True),
        ("owner@sonnenschein.example", "Amy Sonnenschein", False),
    ]


def test_suiteql_invoice_sample() -> None:
    record = mapping.invoice(_items("suiteql_invoice.json")[0])
    assert (record.id, record.number, record.customer_id) == ("1844", "INV10037", "107")
    assert (record.issue_date, record.due_date) == (date(2026, 10, 24), date(2026, 11, 23))
    assert (record.total_cents, record.balance_cents, record.currency) == (36_207, 36_207, "USD")
    assert record.po_number == "PO-7731" and record.description == "Rock fountain and pump"
    assert not record.voided


def test_suiteql_payment_credit_memo_and_their_applied_transactions() -> None:
    links = mapping.applied_links(_items("suiteql_applied.json"))
    payment = mapping.payment(_items("suiteql_payment.json")[0], links)
    assert payment.amount_cents == 40_000 and payment.reference == "PYMT417"
    assert payment.allocations == (Allocation("1844", 36_207),)  # 37.93 stays unapplied
    memo = mapping.credit_memo(_items("suiteql_creditmemo.json")[0], links)
    assert (memo.number, memo.amount_cents, memo.reason) == (
        "CM1026",
        10_000,
        "Returned damaged fountain pump",
    )
    assert memo.allocations == (Allocation("1844", 10_000),)
    assert mapping.deletion(_items("suiteql_deleted.json")[0]) == Deletion(Kind.PAYMENT, "1901")


async def test_reads_are_suiteql_posts_paged_and_filtered_on_lastmodifieddate(
    erp: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    erp.fake.small_pages(monkeypatch, 2)
    erp.fake.customer("24", "Sonnenschein Family Store", "ap@sonnenschein.example")
    for n in range(5):
        erp.fake.invoice(str(130 + n), "24", f"10{n}", "10.00", TODAY)
    await erp.sync()
    calls = [r for r in erp.fake.requests if r.url.path.endswith("/suiteql")]
    assert all(c.headers["Prefer"] == "transient" for c in calls)
    offsets = [
        c.url.params["offset"] for c in calls if "t.type = 'CustInvc'" in json.loads(c.content)["q"]
    ]
    assert offsets == ["0", "2", "4"] and {c.url.params["limit"] for c in calls} == {"2"}
    assert not any("lastmodifieddate >=" in s for s in erp.fake.statements)

    later(erp.clock, 10)
    erp.fake.statements.clear()
    await erp.sync()
    invoices = [s for s in erp.fake.statements if "t.type = 'CustInvc'" in s]
    assert invoices and all("t.lastmodifieddate >= TO_TIMESTAMP(" in s for s in invoices)
    assert any("FROM deletedrecord" in s for s in erp.fake.statements)


async def test_the_assertion_is_signed_by_the_certificate_and_the_key_is_not_kept(
    erp: Harness,
) -> None:
    erp.fake.customer("24", "Sonnenschein Family Store", "ap@sonnenschein.example")
    erp.fake.expire_access()
    report = await erp.sync()
    assert report.error is None and erp.fake.refreshes == 1
    claims = erp.fake.assertions[0]
    assert claims["aud"] == token_url(ACCOUNT) and claims["exp"] - claims["iat"] <= 3600
    with open_session(erp.engine) as session:
        sealed = session.exec(select(OAuthGrant)).one().sealed
    opened = sealer_for(erp.settings, erp.home).open(sealed)
    assert "PRIVATE KEY" not in opened and "PRIVATE KEY" not in sealed
    assert json.loads(opened)["extra"]["private_key_file"].endswith(".pem")


async def test_a_key_others_can_read_is_refused(
    tmp_path: Path, clock: FixedClock, fake: FakeNetSuite
) -> None:
    settings = fake.settings(tmp_path)
    Path(settings["private_key_file"]).chmod(0o644)
    credentials = ClientCredentials(
        ACCOUNT, settings["client_id"], settings["certificate_id"], tmp_path / "x"
    )
    async with httpx.AsyncClient() as client:
        with pytest.raises(NotConnected, match="cannot read"):
            await request_token(client, credentials, now=clock.now())
        credentials = ClientCredentials.load({**credentials.dump(), **settings})
        with pytest.raises(NotConnected, match="chmod 600") as refused:
            await request_token(client, credentials, now=clock.now())
    assert "BEGIN" not in str(refused.value)


async def test_a_note_is_upserted_by_external_id(erp: Harness) -> None:
    erp.fake.customer("24", "Sonnenschein Family Store", "ap@sonnenschein.example")
    erp.fake.invoice("131", "24", "1038", "100.00", TODAY - timedelta(days=3))
    await erp.sync()
    with open_session(erp.engine) as session:
        owner = session.exec(select(Customer)).one()
        session.add(
            WriteBack(
                source="netsuite",
                idempotency_key="3f2a9c",
                customer_id=owner.id,
                target_kind="invoice",
                target_id="131",
                action="open_dispute",
                text="recoup: dispute opened: price",
                created_at=erp.clock.now(),
                next_attempt_at=erp.clock.now(),
            )
        )
        session.commit()
    report = await deliver_due(erp.engine, erp.connector(), clock=erp.clock)
    put = next(r for r in erp.fake.requests if r.method == "PUT")
    assert report.delivered == 1
    assert put.url.path == "/services/rest/record/v1/note/eid:3f2a9c"
    assert json.loads(put.content) == {
        "title": "recoup: dispute opened: price",
        "note": "recoup: dispute opened: price",
        "transaction": {"id": "131"},
    }
    with open_session(erp.engine) as session:
        assert session.exec(select(WriteBack)).one().remote_id == "9000"
        assert session.exec(select(Invoice)).one().number == "1038"


def test_recoup_connect_netsuite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake: FakeNetSuite
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("RECOUP_HOME", str(home))
    monkeypatch.setenv("RECOUP_ERP_TOKEN_KEY", Fernet.generate_key().decode())
    monkeypatch.delenv("RECOUP_DATABASE_URL", raising=False)
    runner = CliRunner()
    assert runner.invoke(app, ["init", "--company", "Acme Ltd"]).exit_code == 0
    settings = fake.settings(tmp_path)
    args = [
        "connect",
        "netsuite",
        "--account-id",
        ACCOUNT,
        "--client-id",
        settings["client_id"],
        "--certificate-id",
        settings["certificate_id"],
        "--private-key",
        settings["private_key_file"],
    ]
    missing = runner.invoke(app, args[:4])
    assert missing.exit_code == 2 and "--certificate-id" in missing.output
    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    assert "netsuite connected" in done.output and fake.refreshes == 1
    assert "PRIVATE KEY" not in done.output and BASE not in done.output
    listing = runner.invoke(app, ["connections"])
    assert "netsuite" in listing.output and ACCOUNT in listing.output


def test_tokens_keep_the_credentials_not_the_key(clock: FixedClock) -> None:
    credentials = ClientCredentials(ACCOUNT, "c", "k", Path("/keys/ns.pem"))
    tokens = Tokens("a", clock.now(), extra=credentials.dump())
    assert ClientCredentials.load(Tokens.loads(tokens.dumps()).extra) == credentials
