"""The needs pages: telling a need (online and on paper), the list with its filters, counts and
support buttons, a need's public page, supports, the operators' status and merge forms, who
sees what, bad and forged input, and the list's constant number of queries."""

from __future__ import annotations

import pytest

from comunitas.projects.models import Need, NeedStatus, NeedStatusChange, NeedSupport
from comunitas.projects.needs import services as needs_services
from tests.decisions.consultations.matrix import make_consultation, open_consultation
from tests.helpers import make_need, make_project, make_proposal
from tests.projects.needs.matrix import NEED_FORM

pytestmark = pytest.mark.django_db


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- telling a need -----------------------------------------------------------------------------
def test_a_resident_tells_a_need_and_reads_it_as_theirs(client, people):
    client.force_login(people["resident"])
    form = page(client, "/c/alpha/needs/new/")
    assert 'name="age_groups"' in form and 'name="channel"' not in form
    assert 'name="contact_email"' not in form
    # A forged channel and e-mail from a resident are ignored: the need is theirs, told online.
    response = client.post(
        "/c/alpha/needs/new/",
        {**NEED_FORM, "channel": "paper", "contact_email": "x@example.org"},
        follow=True,
    )
    need = Need.objects.get()
    assert response.redirect_chain == [(f"/c/alpha/needs/{need.pk}/", 302)]
    assert "Thank you: the need is recorded" in " ".join(messages_of(response))
    assert (need.submitted_by, need.channel, need.contact_email) == (people["resident"], "web", "")
    assert need.age_groups == ["young", "elderly"] and need.municipality_id == "008034"
    text = response.content.decode()
    assert "you told this need" in text and "Valcona" in text and "About 80" not in text
    assert "about 80 people" in text and "Young people (15-29), Older people (65+)" in text
    assert "Propose an answer" in text and f"/c/alpha/proposals/new/?need={need.pk}" in text


def test_staff_take_down_a_paper_need_and_only_operators_see_its_contact(client, people):
    client.force_login(people["staff"])
    form = page(client, "/c/alpha/needs/new/")
    assert 'name="channel"' in form and 'name="contact_email"' in form
    paper = {**NEED_FORM, "channel": "phone", "contact_email": "nonna.pina@example.org"}
    assert client.post("/c/alpha/needs/new/", paper).status_code == 302
    need = Need.objects.get()
    assert (need.channel, need.submitted_by, need.contact_email) == (
        "phone",
        None,
        "nonna.pina@example.org",
    )
    url = f"/c/alpha/needs/{need.pk}/"
    text = page(client, url)
    assert "nonna.pina@example.org" in text and "By phone" in text
    for who in ("member", "resident"):
        client.force_login(people[who])
        text = page(client, url)
        assert "nonna.pina@example.org" not in text and "By phone" not in text
    client.logout()
    text = page(client, url)
    assert "nonna.pina@example.org" not in text and NEED_FORM["title"] in text


def test_nobody_but_operators_learns_who_told_or_changed_a_need(client, people):
    need = make_need(people["coop"], people["resident"])
    needs_services.need_support(actor=people["member"], need=need)
    needs_services.need_set_status(actor=people["admin"], need=need, status="under_review")
    url = f"/c/alpha/needs/{need.pk}/"
    client.force_login(people["staff"])
    text = page(client, url)
    assert "resident1" in text and "Ada Board" in text  # told by, changed by
    for who in ("member", "anonymous"):
        client.logout()
        if who != "anonymous":
            client.force_login(people[who])
        text = page(client, url)
        assert "resident1" not in text and "Ada Board" not in text and "member1" not in text
        assert "Under review" in text
    client.force_login(people["member"])
    assert "you support it" in page(client, url)


def test_bad_input_comes_back_on_the_form_and_saves_nothing(client, people):
    client.force_login(people["member"])
    cases = [
        ({"title": "x" * 201}, "at most 200 characters"),
        ({"description": "y" * 5001}, "at most 5000 characters"),
        ({"title": "   "}, "This field is required."),
        ({"municipality": "Atlantide"}, "Unknown municipality: Atlantide."),
        ({"municipality": "Roma (RM)"}, "outside the territory the cooperative serves"),
        ({"age_groups": ["martians"]}, "Select a valid choice."),
        ({"people_affected": "-5"}, "greater than or equal to 1"),
        ({"people_affected": "99999999999"}, "less than or equal to"),
        ({"category": "<b>x</b>"}, "Select a valid choice."),
        ({"urgency": ""}, "This field is required."),
    ]
    for change, message in cases:
        response = client.post("/c/alpha/needs/new/", {**NEED_FORM, **change})
        assert response.status_code == 200, change
        assert message in response.content.decode(), (change, message)
    assert not Need.objects.exists()


