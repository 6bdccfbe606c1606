"""The people and companies of the corpus: names by country, money and date
formats as those customers write them."""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Locale:
    code: str
    currency: str
    timezones: tuple[str, ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    company_words: tuple[str, ...]
    company_trades: tuple[str, ...]
    company_suffixes: tuple[str, ...]


LOCALES: dict[str, Locale] = {
    "us": Locale(
        "us",
        "USD",
        ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"),
        (
            "Megan",
            "Tyler",
            "Brittany",
            "Jason",
            "Keisha",
            "Darnell",
            "Courtney",
            "Ryan",
            "Lindsey",
            "Marcus",
            "Heather",
            "Jorge",
            "Amber",
            "Kyle",
            "Tanya",
            "Derek",
            "Shauna",
            "Travis",
            "Monique",
            "Cody",
            "Rebecca",
            "Luis",
            "Kristen",
            "Brandon",
            "Alicia",
            "Trevor",
            "Danielle",
            "Howard",
            "Patrice",
            "Wes",
            "Carla",
            "Dwayne",
            "Stacy",
            "Nate",
        ),
        (
            "Kowalski",
            "Hernandez",
            "Whitfield",
            "Okafor",
            "Brennan",
            "Lindqvist",
            "Carver",
            "Delgado",
            "Pruitt",
            "Nguyen",
            "Sandoval",
            "McAllister",
            "Jablonski",
            "Foster",
            "Reyes",
            "Thornton",
            "Abernathy",
            "Castellanos",
            "Hollis",
            "Yamamoto",
            "Gutierrez",
            "Pendleton",
            "Sorensen",
            "Bishop",
            "Marchetti",
            "Dawson",
            "Ellison",
            "Vaughn",
        ),
        (
            "Ridgeline",
            "Cascade",
            "Ironwood",
            "Bluestem",
            "Harbor",
            "Prairie",
            "Summit",
            "Keystone",
            "Riverbend",
            "Copperline",
            "Lakeshore",
            "Granite",
            "Frontier",
            "Redrock",
            "Pioneer",
            "Tidewater",
            "Bayside",
            "Timberline",
            "Sawtooth",
            "Clearwater",
        ),
        (
            "Fabrication",
            "Logistics",
            "Dental Supply",
            "HVAC",
            "Packaging",
            "Builders",
            "Brewing",
            "Medical Group",
            "Auto Parts",
            "Electric",
            "Foods",
            "Plastics",
            "Landscaping",
            "Printing",
            "Machine Works",
            "Outfitters",
            "Labs",
            "Roofing",
        ),
        ("Inc.", "LLC", "Co.", "Corp.", "Group", ""),
    ),
    "uk": Locale(
        "uk",
        "GBP",
        ("Europe/London",),
        (
            "Joanne",
            "Gareth",
            "Siobhan",
            "Nigel",
            "Priya",
            "Callum",
            "Harriet",
            "Rhys",
            "Fiona",
            "Alistair",
            "Bethan",
            "Declan",
            "Imogen",
            "Stuart",
            "Kerry",
            "Ollie",
            "Gemma",
            "Rupert",
            "Aisha",
            "Craig",
            "Lorna",
            "Tom",
            "Hayley",
            "Ewan",
        ),
        (
            "Pike",
            "Thistlewood",
            "Ashworth",
            "Gallagher",
            "Patel",
            "Hughes",
            "Blackmore",
            "Whitcombe",
            "McLeod",
            "Evans",
            "Farrow",
            "Entwistle",
            "Okoro",
            "Hargreaves",
            "Caldwell",
            "Bannerman",
            "Lister",
            "Greaves",
            "Holloway",
            "Rowntree",
        ),
        (
            "Hartwell",
            "Pennine",
            "Brackenfield",
            "Thameside",
            "Kestrel",
            "Norbury",
            "Wessex",
            "Calder",
            "Marston",
            "Ravensworth",
            "Greystone",
            "Abbeyfield",
            "Severn",
            "Linton",
        ),
        (
            "Fabrication",
            "Joinery",
            "Facilities",
            "Engineering",
            "Catering",
            "Signs",
            "Plumbing & Heating",
            "Distribution",
            "Print",
            "Interiors",
            "Veterinary Practice",
            "Motor Factors",
            "Scaffolding",
            "Lettings",
        ),
        ("Ltd", "Ltd", "Limited", "plc", "& Sons Ltd", "LLP"),
    ),
    "ie": Locale(
        "ie",
        "EUR",
        ("Europe/Dublin",),
        (
            "Aoife",
            "Ciarán",
            "Niamh",
            "Padraig",
            "Sinéad",
            "Eoin",
            "Orla",
            "Donal",
            "Gráinne",
            "Fergal",
            "Róisín",
            "Colm",
        ),
        (
            "Ó Briain",
            "Fitzgerald",
            "Kavanagh",
            "Doyle",
            "McGrath",
            "Brennan",
            "Nolan",
            "Kinsella",
            "Moriarty",
            "Geraghty",
        ),
        ("Liffey", "Shannon", "Wicklow", "Burren", "Connemara", "Slaney", "Boyne"),
        ("Engineering", "Foods", "Pharma Services", "Construction", "Print", "Logistics"),
        ("Ltd", "Teoranta", "DAC", "Ltd"),
    ),
    "de": Locale(
        "de",
        "EUR",
        ("Europe/Berlin",),
        (
            "Jörg",
            "Sabine",
            "Matthias",
            "Katrin",
            "Uwe",
            "Anja",
            "Stefan",
            "Birgit",
            "Tobias",
            "Claudia",
            "Henrik",
            "Melanie",
            "Dirk",
            "Ute",
            "Florian",
            "Nadine",
        ),
        (
            "Schäfer",
            "Hoffmann",
            "Krüger",
            "Brandt",
            "Wolff",
            "Lehmann",
            "Vogel",
            "Zimmermann",
            "Hartmann",
            "Kühn",
            "Seidel",
            "Pohl",
            "Ebert",
            "Franke",
        ),
        ("Rheintal", "Nordstern", "Elbwerk", "Alpen", "Weserland", "Taunus", "Spree", "Harz"),
        (
            "Maschinenbau",
            "Logistik",
            "Haustechnik",
            "Druckerei",
            "Metallbau",
            "Elektro",
            "Lebensmittel",
            "Bau",
        ),
        ("GmbH", "GmbH & Co. KG", "AG", "KG", "GmbH"),
    ),
    "fr": Locale(
        "fr",
        "EUR",
        ("Europe/Paris",),
        (
            "Sylvie",
            "Thierry",
            "Nathalie",
            "Olivier",
            "Céline",
            "Benoît",
            "Aurélie",
            "Julien",
            "Isabelle",
            "Mathieu",
            "Hélène",
            "Rémi",
            "Sandrine",
            "Yannick",
        ),
        (
            "Lefèvre",
            "Moreau",
            "Girard",
            "Fontaine",
            "Rousseau",
            "Chevalier",
            "Mercier",
            "Garnier",
            "Faure",
            "Lambert",
            "Bonnet",
            "Perrin",
        ),
        ("Atlantique", "Provence", "Val de Loire", "Armor", "Dauphiné", "Vosges", "Rhône"),
        ("Emballages", "Transports", "Bâtiment", "Agroalimentaire", "Imprimerie", "Métallerie"),
        ("SARL", "SAS", "SA", "EURL"),
    ),
    "es": Locale(
        "es",
        "EUR",
        ("Europe/Madrid",),
        (
            "Lucía",
            "Javier",
            "Carmen",
            "Álvaro",
            "Marta",
            "Sergio",
            "Pilar",
            "Iñaki",
            "Rocío",
            "Raúl",
            "Nuria",
            "Andrés",
        ),
        (
            "García",
            "Fernández",
            "Martínez",
            "Ruiz",
            "Navarro",
            "Domínguez",
            "Ortega",
            "Serrano",
            "Castillo",
            "Iglesias",
        ),
        ("Levante", "Cantábrica", "Ibérica", "Mediterránea", "Castellana", "Guadiana"),
        ("Construcciones", "Distribuciones", "Alimentación", "Suministros", "Transportes"),
        ("S.L.", "S.A.", "S.L.U."),
    ),
    "nl": Locale(
        "nl",
        "EUR",
        ("Europe/Amsterdam",),
        (
            "Sanne",
            "Jeroen",
            "Marieke",
            "Bram",
            "Femke",
            "Joost",
            "Anouk",
            "Ruud",
            "Lotte",
            "Wouter",
            "Inge",
            "Pieter",
        ),
        (
            "de Vries",
            "Jansen",
            "van Dijk",
            "Bakker",
            "Visser",
            "Smit",
            "Mulder",
            "de Boer",
            "van der Linden",
            "Kuipers",
        ),
        ("Polder", "Zeeland", "Veluwe", "Amstel", "Waddenzee", "Kempen"),
        ("Installatietechniek", "Logistiek", "Bouw", "Verpakkingen", "Tuinbouw", "Techniek"),
        ("B.V.", "B.V.", "N.V."),
    ),
    "it": Locale(
        "it",
        "EUR",
        ("Europe/Rome",),
        (
            "Giulia",
            "Marco",
            "Francesca",
            "Luca",
            "Chiara",
            "Alessandro",
            "Federica",
            "Davide",
            "Elena",
            "Stefano",
            "Silvia",
            "Matteo",
        ),
        (
            "Rossi",
            "Bianchi",
            "Colombo",
            "Ferrari",
            "Esposito",
            "Romano",
            "Galli",
            "Conti",
            "Marino",
            "Greco",
        ),
        ("Adriatica", "Lombarda", "Toscana", "Dolomiti", "Tirrenica", "Padana"),
        ("Meccanica", "Trasporti", "Alimentari", "Costruzioni", "Imballaggi", "Impianti"),
        ("S.r.l.", "S.p.A.", "S.r.l."),
    ),
}


def slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", plain.lower())


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    email: str

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"


@dataclass(frozen=True)
class Company:
    name: str
    domain: str
    locale: Locale


class Cast:
    """Draws unique companies and people, reproducibly."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self._companies: set[str] = set()
        self._domains: set[str] = set()

    def company(self, locale_code: str) -> Company:
        locale = LOCALES[locale_code]
        for _ in range(500):
            word = self.random.choice(locale.company_words)
            trade = self.random.choice(locale.company_trades)
            suffix = self.random.choice(locale.company_suffixes)
            name = " ".join(part for part in (word, trade, suffix) if part)
            if name in self._companies:
                continue
            domain = f"{slug(word)}{slug(trade.split()[0])}.example"
            if domain in self._domains:
                continue
            self._companies.add(name)
            self._domains.add(domain)
            return Company(name, domain, locale)
        raise RuntimeError(f"ran out of company names for {locale_code}")

    def person(self, company: Company, *, style: str | None = None) -> Person:
        locale = company.locale
        first = self.random.choice(locale.first_names)
        last = self.random.choice(locale.last_names)
        style = style or self.random.choice(["first.last", "flast", "first", "firstl", "f.last"])
        f, l_ = slug(first), slug(last)
        local = {
            "first.last": f"{f}.{l_}",
            "flast": f"{f[0]}{l_}",
            "first": f,
            "firstl": f"{f}{l_[0]}",
            "f.last": f"{f[0]}.{l_}",
        }[style]
        return Person(first, last, f"{local}@{company.domain}")


def format_amount(cents: int, locale_code: str, style: str = "native") -> str:
    """Money as a customer from ``locale_code`` writes it."""
    whole, fraction = divmod(cents, 100)
    grouped_en = f"{whole:,}"
    grouped_eu = grouped_en.replace(",", ".")
    if locale_code == "us":
        return f"${grouped_en}.{fraction:02d}"
    if locale_code == "uk":
        return f"£{grouped_en}.{fraction:02d}"
    if locale_code == "ie" or style == "en":
        return f"€{grouped_en}.{fraction:02d}"
    if style == "code":
        return f"EUR {grouped_eu},{fraction:02d}"
    return f"{grouped_eu},{fraction:02d} €"


_MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def format_day(day: date, locale_code: str) -> str:
    if locale_code == "us":
        return f"{_MONTHS_EN[day.month - 1]} {day.day}"
    if locale_code in ("uk", "ie"):
        return f"{day.day} {_MONTHS_EN[day.month - 1]}"
    return f"{day.day:02d}.{day.month:02d}.{day.year}"
