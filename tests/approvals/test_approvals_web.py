"""The approvals page's login, sessions and CSRF protection, without a browser."""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import respx
from pydantic import SecretStr
from sqlalchemy import Engine
from sqlmodel import select
from starlette.testclient import TestClient

from recoup.approvals.auth import CSRF_COOKIE, SESSION_COOKIE, WebAuth, approvals_token
from recoup.approvals.web import create_app
from recoup.clock import FixedClock
from recoup.ledger.db import session as open_session
from recoup.ledger.models import Escalation, Message
from recoup.policy import Policy
from recoup.settings import Settings
from tests.approvals.approvals_support import (
    CHANNEL,
    SLACK_API,
    WEB_TOKEN,
    escalation,
    held_email_case,
    posted_response,
    settings_for,
)

CSRF_FIELD = re.compile(r'name="csrf" value="([0-9a-f]+)"')


@pytest.fixture
def client(
    engine: Engine, clock: FixedClock, policy: Policy, tmp_path: Path
) -> Iterator[TestClient]:
    app = create_app(engine, clock=clock, settings=settings_for(tmp_path), policy=policy)
    with TestClient(app, base_url="http://127.0.0.1", follow_redirects=False) as test_client:
        yield test_client


def _csrf(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, "the form has no CSRF token"
    return match.group(1)


def _sign_in(client: TestClient) -> None:
    form = client.get("/login")
    signed_in = client.post(
        "/login", data={"user": "Dana", "token": WEB_TOKEN, "csrf": _csrf(form.text)}
    )
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/"


def test_pages_need_a_session(client: TestClient) -> None:
    for path in ("/", "/cases/1"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["location"] == "/login"
    assert client.post("/cases/1/approve", data={}).headers["location"] == "/login"


def test_login_needs_the_token_and_the_forms_csrf(client: TestClient) -> None:
    form = client.get("/login")
    assert form.status_code == 200
    assert "script-src" not in form.headers["content-security-policy"]
    assert "default-src 'none'" in form.headers["content-security-policy"]
    token = _csrf(form.text)

    wrong = client.post("/login", data={"user": "Dana", "token": "guess", "csrf": token})
    forged = client.post("/login", data={"user": "Dana", "token": WEB_TOKEN, "csrf": "0" * 64})

    assert wrong.status_code == 401 and "That token is not valid." in wrong.text
    assert forged.status_code == 403
    assert SESSION_COOKIE not in client.cookies
    _sign_in(client)
    assert client.get("/").status_code == 200


def test_a_decision_without_the_csrf_token_is_refused(
    client: TestClient, engine: Engine, clock: FixedClock, policy: Policy
) -> None:
    case = held_email_case(engine, clock, policy)
    _sign_in(client)
    page = client.get(f"/cases/{case.escalation_id}")
    assert page.status_code == 200

    missing = client.post(f"/cases/{case.escalation_id}/approve", data={"note": ""})
    # Another signed-in browser cannot replay this browser's token: it is bound to its nonce.
    with TestClient(client.app, base_url="http://127.0.0.1", follow_redirects=False) as other:
        _sign_in(other)
        assert other.cookies[CSRF_COOKIE] != client.cookies[CSRF_COOKIE]
        replayed = other.post(
            f"/cases/{case.escalation_id}/approve", data={"csrf": _csrf(page.text)}
        )

    assert missing.status_code == 403 and replayed.status_code == 403
    assert escalation(engine, case.escalation_id).status == "open"
    done = client.post(f"/cases/{case.escalation_id}/approve", data={"csrf": _csrf(page.text)})
    assert done.status_code == 303
    assert escalation(engine, case.escalation_id).status == "approved"


def test_a_reject_without_a_note_is_refused_and_says_why(
    client: TestClient, engine: Engine, clock: FixedClock, policy: Policy
) -> None:
    case = held_email_case(engine, clock, policy)
    _sign_in(client)
    page = client.get(f"/cases/{case.escalation_id}")

    refused = client.post(
        f"/cases/{case.escalation_id}/reject", data={"csrf": _csrf(page.text), "note": "  "}
    )
    shown = client.get(refused.headers["location"])

    assert "a rejection needs a note" in shown.text and "flash-error" in shown.text
    assert escalation(engine, case.escalation_id).status == "open"


def test_session_cookies_are_signed_and_expire(clock: FixedClock) -> None:
    auth = WebAuth(WEB_TOKEN, clock)
    cookie = auth.session_cookie("Dana")

    assert auth.session_user(cookie) == "Dana"
    assert WebAuth("another-token", clock).session_user(cookie) is None
    name, expires, signature = cookie.split(".")
    assert auth.session_user(f"{name}.{int(expires) + 3600}.{signature}") is None
    clock.advance(timedelta(hours=12, seconds=1))
    assert auth.session_user(cookie) is None


def test_the_token_comes_from_settings_or_a_private_file(tmp_path: Path) -> None:
    configured = Settings(home=tmp_path / "a", approvals_token=SecretStr("from-env"))
    assert approvals_token(configured) == "from-env"
    assert not (tmp_path / "a" / "approvals.token").exists()

    generated = Settings(home=tmp_path / "b")
    first = approvals_token(generated)
    token_file = tmp_path / "b" / "approvals.token"
    assert len(first) >= 40 and token_file.read_text().strip() == first
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert approvals_token(generated) == first


def test_edit_then_approve_on_the_page_sends_the_edit_and_updates_slack(
    engine: Engine, clock: FixedClock, policy: Policy, tmp_path: Path
) -> None:
    case = held_email_case(engine, clock, policy)
    with open_session(engine) as session:
        row = session.get(Escalation, case.escalation_id)
        assert row is not None
        row.notify_ref = f"slack:{CHANNEL}:1763910000.000400"
        session.commit()
    app = create_app(
        engine, clock=clock, settings=settings_for(tmp_path, slack=True), policy=policy
    )
    with (
        respx.mock(assert_all_called=False) as slack,
        TestClient(app, base_url="http://127.0.0.1", follow_redirects=False) as client,
    ):
        update = slack.post(f"{SLACK_API}/chat.update").respond(
            json=posted_response(CHANNEL, "1763910000.000400")
        )
        _sign_in(client)
        page = client.get(f"/cases/{case.escalation_id}")
        assert f'value="{case.subject}"' in page.text
        edited = client.post(
            f"/cases/{case.escalation_id}/edit",
            data={
                "csrf": _csrf(page.text),
                "subject": "A friendly word about your invoice",
                "body": f"Hello, invoice {case.invoice_number} is still open. Thank you!",
            },
        )
        shown = client.get(edited.headers["location"])

    assert "Approved by Dana (web)" in shown.text
    with open_session(engine) as session:
        [sent] = session.exec(
            select(Message).where(
                Message.customer_id == case.customer_id, Message.direction == "outbound"
            )
        ).all()
    assert sent.subject == "A friendly word about your invoice"
    assert update.call_count == 1
    assert "Approved by Dana via web" in json.dumps(
        json.loads(update.calls.last.request.content)["blocks"]
    )


def test_a_case_id_beyond_any_row_is_not_found(
    client: TestClient, engine: Engine, clock: FixedClock, policy: Policy
) -> None:
    case = held_email_case(engine, clock, policy)
    _sign_in(client)
    csrf = _csrf(client.get(f"/cases/{case.escalation_id}").text)
    huge = "1" * 23

    page = client.get(f"/cases/{huge}")
    decided = client.post(f"/cases/{huge}/approve", data={"csrf": csrf})

    assert page.status_code == 404 and f"There is no case #{huge}" in page.text
    assert decided.status_code == 404
    assert client.get("/cases/2147483648").status_code == 404
    assert escalation(engine, case.escalation_id).status == "open"
