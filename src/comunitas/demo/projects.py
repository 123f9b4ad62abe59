"""Needs, proposals and projects of the case-study cooperatives (issue 5, point 7).

The projects follow what each cooperative actually does (DOMAIN.md §6): La Paranza's guided
tours of the catacombs, run by young people of the Rione Sanità, and the Cimitero delle
Fontanelle; AnversiAmo's village shop and bar, olive groves and tourism in the Gole del
Sagittario; Brigì's Parco Avventura and Cà da Cardella refuge; the reopened Modernissimo cinema;
Ri-maflow's repair and recycling, second-hand market and coworking. Every need, support,
proposal, objective, figure and date is synthetic and marked so, except the few measurements
whose note names their public source (La Paranza's visitors).

Needs, statuses, merges, proposals, comments, their supports, the board's decisions and the
projects are written through the services, as people would (residents and members tell needs
online, staff take them down from paper and look at them, the coop's demo admin decides and
manages projects), so the rules, workflows and audit trail hold. The supports of needs, most of
the rows, are written in bulk, one per person with each need's count equal to its rows, as
``need_support`` keeps them. Dates are then moved back to plausible days in the past, in a few
bulk updates. The supporters are the coop's demo logins and a dozen synthetic residents
(``<slug>.residente01``…, created here, with the demo password). The services' e-mails to
followers and to the board are not queued: synthetic people have nobody to be told. A
cooperative that already has needs is left as it is (loading twice changes nothing)."""

from __future__ import annotations

import functools
import random
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import get_hasher, make_password
from django.db import transaction
from django.utils import timezone

from comunitas.commons.models import CommonResource
from comunitas.core.audit import audit_record
from comunitas.core.coops.services import role_grant
from comunitas.core.models import Cooperative, Role, RoleKind
from comunitas.core.notify import quiet
from comunitas.demo.synthetic import FIRST_NAMES, LAST_NAMES, synthetic_step
from comunitas.projects.models import (
    Channel,
    Indicator,
    Need,
    NeedStatus,
    NeedStatusChange,
    NeedSupport,
    Project,
    ProjectStatus,
    Proposal,
    ProposalComment,
    ProposalSupport,
    Urgency,
)
from comunitas.projects.needs import services as needs_services
from comunitas.projects.projects.catalogue import catalogue_load
from comunitas.projects.projects.services import (
    budget_line_add,
    measurement_add,
    milestone_add,
    objective_add,
    project_create,
    project_update_add,
    team_add,
)
from comunitas.projects.proposals import services as proposals_services
from comunitas.projects.proposals.services import Decision

RESIDENTS = 12  # synthetic residents per cooperative, enough to reach a statute's threshold
C, Y, A, E = "children", "young", "adults", "elderly"
When = int | date  # days from today (negative: in the past), or a date


# --- the plans ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class NeedPlan:
    key: str
    title: str
    description: str
    category: str
    ages: tuple[str, ...]
    people: tuple[int, int]
    urgency: str = Urgency.MEDIUM
    locality: str = ""
    # What happens to it besides the projects answering it: "" (stays new), "review",
    # "declined", "met" (after a project answered it) or "dup:<key>" (merged into that need).
    fate: str = ""
    reason: str = ""  # the public reason of a declined or met need


@dataclass(frozen=True)
class ObjectivePlan:
    code: str  # of the shared catalogue
    description: str
    unit: str
    baseline: int | str
    target: int | str
    target_on: When
    reached: float = 0.0  # the share of the way the synthetic measurements have covered by now
    facts: tuple[tuple[date, int, str], ...] = ()  # public figures: (day, value, source note)


@dataclass(frozen=True)
class ProjectPlan:
    title: str
    summary: str
    status: str
    start_on: When
    objectives: tuple[ObjectivePlan, ...]
    milestones: tuple[tuple[str, When, bool], ...]  # (title, due, done)
    budget: tuple[tuple[str, str, int], ...]  # (cost | revenue, item, euros)
    team: tuple[tuple[str, str, bool], ...]  # (role, demo login suffix or "" for a name, volunteer)
    updates: tuple[tuple[When, str], ...]
    needs: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    end_on: When | None = None


@dataclass(frozen=True)
class ProposalPlan:
    title: str
    description: str
    needs: tuple[str, ...]
    outcome: str  # open | board | changes | declined | accepted
    costs: int = 0
    revenues: int = 0
    volunteers: int = 0
    resource: str = ""
    reason: str = ""  # the board's answer
    project: ProjectPlan | None = None  # what an accepted proposal becomes


@dataclass(frozen=True)
class CoopPlan:
    place: str  # "village" or "city": which of the shared needs fit
    localities: tuple[str, ...]
    needs: tuple[NeedPlan, ...]
    projects: tuple[ProjectPlan, ...]  # running before the platform: entered by the board
    proposals: tuple[ProposalPlan, ...]


# Italian methods of the shared indicators (the catalogue's own are in English, for translation).
METHODS = {
    "services-created": "Servizi aperti al pubblico avviati dal progetto e attivi nel periodo.",
    "products-created": "Prodotti che la cooperativa vende per la prima volta grazie al progetto.",
    "jobs-fte": "Somma degli equivalenti a tempo pieno dei posti pagati dal progetto all'ultimo "
    "giorno del periodo.",
    "jobs-young-fte": "Come per i posti di lavoro, contando solo quelli di persone sotto i "
    "30 anni.",
    "revenue": "Entrate dei servizi e delle vendite del progetto nel periodo, dal libro cassa.",
    "users": "Biglietti, prenotazioni e iscrizioni ai servizi del progetto nell'anno.",
    "participants": "Persone diverse che hanno preso parte alle attività, dai registri presenze.",
    "volunteers": "Persone diverse che hanno dato tempo al progetto nel periodo.",
    "volunteer-hours": "Ore di volontariato registrate per il progetto nel periodo.",
    "new-relations": "Quota dei partecipanti intervistati che hanno conosciuto almeno una persona "
    "su cui ora possono contare.",
    "sense-of-community": "Punteggio medio del Sense of Community Index 2 in un'indagine tra i "
    "residenti, prima del progetto e alla data obiettivo.",
    "generalised-trust": "Quota dei residenti intervistati che dicono che ci si può fidare della "
    "maggior parte delle persone.",
}
STEPS = {"jobs-fte": Decimal("0.5"), "jobs-young-fte": Decimal("0.5"), "revenue": Decimal(100)}

COMMENTS = [
    "Ottima idea: posso dare una mano il sabato mattina.",
    "Quanto costerebbe in un anno? Servirebbe una stima più precisa.",
    "D'accordo, ma coinvolgiamo anche la parrocchia e le associazioni.",
    "Mia madre ne avrebbe proprio bisogno.",
    "Si potrebbe chiedere un contributo a una fondazione.",
    "Ci sono già dei volontari? Io ci sto.",
    "Attenzione agli orari: d'estate molti lavorano fino a tardi.",
    "Bella proposta, la sostengo e la faccio girare tra i vicini.",
    "Chi se ne occuperebbe nei mesi invernali?",
]

# Needs many places have; each cooperative gets a few of those fitting it.
SHARED_NEEDS: tuple[tuple[str, NeedPlan], ...] = (
    (
        "any",
        NeedPlan(
            "spid",
            "Aiuto con SPID, fascicolo sanitario e pratiche online",
            "Molti anziani non riescono a prenotare una visita o a scaricare un documento: "
            "servirebbe qualcuno che li aiuti, un giorno a settimana.",
            "digital",
            (E,),
            (20, 120),
        ),
    ),
    (
        "any",
        NeedPlan(
            "visite-mediche",
            "Accompagnamento alle visite mediche",
            "Chi non guida e non ha parenti vicini fatica ad arrivare agli ambulatori e "
            "all'ospedale per visite ed esami.",
            "care",
            (E,),
            (15, 80),
            Urgency.HIGH,
        ),
    ),
    (
        "any",
        NeedPlan(
            "ritrovo-anziani",
            "Un posto di ritrovo per gli anziani",
            "Un locale caldo d'inverno dove giocare a carte, leggere il giornale e stare "
            "insieme il pomeriggio.",
            "culture",
            (E,),
            (20, 90),
        ),
    ),
    (
        "any",
        NeedPlan(
            "orti",
            "Orti condivisi",
            "Ci sono terreni incolti: si potrebbero dividere in orti per chi non ha un pezzo "
            "di terra, con l'acqua e un capanno per gli attrezzi.",
            "environment",
            (A, E),
            (10, 40),
            Urgency.LOW,
        ),
    ),
    (
        "any",
        NeedPlan(
            "estate-ragazzi",
            "Attività estive per i ragazzi",
            "D'estate, finita la scuola, i ragazzi non hanno niente da fare e le famiglie che "
            "lavorano non sanno dove lasciarli.",
            "education",
            (C, Y),
            (15, 80),
        ),
    ),
    (
        "village",
        NeedPlan(
            "bancomat",
            "Uno sportello bancomat in paese",
            "Per prelevare bisogna fare molti chilometri: per gli anziani e per i turisti è un "
            "problema serio.",
            "shops",
            (A, E),
            (50, 200),
        ),
    ),
    (
        "village",
        NeedPlan(
            "neve",
            "Strade interne pulite dalla neve",
            "Dopo le nevicate i vicoli e le strade delle frazioni restano bloccati per giorni.",
            "environment",
            (E, A),
            (30, 150),
            Urgency.HIGH,
        ),
    ),
    (
        "village",
        NeedPlan(
            "medico",
            "Il medico di base più giorni in paese",
            "L'ambulatorio è aperto poche ore a settimana: chi sta male deve aspettare o "
            "scendere a valle.",
            "care",
            (E,),
            (50, 200),
            Urgency.HIGH,
        ),
    ),
    (
        "city",
        NeedPlan(
            "affitti",
            "Affitti troppo alti per i giovani",
            "Con gli affitti brevi per i turisti le case in affitto sono poche e care: i "
            "giovani e le famiglie se ne vanno dal quartiere.",
            "housing",
            (Y, A),
            (100, 500),
            Urgency.HIGH,
        ),
    ),
    (
        "city",
        NeedPlan(
            "studio-sera",
            "Aule studio aperte la sera",
            "Gli studenti non hanno un posto tranquillo dove studiare dopo le sette di sera.",
            "education",
            (Y,),
            (40, 200),
        ),
    ),
    (
        "city",
        NeedPlan(
            "italiano",
            "Corsi di italiano per le famiglie straniere",
            "Molte mamme arrivate da poco non parlano italiano e non riescono a parlare con "
            "gli insegnanti e i medici.",
            "education",
            (A,),
            (20, 80),
        ),
    ),
)

PLANS: dict[str, CoopPlan] = {}

