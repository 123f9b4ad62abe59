"""The case studies' consultations (synthetic): one closed consultation each, of a different
kind, about what each cooperative actually runs (DOMAIN.md §6) — the Modernissimo's autumn film
season by ranked choice, the work day at Brigì's Cà da Cardella refuge by a meeting-time poll,
La Paranza's proposal on the Cimitero delle Fontanelle's opening hours, AnversiAmo's dot vote
on the community fund, Ri-maflow's scores for new workshops in the recovered factory.

Everything goes through the consultations' services with the moment it happened (opened some
weeks ago, answered over two weeks, closed, the board's outcome a few days later), so the demo
obeys the same rules as real use, is marked synthetic, and sends no e-mail. The people who
answer are the cooperative's demo logins and its synthetic residents (made by the projects
step, which runs before: see ``demo/steps.py``). The consultations are the cases'
``[consultation]`` in ``demo/data``. The outcome is written from the results as counted. Loading
twice changes nothing."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from comunitas.core.audit import audit_record
from comunitas.core.models import Cooperative, Role
from comunitas.core.notify import quiet
from comunitas.decisions.consultations import answer_services as consultations_answer_services
from comunitas.decisions.consultations import selectors
from comunitas.decisions.consultations import services as consultations_services
from comunitas.decisions.models.consultations import (
    AUDIENCE_ROLES,
    Availability,
    Consultation,
    ConsultationKind,
)
from comunitas.demo.plans import CASE_PLANS, ConsultationPlan
from comunitas.projects.models import Need, Project, Proposal

PLANS: dict[str, ConsultationPlan] = {
    slug: p.consultation for slug, p in CASE_PLANS.items() if p.consultation
}
WINDOW_DAYS = 14  # how long each consultation was open
CLOSED_DAYS_AGO = 24


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _people(coop: Cooperative, audience: str) -> tuple[list, object]:
    """The cooperative's demo logins and synthetic residents in the audience, and its staff."""
    users = get_user_model().objects.filter(
        username__startswith=f"{coop.slug}.",
        coop_roles__coop=coop,
        coop_roles__kind__in=AUDIENCE_ROLES[audience],
    )
    people = list(users.order_by("username").distinct())
    staff = get_user_model().objects.filter(username=f"{coop.slug}.staff").first()
    return people, staff


def _about(coop: Cooperative, plan: ConsultationPlan) -> dict:
    kind, words = plan.about
    model = {"need": Need, "proposal": Proposal, "project": Project}.get(kind)
    if model is None:
        return {}
    found = model.objects.filter(coop=coop, title__icontains=words).order_by("pk").first()
    return {kind: found} if found else {}


def _slots(plan: ConsultationPlan, first_day: date) -> list[dict]:
    """Saturdays and Sundays after the closing, 8 to 16."""
    saturday = first_day + timedelta(days=(5 - first_day.weekday()) % 7)
    days = [saturday, saturday + timedelta(days=1), saturday + timedelta(days=7)]
    return [
        {"label": "", "starts_at": _at(day, 8), "ends_at": _at(day, 16)}
        for day in days[: len(plan.options)]
    ]


def _lean(rng: random.Random, weights: tuple[int, ...]) -> list[int]:
    """An order of the options, each person leaning to the heavier ones."""
    left = list(range(len(weights)))
    order = []
    while left:
        pick = rng.choices(left, weights=[weights[i] for i in left])[0]
        order.append(pick)
        left.remove(pick)
    return order


def _answer(plan: ConsultationPlan, ids: list[int], rng: random.Random) -> dict:
    kind = plan.kind
    if kind == ConsultationKind.PROPOSAL:
        positions = ["agree", "abstain", "disagree", "block"]
        return {"position": rng.choices(positions, weights=plan.weights)[0]}
    order = _lean(rng, plan.weights)
    if kind == ConsultationKind.RANKED:
        ranked = order[: rng.randint(1, len(order))]
        return {"ranks": [(ids[i], rank) for rank, i in enumerate(ranked, start=1)]}
    if kind == ConsultationKind.DOTS:
        spread = dict.fromkeys(range(len(ids)), 0)
        for _dot in range(plan.dots):
            spread[rng.choices(range(len(ids)), weights=plan.weights)[0]] += 1
        return {"dots": [(ids[i], n) for i, n in spread.items()]}
    if kind == ConsultationKind.SCORE:
        top = max(plan.weights)
        return {
            "scores": [
                (pk, max(0, min(5, round(5 * w / top) + rng.randint(-2, 1))))
                for pk, w in zip(ids, plan.weights, strict=True)
            ]
        }
    # A meeting-time poll: yes more often for the slots people lean to.
    top = max(plan.weights)
    answers = []
    for pk, w in zip(ids, plan.weights, strict=True):
        roll = rng.random() * top
        value = Availability.YES if roll < w * 0.8 else Availability.MAYBE
        if roll > w + 0.5:
            value = Availability.NO
        answers.append((pk, value))
    return {"availability": answers}


