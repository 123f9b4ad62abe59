"""The common resources of each case-study cooperative (issue 4, point 8).

The resources themselves are public facts (the Modernissimo's two screens of 159 and 54 seats,
the San Gennaro and San Gaudioso catacombs, the Cà da Cardella refuge and the Parco Avventura,
the Ri-maflow factory, the AnversiAmo shop, bar and olive groves); their owners are the known
ones where public. The legal bases, fees, obligations and history are plausible guesses, all
marked ``synthetic``. Dates are relative to the day of the load, so the dashboard shows
reminders; a cooperative that already has resources is left as it is (loading twice changes
nothing)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from comunitas.commons.models import CommonResource
from comunitas.commons.resources import services
from comunitas.core.audit import audit_record
from comunitas.core.models import Cooperative
from comunitas.core.territory.selectors import municipality_resolve


@dataclass(frozen=True)
class Planned:
    name: str
    kind: str
    owner_kind: str
    owner_name: str
    municipality: str  # 'Name (PR)', resolved through the territory tables
    address: str
    description: str
    right: str  # the kind of legal basis
    granted_by: str
    capacity: int | None = None
    condition: str = "good"
    fee_range: tuple[int, int] = (0, 0)
    years: int | None = 9  # length of the right; None for ownership
    obligations: list[tuple[str, str, int | None]] = field(default_factory=list)
    history: list[str] = field(default_factory=list)


INSURANCE = ("insurance", "Polizza incendio e responsabilità civile", 12)
REPORT = ("reporting", "Relazione annuale al concedente", 12)
UPKEEP = ("maintenance", "Manutenzione ordinaria e verifica impianti", 6)

RESOURCES: dict[str, list[Planned]] = {
    "post-modernissimo": [
        Planned(
            "Cinema Modernissimo",
            "building",
            "private",
            "",
            "Perugia (PG)",
            "Via del Carmine",
            "Cinema storico del centro di Perugia, riaperto dalla cooperativa: sala grande da "
            "159 posti e sala piccola da 54 posti.",
            "lease",
            "Proprietà dell'immobile",
            capacity=213,
            fee_range=(18_000, 30_000),
            years=6,
            obligations=[INSURANCE, UPKEEP, ("other", "Verifica antincendio (CPI)", 12)],
            history=["Riapertura al pubblico dopo i lavori", "Nuovo proiettore digitale in sala 2"],
        )
    ],
    "la-paranza": [
        Planned(
            "Catacombe di San Gennaro",
            "heritage",
            "church",
            "Pontificia Commissione di Archeologia Sacra",
            "Napoli (NA)",
            "Via Capodimonte 13",
            "Catacombe paleocristiane a due livelli, con visite guidate della cooperativa.",
            "concession",
            "Pontificia Commissione di Archeologia Sacra",
            capacity=30,
            years=10,
            obligations=[INSURANCE, REPORT, UPKEEP],
            history=["Nuovo impianto di illuminazione del percorso", "Restauro di un affresco"],
        ),
        Planned(
            "Catacombe di San Gaudioso",
            "heritage",
            "church",
            "Pontificia Commissione di Archeologia Sacra",
            "Napoli (NA)",
            "Piazza Sanità 14, sotto la Basilica di Santa Maria della Sanità",
            "Catacombe sotto la Basilica della Sanità, aperte con visite guidate.",
            "concession",
            "Pontificia Commissione di Archeologia Sacra",
            capacity=25,
            years=10,
            obligations=[INSURANCE, REPORT],
            history=["Messa in sicurezza dell'accesso"],
        ),
    ],
    "brigi": [
        Planned(
            "Rifugio Cà da Cardella",
            "building",
            "municipality",
            "Comune di Mendatica",
            "Mendatica (IM)",
            "Località Cardella",
            "Rifugio escursionistico con posti letto e ristoro.",
            "concession",
            "Comune di Mendatica",
            capacity=24,
            fee_range=(1_000, 3_000),
            years=9,
            obligations=[INSURANCE, REPORT, UPKEEP],
            history=["Sistemazione del tetto", "Nuove brande nel dormitorio"],
        ),
        Planned(
            "Parco Avventura",
            "land",
            "municipality",
            "Comune di Mendatica",
            "Mendatica (IM)",
            "",
            "Percorsi acrobatici tra gli alberi.",
            "concession",
            "Comune di Mendatica",
            capacity=60,
            fee_range=(500, 2_000),
            years=9,
            obligations=[INSURANCE, ("maintenance", "Ispezione annuale dei percorsi", 12)],
            history=["Collaudo dei percorsi"],
        ),
    ],
    "ri-maflow": [
        Planned(
            "Fabbrica recuperata Ri-maflow",
            "building",
            "private",
            "",
            "Trezzano sul Naviglio (MI)",
            "Via Boccaccio",
            "Capannone dell'ex Maflow recuperato dai lavoratori: laboratori artigiani di "
            "riuso e riparazione e il mercato.",
            "comodato",
            "Proprietà dell'immobile",
            capacity=300,
            condition="needs_work",
            years=4,
            obligations=[INSURANCE, UPKEEP],
            history=["Apertura del mercato nel capannone", "Nuovo laboratorio di riparazione"],
        )
    ],
    "anversiamo": [
        Planned(
            "Bottega del paese",
            "building",
            "municipality",
            "Comune di Anversa degli Abruzzi",
            "Anversa degli Abruzzi (AQ)",
            "Centro storico",
            "L'emporio di paese: alimentari e prodotti locali.",
            "pact",
            "Comune di Anversa degli Abruzzi",
            capacity=15,
            years=5,
            obligations=[INSURANCE, REPORT],
            history=["Riapertura della bottega"],
        ),
        Planned(
            "Bar del paese",
            "building",
            "municipality",
            "Comune di Anversa degli Abruzzi",
            "Anversa degli Abruzzi (AQ)",
            "Piazza del paese",
            "Il bar, luogo d'incontro del paese.",
            "lease",
            "Comune di Anversa degli Abruzzi",
            capacity=40,
            fee_range=(1_200, 3_600),
            years=6,
            obligations=[INSURANCE, UPKEEP],
            history=["Nuova macchina del caffè"],
        ),
        Planned(
            "Oliveti",
            "land",
            "private",
            "Proprietari privati del paese",
            "Anversa degli Abruzzi (AQ)",
            "",
            "Oliveti abbandonati recuperati dalla cooperativa.",
            "comodato",
            "Proprietari privati",
            years=10,
            obligations=[("maintenance", "Potatura degli olivi", 12)],
            history=["Prima raccolta delle olive", "Potatura straordinaria"],
        ),
    ],
}


def _fee(rng: random.Random, planned: Planned) -> Decimal:
    low, high = planned.fee_range
    return Decimal(rng.randrange(low, high + 1, 100) if high else 0).quantize(Decimal("0.01"))


@transaction.atomic
def commons_generate(coop: Cooperative, rng: random.Random, today: date | None = None) -> int:
    """Register the cooperative's resources (once); returns how many were written."""
    if CommonResource.objects.filter(coop=coop).exists():
        return 0
    today = today or timezone.localdate()
    plans = RESOURCES.get(coop.slug, [])
    for planned in plans:
        resource = services.resource_create(
            actor=None,
            coop=coop,
            fields={
                "name": planned.name,
                "kind": planned.kind,
                "owner_kind": planned.owner_kind,
                "owner_name": planned.owner_name,
                "municipality": municipality_resolve(planned.municipality),
                "address": planned.address,
                "capacity": planned.capacity,
                "condition": planned.condition,
                "description": planned.description,
                "is_public": True,
                "synthetic": True,
            },
        )
        # The right began some years ago; one in three ends within the reminders' window.
        start = today - timedelta(days=rng.randrange(365, 365 * 6))
        end = None
        if planned.years:
            end = start + timedelta(days=365 * planned.years)
            if end <= today or rng.random() < 0.34:
                end = today + timedelta(days=rng.randrange(20, 85))
        services.use_right_add(
            actor=None,
            resource=resource,
            fields={
                "kind": planned.right,
                "granted_by": planned.granted_by,
                "reference": f"Atto n. {rng.randrange(10, 400)}/{start.year} (sintetico)",
                "start_on": start,
                "end_on": end,
                "annual_fee": _fee(rng, planned),
                "synthetic": True,
            },
        )
        for kind, description, months in planned.obligations:
            services.obligation_add(
                actor=None,
                resource=resource,
                fields={
                    "kind": kind,
                    "description": description,
                    "due_on": today + timedelta(days=rng.randrange(-15, 200)),
                    "recurring_months": months,
                    "synthetic": True,
                },
            )
        for n, text in enumerate(planned.history):
            services.log_add(
                actor=None,
                resource=resource,
                on_date=start + timedelta(days=60 + 200 * n + rng.randrange(0, 60)),
                text=text,
                synthetic=True,
            )
    if plans:
        audit_record(
            actor=None,
            action="commons.synthetic",
            obj=coop,
            coop=coop,
            after={"resources": len(plans), "synthetic": True},
        )
    return len(plans)
