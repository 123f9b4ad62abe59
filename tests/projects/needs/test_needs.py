"""Needs (bisogni) through their services: who told them, what a submission must hold, one
support per person, the public status workflow and merging duplicates with their supports."""

from __future__ import annotations

import pytest

from comunitas.core.models import AuditEntry, Municipality
from comunitas.projects.models import Need, NeedStatus, NeedStatusChange, NeedSupport, Proposal
from comunitas.projects.needs import services as needs_services
from tests.helpers import (
    NEED_FORM,
    assert_refused,
    make_need,
    make_project,
    make_proposal,
    make_user,
)

pytestmark = pytest.mark.django_db


def supporters(need: Need) -> set[str]:
    return set(NeedSupport.objects.filter(need=need).values_list("user__username", flat=True))


def fresh(need: Need) -> Need:
    return Need.objects.get(pk=need.pk)


# --- submission ---------------------------------------------------------------------------------
def test_a_resident_submits_a_need_that_is_theirs_new_and_recorded(people):
    coop, resident = people["coop"], people["resident"]
    need = make_need(coop, resident, municipality=coop.seat, locality="Valcona")

    need = fresh(need)
    assert need.coop == coop
    assert need.submitted_by == resident
    assert need.status == NeedStatus.NEW
    assert need.channel == "web" and need.contact_email == ""
    assert need.support_count == 0
    assert need.municipality_id == coop.seat_id and need.locality == "Valcona"
    assert need.age_groups == ["elderly"] and need.people_affected == 120
    assert list(need.changes.values_list("status", flat=True)) == [NeedStatus.NEW]
    entry = AuditEntry.objects.get(action="need.submit", object_id=str(need.pk))
    assert entry.actor == resident and entry.coop == coop
    assert entry.changes["title"]["after"] == NEED_FORM["title"]


def test_age_groups_are_kept_in_one_order_without_repeats(people):
    need = make_need(people["coop"], people["member"], age_groups=["elderly", "young", "elderly"])
    assert fresh(need).age_groups == ["young", "elderly"]


def test_staff_take_down_a_need_from_paper_with_whom_to_tell(people):
    need = needs_services.need_submit(
        actor=people["staff"],
        coop=people["coop"],
        **NEED_FORM,
        channel="paper",
        contact_email="  anna.rossi@example.org ",
    )
    need = fresh(need)
    assert need.channel == "paper"
    assert need.submitted_by is None  # the clerk did not tell it: they may support it
    assert need.contact_email == "anna.rossi@example.org"
    needs_services.need_support(actor=people["staff"], need=need)
    assert fresh(need).support_count == 1


