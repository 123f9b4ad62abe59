"""Who is told, once the change commits: the people who told and supported a need when its
status changes, the proposer when the board decides. Plain-text e-mails, in the language of
the request that caused them, with names and titles written as typed."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import translation

from comunitas.core.errors import ValidationError
from comunitas.projects.models import NeedStatus
from comunitas.projects.needs import services as needs_services
from comunitas.projects.proposals import services as proposals_services
from tests.helpers import NEED_FORM, make_need, make_project, make_proposal, make_user

pytestmark = pytest.mark.django_db


def recipients(mailoutbox) -> list[str]:
    return sorted(address for mail in mailoutbox for address in mail.to)


@pytest.fixture
def followed(people):
    """A need told online by the resident, supported by member and staff."""
    need = make_need(people["coop"], people["resident"], title="L'emporio di Cà Rossa")
    for user in ("member", "staff"):
        needs_services.need_support(actor=people[user], need=need)
    return need


def test_a_status_change_tells_the_author_and_every_supporter_once(
    people, followed, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        needs_services.need_set_status(
            actor=people["admin"], need=followed, status=NeedStatus.UNDER_REVIEW
        )
    assert recipients(mailoutbox) == [
        "member1@example.org",
        "resident1@example.org",
        "staff1@example.org",
    ]
    assert all(len(mail.to) == 1 for mail in mailoutbox)  # nobody sees the others' addresses
    mail = mailoutbox[0]
    assert "L'emporio di Cà Rossa" in mail.subject and "Under review" in mail.subject
    assert f"/c/alpha/needs/{followed.pk}/" in mail.body


def test_a_paper_need_tells_the_address_taken_down_and_its_supporters(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    need = needs_services.need_submit(
        actor=people["staff"],
        coop=people["coop"],
        **NEED_FORM,
        channel="phone",
        contact_email="anna.rossi@example.org",
    )
    needs_services.need_support(actor=people["member"], need=need)
    needs_services.need_support(actor=people["staff"], need=need)  # the clerk may support it too
    with django_capture_on_commit_callbacks(execute=True):
        needs_services.need_set_status(
            actor=people["admin"], need=need, status=NeedStatus.DECLINED, reason="Già coperto."
        )
    assert recipients(mailoutbox) == [
        "anna.rossi@example.org",
        "member1@example.org",
        "staff1@example.org",
    ]
    assert all("Già coperto." in mail.body for mail in mailoutbox)


def test_someone_without_an_address_is_skipped_and_a_shared_one_told_once(
    people, followed, mailoutbox, django_capture_on_commit_callbacks
):
    silent = make_user("silent1")
    silent.email = ""
    silent.save()
    twin = make_user("twin1")
    twin.email = "member1@example.org"  # the same address as member1: one e-mail
    twin.save()
    for user in (silent, twin):
        needs_services.need_support(actor=user, need=followed)
    with django_capture_on_commit_callbacks(execute=True):
        needs_services.need_set_status(
            actor=people["admin"], need=followed, status=NeedStatus.UNDER_REVIEW
        )
    assert recipients(mailoutbox) == [
        "member1@example.org",
        "resident1@example.org",
        "staff1@example.org",
    ]


def test_nothing_is_sent_for_a_change_that_was_rolled_back(
    people, followed, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        needs_services.need_set_status(
            actor=people["admin"], need=followed, status=NeedStatus.UNDER_REVIEW
        )
        raise RuntimeError("the request failed after the change")
    assert callbacks == []
    assert mailoutbox == []
    followed.refresh_from_db()
    assert followed.status == NeedStatus.NEW


def test_a_refused_change_sends_nothing(
    people, followed, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        needs_services.need_set_status(actor=people["admin"], need=followed, status=NeedStatus.MET)
    assert mailoutbox == []


def test_a_project_answering_the_need_tells_its_followers(
    people, followed, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_project(people["coop"], people["staff"], needs=[followed], title="Bottega")
    assert len(mailoutbox) == 3
    assert all("Answered by a project" in mail.subject for mail in mailoutbox)
    assert all("Bottega" in mail.body for mail in mailoutbox)


def test_a_merge_tells_the_duplicate_s_supporters_where_their_support_went(
    people, followed, mailoutbox, django_capture_on_commit_callbacks
):
    """The e-mail says "your support now counts there": it must reach those whose support
    moved, not only the duplicate's author."""
    target = make_need(people["coop"], people["admin"], title="Un negozio in paese")
    with django_capture_on_commit_callbacks(execute=True):
        needs_services.need_merge(actor=people["staff"], duplicate=followed, into=target)
    assert recipients(mailoutbox) == [
        "member1@example.org",
        "resident1@example.org",
        "staff1@example.org",
    ]
    assert all("Un negozio in paese" in mail.body for mail in mailoutbox)


