"""The case studies' economy (issue 7, point 10): five full years of synthetic cash book, jobs
and volunteer hours, their annual closings and one cycle of the community reinvestment fund.

The years are the five before the demo's today; the demo's annual assembly
(``demo/assemblies.py``) approves the last of them, or the one before while this year's assembly
is still to come (the last is then left proposed). The figures follow the public facts of
DOMAIN.md §6 (``demo/cases.py``): La Paranza's visitors (80,000 in 2016, 160,000 in 2019,
200,000 in 2022, interpolated and extended, with the closures of 2020-2021) and its 40 or so
employees, the Modernissimo's 50,000 admissions a year in two screens, Brigì's 14 employees
and 6 collaborators at a refuge and an adventure park, AnversiAmo's village shop, bar and
street cleaning for the municipality, Ri-maflow's repairs, market and coworking. Every amount,
person, supplier and hour is synthetic and marked so; the public facts stay the cooperative's
facts (``CooperativeFact``) and are only used to size the synthetic figures.

Movements are aggregated as a small cooperative's book would be: weekly takings per service
or resource, monthly wages per job, monthly or quarterly invoices from a few suppliers (some in
the cooperative's territory, some not), grants, membership fees and donations: a few thousand
rows per cooperative, written in bulk. Each year's other costs are sized so that the results
are small profits, with one loss (the Modernissimo's year of closed cinemas). The closings,
the ristorni (Brigì, on work) and the earmark of the fund go through the economy's services, so
the allocation follows the law; the four earlier years were approved by assemblies the demo
does not hold, so they are marked approved on the day such an assembly would have met.

Reproducible: the step's own random stream, seeded by (seed, cooperative). A cooperative that
already has its synthetic economy is left as it is (loading twice changes nothing)."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_FLOOR, Decimal
from itertools import pairwise

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from comunitas.commons.models import CommonResource, Sale, Service
from comunitas.core.audit import audit_record
from comunitas.core.kernel.money import CENT
from comunitas.core.models import Cooperative, Municipality
from comunitas.core.notify import quiet
from comunitas.decisions.assemblies.selectors import held_on
from comunitas.decisions.models import Motion
from comunitas.demo.assemblies import _last_tuesday_of_april
from comunitas.demo.synthetic import FIRST_NAMES, LAST_NAMES
from comunitas.economy.cashbook.chart import chart_ensure
from comunitas.economy.cashbook.services import sales_post_pending
from comunitas.economy.closing import services as closing_services
from comunitas.economy.closing.postal_rates import postal_bond_rates_load
from comunitas.economy.fund import selectors as fund_selectors
from comunitas.economy.fund import services as fund_services
from comunitas.economy.models import (
    AgeBand,
    BudgetLine,
    Closing,
    ClosingStatus,
    ContractType,
    Counterparty,
    Direction,
    Job,
    Movement,
    VolunteerEntry,
    VolunteerRate,
    VolunteerStatus,
)
from comunitas.members.models import Member, MemberKind, MemberStatus
from comunitas.projects.models import Project

YEARS = 5
LEGAL_RESERVE_PERCENT = Decimal(30)  # the legal minimum (art. 2545-quater c.c.)
OTHER_COSTS_FLOOR = 0.12  # of revenue: rent, energy and insurance are never less
SYNTHETIC_NOTE = "Dati sintetici generati per la dimostrazione."
VOLUNTEER_RATE_SOURCE = (
    "Costo orario del livello B1 del CCNL Cooperative sociali (tabelle del Ministero del "
    "Lavoro) come valore di sostituzione; valore sintetico"
)
PAYDAY = 27  # wages are paid on the 27th of the month


# --- the plans ----------------------------------------------------------------------------------

YearTable = dict[int, float]


def on_year(table: YearTable, year: int, growth: float = 0.0) -> float:
    """The table's value for ``year``; outside the table the nearest year's, grown by
    ``growth`` a year after its last year (before its first it stays the same)."""
    if year in table:
        return table[year]
    first, last = min(table), max(table)
    if year < first:
        return table[first]
    return table[last] * (1 + growth) ** (year - last)


def paranza_visitors(year: int) -> int:
    """Visitors of the catacombs: the public figures of 2016, 2019 and 2022 (DOMAIN.md §6),
    linear in between, +6% a year after 2022, and the closures of the pandemic."""
    anchors = [(2016, 80_000), (2019, 160_000), (2022, 200_000)]
    if year <= 2016:
        value = max(5_000, 80_000 - (2016 - year) * 26_667)
    elif year >= 2022:
        value = 200_000 * 1.06 ** (year - 2022)
    else:
        for (y0, v0), (y1, v1) in pairwise(anchors):
            if y0 <= year <= y1:
                value = v0 + (v1 - v0) * (year - y0) / (y1 - y0)
                break
    closures = {2020: 0.35, 2021: 0.55}
    return round(value * closures.get(year, 1.0))


def modernissimo_admissions(year: int) -> int:
    """About 50,000 admissions a year (DOMAIN.md §6), fewer while cinemas were closed."""
    return round(
        on_year({2020: 18_000, 2021: 21_000, 2022: 38_000, 2023: 46_000, 2024: 50_000}, year, 0.01)
    )


def grows(base: float, rate: float, since: int = 2021) -> Callable[[int], int]:
    return lambda year: round(base * (1 + rate) ** (year - since))


SEASON_EVEN = (1,) * 12
SEASON_NAPLES = (0.6, 0.6, 0.8, 1.1, 1.2, 0.9, 0.9, 1.2, 1.1, 1.1, 0.8, 1.1)
SEASON_CINEMA = (1.3, 1.2, 1.1, 0.9, 0.7, 0.4, 0.3, 0.2, 0.8, 1.1, 1.3, 1.4)
SEASON_PARK = (0, 0, 0, 0.5, 0.8, 1.2, 1.8, 2.0, 0.9, 0.5, 0, 0)
SEASON_REFUGE = (0.4, 0.4, 0.4, 0.6, 0.8, 1.2, 1.8, 2.0, 1.0, 0.6, 0.3, 0.6)
SEASON_VILLAGE = (0.8, 0.8, 0.9, 1.0, 1.0, 1.2, 1.5, 1.8, 1.1, 0.9, 0.8, 1.0)
SEASON_OIL = (1.2, 1.0, 0.6, 0, 0, 0, 0, 0, 0, 0, 1.0, 1.6)
SEASON_TOURS = (0, 0, 0.3, 0.8, 1.2, 1.2, 1.5, 1.5, 1.0, 0.6, 0, 0)


@dataclass(frozen=True)
class Takings:
    """A revenue stream, written as weekly takings: ``count(year)`` items (visitors, receipts)
    at about ``price(year)`` each, spread over the weeks by the monthly ``season``."""

    label: str
    unit: str
    category: str
    count: Callable[[int], int]
    price: Callable[[int], float]
    season: tuple[float, ...] = SEASON_EVEN
    resource: str = ""
    service: str = ""
    project: str = ""  # a title prefix: linked on the days the project runs
    vat: int = 0
    weekly: bool = True  # small streams are banked once a month


@dataclass(frozen=True)
class Party:
    """A counterparty: a supplier invoicing every ``every`` months (``weight``: its share of
    the year's other costs), or a customer or funder paying ``amount(year)`` a year."""

    name: str
    kind: str
    where: str  # ISTAT code of its municipality ("" when unknown)
    category: str
    every: int = 1
    weight: float = 0.0
    amount: Callable[[int], float] | None = None
    vat: int = 22
    label: str = ""
    months: tuple[int, ...] = ()  # the months it pays in (customers, funders)
    project: str = ""
    resource: str = ""
    service: str = ""


@dataclass(frozen=True)
class Positions:
    """Jobs of one kind: ``count(year)`` positions held, with their contract, share of full
    time and monthly cost per full-time job; seasonal ones last ``season`` (first month, month
    after the last) every year."""

    title: str
    contract: str
    fte: tuple[float, ...]
    monthly: float
    count: Callable[[int], int]
    season: tuple[int, int] | None = None
    members: float = 0.0  # chance a new holder is a worker member
    local: float = 0.8  # chance a named holder lives in the cooperative's territory
    ages: tuple[float, ...] = (0.15, 0.35, 0.3, 0.18, 0.02)  # by AgeBand
    unemployed: float = 0.0  # chance the holder was unemployed before (consented)
    resource: str = ""
    project: str = ""
    since: int = 2014  # the earliest start of a position held before the five years


@dataclass(frozen=True)
class Volunteering:
    activity: str
    months: tuple[int, ...]
    sessions: int  # a month
    people: int  # a session
    hours: tuple[float, ...]
    resource: str = ""
    project: str = ""


@dataclass(frozen=True)
class Plan:
    takings: list[Takings]
    parties: list[Party]
    positions: list[Positions]
    volunteering: list[Volunteering]
    fee: int = 0  # yearly membership fee per active member
    volunteers: int = 10
    reinvestment_percent: int = 40
    loss_year: int | None = None  # a year of closed doors: the result is a loss
    remote: tuple[str, ...] = ("058091", "015146")  # where non-local workers come from


ROMA, MILANO, TORINO, BOLOGNA, FIRENZE = "058091", "015146", "001272", "037006", "048017"
NAPOLI, PERUGIA, MENDATICA, ANVERSA, TREZZANO = "063049", "054039", "008034", "066004", "015220"
CATACOMBS = "Catacombe di San Gennaro"
CINEMA = "Cinema Modernissimo"
REFUGE, PARK = "Rifugio Cà da Cardella", "Parco Avventura"
FACTORY = "Fabbrica recuperata Ri-maflow"
SHOP, BAR, OLIVES = "Bottega del paese", "Bar del paese", "Oliveti"

# La Paranza's guides and front desk: fewer while the catacombs were closed, then growing with
# the visitors (40 employees in 2019, DOMAIN.md §6).
PARANZA_GUIDES = {2020: 20, 2021: 20, 2022: 25, 2023: 28, 2024: 29, 2025: 30}
PARANZA_DESK = {2020: 8, 2021: 8, 2022: 9, 2023: 10, 2024: 11, 2025: 11}

# One row a stream, counterparty, kind of position or volunteering, as the dataclasses above
# read them.
# fmt: off
PLANS: dict[str, Plan] = {
    "la-paranza": Plan(
        takings=[
            Takings("Biglietti delle visite guidate alle Catacombe di San Gennaro", "visitatori",
                "services", lambda y: round(paranza_visitors(y) * 0.72),
                lambda y: 8.6 + 0.3 * (y - 2021), SEASON_NAPLES, resource=CATACOMBS,
                service="Visita guidata alle Catacombe di San Gennaro",
                project="Visite guidate alle catacombe"),
            Takings("Biglietti delle visite guidate alle Catacombe di San Gaudioso", "visitatori",
                "services", lambda y: paranza_visitors(y) - round(paranza_visitors(y) * 0.72),
                lambda y: 8.6 + 0.3 * (y - 2021), SEASON_NAPLES,
                resource="Catacombe di San Gaudioso",
                service="Visita guidata alle Catacombe di San Gaudioso",
                project="Visite guidate alle catacombe"),
            Takings("Bookshop e oggetti delle botteghe del rione", "scontrini", "products",
                lambda y: round(paranza_visitors(y) * 0.04), lambda y: 14.0, SEASON_NAPLES,
                resource=CATACOMBS, vat=22, weekly=False),
        ],
        parties=[
            Party("Pontificia Commissione di Archeologia Sacra", "supplier", ROMA, "rent", 3, 0.28,
                vat=0, label="Quota concessoria sui biglietti"),
            Party("Impianti Elettrici Sanità s.r.l.", "supplier", NAPOLI, "maintenance", 1, 0.10,
                label="Manutenzione dell'illuminazione dei percorsi"),
            Party("Restauri Partenopei s.n.c.", "supplier", NAPOLI, "maintenance", 3, 0.12,
                label="Restauro e conservazione"),
            Party("Pulizie del Rione soc. coop. sociale", "supplier", NAPOLI, "suppliers", 1, 0.08,
                label="Pulizie dei siti"),
            Party("Tipografia dei Vergini", "supplier", NAPOLI, "suppliers", 3, 0.04,
                label="Stampa di biglietti e materiali"),
            Party("Energia Italia S.p.A.", "supplier", MILANO, "rent", 1, 0.10,
                label="Energia elettrica"),
            Party("Biglietteria Digitale S.r.l.", "supplier", ROMA, "suppliers", 1, 0.05,
                label="Piattaforma di prenotazione online"),
            Party("Studio Esposito, consulenti del lavoro", "supplier", NAPOLI, "suppliers", 1,
                0.06, label="Paghe e consulenza del lavoro"),
            Party("Mutua Assicurazioni S.p.A.", "supplier", MILANO, "insurance", 12, 0.05, vat=0,
                label="Polizza RC e incendio"),
            Party("Agenzia delle Entrate", "funder", ROMA, "taxes", 3, 0.07, vat=0,
                label="Imposte (F24)"),
            Party("Botteghe artigiane del Rione Sanità", "supplier", NAPOLI, "suppliers", 3, 0.05,
                label="Oggetti per il bookshop"),
            Party("Falegnameria del Rione s.n.c.", "supplier", NAPOLI, "maintenance", 12, 0.02,
                label="Piccoli lavori e arredi"),
            Party("Fondazione con il Sud", "funder", ROMA, "grants",
                amount=lambda y: 45_000 if y % 2 else 30_000, vat=0,
                label="Contributo al progetto di comunità", months=(6, 12)),
            Party("Regione Campania", "funder", NAPOLI, "grants",
                amount=lambda y: 60_000 if y in (2020, 2021) else 18_000, vat=0,
                label="Contributo per la formazione delle guide", months=(9,)),
            Party("Visitatori del Cimitero delle Fontanelle", "customer", "", "donations",
                amount=lambda y: 3_000 * (y - 2021), vat=0, label="Offerte libere dei visitatori",
                months=tuple(range(1, 13)), project="Cimitero delle Fontanelle"),
        ],
        positions=[
            Positions("Guida delle catacombe", ContractType.PERMANENT, (1.0, 0.75, 0.75), 2_050,
                lambda y: round(on_year(PARANZA_GUIDES, y, 0.02)),
                members=0.6, local=0.9, ages=(0.35, 0.45, 0.15, 0.05, 0), unemployed=0.4,
                resource=CATACOMBS, since=2008),
            Positions("Accoglienza e biglietteria", ContractType.FIXED_TERM, (0.75, 0.5), 1_950,
                lambda y: round(on_year(PARANZA_DESK, y, 0.02)),
                members=0.4, local=0.9, ages=(0.45, 0.4, 0.1, 0.05, 0), unemployed=0.5,
                resource=CATACOMBS, since=2016),
            Positions("Custode del Cimitero delle Fontanelle", ContractType.FIXED_TERM, (1.0, 0.75),
                2_000, lambda y: 0 if y < 2023 else 4, members=0.3, local=0.95, unemployed=0.5,
                project="Cimitero delle Fontanelle", since=2023),
            Positions("Manutenzione e custodia", ContractType.PERMANENT, (1.0,), 2_150, lambda y: 3,
                members=0.5, local=0.9, ages=(0, 0.3, 0.4, 0.3, 0), resource=CATACOMBS, since=2010),
            Positions("Amministrazione e progetti", ContractType.PERMANENT, (1.0, 0.75), 2_500,
                lambda y: 3, members=0.7, local=0.7, ages=(0, 0.4, 0.5, 0.1, 0), since=2009),
        ],
        volunteering=[
            Volunteering("Accoglienza dei visitatori al Cimitero delle Fontanelle",
                tuple(range(1, 13)), 3, 3, (3, 3.5, 4), project="Cimitero delle Fontanelle"),
            Volunteering("Cura del sagrato e delle aiuole della Basilica", (3, 5, 9, 11), 1, 6,
                (2, 2.5, 3), resource="Catacombe di San Gaudioso"),
            Volunteering("Aiuto compiti al doposcuola", (1, 2, 3, 4, 5, 10, 11, 12), 4, 2, (2, 2.5),
                project="Doposcuola della Sanità"),
        ],
        fee=0,
        volunteers=14,
        reinvestment_percent=50,
        remote=("063060", "063023", "063059", ROMA),
    ),
    "post-modernissimo": Plan(
        takings=[
            Takings("Biglietti della sala grande", "ingressi", "services",
                lambda y: round(modernissimo_admissions(y) * 0.78),
                lambda y: 6.4 + 0.15 * (y - 2021), SEASON_CINEMA, resource=CINEMA,
                service="Proiezione in sala grande", vat=10),
            Takings("Biglietti della sala 2", "ingressi", "services",
                lambda y: modernissimo_admissions(y) - round(modernissimo_admissions(y) * 0.78),
                lambda y: 6.0 + 0.15 * (y - 2021), SEASON_CINEMA, resource=CINEMA,
                service="Proiezione in sala 2", vat=10),
            Takings("Bar del cinema", "scontrini", "products",
                lambda y: round(modernissimo_admissions(y) * 0.3), lambda y: 3.2, SEASON_CINEMA,
                resource=CINEMA, vat=10, weekly=False),
        ],
        parties=[
            Party("Distribuzione Film Aurora S.r.l.", "supplier", ROMA, "suppliers", 1, 0.30,
                vat=10, label="Noleggio dei film (quota sugli incassi)"),
            Party("Cineteca Indipendente soc. coop.", "supplier", BOLOGNA, "suppliers", 1, 0.14,
                vat=10, label="Noleggio di film d'essai e rassegne"),
            Party("SIAE", "supplier", ROMA, "suppliers", 3, 0.04, label="Diritti d'autore"),
            Party("Immobiliare del Carmine S.r.l.", "supplier", PERUGIA, "rent", 1, 0.16, vat=0,
                label="Canone di locazione del cinema"),
            Party("Energia Italia S.p.A.", "supplier", MILANO, "rent", 1, 0.09,
                label="Energia elettrica e riscaldamento"),
            Party("Cinetecnica Umbra s.n.c.", "supplier", PERUGIA, "maintenance", 3, 0.07,
                label="Assistenza ai proiettori digitali"),
            Party("Forniture Bar Perugia S.r.l.", "supplier", PERUGIA, "suppliers", 1, 0.09, vat=10,
                label="Bevande e snack per il bar"),
            Party("Mutua Assicurazioni S.p.A.", "supplier", MILANO, "insurance", 12, 0.04, vat=0,
                label="Polizza RC e incendio"),
            Party("Agenzia delle Entrate", "funder", ROMA, "taxes", 3, 0.07, vat=0,
                label="Imposte (F24)"),
            Party("Ministero della Cultura, Direzione generale Cinema", "funder", ROMA, "grants",
                amount=lambda y: 38_000 if y in (2020, 2021) else 14_000, vat=0,
                label="Contributo alle sale d'essai", months=(7,)),
            Party("Regione Umbria", "funder", PERUGIA, "grants", amount=lambda y: 9_000, vat=0,
                label="Contributo per le attività con le scuole", months=(11,)),
            Party("Spettatori sostenitori", "customer", "", "donations", amount=lambda y: 3_500,
                vat=0, label="Donazioni per la programmazione", months=(3, 12)),
        ],
        positions=[
            Positions("Direzione e programmazione", ContractType.PERMANENT, (1.0,), 2_600,
                lambda y: 1, members=1.0, local=0.9, ages=(0, 0.2, 0.6, 0.2, 0), resource=CINEMA,
                since=2014),
            Positions("Proiezionista", ContractType.PERMANENT, (1.0, 0.75), 2_200, lambda y: 2,
                members=0.5, local=0.8, resource=CINEMA, since=2014),
            Positions("Cassa e accoglienza in sala", ContractType.PERMANENT, (0.5,), 1_900,
                lambda y: 2 if y <= 2021 else 3, members=0.3, local=0.85,
                ages=(0.4, 0.4, 0.2, 0, 0), resource=CINEMA, since=2015),
            Positions("Comunicazione e rapporti con le scuole", ContractType.FIXED_TERM, (0.5,),
                2_000, lambda y: 1, members=0.5, local=0.8, ages=(0.2, 0.6, 0.2, 0, 0), since=2018),
        ],
        volunteering=[
            Volunteering("Accoglienza in sala nelle serate dei soci", tuple(range(1, 13)), 3, 2,
                (3, 3.5, 4), resource=CINEMA),
            Volunteering("Presentazione dei film alle classi", (1, 2, 3, 4, 5, 10, 11, 12), 2, 1,
                (2, 3), project="Proiezioni per le scuole", resource=CINEMA),
        ],
        fee=10,
        volunteers=12,
        reinvestment_percent=40,
        loss_year=2021,
        remote=("054015", "054001", "054002", ROMA),
    ),
    "brigi": Plan(
        takings=[
            Takings("Percorsi del Parco Avventura", "ingressi", "services", grows(5_200, 0.04),
                lambda y: 15.5 + 0.4 * (y - 2021), SEASON_PARK, resource=PARK,
                service="Percorso al Parco Avventura", project="Parco Avventura", vat=22),
            Takings("Pernottamenti al rifugio", "notti", "services", grows(2_500, 0.05),
                lambda y: 27 + 0.5 * (y - 2021), SEASON_REFUGE, resource=REFUGE,
                service="Pernottamento al rifugio", project="Rifugio escursionistico", vat=10),
            Takings("Ristoro del rifugio", "coperti", "services", grows(5_800, 0.04),
                lambda y: 21.0, SEASON_REFUGE, resource=REFUGE, project="Rifugio escursionistico",
                vat=10),
        ],
        parties=[
            Party("Comune di Mendatica", "funder", MENDATICA, "rent", 12, 0.06, vat=0,
                label="Canoni di concessione del rifugio e del parco"),
            Party("Alimentari Lanteri s.n.c.", "supplier", MENDATICA, "suppliers", 1, 0.20, vat=10,
                label="Alimentari per il ristoro"),
            Party("Azienda agricola Ardissone", "supplier", MENDATICA, "suppliers", 1, 0.08, vat=10,
                label="Formaggi e prodotti della cucina bianca"),
            Party("Ingrosso Alimentare Imperiese S.r.l.", "supplier", "008031", "suppliers", 1,
                0.14, vat=10, label="Forniture all'ingrosso"),
            Party("Verticale Attrezzature S.r.l.", "supplier", "016024", "maintenance", 12, 0.12,
                label="Imbraghi, moschettoni e verifica dei percorsi"),
            Party("Legnami della Valle Arroscia", "supplier", "008042", "maintenance", 3, 0.08,
                label="Legname e manutenzione delle piattaforme"),
            Party("Gas e Luce Liguria S.p.A.", "supplier", "010025", "rent", 1, 0.12,
                label="Energia e gas del rifugio"),
            Party("Mutua Assicurazioni S.p.A.", "supplier", MILANO, "insurance", 12, 0.10, vat=0,
                label="Polizza RC del Parco Avventura"),
            Party("Agenzia delle Entrate", "funder", ROMA, "taxes", 3, 0.10, vat=0,
                label="Imposte (F24)"),
            Party("Pro Loco di Mendatica", "customer", MENDATICA, "services",
                amount=lambda y: 6_000, vat=22, label="Gestione del centro escursionistico",
                months=(6, 9)),
            Party("Regione Liguria", "funder", "010025", "grants",
                amount=lambda y: 12_000 if y % 2 else 0, vat=0,
                label="Contributo per l'outdoor nell'entroterra", months=(10,)),
            Party("Escursionisti e amici del rifugio", "customer", "", "donations",
                amount=lambda y: 1_200, vat=0, label="Donazioni per la segnaletica", months=(8,)),
        ],
        positions=[
            Positions("Responsabile del rifugio", ContractType.PERMANENT, (1.0,), 2_300,
                lambda y: 1, members=1.0, local=1.0, ages=(0, 0.3, 0.6, 0.1, 0), resource=REFUGE,
                since=2016),
            Positions("Cuoca del rifugio", ContractType.PERMANENT, (0.75,), 2_000, lambda y: 1,
                members=0.5, local=0.8, ages=(0, 0.2, 0.4, 0.4, 0), resource=REFUGE, since=2016),
            Positions("Accoglienza e amministrazione", ContractType.PERMANENT, (0.5,), 2_000,
                lambda y: 1, members=1.0, local=1.0, since=2017),
            Positions("Istruttore del Parco Avventura", ContractType.SEASONAL, (1.0,), 1_900,
                lambda y: 4 if y <= 2021 else 5, season=(5, 10), members=0.35, local=0.5,
                ages=(0.5, 0.4, 0.1, 0, 0), resource=PARK),
            Positions("Sala e cucina del rifugio", ContractType.SEASONAL, (0.75,), 1_800,
                lambda y: 3 if y <= 2021 else 4, season=(6, 10), members=0.2, local=0.5,
                ages=(0.6, 0.3, 0.1, 0, 0), resource=REFUGE),
            Positions("Manutenzione di percorsi e sentieri", ContractType.SEASONAL, (0.5,), 1_900,
                lambda y: 2, season=(4, 11), members=0.3, local=0.8, ages=(0.1, 0.3, 0.3, 0.3, 0),
                resource=PARK),
            Positions("Guida escursionistica", ContractType.COLLABORATION, (0.3,), 2_200,
                lambda y: 4, season=(6, 10), local=0.4, ages=(0.2, 0.4, 0.3, 0.1, 0)),
            Positions("Comunicazione e sito", ContractType.COLLABORATION, (0.2,), 2_000,
                lambda y: 1, local=0.3, since=2018),
            Positions("Educatrice dei campi estivi", ContractType.COLLABORATION, (0.5,), 1_900,
                lambda y: 1, season=(7, 9), local=0.6, ages=(0.3, 0.6, 0.1, 0, 0), resource=PARK),
        ],
        volunteering=[
            Volunteering("Pulizia e segnaletica dei sentieri con la Pro Loco",
                (4, 5, 6, 7, 8, 9, 10), 1, 4, (4, 5, 6), project="Centro escursionistico",
                resource=REFUGE),
            Volunteering("Apertura di stagione del Parco Avventura", (4,), 3, 5, (5, 6, 8),
                resource=PARK),
        ],
        fee=30,
        volunteers=9,
        reinvestment_percent=35,
        remote=("008037", "008046", "008042", "008031"),
    ),
    "anversiamo": Plan(
        takings=[
            Takings("Incassi della bottega", "scontrini", "products", grows(9_500, 0.03),
                lambda y: 11.5 + 0.3 * (y - 2021), SEASON_VILLAGE, resource=SHOP,
                project="Bottega, emporio e bar", vat=10),
            Takings("Incassi del bar", "scontrini", "services", grows(19_000, 0.03),
                lambda y: 2.4 + 0.05 * (y - 2021), SEASON_VILLAGE, resource=BAR,
                project="Bottega, emporio e bar", vat=10),
            Takings("Olio degli oliveti", "litri", "products", grows(800, 0.08), lambda y: 12.0,
                SEASON_OIL, resource=OLIVES, service="Olio extravergine degli oliveti",
                project="Recupero degli oliveti", vat=4, weekly=False),
            Takings("Spesa consegnata a casa", "consegne", "services", grows(450, 0.05),
                lambda y: 2.5, SEASON_EVEN, resource=SHOP, service="Spesa consegnata a casa",
                vat=22, weekly=False),
            Takings("Escursioni nelle Gole del Sagittario", "partecipanti", "services",
                grows(420, 0.1), lambda y: 15.0, SEASON_TOURS, project="Turismo sostenibile",
                vat=22, weekly=False),
        ],
        parties=[
            Party("Ingrosso Alimentari Peligna S.r.l.", "supplier", "066098", "suppliers", 1, 0.42,
                vat=10, label="Merce per la bottega"),
            Party("Forno di Anversa", "supplier", ANVERSA, "suppliers", 1, 0.10, vat=4,
                label="Pane e dolci"),
            Party("Caseificio della Valle del Sagittario", "supplier", "066093", "suppliers", 1,
                0.08, vat=4, label="Latticini e formaggi"),
            Party("Torrefazione Abruzzese S.r.l.", "supplier", "068028", "suppliers", 3, 0.08,
                vat=10, label="Caffè e forniture per il bar"),
            Party("Frantoio di Cocullo", "supplier", "066037", "maintenance", 12, 0.06,
                label="Molitura delle olive"),
            Party("Energia Italia S.p.A.", "supplier", MILANO, "rent", 1, 0.12,
                label="Energia elettrica della bottega e del bar"),
            Party("Mutua Assicurazioni S.p.A.", "supplier", MILANO, "insurance", 12, 0.05, vat=0,
                label="Polizza RC e incendio"),
            Party("Agenzia delle Entrate", "funder", ROMA, "taxes", 3, 0.09, vat=0,
                label="Imposte (F24)"),
            Party("Comune di Anversa degli Abruzzi", "customer", ANVERSA, "services",
                amount=lambda y: 22_800, vat=22, label="Pulizia delle strade del paese",
                months=tuple(range(1, 13))),
            Party("Regione Abruzzo", "funder", "066049", "grants",
                amount=lambda y: 15_000 if y % 3 == 0 else 4_000, vat=0,
                label="Contributo per le aree interne", months=(10,)),
            Party("Amici di Anversa", "customer", "", "donations", amount=lambda y: 1_500, vat=0,
                label="Donazioni per gli oliveti", months=(12,), project="Recupero degli oliveti"),
        ],
        positions=[
            Positions("Commessa della bottega", ContractType.PERMANENT, (1.0, 0.5), 1_950,
                lambda y: 2, members=0.8, local=1.0, ages=(0.1, 0.3, 0.4, 0.2, 0), resource=SHOP,
                since=2018),
            Positions("Barista", ContractType.PERMANENT, (0.75,), 1_900, lambda y: 1, members=0.8,
                local=1.0, resource=BAR, since=2018),
            Positions("Barista per l'estate", ContractType.SEASONAL, (0.5,), 1_800, lambda y: 1,
                season=(6, 10), local=0.7, ages=(0.7, 0.3, 0, 0, 0), resource=BAR),
            Positions("Pulizia delle strade", ContractType.FIXED_TERM, (0.5,), 1_900, lambda y: 1,
                members=0.5, local=1.0, ages=(0, 0.2, 0.4, 0.4, 0), unemployed=0.6, since=2019),
            Positions("Guida nelle Gole del Sagittario", ContractType.COLLABORATION, (0.2,), 2_000,
                lambda y: 1, season=(4, 11), local=0.3, ages=(0.2, 0.6, 0.2, 0, 0),
                project="Turismo sostenibile"),
        ],
        volunteering=[
            Volunteering("Raccolta delle olive", (10, 11), 3, 5, (4, 5, 6),
                project="Recupero degli oliveti", resource=OLIVES),
            Volunteering("Potatura degli olivi", (2, 3), 2, 4, (4, 5),
                project="Recupero degli oliveti", resource=OLIVES),
            Volunteering("Festa d'estate al bar", (8,), 2, 6, (4, 5, 6), resource=BAR),
        ],
        fee=20,
        volunteers=12,
        reinvestment_percent=45,
        remote=("066098", "066093", "066037", "066049"),
    ),
    "ri-maflow": Plan(
        takings=[
            Takings("Riparazioni del laboratorio", "riparazioni", "services", grows(1_400, 0.04),
                lambda y: 34.0, SEASON_EVEN, resource=FACTORY,
                service="Riparazione di una bicicletta", project="Riparazione e riciclo", vat=22),
            Takings("Mercato dell'usato", "oggetti", "products", grows(6_000, 0.05), lambda y: 12.0,
                SEASON_EVEN, resource=FACTORY, service="Mercato dell'usato: oggetto rigenerato",
                project="Mercato dell'usato", vat=22),
            Takings("Acquisti solidali", "ordini", "products", grows(2_300, 0.04), lambda y: 26.0,
                SEASON_EVEN, resource=FACTORY, project="Mercato dell'usato", vat=10, weekly=False),
            Takings("Bar della fabbrica", "scontrini", "services", grows(11_000, 0.03),
                lambda y: 3.0, SEASON_EVEN, resource=FACTORY, vat=10, weekly=False),
        ],
        parties=[
            Party("Recuperi Metalli Lombardia S.r.l.", "customer", "015189", "products",
                amount=lambda y: 14_000, vat=22, label="Materiali recuperati dai RAEE",
                months=(3, 6, 9, 12)),
            Party("Artigiani del coworking", "customer", TREZZANO, "services",
                amount=lambda y: 16_800, vat=22, label="Postazioni e laboratori in coworking",
                months=tuple(range(1, 13)), resource=FACTORY, project="Coworking"),
            Party("Fondazione Cariplo", "funder", MILANO, "grants",
                amount=lambda y: 25_000 if y % 2 == 0 else 0, vat=0,
                label="Contributo per l'economia circolare", months=(5,)),
            Party("Sostenitori della fabbrica", "customer", "", "donations", amount=lambda y: 4_000,
                vat=0, label="Donazioni e sottoscrizioni", months=(6, 12)),
            Party("Ricambi Elettronici Milano S.r.l.", "supplier", MILANO, "suppliers", 1, 0.18,
                label="Ricambi per le riparazioni"),
            Party("Ciclofficina Ricambi Corsico", "supplier", "015093", "suppliers", 1, 0.08,
                label="Ricambi per biciclette"),
            Party("Produttori di Fuorimercato", "supplier", "", "suppliers", 1, 0.24, vat=10,
                label="Prodotti per gli acquisti solidali"),
            Party("Bevande Trezzano s.n.c.", "supplier", TREZZANO, "suppliers", 1, 0.08, vat=10,
                label="Bevande per il bar"),
            Party("Energia Italia S.p.A.", "supplier", MILANO, "rent", 1, 0.18,
                label="Energia elettrica del capannone"),
            Party("Mutua Assicurazioni S.p.A.", "supplier", MILANO, "insurance", 12, 0.08, vat=0,
                label="Polizza RC e incendio"),
            Party("Edilizia Naviglio S.r.l.", "supplier", "015074", "maintenance", 3, 0.08,
                label="Lavori sul capannone"),
            Party("Agenzia delle Entrate", "funder", ROMA, "taxes", 3, 0.08, vat=0,
                label="Imposte (F24)"),
        ],
        positions=[
            Positions("Riparatore nel laboratorio", ContractType.PERMANENT, (0.75, 0.5), 1_750,
                lambda y: 5, members=0.9, local=0.4, ages=(0, 0.1, 0.3, 0.6, 0), unemployed=0.8,
                resource=FACTORY, project="Riparazione e riciclo", since=2013),
            Positions("Mercato e magazzino", ContractType.PERMANENT, (0.6, 0.5), 1_700,
                lambda y: 4 if y <= 2022 else 5, members=0.8, local=0.4,
                ages=(0.1, 0.2, 0.3, 0.4, 0), unemployed=0.6, resource=FACTORY,
                project="Mercato dell'usato", since=2013),
            Positions("Bar della fabbrica", ContractType.PERMANENT, (0.5,), 1_700, lambda y: 2,
                members=0.6, local=0.5, resource=FACTORY, since=2015),
            Positions("Coordinamento e amministrazione", ContractType.PERMANENT, (0.8,), 1_900,
                lambda y: 1, members=1.0, local=0.5, ages=(0, 0.2, 0.5, 0.3, 0), since=2013),
        ],
        volunteering=[
            Volunteering("Repair café del sabato", tuple(range(1, 13)), 2, 3, (3, 4, 5),
                project="Riparazione e riciclo", resource=FACTORY),
            Volunteering("Smistamento al mercato dell'usato", tuple(range(1, 13)), 1, 3, (3, 4),
                project="Mercato dell'usato", resource=FACTORY),
        ],
        fee=20,
        volunteers=12,
        reinvestment_percent=40,
        remote=("015093", "015074", "015097", MILANO),
    ),
}
# fmt: on

# The one reinvestment cycle: the cooperative, the projects it may go to (title prefixes, by
# preference) and the local supplier paid with it.
EARMARK_AT = (
    "la-paranza",
    ("Doposcuola della Sanità", "Cimitero delle Fontanelle"),
    "Falegnameria del Rione s.n.c.",
)
EARMARK_SPENDING = (
    ("Arredi e lavagne per l'aula", "suppliers", Decimal("0.28")),
    ("Materiali per i laboratori d'arte", "suppliers", Decimal("0.17")),
    ("Piccoli lavori di adeguamento dei locali", "maintenance", Decimal("0.14")),
)
RISTORNI_AT = "brigi"  # on work: the worker members' full-time-equivalent days
RISTORNI_SHARE = Decimal("0.30")  # of what the reserves leave


# --- helpers --------------------------------------------------------------------------------------


def demo_years(today: date) -> list[int]:
    """The five full years before ``today``."""
    return list(range(today.year - YEARS, today.year))


def _money(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def _vat(amount: Decimal, rate: int) -> Decimal:
    if not rate:
        return Decimal("0.00")
    return (amount * rate / (100 + rate)).quantize(CENT)


def _months(year: int) -> Iterator[tuple[int, date]]:
    """(month, its last day): when a small stream's takings are banked."""
    for month in range(1, 13):
        yield month, date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)


def _weeks(year: int) -> Iterator[tuple[int, date]]:
    """(number of the week in the year, the day its takings are banked: its Sunday, or the
    31st of December for the last days of the year)."""
    day = date(year, 1, 1)
    day += timedelta(days=6 - day.weekday())  # the first Sunday
    number = 0
    while day.year == year:
        number += 1
        yield number, day
        day += timedelta(days=7)
    if date(year, 12, 31).weekday() != 6:
        yield number + 1, date(year, 12, 31)


def _spread(total: int, weights: list[float], rng: random.Random) -> list[int]:
    """``total`` split over ``weights`` with some noise, adding up exactly."""
    noisy = [w * rng.uniform(0.85, 1.15) for w in weights]
    scale = sum(noisy)
    if total <= 0 or scale <= 0:
        return [0] * len(weights)
    parts = [int(total * w / scale) for w in noisy]
    order = sorted(range(len(weights)), key=lambda i: -(total * noisy[i] / scale - parts[i]))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _age_band(birth: date | None, on: date, rng: random.Random, weights) -> str:
    if birth is None:
        return rng.choices(AgeBand.values, weights)[0]
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    for limit, band in ((25, AgeBand.UNDER_25), (35, AgeBand.FROM_25), (50, AgeBand.FROM_35)):
        if age < limit:
            return band
    return AgeBand.FROM_50 if age < 65 else AgeBand.OVER_65


def _running(project: Project | None, day: date) -> bool:
    return (
        project is not None
        and project.start_on is not None
        and project.start_on <= day
        and (project.end_on is None or day <= project.end_on)
    )


@dataclass
class Person:
    name: str
    member_id: int | None
    municipality_id: str | None
    lives: bool
    birth: date | None


@dataclass
class Written:
    movements: list[Movement] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    wages: list[tuple[Job, date, Decimal, str]] = field(default_factory=list)
    volunteering: list[VolunteerEntry] = field(default_factory=list)


# --- the generator ----------------------------------------------------------------------------


class Economy:
    """Plans a cooperative's five years in memory, then writes them in bulk."""

    def __init__(self, coop: Cooperative, rng: random.Random, today: date, plan: Plan) -> None:
        self.coop, self.rng, self.today, self.plan = coop, rng, today, plan
        self.tz = timezone.get_current_timezone()
        self.years = demo_years(today)
        self.chart = chart_ensure(coop=coop)
        self.territory = set(coop.territory.values_list("pk", flat=True)) or {coop.seat_id}
        self.resources = {r.name: r for r in CommonResource.objects.filter(coop=coop)}
        self.services = {s.name: s for s in Service.objects.filter(coop=coop)}
        self.projects = list(Project.objects.filter(coop=coop).order_by("pk"))
        # The commons' own sales are in the book from the day they start: the year's takings
        # (its visitors, admissions, receipts) are banked in the weeks before.
        first_sale = (
            Sale.objects.filter(coop=coop)
            .order_by("on_date")
            .values_list("on_date", flat=True)
            .first()
        )
        self.takings_until = first_sale or date(self.years[-1] + 1, 1, 1)
        members = (
            Member.objects.filter(coop=coop, kind=MemberKind.PERSON, status=MemberStatus.ACTIVE)
            .exclude(first_name="")
            .order_by("number", "pk")
            .values("pk", "first_name", "last_name", "residence_id", "birth_date", "category__code")
        )
        self.workers = [m for m in members if m["category__code"] == "lavoratore"]
        self.volunteer_members = [m for m in members if m["category__code"] == "volontario"]
        self.others = [m for m in members if m["category__code"] != "lavoratore"]
        self.active_members = len(members)
        self.used_members: set[int] = set()
        self.written = Written()

    # -- links --------------------------------------------------------------------------------

    def project(self, prefix: str) -> Project | None:
        if not prefix:
            return None
        return next((p for p in self.projects if p.title.startswith(prefix)), None)

    def links(self, *, day: date, resource: str = "", service: str = "", project: str = ""):
        found = self.project(project)
        return {
            "resource": self.resources.get(resource),
            "service": self.services.get(service),
            "project": found if _running(found, day) else None,
        }

    def movement(self, day: date, category: str, amount: Decimal, description: str, **links):
        self.written.movements.append(
            Movement(
                coop=self.coop,
                on_date=day,
                direction=self.chart[category].direction,
                amount=amount,
                vat=links.pop("vat", Decimal("0.00")),
                category=self.chart[category],
                description=description[:200],
                reference=links.pop("reference", ""),
                synthetic=True,
                **links,
            )
        )

    # -- counterparties -----------------------------------------------------------------------

    def counterparties(self) -> dict[str, Counterparty]:
        codes = {p.where for p in self.plan.parties if p.where}
        places = Municipality.objects.in_bulk(codes)
        rows = Counterparty.objects.bulk_create(
            Counterparty(
                coop=self.coop,
                name=party.name,
                kind=party.kind,
                municipality=places.get(party.where),
                synthetic=True,
            )
            for party in self.plan.parties
        )
        return {row.name: row for row in rows}

    # -- revenue ------------------------------------------------------------------------------

    def takings(self) -> dict[int, Decimal]:
        totals: dict[int, Decimal] = defaultdict(Decimal)
        for k, stream in enumerate(self.plan.takings, start=1):
            for year in self.years:
                periods = _weeks(year) if stream.weekly else _months(year)
                weeks = [(n, day) for n, day in periods if day < self.takings_until]
                weights = [stream.season[day.month - 1] for _, day in weeks]
                period = "settimana" if stream.weekly else "mese"
                counts = _spread(stream.count(year), weights, self.rng)
                price = stream.price(year)
                for (number, day), count in zip(weeks, counts, strict=True):
                    if count <= 0:
                        continue
                    amount = _money(count * price * self.rng.uniform(0.95, 1.05))
                    totals[year] += amount
                    self.movement(
                        day,
                        stream.category,
                        amount,
                        f"{stream.label}, {period} {number} ({count} {stream.unit})",
                        vat=_vat(amount, stream.vat),
                        reference=f"incassi-{k}-{year}-{period[0]}{number:02d}",
                        **self.links(
                            day=day,
                            resource=stream.resource,
                            service=stream.service,
                            project=stream.project,
                        ),
                    )
        return totals

    def incomes(self, parties: dict[str, Counterparty]) -> dict[int, Decimal]:
        totals: dict[int, Decimal] = defaultdict(Decimal)
        for party in self.plan.parties:
            if party.amount is None:
                continue
            for year in self.years:
                yearly = party.amount(year)
                if yearly <= 0:
                    continue
                for month in party.months:
                    day = date(year, month, self.rng.randint(5, 25))
                    amount = _money(yearly / len(party.months) * self.rng.uniform(0.9, 1.1))
                    totals[year] += amount
                    self.movement(
                        day,
                        party.category,
                        amount,
                        f"{party.label} ({month:02d}/{year})",
                        vat=_vat(amount, party.vat),
                        counterparty=parties[party.name],
                        reference=f"{party.category}-{year}-{month:02d}",
                        **self.links(
                            day=day,
                            resource=party.resource,
                            service=party.service,
                            project=party.project,
                        ),
                    )
        if self.plan.fee and self.active_members:
            for year in self.years:
                amount = _money(self.plan.fee * self.active_members * self.rng.uniform(0.85, 1.0))
                totals[year] += amount
                self.movement(
                    date(year, 3, 31),
                    "fees",
                    amount,
                    f"Quote associative annuali {year}",
                    reference=f"quote-{year}",
                )
        return totals

    # -- jobs and wages ------------------------------------------------------------------------

    def person(self, positions: Positions) -> Person:
        rng = self.rng
        if rng.random() < positions.members:
            # Worker members first, then any member the cooperative employs.
            free = [m for m in self.workers if m["pk"] not in self.used_members] or [
                m for m in self.others if m["pk"] not in self.used_members
            ]
            if free:
                member = free[0]
                self.used_members.add(member["pk"])
                lives = member["residence_id"] in self.territory
                return Person(
                    f"{member['first_name']} {member['last_name']}",
                    member["pk"],
                    member["residence_id"],
                    lives,
                    member["birth_date"],
                )
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if rng.random() < positions.local:
            where = self.coop.seat_id
        else:
            where = rng.choice(self.plan.remote)
        return Person(name, None, where, where in self.territory, None)

    def job(self, positions: Positions, person: Person, start: date, end: date | None) -> Job:
        rng = self.rng
        unemployed = rng.random() < positions.unemployed if positions.unemployed else None
        job = Job(
            coop=self.coop,
            member_id=person.member_id,
            person_name="" if person.member_id else person.name,
            title=positions.title,
            contract=positions.contract,
            fte=Decimal(str(rng.choice(positions.fte))).quantize(CENT),
            start_date=start,
            end_date=end,
            municipality_id=person.municipality_id,
            lives_in_territory=person.lives,
            age_band=_age_band(person.birth, start, rng, positions.ages),
            previously_unemployed=unemployed,
            unemployment_consent_on=start if unemployed is not None else None,
            resource=self.resources.get(positions.resource),
            project=self.project(positions.project),
            synthetic=True,
        )
        self.written.jobs.append(job)
        return job

    def jobs(self) -> None:
        """The positions held each year: about one in ten leaves during a year and someone
        else takes the post the same day; the positions held at the start began in the years
        before."""
        for positions in self.plan.positions:
            if positions.season:
                self.seasonal(positions)
                continue
            held: list[Job] = []
            for year in self.years:
                vacancies: list[date] = []
                for job in list(held):
                    if self.rng.random() < 0.1:
                        job.end_date = date(year, self.rng.randint(2, 12), 1)
                        held.remove(job)
                        vacancies.append(job.end_date)
                target = positions.count(year)
                while len(held) < target:
                    start = vacancies.pop() if vacancies else self.start(positions, year)
                    held.append(self.job(positions, self.person(positions), start, None))
                while len(held) > target:
                    job = held.pop()
                    job.end_date = max(date(year, 1, 1), job.start_date + timedelta(days=31))

    def start(self, positions: Positions, year: int) -> date:
        first = self.years[0]
        since = max(positions.since, self.coop.founded_year or positions.since)
        if year > first or since >= first:
            return date(year, self.rng.randint(1, 9 if year > first else 3), 1)
        return date(self.rng.randint(since, first - 1), self.rng.randint(1, 12), 1)

    def seasonal(self, positions: Positions) -> None:
        """A new job every season; most of the people come back the next year."""
        begin, end = positions.season
        pool: list[Person] = []
        for year in self.years:
            start = date(year, begin, 1)
            people: list[Person] = []
            for person in pool:
                if len(people) < positions.count(year) and self.rng.random() < 0.7:
                    people.append(person)
            while len(people) < positions.count(year):
                person = self.person(positions)
                pool.append(person)
                people.append(person)
            for person in people:
                self.job(positions, person, start, date(year, end, 1))

    def wages(self) -> dict[int, Decimal]:
        """A month's pay per job and month it was held (the days held, the 13th in December),
        on the 27th; collaborators invoice their fee."""
        totals: dict[int, Decimal] = defaultdict(Decimal)
        monthly = {p.title: p.monthly for p in self.plan.positions}
        for job in self.written.jobs:
            for year in self.years:
                for month in range(1, 13):
                    first = date(year, month, 1)
                    after = date(year + (month == 12), month % 12 + 1, 1)
                    start, end = max(first, job.start_date), min(after, job.end_date or after)
                    if end <= start:
                        continue
                    share = Decimal((end - start).days) / Decimal((after - first).days)
                    pay = Decimal(monthly[job.title]) * job.fte * share
                    collab = job.contract == ContractType.COLLABORATION
                    if month == 12 and not collab:
                        pay *= 2  # the tredicesima
                    amount = _money(pay * Decimal(str(round(self.rng.uniform(0.98, 1.02), 3))))
                    totals[year] += amount
                    what = "Compenso" if collab else "Stipendio e contributi"
                    self.written.wages.append((job, date(year, month, PAYDAY), amount, what))
        return totals

    # -- other costs ---------------------------------------------------------------------------

    def costs(self, parties: dict[str, Counterparty], revenue: dict[int, Decimal], wages) -> None:
        """The suppliers' invoices of each year, sized for the year's planned result: a small
        profit, or the loss of a year of closed doors."""
        suppliers = [p for p in self.plan.parties if p.amount is None]
        weight = sum(p.weight for p in suppliers)
        loss_year = self.plan.loss_year
        if loss_year is not None and loss_year not in self.years:
            loss_year = self.years[1]
        for year in self.years:
            margin = -0.04 if year == loss_year else self.rng.uniform(0.015, 0.05)
            income = revenue[year]
            budget = income * Decimal(str(round(1 - margin, 4))) - wages[year]
            budget = max(budget, income * Decimal(str(OTHER_COSTS_FLOOR)))
            invoices: list[Movement] = []
            for party in suppliers:
                months = range(party.every, 13, party.every)
                each = budget * Decimal(str(party.weight / weight)) / len(months)
                for month in months:
                    day = date(year, month, self.rng.randint(3, 26))
                    amount = _money(each * Decimal(str(round(self.rng.uniform(0.85, 1.15), 3))))
                    self.movement(
                        day,
                        party.category,
                        amount,
                        f"{party.label} ({month:02d}/{year})",
                        vat=_vat(amount, party.vat),
                        counterparty=parties[party.name],
                        reference=f"fatt-{year}-{month:02d}-{len(self.written.movements)}",
                    )
                    invoices.append(self.written.movements[-1])
            # The largest invoice of December takes what the noise moved off the plan.
            spent = sum((m.amount for m in invoices), Decimal(0))
            december = [m for m in invoices if m.on_date.month == 12]
            last = max(december, key=lambda m: m.amount)
            rate = next(p.vat for p in suppliers if parties[p.name] == last.counterparty)
            last.amount = _money(max(last.amount + budget - spent, last.amount / 4))
            last.vat = _vat(last.amount, rate)

    # -- volunteering --------------------------------------------------------------------------

    def volunteers(self) -> list[Person]:
        pool = [
            Person(
                f"{m['first_name']} {m['last_name']}",
                m["pk"],
                m["residence_id"],
                m["residence_id"] in self.territory,
                m["birth_date"],
            )
            for m in self.volunteer_members[: self.plan.volunteers]
        ]
        while len(pool) < self.plan.volunteers:
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
            pool.append(Person(name, None, None, True, None))
        return pool

    def volunteering(self) -> None:
        pool = self.volunteers()
        for plan in self.plan.volunteering:
            project = self.project(plan.project)
            resource = self.resources.get(plan.resource)
            for year in self.years:
                for month in plan.months:
                    for _ in range(plan.sessions):
                        day = date(year, month, self.rng.randint(1, 28))
                        running = _running(project, day)
                        if plan.project and not running and resource is None:
                            continue  # the project had not started: nothing to help with
                        for person in self.rng.sample(pool, min(plan.people, len(pool))):
                            self.written.volunteering.append(
                                self.entry(person, plan, day, project if running else None)
                            )
        # A few hours declared in the last weeks, waiting for the staff to confirm them; the
        # member demo login declared some, so its own page shows them.
        recent = [p for p in pool if p.member_id] or pool
        login = (
            Member.objects.filter(coop=self.coop, user__username=f"{self.coop.slug}.socio")
            .values("pk", "first_name", "last_name", "residence_id", "birth_date")
            .first()
        )
        if login:
            name = f"{login['first_name']} {login['last_name']}"
            lives = login["residence_id"] in self.territory
            recent.insert(0, Person(name, login["pk"], login["residence_id"], lives, None))
        activity = self.plan.volunteering[0]
        project = self.project(activity.project)
        for n in range(4):
            day = max(self.today - timedelta(days=3 + 5 * n), date(self.today.year, 1, 1))
            entry = self.entry(
                recent[n % len(recent)], activity, day, project if _running(project, day) else None
            )
            entry.status, entry.confirmed_at = VolunteerStatus.DECLARED, None
            self.written.volunteering.append(entry)

    def entry(self, person: Person, plan: Volunteering, day: date, project) -> VolunteerEntry:
        return VolunteerEntry(
            coop=self.coop,
            member_id=person.member_id,
            person_name="" if person.member_id else person.name,
            activity=plan.activity,
            on_date=day,
            hours=Decimal(str(self.rng.choice(plan.hours))).quantize(CENT),
            project=project,
            resource=self.resources.get(plan.resource),
            status=VolunteerStatus.CONFIRMED,
            confirmed_at=datetime.combine(day + timedelta(days=2), time(18), tzinfo=self.tz),
            synthetic=True,
        )

    # -- writing -------------------------------------------------------------------------------

    def write(self) -> dict[str, int]:
        parties = self.counterparties()
        revenue = self.takings()
        for year, amount in self.incomes(parties).items():
            revenue[year] += amount
        posted = (  # the commons' sales already in the book
            Movement.objects.filter(coop=self.coop, on_date__year__in=self.years)
            .values_list("on_date__year")
            .annotate(total=Sum("amount"))
            .order_by()
        )
        for year, amount in posted:
            revenue[year] += amount
        self.jobs()
        wages = self.wages()
        self.costs(parties, revenue, wages)
        Job.objects.bulk_create(self.written.jobs)
        staff = self.chart["staff"]
        for job, day, amount, what in self.written.wages:
            self.written.movements.append(
                Movement(
                    coop=self.coop,
                    on_date=day,
                    direction=Direction.EXPENSE,
                    amount=amount,
                    category=staff,
                    description=f"{what} {day.month:02d}/{day.year}: {job.title}",
                    job=job,
                    member_id=job.member_id,
                    reference=f"paga-{day:%Y-%m}",
                    synthetic=True,
                )
            )
        Movement.objects.bulk_create(self.written.movements, batch_size=2000)
        self.volunteering()
        VolunteerEntry.objects.bulk_create(self.written.volunteering, batch_size=2000)
        VolunteerRate.objects.bulk_create(
            [
                VolunteerRate(
                    coop=self.coop,
                    valid_from=date(self.years[0], 1, 1),
                    hourly_value=Decimal("16.40"),
                    source=VOLUNTEER_RATE_SOURCE,
                ),
                VolunteerRate(
                    coop=self.coop,
                    valid_from=date(self.years[-2], 1, 1),
                    hourly_value=Decimal("17.60"),
                    source=VOLUNTEER_RATE_SOURCE + " (tabelle del rinnovo del contratto)",
                ),
            ]
        )
        budget_lines = self.budget()
        return {
            "counterparties": len(parties),
            "movements": len(self.written.movements),
            "jobs": len(self.written.jobs),
            "volunteer_entries": len(self.written.volunteering),
            "budget_lines": budget_lines,
        }

    def budget(self) -> int:
        """The budget of the last year, as the board planned it before the year: near what
        happened, rounded to the hundred euros."""
        year = self.years[-1]
        actual = (
            Movement.objects.filter(coop=self.coop, on_date__year=year, synthetic=True)
            .values_list("category_id", "resource_id")
            .annotate(total=Sum("amount"))
            .order_by("category_id", "resource_id")
        )
        overall: dict[int, Decimal] = defaultdict(Decimal)
        lines: list[BudgetLine] = []
        for category_id, resource_id, total in actual:
            overall[category_id] += total
            if resource_id is not None:
                lines.append(self.budget_line(year, category_id, total, resource_id=resource_id))
        lines += [self.budget_line(year, c, total) for c, total in sorted(overall.items())]
        BudgetLine.objects.bulk_create(lines)
        return len(lines)

    def budget_line(self, year: int, category_id: int, total: Decimal, **subject) -> BudgetLine:
        planned = (total * Decimal(str(round(self.rng.uniform(0.92, 1.08), 3)))).quantize(
            Decimal("100"), rounding=ROUND_FLOOR
        )
        return BudgetLine(
            coop=self.coop, year=year, category_id=category_id, amount=max(planned, 0), **subject
        )


# --- closings and the fund ----------------------------------------------------------------------


def _annual_motion(coop: Cooperative) -> tuple[Motion | None, int | None]:
    """The demo assembly's motion approving the accounts, and the year it approves."""
    motion = (
        Motion.objects.filter(
            assembly__coop=coop,
            assembly__synthetic=True,
            assembly__kind="ordinary",
            title__startswith="Approvazione del bilancio",
        )
        .select_related("assembly")
        .order_by("-assembly__first_call_at")
        .first()
    )
    if motion is None or motion.assembly.held_at is None:
        return None, None
    return motion, held_on(motion.assembly).year - 1


def _assembly_day(year: int) -> date:
    """When the annual assembly of ``year`` met (the day after the last Tuesday of April, at
    second call, as the demo's assemblies do)."""
    return _last_tuesday_of_april(year) + timedelta(days=1)


def closings(coop: Cooperative, plan: Plan, years: list[int]) -> dict[str, int]:
    """Close the five years: prepared from the cash book, allocated (30% legal reserve, 3%
    fondi mutualistici, a share of the rest to the reinvestment fund), ristorni at one
    cooperative, proposed; approved by the demo assembly's motion for the year it approves,
    and for earlier years as the assemblies before the demo did."""
    motion, motion_year = _annual_motion(coop)
    counts = {"approved": 0, "proposed": 0, "ristorni": 0}
    for year in years:
        closing = closing_services.closing_prepare(
            actor=None,
            coop=coop,
            year=year,
            result_source="cash_book",
            notes=SYNTHETIC_NOTE,
            synthetic=True,
        )
        ristorni = Decimal(0)
        if closing.result > 0:
            if coop.slug == RISTORNI_AT and year == years[-1]:
                left = closing.result * Decimal("0.67")
                ristorni = (left * RISTORNI_SHARE).quantize(Decimal("1"), rounding=ROUND_FLOOR)
            closing_services.closing_allocate(
                actor=None,
                closing=closing,
                legal_reserve_percent=LEGAL_RESERVE_PERCENT,
                ristorni=ristorni,
                dividends=Decimal(0),
                reinvestment_percent=Decimal(plan.reinvestment_percent),
            )
            if ristorni:
                closing_services.ristorni_compute(actor=None, closing=closing, basis="work")
                counts["ristorni"] += 1
        closing = closing_services.closing_propose(actor=None, closing=closing)
        if year == motion_year and closing_services.approval_problem(closing, motion) is None:
            closing_services.closing_approve(actor=None, closing=closing, motion=motion)
        elif year < (motion_year or years[-1]):
            _approve_before_the_demo(closing)
        else:  # the assembly that will approve it is still to come
            counts["proposed"] += 1
            continue
        counts["approved"] += 1
    return counts


def _approve_before_the_demo(closing: Closing) -> None:
    """A year the assembly approved before the demo's time: no motion of it is in the demo, so
    the closing records the day that assembly met."""
    approved_on = _assembly_day(closing.year + 1)
    Closing.objects.filter(pk=closing.pk).update(
        status=ClosingStatus.APPROVED, approved_on=approved_on
    )
    audit_record(
        actor=None,
        action="closing.approve",
        obj=closing,
        coop=closing.coop,
        before={"status": ClosingStatus.PROPOSED},
        after={
            "status": ClosingStatus.APPROVED,
            "approved_on": str(approved_on),
            "motion": None,
            "synthetic": True,
        },
    )


def reinvestment(coop: Cooperative, today: date) -> dict[str, int]:
    """One cycle of the fund: the board earmarks part of it for a project and spends part of
    that, this year (the years closed are frozen)."""
    slug, titles, supplier_name = EARMARK_AT
    if coop.slug != slug:
        return {}
    projects = list(Project.objects.filter(coop=coop).order_by("pk"))
    project = next(
        (p for t in titles for p in projects if p.title.startswith(t)),
        next((p for p in projects if p.status == "running"), None),
    )
    available = fund_selectors.fund_available(coop=coop)
    if project is None or available < 1000:
        return {}
    last_approval = (
        Closing.objects.filter(coop=coop, status=ClosingStatus.APPROVED)
        .order_by("-approved_on")
        .values_list("approved_on", flat=True)
        .first()
    )
    start = max(date(today.year, 1, 1), (last_approval or today) + timedelta(days=21))
    on_date = min(start, today)
    amount = (available * Decimal("0.7")).quantize(Decimal("100"), rounding=ROUND_FLOOR)
    earmark = fund_services.earmark_create(
        actor=None,
        coop=coop,
        amount=amount,
        project=project,
        purpose=f"{project.title[:120]}: avvio e attrezzature",
        on_date=on_date,
        source="board",
        decision_reference=(
            f"Verbale del consiglio di amministrazione del {on_date:%d/%m/%Y} (sintetico)"
        ),
        synthetic=True,
    )
    chart = chart_ensure(coop=coop)
    supplier = Counterparty.objects.filter(coop=coop, name=supplier_name).first()
    days = max((today - on_date).days, 0)
    spending = [
        Movement(
            coop=coop,
            on_date=on_date + timedelta(days=round(days * (n + 1) / (len(EARMARK_SPENDING) + 1))),
            direction=Direction.EXPENSE,
            amount=(amount * share).quantize(CENT),
            vat=_vat((amount * share).quantize(CENT), 22),
            category=chart[category],
            description=what,
            counterparty=supplier,
            project=project,
            earmark=earmark,
            reference=f"fondo-{earmark.pk}-{n + 1}",
            synthetic=True,
        )
        for n, (what, category, share) in enumerate(EARMARK_SPENDING)
    ]
    Movement.objects.bulk_create(spending)
    return {"earmarks": 1, "earmark_spending": len(spending)}


# --- the step -------------------------------------------------------------------------------------


@transaction.atomic
def economy_generate(coop: Cooperative, rng: random.Random, today: date | None = None) -> dict:
    """The cooperative's five synthetic years, closings and fund cycle (once); returns what
    was written."""
    today = today or timezone.localdate()
    plan = PLANS.get(coop.slug)
    postal_bond_rates_load()  # the closings' dividend cap needs them
    with quiet():  # synthetic members have nobody to tell
        posted = sales_post_pending(coop=coop)  # the commons' sales, before any year closes
        if plan is None or Counterparty.objects.filter(coop=coop, synthetic=True).exists():
            return {"sales_posted": posted} if posted else {}
        economy = Economy(coop, rng, today, plan)
        written = economy.write()
        written.update(closings(coop, plan, economy.years))
        written.update(reinvestment(coop, today))
    written["sales_posted"] = posted
    audit_record(
        actor=None,
        action="economy.synthetic",
        obj=coop,
        coop=coop,
        after={**written, "years": f"{economy.years[0]}-{economy.years[-1]}", "synthetic": True},
    )
    return written