def test_script_in_a_need_is_shown_escaped(client, people):
    script = "<script>alert('x')</script>"
    need = make_need(people["coop"], people["member"], title=script, description=script)
    for url in ("/c/alpha/needs/", f"/c/alpha/needs/{need.pk}/", "/c/alpha/coverage/"):
        text = page(client, url)
        assert script not in text and "&lt;script&gt;" in text, url


def test_a_line_break_in_a_description_is_kept(client, people):
    need = make_need(people["coop"], people["member"], description="Prima riga\nSeconda riga")
    assert "Prima riga<br>Seconda riga" in page(client, f"/c/alpha/needs/{need.pk}/")


# --- the list -----------------------------------------------------------------------------------
@pytest.fixture
def needs(people):
    coop, member, resident = people["coop"], people["member"], people["resident"]
    shop = make_need(coop, resident, title="Nessun negozio")
    bus = make_need(coop, member, title="Nessun autobus", category="mobility", urgency="low")
    doctor = make_need(coop, member, title="Medico una volta al mese", category="care")
    old = make_need(coop, member, title="Nessun negozio (doppione)")
    needs_services.need_support(actor=member, need=shop)
    needs_services.need_support(actor=people["staff"], need=shop)
    needs_services.need_set_status(
        actor=people["admin"], need=doctor, status="declined", reason="No"
    )
    needs_services.need_merge(actor=people["admin"], duplicate=old, into=shop)
    return {"shop": shop, "bus": bus, "doctor": doctor, "old": old}


def test_the_list_filters_counts_and_sorts(client, people, needs):
    text = page(client, "/c/alpha/needs/")
    assert "3 needs" in text  # all but the merged one
    assert text.index("Nessun negozio<") < text.index("Nessun autobus")  # most supported first
    assert "Nessun negozio (doppione)" not in text
    assert "All but merged (3)" in text and "Merged into another need (1)" in text
    assert "Shops and basic services (1)" in text and "Care and assistance (1)" in text
    text = page(client, "/c/alpha/needs/?status=merged")
    assert "Nessun negozio (doppione)" in text and "1 need" in text
    text = page(client, "/c/alpha/needs/?category=mobility")
    assert "Nessun autobus" in text and "Nessun negozio" not in text
    assert "New (1)" in text  # the status counts keep the category chosen
    text = page(client, "/c/alpha/needs/?urgency=low")
    assert "Nessun autobus" in text and "Medico" not in text
    text = page(client, "/c/alpha/needs/?q=medico")
    assert "Medico una volta al mese" in text and "Nessun autobus" not in text
    text = page(client, "/c/alpha/needs/?sort=oldest")
    assert text.index("Nessun negozio<") < text.index("Nessun autobus") < text.index("Medico")
    text = page(client, "/c/alpha/needs/?sort=newest")
    assert text.index("Medico") < text.index("Nessun autobus") < text.index("Nessun negozio<")
    text = page(client, "/c/alpha/needs/?q=nothing-like-this")
    assert "No need matches these filters." in text


def test_odd_filters_are_ignored_not_errors(client, people, needs):
    for query in (
        "status=bogus",
        "category=<script>",
        "sort=-id;drop",
        "page=abc",
        "page=99999",
        "q=" + "z" * 500,
        "urgency=0&status=&sort=",
    ):
        assert client.get(f"/c/alpha/needs/?{query}").status_code == 200, query
    text = page(client, "/c/alpha/needs/?status=bogus&category=mobility")
    assert "Nessun autobus" in text and "Nessun negozio" not in text


def test_the_list_shows_ones_own_support_and_buttons_to_participants(client, people, needs):
    text = page(client, "/c/alpha/needs/")
    assert "Log in to tell or support a need" in text and "/support/" not in text
    client.force_login(people["member"])
    text = page(client, "/c/alpha/needs/")
    shop, bus = needs["shop"], needs["bus"]
    assert "you support it" in text and f"/c/alpha/needs/{shop.pk}/unsupport/" in text
    assert "you told this need" in text and f"/c/alpha/needs/{bus.pk}/support/" not in text
    assert f"/c/alpha/needs/{needs['doctor'].pk}/support/" not in text  # declined
    client.force_login(people["resident"])
    text = page(client, "/c/alpha/needs/")
    assert f"/c/alpha/needs/{bus.pk}/support/" in text and "Tell a need" in text


