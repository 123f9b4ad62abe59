"""The case studies' consultations: one each, of a different kind, closed, answered by the demo's
people under the rules the services keep, with the board's outcome naming what the count chose;
marked synthetic, deterministic with the seed, written once."""

import random

import pytest
from django.utils import timezone

from comunitas.core.models import AuditEntry, Cooperative
from comunitas.decisions.consultations import selectors
from comunitas.decisions.models.consultations import (
    Consultation,
    ConsultationBallot,
    ConsultationMark,
    ConsultationParticipation,
)
from comunitas.demo.generators.consultations import (
    PLANS,
    consultations_generate,
    demo_consultations,
)
from comunitas.demo.plans import CASES
from tests.demo.conftest import PASSWORD, SEED

pytestmark = pytest.mark.django_db


def state() -> list:
    return [
        list(Consultation.objects.order_by("coop__slug").values_list("title", "kind", "outcome")),
        sorted(ConsultationMark.objects.values_list("option__label", "value")),
        ConsultationParticipation.objects.count(),
    ]


def test_every_case_study_has_one_closed_consultation_with_answers_and_an_outcome(demo_loaded):
    """One closed consultation per case study, each of its own kind, answered within its dates
    and given the board's outcome naming what the count chose."""
    assert demo_loaded.outbox == []  # synthetic people are told nothing
    kinds = set()
    for case in CASES:
        coop = Cooperative.objects.get(slug=case.slug)
        consultation = Consultation.objects.get(coop=coop)
        assert consultation.synthetic and "Dati sintetici" in consultation.description
        assert consultation.status == "closed" and consultation.is_closed
        assert consultation.closed_at == consultation.closes_at
        assert consultation.opened_at < consultation.closes_at < timezone.now()
        assert consultation.created_at < consultation.opened_at
        kinds.add(consultation.kind)
        participations = ConsultationParticipation.objects.filter(consultation=consultation)
        assert participations.exists()
        assert all(
            consultation.opened_at <= p.created_at <= consultation.closes_at for p in participations
        )
        assert ConsultationBallot.objects.filter(consultation=consultation).count() == (
            participations.count()
        )
        viewer = coop.roles.get(user__username=f"{coop.slug}.staff").user
        found = selectors.results(consultation=consultation, viewer=viewer)
        assert found.final and found.participants == participations.count() <= found.audience
        winner = found.winner or next(row.option for row in found.options if row.best)
        assert consultation.outcome
        assert consultation.outcome_on > timezone.localdate(consultation.closed_at)
        assert consultation.outcome_by.username == f"{coop.slug}.presidente"
        if PLANS[case.slug].outcome.count("{winner}"):
            assert selectors.slot_label(winner) in consultation.outcome
        assert AuditEntry.objects.filter(coop=coop, action="consultations.synthetic").exists()
    assert len(kinds) == len(CASES)  # a different kind for each case study
    modernissimo = Consultation.objects.get(coop__slug="post-modernissimo")
    assert modernissimo.kind == "ranked_choice" and modernissimo.anonymous
    assert not ConsultationBallot.objects.filter(
        consultation=modernissimo, participation__isnull=False
    ).exists()
    assert Consultation.objects.get(coop__slug="brigi").project.title.startswith("Rifugio")


def test_loading_twice_changes_nothing_and_the_seed_decides(demo_loaded):
    """The step run again writes nothing; generated again with the same seed, the same
    consultation and answers."""
    before = state()
    coop = Cooperative.objects.get(slug="brigi")
    demo_consultations(coop, random.Random(1), PASSWORD)
    assert state() == before
    # The same seed gives the same answers.
    paranza = Cooperative.objects.get(slug="la-paranza")
    Consultation.objects.filter(coop=paranza).delete()
    consultations_generate(paranza, random.Random(f"{SEED}:{paranza.slug}:consultations"))
    assert state() == before