# --- the board's decision -----------------------------------------------------------------------
@pytest.mark.parametrize("decision", ["accept", "changes", "decline"])
def test_the_proposer_is_told_the_board_s_decision(
    people, followed, mailoutbox, django_capture_on_commit_callbacks, decision
):
    proposal = make_proposal(people["coop"], people["member"], [followed])
    proposals_services.proposal_support(actor=people["resident"], proposal=proposal)
    with django_capture_on_commit_callbacks(execute=True):
        project = proposals_services.proposal_decide(
            actor=people["admin"],
            proposal=proposal,
            decision=decision,
            reason="" if decision == "accept" else "Serve un piano dei costi.",
        )
    decided = [m for m in mailoutbox if "Riaprire la bottega" in m.subject]
    assert len(decided) == 1
    [mail] = decided
    assert mail.to == ["member1@example.org"]
    assert f"/c/alpha/proposals/{proposal.pk}/" in mail.body
    if decision == "accept":
        assert f"/c/alpha/projects/{project.pk}/" in mail.body
        assert "Accepted" in mail.body
        # Accepting answered the need: its followers (the proposer supports it) are told too.
        assert recipients(mailoutbox) == [
            "member1@example.org",
            "member1@example.org",
            "resident1@example.org",
            "staff1@example.org",
        ]
    else:
        assert "Serve un piano dei costi." in mail.body
        assert [m.to for m in mailoutbox] == [["member1@example.org"]]


# --- language and plain text --------------------------------------------------------------------
def _status_mail(people, language: str, mailoutbox, capture):
    need = make_need(people["coop"], people["resident"], title="L'orto di Sant'Anna & co.")
    with translation.override(language), capture(execute=True):
        needs_services.need_set_status(
            actor=people["admin"],
            need=need,
            status=NeedStatus.DECLINED,
            reason="C'è già l'orto dell'associazione <Amici>.",
        )
    [mail] = mailoutbox
    return mail


def test_the_e_mails_are_plain_text_with_apostrophes_as_typed(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    mail = _status_mail(people, "en", mailoutbox, django_capture_on_commit_callbacks)
    text = mail.subject + mail.body
    assert "L'orto di Sant'Anna & co." in mail.subject
    assert "C'è già l'orto dell'associazione <Amici>." in mail.body
    assert "&#x27;" not in text and "&#39;" not in text and "&amp;" not in text
    assert "&lt;" not in text
    assert "Hello," in mail.body and "Declined" in mail.subject


def test_the_e_mails_are_written_in_italian_for_an_italian_request(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    mail = _status_mail(people, "it", mailoutbox, django_capture_on_commit_callbacks)
    assert "L'orto di Sant'Anna & co." in mail.subject
    assert "C'è già l'orto" in mail.body and "&#x27;" not in mail.body
    assert "Hello," not in mail.body, mail.body
    assert "Declined" not in mail.subject, mail.subject
    assert "the need" not in mail.subject, mail.subject


def test_the_board_s_reason_reaches_the_proposer_as_typed(
    people, followed, mailoutbox, django_capture_on_commit_callbacks
):
    proposal = make_proposal(
        people["coop"], people["member"], [followed], title="L'emporio & la navetta"
    )
    with django_capture_on_commit_callbacks(execute=True):
        proposals_services.proposal_decide(
            actor=people["admin"],
            proposal=proposal,
            decision="changes",
            reason="Manca l'orario: <serve> un piano.",
        )
    [mail] = mailoutbox
    assert "L'emporio & la navetta" in mail.subject
    assert "Manca l'orario: <serve> un piano." in mail.body
    assert "&#x27;" not in mail.subject + mail.body and "&lt;" not in mail.body
