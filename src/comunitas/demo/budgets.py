"""A participatory budget of Post-modernissimo's community reinvestment fund (issue 6, point 5).

The reopened Modernissimo cinema of Perugia (DOMAIN.md §6) lets its members and the people of
the centro storico decide part of its reinvestment fund: nine projects for the two screens and
their public (subtitles for deaf viewers, a ramp and wheelchair places in the small hall, new
seats, a sound system, afternoons for older people, films in the original language, a workshop
with the schools; a bar in place of the small hall and a summer screen in the square are not
feasible), reviewed by staff, voted on knapsack ballots by 120 synthetic residents and the demo
logins, counted by both rules, the funded projects linked to the cooperative's projects that
carry them out. Every name, amount, ballot and date is synthetic and marked so; only the
cinema, its two halls and their seats are public facts.

Written through the services, as people would (residents and members propose, staff review
and move the phases, each voter casts a ballot), so the rules and the audit trail hold, with
no e-mail queued (``quiet``). The services stamp "now"; the dates are then moved back to a vote
held a month ago, in a few bulk updates. A cooperative that already has a budget is left as it
is: loading twice changes nothing. The step runs after the projects' (needs, proposals and
projects come first).
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

import comunitas.demo.projects  # noqa: F401 - its step (needs, proposals, projects) runs first
from comunitas.core.audit import audit_record
from comunitas.core.coops.services import role_grant
from comunitas.core.models import Cooperative, Role, RoleKind
from comunitas.core.notify import quiet
from comunitas.decisions.budgets import services
from comunitas.decisions.models.budgets import (
    BudgetBallot,
    BudgetProject,
    BudgetReviewStatus,
    ParticipatoryBudget,
)
from comunitas.demo.synthetic import FIRST_NAMES, LAST_NAMES, synthetic_step
from comunitas.projects.models import Need, Project, Proposal

SLUG = "post-modernissimo"
VOTERS = 120  # synthetic residents who vote, besides the demo logins
FUND = Decimal("24000.00")

# (key, title, description, estimated cost, reviewed cost or a reason it is not feasible,
#  who proposes it, the demo need or proposal it comes from)
PLANS = [
    (
        "sottotitoli",
        "Sottotitoli per persone sorde in sala grande",
        "Un sistema di sottotitoli e di amplificazione per chi non sente bene, in sala grande, "
        "per tutte le proiezioni del fine settimana.",
        "6500.00",
        "6800.00",
        "residente",
        None,
    ),
    (
        "rampa",
        "Rampa e posti per carrozzine in sala 2",
        "In sala 2 si entra solo con tre gradini: una rampa e quattro posti per carrozzine.",
        "9000.00",
        "8400.00",
        "socio",
        None,
    ),
    (
        "lingua",
        "Rassegna in lingua originale",
        "Un film al mese in lingua originale con i sottotitoli, in sala 2, con i diritti "
        "di proiezione e una piccola promozione.",
        "4000.00",
        "3600.00",
        "socio",
        "proposal:Rassegna in lingua originale",
    ),
    (
        "anziani",
        "Pomeriggi al cinema per gli anziani",
        "Il martedì alle 16 un film a prezzo ridotto con un tè, e il trasporto per chi non "
        "può arrivare da solo.",
        "3000.00",
        "3200.00",
        "residente",
        "need:Proiezioni pomeridiane per gli anziani",
    ),
    (
        "audio",
        "Nuovo impianto audio in sala grande",
        "L'impianto audio della sala da 159 posti ha vent'anni: casse e amplificatori nuovi.",
        "18000.00",
        "16500.00",
        "staff",
        None,
    ),
    (
        "scuole",
        "Laboratorio di cinema con le scuole",
        "Dieci incontri con due classi delle medie per scrivere e girare un cortometraggio, "
        "proiettato in sala a fine anno.",
        "5000.00",
        "5200.00",
        "residente",
        "need:Il cinema per le scuole al mattino",
    ),
    (
        "poltrone",
        "Poltrone nuove in sala 2",
        "Le 54 poltrone della sala piccola sono rotte o scomode: sostituirle.",
        "7500.00",
        "7900.00",
        "socio",
        None,
    ),
    (
        "bar",
        "Trasformare la sala 2 in un bar",
        "Chiudere la sala piccola e farne un bar aperto tutto il giorno.",
        "15000.00",
        "La sala 2 è autorizzata come sala cinematografica: cambiarne la destinazione "
        "richiederebbe un nuovo progetto e anni di permessi. Non è fattibile con questo fondo.",
        "residente",
        None,
    ),
    (
        "arena",
        "Schermo all'aperto in piazza d'estate",
        "Un'arena estiva con schermo gonfiabile in una piazza del centro storico.",
        "12000.00",
        "Serve la concessione del suolo pubblico per tutta l'estate, che il Comune non "
        "rilascia per il 2026; il costo di noleggio e sicurezza supera poi la stima.",
        "socio",
        None,
    ),
]
# Groups of voters and the projects each prefers, in order: a ballot takes them while they fit.
GROUPS = [
    (0.35, ["audio", "poltrone", "lingua", "scuole"]),
    (0.25, ["anziani", "sottotitoli", "rampa", "poltrone"]),
    (0.2, ["rampa", "sottotitoli", "anziani"]),
    (0.2, ["scuole", "lingua", "audio"]),
]
# The cooperative's demo projects that carry out funded ones (its accountability pages).
FOLLOW_UPS = {
    "scuole": "Proiezioni per le scuole",
    "lingua": "Riapertura del cinema Modernissimo",
    "anziani": "Riapertura del cinema Modernissimo",
}
FALLBACK_FOLLOW_UP = "Riapertura del cinema Modernissimo"


def _voters(coop: Cooperative, rng: random.Random) -> list:
    """The synthetic residents who vote (created once, without a usable password: they never
    log in), with the demo logins and the residents of the projects' step."""
    users = get_user_model().objects
    planned = {
        f"{coop.slug}.spettatore{n:03d}": (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
        for n in range(1, VOTERS + 1)
    }
    found = {u.username: u for u in users.filter(username__in=planned)}
    unusable = make_password(None)
    with_role = set(
        Role.objects.filter(coop=coop, user__username__in=planned).values_list(
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
                password=unusable,
            )
        if username not in with_role:
            role_grant(actor=None, coop=coop, user=user, kind=RoleKind.RESIDENT)
    prefix = f"{coop.slug}."
    return list(
        users.filter(coop_roles__coop=coop, username__startswith=prefix).order_by("username")
    )


def _ballot(rng: random.Random, costs: dict[str, Decimal], keys: list[str]) -> list[str]:
    """A knapsack ballot: a group's preferences, shuffled a little, taken while they fit."""
    wanted = list(keys)
    if rng.random() < 0.4:
        i = rng.randrange(len(wanted) - 1)
        wanted[i], wanted[i + 1] = wanted[i + 1], wanted[i]
    if rng.random() < 0.3:
        wanted.append(rng.choice(sorted(costs)))
    chosen, total = [], Decimal(0)
    for key in dict.fromkeys(wanted):
        if total + costs[key] <= FUND and rng.random() < 0.85:
            chosen.append(key)
            total += costs[key]
    return chosen or [keys[-1]]


def _origin(coop: Cooperative, link: str | None) -> dict:
    if link is None:
        return {}
    kind, title = link.split(":", 1)
    if kind == "need":
        return {
            "need": Need.objects.filter(coop=coop, title=title).exclude(status="merged").first()
        }
    return {"proposal": Proposal.objects.filter(coop=coop, title=title).first()}


@transaction.atomic
def budget_generate(coop: Cooperative, rng: random.Random) -> dict:
    """The budget, from its set-up to its follow-up; returns what was written (nothing when the
    cooperative is not Post-modernissimo or has a budget already)."""
    if coop.slug != SLUG or ParticipatoryBudget.objects.filter(coop=coop).exists():
        return {}
    users = get_user_model().objects
    logins = {u.username.split(".", 1)[1]: u for u in users.filter(username__startswith=f"{SLUG}.")}
    admin, staff = logins["presidente"], logins["staff"]
    voters = _voters(coop, rng)
    now = timezone.now()
    budget = services.budget_create(
        actor=admin,
        coop=coop,
        fields={
            "title": "Bilancio partecipativo 2026 del fondo di reinvestimento",
            "description": (
                "Una parte dell'utile del cinema torna alla comunità: soci e residenti del "
                "centro storico propongono e scelgono come spenderla. Dati sintetici."
            ),
            "amount": FUND,
            "earmark_reference": "Assemblea dei soci, delibera sulla destinazione dell'utile "
            "(dati sintetici)",
            "method": "knapsack",
            "audience": "both",
            "official_rule": "equal_shares",
            "voting_opens_at": now - timedelta(minutes=5),
            "voting_closes_at": now + timedelta(days=14),
        },
        synthetic=True,
    )
    made: dict[str, BudgetProject] = {}
    for key, title, text, estimate, _review, who, link in PLANS:
        made[key] = services.budget_project_propose(
            actor=logins[who],
            budget=budget,
            fields={"title": title, "description": text, "estimated_cost": Decimal(estimate)},
            synthetic=True,
            **_origin(coop, link),
        )
    budget = services.budget_phase_set(actor=staff, budget=budget, phase="review")
    for key, _title, _text, _estimate, review, _who, _link in PLANS:
        feasible = review[0].isdigit()
        services.budget_project_review(
            actor=staff,
            project=made[key],
            status=BudgetReviewStatus.FEASIBLE if feasible else BudgetReviewStatus.NOT_FEASIBLE,
            reviewed_cost=Decimal(review) if feasible else None,
            reason="" if feasible else review,
        )
    budget = services.budget_phase_set(actor=staff, budget=budget, phase="voting")
    costs = {key: Decimal(review) for key, *_rest, review, _w, _l in PLANS if review[0].isdigit()}
    shares = [share for share, _keys in GROUPS]
    for voter in voters:
        _share, keys = rng.choices(GROUPS, weights=shares)[0]
        chosen = _ballot(rng, costs, keys)
        services.budget_vote(
            actor=voter, budget=budget, project_ids=[made[key].pk for key in chosen]
        )
    budget = services.budget_phase_set(actor=staff, budget=budget, phase="results")
    projects = {p.title: p for p in Project.objects.filter(coop=coop)}
    linked = 0
    for key, project in made.items():
        project.refresh_from_db()
        if not project.funded:
            continue
        carried = projects.get(FOLLOW_UPS.get(key, "")) or (
            projects.get(FALLBACK_FOLLOW_UP) if not linked else None
        )
        if carried is not None:
            services.budget_project_follow_up(actor=staff, project=project, follow_up=carried)
            linked += 1
    budget = services.budget_phase_set(actor=staff, budget=budget, phase="follow_up")
    _date_everything(budget, rng)
    summary = {
        "budget": budget.pk,
        "projects": len(made),
        "ballots": budget.ballot_count,
        "funded": sorted(p.title for p in made.values() if p.funded),
        "followed_up": linked,
        "synthetic": True,
    }
    audit_record(actor=None, action="budget.synthetic", obj=budget, coop=coop, after=summary)
    return summary


def _date_everything(budget: ParticipatoryBudget, rng: random.Random) -> None:
    """The vote held a month ago: proposals two months before, the review after them, the
    ballots spread over the two weeks of the vote, the count on its last day."""
    now = timezone.now()
    closes = now - timedelta(days=30)
    opens = closes - timedelta(days=14)
    ParticipatoryBudget.objects.filter(pk=budget.pk).update(
        created_at=opens - timedelta(days=60),
        voting_opens_at=opens,
        voting_closes_at=closes,
        counted_at=closes,
        phase_changed_at=closes + timedelta(days=7),
    )
    for project in BudgetProject.objects.filter(budget=budget).order_by("id"):
        proposed = opens - timedelta(days=rng.randint(35, 55))
        BudgetProject.objects.filter(pk=project.pk).update(
            created_at=proposed, reviewed_at=proposed + timedelta(days=rng.randint(10, 20))
        )
    for ballot in BudgetBallot.objects.filter(budget=budget).only("id"):
        cast = opens + timedelta(minutes=rng.randint(0, 14 * 24 * 60 - 1))
        BudgetBallot.objects.filter(pk=ballot.pk).update(cast_at=cast)


@synthetic_step("budgets")
def demo_budget(coop: Cooperative, rng: random.Random, password: str = "") -> None:
    """Post-modernissimo's participatory budget (a demo step: the password is unused, its
    voters never log in)."""
    with quiet():  # synthetic people have nobody to tell
        budget_generate(coop, rng)
