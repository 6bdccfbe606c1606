"""Turn the hand-written cases into scenario files.

Each case carries its customer's emails, written out in full; the builder
only draws the ledger around them (company, contacts, invoice numbers and
amounts, payment history from the calibration bands) and fills the ledger
facts the emails cite ({inv0}, {amt0}, {me}, …). Run once; the output is
committed:

    python -m recoup.evals.authoring.build [--out DIR]
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import yaml

from recoup.evals.authoring.cast import Cast, Company, Person, format_amount, format_day
from recoup.evals.calibration import load_calibration, quantile_value
from recoup.evals.scenario import DEFAULT_SCENARIOS_DIR, SCHEMA_VERSION, Profile, parse_scenario

STARTS = (
    datetime(2026, 9, 14, 6, tzinfo=UTC),
    datetime(2026, 10, 5, 6, tzinfo=UTC),
    datetime(2026, 11, 2, 6, tzinfo=UTC),
    datetime(2026, 11, 9, 6, tzinfo=UTC),
    datetime(2026, 11, 16, 6, tzinfo=UTC),
    datetime(2027, 1, 11, 6, tzinfo=UTC),
    datetime(2027, 2, 1, 6, tzinfo=UTC),
    datetime(2027, 3, 8, 6, tzinfo=UTC),
)
MAIL_FROM = "ar@northwind-supply.example"
ROLES = ("accounts_payable", "finance", "controller", "owner", "purchasing")


@dataclass
class Inv:
    overdue: int
    amount: int | None = None
    po: str | None = None
    desc: str | None = None
    open: int | None = None
    issued_after_start: int | None = None


@dataclass
class Msg:
    id: str
    body: str
    intents: list[str]
    when: dict[str, Any] | None = None
    subject: str | None = None
    kind: str = "mail"
    sender: str = "primary"
    html: bool = False
    quote: bool = True
    history: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    promise: dict[str, Any] | None = None
    charset: str = "utf-8"
    customer: str = "main"
    bounced: str | None = None


@dataclass
class Case:
    slug: str
    title: str
    tags: list[str]
    messages: list[Msg]
    expect: list[dict[str, Any]]
    invoices: list[Inv] = field(default_factory=lambda: [Inv(overdue=12)])
    locale: str = "us"
    segment: str = "smb"
    strategic: bool = False
    profile: str | None = None
    contacts: int = 1
    persona: dict[str, Any] = field(default_factory=dict)
    payments: list[dict[str, Any]] = field(default_factory=list)
    attack: dict[str, Any] | None = None
    other: bool = False
    description: str = ""
    start: datetime | None = None
    terms: int = 30
    amount_range: tuple[int, int] | None = None
    company: str | None = None
    contact_styles: list[str] | None = None
    extra: dict[str, str] = field(default_factory=dict)
    timezone: str | None = None
    # Disputes a person or the system of record ends (scenario ``dispute_endings``).
    endings: list[dict[str, Any]] = field(default_factory=list)
    policy: dict[str, dict[str, Any]] = field(default_factory=dict)
    # A person's decisions on the main customer's cases: {category, action, after_hours}.
    decisions: list[dict[str, Any]] = field(default_factory=list)


# --- expectation helpers ---------------------------------------------------------


def dispute(message: str, index: int, reason: str | None) -> list[dict[str, Any]]:
    opened: dict[str, Any] = {
        "type": "dispute_opened",
        "message": message,
        "invoice": f"{{inv{index}}}",
    }
    if reason:
        opened["reason"] = reason
    return [
        opened,
        {"type": "no_outreach", "invoice": f"{{inv{index}}}", "after": message},
    ]


def promise(
    message: str,
    date_from: str,
    date_to: str,
    *,
    amount: str | None = None,
    invoices: Iterable[int] = (),
) -> list[dict[str, Any]]:
    logged: dict[str, Any] = {
        "type": "promise_logged",
        "message": message,
        "date_from": date_from,
        "date_to": date_to,
    }
    numbers = [f"{{inv{i}}}" for i in invoices]
    if amount is not None:
        logged["amount_cents"] = amount
    if numbers:
        logged["invoices"] = numbers
    holds = [
        {"type": "no_outreach", "invoice": number, "after": message, "until": date_from}
        for number in numbers
    ] or [{"type": "no_outreach", "invoice": "{inv0}", "after": message, "until": date_from}]
    return [logged, *holds]


def escalated(
    category: str, message: str | None = None, *, stop: bool = False
) -> list[dict[str, Any]]:
    item: dict[str, Any] = {"type": "escalated", "category": category}
    if message:
        item["message"] = message
    result = [item]
    if stop and message:
        result.append({"type": "no_outreach", "after": message})
    return result


def calm(*categories: str) -> dict[str, Any]:
    item: dict[str, Any] = {"type": "not_escalated", "customer": "{ref}"}
    if categories:
        item["categories"] = list(categories)
    return item


def replied(message: str, hours: float = 48) -> dict[str, Any]:
    return {"type": "replied", "message": message, "within_hours": hours}


def quiet(message: str, until: str | None = None, invoice: int | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"type": "no_outreach", "after": message}
    if until:
        item["until"] = until
    if invoice is not None:
        item["invoice"] = f"{{inv{invoice}}}"
    return item


def reminded(
    within_days: int = 3, invoice: int | None = 0, after: str | None = None
) -> dict[str, Any]:
    item: dict[str, Any] = {"type": "reminded", "customer": "{ref}", "within_days": within_days}
    if invoice is not None:
        item["invoice"] = f"{{inv{invoice}}}"
    if after:
        item["after"] = after
    return item


def after_outbound(
    delay_hours: float | None = None, nth: int = 1, about: str | None = None
) -> dict[str, Any]:
    when: dict[str, Any] = {"after": "outbound", "nth": nth}
    if delay_hours is not None:
        when["delay_hours"] = delay_hours
    if about:
        when["about"] = about
    return when


def at_day(day: float, hour: int = 14, minute: int = 0) -> dict[str, Any]:
    return {"at_day": day, "hour": hour, "minute": minute}


# --- building --------------------------------------------------------------------


class _Numbers:
    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.next = 104_200

    def take(self) -> str:
        self.next += self.random.randint(3, 61)
        return f"INV-{self.next}"


@dataclass
class _Built:
    ref: str
    company: Company
    contacts: list[Person]
    invoices: list[dict[str, Any]]
    history: list[dict[str, Any]]
    profile: Profile


def _amount(rng: random.Random, segment: str, bounds: tuple[int, int] | None) -> int:
    low, high = (
        bounds
        or {
            "smb": (350_00, 9_000_00),
            "mid_market": (1_800_00, 16_000_00),
            "enterprise": (4_000_00, 20_000_00),
        }[segment]
    )
    value = rng.uniform(low, high)
    # People's invoices rarely end in round cents.
    return int(value) // 5 * 5 + rng.choice([0, 0, 5, 10, 25, 40, 50, 75, 95])


def _draw_profile(rng: random.Random) -> Profile:
    bands = load_calibration().bands
    roll = rng.random()
    total = 0.0
    for profile, band in bands.items():
        total += band.share
        if roll < total:
            return profile
    return Profile.ON_TIME


def _customer(
    case: Case,
    rng: random.Random,
    cast: Cast,
    numbers: _Numbers,
    start: datetime,
    *,
    ref_prefix: str,
    locale: str,
    invoices: list[Inv],
    contacts: int,
    profile: str | None,
    segment: str,
) -> _Built:
    company = cast.company(locale)
    if case.company and ref_prefix == "C":
        company = Company(case.company, company.domain, company.locale)
    styles = case.contact_styles or []
    people = [
        cast.person(company, style=styles[i] if i < len(styles) else None) for i in range(contacts)
    ]
    seen: set[str] = set()
    unique_people = []
    for person in people:
        while person.email in seen:
            person = cast.person(company)
        seen.add(person.email)
        unique_people.append(person)
    chosen = Profile(profile) if profile else _draw_profile(rng)
    today = start.date()
    built_invoices = []
    for inv in invoices:
        amount = inv.amount or _amount(rng, segment, case.amount_range)
        if inv.issued_after_start is not None:
            issued = today + timedelta(days=inv.issued_after_start)
            due = issued + timedelta(days=case.terms)
        else:
            due = today - timedelta(days=inv.overdue)
            issued = due - timedelta(days=case.terms)
        row: dict[str, Any] = {
            "number": "",
            "issued": issued,
            "due": due,
            "amount_cents": amount,
        }
        if inv.open is not None:
            row["open_cents"] = inv.open
        if inv.po:
            row["po_number"] = inv.po
        if inv.desc:
            row["description"] = inv.desc
        built_invoices.append(row)
    history = []
    band = load_calibration().bands[chosen]
    earliest = min(row["due"] for row in built_invoices)
    for back in range(rng.randint(2, 5), 0, -1):
        due = earliest - timedelta(days=30 * back + rng.randint(0, 6))
        late = round(quantile_value(band.days_late_quantiles, rng.random()))
        paid_on = due + timedelta(days=late)
        if paid_on >= today:
            continue
        history.append(
            {
                "number": "",
                "issued": due - timedelta(days=case.terms),
                "due": due,
                "amount_cents": _amount(rng, segment, case.amount_range),
                "paid_on": paid_on,
            }
        )
    # Numbers follow issue dates, as a real invoicing system's do.
    for row in sorted([*history, *built_invoices], key=lambda r: r["issued"]):
        row["number"] = numbers.take()
    return _Built(
        ref=f"{ref_prefix}-{rng.randint(10_000, 99_999)}",
        company=company,
        contacts=unique_people,
        invoices=built_invoices,
        history=history,
        profile=chosen,
    )


def _facts(
    case: Case, main: _Built, other: _Built | None, sender: Person, start: datetime
) -> dict[str, str]:
    locale = main.company.locale.code
    facts: dict[str, str] = {
        "ref": main.ref,
        "co": main.company.name,
        "co_short": main.company.name.split()[0],
        "domain": main.company.domain,
        "domain_name": main.company.domain.rsplit(".", 1)[0],
        "me": sender.first,
        "me_last": sender.last,
        "me_full": sender.full,
        "me_email": sender.email,
        "us": "Northwind",
        "ar": MAIL_FROM,
    }
    total = 0
    for index, row in enumerate(main.invoices):
        cents = row.get("open_cents", row["amount_cents"])
        total += cents
        facts[f"inv{index}"] = row["number"]
        facts[f"num{index}"] = row["number"].removeprefix("INV-")
        facts[f"amt{index}"] = format_amount(cents, locale)
        facts[f"amt{index}_en"] = format_amount(cents, locale, "en")
        facts[f"amt{index}_code"] = format_amount(cents, locale, "code")
        facts[f"cents{index}"] = str(cents)
        facts[f"half{index}"] = format_amount(cents // 2, locale)
        facts[f"halfcents{index}"] = str(cents // 2)
        facts[f"due{index}"] = format_day(row["due"], locale)
        facts[f"po{index}"] = row.get("po_number") or ""
    facts["total"] = format_amount(total, locale)
    facts["total_en"] = format_amount(total, locale, "en")
    facts["totalcents"] = str(total)
    for index, person in enumerate(main.contacts):
        facts[f"contact{index}"] = person.email
        facts[f"contact{index}_first"] = person.first
        facts[f"contact{index}_full"] = person.full
    if other is not None:
        facts["other_ref"] = other.ref
        facts["other_co"] = other.company.name
        facts["other_contact"] = other.contacts[0].email
        facts["other_inv0"] = other.invoices[0]["number"]
        facts["other_amt0"] = format_amount(
            other.invoices[0]["amount_cents"], other.company.locale.code
        )
    facts.update(_dates(start))
    for key, value in case.extra.items():
        facts[key] = value.format(**facts)
    return facts


_WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _dates(start: datetime) -> dict[str, str]:
    """{onN_*}: the date N days after the start, as customers write it."""
    facts = {}
    for offset in range(0, 121):
        day = start.date() + timedelta(days=offset)
        facts[f"on{offset}_iso"] = day.isoformat()
        facts[f"on{offset}_us"] = format_day(day, "us")
        facts[f"on{offset}_uk"] = format_day(day, "uk")
        facts[f"on{offset}_eu"] = format_day(day, "de")
        facts[f"on{offset}_dm"] = f"{day.day:02d}.{day.month:02d}."
        facts[f"on{offset}_slash"] = f"{day.month}/{day.day}"
        facts[f"on{offset}_wd"] = _WEEKDAY_NAMES[day.weekday()]
    for back in range(1, 240):
        facts[f"ago{back}_iso"] = (start.date() - timedelta(days=back)).isoformat()
    return facts


def _fill(value: Any, facts: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format(**facts)
    if isinstance(value, list):
        return [_fill(item, facts) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, facts) for key, item in value.items()}
    return value


def _persona(case: Case, built: _Built, facts: dict[str, str]) -> dict[str, Any]:
    persona: dict[str, Any] = {"profile": built.profile.value}
    persona.update(_fill(case.persona, facts))
    return persona


def _contacts(built: _Built, rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    for index, person in enumerate(built.contacts):
        rows.append(
            {
                "name": person.full,
                "email": person.email,
                "role": "billing" if index == 0 else rng.choice(ROLES),
                "primary": index == 0,
            }
        )
    return rows


def _when(msg: Msg, rng: random.Random, start: datetime) -> dict[str, Any]:
    """Replies come a few hours after the email they answer; a customer who was
    never written to writes anyway after three weeks (human mail only)."""
    when = dict(msg.when or after_outbound())
    if "at_day" in when:
        day = when.pop("at_day")
        moment = datetime.combine(
            start.date() + timedelta(days=int(day)),
            time(when.pop("hour", 14), when.pop("minute", 0)),
            tzinfo=UTC,
        )
        return {"at": moment.isoformat()}
    if when.get("after") == "outbound":
        when.setdefault("delay_hours", round(rng.uniform(2, 30), 1))
        if msg.kind == "mail":
            when.setdefault("fallback_day", 21)
    return when


def _customer_spec(
    built: _Built, rng: random.Random, case: Case, persona: dict[str, Any], segment: str
) -> dict[str, Any]:
    locale = built.company.locale
    return {
        "ref": built.ref,
        "name": built.company.name,
        "segment": segment,
        "strategic": case.strategic if built.ref.startswith("C-") else False,
        "terms_days": case.terms,
        "timezone": (case.timezone if built.ref.startswith("C-") else None)
        or rng.choice(locale.timezones),
        "currency": locale.currency,
        "email_domain": built.company.domain,
        "contacts": _contacts(built, rng),
        "invoices": [*built.history, *built.invoices],
        "persona": persona,
    }


def build_case(case: Case, index: int, cast: Cast, numbers: _Numbers) -> dict[str, Any]:
    rng = random.Random(f"{case.slug}:{index}")
    start = case.start or rng.choice(STARTS)
    main = _customer(
        case,
        rng,
        cast,
        numbers,
        start,
        ref_prefix="C",
        locale=case.locale,
        invoices=case.invoices,
        contacts=case.contacts,
        profile=case.profile,
        segment=case.segment,
    )
    other = None
    if case.other:
        other_locale = rng.choice(["us", "uk", "de", "fr"])
        other = _customer(
            case,
            rng,
            cast,
            numbers,
            start,
            ref_prefix="K",
            locale=other_locale,
            invoices=[Inv(overdue=rng.randint(3, 25))],
            contacts=1,
            profile="on_time",
            segment="smb",
        )
    base_facts = _facts(case, main, other, main.contacts[0], start)
    mailbox = []
    for msg in case.messages:
        sender = _sender(msg, main)
        facts = _facts(case, main, other, sender, start) if sender is not None else base_facts
        item: dict[str, Any] = {"id": msg.id, "customer": main.ref}
        if msg.kind != "mail":
            item["kind"] = msg.kind
        if sender is not None and sender.email != main.contacts[0].email:
            item["sender"] = sender.email
        elif msg.sender.startswith("addr:"):
            item["sender"] = _fill(msg.sender.removeprefix("addr:"), facts)
        if sender is not None:
            item["sender_name"] = sender.full
        item["when"] = _fill(_when(msg, rng, start), facts)
        if msg.subject is not None:
            item["subject"] = _fill(msg.subject, facts)
        item["body"] = _fill(msg.body, facts).strip("\n") + "\n"
        if msg.html:
            item["html"] = True
        if msg.charset != "utf-8":
            item["charset"] = msg.charset
        if not msg.quote:
            item["quote"] = False
        if msg.history:
            item["history"] = _fill(msg.history, facts)
        if msg.attachments:
            item["attachments"] = _fill(msg.attachments, facts)
        if msg.bounced:
            item["bounced_address"] = _fill(msg.bounced, facts)
        item["intents"] = msg.intents
        if msg.promise:
            item["promise"] = _fill(msg.promise, facts)
        mailbox.append(item)
    customers = [
        _customer_spec(main, rng, case, _persona(case, main, base_facts), case.segment),
    ]
    if other is not None:
        customers.append(_customer_spec(other, rng, case, {"profile": other.profile.value}, "smb"))
    scenario: dict[str, Any] = {
        "version": SCHEMA_VERSION,
        "id": case.slug,
        "title": case.title,
        "description": case.description,
        "tags": case.tags,
        "start": start.isoformat(),
        "horizon_days": 90,
        "mail_from": MAIL_FROM,
        "customers": customers,
        "mailbox": mailbox,
    }
    if case.payments:
        scenario["payments"] = [
            {"customer": main.ref, **_fill(payment, base_facts)} for payment in case.payments
        ]
    scenario["expectations"] = _fill(case.expect, base_facts)
    if case.endings:
        scenario["dispute_endings"] = _fill(case.endings, base_facts)
    if case.attack:
        scenario["attack"] = {"target": main.ref, **_fill(case.attack, base_facts)}
    if case.policy:
        scenario["policy"] = case.policy
    if case.decisions:
        scenario["decisions"] = [{"customer": main.ref, **spec} for spec in case.decisions]
    if not scenario["description"]:
        del scenario["description"]
    _coerce_numbers(scenario)
    return scenario


def _sender(msg: Msg, main: _Built) -> Person | None:
    if msg.sender == "primary":
        return main.contacts[0]
    if msg.sender.startswith("contact"):
        return main.contacts[int(msg.sender.removeprefix("contact"))]
    return None


_CENTS_KEYS = {"amount_cents", "open_cents"}


def _coerce_numbers(node: Any) -> None:
    """Amount placeholders come out of the templates as text."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in _CENTS_KEYS and isinstance(value, str):
                node[key] = int(value)
            else:
                _coerce_numbers(value)
    elif isinstance(node, list):
        for item in node:
            _coerce_numbers(item)


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _date(dumper: yaml.SafeDumper, value: date) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