def test_empty_list_says_what_to_do_next(client, people):
    assert "Residents and members can tell one once they log in." in page(client, "/c/alpha/needs/")
    client.force_login(people["member"])
    text = page(client, "/c/alpha/needs/")
    assert "What is missing where you live?" in text and "/c/alpha/needs/new/" in text


@pytest.mark.parametrize("n", [3, 30])
def test_the_list_is_a_constant_number_of_queries(client, people, n, django_assert_num_queries):
    coop, member = people["coop"], people["member"]
    for i in range(n):
        need = make_need(coop, people["resident"], title=f"Bisogno {i:02d}", category="care")
        if i % 2:
            needs_services.need_support(actor=member, need=need)
    client.force_login(member)
    # session, user, coop, roles; counts by status and by category; the page's count, its
    # needs with their municipality; which of them the user supports
    with django_assert_num_queries(9):
        text = page(client, "/c/alpha/needs/?category=care&sort=newest")
    assert text.count('">Bisogno ') == n and text.count("you support it") == n // 2


# --- supports -----------------------------------------------------------------------------------
def test_support_twice_is_refused_with_a_message_and_counted_once(client, people):
    need = make_need(people["coop"], people["resident"])
    client.force_login(people["member"])
    url = f"/c/alpha/needs/{need.pk}/support/"
    response = client.post(url, follow=True)
    assert response.redirect_chain == [(f"/c/alpha/needs/{need.pk}/", 302)]
    assert "your support is counted" in " ".join(messages_of(response))
    response = client.post(url, follow=True)
    assert messages_of(response) == ["You already support this need."]
    assert NeedSupport.objects.filter(need=need).count() == 1
    assert Need.objects.get(pk=need.pk).support_count == 1
    response = client.post(f"/c/alpha/needs/{need.pk}/unsupport/", follow=True)
    assert messages_of(response) == ["Your support is withdrawn."]
    response = client.post(f"/c/alpha/needs/{need.pk}/unsupport/", follow=True)
    assert messages_of(response) == ["You do not support this need."]
    assert Need.objects.get(pk=need.pk).support_count == 0


def test_supporting_ones_own_need_is_refused(client, people):
    need = make_need(people["coop"], people["resident"])
    client.force_login(people["resident"])
    response = client.post(f"/c/alpha/needs/{need.pk}/support/", follow=True)
    assert messages_of(response) == ["You told this need yourself: it counts already."]
    assert not NeedSupport.objects.exists()


def test_support_from_the_list_goes_back_to_the_list_and_never_elsewhere(client, people):
    need = make_need(people["coop"], people["resident"])
    client.force_login(people["member"])
    back = "/c/alpha/needs/?category=shops&page=1"
    response = client.post(f"/c/alpha/needs/{need.pk}/support/", {"next": back})
    assert response["Location"] == back
    for elsewhere in ("https://evil.example/", "//evil.example/c/alpha/", "/c/beta/needs/"):
        response = client.post(f"/c/alpha/needs/{need.pk}/unsupport/", {"next": elsewhere})
        assert response["Location"] == f"/c/alpha/needs/{need.pk}/", elsewhere


def test_visitors_are_sent_to_log_in_to_support(client, people):
    need = make_need(people["coop"], people["resident"])
    response = client.post(f"/c/alpha/needs/{need.pk}/support/")
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")
    assert not NeedSupport.objects.exists()


# --- the operators' forms -----------------------------------------------------------------------
def test_a_status_change_is_public_and_tells_who_told_and_supports_it(
    client, people, mailoutbox, django_capture_on_commit_callbacks
):
    need = make_need(people["coop"], people["resident"])
    needs_services.need_support(actor=people["member"], need=need)
    client.force_login(people["staff"])
    text = page(client, f"/c/alpha/needs/{need.pk}/")
    assert 'name="status-status"' in text and 'value="under_review"' in text
    assert 'value="met"' not in text  # not a next step of a new need
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/c/alpha/needs/{need.pk}/status/",
            {"status-status": "declined", "status-reason": "Il comune ha già un servizio."},
            follow=True,
        )
    assert "The status is changed" in " ".join(messages_of(response))
    assert sorted(m.to[0] for m in mailoutbox) == ["member1@example.org", "resident1@example.org"]
    assert (
        "Declined" in mailoutbox[0].body and "Il comune ha già un servizio." in mailoutbox[0].body
    )
    client.force_login(people["member"])
    text = page(client, f"/c/alpha/needs/{need.pk}/")
    assert "Declined: Il comune ha già un servizio." in text
    assert text.count("<li><time") == 2  # new, declined
    assert "Withdraw support" not in text  # a declined need can no longer be supported