# --- La Paranza --------------------------------------------------------------------------------
PLANS["la-paranza"] = CoopPlan(
    "city",
    ("Rione Sanità", "Fontanelle", "Vergini", "Materdei", "Capodimonte"),
    (
        NeedPlan(
            "lavoro",
            "Lavoro per i ragazzi del quartiere",
            "Molti ragazzi della Sanità finiscono la scuola e non trovano lavoro, oppure se ne "
            "vanno. Servono occasioni di lavoro vero nel rione, anche con i turisti che "
            "cominciano ad arrivare.",
            "work",
            (Y,),
            (150, 400),
            Urgency.HIGH,
            "Rione Sanità",
        ),
        NeedPlan(
            "lavoro-bis",
            "Lavoro per i giovani del Rione",
            "Mio figlio ha 19 anni e non trova niente. Si potrebbe far lavorare i giovani con "
            "le visite ai monumenti del quartiere?",
            "work",
            (Y,),
            (20, 60),
            Urgency.HIGH,
            fate="dup:lavoro",
        ),
        NeedPlan(
            "guide",
            "Formazione per diventare guide turistiche",
            "Corsi gratuiti per imparare a raccontare la storia del quartiere e le lingue "
            "straniere, per chi vuole lavorare con i visitatori.",
            "education",
            (Y, A),
            (30, 80),
        ),
        NeedPlan(
            "fontanelle",
            "Riaprire il Cimitero delle Fontanelle",
            "L'ossario delle Fontanelle è spesso chiuso: è un pezzo della nostra storia e "
            "della devozione del quartiere, va aperto e curato con continuità.",
            "culture",
            (A, E),
            (200, 1000),
            locality="Fontanelle",
        ),
        NeedPlan(
            "doposcuola",
            "Un doposcuola per i bambini della Sanità",
            "Tante famiglie non riescono a seguire i figli con i compiti. Serve un posto "
            "sicuro dove i bambini possano studiare e giocare il pomeriggio.",
            "education",
            (C,),
            (40, 120),
            Urgency.HIGH,
            "Rione Sanità",
        ),
        NeedPlan(
            "anziani",
            "Compagnia e piccoli aiuti per gli anziani soli",
            "Nei palazzi del rione vivono molti anziani soli che non escono quasi mai: "
            "qualcuno che passi a trovarli, porti la spesa o le medicine.",
            "care",
            (E,),
            (50, 150),
            Urgency.HIGH,
            fate="review",
        ),
        NeedPlan(
            "luce",
            "Strade buie la sera verso le Fontanelle",
            "Via Fontanelle e le scale verso Materdei sono poco illuminate: la sera chi torna "
            "a piedi ha paura.",
            "other",
            (A, E),
            (100, 500),
            locality="Fontanelle",
        ),
        NeedPlan(
            "rifiuti",
            "Rifiuti abbandonati vicino alla Basilica",
            "Sacchi e ingombranti restano per giorni sotto la Basilica della Sanità, proprio "
            "dove arrivano i visitatori.",
            "environment",
            (),
            (100, 300),
            locality="Rione Sanità",
            fate="declined",
            reason="La raccolta dei rifiuti spetta al Comune e all'azienda di igiene urbana: "
            "la cooperativa ha inoltrato la segnalazione e organizza con le associazioni una "
            "giornata di pulizia al mese.",
        ),
        NeedPlan(
            "teatro",
            "Uno spazio per il teatro e la musica dei ragazzi",
            "I ragazzi della banda e del laboratorio di teatro non hanno un posto dove provare "
            "e fare spettacoli nel quartiere.",
            "culture",
            (C, Y),
            (30, 80),
        ),
        NeedPlan(
            "calcio",
            "Un campetto per giocare a pallone",
            "I bambini giocano in strada tra i motorini: un campetto o un cortile aperto il "
            "pomeriggio sarebbe prezioso.",
            "culture",
            (C, Y),
            (60, 200),
            locality="Vergini",
        ),
        NeedPlan(
            "ascensore",
            "L'ascensore del Ponte della Sanità spesso fermo",
            "L'ascensore che collega il ponte al rione è spesso guasto: anziani e mamme con "
            "i passeggini devono fare il giro lungo.",
            "mobility",
            (E, A),
            (200, 800),
            Urgency.HIGH,
        ),
        NeedPlan(
            "botteghe",
            "Far conoscere le botteghe del rione ai visitatori",
            "I turisti arrivano, visitano e ripartono: bisognerebbe accompagnarli anche nelle "
            "botteghe e nelle pizzerie del rione, così il lavoro resta qui.",
            "shops",
            (A,),
            (40, 100),
            Urgency.LOW,
        ),
    ),
    (
        ProjectPlan(
            "Visite guidate alle catacombe: lavoro per i giovani della Sanità",
            "La cooperativa apre al pubblico le Catacombe di San Gaudioso e di San Gennaro "
            "con visite guidate condotte da ragazze e ragazzi del rione, formati come guide. "
            "I biglietti pagano stipendi, restauri e illuminazione; i visitatori vengono "
            "accompagnati anche nelle botteghe del quartiere. Dati pubblici (2WEL 3/2021): "
            "80.000 visitatori nel 2016 e 160.000 nel 2019, 40 dipendenti nel 2019; 200.000 "
            "visitatori nel 2022 secondo rapporti successivi, da verificare. Le altre cifre "
            "sono sintetiche.",
            ProjectStatus.RUNNING,
            date(2006, 1, 1),
            (
                ObjectivePlan(
                    "users",
                    "Visitatori delle catacombe in un anno",
                    "visitatori l'anno",
                    80_000,
                    220_000,
                    540,
                    facts=(
                        (date(2016, 12, 31), 80_000, "Dato pubblico 2016 (2WEL 3/2021)"),
                        (date(2019, 12, 31), 160_000, "Dato pubblico 2019 (2WEL 3/2021)"),
                        (
                            date(2022, 12, 31),
                            200_000,
                            "Dato pubblico 2022, fonte primaria da verificare",
                        ),
                    ),
                ),
                ObjectivePlan(
                    "jobs-young-fte",
                    "Posti di lavoro per giovani del rione",
                    "ETP",
                    4,
                    30,
                    540,
                    reached=0.75,
                ),
                ObjectivePlan(
                    "participants",
                    "Ragazze e ragazzi del rione formati come guide",
                    "persone",
                    0,
                    60,
                    540,
                    reached=0.7,
                ),
                ObjectivePlan(
                    "new-relations",
                    "Guide che hanno trovato nuove persone su cui contare",
                    "%",
                    30,
                    60,
                    540,
                    reached=0.5,
                ),
            ),
            (
                ("Nuovo corso per guide in inglese e spagnolo", -320, True),
                ("Percorso accessibile nel livello inferiore di San Gennaro", -140, True),
                ("Visite serali con le botteghe del rione", -45, True),
                ("Audioguide per visitatori ciechi e sordi", 90, False),
                ("Dieci guide assunte a tempo indeterminato", 240, False),
            ),
            (
                ("cost", "Stipendi delle guide", 620_000),
                ("cost", "Illuminazione e sicurezza dei percorsi", 85_000),
                ("cost", "Formazione delle nuove guide", 24_000),
                ("revenue", "Biglietti delle visite", 900_000),
                ("revenue", "Contributi di fondazioni per i restauri", 60_000),
            ),
            (
                ("Coordinamento del progetto", "presidente", False),
                ("Responsabile delle visite", "staff", False),
                ("Guida", "", False),
                ("Guida", "", False),
                ("Accoglienza dei visitatori", "socio", True),
            ),
            (
                (
                    -300,
                    "Concluso il corso per nuove guide: quattordici ragazze e ragazzi del rione "
                    "hanno superato la prova finale.",
                ),
                (
                    -130,
                    "Il livello inferiore di San Gennaro è ora percorribile in sedia a rotelle.",
                ),
                (
                    -20,
                    "Aggiornati i dati dei visitatori: crescono le visite delle scuole.",
                ),
            ),
            needs=("lavoro", "guide", "botteghe"),
            resources=("Catacombe di San Gennaro", "Catacombe di San Gaudioso"),
        ),
        ProjectPlan(
            "Cimitero delle Fontanelle: apertura e cura dell'ossario",
            "Dal 2023 (dato pubblico) la cooperativa cura l'apertura del Cimitero delle "
            "Fontanelle, con visite guidate, custodia e volontari del quartiere "
            "all'accoglienza. Obiettivi, misure e bilancio sono sintetici.",
            ProjectStatus.RUNNING,
            date(2023, 1, 1),
            (
                ObjectivePlan(
                    "services-created",
                    "Visite guidate e aperture libere dell'ossario",
                    "servizi",
                    0,
                    2,
                    300,
                    reached=0.5,
                ),
                ObjectivePlan(
                    "users",
                    "Visitatori delle Fontanelle in un anno",
                    "visitatori l'anno",
                    0,
                    120_000,
                    300,
                    reached=0.6,
                ),
                ObjectivePlan(
                    "volunteers",
                    "Volontari del quartiere all'accoglienza",
                    "persone",
                    0,
                    25,
                    300,
                    reached=0.6,
                ),
                ObjectivePlan(
                    "sense-of-community",
                    "Senso di comunità degli abitanti (SCI-2)",
                    "punti (0-72)",
                    38,
                    46,
                    700,
                    reached=0.3,
                ),
            ),
            (
                ("Accordo per la gestione e piano di sicurezza", -600, True),
                ("Prime visite guidate all'ossario", -500, True),
                ("Registro dei volontari dell'accoglienza", -200, True),
                ("Nuovo impianto di illuminazione", 120, False),
            ),
            (
                ("cost", "Custodia e accoglienza", 180_000),
                ("cost", "Messa in sicurezza dei percorsi", 70_000),
                ("revenue", "Visite guidate", 260_000),
                ("revenue", "Donazioni dei visitatori", 15_000),
            ),
            (
                ("Responsabile del sito", "staff", False),
                ("Guida", "", False),
                ("Accoglienza", "residente", True),
            ),
            (
                (-480, "Aperte le prenotazioni delle visite guidate alle Fontanelle."),
                (-90, "Venti volontari del quartiere si alternano all'accoglienza."),
            ),
            needs=("fontanelle",),
        ),
    ),
    (
        ProposalPlan(
            "Doposcuola e laboratori d'arte per i bambini del rione",
            "Tre pomeriggi a settimana nei locali della parrocchia: compiti con educatori e "
            "volontari, poi laboratori d'arte con le guide delle catacombe.",
            ("doposcuola",),
            "accepted",
            38_000,
            12_000,
            10,
            reason="Il consiglio approva: diventa un progetto della cooperativa.",
            project=ProjectPlan(
                "Doposcuola della Sanità",
                "Compiti e laboratori d'arte per i bambini del rione, tre pomeriggi a "
                "settimana, con educatori e volontari.",
                ProjectStatus.RUNNING,
                -150,
                (
                    ObjectivePlan(
                        "participants",
                        "Bambini iscritti al doposcuola",
                        "bambini",
                        0,
                        60,
                        200,
                        reached=0.6,
                    ),
                    ObjectivePlan(
                        "volunteers", "Volontari del doposcuola", "persone", 0, 12, 200, 0.7
                    ),
                    ObjectivePlan(
                        "services-created", "Doposcuola aperto", "servizi", 0, 1, 60, 1.0
                    ),
                    ObjectivePlan(
                        "jobs-young-fte", "Educatori sotto i 30 anni", "ETP", 0, 2, 200, 0.5
                    ),
                ),
                (
                    ("Accordo con la parrocchia per i locali", -140, True),
                    ("Primo giorno di doposcuola", -110, True),
                    ("Festa di fine anno con i laboratori", 60, False),
                ),
                (),  # the proposal's estimates are its budget
                (
                    ("Coordinamento", "staff", False),
                    ("Educatrice", "", False),
                    ("Volontario per i compiti", "residente01", True),
                ),
                ((-100, "Trentadue bambini iscritti nel primo mese."),),
            ),
        ),
        ProposalPlan(
            "Compagnia agli anziani soli con i ragazzi delle guide",
            "Le guide, nei giorni di chiusura, passano a trovare gli anziani soli del rione, "
            "portano la spesa e le medicine e li accompagnano alle visite.",
            ("anziani",),
            "board",
            9_000,
            0,
            15,
        ),
        ProposalPlan(
            "Campetto nel cortile della scuola il pomeriggio",
            "Chiedere alla scuola di aprire il cortile dalle 16 alle 19, con un volontario che "
            "lo custodisca e un'assicurazione.",
            ("calcio",),
            "open",
            4_000,
            0,
            6,
        ),
        ProposalPlan(
            "Spettacoli teatrali dentro le catacombe",
            "Spettacoli dei ragazzi del laboratorio di teatro lungo il percorso delle "
            "catacombe, il venerdì sera.",
            ("teatro",),
            "declined",
            15_000,
            20_000,
            5,
            "Catacombe di San Gaudioso",
            "Le regole di tutela delle catacombe non consentono spettacoli lungo il percorso. "
            "Il consiglio propone di cercare con la parrocchia uno spazio adatto e di "
            "ripresentare l'idea.",
        ),
        ProposalPlan(
            "Passeggiate serali illuminate verso le Fontanelle",
            "Percorsi serali accompagnati, con lanterne e volontari, da piazza Sanità alle "
            "Fontanelle.",
            ("luce",),
            "changes",
            6_000,
            3_000,
            8,
            reason="Serve una stima dei costi dei permessi e della sicurezza: il consiglio "
            "chiede di completarla e di coinvolgere il Comune.",
        ),
    ),
)

