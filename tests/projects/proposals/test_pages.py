"""The proposals pages: proposing an answer to needs, the list, a proposal's page with its
estimates, supports and threshold, comments and who is named, changes and withdrawal by the
proposer, the board's decision (accepting makes a project), forged and bad input, and the list's
constant number of queries."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from comunitas.core.models import StatuteParameters
from comunitas.projects.models import Project, Proposal, ProposalComment, ProposalSupport
from comunitas.projects.needs import forms as needs_forms
from comunitas.projects.needs import services as needs_services
from comunitas.projects.proposals import services as proposals_services
from tests.helpers import make_need, make_proposal, make_resource
from tests.projects.needs.matrix import PROPOSAL_FORM

pytestmark = pytest.mark.django_db


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def need(people):
    return make_need(people["coop"], people["resident"], title="Nessun autobus la domenica")


@pytest.fixture
def proposal(people, need):
    return make_proposal(people["coop"], people["member"], [need])


def form(need, **change) -> dict:
    return {**PROPOSAL_FORM, "needs": [need.pk], **change}


# --- proposing ----------------------------------------------------------------------------------
def test_a_member_proposes_an_answer_to_a_need(client, people, need):
    resource = make_resource(people["coop"], people["admin"], name="Rimessa comunale")
    client.force_login(people["member"])
    text = page(client, f"/c/alpha/proposals/new/?need={need.pk}")
    assert f'<option value="{need.pk}" selected>' in text and "Rimessa comunale" in text
    response = client.post("/c/alpha/proposals/new/", form(need, resource=resource.pk), follow=True)
    proposal = Proposal.objects.get()
    assert response.redirect_chain == [(f"/c/alpha/proposals/{proposal.pk}/", 302)]
    assert (proposal.proposed_by, proposal.resource, list(proposal.needs.all())) == (
        people["member"],
        resource,
        [need],
    )
    assert proposal.estimated_costs == Decimal("4000.00")
    text = response.content.decode()
    assert "Your proposal is published" in text and "your proposal" in text
    assert "€4,000.00" in text and "€1,500.00" in text and "2,500.00" in text  # the balance
    assert f'href="/c/alpha/needs/{need.pk}/"' in text and "Rimessa comunale" in text
    assert "the board reviews it at 10 supports" in text


def test_odd_preselection_is_ignored(client, people, need):
    theirs = make_need(people["other"], people["stranger"], municipality=None)
    client.force_login(people["member"])
    for query in (f"?need={theirs.pk}", "?need=abc", "?need=99999999999999999999", "?need="):
        text = page(client, f"/c/alpha/proposals/new/{query}")
        assert "Nessun autobus" in text and '" selected>Nessun' not in text, query


def test_a_forged_need_or_resource_of_another_cooperative_is_a_field_error(client, people, need):
    theirs = make_need(people["other"], people["stranger"], municipality=None)
    their_resource = make_resource(people["other"], people["stranger"])
    client.force_login(people["member"])
    cases = [
        (form(need, needs=[theirs.pk]), "Choose needs of this cooperative that are still open."),
        (form(need, needs=[need.pk, theirs.pk]), "Choose needs of this cooperative"),
        (form(need, resource=their_resource.pk), "Choose a common resource of this cooperative."),
        (form(need, needs=["abc"]), "Choose needs of this cooperative"),
        (form(need, needs=[]), "This field is required."),
    ]
    for body, message in cases:
        response = client.post("/c/alpha/proposals/new/", body)
        assert response.status_code == 200, body
        assert message in response.content.decode(), body
    assert not Proposal.objects.exists()


def test_bad_input_comes_back_on_the_form_and_saves_nothing(client, people, need):
    declined = make_need(people["coop"], people["resident"], title="Chiuso")
    needs_services.need_set_status(
        actor=people["admin"], need=declined, status="declined", reason="No"
    )
    client.force_login(people["resident"])
    cases = [
        ({"title": "t" * 201}, "at most 200 characters"),
        ({"description": "d" * 5001}, "at most 5000 characters"),
        ({"estimated_costs": "-1"}, "greater than or equal to 0"),
        ({"estimated_revenues": "12.345"}, "no more than 2 decimal places"),
        ({"estimated_costs": "1e30"}, "Ensure that there are no more than 14 digits"),
        ({"estimated_costs": "abc"}, "Enter a number."),
        ({"volunteers_needed": "-2"}, "greater than or equal to 0"),
        ({"needs": [declined.pk]}, "Choose needs of this cooperative that are still open."),
        ({"description": ""}, "This field is required."),
    ]
    for change, message in cases:
        response = client.post("/c/alpha/proposals/new/", form(need, **change))
        assert response.status_code == 200, change
        assert message in response.content.decode(), (change, message)
    assert not Proposal.objects.exists()


def test_script_in_a_proposal_and_its_comments_is_shown_escaped(client, people, need):
    script = "<script>alert('x')</script>"
    proposal = make_proposal(people["coop"], people["member"], [need], title=script)
    Proposal.objects.filter(pk=proposal.pk).update(description=script)
    proposals_services.proposal_comment(actor=people["resident"], proposal=proposal, text=script)
    for url in ("/c/alpha/proposals/", f"/c/alpha/proposals/{proposal.pk}/"):
        text = page(client, url)
        assert script not in text and "&lt;script&gt;" in text, url


# --- the list -----------------------------------------------------------------------------------
def test_the_list_filters_by_status_and_says_what_to_do_when_empty(client, people, need):
    client.force_login(people["resident"])
    text = page(client, "/c/alpha/proposals/")
    assert "No proposal yet." in text and "/c/alpha/proposals/new/" in text
    open_one = make_proposal(people["coop"], people["member"], [need], title="Pulmino")
    withdrawn = make_proposal(people["coop"], people["member"], [need], title="Taxi sociale")
    proposals_services.proposal_withdraw(actor=people["member"], proposal=withdrawn)
    proposals_services.proposal_support(actor=people["resident"], proposal=open_one)
    text = page(client, "/c/alpha/proposals/")
    assert "Pulmino" in text and "Taxi sociale" in text and "you support it" in text
    assert "Nessun autobus la domenica" in text
    text = page(client, "/c/alpha/proposals/?status=withdrawn")
    assert "Taxi sociale" in text and "Pulmino" not in text
    text = page(client, "/c/alpha/proposals/?status=accepted")
    assert "No proposal has this status." in text
    for odd in ("?status=bogus", "?page=abc", "?status=<b>"):
        assert client.get(f"/c/alpha/proposals/{odd}").status_code == 200


@pytest.mark.parametrize("n", [3, 30])
def test_the_list_is_a_constant_number_of_queries(
    client, people, need, n, django_assert_num_queries
):
    other = make_need(people["coop"], people["resident"], title="Nessun medico")
    for i in range(n):
        proposal = make_proposal(people["coop"], people["member"], [need, other], title=f"P{i:02d}")
        if i % 3 == 0:
            proposals_services.proposal_support(actor=people["resident"], proposal=proposal)
    client.force_login(people["resident"])
    # session, user, coop, roles; the page's count, its proposals with resource and project,
    # their needs; which of them the user supports
    with django_assert_num_queries(8):
        text = page(client, "/c/alpha/proposals/")
    assert text.count("Nessun medico") == n and text.count("you support it") == (n + 2) // 3


# --- a proposal's page: supports, threshold, comments -------------------------------------------
def test_support_twice_is_refused_and_the_threshold_puts_it_before_the_board(
    client, people, proposal, mailoutbox, django_capture_on_commit_callbacks
):
    StatuteParameters.objects.filter(coop=people["coop"]).update(proposal_support_threshold=2)
    url = f"/c/alpha/proposals/{proposal.pk}"
    client.force_login(people["resident"])
    text = page(client, f"{url}/")
    assert "the board reviews it at 2 supports" in text and "Support this proposal" in text
    response = client.post(f"{url}/support/", follow=True)
    assert messages_of(response) == ["Thank you: your support is counted."]
    response = client.post(f"{url}/support/", follow=True)
    assert messages_of(response) == ["You already support this proposal."]
    assert ProposalSupport.objects.filter(proposal=proposal).count() == 1
    client.force_login(people["member"])  # the proposer
    response = client.post(f"{url}/support/", follow=True)
    assert messages_of(response) == ["You made this proposal: it counts already."]
    client.force_login(people["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{url}/support/")
    proposal.refresh_from_db()
    assert proposal.status == "board_review" and proposal.support_count == 2
    assert [m.to for m in mailoutbox] == [["admin1@example.org"]]
    text = page(client, f"{url}/")
    assert "Awaiting the board" in text and "enough for the board to review it" in text
    response = client.post(f"{url}/unsupport/", follow=True)
    assert messages_of(response) == ["Your support is withdrawn."]
    response = client.post(f"{url}/unsupport/", follow=True)
    assert messages_of(response) == ["You do not support this proposal."]


def test_comments_name_people_only_to_those_with_a_role(client, people, proposal):
    proposals_services.proposal_comment(actor=people["admin"], proposal=proposal, text="Chi guida?")
    proposals_services.proposal_comment(actor=people["resident"], proposal=proposal, text="Io!")
    url = f"/c/alpha/proposals/{proposal.pk}/"
    client.force_login(people["member"])
    text = page(client, url)
    assert "Ada B." in text and "a participant" in text and "Chi guida?" in text
    assert "Board" not in text.split('id="comments-h"')[1]  # the last name's initial only
    assert "resident1" not in text and "admin1" not in text
    client.force_login(people["resident"])
    assert "<strong>you</strong>: Io!" in page(client, url)
    client.logout()
    text = page(client, url)
    assert "Chi guida?" in text and "Ada B." not in text and "a participant" not in text
    assert 'name="comment-text"' not in text and "Log in to support or comment" in text


def test_a_comment_is_published_and_bad_ones_are_refused(client, people, proposal):
    client.force_login(people["resident"])
    url = f"/c/alpha/proposals/{proposal.pk}/comments/"
    response = client.post(url, {"comment-text": "Ottima idea"}, follow=True)
    assert response.redirect_chain == [(f"/c/alpha/proposals/{proposal.pk}/", 302)]
    assert messages_of(response) == ["Your comment is published."]
    for body, message in [
        ({"comment-text": "   "}, "This field is required."),
        ({"comment-text": "c" * 2001}, "at most 2000 characters"),
        ({}, "This field is required."),
    ]:
        response = client.post(url, body, follow=True)
        assert message in " ".join(messages_of(response)), body
    assert ProposalComment.objects.count() == 1


# --- changes and withdrawal ---------------------------------------------------------------------
def test_the_proposer_and_operators_change_it_others_cannot(client, people, proposal, need):
    url = f"/c/alpha/proposals/{proposal.pk}/edit/"
    client.force_login(people["resident"])
    assert client.get(url).status_code == 403
    assert client.post(url, form(need, title="Preso")).status_code == 403
    client.force_login(people["member"])
    text = page(client, url)
    assert 'value="Riaprire la bottega"' in text and f'<option value="{need.pk}" selected>' in text
    response = client.post(url, form(need, title="Un pulmino"))
    assert response["Location"] == f"/c/alpha/proposals/{proposal.pk}/"
    client.force_login(people["staff"])
    assert client.post(url, form(need, title="Un pulmino elettrico")).status_code == 302
    proposal.refresh_from_db()
    assert proposal.title == "Un pulmino elettrico" and proposal.proposed_by == people["member"]


def test_after_changes_are_asked_the_proposer_edits_and_it_goes_back(
    client, people, proposal, need
):
    proposals_services.proposal_decide(
        actor=people["admin"], proposal=proposal, decision="changes", reason="Costi?"
    )
    client.force_login(people["member"])
    text = page(client, f"/c/alpha/proposals/{proposal.pk}/edit/")
    assert "The board asked for changes:" in text and "Costi?" in text
    client.post(f"/c/alpha/proposals/{proposal.pk}/edit/", form(need, estimated_costs="3000"))
    proposal.refresh_from_db()
    assert proposal.status == "open" and proposal.estimated_costs == Decimal("3000.00")


def test_only_the_proposer_withdraws_and_then_nothing_changes(client, people, proposal, need):
    url = f"/c/alpha/proposals/{proposal.pk}"
    for who in ("staff", "admin", "resident"):
        client.force_login(people[who])
        assert client.post(f"{url}/withdraw/").status_code == 403, who
    client.force_login(people["member"])
    response = client.post(f"{url}/withdraw/", follow=True)
    assert messages_of(response) == ["The proposal is withdrawn."]
    text = response.content.decode()
    assert "Withdrawn" in text and 'name="comment-text"' not in text and "/edit/" not in text
    response = client.get(f"{url}/edit/", follow=True)
    assert "it can no longer change" in " ".join(messages_of(response))
    response = client.post(f"{url}/comments/", {"comment-text": "Peccato"}, follow=True)
    assert "it can no longer change" in " ".join(messages_of(response))
    assert not ProposalComment.objects.exists()


# --- the board's decision -----------------------------------------------------------------------
def test_the_board_accepts_and_lands_on_the_new_project(
    client, people, proposal, need, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(people["admin"])
    text = page(client, f"/c/alpha/proposals/{proposal.pk}/")
    assert 'name="decision-decision"' in text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/c/alpha/proposals/{proposal.pk}/decide/", {"decision-decision": "accept"}
        )
    project = Project.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/c/alpha/projects/{project.pk}/"
    assert project.proposal == proposal and list(project.needs.all()) == [need]
    assert "member1@example.org" in [m.to[0] for m in mailoutbox]
    text = page(client, f"/c/alpha/proposals/{proposal.pk}/")
    assert "it is now a project" in text and f'href="/c/alpha/projects/{project.pk}/"' in text
    assert 'name="decision-decision"' not in text
    text = page(client, "/c/alpha/proposals/")
    assert f'href="/c/alpha/projects/{project.pk}/"' in text


def test_the_board_asks_for_changes_or_declines_with_a_reason(client, people, proposal):
    client.force_login(people["admin"])
    url = f"/c/alpha/proposals/{proposal.pk}/decide/"
    for body, message in [
        ({"decision-decision": "decline"}, "Tell the proposer why."),
        ({"decision-decision": "destroy", "decision-reason": "x"}, "Select a valid choice."),
        ({"decision-decision": "decline", "decision-reason": "r" * 1001}, "at most 1000"),
    ]:
        response = client.post(url, body, follow=True)
        assert message in " ".join(messages_of(response)), body
    proposal.refresh_from_db()
    assert proposal.status == "open"
    body = {"decision-decision": "decline", "decision-reason": "Il comune lo fa già."}
    response = client.post(url, body, follow=True)
    assert "The decision is recorded" in " ".join(messages_of(response))
    text = response.content.decode()
    assert "Declined" in text and "Il comune lo fa già." in text
    response = client.post(url, {"decision-decision": "accept"}, follow=True)
    assert "it can no longer change" in " ".join(messages_of(response))
    assert not Project.objects.exists()


def test_only_the_board_decides(client, people, proposal):
    for who in ("staff", "member", "resident"):
        client.force_login(people[who])
        text = page(client, f"/c/alpha/proposals/{proposal.pk}/")
        assert 'name="decision-decision"' not in text, who
        body = {"decision-decision": "accept"}
        assert client.post(f"/c/alpha/proposals/{proposal.pk}/decide/", body).status_code == 403
    assert not Project.objects.exists()


def test_another_cooperatives_proposal_is_not_found(client, people):
    theirs_need = make_need(people["other"], people["stranger"], municipality=None)
    theirs = make_proposal(people["other"], people["stranger"], [theirs_need])
    client.force_login(people["admin"])
    base = f"/c/alpha/proposals/{theirs.pk}"
    assert client.get(f"{base}/").status_code == 404
    assert client.get(f"{base}/edit/").status_code == 404
    for action, body in [
        ("support", {}),
        ("unsupport", {}),
        ("comments", {"comment-text": "x"}),
        ("withdraw", {}),
        ("decide", {"decision-decision": "accept"}),
        ("edit", PROPOSAL_FORM),
    ]:
        assert client.post(f"{base}/{action}/", body).status_code == 404, action
    theirs.refresh_from_db()
    assert theirs.status == "open" and theirs.support_count == 0
    assert not Project.objects.exists() and not ProposalComment.objects.exists()


def test_a_private_resource_is_not_named_to_visitors(client, people, need):
    hidden = make_resource(people["coop"], people["admin"], name="Magazzino", is_public=False)
    proposal = make_proposal(people["coop"], people["member"], [need], resource=hidden)
    text = page(client, f"/c/alpha/proposals/{proposal.pk}/")
    assert "Magazzino" not in text and "a resource of the cooperative" in text
    client.force_login(people["resident"])
    assert "Magazzino" in page(client, f"/c/alpha/proposals/{proposal.pk}/")


def test_the_needs_list_of_the_form_shows_the_most_supported_and_the_chosen(
    client, people, monkeypatch
):
    """A cooperative with thousands of needs does not send them all in every form: the list
    holds the most supported ones and the chosen one, and any open need is still accepted."""
    monkeypatch.setattr(needs_forms, "SHOWN_NEEDS", 2)
    coop = people["coop"]
    needs = [make_need(coop, people["resident"], title=f"Bisogno {i}") for i in range(4)]
    for need in needs[:2]:
        needs_services.need_support(actor=people["member"], need=need)
    client.force_login(people["member"])
    page = client.get(f"/c/alpha/proposals/new/?need={needs[3].pk}").content.decode()
    shown = re.findall(r'<option value="(\d+)"', page)
    assert sorted(map(int, shown)) == sorted([needs[0].pk, needs[1].pk, needs[3].pk])
    response = client.post(
        "/c/alpha/proposals/new/",
        {
            "title": "Per il bisogno meno sostenuto",
            "description": "Una risposta.",
            "needs": [needs[2].pk],  # not listed, still an open need of the cooperative
            "estimated_costs": "0",
            "estimated_revenues": "0",
            "volunteers_needed": "0",
        },
    )
    assert response.status_code == 302
    assert list(Proposal.objects.get(title="Per il bisogno meno sostenuto").needs.all()) == [
        needs[2]
    ]