def test_a_refused_status_change_says_why_and_changes_nothing(
    client, people, mailoutbox, django_capture_on_commit_callbacks
):
    need = make_need(people["coop"], people["resident"])
    client.force_login(people["admin"])
    url = f"/c/alpha/needs/{need.pk}/status/"
    with django_capture_on_commit_callbacks(execute=True):
        for body, message in [
            ({"status-status": "declined"}, "Say publicly why the need is declined."),
            ({"status-status": "met"}, "Select a valid choice."),  # forged: not a next step
            ({"status-status": "merged"}, "Select a valid choice."),
            ({"status-status": "declined", "status-reason": "r" * 1001}, "at most 1000"),
            ({}, "This field is required."),
        ]:
            response = client.post(url, body, follow=True)
            assert message in " ".join(messages_of(response)), body
    assert Need.objects.get(pk=need.pk).status == NeedStatus.NEW
    assert NeedStatusChange.objects.filter(need=need).count() == 1 and not mailoutbox


def test_answered_needs_a_project_first(client, people):
    need = make_need(people["coop"], people["resident"])
    needs_services.need_set_status(actor=people["admin"], need=need, status="under_review")
    client.force_login(people["staff"])
    response = client.post(
        f"/c/alpha/needs/{need.pk}/status/", {"status-status": "answered"}, follow=True
    )
    assert "link it to a project first" in " ".join(messages_of(response))


def test_staff_merge_a_duplicate_and_its_page_points_to_the_other(client, people):
    coop = people["coop"]
    keep = make_need(coop, people["resident"], title="Nessun negozio")
    duplicate = make_need(coop, people["member"], title="Manca un alimentari")
    needs_services.need_support(actor=people["staff"], need=duplicate)
    client.force_login(people["staff"])
    response = client.post(
        f"/c/alpha/needs/{duplicate.pk}/merge/", {"merge-into": keep.pk}, follow=True
    )
    assert response.redirect_chain == [(f"/c/alpha/needs/{keep.pk}/", 302)]
    keep.refresh_from_db()
    assert keep.support_count == 2  # the staff's support and the duplicate's author
    text = page(client, f"/c/alpha/needs/{duplicate.pk}/")
    assert "was merged into it" in text and f'href="/c/alpha/needs/{keep.pk}/"' in text
    assert 'name="merge-into"' not in text and 'name="status-status"' not in text
    client.force_login(people["member"])
    text = page(client, f"/c/alpha/needs/{duplicate.pk}/")
    assert "Propose an answer" not in text and "/support/" not in text


def test_merge_into_a_forged_need_is_refused(client, people):
    mine = make_need(people["coop"], people["resident"])
    theirs = make_need(people["other"], people["stranger"], municipality=None)
    client.force_login(people["admin"])
    for into in (theirs.pk, mine.pk, "abc", "", 10**12):
        response = client.post(
            f"/c/alpha/needs/{mine.pk}/merge/", {"merge-into": into}, follow=True
        )
        assert response.status_code == 200
        assert messages_of(response), into
    assert Need.objects.get(pk=mine.pk).status == NeedStatus.NEW
    assert Need.objects.get(pk=theirs.pk).status == NeedStatus.NEW


def test_staff_edit_a_need_and_members_cannot(client, people):
    need = make_need(people["coop"], people["resident"], municipality=people["coop"].seat)
    url = f"/c/alpha/needs/{need.pk}/edit/"
    client.force_login(people["member"])
    assert client.get(url).status_code == 403
    assert client.post(url, NEED_FORM).status_code == 403
    client.force_login(people["staff"])
    form = page(client, url)
    assert 'value="Mendatica (IM)"' in form and 'name="channel"' not in form
    response = client.post(url, {**NEED_FORM, "title": "Autobus solo feriale"})
    assert response["Location"] == f"/c/alpha/needs/{need.pk}/"
    need.refresh_from_db()
    assert need.title == "Autobus solo feriale" and need.submitted_by == people["resident"]
    assert client.post(url, {**NEED_FORM, "title": ""}).status_code == 200


def test_members_cannot_use_the_operators_forms(client, people):
    need = make_need(people["coop"], people["resident"])
    other = make_need(people["coop"], people["resident"])
    client.force_login(people["member"])
    text = page(client, f"/c/alpha/needs/{need.pk}/")
    assert 'name="status-status"' not in text and "/edit/" not in text
    status = {"status-status": "under_review"}
    assert client.post(f"/c/alpha/needs/{need.pk}/status/", status).status_code == 403
    merge = {"merge-into": other.pk}
    assert client.post(f"/c/alpha/needs/{need.pk}/merge/", merge).status_code == 403
    assert Need.objects.filter(status=NeedStatus.NEW).count() == 2