# --- AnversiAmo --------------------------------------------------------------------------------
PLANS["anversiamo"] = CoopPlan(
    "village",
    ("Centro storico", "Castrovalva", "Gole del Sagittario"),
    (
        NeedPlan(
            "negozio",
            "Un negozio di alimentari in paese",
            "Da quando ha chiuso l'ultimo negozio bisogna scendere a valle anche per il pane "
            "e il latte. Per chi non guida è un problema di tutti i giorni.",
            "shops",
            (E, A),
            (150, 300),
            Urgency.HIGH,
            "Centro storico",
            fate="met",
            reason="La bottega è aperta dal lunedì al sabato, con pane fresco ogni mattina.",
        ),
        NeedPlan(
            "negozio-bis",
            "Riaprire l'alimentari",
            "Senza un alimentari gli anziani del paese dipendono dai figli per ogni cosa.",
            "shops",
            (E,),
            (50, 150),
            Urgency.HIGH,
            fate="dup:negozio",
        ),
        NeedPlan(
            "bar",
            "Un bar dove ritrovarsi",
            "Senza il bar la piazza è vuota: non c'è un posto dove prendere un caffè, leggere "
            "il giornale, fare due chiacchiere.",
            "culture",
            (A, E, Y),
            (100, 300),
            locality="Centro storico",
        ),
        NeedPlan(
            "spesa-casa",
            "La spesa a casa per chi non può uscire",
            "Alcuni anziani di Castrovalva non riescono più a scendere in paese: servirebbe "
            "qualcuno che porti la spesa e le medicine.",
            "care",
            (E,),
            (15, 40),
            Urgency.HIGH,
            "Castrovalva",
        ),
        NeedPlan(
            "oliveti",
            "Oliveti abbandonati che vanno in rovina",
            "Molti oliveti dei vecchi del paese non li cura più nessuno: si perdono le piante "
            "e il paesaggio, e aumenta il rischio di incendi.",
            "environment",
            (),
            (20, 80),
        ),
        NeedPlan(
            "lavoro",
            "Lavoro per chi vuole restare in paese",
            "I giovani se ne vanno perché qui non c'è lavoro. Servono attività che diano uno "
            "stipendio, anche solo per una parte dell'anno.",
            "work",
            (Y, A),
            (20, 60),
            Urgency.HIGH,
        ),
        NeedPlan(
            "turismo",
            "Accogliere meglio chi visita le Gole del Sagittario",
            "Escursionisti e turisti attraversano la riserva ma non trovano informazioni, "
            "guide né un posto dove mangiare: il paese non ne ha alcun beneficio.",
            "work",
            (A,),
            (20, 60),
            locality="Gole del Sagittario",
        ),
        NeedPlan(
            "strade",
            "Vicoli del centro storico puliti",
            "Con pochi operai il Comune non riesce a pulire i vicoli del centro, soprattutto "
            "dopo l'inverno.",
            "environment",
            (),
            (100, 300),
            locality="Centro storico",
            fate="review",
        ),
        NeedPlan(
            "autobus",
            "Più corse dell'autobus per Sulmona",
            "Le corse per Sulmona sono poche e la domenica non ce ne sono: chi non ha la "
            "macchina resta isolato.",
            "mobility",
            (E, Y),
            (50, 150),
        ),
        NeedPlan(
            "internet",
            "Internet veloce in paese",
            "La connessione è lenta e a Castrovalva spesso manca: chi potrebbe lavorare da qui "
            "non riesce.",
            "digital",
            (Y, A),
            (50, 200),
        ),
        NeedPlan(
            "case",
            "Case vuote per chi vuole tornare a vivere qui",
            "Ci sono tante case chiuse da anni: se si potessero affittare, qualche famiglia "
            "giovane tornerebbe.",
            "housing",
            (Y, A),
            (10, 30),
            Urgency.LOW,
        ),
        NeedPlan(
            "centro-estivo",
            "Un centro estivo per i bambini",
            "D'estate i pochi bambini del paese passano le giornate da soli: un centro estivo "
            "in piazza aiuterebbe anche i genitori che lavorano.",
            "education",
            (C,),
            (10, 25),
        ),
        NeedPlan(
            "antenna",
            "Un'antenna per il segnale del telefono a Castrovalva",
            "A Castrovalva il telefono non prende: in caso di emergenza non si riesce a chiamare.",
            "digital",
            (E, A),
            (20, 60),
            Urgency.HIGH,
            "Castrovalva",
            fate="declined",
            reason="Le antenne sono degli operatori telefonici: la cooperativa non può "
            "installarle. Ha scritto con il Comune agli operatori e alla Regione per chiedere "
            "la copertura.",
        ),
    ),
    (
        ProjectPlan(
            "Bottega, emporio e bar del paese",
            "Nei locali di proprietà pubblica la cooperativa ha riaperto l'alimentari, "
            "l'emporio e il bar del paese, che tornano a essere il luogo d'incontro di "
            "Anversa. Obiettivi, misure e bilancio sono sintetici.",
            ProjectStatus.RUNNING,
            date(2018, 1, 1),
            (
                ObjectivePlan(
                    "services-created",
                    "Servizi riaperti: alimentari, emporio e bar",
                    "servizi",
                    0,
                    3,
                    -200,
                    reached=1.0,
                ),
                ObjectivePlan(
                    "jobs-fte", "Posti di lavoro in bottega e al bar", "ETP", 0, 3, 365, 0.7
                ),
                ObjectivePlan(
                    "revenue", "Incassi annui di bottega e bar", "€", 0, 120_000, 365, 0.65
                ),
                ObjectivePlan(
                    "participants",
                    "Persone che passano al bar almeno una volta a settimana",
                    "persone",
                    0,
                    150,
                    365,
                    reached=0.7,
                ),
                ObjectivePlan(
                    "sense-of-community",
                    "Senso di comunità degli abitanti (SCI-2)",
                    "punti (0-72)",
                    40,
                    48,
                    365,
                    reached=0.5,
                ),
            ),
            (
                ("Accordo con il Comune per i locali", -1500, True),
                ("Riapertura della bottega", -1400, True),
                ("Riapertura del bar", -1300, True),
                ("Banco dei prodotti locali nell'emporio", -300, True),
                ("Pagamenti elettronici in bottega e al bar", 60, False),
            ),
            (
                ("cost", "Merci e forniture", 70_000),
                ("cost", "Personale", 55_000),
                ("cost", "Utenze e manutenzione dei locali", 9_000),
                ("revenue", "Vendite della bottega", 80_000),
                ("revenue", "Incassi del bar", 40_000),
            ),
            (
                ("Responsabile della bottega", "staff", False),
                ("Barista", "", False),
                ("Inventario e ordini", "socio", True),
            ),
            (
                (-1390, "La bottega è di nuovo aperta: pane fresco ogni mattina."),
                (-290, "Nell'emporio un banco con i prodotti dei produttori della valle."),
            ),
            needs=("negozio", "bar"),
            resources=("Bottega del paese", "Bar del paese"),
        ),
        ProjectPlan(
            "Recupero degli oliveti abbandonati",
            "La cooperativa prende in comodato gli oliveti che i proprietari non curano più, "
            "li pota e li rimette in produzione con i volontari; l'olio si vende in bottega. "
            "Obiettivi, misure e bilancio sono sintetici.",
            ProjectStatus.RUNNING,
            -1200,
            (
                ObjectivePlan(
                    "products-created",
                    "Olio extravergine e olive in salamoia degli oliveti recuperati",
                    "prodotti",
                    0,
                    2,
                    300,
                    reached=0.5,
                ),
                ObjectivePlan("revenue", "Vendita dell'olio", "€", 0, 15_000, 300, 0.4),
                ObjectivePlan(
                    "volunteers",
                    "Volontari alla raccolta e alla potatura",
                    "persone",
                    0,
                    30,
                    300,
                    0.6,
                ),
                ObjectivePlan(
                    "volunteer-hours", "Ore di volontariato negli oliveti", "ore", 0, 1200, 300, 0.5
                ),
            ),
            (
                ("Primi comodati firmati con i proprietari", -1150, True),
                ("Prima raccolta delle olive", -1000, True),
                ("Potatura straordinaria", -400, True),
                ("Etichetta dell'olio della cooperativa", 150, False),
            ),
            (
                ("cost", "Frantoio e imbottigliamento", 6_000),
                ("cost", "Attrezzi e assicurazione dei volontari", 2_500),
                ("revenue", "Vendita dell'olio in bottega", 15_000),
            ),
            (
                ("Responsabile degli oliveti", "socio", True),
                ("Potatore", "", False),
                ("Volontaria alla raccolta", "residente", True),
            ),
            (
                (-990, "Raccolte le olive di dodici oliveti recuperati."),
                (-60, "In bottega l'olio nuovo degli oliveti della cooperativa."),
            ),
            needs=("oliveti", "lavoro"),
            resources=("Oliveti",),
        ),
        ProjectPlan(
            "Turismo sostenibile nelle Gole del Sagittario",
            "Escursioni guidate nella riserva delle Gole del Sagittario, con partenza dal bar "
            "del paese e pranzo con i prodotti locali. Obiettivi, misure e bilancio sono "
            "sintetici.",
            ProjectStatus.RUNNING,
            -900,
            (
                ObjectivePlan(
                    "users",
                    "Escursionisti accompagnati in un anno",
                    "persone l'anno",
                    0,
                    3000,
                    400,
                    reached=0.4,
                ),
                ObjectivePlan("jobs-young-fte", "Guide giovani del paese", "ETP", 0, 2, 400, 0.5),
                ObjectivePlan(
                    "new-relations",
                    "Partecipanti che hanno stretto nuove relazioni",
                    "%",
                    20,
                    45,
                    400,
                    reached=0.3,
                ),
            ),
            (
                ("Percorsi concordati con la riserva", -850, True),
                ("Due guide abilitate", -500, True),
                ("Pacchetto escursione e pranzo in bottega", 100, False),
            ),
            (
                ("cost", "Formazione e abilitazione delle guide", 4_000),
                ("cost", "Promozione", 2_000),
                ("revenue", "Quote delle escursioni", 18_000),
            ),
            (
                ("Guida", "", False),
                ("Prenotazioni", "staff", False),
            ),
            ((-480, "Prima stagione di escursioni: trecento partecipanti."),),
            needs=("turismo", "lavoro"),
            resources=("Bar del paese",),
        ),
    ),
    (
        ProposalPlan(
            "Spesa e medicine a domicilio per gli anziani",
            "Due giri a settimana con la macchina della cooperativa: la spesa della bottega e "
            "le medicine della farmacia portate a casa di chi non può uscire.",
            ("spesa-casa",),
            "accepted",
            6_000,
            2_500,
            6,
            "Bottega del paese",
            "Il consiglio approva: la bottega organizza i giri con i volontari.",
            ProjectPlan(
                "Spesa a domicilio dalla bottega",
                "La spesa della bottega e le medicine portate a casa degli anziani due volte a "
                "settimana, anche a Castrovalva.",
                ProjectStatus.RUNNING,
                -200,
                (
                    ObjectivePlan(
                        "services-created", "Consegna a domicilio", "servizi", 0, 1, 60, 1.0
                    ),
                    ObjectivePlan(
                        "users",
                        "Famiglie servite ogni settimana",
                        "famiglie",
                        0,
                        30,
                        250,
                        reached=0.6,
                    ),
                    ObjectivePlan("volunteers", "Volontari alla guida", "persone", 0, 8, 250, 0.7),
                ),
                (
                    ("Primo giro di consegne", -180, True),
                    ("Consegne anche a Castrovalva", -90, True),
                    ("Terzo giro settimanale d'inverno", 45, False),
                ),
                (),
                (
                    ("Organizzazione dei giri", "staff", False),
                    ("Autista volontario", "residente02", True),
                ),
                ((-85, "Le consegne arrivano anche a Castrovalva il martedì e il venerdì."),),
            ),
        ),
        ProposalPlan(
            "Navetta per Sulmona nei giorni di mercato",
            "Un pulmino a nove posti il mercoledì e il sabato, con prenotazione in bottega.",
            ("autobus",),
            "board",
            9_000,
            3_000,
            4,
        ),
        ProposalPlan(
            "Centro estivo in piazza",
            "Quattro settimane di luglio, la mattina, con due animatori e i volontari.",
            ("centro-estivo",),
            "open",
            3_500,
            1_500,
            5,
        ),
        ProposalPlan(
            "Punto internet in bottega",
            "Una postazione con connessione veloce in bottega, con un volontario che aiuta "
            "chi non è pratico.",
            ("internet",),
            "open",
            2_500,
            500,
            2,
            "Bottega del paese",
        ),
        ProposalPlan(
            "Comprare le case vuote per affittarle",
            "La cooperativa compra alcune case chiuse del centro e le affitta a famiglie che "
            "vogliono trasferirsi in paese.",
            ("case",),
            "declined",
            250_000,
            12_000,
            0,
            reason="Il costo supera di molto le possibilità della cooperativa. Il consiglio "
            "propone di censire prima le case con il Comune e di cercare bandi per il "
            "recupero.",
        ),
    ),
)

