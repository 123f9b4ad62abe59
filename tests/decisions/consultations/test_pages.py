"""The consultation pages through Django's test client: the list and its filters, setting one up,
answering each kind with the form of its kind (and the errors shown next to it, nothing
recorded), the audience, the results with their chart and tables, and the outcome."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from comunitas.core.models import Cooperative, RoleKind
from comunitas.decisions.consultations import answer_services as consultations_answer_services
from comunitas.decisions.consultations import services as consultations_services
from comunitas.decisions.models.consultations import (
    Consultation,
    ConsultationBallot,
    ConsultationParticipation,
)
from comunitas.decisions.models.sealed import SealedBallot
from tests.decisions.consultations.matrix import (
    CONSULTATION_FORM,
    closed_consultation,
    make_consultation,
    open_consultation,
    option_ids,
)
from tests.helpers import make_need

pytestmark = pytest.mark.django_db

C = "/c/alpha/consultations"


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


def test_the_list_shows_open_and_closed_and_drafts_only_to_staff(client, people):
    coop, staff = people["coop"], people["staff"]
    open_consultation(coop, staff, title="Aperta sul cinema")
    closed_consultation(coop, staff, title="Chiusa sugli orari")
    make_consultation(coop, staff, title="Bozza segreta")
    html = page(client, f"{C}/")  # a visitor of a public cooperative
    assert "Aperta sul cinema" in html and "Chiusa sugli orari" in html
    assert "Bozza segreta" not in html and "New consultation" not in html
    client.force_login(people["staff"])
    html = page(client, f"{C}/")
    assert "Bozza segreta" in html and "New consultation" in html
    html = page(client, f"{C}/?status=closed")
    assert "Chiusa sugli orari" in html and "Aperta sul cinema" not in html
    html = page(client, f"{C}/?kind=score&status=nonsense")
    assert "No consultation matches these filters." in html


@pytest.mark.parametrize("n", [3, 30])
def test_the_list_page_is_constant_queries(client, people, n, django_assert_num_queries):
    for i in range(n):
        open_consultation(people["coop"], people["staff"], title=f"Q{i}")
    client.force_login(people["member"])
    # Session, user, cooperative, roles, the count, the page (with participants).
    with django_assert_num_queries(6):
        html = page(client, f"{C}/")
    # One link per consultation, and the navigation's to the list.
    assert html.count('href="/c/alpha/consultations/') == n + 1


def test_staff_set_up_a_consultation_and_open_it(client, people):
    need = make_need(people["coop"], people["resident"])
    client.force_login(people["staff"])
    html = page(client, f"{C}/new/?need={need.pk}")
    assert f'value="{need.pk}" selected' in html
    response = client.post(f"{C}/new/", {**CONSULTATION_FORM, "need": need.pk})
    consultation = Consultation.objects.get(title=CONSULTATION_FORM["title"])
    assert response.status_code == 302 and response["Location"] == f"{C}/{consultation.pk}/"
    assert consultation.need == need and consultation.status == "draft"
    assert [o.label for o in consultation.options.all()] == [
        "Cinema d'autore",
        "Documentari",
        "Classici restaurati",
    ]
    client.post(f"{C}/{consultation.pk}/open/")
    consultation.refresh_from_db()
    assert consultation.status == "open"
    html = page(client, f"{C}/{consultation.pk}/")
    assert "Close it now" in html and need.title in html


def test_a_form_the_service_refuses_shows_its_errors(client, people):
    client.force_login(people["staff"])
    other = make_need(people["other"], people["stranger"])
    html = client.post(
        f"{C}/new/", {**CONSULTATION_FORM, "closes_at": "", "need": other.pk}
    ).content.decode()
    assert "This field is required." in html and "Select a valid choice" in html
    html = client.post(f"{C}/new/", {**CONSULTATION_FORM, "dots": "0"}).content.decode()
    assert "Give a number from 1 to 1000." in html
    assert not Consultation.objects.exists()


def test_time_slots_are_added_on_the_edit_page(client, people):
    client.force_login(people["staff"])
    form = {**CONSULTATION_FORM, "kind": "meeting_time", "options_text": ""}
    response = client.post(f"{C}/new/", form)
    consultation = Consultation.objects.get()
    assert response["Location"] == f"{C}/{consultation.pk}/edit/"
    add = f"{C}/{consultation.pk}/options/"
    bad = {"option-starts_at": "2031-10-04T14:00", "option-ends_at": "2031-10-04T09:00"}
    response = client.post(add, bad, follow=True)
    assert "A time slot must end after it starts." in response.content.decode()
    assert consultation.options.count() == 0
    good = {"option-starts_at": "2031-10-04T09:00", "option-ends_at": "2031-10-04T13:00"}
    client.post(add, good)
    assert consultation.options.count() == 1
    html = page(client, f"{C}/{consultation.pk}/edit/")
    assert "Add the slot" in html and "Remove" in html


def vote(client, consultation, data) -> str:
    response = client.post(f"{C}/{consultation.pk}/vote/", data)
    if response.status_code == 302:
        return ""
    assert response.status_code == 200
    return response.content.decode()


def test_each_kind_is_answered_with_its_form(client, people):
    coop, staff = people["coop"], people["staff"]
    client.force_login(people["resident"])
    forms = {
        "proposal": lambda ids: {"position": "disagree", "reason": "Meglio il sabato."},
        "single_choice": lambda ids: {"choices": ids[1]},
        "multiple_choice": lambda ids: {"choices": ids[:2]},
        "score": lambda ids: {f"option_{pk}": 4 for pk in ids},
        "ranked_choice": lambda ids: {f"option_{ids[2]}": 1, f"option_{ids[0]}": 2},
        "dot_vote": lambda ids: {f"option_{ids[0]}": 6, f"option_{ids[1]}": ""},
        "meeting_time": lambda ids: {f"option_{pk}": 1 for pk in ids},
    }
    for kind, data in forms.items():
        consultation = open_consultation(coop, staff, kind=kind)
        html = page(client, f"{C}/{consultation.pk}/")
        assert "Send my answer" in html, kind
        assert vote(client, consultation, data(option_ids(consultation))) == "", kind
        assert ConsultationParticipation.objects.filter(consultation=consultation).count() == 1
        html = page(client, f"{C}/{consultation.pk}/")
        assert "Change my answer" in html and "You can change your answer" in html


@pytest.mark.parametrize(
    ("ranks", "message"),
    [
        ({0: "1", 1: "3"}, "without gaps"),
        ({0: "1", 1: "1"}, "one option only"),
        ({0: "7"}, "A rank goes from 1 to 3."),
        ({}, "Rank at least one option"),
    ],
)
def test_a_bad_ranking_is_shown_with_its_error_and_not_recorded(client, people, ranks, message):
    consultation = open_consultation(people["coop"], people["staff"], kind="ranked_choice")
    ids = option_ids(consultation)
    client.force_login(people["resident"])
    html = vote(client, consultation, {f"option_{ids[i]}": v for i, v in ranks.items()})
    assert message in html and 'role="alert"' in html
    assert not ConsultationBallot.objects.filter(consultation=consultation).exists()


def test_other_bad_answers_are_shown_with_their_error(client, people):
    coop, staff = people["coop"], people["staff"]
    client.force_login(people["member"])
    dots = open_consultation(coop, staff, kind="dot_vote", dots=5)
    a, b, _c = option_ids(dots)
    assert "you have 5" in vote(client, dots, {f"option_{a}": 3, f"option_{b}": 3})
    score = open_consultation(coop, staff, kind="score")
    ids = option_ids(score)
    assert "A score goes from 0 to 5." in vote(client, score, {f"option_{pk}": 9 for pk in ids})
    multiple = open_consultation(coop, staff, kind="multiple_choice", max_choices=1)
    assert "Choose at most 1 option." in vote(client, multiple, {"choices": option_ids(multiple)})
    other = open_consultation(coop, staff, title="Another")
    single = open_consultation(coop, staff)
    html = vote(client, single, {"choices": option_ids(other)[0]})
    assert "Select a valid choice" in html  # the form offers this consultation's options only
    assert not ConsultationBallot.objects.exists()


def test_answering_twice_an_anonymous_consultation_is_refused(client, people):
    consultation = open_consultation(people["coop"], people["staff"], anonymous=True)
    first, second, _third = option_ids(consultation)
    client.force_login(people["member"])
    assert vote(client, consultation, {"choices": first}) == ""
    html = page(client, f"{C}/{consultation.pk}/")
    assert "Your answer is anonymous" in html and "Send my answer" not in html
    html = vote(client, consultation, {"choices": second})
    assert "the answer is final" in html
    assert SealedBallot.objects.filter(box=f"consultation:{consultation.pk}").count() == 1


def test_a_resident_may_not_answer_a_members_consultation(client, people):
    consultation = open_consultation(people["coop"], people["staff"], audience="members")
    client.force_login(people["resident"])
    html = page(client, f"{C}/{consultation.pk}/")
    assert "for the members of the cooperative only" in html and "Send my answer" not in html
    response = client.post(f"{C}/{consultation.pk}/vote/", {"choices": option_ids(consultation)[0]})
    assert response.status_code == 403
    assert not ConsultationParticipation.objects.exists()


def test_answers_after_the_closing_time_go_back_with_a_message(client, people):
    consultation = open_consultation(people["coop"], people["staff"])
    Consultation.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )
    client.force_login(people["member"])
    response = client.post(
        f"{C}/{consultation.pk}/vote/", {"choices": option_ids(consultation)[0]}, follow=True
    )
    assert "answers are no longer taken" in response.content.decode()
    assert not ConsultationParticipation.objects.exists()


def test_visitors_read_but_never_answer(client, people):
    consultation = open_consultation(people["coop"], people["staff"])
    html = page(client, f"{C}/{consultation.pk}/")
    assert "Log in to answer." in html and "Send my answer" not in html
    assert "published when the consultation closes" in html
    response = client.post(f"{C}/{consultation.pk}/vote/", {"choices": "1"})
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")
    page(client, f"{C}/{consultation.pk}/results/", status=403)
    draft = make_consultation(people["coop"], people["staff"])
    page(client, f"{C}/{draft.pk}/", status=404)
    Cooperative.objects.filter(pk=people["coop"].pk).update(is_public=False)
    page(client, f"{C}/{consultation.pk}/", status=404)


def test_hidden_results_are_hidden_from_staff_too_until_the_close(client, people):
    coop, staff = people["coop"], people["staff"]
    consultation = open_consultation(coop, staff, results_hidden=True)
    consultations_answer_services.consultation_answer(
        actor=people["member"], consultation=consultation, choices=[option_ids(consultation)[0]]
    )
    client.force_login(staff)
    assert "hidden until the consultation closes" in page(client, f"{C}/{consultation.pk}/")
    page(client, f"{C}/{consultation.pk}/results/", status=403)
    client.post(f"{C}/{consultation.pk}/close/")
    html = page(client, f"{C}/{consultation.pk}/results/")
    assert "final" in html and "<svg" in html


def test_named_results_show_who_answered_what_to_people_with_a_role(client, people):
    coop, staff = people["coop"], people["staff"]
    people["member"].first_name, people["member"].last_name = "Marta", "Neri"
    people["member"].save()
    consultation = open_consultation(coop, staff, kind="proposal")
    consultations_answer_services.consultation_answer(
        actor=people["member"], consultation=consultation, position="agree", reason="Sì!"
    )
    consultation = consultations_services.consultation_close(actor=staff, consultation=consultation)
    client.force_login(people["resident"])
    html = page(client, f"{C}/{consultation.pk}/results/")
    assert "Who answered what" in html and "Marta N." in html and "Sì!" in html
    client.logout()
    html = page(client, f"{C}/{consultation.pk}/results/")
    assert "Who answered what" not in html and "Marta" not in html and "Sì!" in html
    anonymous = open_consultation(coop, staff, kind="proposal", anonymous=True)
    consultations_answer_services.consultation_answer(
        actor=people["member"], consultation=anonymous, position="block", reason="No."
    )
    consultations_services.consultation_close(actor=staff, consultation=anonymous)
    client.force_login(people["admin"])
    html = page(client, f"{C}/{anonymous.pk}/results/")
    assert "Marta" not in html and "Who answered what" not in html and "No." in html


def test_ranked_results_show_each_round(client, people):
    coop, staff = people["coop"], people["staff"]
    consultation = open_consultation(coop, staff, kind="ranked_choice")
    a, b, c = option_ids(consultation)
    rankings = {
        "member": [(a, 1)],
        "admin": [(a, 1), (b, 2)],
        "resident": [(b, 1), (c, 2)],
        "staff": [(c, 1), (b, 2)],
    }
    for who, ranks in rankings.items():
        consultations_answer_services.consultation_answer(
            actor=people[who], consultation=consultation, ranks=ranks
        )
    consultations_services.consultation_close(actor=staff, consultation=consultation)
    html = page(client, f"{C}/{consultation.pk}/results/")
    assert "Round 1" in html and "Round 2" in html and "Round 3" in html
    # Round 1: A 2, B 1, C 1: B and C tie, C is listed last and goes; its ballot moves to B.
    # Round 2: A 2, B 2 of 4, no majority: B had fewer in round 1 and goes; its two ballots
    # rank nobody left in the race, so they are exhausted. Round 3: A has the 2 still counting.
    assert "listed last, is eliminated" in html and "had fewer in an earlier round" in html
    assert "Cinema d&#x27;autore has more than half of the ballots still counting and wins" in html
    assert "Exhausted ballots" in html and "Ballots still counting" in html


def test_the_outcome_is_stated_after_the_close(client, people):
    coop, staff = people["coop"], people["staff"]
    consultation = open_consultation(coop, staff)
    client.force_login(people["admin"])
    response = client.get(f"{C}/{consultation.pk}/outcome/")
    assert response.status_code == 302
    consultation = consultations_services.consultation_close(actor=staff, consultation=consultation)
    html = client.post(f"{C}/{consultation.pk}/outcome/", {"outcome": " "}).content.decode()
    assert "This field is required." in html
    response = client.post(
        f"{C}/{consultation.pk}/outcome/", {"outcome": "Si farà la rassegna d'autore."}
    )
    assert response["Location"] == f"{C}/{consultation.pk}/results/"
    html = page(client, f"{C}/{consultation.pk}/")
    assert "Si farà la rassegna d&#x27;autore." in html and "Ada B." in html


def test_an_open_consultations_edit_page_offers_its_words_only(client, people):
    consultation = open_consultation(people["coop"], people["staff"])
    client.force_login(people["staff"])
    html = page(client, f"{C}/{consultation.pk}/edit/")
    assert 'name="title"' in html and 'name="audience"' not in html
    response = client.post(
        f"{C}/{consultation.pk}/edit/",
        {"title": "Nuova domanda", "description": "", "closes_at": "2031-01-01T10:00"},
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.title == "Nuova domanda"


def test_pages_speak_italian(client, people, settings):
    settings.LANGUAGE_CODE = "it"
    client.cookies["django_language"] = "it"
    consultation = open_consultation(people["coop"], people["staff"])
    role = people["coop"].roles.get(user=people["member"])
    assert role.kind == RoleKind.MEMBER
    client.force_login(people["member"])
    response = client.get(f"{C}/{consultation.pk}/")
    assert response.status_code == 200 and response["Content-Language"] == "it"


def test_the_include_for_the_pages_of_what_consultations_are_about(people):
    """``decisions/consultations/_attached.html``, for the need, proposal and project pages."""
    coop, staff = people["coop"], people["staff"]
    need = make_need(coop, people["resident"])
    shown = open_consultation(coop, staff, title="Sul pulmino", need=need)
    make_consultation(coop, staff, title="Bozza sul pulmino", need=need)
    drafted = make_need(coop, people["member"], title="Solo bozze")
    make_consultation(coop, staff, title="Un'altra bozza", need=drafted)
    html = render_to_string("decisions/consultations/_attached.html", {"about": need, "coop": coop})
    assert f'href="{C}/{shown.pk}/"' in html and "Bozza" not in html
    assert (
        render_to_string(
            "decisions/consultations/_attached.html",
            {"about": drafted, "coop": coop},
        ).strip()
        == ""
    )