def test_another_cooperatives_need_is_not_found(client, people):
    theirs = make_need(people["other"], people["stranger"], municipality=None)
    client.force_login(people["admin"])
    base = f"/c/alpha/needs/{theirs.pk}"
    assert client.get(f"{base}/").status_code == 404
    assert client.get(f"{base}/edit/").status_code == 404
    for action, body in [
        ("support", {}),
        ("unsupport", {}),
        ("status", {"status-status": "under_review"}),
        ("merge", {"merge-into": theirs.pk}),
        ("edit", NEED_FORM),
    ]:
        assert client.post(f"{base}/{action}/", body).status_code == 404, action
    theirs.refresh_from_db()
    assert theirs.status == NeedStatus.NEW and theirs.support_count == 0
    assert client.get("/c/alpha/needs/999999999/").status_code == 404


def test_the_need_page_lists_what_answers_it(client, people):
    coop = people["coop"]
    need = make_need(coop, people["resident"])
    proposal = make_proposal(coop, people["member"], [need], title="Bottega di paese")
    project = make_project(coop, people["admin"], [need], title="Emporio di comunità")
    text = page(client, f"/c/alpha/needs/{need.pk}/")
    assert f'href="/c/alpha/proposals/{proposal.pk}/"' in text and "Bottega di paese" in text
    assert f'href="/c/alpha/projects/{project.pk}/"' in text and "Emporio di comunità" in text
    assert "Answered by a project" in text


def test_a_private_cooperatives_needs_are_hidden_from_outsiders(client, people):
    need = make_need(people["coop"], people["resident"])
    type(people["coop"]).objects.filter(pk=people["coop"].pk).update(is_public=False)
    assert client.get("/c/alpha/needs/").status_code == 404  # it does not exist for outsiders
    client.force_login(people["stranger"])
    assert client.get(f"/c/alpha/needs/{need.pk}/").status_code == 404
    client.force_login(people["resident"])
    assert client.get(f"/c/alpha/needs/{need.pk}/").status_code == 200


# --- navigation and dashboard -------------------------------------------------------------------
def test_the_nav_follows_the_loop(client, people):
    text = page(client, "/c/alpha/")
    positions = [
        text.index(f'href="/c/alpha/{part}/"')
        for part in ("needs", "proposals", "projects", "commons")
    ]
    assert positions == sorted(positions)


def test_dashboard_shows_open_needs_to_members_and_the_board_queue_to_operators(client, people):
    coop = people["coop"]
    need = make_need(coop, people["resident"], title="Nessun medico")
    make_need(coop, people["resident"], title="Chiuso da tempo")
    needs_services.need_set_status(
        actor=people["admin"],
        need=Need.objects.get(title="Chiuso da tempo"),
        status="declined",
        reason="Fuori dal nostro territorio",
    )
    proposal = make_proposal(coop, people["member"], [need], title="Ambulatorio mobile")
    type(proposal).objects.filter(pk=proposal.pk).update(status="board_review")
    client.force_login(people["member"])
    text = page(client, "/c/alpha/dashboard/")
    assert "Needs of the territory still open" in text and "Nessun medico" in text
    assert "Chiuso da tempo" not in text and "/c/alpha/needs/new/" in text
    assert "Proposals awaiting the board" not in text
    client.force_login(people["admin"])
    text = page(client, "/c/alpha/dashboard/")
    assert "Proposals awaiting the board" in text and "Ambulatorio mobile" in text
    assert "Declined</a>: 1" in text and "0 %" in text  # one need in play, none answered


def test_a_need_page_lists_the_consultations_about_it(client, people):
    need = make_need(people["coop"], people["member"])
    open_consultation(
        people["coop"], people["staff"], title="Quale orario per il pulmino?", need=need
    )
    make_consultation(people["coop"], people["staff"], title="Bozza riservata", need=need)
    client.force_login(people["resident"])
    page = client.get(f"/c/alpha/needs/{need.pk}/").content.decode()
    assert "Quale orario per il pulmino?" in page
    assert "Bozza riservata" not in page  # a draft is the operators' own
    client.force_login(people["staff"])
    page = client.get(f"/c/alpha/needs/{need.pk}/").content.decode()
    assert f"/c/alpha/consultations/new/?need={need.pk}" in page