# --- Brigì -------------------------------------------------------------------------------------
PLANS["brigi"] = CoopPlan(
    "village",
    ("Centro del paese", "Località Cardella", "Monesi di Mendatica"),
    (
        NeedPlan(
            "lavoro-giovani",
            "Lavoro stagionale per i giovani del paese",
            "D'estate i ragazzi vanno a lavorare sulla costa: se ci fosse lavoro qui, "
            "resterebbero e magari tornerebbero anche dopo gli studi.",
            "work",
            (Y,),
            (10, 30),
            Urgency.HIGH,
        ),
        NeedPlan(
            "bambini",
            "Attività all'aperto per bambini e ragazzi",
            "Le famiglie che vengono in vacanza e i bambini del paese non hanno attività "
            "organizzate all'aria aperta.",
            "culture",
            (C, Y),
            (20, 60),
        ),
        NeedPlan(
            "rifugio",
            "Un posto dove dormire lungo i sentieri",
            "Gli escursionisti dell'Alta Via e dei sentieri delle Alpi Liguri non trovano dove "
            "dormire vicino al paese.",
            "culture",
            (A,),
            (50, 200),
            locality="Località Cardella",
        ),
        NeedPlan(
            "sentieri",
            "Sentieri segnati e puliti",
            "Molti sentieri intorno al paese sono invasi dai rovi e i segnavia sono sbiaditi: "
            "chi non li conosce si perde.",
            "environment",
            (A,),
            (50, 200),
        ),
        NeedPlan(
            "fuori-stagione",
            "Turismo anche fuori stagione",
            "Da ottobre a maggio il paese si svuota e le attività chiudono: servirebbe un "
            "motivo per venire anche in primavera e in autunno.",
            "work",
            (A, Y),
            (20, 60),
        ),
        NeedPlan(
            "trasporto",
            "Collegamenti con Pieve di Teco e Imperia",
            "Le corse sono poche e non coincidono con gli orari degli ambulatori e delle scuole.",
            "mobility",
            (E, Y),
            (40, 120),
            Urgency.HIGH,
        ),
        NeedPlan(
            "farmaci",
            "Medicine portate in paese",
            "La farmacia più vicina è a valle: per gli anziani soli ogni ricetta è un viaggio.",
            "care",
            (E,),
            (20, 50),
            Urgency.HIGH,
            fate="review",
        ),
        NeedPlan(
            "negozio",
            "Un negozio di alimentari aperto tutto l'anno",
            "D'inverno l'unico negozio apre due mattine a settimana.",
            "shops",
            (E, A),
            (60, 140),
            Urgency.HIGH,
        ),
        NeedPlan(
            "cucina-bianca",
            "Far conoscere la cucina bianca e la transumanza",
            "La cucina bianca dei pastori e la festa della transumanza sono la nostra storia: "
            "andrebbero raccontate tutto l'anno, non solo un fine settimana.",
            "culture",
            (A,),
            (30, 100),
            Urgency.LOW,
        ),
        NeedPlan(
            "case-lavoro",
            "Case in affitto per chi lavora qui",
            "Chi viene a lavorare al parco o al rifugio non trova una casa in affitto per la "
            "stagione.",
            "housing",
            (Y, A),
            (5, 20),
        ),
        NeedPlan(
            "strada-monesi",
            "La strada per Monesi danneggiata",
            "La strada per Monesi è dissestata da anni e d'inverno è pericolosa.",
            "mobility",
            (A,),
            (50, 150),
            Urgency.HIGH,
            "Monesi di Mendatica",
            fate="declined",
            reason="La strada è provinciale: la competenza è della Provincia. La cooperativa "
            "ha sostenuto la richiesta dei residenti e informa gli escursionisti sui percorsi "
            "alternativi.",
        ),
        NeedPlan(
            "sentieri-bis",
            "Pulire i sentieri intorno al paese",
            "Il sentiero verso il rifugio è pieno di rovi da due estati.",
            "environment",
            (A,),
            (10, 40),
            fate="dup:sentieri",
        ),
    ),
    (
        ProjectPlan(
            "Parco Avventura",
            "Percorsi acrobatici tra gli alberi, aperti da primavera ad autunno, con istruttori "
            "del paese e corsi per i ragazzi. Obiettivi, misure e bilancio sono sintetici.",
            ProjectStatus.RUNNING,
            date(2016, 1, 1),
            (
                ObjectivePlan(
                    "users",
                    "Ingressi al parco in una stagione",
                    "ingressi l'anno",
                    0,
                    8000,
                    300,
                    reached=0.7,
                ),
                ObjectivePlan(
                    "jobs-young-fte", "Istruttori giovani del paese", "ETP", 0, 4, 300, 0.75
                ),
                ObjectivePlan("revenue", "Incassi della stagione", "€", 0, 90_000, 300, 0.6),
                ObjectivePlan(
                    "participants",
                    "Ragazzi del paese ai corsi di arrampicata",
                    "persone",
                    0,
                    40,
                    300,
                    reached=0.5,
                ),
            ),
            (
                ("Collaudo dei percorsi", -700, True),
                ("Nuovo percorso per i più piccoli", -320, True),
                ("Percorso notturno con le lampade frontali", 200, False),
            ),
            (
                ("cost", "Istruttori", 48_000),
                ("cost", "Ispezioni e manutenzione dei percorsi", 12_000),
                ("revenue", "Ingressi", 90_000),
            ),
            (
                ("Responsabile del parco", "staff", False),
                ("Istruttore", "", False),
                ("Istruttrice", "", False),
            ),
            (
                (-310, "Aperto il percorso per i bambini dai quattro anni."),
                (-40, "Chiusa la stagione: ingressi in crescita sull'anno scorso."),
            ),
            needs=("bambini", "lavoro-giovani"),
            resources=("Parco Avventura",),
        ),
        ProjectPlan(
            "Rifugio escursionistico Cà da Cardella",
            "Posti letto, ristoro con la cucina bianca e sala comune lungo i sentieri, aperti "
            "anche fuori stagione. Obiettivi, misure e bilancio sono sintetici.",
            ProjectStatus.RUNNING,
            date(2016, 1, 1),
            (
                ObjectivePlan(
                    "users", "Pernottamenti in un anno", "pernottamenti", 0, 2500, 300, 0.6
                ),
                ObjectivePlan("jobs-fte", "Gestori e cuochi del rifugio", "ETP", 0, 3, 300, 0.7),
                ObjectivePlan(
                    "services-created",
                    "Pernottamento, ristoro e sala comune",
                    "servizi",
                    0,
                    3,
                    -100,
                    reached=1.0,
                ),
                ObjectivePlan(
                    "new-relations",
                    "Ospiti e abitanti che hanno stretto nuove relazioni",
                    "%",
                    25,
                    50,
                    300,
                    reached=0.4,
                ),
            ),
            (
                ("Sistemazione del tetto", -800, True),
                ("Nuove brande nel dormitorio", -400, True),
                ("Apertura nei fine settimana d'inverno", -60, True),
                ("Pannelli solari per l'acqua calda", 240, False),
            ),
            (
                ("cost", "Personale del rifugio", 60_000),
                ("cost", "Canone e manutenzione", 8_000),
                ("revenue", "Pernottamenti e ristoro", 85_000),
            ),
            (
                ("Gestore del rifugio", "staff", False),
                ("Cuoca", "", False),
                ("Manutenzione dei sentieri", "socio", True),
            ),
            (
                (-390, "Il dormitorio ha ventiquattro brande nuove."),
                (-50, "Il rifugio resta aperto i fine settimana anche d'inverno."),
            ),
            needs=("rifugio", "fuori-stagione"),
            resources=("Rifugio Cà da Cardella",),
        ),
    ),
    (
        ProposalPlan(
            "Centro escursionistico con la Pro Loco: sentieri puliti e guide",
            "Con la Pro Loco, squadre di volontari puliscono e segnano i sentieri in primavera; "
            "d'estate escursioni guidate con partenza dal paese.",
            ("sentieri",),
            "accepted",
            12_000,
            8_000,
            15,
            reason="Il consiglio approva, in accordo con la Pro Loco.",
            project=ProjectPlan(
                "Centro escursionistico con la Pro Loco",
                "Sentieri puliti e segnati dai volontari e escursioni guidate dal paese, "
                "insieme alla Pro Loco.",
                ProjectStatus.PLANNED,
                30,
                (
                    ObjectivePlan(
                        "services-created",
                        "Escursioni guidate e punto informazioni",
                        "servizi",
                        0,
                        2,
                        300,
                    ),
                    ObjectivePlan(
                        "volunteers", "Volontari delle squadre dei sentieri", "persone", 0, 15, 300
                    ),
                    ObjectivePlan(
                        "volunteer-hours", "Ore di lavoro sui sentieri", "ore", 0, 600, 300
                    ),
                    ObjectivePlan(
                        "users", "Escursionisti accompagnati", "persone l'anno", 0, 1200, 400
                    ),
                ),
                (
                    ("Mappa dei sentieri da recuperare", 30, False),
                    ("Prima giornata di pulizia con la Pro Loco", 75, False),
                    ("Calendario delle escursioni estive", 150, False),
                ),
                (),
                (
                    ("Coordinamento con la Pro Loco", "presidente", False),
                    ("Caposquadra dei volontari", "residente03", True),
                ),
                ((-5, "Il progetto partirà in primavera: si raccolgono le adesioni."),),
            ),
        ),
        ProposalPlan(
            "Navetta estiva per Pieve di Teco",
            "Un pulmino il martedì e il venerdì, coordinato con gli orari degli ambulatori.",
            ("trasporto",),
            "board",
            8_000,
            2_000,
            3,
        ),
        ProposalPlan(
            "Festa della cucina bianca al rifugio",
            "Un fine settimana d'autunno al rifugio con i piatti della cucina bianca e i "
            "racconti dei pastori.",
            ("cucina-bianca",),
            "open",
            3_000,
            4_500,
            10,
            "Rifugio Cà da Cardella",
        ),
        ProposalPlan(
            "Pista da sci di fondo sul crinale",
            "Battere una pista da fondo d'inverno e noleggiare gli sci al rifugio.",
            ("fuori-stagione",),
            "declined",
            180_000,
            25_000,
            4,
            reason="Negli ultimi inverni la neve è stata troppo scarsa e incerta per sostenere "
            "l'investimento. Il consiglio propone ciaspolate ed escursioni invernali dal "
            "rifugio.",
        ),
        ProposalPlan(
            "Spaccio di alimentari nel rifugio anche d'inverno",
            "Un piccolo spaccio al rifugio per chi resta in paese d'inverno.",
            ("negozio",),
            "changes",
            5_000,
            6_000,
            2,
            "Rifugio Cà da Cardella",
            "D'inverno il rifugio apre solo nei fine settimana: il consiglio chiede di valutare "
            "invece un punto vendita in paese, con orari e costi del personale.",
        ),
    ),
)