def _reason(plan: ConsultationPlan, position: str, rng: random.Random, used: set[int]) -> str:
    fitting = [i for i, (p, _t) in enumerate(plan.reasons) if p == position and i not in used]
    if not fitting or rng.random() < 0.4:
        return ""
    used.add(fitting[0])
    return plan.reasons[fitting[0]][1]


def _winner(consultation: Consultation, viewer) -> str:
    found = selectors.results(consultation=consultation, viewer=viewer)
    if found.winner is not None:
        return selectors.slot_label(found.winner)
    best = next((row for row in found.options if row.best), None)
    return best.label if best else ""


@transaction.atomic
def consultations_generate(
    coop: Cooperative, rng: random.Random, today: date | None = None
) -> dict:
    """The cooperative's synthetic consultation, once; returns what was written."""
    plan = PLANS.get(coop.slug)
    if plan is None or Consultation.objects.filter(coop=coop, synthetic=True).exists():
        return {}
    people, staff = _people(coop, plan.audience)
    if staff is None or not people:
        return {}
    today = today or timezone.localdate()
    closes = _at(today - timedelta(days=CLOSED_DAYS_AGO), 20)
    opened = closes - timedelta(days=WINDOW_DAYS)
    fields = {
        "title": plan.title,
        "description": plan.description + "\n\n(Dati sintetici: consultazione dimostrativa.)",
        "kind": plan.kind,
        "audience": plan.audience,
        "anonymous": plan.anonymous,
        "closes_at": closes,
        "dots": plan.dots,
        **_about(coop, plan),
    }
    if plan.kind == ConsultationKind.MEETING:
        options = _slots(plan, timezone.localdate(closes) + timedelta(days=3))
    elif plan.kind == ConsultationKind.PROPOSAL:
        options = []
    else:
        options = [{"label": label} for label in plan.options]
    with quiet():  # synthetic people have nobody to tell
        consultation = consultations_services.consultation_create(
            actor=staff, coop=coop, **fields, options=options, synthetic=True
        )
        consultation = consultations_services.consultation_open(
            actor=staff, consultation=consultation, at=opened
        )
        ids = [o.pk for o in consultation.options.all()]
        answering = [u for u in people if rng.random() < 0.8] or people[:1]
        used: set[int] = set()
        for n, user in enumerate(answering):
            at = opened + timedelta(minutes=37 + n * (WINDOW_DAYS * 24 * 60 - 60) // len(answering))
            answer = _answer(plan, ids, rng)
            if plan.kind == ConsultationKind.PROPOSAL:
                answer["reason"] = _reason(plan, answer["position"], rng, used)
            consultations_answer_services.consultation_answer(
                actor=user, consultation=consultation, at=at, **answer
            )
        consultation = consultations_services.consultation_close(
            actor=staff, consultation=consultation, at=closes
        )
        board = get_user_model().objects.filter(username=f"{coop.slug}.presidente").first()
        winner = _winner(consultation, staff)
        stated = closes + timedelta(days=3)
        consultation = consultations_services.consultation_outcome(
            actor=board or staff,
            consultation=consultation,
            text=plan.outcome.format(winner=winner),
            on_date=timezone.localdate(stated),
            at=stated,
        )
    # The day it was set up, a week before it opened (the services stamp "now").
    Consultation.objects.filter(pk=consultation.pk).update(created_at=opened - timedelta(days=7))
    summary = {
        "consultation": consultation.title,
        "kind": consultation.kind,
        "answers": len(answering),
        "audience": Role.objects.filter(coop=coop, kind__in=AUDIENCE_ROLES[plan.audience]).count(),
        "synthetic": True,
    }
    audit_record(actor=None, action="consultations.synthetic", obj=coop, coop=coop, after=summary)
    return summary


def demo_consultations(coop: Cooperative, rng: random.Random, password: str) -> None:
    """One closed consultation of the case study, answered and with the board's outcome."""
    consultations_generate(coop, rng)
