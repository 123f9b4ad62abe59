"""The five case studies of the 2WEL 3/2021 paper: public facts only, each with its source.

Profile fields (name, seat, founding year, activities) are the public facts of DOMAIN.md §6.
Everything else the demo shows (people, statute values, later members and money) is synthetic
and marked so. Where the source gives no legal form, the one chosen here is an assumption,
recorded as a fact to check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

PAPER = (
    'Bianchi M., "Le Cooperative di comunità", Percorsi di secondo welfare, '
    "Working Paper 2WEL 3/2021"
)
PAPER_URL = "https://www.secondowelfare.it/"
LATER_REPORTS = "Cifre pubbliche successive al working paper (fonte primaria da indicare)"


@dataclass(frozen=True)
class Fact:
    key: str
    label: str
    value: str
    number: Decimal | None = None
    unit: str = ""
    year: int | None = None
    status: str = "fact"  # fact | check
    source: str = PAPER
    source_url: str = PAPER_URL


@dataclass(frozen=True)
class Case:
    slug: str
    name: str
    seat_istat_code: str
    locality: str
    founded_year: int
    legal_form: str
    sector: str
    description: str
    facts: list[Fact] = field(default_factory=list)
    share_nominal_value: Decimal | None = None  # when public


CASES: tuple[Case, ...] = (
    Case(
        slug="anversiamo",
        name="AnversiAmo",
        seat_istat_code="066004",
        locality="",
        founded_year=2018,
        legal_form="coop",
        sector="local_services",
        description=(
            "Ad Anversa degli Abruzzi la cooperativa ha riaperto in locali di proprietà pubblica "
            "l'alimentari, l'emporio e il bar del paese; cura il turismo sostenibile nella "
            "riserva delle Gole del Sagittario, la pulizia delle strade per il Comune e il "
            "recupero degli oliveti abbandonati."
        ),
        facts=[
            Fact("founded", "Anno di fondazione", "2018", Decimal(2018), year=2018),
            Fact("inhabitants", "Abitanti del paese", "circa 340", Decimal(340), "abitanti"),
            Fact(
                "founding_members",
                "Persone che hanno aderito all'avvio",
                "circa 30",
                Decimal(30),
                "persone",
                2018,
                status="check",
            ),
            Fact(
                "activities",
                "Attività",
                "alimentari, emporio e bar; turismo sostenibile nelle Gole del Sagittario; "
                "pulizia delle strade; recupero di oliveti abbandonati",
            ),
        ],
    ),
    Case(
        slug="brigi",
        name="Brigì",
        seat_istat_code="008034",
        locality="",
        founded_year=2015,
        legal_form="coop",
        sector="tourism",
        description=(
            "Nata nel 2015 dalla Pro Loco di Mendatica e attiva dal 2016, gestisce il Parco "
            "Avventura, il rifugio escursionistico Cà da Cardella e, con la Pro Loco, il centro "
            "escursionistico del paese."
        ),
        facts=[
            Fact(
                "founded", "Anno di fondazione (attiva dal 2016)", "2015", Decimal(2015), year=2015
            ),
            Fact("inhabitants", "Abitanti del paese", "circa 150", Decimal(150), "abitanti"),
            Fact("members", "Soci", "13", Decimal(13), "soci"),
            Fact("employees", "Dipendenti", "14", Decimal(14), "persone"),
            Fact("collaborators", "Collaboratori", "6", Decimal(6), "persone"),
            Fact(
                "activities",
                "Attività",
                "Parco Avventura; rifugio Cà da Cardella; centro escursionistico con la Pro Loco",
            ),
        ],
    ),
    Case(
        slug="la-paranza",
        name="La Paranza",
        seat_istat_code="063049",
        locality="Rione Sanità",
        founded_year=2006,
        legal_form="social_a",
        sector="culture",
        description=(
            "Cooperativa sociale del Rione Sanità di Napoli: dal 2006 apre e gestisce le "
            "catacombe di San Gaudioso e poi di San Gennaro e, dal 2023, il Cimitero delle "
            "Fontanelle, creando lavoro per i giovani del quartiere."
        ),
        facts=[
            Fact("founded", "Anno di fondazione", "2006", Decimal(2006), year=2006),
            Fact(
                "legal_form",
                "Forma giuridica",
                "cooperativa sociale (il tipo A è un'ipotesi della demo)",
                status="check",
            ),
            Fact("visitors_2016", "Visitatori", "80.000", Decimal(80000), "visitatori", 2016),
            Fact("visitors_2019", "Visitatori", "160.000", Decimal(160000), "visitatori", 2019),
            Fact(
                "visitors_2022",
                "Visitatori",
                "200.000",
                Decimal(200000),
                "visitatori",
                2022,
                source=LATER_REPORTS,
                source_url="",
            ),
            Fact("employees_2019", "Dipendenti", "40", Decimal(40), "persone", 2019),
            Fact(
                "fontanelle",
                "Cimitero delle Fontanelle in gestione",
                "dal 2023",
                year=2023,
                source=LATER_REPORTS,
                source_url="",
            ),
        ],
    ),
    Case(
        slug="post-modernissimo",
        name="Post-modernissimo",
        seat_istat_code="054039",
        locality="",
        founded_year=2014,
        legal_form="coop",
        sector="culture",
        description=(
            "Ha riaperto a Perugia lo storico cinema Modernissimo, chiuso dal 2000: due sale da "
            "159 e 54 posti, sostenute da soci, spettatori e da un crowdfunding."
        ),
        share_nominal_value=Decimal("100.00"),
        facts=[
            Fact("founded", "Anno di fondazione", "2014", Decimal(2014), year=2014),
            Fact("screen_1_seats", "Posti della sala grande", "159", Decimal(159), "posti"),
            Fact("screen_2_seats", "Posti della sala piccola", "54", Decimal(54), "posti"),
            Fact("share_value", "Quota sociale", "100 €", Decimal(100), "€"),
            Fact("crowdfunding", "Crowdfunding", "circa 40.000 €", Decimal(40000), "€"),
            Fact(
                "supporters_reopening",
                "Soci e sostenitori alla riapertura",
                "circa 700",
                Decimal(700),
                "persone",
            ),
            Fact(
                "admissions_year", "Ingressi all'anno", "circa 50.000", Decimal(50000), "ingressi"
            ),
        ],
    ),
    Case(
        slug="ri-maflow",
        name="Ri-maflow",
        seat_istat_code="015220",
        locality="",
        founded_year=2013,
        legal_form="coop",
        sector="reuse",
        description=(
            "Nello stabilimento della Maflow, chiuso nel 2012 con 330 licenziamenti, i lavoratori "
            "hanno creato una fabbrica recuperata: riparazione e riciclo di rifiuti elettronici, "
            "mercato dell'usato, acquisti solidali, coworking, bar e laboratori artigiani."
        ),
        facts=[
            Fact("founded", "Anno di fondazione", "2013", Decimal(2013), year=2013),
            Fact(
                "maflow_layoffs",
                "Licenziati alla chiusura della Maflow (2012)",
                "330",
                Decimal(330),
                "persone",
                2012,
            ),
            Fact(
                "headcount",
                "Persone che vi lavorano",
                "le fonti riportano numeri diversi",
                status="check",
            ),
        ],
    ),
)