# --- Post-modernissimo -------------------------------------------------------------------------
CINEMA = "Cinema Modernissimo"
PLANS["post-modernissimo"] = CoopPlan(
    "city",
    ("Centro storico", "Via del Carmine", "Porta Sant'Angelo", "Fontivegge", "Monteluce"),
    (
        NeedPlan(
            "cinema",
            "Riaprire un cinema in centro",
            "In centro non c'è più un cinema: per vedere un film bisogna prendere la macchina "
            "e andare in un multisala fuori città.",
            "culture",
            (Y, A, E),
            (500, 3000),
            Urgency.HIGH,
            "Centro storico",
            fate="met",
            reason="Il Modernissimo è di nuovo aperto con due sale.",
        ),
        NeedPlan(
            "cinema-bis",
            "Riaprire il Modernissimo",
            "Il Modernissimo è chiuso da anni: era il cinema di tutti, bisogna riaprirlo.",
            "culture",
            (A, E),
            (200, 1000),
            fate="dup:cinema",
        ),
        NeedPlan(
            "scuole",
            "Il cinema per le scuole al mattino",
            "Le scuole vorrebbero portare le classi al cinema, ma le sale aprono solo la sera.",
            "education",
            (C, Y),
            (500, 2000),
        ),
        NeedPlan(
            "centro-vivo",
            "Un centro storico vivo la sera",
            "La sera il centro si svuota e le serrande restano abbassate: servono luoghi "
            "aperti che portino le persone.",
            "culture",
            (Y, A),
            (300, 1500),
            locality="Centro storico",
        ),
        NeedPlan(
            "anziani",
            "Proiezioni pomeridiane per gli anziani",
            "Molti anziani la sera non escono: un film al pomeriggio, a prezzo ridotto, sarebbe "
            "un'occasione per uscire di casa.",
            "culture",
            (E,),
            (100, 300),
            fate="review",
        ),
        NeedPlan(
            "accessibile",
            "Sale accessibili alle persone con disabilità",
            "Chi è in carrozzina o non sente bene spesso non può andare al cinema: servono "
            "accessi, posti riservati e impianti per l'ascolto.",
            "other",
            (A, E),
            (30, 100),
            Urgency.HIGH,
        ),
        NeedPlan(
            "lingua-originale",
            "Film in lingua originale con i sottotitoli",
            "Studenti, stranieri e appassionati vorrebbero vedere i film in lingua originale.",
            "culture",
            (Y, A),
            (100, 400),
            Urgency.LOW,
        ),
        NeedPlan(
            "giovani-filmmaker",
            "Uno spazio per i giovani che fanno cinema",
            "Chi studia cinema o gira cortometraggi non ha un posto dove proiettarli e "
            "incontrarsi.",
            "culture",
            (Y,),
            (30, 100),
        ),
        NeedPlan(
            "parcheggi",
            "Parcheggi vicino al cinema",
            "La sera è difficile trovare parcheggio vicino a via del Carmine.",
            "mobility",
            (A,),
            (300, 1000),
            locality="Via del Carmine",
            fate="declined",
            reason="I parcheggi e i permessi nella zona a traffico limitato spettano al Comune: "
            "la cooperativa indica invece i percorsi a piedi dal minimetrò e dalle scale "
            "mobili.",
        ),
        NeedPlan(
            "famiglie",
            "Film per le famiglie la domenica",
            "La domenica pomeriggio mancano proposte per i bambini con i genitori.",
            "culture",
            (C, A),
            (100, 300),
        ),
        NeedPlan(
            "lavoro-cultura",
            "Lavoro per i giovani nella cultura",
            "Chi si laurea in discipline artistiche a Perugia trova lavoro solo altrove.",
            "work",
            (Y,),
            (50, 200),
        ),
    ),
    (
        ProjectPlan(
            "Riapertura del cinema Modernissimo",
            "Soci, spettatori e un crowdfunding hanno riaperto lo storico cinema del centro, "
            "chiuso dal 2000. Dati pubblici (2WEL 3/2021): sale da 159 e 54 posti, "
            "crowdfunding di circa 40.000 €, circa 700 soci e sostenitori alla riapertura, "
            "circa 50.000 ingressi l'anno. Obiettivi, misure e bilancio qui sono sintetici.",
            ProjectStatus.COMPLETED,
            date(2014, 1, 1),
            (
                ObjectivePlan("services-created", "Sale riaperte", "sale", 0, 2, -700, 1.0),
                ObjectivePlan(
                    "users", "Ingressi in un anno", "ingressi l'anno", 0, 50_000, -400, 1.0
                ),
                ObjectivePlan("jobs-fte", "Posti di lavoro al cinema", "ETP", 0, 6, -400, 1.0),
                ObjectivePlan(
                    "participants",
                    "Soci e sostenitori della riapertura",
                    "persone",
                    0,
                    700,
                    -700,
                    reached=1.0,
                ),
            ),
            (
                ("Costituzione della cooperativa", -4000, True),
                ("Crowdfunding per la riapertura", -3600, True),
                ("Lavori e nuovi proiettori", -3000, True),
                ("Prima proiezione nella sala grande", -2900, True),
            ),
            (
                ("cost", "Lavori di ristrutturazione", 180_000),
                ("cost", "Proiettori digitali e impianto audio", 90_000),
                ("revenue", "Crowdfunding", 40_000),
                ("revenue", "Quote dei soci", 70_000),
                ("revenue", "Finanziamento bancario", 160_000),
            ),
            (
                ("Presidente", "presidente", False),
                ("Programmazione", "staff", False),
                ("Volontaria alla cassa", "socio", True),
            ),
            (
                (-3590, "Il crowdfunding per la riapertura ha raggiunto l'obiettivo."),
                (-2890, "Il Modernissimo è di nuovo aperto: tutto esaurito alla prima."),
            ),
            needs=("cinema", "centro-vivo", "accessibile", "lavoro-cultura"),
            resources=(CINEMA,),
            end_on=-2900,
        ),
    ),
    (
        ProposalPlan(
            "Matinée per le scuole in sala 2",
            "Proiezioni al mattino in sala 2 per le classi, con una scheda sul film preparata "
            "con gli insegnanti.",
            ("scuole",),
            "accepted",
            14_000,
            18_000,
            3,
            CINEMA,
            "Il consiglio approva: si parte con le scuole medie.",
            ProjectPlan(
                "Proiezioni per le scuole",
                "Le classi al cinema al mattino in sala 2, con schede didattiche preparate con "
                "gli insegnanti.",
                ProjectStatus.RUNNING,
                -400,
                (
                    ObjectivePlan(
                        "participants",
                        "Studenti alle proiezioni del mattino",
                        "studenti l'anno",
                        0,
                        6000,
                        300,
                        reached=0.55,
                    ),
                    ObjectivePlan(
                        "services-created", "Matinée per le scuole", "servizi", 0, 1, -350, 1.0
                    ),
                    ObjectivePlan("revenue", "Biglietti delle scuole", "€", 0, 18_000, 300, 0.5),
                    ObjectivePlan(
                        "volunteers",
                        "Insegnanti e volontari che preparano le schede",
                        "persone",
                        0,
                        20,
                        300,
                        reached=0.5,
                    ),
                ),
                (
                    ("Accordo con le scuole medie", -380, True),
                    ("Prima matinée", -340, True),
                    ("Rassegna per le scuole superiori", 120, False),
                ),
                (),
                (
                    ("Rapporti con le scuole", "staff", False),
                    ("Schede didattiche", "socio", True),
                ),
                (
                    (-330, "Prima matinée: tre classi delle medie in sala 2."),
                    (-30, "Aderiscono anche due licei della città."),
                ),
            ),
        ),
        ProposalPlan(
            "Domenica al cinema in famiglia",
            "Un film per bambini la domenica alle 16, con biglietto famiglia.",
            ("famiglie",),
            "accepted",
            5_000,
            7_000,
            2,
            CINEMA,
            "Il consiglio approva: si comincia dopo l'estate.",
            ProjectPlan(
                "Domenica al cinema in famiglia",
                "Un film per bambini ogni domenica pomeriggio, con biglietto famiglia.",
                ProjectStatus.PLANNED,
                40,
                (
                    ObjectivePlan(
                        "users", "Spettatori delle domeniche", "ingressi l'anno", 0, 4000, 400
                    ),
                    ObjectivePlan(
                        "new-relations",
                        "Famiglie che hanno conosciuto altre famiglie",
                        "%",
                        10,
                        30,
                        400,
                    ),
                ),
                (
                    ("Programma dei primi tre mesi", 30, False),
                    ("Prima domenica in famiglia", 40, False),
                ),
                (),
                (("Programmazione", "staff", False),),
                ((-3, "Si raccolgono i titoli proposti dalle famiglie."),),
            ),
        ),
        ProposalPlan(
            "Pomeriggi al cinema per gli anziani",
            "Il martedì alle 16 un film a prezzo ridotto, con un tè dopo la proiezione.",
            ("anziani",),
            "board",
            5_000,
            4_000,
            4,
            CINEMA,
        ),
        ProposalPlan(
            "Rassegna in lingua originale",
            "Un film al mese in lingua originale con sottotitoli in sala 2.",
            ("lingua-originale",),
            "open",
            2_000,
            3_000,
            2,
            CINEMA,
        ),
        ProposalPlan(
            "Laboratorio di cinema per giovani in sala grande",
            "Ogni pomeriggio la sala grande ai giovani che fanno cinema, per proiettare e "
            "discutere i loro lavori.",
            ("giovani-filmmaker",),
            "changes",
            3_000,
            0,
            4,
            CINEMA,
            "Il pomeriggio la sala grande è occupata dalla programmazione: il consiglio "
            "propone la sala 2 il sabato mattina e chiede un calendario.",
        ),
        ProposalPlan(
            "Trasformare la sala 2 in un bar",
            "Chiudere la sala piccola e farne un bar aperto tutto il giorno.",
            ("centro-vivo",),
            "declined",
            60_000,
            45_000,
            0,
            CINEMA,
            "La sala 2 serve alla programmazione d'essai e alle scuole: il consiglio non "
            "intende rinunciarvi. Il foyer resta aperto prima e dopo gli spettacoli.",
        ),
    ),
)