_Dumper.add_representer(str, _str)
_Dumper.add_representer(date, _date)


def all_cases() -> list[Case]:
    from recoup.evals.authoring import (
        cases_approvals,
        cases_attacks,
        cases_contacts,
        cases_dispute_ends,
        cases_disputes,
        cases_languages,
        cases_promises,
        cases_replies,
        cases_security,
        cases_signals,
        cases_silence,
    )

    cases: list[Case] = []
    for module in (
        cases_promises,
        cases_disputes,
        cases_replies,
        cases_signals,
        cases_languages,
        cases_silence,
        cases_attacks,
        cases_dispute_ends,
        cases_approvals,
        cases_contacts,
        cases_security,
    ):
        cases.extend(module.CASES)
    return cases


def build(out: Path) -> int:
    cast = Cast(seed=20261102)
    numbers = _Numbers(seed=7)
    cases = all_cases()
    slugs = [case.slug for case in cases]
    duplicates = {s for s in slugs if slugs.count(s) > 1}
    if duplicates:
        raise SystemExit(f"duplicate case slugs: {sorted(duplicates)}")
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("*.yaml"):
        stale.unlink()
    for index, case in enumerate(cases):
        scenario = build_case(case, index, cast, numbers)
        parse_scenario(scenario, case.slug)
        text = yaml.dump(scenario, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
        (out / f"{case.slug}.yaml").write_text(text, encoding="utf-8")
    return len(cases)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the scenario corpus.")
    parser.add_argument("--out", type=Path, default=DEFAULT_SCENARIOS_DIR)
    args = parser.parse_args(argv)
    count = build(args.out)
    print(f"wrote {count} scenarios to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
