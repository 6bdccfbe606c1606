"""The demo ledger: dozens of customers with different payment habits, a few of
whom write back (a promise, a dispute mid-sequence, a copy-invoice request, an
out-of-office, a legal threat, a remittance), as an eval scenario."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from recoup.evals.scenario import (
    Absence,
    ContactSpec,
    CustomerSpec,
    Intent,
    InvoiceSpec,
    MessageSpec,
    PaymentSpec,
    PersonaSpec,
    Profile,
    PromiseSpec,
    Scenario,
    When,
)
from recoup.ledger.models import Segment

COMPANIES = [
    ("Harbor Freight Lines", "harborfreight"), ("Bluebird Dental Group", "bluebirddental"),
    ("Cedar & Pine Interiors", "cedarpine"), ("Orbital Robotics", "orbitalrobotics"),
    ("Meridian Health Partners", "meridianhealth"), ("Quarry Stone Supply", "quarrystone"),
    ("Lumen Labs", "lumenlabs"), ("Fjord Outdoor AS", "fjordoutdoor"),
    ("Brasserie Valmont", "valmont"), ("Kestrel Aviation Services", "kestrelaviation"),
    ("Northgate Pharmacy", "northgatepharmacy"), ("Tidewater Marine", "tidewatermarine"),
    ("Alpenblick Hotels GmbH", "alpenblick"), ("Copperline Electric", "copperline"),
    ("Saffron Table Catering", "saffrontable"), ("Granite Peak Builders", "granitepeak"),
    ("Willow Creek Vet Clinic", "willowcreekvet"), ("Atlas Print & Pack", "atlasprint"),
    ("Redwood Analytics", "redwoodanalytics"), ("Casa Lucía Importaciones", "casalucia"),
    ("Pioneer Ag Co-op", "pioneerag"), ("Silverline Logistics BV", "silverline"),
    ("Beacon Street Dental", "beaconstreet"), ("Nimbus Cloud Services", "nimbuscloud"),
    ("Oakridge School District", "oakridgeschools"), ("Vela Yacht Charters", "velayachts"),
    ("Ironwood Fitness", "ironwoodfitness"), ("Marigold Florists", "marigoldflorists"),
    ("Summit Legal Supplies", "summitlegal"), ("Pacific Rim Seafood", "pacificrim"),
    ("Trattoria Del Ponte", "delponte"), ("Evergreen Senior Living", "evergreenliving"),
    ("Keystone Auto Parts", "keystoneauto"), ("Lakeshore Brewing Co.", "lakeshorebrewing"),
    ("Polaris Security", "polarissecurity"), ("Hollow Oak Furniture", "hollowoak"),
]  # fmt: skip
FIRST_NAMES = [
    "Maria",
    "James",
    "Priya",
    "Tom",
    "Aisha",
    "Lukas",
    "Chen",
    "Sofia",
    "Omar",
    "Emma",
    "Diego",
    "Hannah",
    "Kenji",
    "Fatima",
    "Noah",
    "Elena",
    "Ravi",
    "Claire",
]
LAST_NAMES = [
    "Okafor",
    "Lindqvist",
    "Patel",
    "Moreau",
    "Schmidt",
    "Nakamura",
    "Rossi",
    "Garcia",
    "Brennan",
    "Kowalski",
    "Haddad",
    "van Dijk",
    "Svensson",
    "Ortiz",
]
TIMEZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Amsterdam",
]
PROFILES = [Profile.ON_TIME, Profile.SLIGHTLY_LATE, Profile.LATE, Profile.VERY_LATE]
# Days past due at the start for an account's open invoices, by profile.
AGES = {
    Profile.ON_TIME: [-10, 4],
    Profile.SLIGHTLY_LATE: [12, -5],
    Profile.LATE: [38, 9],
    Profile.VERY_LATE: [95, 64, 20],
}


def demo_start(today: date) -> datetime:
    """The Monday on or before ``today``, 08:00 UTC: the demo's day one."""
    monday = today - timedelta(days=today.weekday())
    return datetime(monday.year, monday.month, monday.day, 8, 0)


def demo_scenario(*, start: datetime, weeks: int, seed: int) -> Scenario:
    rng = random.Random(seed)
    customers = [_customer(index, name, domain, start, rng)
                 for index, (name, domain) in enumerate(COMPANIES, start=1)]  # fmt: skip
    by_ref = {c.ref: c for c in customers}
    remitted = next(i for i in by_ref["D06"].invoices if i.paid_on is None)
    payments = [
        PaymentSpec(
            customer="D06",
            amount_cents=remitted.amount_cents,
            references=remitted.number,
            after_message="d06-paid",
            days_after=2,
        )
    ]
    return Scenario(
        version=1,
        id="demo",
        title="recoup demo ledger",
        description="Dozens of customers with different habits; some of them write back.",
        start=start,
        horizon_days=weeks * 7,
        customers=customers,
        mailbox=_mailbox(by_ref),
        payments=payments,
    )