# --- Ri-maflow ---------------------------------------------------------------------------------
FACTORY = "Fabbrica recuperata Ri-maflow"
PLANS["ri-maflow"] = CoopPlan(
    "city",
    ("Zona industriale", "Centro", "Zingone", "Via Boccaccio"),
    (
        NeedPlan(
            "lavoro",
            "Lavoro per chi ha perso il posto",
            "Dopo la chiusura delle fabbriche della zona tanti cinquantenni non trovano più "
            "lavoro: sono troppo giovani per la pensione e troppo vecchi per le assunzioni.",
            "work",
            (A,),
            (50, 330),
            Urgency.HIGH,
        ),
        NeedPlan(
            "raee",
            "Dove portare gli elettrodomestici rotti",
            "Lavatrici, televisori e computer vecchi finiscono abbandonati o in discarica: "
            "serve un posto vicino dove portarli.",
            "environment",
            (A, E),
            (200, 800),
        ),
        NeedPlan(
            "raee-bis",
            "Dove buttare le lavatrici vecchie",
            "Ho una lavatrice rotta in cantina da mesi: nessuno la ritira.",
            "environment",
            (A,),
            (10, 50),
            fate="dup:raee",
        ),
        NeedPlan(
            "riparare",
            "Riparare invece di buttare",
            "Per un pezzo rotto si butta un elettrodomestico intero: chi sa ancora riparare?",
            "environment",
            (A, E, Y),
            (100, 400),
        ),
        NeedPlan(
            "usato",
            "Mobili e vestiti usati a poco prezzo",
            "Le famiglie giovani e chi è in difficoltà non possono comprare tutto nuovo.",
            "shops",
            (A,),
            (100, 500),
        ),
        NeedPlan(
            "spesa-solidale",
            "Spesa a prezzi giusti per le famiglie in difficoltà",
            "Con i prezzi di oggi molte famiglie non arrivano a fine mese: servono acquisti "
            "collettivi direttamente dai produttori.",
            "shops",
            (A, C),
            (50, 200),
            Urgency.HIGH,
            fate="review",
        ),
        NeedPlan(
            "coworking",
            "Uno spazio di lavoro economico per artigiani e freelance",
            "Chi lavora in proprio non può permettersi un laboratorio o un ufficio in affitto.",
            "work",
            (Y, A),
            (20, 60),
        ),
        NeedPlan(
            "bici",
            "Biciclette riparate per andare al lavoro",
            "Molti vanno al lavoro in bici: una riparazione economica e veloce farebbe comodo.",
            "mobility",
            (Y, A),
            (40, 150),
        ),
        NeedPlan(
            "computer-studenti",
            "Computer per gli studenti che non ce l'hanno",
            "Con la didattica digitale i ragazzi senza un computer restano indietro.",
            "digital",
            (C, Y),
            (30, 120),
            Urgency.HIGH,
        ),
        NeedPlan(
            "mestiere",
            "Corsi per imparare un mestiere",
            "I giovani non trovano dove imparare a riparare, saldare, lavorare il legno.",
            "education",
            (Y, A),
            (30, 100),
        ),
        NeedPlan(
            "ritrovo",
            "Un bar e un punto di ritrovo in zona industriale",
            "In zona industriale non c'è un posto dove fermarsi a mangiare o a bere un caffè.",
            "culture",
            (A,),
            (50, 200),
            Urgency.LOW,
            "Zona industriale",
        ),
        NeedPlan(
            "navetta",
            "Autobus per la zona industriale",
            "La zona industriale è mal servita dagli autobus: chi non ha la macchina non ci "
            "arriva.",
            "mobility",
            (A,),
            (100, 400),
        ),
        NeedPlan(
            "amianto",
            "Amianto nei capannoni abbandonati",
            "Alcuni capannoni vuoti hanno ancora i tetti in eternit rotti.",
            "environment",
            (),
            (200, 800),
            Urgency.HIGH,
            "Zona industriale",
            fate="declined",
            reason="La bonifica spetta ai proprietari e va segnalata all'ATS e al Comune: la "
            "cooperativa ha inoltrato la segnalazione e informa i vicini sulla procedura.",
        ),
    ),
    (
        ProjectPlan(
            "Riparazione e riciclo: elettronica, elettrodomestici e biciclette",
            "Nei laboratori della fabbrica recuperata si riparano e si rigenerano "
            "elettrodomestici, computer e biciclette, e si avviano al riciclo i rifiuti "
            "elettronici. Obiettivi, misure e bilancio sono sintetici.",
            ProjectStatus.RUNNING,
            date(2013, 1, 1),
            (
                ObjectivePlan("jobs-fte", "Posti di lavoro nei laboratori", "ETP", 0, 15, 365, 0.6),
                ObjectivePlan(
                    "products-created",
                    "Linee di prodotti rigenerati",
                    "prodotti",
                    0,
                    4,
                    365,
                    reached=0.75,
                ),
                ObjectivePlan(
                    "revenue", "Riparazioni e vendite dei rigenerati", "€", 0, 120_000, 365, 0.55
                ),
                ObjectivePlan(
                    "participants",
                    "Persone che hanno riparato da sé nel laboratorio",
                    "persone l'anno",
                    0,
                    600,
                    365,
                    reached=0.5,
                ),
                ObjectivePlan(
                    "volunteer-hours",
                    "Ore di volontariato nei laboratori",
                    "ore",
                    0,
                    2000,
                    365,
                    0.6,
                ),
            ),
            (
                ("Laboratorio di riparazione degli elettrodomestici", -1500, True),
                ("Ciclofficina aperta al pubblico", -700, True),
                ("Computer ricondizionati in vendita", -250, True),
                ("Accordo per il ritiro dei RAEE con il consorzio", 150, False),
            ),
            (
                ("cost", "Compensi dei riparatori", 85_000),
                ("cost", "Ricambi e attrezzature", 18_000),
                ("revenue", "Riparazioni", 60_000),
                ("revenue", "Vendita dei rigenerati", 60_000),
            ),
            (
                ("Responsabile dei laboratori", "staff", False),
                ("Tecnico riparatore", "", False),
                ("Ciclofficina", "socio", True),
            ),
            (
                (-690, "Aperta la ciclofficina: si ripara insieme il sabato mattina."),
                (-240, "In vendita i primi computer ricondizionati."),
            ),
            needs=("lavoro", "raee", "riparare", "bici"),
            resources=(FACTORY,),
        ),
        ProjectPlan(
            "Mercato dell'usato e acquisti solidali",
            "Nel capannone un mercato dell'usato e dei prodotti rigenerati, e gli acquisti "
            "collettivi dai produttori. Obiettivi, misure e bilancio sono sintetici.",
            ProjectStatus.RUNNING,
            -2000,
            (
                ObjectivePlan(
                    "users",
                    "Clienti del mercato in un anno",
                    "persone l'anno",
                    0,
                    12_000,
                    365,
                    0.65,
                ),
                ObjectivePlan("revenue", "Vendite del mercato", "€", 0, 80_000, 365, 0.6),
                ObjectivePlan(
                    "new-relations",
                    "Clienti che hanno stretto nuove relazioni",
                    "%",
                    20,
                    40,
                    365,
                    reached=0.45,
                ),
                ObjectivePlan(
                    "generalised-trust",
                    "Frequentatori che dicono che ci si può fidare degli altri",
                    "%",
                    25,
                    35,
                    500,
                    reached=0.3,
                ),
            ),
            (
                ("Apertura del mercato nel capannone", -1900, True),
                ("Primo gruppo di acquisto solidale", -600, True),
                ("Mercato aperto anche la domenica", 60, False),
            ),
            (
                ("cost", "Allestimento e sicurezza del capannone", 15_000),
                ("revenue", "Vendite dell'usato", 65_000),
                ("revenue", "Quote degli espositori", 15_000),
            ),
            (
                ("Responsabile del mercato", "staff", False),
                ("Allestimento", "residente", True),
            ),
            ((-590, "Al mercato anche gli ordini collettivi di frutta e verdura."),),
            needs=("usato",),
            resources=(FACTORY,),
        ),
    ),
    (
        ProposalPlan(
            "Coworking nell'ex palazzina uffici",
            "Recuperare la palazzina uffici della fabbrica come spazio di lavoro condiviso per "
            "artigiani e freelance, a prezzi accessibili.",
            ("coworking",),
            "accepted",
            45_000,
            30_000,
            4,
            FACTORY,
            "Il consiglio approva: i lavori partono con i soci volontari.",
            ProjectPlan(
                "Coworking nella fabbrica recuperata",
                "Postazioni e piccoli laboratori condivisi nella palazzina uffici, a prezzi "
                "accessibili.",
                ProjectStatus.RUNNING,
                -250,
                (
                    ObjectivePlan(
                        "services-created", "Coworking aperto", "servizi", 0, 1, -150, 1.0
                    ),
                    ObjectivePlan(
                        "users",
                        "Postazioni occupate in media",
                        "postazioni",
                        0,
                        20,
                        300,
                        reached=0.5,
                    ),
                    ObjectivePlan("revenue", "Quote del coworking", "€", 0, 24_000, 300, 0.4),
                    ObjectivePlan(
                        "new-relations",
                        "Coworker che hanno avviato collaborazioni",
                        "%",
                        10,
                        50,
                        300,
                        reached=0.4,
                    ),
                ),
                (
                    ("Sgombero e pulizia della palazzina", -230, True),
                    ("Impianto elettrico e rete", -180, True),
                    ("Apertura delle prime dieci postazioni", -150, True),
                    ("Sala riunioni condivisa", 90, False),
                ),
                (),
                (
                    ("Coordinamento dei lavori", "presidente", False),
                    ("Accoglienza dei coworker", "staff", False),
                    ("Elettricista volontario", "residente04", True),
                ),
                ((-145, "Aperte le prime dieci postazioni del coworking."),),
            ),
        ),
        ProposalPlan(
            "Computer ricondizionati per le scuole del territorio",
            "I computer dismessi dalle aziende, rigenerati nel laboratorio, dati in comodato "
            "agli studenti che ne hanno bisogno.",
            ("computer-studenti",),
            "board",
            6_000,
            2_000,
            8,
            FACTORY,
        ),
        ProposalPlan(
            "Scuola di riparazione il sabato",
            "Corsi pratici di riparazione, saldatura e falegnameria con gli artigiani della "
            "fabbrica.",
            ("mestiere",),
            "open",
            3_000,
            1_500,
            6,
            FACTORY,
        ),
        ProposalPlan(
            "Navetta dal centro nei giorni di mercato",
            "Un pulmino dalla stazione e dal centro alla fabbrica il sabato.",
            ("navetta",),
            "open",
            7_000,
            2_000,
            3,
        ),
        ProposalPlan(
            "Chiosco bar nel piazzale",
            "Un chiosco nel piazzale davanti ai capannoni, aperto tutti i giorni.",
            ("ritrovo",),
            "declined",
            20_000,
            15_000,
            2,
            FACTORY,
            "Il piazzale è l'area di carico dei laboratori: per sicurezza non può ospitare un "
            "chiosco. Il bar interno della fabbrica resta aperto negli orari del mercato.",
        ),
    ),
)


