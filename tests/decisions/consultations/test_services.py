"""The rules of consultations, one by one, through the services: setting up, options, opening,
answering each kind (and every bad answer: a clear field error and nothing recorded), the
audience, anonymity, closing (by hand or by the clock) and the outcome."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from comunitas.core.errors import ValidationError
from comunitas.core.models import AuditEntry
from comunitas.decisions.apps import AUDIT_LABELS
from comunitas.decisions.consultations import answer_services as consultations_answer_services
from comunitas.decisions.consultations import selectors
from comunitas.decisions.consultations import services as consultations_services
from comunitas.decisions.models.consultations import (
    Availability,
    Consultation,
    ConsultationBallot,
    ConsultationMark,
    ConsultationParticipation,
    ConsultationStatus,
)
from comunitas.decisions.models.sealed import SealedBallot
from tests.decisions.consultations.matrix import (
    closed_consultation,
    closing,
    make_consultation,
    open_consultation,
    option_ids,
    slots,
)
from tests.helpers import assert_refused, make_coop, make_need, make_project, make_proposal

pytestmark = pytest.mark.django_db


def field_of(exc: pytest.ExceptionInfo) -> str | None:
    return exc.value.errors[0].field


def counts(consultation) -> tuple[int, int, int]:
    return (
        ConsultationParticipation.objects.filter(consultation=consultation).count(),
        ConsultationBallot.objects.filter(consultation=consultation).count(),
        ConsultationMark.objects.filter(ballot__consultation=consultation).count(),
    )


def refused(consultation, actor, field: str | None, **answer) -> str:
    """The answer is refused with an error on ``field`` and nothing is recorded; the message."""
    error = assert_refused(
        consultations_answer_services.consultation_answer,
        actor=actor,
        consultation=consultation,
        on=field,
        unchanged=lambda: counts(consultation),
        **answer,
    )
    return error.errors[0].message


# --- setting up ---------------------------------------------------------------------------------
def test_a_proposal_gets_its_four_answers_and_refuses_other_options(people):
    coop, staff = people["coop"], people["staff"]
    proposal = make_consultation(coop, staff, kind="proposal")
    assert [o.code for o in proposal.options.all()] == ["agree", "abstain", "disagree", "block"]
    assert proposal.status == ConsultationStatus.DRAFT
    with pytest.raises(ValidationError):
        consultations_services.option_add(actor=staff, consultation=proposal, label="Forse")
    with pytest.raises(ValidationError):
        consultations_services.option_remove(actor=staff, option=proposal.options.first())
    with pytest.raises(ValidationError) as exc:
        consultations_services.consultation_create(
            actor=staff,
            coop=coop,
            title="x",
            kind="proposal",
            closes_at=closing(),
            options=[{"label": "A"}],
        )
    assert field_of(exc) == "options"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "   "}, "title"),
        ({"kind": "poll"}, "kind"),
        ({"audience": "everyone"}, "audience"),
        ({"closes_at": None}, "closes_at"),
        ({"closes_at": timezone.now().replace(tzinfo=None)}, "closes_at"),
        ({"closes_at": timezone.now().replace(year=2999)}, "closes_at"),
        ({"min_choices": 0}, "min_choices"),
        ({"min_choices": 3, "max_choices": 2}, "max_choices"),
        ({"dots": 0}, "dots"),
        ({"dots": 5000}, "dots"),
        ({"title": "x" * 201}, "title"),
    ],
)
def test_a_consultation_with_bad_fields_is_refused_by_field(people, fields, field):
    with pytest.raises(ValidationError) as exc:
        make_consultation(people["coop"], people["staff"], **fields)
    assert field_of(exc) == field


def test_a_consultation_has_no_other_fields(people):
    # The service's keywords are the consultation's fields: any other is refused by name.
    with pytest.raises(TypeError, match="'colour'"):
        make_consultation(people["coop"], people["staff"], colour="red")
    assert not Consultation.objects.exists()


def test_it_is_about_one_thing_of_the_same_cooperative(people):
    coop, staff, other = people["coop"], people["staff"], people["other"]
    need = make_need(coop, people["resident"])
    proposal = make_proposal(coop, people["member"], [need])
    project = make_project(coop, people["admin"])
    for field, value in (("need", need), ("proposal", proposal), ("project", project)):
        consultation = make_consultation(coop, staff, **{field: value})
        assert getattr(consultation, field) == value
    foreign_need = make_need(other, people["stranger"])
    foreign_project = make_project(other, people["stranger"])
    for field, value in (("need", foreign_need), ("project", foreign_project)):
        with pytest.raises(ValidationError) as exc:
            make_consultation(coop, staff, **{field: value})
        assert field_of(exc) == field
    with pytest.raises(ValidationError) as exc:
        make_consultation(coop, staff, need=need, project=project)
    assert field_of(exc) == "project"


def test_time_slots_end_after_they_start_and_only_polls_have_them(people):
    coop, staff = people["coop"], people["staff"]
    poll = make_consultation(coop, staff, kind="meeting_time")
    start = timezone.now() + timedelta(days=3)
    with pytest.raises(ValidationError) as exc:
        consultations_services.option_add(
            actor=staff, consultation=poll, starts_at=start, ends_at=start
        )
    assert field_of(exc) == "ends_at"
    with pytest.raises(ValidationError) as exc:
        consultations_services.option_add(
            actor=staff,
            consultation=poll,
            starts_at=start,
            ends_at=start - timedelta(hours=1),
        )
    assert field_of(exc) == "ends_at"
    with pytest.raises(ValidationError) as exc:
        consultations_services.option_add(actor=staff, consultation=poll, ends_at=start)
    assert field_of(exc) == "starts_at"
    slot = consultations_services.option_add(
        actor=staff,
        consultation=poll,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    assert selectors.slot_label(slot)  # named by its times
    choice = make_consultation(coop, staff)
    with pytest.raises(ValidationError) as exc:
        consultations_services.option_add(
            actor=staff, consultation=choice, label="Sera", starts_at=start
        )
    assert field_of(exc) == "starts_at"


def test_options_have_a_name_each_and_change_only_while_a_draft(people):
    coop, staff = people["coop"], people["staff"]
    draft = make_consultation(coop, staff)
    for label in ("  ", "documentari"):
        with pytest.raises(ValidationError) as exc:
            consultations_services.option_add(actor=staff, consultation=draft, label=label)
        assert field_of(exc) == "label"
    option = consultations_services.option_add(actor=staff, consultation=draft, label="Corti")
    consultations_services.option_update(
        actor=staff, option=option, fields={"label": "Cortometraggi"}
    )
    option.refresh_from_db()
    assert option.label == "Cortometraggi"
    consultations_services.option_remove(actor=staff, option=option)
    opened = consultations_services.consultation_open(actor=staff, consultation=draft)
    first = opened.options.first()
    for attempt in (
        lambda: consultations_services.option_add(actor=staff, consultation=opened, label="Z"),
        lambda: consultations_services.option_update(
            actor=staff, option=first, fields={"label": "Z"}
        ),
        lambda: consultations_services.option_remove(actor=staff, option=first),
    ):
        with pytest.raises(ValidationError, match="being prepared"):
            attempt()
    assert opened.options.count() == 3


def test_once_open_only_its_words_and_a_later_closing_change(people):
    coop, staff = people["coop"], people["staff"]
    consultation = open_consultation(coop, staff)
    later = closing(20)
    consultations_services.consultation_update(
        actor=staff,
        consultation=consultation,
        fields={"title": "Quale rassegna?", "closes_at": later},
    )
    consultation.refresh_from_db()
    assert consultation.title == "Quale rassegna?" and consultation.closes_at == later
    for fields, field in (
        ({"audience": "members"}, "audience"),
        ({"anonymous": True}, "anonymous"),
        ({"results_hidden": True}, "results_hidden"),
        ({"kind": "score"}, "kind"),
        ({"closes_at": timezone.now() - timedelta(minutes=1)}, "closes_at"),
    ):
        with pytest.raises(ValidationError) as exc:
            consultations_services.consultation_update(
                actor=staff, consultation=consultation, fields=fields
            )
        assert field_of(exc) == field
    consultations_services.consultation_close(actor=staff, consultation=consultation)
    with pytest.raises(ValidationError, match="closed"):
        consultations_services.consultation_update(
            actor=staff, consultation=consultation, fields={"title": "x"}
        )


def test_a_draft_changing_kind_gets_the_options_of_its_new_kind(people):
    coop, staff = people["coop"], people["staff"]
    draft = make_consultation(coop, staff)
    consultations_services.consultation_update(
        actor=staff, consultation=draft, fields={"kind": "ranked_choice"}
    )
    assert draft.options.count() == 3  # plain options stay
    consultations_services.consultation_update(
        actor=staff, consultation=draft, fields={"kind": "proposal"}
    )
    assert [o.code for o in draft.options.all()] == ["agree", "abstain", "disagree", "block"]
    consultations_services.consultation_update(
        actor=staff, consultation=draft, fields={"kind": "meeting_time"}
    )
    assert draft.options.count() == 0


# --- opening and closing ------------------------------------------------------------------------
def test_opening_needs_options_a_future_closing_and_enough_choices(people):
    coop, staff = people["coop"], people["staff"]
    lonely = make_consultation(coop, staff, options=("Solo",))
    with pytest.raises(ValidationError) as exc:
        consultations_services.consultation_open(actor=staff, consultation=lonely)
    assert field_of(exc) == "options"
    late = make_consultation(coop, staff, closes_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(ValidationError) as exc:
        consultations_services.consultation_open(actor=staff, consultation=late)
    assert field_of(exc) == "closes_at"
    greedy = make_consultation(coop, staff, kind="multiple_choice", min_choices=4)
    with pytest.raises(ValidationError) as exc:
        consultations_services.consultation_open(actor=staff, consultation=greedy)
    assert field_of(exc) == "min_choices"
    wide = make_consultation(coop, staff, kind="multiple_choice", max_choices=5)
    with pytest.raises(ValidationError) as exc:
        consultations_services.consultation_open(actor=staff, consultation=wide)
    assert field_of(exc) == "max_choices"
    poll = make_consultation(coop, staff, kind="meeting_time", options=slots(1))
    assert consultations_services.consultation_open(actor=staff, consultation=poll).status == "open"
    with pytest.raises(ValidationError, match="already open"):
        consultations_services.consultation_open(actor=staff, consultation=poll)


def test_closing_early_fixes_the_time_and_the_audience(people):
    coop, staff = people["coop"], people["staff"]
    with pytest.raises(ValidationError):
        consultations_services.consultation_close(
            actor=staff, consultation=make_consultation(coop, staff)
        )
    consultation = open_consultation(coop, staff, audience="members")
    now = timezone.now()
    consultations_services.consultation_close(actor=staff, consultation=consultation, at=now)
    consultation.refresh_from_db()
    assert consultation.status == "closed" and consultation.closed_at == now
    assert consultation.closed_by == staff
    assert consultation.audience_size == 3  # admin, staff and member; not the resident
    with pytest.raises(ValidationError, match="already closed"):
        consultations_services.consultation_close(actor=staff, consultation=consultation)


def test_past_its_closing_time_it_is_closed_without_pressing_a_button(people):
    coop, staff = people["coop"], people["staff"]
    consultation = open_consultation(coop, staff)
    later = consultation.closes_at + timedelta(seconds=1)
    assert consultation.status_at(later) == ConsultationStatus.CLOSED
    assert consultation.status == ConsultationStatus.OPEN  # nothing was written
    message = refused(
        consultation,
        people["member"],
        None,
        choices=[option_ids(consultation)[0]],
        at=later,
    )
    assert "closed" in message
    assert (
        selectors.consultation_list(
            coop=coop, user=people["member"], status="closed", now=later
        ).count()
        == 1
    )
    # Recording the closing later keeps the time it closed at.
    consultations_services.consultation_close(
        actor=staff, consultation=consultation, at=later + timedelta(days=2)
    )
    consultation.refresh_from_db()
    assert consultation.closed_at == consultation.closes_at


# --- answering ----------------------------------------------------------------------------------
def test_nobody_answers_before_it_opens_or_after_it_closes(people):
    coop, staff, member = people["coop"], people["staff"], people["member"]
    draft = make_consultation(coop, staff)
    assert "not open" in refused(draft, member, None, choices=[option_ids(draft)[0]])
    closed = closed_consultation(coop, staff)
    assert "closed" in refused(closed, member, None, choices=[option_ids(closed)[0]])


def test_the_audience_decides_who_answers(people):
    coop, staff = people["coop"], people["staff"]
    members_only = open_consultation(coop, staff, audience="members")
    residents_only = open_consultation(coop, staff, audience="residents")
    first = option_ids(members_only)[0]
    with pytest.raises(PermissionDenied, match="members"):
        consultations_answer_services.consultation_answer(
            actor=people["resident"], consultation=members_only, choices=[first]
        )
    with pytest.raises(PermissionDenied, match="residents"):
        consultations_answer_services.consultation_answer(
            actor=people["member"],
            consultation=residents_only,
            choices=[option_ids(residents_only)[0]],
        )
    with pytest.raises(PermissionDenied):  # the admin of another cooperative
        consultations_answer_services.consultation_answer(
            actor=people["stranger"], consultation=members_only, choices=[first]
        )
    assert counts(members_only) == (0, 0, 0) == counts(residents_only)
    for who in ("admin", "staff", "member"):
        consultations_answer_services.consultation_answer(
            actor=people[who], consultation=members_only, choices=[first]
        )
    consultations_answer_services.consultation_answer(
        actor=people["resident"],
        consultation=residents_only,
        choices=[option_ids(residents_only)[0]],
    )
    roles = sorted(
        ConsultationParticipation.objects.filter(consultation=members_only).values_list(
            "role", flat=True
        )
    )
    assert roles == ["admin", "member", "staff"]


def test_an_anonymous_answer_is_final_and_kept_apart_from_who_gave_it(people):
    coop, staff, member = people["coop"], people["staff"], people["member"]
    consultation = open_consultation(coop, staff, anonymous=True)
    first, second, _third = option_ids(consultation)
    participation = consultations_answer_services.consultation_answer(
        actor=member, consultation=consultation, choices=[first]
    )
    assert "final" in refused(consultation, member, None, choices=[second])
    # The participation says who took part; the answer waits sealed, unreadable, with no time.
    assert participation.user == member
    assert not ConsultationBallot.objects.filter(consultation=consultation).exists()
    sealed = SealedBallot.objects.get(box=f"consultation:{consultation.pk}")
    assert isinstance(sealed.pk, uuid.UUID) and b"choices" not in bytes(sealed.sealed)
    entry = AuditEntry.objects.get(action="consultation.answer")
    assert entry.changes == {"consultation": {"before": None, "after": consultation.pk}}
    answer = selectors.my_answer(consultation=consultation, user=member)
    assert answer.answered and not answer.changeable and answer.values == {}
    # The close counts it, under a random key, joined to nobody.
    consultations_services.consultation_close(actor=staff, consultation=consultation)
    ballot = ConsultationBallot.objects.get(consultation=consultation)
    assert isinstance(ballot.pk, uuid.UUID) and ballot.participation is None
    assert list(ballot.marks.values_list("option_id", "value")) == [(first, 1)]
    assert not SealedBallot.objects.exists()
    assert str(ballot.pk) not in str(list(AuditEntry.objects.values_list("changes", flat=True)))
    mixed = AuditEntry.objects.get(action="ballots.mix")
    assert mixed.actor is None and mixed.changes == {"ballots": {"before": None, "after": 1}}


def test_an_anonymous_consultation_past_its_time_counts_what_is_sealed_when_read(people):
    coop, staff, member = people["coop"], people["staff"], people["member"]
    consultation = open_consultation(coop, staff, anonymous=True)
    first = option_ids(consultation)[0]
    consultations_answer_services.consultation_answer(
        actor=member, consultation=consultation, choices=[first]
    )
    now = consultation.closes_at + timedelta(minutes=1)  # nobody pressed "close"
    assert selectors.results(consultation=consultation, viewer=staff).sealed == 1  # still open
    found = selectors.results(consultation=consultation, viewer=staff, now=now)
    assert found.final and found.sealed == 0 and found.answers == 1
    assert found.options[0].count == 1
    assert not SealedBallot.objects.exists()


def test_a_named_answer_changes_until_the_close(people):
    coop, staff, member = people["coop"], people["staff"], people["member"]
    consultation = open_consultation(coop, staff)
    first, second, _third = option_ids(consultation)
    consultations_answer_services.consultation_answer(
        actor=member, consultation=consultation, choices=[first]
    )
    consultations_answer_services.consultation_answer(
        actor=member, consultation=consultation, choices=[second]
    )
    assert counts(consultation) == (1, 1, 1)
    answer = selectors.my_answer(consultation=consultation, user=member)
    assert answer.values == {second: 1} and answer.changeable and answer.changed_at
    actions = list(
        AuditEntry.objects.filter(action__startswith="consultation.answer")
        .order_by("id")
        .values_list("action", "changes")
    )
    assert [a for a, _c in actions] == ["consultation.answer", "consultation.answer_change"]
    assert actions[1][1]["answer"]["after"] == [[second, 1]]
    consultations_services.consultation_close(actor=staff, consultation=consultation)
    assert "closed" in refused(consultation, member, None, choices=[first])


def test_a_proposal_takes_a_position_and_an_optional_reason(people):
    consultation = open_consultation(people["coop"], people["staff"], kind="proposal")
    member = people["member"]
    refused(consultation, member, "position", position="maybe")
    refused(consultation, member, "position")
    refused(consultation, member, "reason", position="agree", reason="x" * 1001)
    refused(consultation, member, "choices", position="agree", choices=[1])
    consultations_answer_services.consultation_answer(
        actor=member, consultation=consultation, position="block", reason="Troppo rumore."
    )
    found = selectors.results(consultation=consultation, viewer=people["admin"])
    assert [r.count for r in found.options] == [0, 0, 0, 1]
    # member1 has no first name: named by the words other people read.
    assert found.reasons == [("a participant", "Block", "Troppo rumore.")]


def test_single_and_multiple_choice_count_the_choices(people):
    coop, staff, member = people["coop"], people["staff"], people["member"]
    single = open_consultation(coop, staff)
    a, b, _c = option_ids(single)
    refused(single, member, "choices", choices=[a, b])
    refused(single, member, "choices", choices=[])
    other = open_consultation(coop, staff, title="Another")
    assert "not one of this" in refused(single, member, "choices", choices=[option_ids(other)[0]])
    multiple = open_consultation(coop, staff, kind="multiple_choice", min_choices=2, max_choices=2)
    x, y, z = option_ids(multiple)
    assert "at least 2" in refused(multiple, member, "choices", choices=[x])
    assert "at most 2" in refused(multiple, member, "choices", choices=[x, y, z])
    assert "once" in refused(multiple, member, "choices", choices=[x, x])
    consultations_answer_services.consultation_answer(
        actor=member, consultation=multiple, choices=[x, z]
    )
    consultations_answer_services.consultation_answer(
        actor=people["resident"], consultation=multiple, choices=[y, z]
    )
    found = selectors.results(consultation=multiple, viewer=staff)
    assert [(r.count, r.percent) for r in found.options] == [
        (1, 50),
        (1, 50),
        (2, 100),
    ]
    assert [r.best for r in found.options] == [False, False, True]


def test_scores_go_from_0_to_5_for_every_option(people):
    consultation = open_consultation(people["coop"], people["staff"], kind="score")
    a, b, c = option_ids(consultation)
    member = people["member"]
    assert "0 to 5" in refused(consultation, member, "scores", scores=[(a, 6), (b, 1), (c, 1)])
    refused(consultation, member, "scores", scores=[(a, -1), (b, 1), (c, 1)])
    refused(consultation, member, "scores", scores=[(a, 3), (b, 1)])
    refused(consultation, member, "scores", scores=[(a, 3), (a, 2), (b, 1), (c, 1)])
    refused(consultation, member, "ranks", ranks=[(a, 1)])
    consultations_answer_services.consultation_answer(
        actor=member, consultation=consultation, scores=[(a, 5), (b, 0), (c, 2)]
    )
    consultations_answer_services.consultation_answer(
        actor=people["resident"], consultation=consultation, scores=[(a, 4), (b, 1), (c, 2)]
    )
    found = selectors.results(consultation=consultation, viewer=member)
    assert [str(r.mean) for r in found.options] == ["4.50", "0.50", "2.00"]
    assert found.options[0].distribution == [0, 0, 0, 0, 1, 1] and found.options[0].best


@pytest.mark.parametrize(
    ("ranks", "message"),
    [
        ([], "at least one"),
        ([(0, 1), (0, 1)], "once"),  # the same option twice
        ([(0, 1), (1, 3)], "without gaps"),
        ([(0, 2)], "without gaps"),
        ([(0, 1), (1, 1)], "one option only"),
        ([(0, 0)], "from 1 to 3"),
        ([(0, 4)], "from 1 to 3"),
    ],
)
def test_a_ranked_ballot_is_a_ranking_without_repeats_or_gaps(people, ranks, message):
    consultation = open_consultation(people["coop"], people["staff"], kind="ranked_choice")
    ids = option_ids(consultation)
    given = [(ids[i], rank) for i, rank in ranks]
    assert message in refused(consultation, people["member"], "ranks", ranks=given or None)


def test_a_ranked_ballot_may_rank_only_some_options(people):
    consultation = open_consultation(people["coop"], people["staff"], kind="ranked_choice")
    a, b, c = option_ids(consultation)
    consultations_answer_services.consultation_answer(
        actor=people["member"], consultation=consultation, ranks=[(c, 1)]
    )
    consultations_answer_services.consultation_answer(
        actor=people["resident"], consultation=consultation, ranks=[(b, 2), (a, 1)]
    )
    assert counts(consultation) == (2, 2, 3)


def test_dots_are_whole_and_within_each_persons_number(people):
    consultation = open_consultation(people["coop"], people["staff"], kind="dot_vote", dots=5)
    a, b, c = option_ids(consultation)
    member = people["member"]
    assert "you have 5" in refused(consultation, member, "dots", dots=[(a, 4), (b, 2)])
    refused(consultation, member, "dots", dots=[(a, -1), (b, 2)])
    assert "at least one" in refused(consultation, member, "dots", dots=[(a, 0)])
    consultations_answer_services.consultation_answer(
        actor=member, consultation=consultation, dots=[(a, 3), (b, 0), (c, 2)]
    )
    consultations_answer_services.consultation_answer(
        actor=people["admin"], consultation=consultation, dots=[(c, 5)]
    )
    assert counts(consultation) == (2, 2, 3)  # a zero is no mark
    found = selectors.results(consultation=consultation, viewer=member)
    assert [(r.total, r.count, r.percent) for r in found.options] == [
        (3, 1, 30),
        (0, 0, 0),
        (7, 2, 70),
    ]
    assert found.dots_given == 10 and found.options[2].best


def test_the_best_slot_has_the_most_yes_then_the_most_if_need_be(people):
    consultation = open_consultation(people["coop"], people["staff"], kind="meeting_time")
    a, b, c = option_ids(consultation)
    yes, maybe, no = Availability.YES, Availability.MAYBE, Availability.NO
    member = people["member"]
    assert "every time slot" in refused(
        consultation, member, "availability", availability=[(a, yes), (b, yes)]
    )
    refused(consultation, member, "availability", availability=[(a, 3), (b, yes), (c, yes)])
    answers = {
        "member": [(a, yes), (b, yes), (c, no)],
        "resident": [(a, maybe), (b, yes), (c, yes)],
        "admin": [(a, yes), (b, maybe), (c, yes)],
    }
    for who, given in answers.items():
        consultations_answer_services.consultation_answer(
            actor=people[who], consultation=consultation, availability=given
        )
    found = selectors.results(consultation=consultation, viewer=member)
    assert [(r.yes, r.maybe, r.no) for r in found.options] == [(2, 1, 0), (2, 1, 0), (2, 0, 1)]
    # a and b tie on yes and if-need-be: the earlier slot is best.
    assert [r.best for r in found.options] == [True, False, False]


# --- results and outcome ------------------------------------------------------------------------
def test_who_sees_the_results(people):
    coop, staff = people["coop"], people["staff"]
    hidden = open_consultation(coop, staff, results_hidden=True)
    shown = open_consultation(coop, staff)
    anonymous = type("Anonymous", (), {"is_authenticated": False, "pk": None})()
    for who in ("admin", "staff", "member", "resident"):
        assert "hidden" in selectors.results_refusal(hidden, people[who])
        assert selectors.results_refusal(shown, people[who]) == ""
    assert selectors.results_refusal(shown, anonymous)
    assert selectors.results_refusal(shown, people["stranger"])
    for consultation in (hidden, shown):
        closed = consultations_services.consultation_close(actor=staff, consultation=consultation)
        assert selectors.results_refusal(closed, anonymous) == ""
    assert selectors.results_refusal(make_consultation(coop, staff), staff)


def test_the_outcome_comes_after_the_close(people):
    coop, staff, admin = people["coop"], people["staff"], people["admin"]
    consultation = open_consultation(coop, staff)
    with pytest.raises(ValidationError, match="once the consultation has closed"):
        consultations_services.consultation_outcome(
            actor=admin, consultation=consultation, text="Fatto."
        )
    later = consultation.closes_at + timedelta(hours=1)
    with pytest.raises(ValidationError) as exc:
        consultations_services.consultation_outcome(
            actor=admin, consultation=consultation, text=" ", at=later
        )
    assert field_of(exc) == "outcome"
    consultation.refresh_from_db()
    assert consultation.status == "open"  # nothing half-written
    with pytest.raises(ValidationError) as exc:
        consultations_services.consultation_outcome(
            actor=admin,
            consultation=consultation,
            text="Fatto.",
            on_date=timezone.localdate(later) + timedelta(days=3),
            at=later,
        )
    assert field_of(exc) == "outcome_on"
    consultations_services.consultation_outcome(
        actor=admin, consultation=consultation, text="Prima.", at=later
    )
    consultation.refresh_from_db()
    assert consultation.status == "closed"  # the closing past its time is recorded with it
    assert consultation.closed_at == consultation.closes_at and consultation.closed_by is None
    consultations_services.consultation_outcome(
        actor=staff, consultation=consultation, text="Poi.", at=later
    )
    consultation.refresh_from_db()
    assert consultation.outcome == "Poi." and consultation.outcome_by == staff
    assert consultation.outcome_on == timezone.localdate(later)
    trail = AuditEntry.objects.filter(action="consultation.outcome").order_by("id")
    assert [e.changes["outcome"]["after"] for e in trail] == ["Prima.", "Poi."]


def test_every_write_is_audited(people):
    coop, staff = people["coop"], people["staff"]
    consultation = make_consultation(coop, staff)
    option = consultations_services.option_add(
        actor=staff, consultation=consultation, label="Corti"
    )
    consultations_services.option_update(
        actor=staff, option=option, fields={"label": "Corti d'autore"}
    )
    consultations_services.option_remove(actor=staff, option=option)
    consultations_services.consultation_update(
        actor=staff, consultation=consultation, fields={"title": "Nuova"}
    )
    consultations_services.consultation_open(actor=staff, consultation=consultation)
    consultations_answer_services.consultation_answer(
        actor=people["member"], consultation=consultation, choices=[option_ids(consultation)[0]]
    )
    consultations_services.consultation_close(actor=staff, consultation=consultation)
    consultations_services.consultation_outcome(
        actor=staff, consultation=consultation, text="Si fa."
    )
    actions = set(AuditEntry.objects.filter(coop=coop).values_list("action", flat=True))
    declared = {code for code in AUDIT_LABELS if code.startswith("consultation.")}
    assert declared - actions == {"consultation.answer_change"}


def test_another_cooperative_never_sees_a_consultation_in_its_list(people):
    gamma = make_coop("gamma", owner=people["stranger"])
    open_consultation(people["coop"], people["staff"])
    assert selectors.consultation_list(coop=gamma, user=people["stranger"]).count() == 0