def _customer(
    index: int, name: str, domain: str, start: datetime, rng: random.Random
) -> CustomerSpec:
    ref = f"D{index:02d}"
    today = start.date()
    profile = PROFILES[index % len(PROFILES)] if index > 8 else _scripted_profile(index)
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    email_domain = f"{domain}.example"
    segment = (Segment.ENTERPRISE if index % 7 == 0
               else Segment.MID_MARKET if index % 3 == 0 else Segment.SMB)  # fmt: skip
    invoices = [_paid_history(ref, n, today, profile, rng) for n in range(1, 4)]
    for n, age in enumerate(AGES[profile], start=1):
        amount = rng.randrange(40_000, 900_000, 500)
        due = today - timedelta(days=age)
        invoices.append(
            InvoiceSpec(
                number=f"{ref}-{2600 + n}",
                issued=due - timedelta(days=30),
                due=due,
                amount_cents=amount,
                po_number=f"PO-{rng.randint(10000, 99999)}",
                description="Supplies and services",
            )
        )
    return CustomerSpec(
        ref=ref,
        name=name,
        segment=segment,
        strategic=index in (7, 21),
        timezone=rng.choice(TIMEZONES),
        currency=_currency(name),
        email_domain=email_domain,
        contacts=[
            ContactSpec(
                name=f"{first} {last}",
                email=f"ap@{email_domain}",
                role="accounts payable",
                primary=True,
            ),
            ContactSpec(name="Finance team", email=f"finance@{email_domain}", role="finance"),
        ],
        invoices=invoices,
        persona=PersonaSpec(profile=profile, absent=_away(ref, f"ap@{email_domain}", start)),
    )


def _away(ref: str, email: str, start: datetime) -> list[Absence]:
    """D04's payables contact is on holiday for the first twelve days: an out-of-office."""
    if ref != "D04":
        return []
    return [Absence(email=email, start=start, until=start.date() + timedelta(days=12))]


def _scripted_profile(index: int) -> Profile:
    return {1: Profile.LATE, 2: Profile.LATE, 3: Profile.SLIGHTLY_LATE, 4: Profile.LATE,
            5: Profile.VERY_LATE, 6: Profile.SLIGHTLY_LATE, 7: Profile.LATE,
            8: Profile.LATE}[index]  # fmt: skip


def _paid_history(ref: str, n: int, today: date, profile: Profile, rng: random.Random
                  ) -> InvoiceSpec:  # fmt: skip
    due = today - timedelta(days=40 + 30 * n)
    late = {Profile.ON_TIME: 0, Profile.SLIGHTLY_LATE: 6, Profile.LATE: 21,
            Profile.VERY_LATE: 48}[profile]  # fmt: skip
    return InvoiceSpec(
        number=f"{ref}-{2500 + n}",
        issued=due - timedelta(days=30),
        due=due,
        amount_cents=rng.randrange(30_000, 500_000, 500),
        paid_on=min(today - timedelta(days=1), due + timedelta(days=late + rng.randint(0, 4))),
    )


def _mailbox(customers: dict[str, CustomerSpec]) -> list[MessageSpec]:
    def first_open(ref: str) -> str:
        return next(i.number for i in customers[ref].invoices if i.paid_on is None)

    def open_numbers(ref: str) -> list[str]:
        return [i.number for i in customers[ref].invoices if i.paid_on is None]

    d02 = open_numbers("D02")
    return [
        MessageSpec(
            id="d01-promise",
            customer="D01",
            when=When(after="outbound", nth=1, delay_hours=26),
            body=(
                "Hi,\n\nSorry for the delay on this one, our controller was out last week. "
                "We'll pay next Friday with our weekly payment run.\n\nThanks,\n"
                + customers["D01"].contacts[0].name
            ),
            intents=[Intent.PROMISE],
            promise=PromiseSpec(date="fri+1w"),
        ),
        MessageSpec(
            id="d02-dispute",
            customer="D02",
            when=When(after="outbound", nth=2, delay_hours=5),
            body=(
                f"Hello,\n\nBefore we go any further: invoice {d02[1]} is wrong. Half of that "
                "delivery arrived damaged and we sent photos to your driver at the time. We are "
                f"not paying {d02[1]} until this is sorted out. {d02[0]} is fine and is in our "
                "queue.\n\nRegards,\n" + customers["D02"].contacts[0].name
            ),
            intents=[Intent.DISPUTE],
        ),
        MessageSpec(
            id="d03-copy",
            customer="D03",
            when=When(after="outbound", nth=1, delay_hours=3),
            body=(
                f"Hi there, we can't find invoice {first_open('D03')} in our AP system. Could "
                "you send us a copy? Our approval workflow needs the PDF.\n\nThank you"
            ),
            intents=[Intent.COPY_REQUEST],
        ),
        MessageSpec(
            id="d04-away",
            customer="D04",
            kind="auto_reply",
            when=When(after="outbound", nth=1, delay_hours=0.05),
            body=(
                "Thank you for your message. I am out of the office on annual leave and will "
                "be back on "
                + f"{customers['D04'].persona.absent[0].until:%A %d %B}."
                + " Your email will not be forwarded.\n\n"
                + customers["D04"].contacts[0].name
            ),
            quote=False,
            intents=[Intent.OUT_OF_OFFICE],
        ),
        MessageSpec(
            id="d05-legal",
            customer="D05",
            when=When(after="outbound", nth=1, delay_hours=30),
            body=(
                "Stop emailing us. These charges were never agreed and our attorney will be in "
                "touch. Any further contact should go through our lawyer.\n\n"
                + customers["D05"].contacts[0].name
            ),
            intents=[Intent.LEGAL_THREAT],
        ),
        MessageSpec(
            id="d06-paid",
            customer="D06",
            when=When(after="outbound", nth=1, delay_hours=20),
            body=(
                f"Good morning, {first_open('D06')} went out by bank transfer this morning, "
                "reference TRF-208841. Please allow a couple of days for it to arrive.\n\nBest"
            ),
            intents=[Intent.ALREADY_PAID],
        ),
    ]


def _currency(company: str) -> str:
    """The few continental European customers are invoiced in euros."""
    european = ("GmbH", "BV", "Brasserie", "Trattoria")
    return "EUR" if any(mark in company for mark in european) else "USD"