# --- the generator ------------------------------------------------------------------------------
@functools.lru_cache(maxsize=4)
def _hashed(password: str, algorithm: str) -> str:
    """One hash for the synthetic residents of a load (hashing is slow on purpose)."""
    return make_password(password, hasher=algorithm)


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


def _day(today: date, when: When) -> date:
    return when if isinstance(when, date) else today + timedelta(days=when)


@dataclass
class Written:
    needs: int = 0
    supports: int = 0
    proposals: int = 0
    proposal_supports: int = 0
    projects: int = 0
    objectives: int = 0
    measurements: int = 0
    residents: list[str] = field(default_factory=list)


@dataclass
class ProposalDays:
    made: date
    commented: date
    supported: date
    decided: date | None = None


class Generator:
    """Runs a cooperative's plan through the services, then dates what they wrote."""

    def __init__(self, coop: Cooperative, rng: random.Random, today: date) -> None:
        self.coop, self.rng, self.today = coop, rng, today
        self.yesterday = today - timedelta(days=1)
        self.written = Written()
        self.needs: dict[str, Need] = {}
        self.told: dict[str, date] = {}
        # When things happened, applied in one pass at the end (the services stamp "now").
        self.change_days: dict[int, date] = {}  # NeedStatusChange id -> day
        self.changed_on: dict[int, date] = {}  # need id -> day of its latest change
        self.last_change = 0
        self.proposal_days: dict[int, ProposalDays] = {}
        self.project_days: dict[int, date] = {}

    # -- people ----------------------------------------------------------------------------------
    def residents(self, password: str) -> None:
        """A dozen synthetic residents, created once. Their names come first from the stream,
        so they are the same whether or not the rest is generated."""
        users = get_user_model().objects
        slug = self.coop.slug
        planned = {
            f"{slug}.residente{n:02d}": (self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES))
            for n in range(1, RESIDENTS + 1)
        }
        found = {u.username: u for u in users.filter(username__in=planned)}
        with_role = set(
            Role.objects.filter(coop=self.coop, user__username__in=planned).values_list(
                "user__username", flat=True
            )
        )
        for username, (first, last) in planned.items():
            user = found.get(username)
            if user is None:
                user = users.create(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@example.org",
                    password=_hashed(password, get_hasher().algorithm),
                )
                self.written.residents.append(username)
            if username not in with_role:
                role_grant(actor=None, coop=self.coop, user=user, kind=RoleKind.RESIDENT)

    def logins(self) -> None:
        logins = get_user_model().objects.filter(username__startswith=f"{self.coop.slug}.")
        self.people = {u.username.split(".", 1)[1]: u for u in logins}
        self.admin, self.staff = self.people["presidente"], self.people["staff"]
        # Who tells and supports needs: staff, members and residents (the board decides).
        self.pool = [self.people[k] for k in sorted(self.people) if k != "presidente"]
        self.tellers = [u for u in self.pool if u != self.staff]

    def _name(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    # -- dates -----------------------------------------------------------------------------------
    def _after(self, day: date, low: int, high: int) -> date:
        """A day ``low``..``high`` days after ``day``, yesterday at the latest."""
        return min(day + timedelta(days=self.rng.randint(low, high)), self.yesterday)

    def _changed(self, day: date) -> None:
        """The status changes the last service call wrote happened on ``day``."""
        for pk, need_id in NeedStatusChange.objects.filter(
            need__coop=self.coop, pk__gt=self.last_change
        ).values_list("pk", "need_id"):
            self.change_days[pk], self.changed_on[need_id] = day, day
            self.last_change = max(self.last_change, pk)

    def _moment(self, day: date) -> datetime:
        minutes = self.rng.randrange(9 * 60, 19 * 60)
        return timezone.make_aware(datetime.combine(day, time(minutes // 60, minutes % 60)))

    def _later(self, day: date, after: datetime | None) -> datetime:
        """A moment of ``day``, after ``after`` when that is the same day or later."""
        moment = self._moment(day)
        return moment if after is None or moment > after else after + timedelta(minutes=17)

    def date_everything(self) -> None:
        """Move what the services stamped "now" to the days it happened (a few bulk updates)."""
        told = {need.pk: self.told[key] for key, need in self.needs.items()}
        needs = list(Need.objects.filter(coop=self.coop).order_by("pk"))
        changes = list(NeedStatusChange.objects.filter(need__coop=self.coop).order_by("pk"))
        first: dict[int, datetime] = {}
        latest: dict[int, datetime] = {}
        for change in changes:  # in the order they happened; each need's first is its telling
            day = self.change_days.get(change.pk, told[change.need_id])
            change.at = latest[change.need_id] = self._later(day, latest.get(change.need_id))
            first.setdefault(change.need_id, change.at)
        for need in needs:
            need.created_at, need.status_changed_at = first[need.pk], latest[need.pk]
        NeedStatusChange.objects.bulk_update(changes, ["at"], batch_size=200)
        Need.objects.bulk_update(needs, ["created_at", "status_changed_at"], batch_size=200)
        supports = list(NeedSupport.objects.filter(need__coop=self.coop).order_by("pk"))
        for support in supports:
            support.created_at = self._moment(self._after(told[support.need_id], 1, 30))
        NeedSupport.objects.bulk_update(supports, ["created_at"], batch_size=200)

        proposals = list(Proposal.objects.filter(coop=self.coop).order_by("pk"))
        for proposal in proposals:
            days = self.proposal_days[proposal.pk]
            proposal.created_at = self._moment(days.made)
            if proposal.review_due_since:
                proposal.review_due_since = self._later(days.supported, proposal.created_at)
            if proposal.decided_at and days.decided:
                after = proposal.review_due_since or proposal.created_at
                proposal.decided_at = self._later(days.decided, after)
        Proposal.objects.bulk_update(
            proposals, ["created_at", "review_due_since", "decided_at"], batch_size=200
        )
        rows = list(ProposalSupport.objects.filter(proposal__coop=self.coop).order_by("pk"))
        for row in rows:
            days = self.proposal_days[row.proposal_id]
            row.created_at = self._moment(
                self._after(days.made, 0, (days.supported - days.made).days)
            )
        ProposalSupport.objects.bulk_update(rows, ["created_at"], batch_size=200)
        comments = list(ProposalComment.objects.filter(proposal__coop=self.coop).order_by("pk"))
        for comment in comments:
            comment.created_at = self._moment(self.proposal_days[comment.proposal_id].commented)
        ProposalComment.objects.bulk_update(comments, ["created_at"], batch_size=200)
        projects = list(Project.objects.filter(coop=self.coop).order_by("pk"))
        for project in projects:
            project.created_at = self._moment(self.project_days[project.pk])
        Project.objects.bulk_update(projects, ["created_at"], batch_size=200)

    # -- needs -----------------------------------------------------------------------------------
    def choose_needs(self, plan: CoopPlan) -> list[NeedPlan]:
        """The cooperative's own needs and a few common ones, waiting or being looked at."""
        common = [need for place, need in SHARED_NEEDS if place in ("any", plan.place)]
        picked = self.rng.sample(common, min(self.rng.randint(3, 7), len(common)))
        return [
            *plan.needs,
            *(n if self.rng.random() < 0.6 else replace(n, fate="review") for n in picked),
        ]

    def latest_days(self, plan: CoopPlan) -> dict[str, date]:
        """A need an accepted proposal answers was told well before its project started."""
        latest: dict[str, date] = {}
        for proposal in plan.proposals:
            if proposal.project is not None:
                start = min(_day(self.today, proposal.project.start_on), self.today)
                for key in proposal.needs:
                    latest[key] = min(latest.get(key, start), start - timedelta(days=70))
        return latest

    def tell(self, plan: CoopPlan, chosen: list[NeedPlan]) -> None:
        """Each need told online by a resident or member, or taken down by staff."""
        territory = list(self.coop.territory.order_by("istat_code")) or [self.coop.seat]
        latest = self.latest_days(plan)
        for need_plan in chosen:
            day = self.today - timedelta(days=self.rng.randint(20, 540))
            day = min(day, latest.get(need_plan.key, day))
            fields = {
                "title": need_plan.title,
                "description": need_plan.description,
                "category": need_plan.category,
                "municipality": self.rng.choice(territory),
                "locality": need_plan.locality or self.rng.choice(("", *plan.localities)),
                "age_groups": list(need_plan.ages),
                "people_affected": self.rng.randint(*need_plan.people),
                "urgency": need_plan.urgency,
            }
            if self.rng.random() < 0.65:
                need = needs_services.need_submit(
                    actor=self.rng.choice(self.tellers),
                    coop=self.coop,
                    fields=fields,
                    synthetic=True,
                )
            else:  # taken down by staff from paper, the phone or a meeting
                first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
                need = needs_services.need_submit(
                    actor=self.staff,
                    coop=self.coop,
                    fields=fields,
                    channel=self.rng.choice([Channel.PAPER, Channel.PHONE, Channel.MEETING]),
                    contact_email=(
                        f"{_ascii(first)}.{_ascii(last)}@example.org"
                        if self.rng.random() < 0.5
                        else ""
                    ),
                    synthetic=True,
                )
            self.needs[need_plan.key], self.told[need_plan.key] = need, day
            self.written.needs += 1

    def support(self, chosen: list[NeedPlan]) -> None:
        """Supports by the pool, written in bulk (one row per person, the count equal to the
        rows, as ``need_support`` keeps them) since they are most of the rows."""
        rows = []
        for plan in chosen:
            need = self.needs[plan.key]
            low, high = {Urgency.HIGH: (4, 12), Urgency.MEDIUM: (1, 8), Urgency.LOW: (0, 4)}[
                plan.urgency
            ]
            others = [u for u in self.pool if u.pk != need.submitted_by_id]
            chosen_users = self.rng.sample(others, min(self.rng.randint(low, high), len(others)))
            rows += [NeedSupport(need=need, user=user) for user in chosen_users]
            need.support_count = len(chosen_users)
        NeedSupport.objects.bulk_create(rows, batch_size=500)
        Need.objects.bulk_update(self.needs.values(), ["support_count"], batch_size=200)
        self.written.supports = len(rows)
        # Each need's first change is its telling, dated with it.
        self.last_change = max(
            NeedStatusChange.objects.filter(need__coop=self.coop).values_list("pk", flat=True),
            default=0,
        )

    def fates(self, chosen: list[NeedPlan]) -> None:
        """Duplicates merged, needs put under review or declined by the staff."""
        for plan in chosen:
            need = self.needs[plan.key]
            if plan.fate.startswith("dup:"):
                into = self.needs[plan.fate.removeprefix("dup:")]
                needs_services.need_merge(actor=self.staff, duplicate=need, into=into)
            elif plan.fate in ("review", "declined"):
                status = NeedStatus.UNDER_REVIEW if plan.fate == "review" else NeedStatus.DECLINED
                needs_services.need_set_status(
                    actor=self.staff, need=need, status=status, reason=plan.reason
                )
            else:
                continue
            self._changed(self._after(self.told[plan.key], 3, 40))

    def met(self, chosen: list[NeedPlan]) -> None:
        """Needs a project has met, some time after it answered them."""
        for plan in chosen:
            if plan.fate == "met":
                need = self.needs[plan.key]
                answered = self.changed_on.get(need.pk, self.told[plan.key])
                needs_services.need_set_status(
                    actor=self.staff, need=need, status=NeedStatus.MET, reason=plan.reason
                )
                self._changed(self._after(answered, 10, 60))

    # -- projects --------------------------------------------------------------------------------
    def _project_fields(self, plan: ProjectPlan) -> dict:
        fields = {
            "title": plan.title,
            "summary": plan.summary,
            "status": plan.status,
            "start_on": _day(self.today, plan.start_on),
        }
        if plan.end_on is not None:
            fields["end_on"] = _day(self.today, plan.end_on)
        return fields

    def project(self, plan: ProjectPlan, resources: dict[str, CommonResource]) -> None:
        """A project running before the cooperative used the platform, entered by the board;
        the needs it answers were told since."""
        project = project_create(
            actor=self.admin,
            coop=self.coop,
            fields=self._project_fields(plan),
            needs=[self.needs[key] for key in plan.needs],
            resources=[resources[name] for name in plan.resources],
            synthetic=True,
        )
        told = max((self.told[key] for key in plan.needs), default=self.yesterday)
        entered = self._after(told, 1, 15)
        self.project_days[project.pk] = entered
        self._changed(entered)
        self.details(project, plan)

    def details(self, project: Project, plan: ProjectPlan) -> None:
        """Objectives and their measurements, milestones, budget, team and timeline."""
        self.written.projects += 1
        start = _day(self.today, plan.start_on)
        for objective_plan in plan.objectives:
            objective = objective_add(
                actor=self.admin,
                project=project,
                fields={
                    "indicator": self.indicators[objective_plan.code],
                    "description": objective_plan.description,
                    "unit": objective_plan.unit,
                    "baseline": Decimal(objective_plan.baseline),
                    "target": Decimal(objective_plan.target),
                    "target_date": _day(self.today, objective_plan.target_on),
                    "method": METHODS[objective_plan.code],
                },
            )
            self.written.objectives += 1
            for day, value, note in self.measures(objective_plan, start):
                measurement_add(
                    actor=self.admin, objective=objective, measured_on=day, value=value, note=note
                )
                self.written.measurements += 1
        for title, due, done in plan.milestones:
            due_on = _day(self.today, due)
            done_on = None
            if done:
                done_on = min(due_on + timedelta(days=self.rng.randint(-10, 10)), self.yesterday)
            milestone_add(
                actor=self.admin,
                project=project,
                fields={"title": title, "due_on": due_on, "done_on": done_on},
            )
        for kind, label, amount in plan.budget:
            budget_line_add(
                actor=self.admin, project=project, kind=kind, label=label, amount=Decimal(amount)
            )
        for role, login, volunteer in plan.team:
            user = self.people.get(login) if login else None
            team_add(
                actor=self.admin,
                project=project,
                name="" if user else self._name(),
                role=role,
                user=user,
                is_volunteer=volunteer,
            )
        for when, text in plan.updates:
            day = min(_day(self.today, when), self.today)
            project_update_add(actor=self.admin, project=project, text=text, on_date=day)

    def measures(self, plan: ObjectivePlan, start: date) -> list[tuple[date, Decimal, str]]:
        """The public figures, then two or three synthetic values that cover ``reached`` of
        the way from the baseline to the target by now, a little noisy on the way."""
        found = [(day, Decimal(value), note) for day, value, note in plan.facts]
        if plan.reached <= 0:
            return found
        last = self.today - timedelta(days=self.rng.randint(3, 40))
        first = max(start, found[-1][0] if found else start, last - timedelta(days=720))
        first = min(first, last - timedelta(days=30))
        points = self.rng.choice([2, 3])
        baseline, target = Decimal(plan.baseline), Decimal(plan.target)
        step = STEPS.get(plan.code, Decimal(1))
        for n in range(1, points + 1):
            share = Decimal(str(plan.reached)) * n / points
            if n < points:
                share *= Decimal(str(round(self.rng.uniform(0.85, 1.1), 3)))
            value = ((baseline + (target - baseline) * share) / step).quantize(Decimal(1)) * step
            day = first + (last - first) * n // points
            found.append((day, value.quantize(Decimal("0.01")), "Valore sintetico"))
        return found

    # -- proposals -------------------------------------------------------------------------------
    def propose(self, plan: ProposalPlan, resources: dict[str, CommonResource]) -> None:
        """A proposal, its comments and supports, and the board's decision if it has one."""
        threshold = proposals_services.support_threshold(self.coop)
        proposer = self.rng.choice(self.tellers)
        made = self._after(max(self.told[key] for key in plan.needs), 3, 30)
        proposal = proposals_services.proposal_submit(
            actor=proposer,
            coop=self.coop,
            fields={
                "title": plan.title,
                "description": plan.description,
                "resource": resources[plan.resource] if plan.resource else None,
                "estimated_costs": Decimal(plan.costs),
                "estimated_revenues": Decimal(plan.revenues),
                "volunteers_needed": plan.volunteers,
            },
            needs=[self.needs[key] for key in plan.needs],
            synthetic=True,
        )
        self.written.proposals += 1
        others = [u for u in self.pool if u != proposer]
        for text in self.rng.sample(COMMENTS, self.rng.randint(0, 3)):
            author = self.rng.choice(others)
            proposals_services.proposal_comment(actor=author, proposal=proposal, text=text)
        wanted = {
            "open": self.rng.randint(1, max(1, threshold - 3)),
            "board": threshold + self.rng.randint(0, 2),
            "changes": threshold + self.rng.randint(0, 2),
            "accepted": threshold + self.rng.randint(0, 3),
            "declined": self.rng.randint(2, threshold + 1),
        }[plan.outcome]
        for user in self.rng.sample(others, min(wanted, len(others))):
            proposals_services.proposal_support(actor=user, proposal=proposal)
            self.written.proposal_supports += 1
        days = ProposalDays(made, self._after(made, 1, 10), self._after(made, 5, 25))
        self.proposal_days[proposal.pk] = days
        if plan.outcome in ("open", "board"):
            return
        days.decided = self._after(days.supported, 3, 30)
        if plan.project is not None:  # decided a week or a month before the project started
            start = _day(self.today, plan.project.start_on)
            decided = start - timedelta(days=self.rng.randint(7, 30))
            days.decided = min(max(decided, days.supported + timedelta(days=1)), self.yesterday)
        project = proposals_services.proposal_decide(
            actor=self.admin,
            proposal=proposal,
            decision={
                "accepted": Decision.ACCEPT,
                "changes": Decision.CHANGES,
                "declined": Decision.DECLINE,
            }[plan.outcome],
            reason=plan.reason,
            project_fields=self._project_fields(plan.project) if plan.project else None,
        )
        self._changed(days.decided)
        if project is not None and plan.project is not None:
            self.project_days[project.pk] = days.decided
            self.details(project, plan.project)

    # -- all -------------------------------------------------------------------------------------
    def run(self, plan: CoopPlan) -> None:
        self.logins()
        if not Indicator.objects.filter(coop__isnull=True).exists():
            catalogue_load()  # a test emptied the tables
        self.indicators = {i.code: i for i in Indicator.objects.filter(coop__isnull=True)}
        resources = {r.name: r for r in CommonResource.objects.filter(coop=self.coop)}
        chosen = self.choose_needs(plan)
        self.tell(plan, chosen)
        self.support(chosen)
        self.fates(chosen)
        for project_plan in plan.projects:
            self.project(project_plan, resources)
        for proposal_plan in plan.proposals:
            self.propose(proposal_plan, resources)
        self.met(chosen)
        self.date_everything()


@transaction.atomic
def projects_generate(
    coop: Cooperative, rng: random.Random, password: str, today: date | None = None
) -> dict:
    """The cooperative's synthetic residents (always, like the other demo logins) and its
    needs, proposals and projects (once); returns what was written."""
    generator = Generator(coop, rng, today or timezone.localdate())
    generator.residents(password)
    plan = PLANS.get(coop.slug)
    if plan is None or Need.objects.filter(coop=coop).exists():
        return {}
    with quiet():  # synthetic people have nobody to tell
        generator.run(plan)
    written = generator.written
    summary = {
        "needs": written.needs,
        "supports": written.supports,
        "proposals": written.proposals,
        "proposal_supports": written.proposal_supports,
        "projects": written.projects,
        "objectives": written.objectives,
        "measurements": written.measurements,
        "synthetic_residents": written.residents,
        "synthetic": True,
    }
    audit_record(actor=None, action="projects.synthetic", obj=coop, coop=coop, after=summary)
    return summary


@synthetic_step("projects")
def demo_projects(coop: Cooperative, rng: random.Random, password: str) -> None:
    """Needs, proposals and projects of the case study, and the residents who support them."""
    projects_generate(coop, rng, password)