def test_an_unknown_channel_is_refused(people):
    assert_refused(
        lambda: needs_services.need_submit(
            actor=people["staff"], coop=people["coop"], **NEED_FORM, channel="pigeon"
        ),
        on="channel",
    )
    assert not Need.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "   "}, "title"),
        ({"description": ""}, "description"),
        ({"category": "weather"}, "category"),
        ({"urgency": "yesterday"}, "urgency"),
        ({"age_groups": ["teenagers"]}, "age_groups"),
        ({"age_groups": "elderly"}, "age_groups"),
        ({"people_affected": 0}, "people_affected"),
        ({"people_affected": -3}, "people_affected"),
        ({"people_affected": 10_000_001}, "people_affected"),
        ({"title": "x" * 201}, "title"),
        ({"locality": "x" * 121}, "locality"),
        ({"description": "x" * 5001}, "description"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(people, fields, field):
    assert_refused(lambda: make_need(people["coop"], people["resident"], **fields), on=field)
    assert not Need.objects.exists()
    assert not NeedStatusChange.objects.exists()
    assert not AuditEntry.objects.filter(action="need.submit").exists()


def test_the_largest_number_of_people_affected_is_accepted(people):
    need = make_need(people["coop"], people["resident"], people_affected=10_000_000)
    assert fresh(need).people_affected == 10_000_000


def test_a_municipality_outside_the_territory_is_refused(people):
    elsewhere = Municipality.objects.get(pk="066004")  # the other cooperative's seat
    assert_refused(
        lambda: make_need(people["coop"], people["resident"], municipality=elsewhere),
        on="municipality",
    )
    assert not Need.objects.exists()


def test_a_field_outside_the_form_cannot_be_set(people):
    # Telling one: need_submit has no such input; correcting one: its fields are refused by name.
    with pytest.raises(TypeError):
        make_need(people["coop"], people["resident"], support_count=500)
    assert not Need.objects.exists()
    need = make_need(people["coop"], people["resident"])
    assert_refused(
        lambda: needs_services.need_update(
            actor=people["staff"], need=need, fields={"support_count": 500}
        ),
        on="support_count",
    )
    assert fresh(need).support_count == 0


def test_staff_correct_a_need_and_the_change_is_audited(people):
    need = make_need(people["coop"], people["resident"])
    needs_services.need_update(actor=people["staff"], need=need, fields={"title": " Il pane "})
    assert fresh(need).title == "Il pane"
    entry = AuditEntry.objects.get(action="need.update", object_id=str(need.pk))
    assert entry.changes["title"] == {"before": NEED_FORM["title"], "after": "Il pane"}
    assert_refused(
        lambda: needs_services.need_update(actor=people["staff"], need=need, fields={"title": ""})
    )
    assert fresh(need).title == "Il pane"


# --- supports -----------------------------------------------------------------------------------
def test_each_person_supports_a_need_once(people):
    need = make_need(people["coop"], people["resident"])
    needs_services.need_support(actor=people["member"], need=need)
    needs_services.need_support(actor=people["staff"], need=need)
    assert_refused(
        lambda: needs_services.need_support(actor=people["member"], need=need),
        saying="You already support this need.",
    )
    assert fresh(need).support_count == 2
    assert supporters(need) == {"member1", "staff1"}


def test_whoever_told_a_need_cannot_support_it_too(people):
    need = make_need(people["coop"], people["resident"])
    assert_refused(lambda: needs_services.need_support(actor=people["resident"], need=need))
    assert fresh(need).support_count == 0
    assert not NeedSupport.objects.exists()


def test_unsupporting_takes_the_support_back_once(people):
    need = make_need(people["coop"], people["resident"])
    needs_services.need_support(actor=people["member"], need=need)
    needs_services.need_unsupport(actor=people["member"], need=need)
    assert fresh(need).support_count == 0
    assert not NeedSupport.objects.exists()
    assert_refused(lambda: needs_services.need_unsupport(actor=people["member"], need=need))
    assert fresh(need).support_count == 0
    needs_services.need_support(actor=people["member"], need=need)  # and may support it again
    assert fresh(need).support_count == 1


@pytest.mark.parametrize("status", [NeedStatus.DECLINED, NeedStatus.MET, NeedStatus.MERGED])
def test_closed_needs_cannot_be_supported(people, status):
    coop = people["coop"]
    need = make_need(coop, people["resident"])
    if status == NeedStatus.DECLINED:
        needs_services.need_set_status(
            actor=people["staff"], need=need, status=status, reason="No."
        )
    elif status == NeedStatus.MET:
        make_project(coop, people["staff"], needs=[need])
        needs_services.need_set_status(actor=people["staff"], need=need, status=status)
    else:
        needs_services.need_merge(
            actor=people["staff"], duplicate=need, into=make_need(coop, people["admin"])
        )
    need = fresh(need)
    assert need.status == status
    assert_refused(lambda: needs_services.need_support(actor=people["member"], need=need))
    assert fresh(need).support_count == 0
    assert not NeedSupport.objects.filter(need=need).exists()


def test_a_support_sent_from_a_page_loaded_before_a_merge_does_not_land_on_the_merged_need(
    people,
):
    """A request reads the need, then another merges it, then the first one supports: the
    service must look at the need as it is now, not as the request read it."""
    coop = people["coop"]
    duplicate = make_need(coop, people["resident"])
    target = make_need(coop, people["admin"])
    page = fresh(duplicate)  # what the member's request loaded
    needs_services.need_merge(actor=people["staff"], duplicate=duplicate, into=target)
    assert_refused(lambda: needs_services.need_support(actor=people["member"], need=page))
    assert fresh(duplicate).support_count == 0
    assert not NeedSupport.objects.filter(need=duplicate).exists()


# --- status workflow ----------------------------------------------------------------------------
def test_the_workflow_records_each_step_publicly(people):
    coop, staff = people["coop"], people["staff"]
    need = make_need(coop, people["resident"])
    needs_services.need_set_status(actor=staff, need=need, status=NeedStatus.UNDER_REVIEW)
    make_project(coop, staff, needs=[need])  # linking it answers it
    assert fresh(need).status == NeedStatus.ANSWERED
    needs_services.need_set_status(
        actor=staff, need=need, status=NeedStatus.MET, reason="  Aperto. "
    )
    need = fresh(need)
    assert need.status == NeedStatus.MET and need.status_reason == "Aperto."
    steps = list(need.changes.values_list("status", flat=True))
    assert steps == [
        NeedStatus.NEW,
        NeedStatus.UNDER_REVIEW,
        NeedStatus.ANSWERED,
        NeedStatus.MET,
    ]
    assert AuditEntry.objects.filter(action="need.status", object_id=str(need.pk)).count() == 3


@pytest.mark.parametrize(
    ("path", "refused_status"),
    [
        ([], NeedStatus.MET),
        ([], NeedStatus.NEW),
        ([NeedStatus.UNDER_REVIEW], NeedStatus.MET),
        ([("declined", "No.")], NeedStatus.NEW),
        ([("declined", "No.")], NeedStatus.MET),
        ([], NeedStatus.MERGED),
        ([], "forgotten"),
    ],
)
def test_steps_outside_the_workflow_are_refused(people, path, refused_status):
    need = make_need(people["coop"], people["resident"])
    for step in path:
        status, reason = step if isinstance(step, tuple) else (step, "")
        needs_services.need_set_status(
            actor=people["staff"], need=need, status=status, reason=reason
        )
    before = fresh(need).status
    changes = NeedStatusChange.objects.count()
    assert_refused(
        lambda: needs_services.need_set_status(
            actor=people["staff"], need=need, status=refused_status, reason="Why not."
        ),
        on="status",
    )
    assert fresh(need).status == before
    assert NeedStatusChange.objects.count() == changes


def test_declining_needs_a_public_reason(people):
    need = make_need(people["coop"], people["resident"])
    assert_refused(
        lambda: needs_services.need_set_status(
            actor=people["staff"], need=need, status=NeedStatus.DECLINED, reason="   "
        ),
        on="reason",
    )
    assert fresh(need).status == NeedStatus.NEW
    assert_refused(
        lambda: needs_services.need_set_status(
            actor=people["staff"], need=need, status=NeedStatus.DECLINED, reason="x" * 1001
        ),
        on="reason",
    )
    needs_services.need_set_status(
        actor=people["staff"], need=need, status=NeedStatus.DECLINED, reason="Già servito."
    )
    need = fresh(need)
    assert need.status == NeedStatus.DECLINED and need.status_reason == "Già servito."
    # Reopened, it can be supported again.
    needs_services.need_set_status(actor=people["staff"], need=need, status=NeedStatus.UNDER_REVIEW)
    needs_services.need_support(actor=people["member"], need=fresh(need))
    assert fresh(need).support_count == 1


def test_answered_needs_a_project(people):
    need = make_need(people["coop"], people["resident"])
    needs_services.need_set_status(actor=people["staff"], need=need, status=NeedStatus.UNDER_REVIEW)
    assert_refused(
        lambda: needs_services.need_set_status(
            actor=people["staff"], need=need, status=NeedStatus.ANSWERED
        ),
        on="status",
    )
    assert fresh(need).status == NeedStatus.UNDER_REVIEW
    # Linked to a project it is answered; taken back under review, it may be answered again.
    make_project(people["coop"], people["staff"], needs=[need])
    needs_services.need_set_status(actor=people["staff"], need=need, status=NeedStatus.UNDER_REVIEW)
    needs_services.need_set_status(actor=people["staff"], need=need, status=NeedStatus.ANSWERED)
    assert fresh(need).status == NeedStatus.ANSWERED


# --- merging ------------------------------------------------------------------------------------
@pytest.fixture
def two_needs(people):
    """A duplicate told by the resident and supported by member and staff; the need it repeats,
    told by the admin and supported by member (who thus supports both) and by a fifth person."""
    coop = people["coop"]
    fifth = make_user("fifth1")
    duplicate = make_need(coop, people["resident"], title="Manca il pane")
    target = make_need(coop, people["admin"])
    for user in (people["member"], people["staff"]):
        needs_services.need_support(actor=user, need=duplicate)
    for user in (people["member"], fifth):
        needs_services.need_support(actor=user, need=target)
    return duplicate, target


def test_merging_moves_supports_and_the_author_without_counting_anyone_twice(people, two_needs):
    duplicate, target = two_needs
    needs_services.need_merge(actor=people["staff"], duplicate=duplicate, into=target)

    duplicate, target = fresh(duplicate), fresh(target)
    assert supporters(target) == {"member1", "staff1", "fifth1", "resident1"}
    assert target.support_count == 4 == NeedSupport.objects.filter(need=target).count()
    assert duplicate.status == NeedStatus.MERGED and duplicate.merged_into == target
    assert duplicate.support_count == 0
    assert not NeedSupport.objects.filter(need=duplicate).exists()
    assert duplicate.changes.last().status == NeedStatus.MERGED
    assert AuditEntry.objects.filter(action="need.merge", object_id=str(duplicate.pk)).exists()


def test_the_target_s_author_who_supported_the_duplicate_is_not_made_a_supporter(people):
    coop = people["coop"]
    duplicate = make_need(coop, people["resident"])
    target = make_need(coop, people["member"])
    needs_services.need_support(actor=people["member"], need=duplicate)
    needs_services.need_merge(actor=people["staff"], duplicate=duplicate, into=target)
    assert supporters(target) == {"resident1"}
    assert fresh(target).support_count == 1


def test_the_same_author_of_both_needs_does_not_support_their_own(people):
    coop = people["coop"]
    duplicate = make_need(coop, people["resident"])
    target = make_need(coop, people["resident"])
    needs_services.need_merge(actor=people["staff"], duplicate=duplicate, into=target)
    assert supporters(target) == set()
    assert fresh(target).support_count == 0


def test_the_duplicate_s_proposals_and_projects_now_answer_the_target_too(people):
    coop, staff = people["coop"], people["staff"]
    duplicate = make_need(coop, people["resident"])
    target = make_need(coop, people["admin"])
    proposal = make_proposal(coop, people["member"], [duplicate])
    project = make_project(coop, staff, needs=[duplicate])
    needs_services.need_merge(actor=staff, duplicate=duplicate, into=target)
    assert set(proposal.needs.all()) == {duplicate, target}
    assert set(project.needs.all()) == {duplicate, target}
    assert set(Proposal.objects.filter(needs=target)) == {proposal}


def test_a_target_a_project_now_answers_is_answered(people):
    """Linking a project to a need answers it (project_create does it); a merge that links the
    duplicate's project to the target must not leave the target "new" while the public page
    and the coverage show it answered by a project."""
    coop, staff = people["coop"], people["staff"]
    duplicate = make_need(coop, people["resident"])
    target = make_need(coop, people["admin"])
    project = make_project(coop, staff, needs=[duplicate])
    needs_services.need_merge(actor=staff, duplicate=duplicate, into=target)
    assert fresh(target).projects.get() == project
    assert fresh(target).status == NeedStatus.ANSWERED


def test_a_need_merges_only_once_and_never_into_itself_or_another_cooperative(people):
    coop, staff = people["coop"], people["staff"]
    duplicate = make_need(coop, people["resident"])
    target = make_need(coop, people["admin"])
    third = make_need(coop, people["member"])
    foreign = make_need(people["other"], people["stranger"])

    assert_refused(
        lambda: needs_services.need_merge(actor=staff, duplicate=duplicate, into=duplicate),
        on="into",
    )
    assert_refused(
        lambda: needs_services.need_merge(actor=staff, duplicate=duplicate, into=foreign), on="into"
    )
    assert fresh(duplicate).status == NeedStatus.NEW

    needs_services.need_merge(actor=staff, duplicate=duplicate, into=target)
    assert_refused(
        lambda: needs_services.need_merge(actor=staff, duplicate=duplicate, into=third), on="into"
    )
    assert_refused(
        lambda: needs_services.need_merge(actor=staff, duplicate=third, into=duplicate), on="into"
    )
    assert_refused(
        lambda: needs_services.need_set_status(
            actor=staff, need=duplicate, status=NeedStatus.UNDER_REVIEW
        ),
        on="status",
    )
    assert fresh(duplicate).merged_into == target
    assert fresh(duplicate).status == NeedStatus.MERGED
    assert fresh(third).status == NeedStatus.NEW
    assert NeedSupport.objects.filter(need=third).count() == 0
