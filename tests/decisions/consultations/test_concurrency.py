"""Answers at the same instant, on real threads with their own database connections (as
concurrent requests): one person clicking many times counts once, many people at once are all
counted, and an answer racing the closing either lands before it or is refused. Runs on SQLite
(transactions BEGIN IMMEDIATE: they queue for the write lock) and on PostgreSQL
(DATABASE_URL=postgres://…: the consultation's row lock and the unique participation).

Transactional tests empty the tables afterwards: the territory comes back with the ``people``
fixture (``territory``)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from comunitas.core.coops.services import role_grant
from comunitas.core.errors import ValidationError
from comunitas.core.models import RoleKind
from comunitas.decisions.consultations import answer_services as consultations_answer_services
from comunitas.decisions.consultations import services as consultations_services
from comunitas.decisions.models.consultations import (
    ConsultationBallot,
    ConsultationMark,
    ConsultationParticipation,
)
from tests.decisions.consultations.matrix import open_consultation, option_ids
from tests.helpers import make_user, run_together

pytestmark = pytest.mark.django_db(transaction=True)


def crowd(people, n: int) -> list:
    users = []
    for i in range(n):
        user = make_user(f"neighbour{i}")
        role_grant(actor=people["admin"], coop=people["coop"], user=user, kind=RoleKind.RESIDENT)
        users.append(user)
    return users


def as_user(username: str, consultation, **answer):
    """A job as a request runs it: its own copy of the user and of the consultation."""

    def job():
        actor = get_user_model().objects.get(username=username)
        return consultations_answer_services.consultation_answer(
            actor=actor, consultation=type(consultation).objects.get(pk=consultation.pk), **answer
        )

    return job


def stored(consultation) -> tuple[int, int, int]:
    return (
        ConsultationParticipation.objects.filter(consultation=consultation).count(),
        ConsultationBallot.objects.filter(consultation=consultation).count(),
        ConsultationMark.objects.filter(ballot__consultation=consultation).count(),
    )


def close(consultation):
    return consultations_services.consultation_close(
        actor=get_user_model().objects.get(username="staff1"),
        consultation=type(consultation).objects.get(pk=consultation.pk),
    )


def test_one_person_answering_an_anonymous_consultation_many_times_at_once_counts_once(people):
    consultation = open_consultation(people["coop"], people["staff"], anonymous=True)
    first = option_ids(consultation)[0]
    results = run_together([as_user("member1", consultation, choices=[first]) for _ in range(6)])
    won = [r for r in results if isinstance(r, ConsultationParticipation)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(won) == 1 and len(refused) == 5, results
    assert all("already answered" in str(r) for r in refused)
    close(consultation)  # the one answer sealed is counted at the close
    assert stored(consultation) == (1, 1, 1)


def test_one_person_answering_a_named_consultation_many_times_at_once_counts_once(people):
    consultation = open_consultation(people["coop"], people["staff"], kind="ranked_choice")
    a, b, c = option_ids(consultation)
    orders = [[a, b, c], [b, c, a], [c, a, b]] * 2
    jobs = [
        as_user("member1", consultation, ranks=[(pk, i + 1) for i, pk in enumerate(order)])
        for order in orders
    ]
    results = run_together(jobs)
    assert all(isinstance(r, ConsultationParticipation) for r in results), results
    # Each answer replaced the one before: one participation, one ballot of three ranks.
    assert stored(consultation) == (1, 1, 3)


def test_many_people_answering_at_once_are_all_counted(people):
    consultation = open_consultation(people["coop"], people["staff"], kind="dot_vote", dots=3)
    ids = option_ids(consultation)
    users = crowd(people, 12)
    jobs = [
        as_user(u.username, consultation, dots=[(ids[i % 3], 2), (ids[(i + 1) % 3], 1)])
        for i, u in enumerate(users)
    ]
    results = run_together(jobs)
    assert all(isinstance(r, ConsultationParticipation) for r in results), results
    assert stored(consultation) == (12, 12, 24)
    totals = sorted(
        ConsultationMark.objects.filter(ballot__consultation=consultation).values_list(
            "value", flat=True
        )
    )
    assert sum(totals) == 36


def test_answers_racing_the_closing_land_before_it_or_are_refused(people):
    consultation = open_consultation(people["coop"], people["staff"])
    first = option_ids(consultation)[0]
    users = crowd(people, 8)
    jobs = [as_user(u.username, consultation, choices=[first]) for u in users]

    results = run_together([*jobs, lambda: close(consultation)])
    closed = results[-1]
    answered = [r for r in results[:-1] if isinstance(r, ConsultationParticipation)]
    refused = [r for r in results[:-1] if isinstance(r, ValidationError)]
    assert len(answered) + len(refused) == 8, results
    assert all("closed" in str(r) for r in refused)
    participations = ConsultationParticipation.objects.filter(consultation=consultation)
    assert participations.count() == len(answered)
    # Every counted answer was written before the closing committed.
    assert all(p.created_at <= closed.closed_at for p in participations)
