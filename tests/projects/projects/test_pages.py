"""The project pages: the list with progress, the forms, the public accountability page (who
sees what), the indicator catalogue, bad input and query counts."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from comunitas.core.audit import AuditEntry
from comunitas.projects.models import (
    BudgetLine,
    Indicator,
    Measurement,
    Milestone,
    Need,
    NeedStatus,
    Objective,
    Project,
    ProjectStatus,
    ProjectUpdate,
    TeamMember,
)
from comunitas.projects.needs import selectors as needs_selectors
from comunitas.projects.needs import services as needs_services
from comunitas.projects.projects import selectors as projects_selectors
from comunitas.projects.projects import services as project_services
from tests.helpers import add_objective, make_need, make_project, make_proposal, make_resource
from tests.projects.projects.matrix import (
    BUDGET_FORM,
    INDICATOR_FORM,
    MEASUREMENT_FORM,
    MILESTONE_FORM,
    OBJECTIVE_FORM,
    PROJECT_FORM,
    TEAM_FORM,
    UPDATE_FORM,
)

pytestmark = pytest.mark.django_db


def _milestone(project, user, title="Apertura", due=date(2025, 9, 1), done=None):
    return project_services.milestone_add(
        actor=user, project=project, title=title, due_on=due, done_on=done
    )


def _measure(objective, user, value, on=date(2025, 6, 30)):
    return project_services.measurement_add(
        actor=user, objective=objective, measured_on=on, value=Decimal(value)
    )


def _text(html: str) -> str:
    """The page's text without tags and with spaces collapsed, to read sentences."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _progress_value(html: str, element_id: str = "project-progress") -> int:
    match = re.search(rf'<progress id="{element_id}" max="100" value="(\d+)"', html)
    assert match, "no progress bar on the page"
    return int(match.group(1))


@pytest.fixture
def known(people):
    """1 of 2 milestones done and one objective 0 → 2 whose latest value is 1: 50%."""
    admin = people["admin"]
    project = make_project(people["coop"], admin, title="Bottega")
    _milestone(project, admin, "Locali trovati", date(2025, 3, 1), done=date(2025, 3, 5))
    _milestone(project, admin, "Apertura", date(2025, 9, 1))
    objective = add_objective(project, admin)
    _measure(objective, admin, "0.5", on=date(2025, 3, 31))
    _measure(objective, admin, "1", on=date(2025, 6, 30))
    return project


# --- the forms' flows ----------------------------------------------------------------------------
def test_staff_create_a_project_and_fill_its_page(client, people):
    coop, staff = people["coop"], people["staff"]
    need = make_need(coop, people["member"])
    resource = make_resource(coop, name="Ex scuola", is_public=True)
    client.force_login(staff)
    body = {**PROJECT_FORM, "needs": [need.pk], "resources": [resource.pk]}
    response = client.post("/c/alpha/projects/new/", body)
    project = Project.objects.get()
    base = f"/c/alpha/projects/{project.pk}"
    assert response.status_code == 302 and response["Location"] == f"{base}/"
    assert project.start_on == date(2025, 3, 1) and project.status == ProjectStatus.PLANNED
    assert list(project.needs.all()) == [need] and list(project.resources.all()) == [resource]
    need.refresh_from_db()
    assert need.status == NeedStatus.ANSWERED  # linking a need answers it

    for url, form in [
        ("objectives", OBJECTIVE_FORM),
        ("milestones", MILESTONE_FORM),
        ("budget", BUDGET_FORM),
        ("team", TEAM_FORM),
        ("updates", UPDATE_FORM),
    ]:
        response = client.post(f"{base}/{url}/", form)
        assert response.status_code == 302 and response["Location"] == f"{base}/", url
    objective = Objective.objects.get()
    assert (objective.indicator.code, objective.unit, objective.target) == (
        "participants",
        "people",
        Decimal("40.00"),
    )
    assert objective.method == objective.indicator.method  # left empty: the catalogue's
    response = client.post(f"{base}/objectives/{objective.pk}/measurements/", MEASUREMENT_FORM)
    assert response.status_code == 302
    assert Measurement.objects.get().value == Decimal("1.00")
    milestone = Milestone.objects.get()
    response = client.post(f"{base}/milestones/{milestone.pk}/done/", {"done-done_on": ""})
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_on == timezone.localdate()

    page = client.get(f"{base}/").content.decode()
    assert "The milestone is marked done." in page
    text = _text(page)
    for shown in [
        "Emporio di comunità",
        "Persone che partecipano alle attività",
        "Participants",  # the shared indicator's name
        "Affitto",
        "€3,600.00",
        "Carla Neri",  # operators see the team's names
        "Coordinatrice",
        "La bottega ha riaperto.",
        need.title,
        "Ex scuola",
    ]:
        assert shown in text, shown
    assert f'href="/c/alpha/commons/{resource.pk}/"' in page
    assert f'href="/c/alpha/needs/{need.pk}/"' in page
    # one milestone of one done (100%) and 1 of 40 participants (2.5%): 51.25 → 51%
    progress = projects_selectors.progress_of(
        projects_selectors.project_get(coop=coop, pk=project.pk)
    )
    assert progress.percent == _progress_value(page) == 51
    assert AuditEntry.objects.filter(action="team.add").exists()


def test_a_project_from_a_proposal_links_back_to_it(client, people, settings):
    coop, admin = people["coop"], people["admin"]
    need = make_need(coop, people["resident"])
    proposal = make_proposal(coop, people["member"], [need])
    project = project_services.project_from_proposal(actor=admin, proposal=proposal)
    page = client.get(f"/c/alpha/projects/{project.pk}/").content.decode()
    assert proposal.title in page and "From the proposal" in page
    assert f'href="/c/alpha/proposals/{proposal.pk}/"' in page
    assert f'href="/c/alpha/needs/{need.pk}/"' in page
    # the proposal's estimates became the first budget lines: €18,000 costs, €25,000 revenues
    assert "€18,000.00" in page and "€25,000.00" in page and "€7,000.00" in page


def test_edit_keeps_links_and_refuses_a_transition_on_the_status_field(client, people):
    coop, staff = people["coop"], people["staff"]
    need = make_need(coop, people["member"])
    project = make_project(coop, staff, needs=[need])
    client.force_login(staff)
    url = f"/c/alpha/projects/{project.pk}/edit/"
    page = client.get(url).content.decode()
    assert f'<option value="{need.pk}" selected>' in page
    body = {**PROJECT_FORM, "status": "completed", "needs": [need.pk]}
    page = client.post(url, body).content.decode()
    assert "cannot become" in page and "Completed" in page
    project.refresh_from_db()
    assert project.status == ProjectStatus.PLANNED and project.title == "Bottega di comunità"
    response = client.post(url, {**body, "status": "running"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.status, project.title) == (ProjectStatus.RUNNING, PROJECT_FORM["title"])
    assert list(project.needs.all()) == [need]


def test_a_need_declined_since_stays_linked_when_the_project_is_saved(client, people):
    coop, admin = people["coop"], people["admin"]
    need = make_need(coop, people["member"])
    project = make_project(coop, admin, needs=[need])
    for status in (NeedStatus.UNDER_REVIEW, NeedStatus.DECLINED):
        needs_services.need_set_status(actor=admin, need=need, status=status, reason="Doppione")
    assert need not in needs_selectors.need_choices(coop=coop)
    client.force_login(people["staff"])
    url = f"/c/alpha/projects/{project.pk}/edit/"
    assert f'<option value="{need.pk}" selected>' in client.get(url).content.decode()
    body = {**PROJECT_FORM, "status": "planned", "needs": [need.pk]}
    assert client.post(url, body).status_code == 302
    assert list(project.needs.all()) == [need]


def test_milestone_done_on_a_date_and_a_bad_date_is_a_message(client, people, known):
    client.force_login(people["admin"])
    todo = known.milestones.get(done_on__isnull=True)
    url = f"/c/alpha/projects/{known.pk}/milestones/{todo.pk}/done/"
    response = client.post(url, {"done-done_on": "1850-01-01"}, follow=True)
    assert b"Give a date between 1900 and 2200." in response.content
    todo.refresh_from_db()
    assert todo.done_on is None
    client.post(url, {"done-done_on": "2025-09-03"})
    todo.refresh_from_db()
    assert todo.done_on == date(2025, 9, 3)


def test_team_member_with_a_login_and_removal(client, people, known):
    client.force_login(people["staff"])
    base = f"/c/alpha/projects/{known.pk}"
    body = {"team-role": "Cassiere", "team-username": "member1", "team-name": ""}
    assert client.post(f"{base}/team/", body).status_code == 302
    person = TeamMember.objects.get()
    assert (person.user, person.name) == (people["member"], "member1")
    # a login without a role in the cooperative is not found (nor told to exist)
    page = client.post(f"{base}/team/", {**body, "team-username": "stranger1"})
    assert page.status_code == 200
    assert b"No one with this login has a role in the cooperative." in page.content
    page = client.post(f"{base}/team/", {"team-role": "Cassiere", "team-username": ""})
    assert b"This field cannot be blank." in page.content  # neither name nor login
    assert TeamMember.objects.count() == 1
    response = client.post(f"{base}/team/{person.pk}/remove/")
    assert response.status_code == 302 and not TeamMember.objects.exists()


# --- the public page and who sees what -----------------------------------------------------------
@pytest.mark.parametrize("who", ["anonymous", "stranger", "resident", "member", "staff", "admin"])
def test_each_role_sees_the_accountability_page(client, people, known, who):
    coop, admin = people["coop"], people["admin"]
    type(coop).objects.filter(pk=coop.pk).update(is_public=True)
    project_services.team_add(
        actor=admin, project=known, name="Mario Rossi", role="Volontario", is_volunteer=True
    )
    project_services.team_add(
        actor=admin, project=known, name="Lucia Bianchi", role="Commessa", user=people["member"]
    )
    paper = make_need(coop, people["staff"])
    Need.objects.filter(pk=paper.pk).update(contact_email="nonna@example.org")
    project_services.project_update(actor=admin, project=known, fields={}, needs=[paper])
    if who != "anonymous":
        client.force_login(people[who])
    page = client.get(f"/c/alpha/projects/{known.pk}/").content.decode()
    operator = who in ("staff", "admin")
    assert ("Mario Rossi" in page) is operator and ("Lucia Bianchi" in page) is operator
    assert "Volontario" in page and "Commessa" in page and "not a volunteer" in page
    assert "@example.org" not in page and "member1" not in page and "staff1" not in page
    assert ("Add an objective" in page) is operator and ("Record a measurement" in page) is operator
    assert ("Mark done" in page) is operator and (f"/projects/{known.pk}/edit/" in page) is operator
    assert paper.title in page
    assert _progress_value(page) == 50


def test_progress_on_the_pages_matches_the_selector(client, people, known):
    progress = projects_selectors.progress_of(
        projects_selectors.project_get(coop=people["coop"], pk=known.pk)
    )
    assert (progress.milestone_share, progress.objective_share, progress.percent) == (
        Decimal("0.5"),
        Decimal("0.5"),
        50,
    )
    client.force_login(people["resident"])
    page = client.get(f"/c/alpha/projects/{known.pk}/").content.decode()
    text = _text(page)
    assert _progress_value(page) == 50
    assert 'aria-valuenow="50"' in page
    assert "milestones: 1 of 2 done, that is 50%" in text
    assert "objectives: 50%" in text
    assert "(50% + 50%) ÷ 2 = 50%" in text
    # the objective: 1 FTE measured on 30 June 2025 of 0 → 2, with its bar's text alternative
    assert "1 (06/30/2025)" in text and 'class="objective-percent">50%' in page
    assert "50% of the way: 1 FTE measured, from a baseline of 0 to a target of 2." in page
    assert '<rect x="0" y="5" width="120"' in page  # half of the 240-wide bar
    assert "Economic objectives" in page and "Social objectives" not in page
    listing = client.get("/c/alpha/projects/").content.decode()
    assert 'aria-valuenow="50"' in listing and ">50%<" in listing


def test_objectives_are_grouped_and_a_project_without_parts_says_so(client, people, known):
    admin = people["admin"]
    add_objective(known, admin, code="volunteers", description="Volontari", unit="people")
    page = client.get(f"/c/alpha/projects/{known.pk}/").content.decode()
    assert page.index("Economic objectives") < page.index("Social objectives")
    assert page.index("Social objectives") < page.index("Volontari")
    empty = make_project(people["coop"], admin, title="Nuovo")
    page = client.get(f"/c/alpha/projects/{empty.pk}/").content.decode()
    assert "Nothing to measure yet" in page and "<progress" not in page
    listing = client.get("/c/alpha/projects/").content.decode()
    assert "nothing to measure yet" in listing


def test_budget_totals_are_exact(client, people):
    project = make_project(people["coop"], people["admin"])
    for kind, amount in [
        ("cost", "8.10"),
        ("cost", "8.20"),
        ("cost", "8.70"),
        ("revenue", "0.10"),
        ("revenue", "0.20"),
    ]:
        project_services.budget_line_add(
            actor=None, project=project, kind=kind, label=f"Voce {amount}", amount=Decimal(amount)
        )
    page = client.get(f"/c/alpha/projects/{project.pk}/").content.decode()
    assert re.search(r'id="budget-costs"><strong>€25\.00<', page)
    assert re.search(r'id="budget-revenues"><strong>€0\.30<', page)
    assert 'id="budget-balance"><strong>-€24.70<' in page  # revenues less costs


def test_updates_newest_first_and_escaped(client, people, known):
    admin = people["admin"]
    project_services.project_update_add(
        actor=admin, project=known, text="Prima riga", on_date=date(2025, 1, 10)
    )
    client.force_login(people["staff"])
    body = {
        "update-text": "<script>alert(1)</script>\nseconda riga",
        "update-on_date": "2025-02-10",
    }
    assert client.post(f"/c/alpha/projects/{known.pk}/updates/", body).status_code == 302
    client.logout()
    page = client.get(f"/c/alpha/projects/{known.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>seconda riga" in page
    assert page.index("seconda riga") < page.index("Prima riga")


def test_visitors_do_not_see_resources_hidden_from_the_public(client, people):
    coop = people["coop"]
    shown = make_resource(coop, name="Rifugio aperto", is_public=True)
    hidden = make_resource(coop, name="Magazzino riservato", is_public=False)
    project = project_services.project_create(
        actor=None, coop=coop, title="T", summary="S", resources=[shown, hidden]
    )
    page = client.get(f"/c/alpha/projects/{project.pk}/").content.decode()
    assert "Rifugio aperto" in page and "Magazzino riservato" not in page
    client.force_login(people["resident"])
    assert "Magazzino riservato" in client.get(f"/c/alpha/projects/{project.pk}/").content.decode()


# --- the list ------------------------------------------------------------------------------------
def test_list_filters_by_status_and_counts_links(client, people):
    coop, admin = people["coop"], people["admin"]
    needs = [make_need(coop, people["member"], title=f"Bisogno {i}") for i in range(2)]
    resource = make_resource(coop)
    running = project_services.project_create(
        actor=admin,
        coop=coop,
        title="In corso",
        summary="S",
        status=ProjectStatus.RUNNING,
        needs=needs,
        resources=[resource],
    )
    make_project(coop, admin, title="Pianificato")
    page = client.get("/c/alpha/projects/").content.decode()
    assert "In corso" in page and "Pianificato" in page
    assert "All (2)" in page and "Running (1)" in page and "Completed (0)" in page
    row = page[page.index("In corso") :].split("</tr>")[0]
    assert re.findall(r'<td class="num">(\d+)</td>', row) == ["2", "1"]
    page = client.get("/c/alpha/projects/?status=running").content.decode()
    assert "In corso" in page and "Pianificato" not in page
    assert f'href="/c/alpha/projects/{running.pk}/"' in page
    page = client.get("/c/alpha/projects/?status=<b>&page=x").content.decode()
    assert "In corso" in page and "Pianificato" in page  # an unknown status shows them all


def test_list_is_paginated(client, people):
    for i in range(51):
        make_project(people["coop"], None, title=f"Progetto {i:02d}")
    page = client.get("/c/alpha/projects/").content.decode()
    assert "51 projects" in page and "Page 1 of 2" in page and "Progetto 50" in page
    page = client.get("/c/alpha/projects/?page=2").content.decode()
    assert "Progetto 00" in page and "Progetto 01" not in page


def _fill(coop, n: int) -> None:
    """n projects, each with two milestones, two objectives measured twice, a need."""
    for i in range(n):
        project = make_project(coop, None, title=f"Progetto {i:02d}")
        _milestone(project, None, "Uno", date(2025, 1, 1), done=date(2025, 1, 2))
        _milestone(project, None, "Due", date(2025, 6, 1))
        for code in ("jobs-fte", "volunteers"):
            objective = add_objective(project, None, code=code)
            _measure(objective, None, "1", on=date(2025, 3, 1))
            _measure(objective, None, "2", on=date(2025, 4, 1))


@pytest.mark.parametrize("n", [3, 30])
def test_list_page_is_a_constant_number_of_queries(client, people, n, django_assert_num_queries):
    _fill(people["coop"], n)
    client.force_login(people["member"])
    # session, user, coop, roles; projects per status; count; the page's projects with their
    # numbers of needs and resources; their milestones; objectives with indicators;
    # measurements
    with django_assert_num_queries(10):
        page = client.get("/c/alpha/projects/").content.decode()
    assert page.count("<progress") == n
    assert page.count('value="75"') == n  # 1 of 2 milestones, both objectives at 100%


@pytest.mark.parametrize("n", [1, 8])
def test_detail_page_is_a_constant_number_of_queries(client, people, n, django_assert_num_queries):
    coop, admin = people["coop"], people["admin"]
    project = make_project(coop, admin, needs=[make_need(coop, people["member"])])
    project.resources.set([make_resource(coop, name=f"R{i}", is_public=True) for i in range(n)])
    for i in range(n):
        _milestone(project, admin, f"Tappa {i}", date(2025, 1, 1) + timedelta(days=i))
        objective = add_objective(project, admin, description=f"Obiettivo {i}")
        _measure(objective, admin, "1")
        project_services.budget_line_add(
            actor=admin, project=project, kind="cost", label=f"Voce {i}", amount=Decimal("10")
        )
        project_services.team_add(actor=admin, project=project, name=f"P{i}", role="Aiuto")
        project_services.project_update_add(actor=admin, project=project, text=f"Notizia {i}")
    client.force_login(people["staff"])
    # session, user, coop, roles; the project with its proposal; milestones; objectives with
    # indicators; measurements; needs with municipalities; resources; budget lines; team;
    # updates; the indicators for the units' suggestions and for the objective form's select;
    # the consultations about the project; what the reinvestment fund gave it
    with django_assert_num_queries(17):
        page = client.get(f"/c/alpha/projects/{project.pk}/").content.decode()
    assert page.count("Record a measurement") == n and page.count("Notizia") == n


# --- bad input -----------------------------------------------------------------------------------
def test_an_objective_without_unit_or_date_or_moving_target_saves_nothing(client, people):
    project = make_project(people["coop"], people["admin"])
    client.force_login(people["staff"])
    url = f"/c/alpha/projects/{project.pk}/objectives/"
    for change, message in [
        ({"objective-unit": ""}, "This field is required."),
        ({"objective-unit": "   "}, "This field"),
        ({"objective-target_date": ""}, "This field is required."),
        ({"objective-target_date": "1850-01-01"}, "Give a date between 1900 and 2200."),
        ({"objective-target": "0"}, "The target must differ from the baseline."),
        ({"objective-target": "abc"}, "Enter a number."),
        ({"objective-description": "x" * 201}, "at most 200 characters"),
        ({"objective-indicator": "999999"}, "Select a valid choice."),
    ]:
        response = client.post(url, {**OBJECTIVE_FORM, **change})
        page = response.content.decode()
        assert response.status_code == 200 and message in page, change
        add_form = page[page.index("<summary>Add an objective") - 20 :]
        assert add_form.startswith("<details open>") or "<details open><summary>Add an" in page
    assert not Objective.objects.exists()


def test_an_indicator_of_another_cooperative_is_refused(client, people):
    theirs = project_services.indicator_create(
        actor=None,
        coop=people["other"],
        code="theirs",
        name="Loro",
        kind="social",
        unit="x",
        method="m",
    )
    project = make_project(people["coop"], people["admin"])
    client.force_login(people["staff"])
    body = {**OBJECTIVE_FORM, "objective-indicator": theirs.pk}
    page = client.post(f"/c/alpha/projects/{project.pk}/objectives/", body)
    assert page.status_code == 200 and b"Select a valid choice." in page.content
    assert not Objective.objects.exists()


def test_bad_measurement_milestone_budget_and_update_save_nothing(client, people, known):
    client.force_login(people["staff"])
    base = f"/c/alpha/projects/{known.pk}"
    objective = known.objectives.get()
    before = Measurement.objects.count()
    page = client.post(
        f"{base}/objectives/{objective.pk}/measurements/",
        {**MEASUREMENT_FORM, "measurement-value": "1e20"},
    ).content.decode()
    assert "Ensure that there are no more than 14 digits in total." in page
    assert "<details open><summary>Record a measurement" in page
    assert Measurement.objects.count() == before
    page = client.post(f"{base}/milestones/", {"milestone-title": "Senza data"})
    assert page.status_code == 200 and Milestone.objects.count() == 2
    for amount in ("0", "-5", "1.234", "abc"):
        page = client.post(f"{base}/budget/", {**BUDGET_FORM, "budget-amount": amount})
        assert page.status_code == 200, amount
    assert not BudgetLine.objects.exists()
    page = client.post(f"{base}/updates/", {"update-text": "x" * 5001})
    assert b"at most 5000 characters" in page.content
    page = client.post(f"{base}/updates/", {"update-text": "   "})
    assert page.status_code == 200 and not ProjectUpdate.objects.exists()


def test_very_long_or_missing_project_fields_save_nothing(client, people):
    client.force_login(people["admin"])
    for change, message in [
        ({"title": "x" * 201}, "at most 200 characters"),
        ({"summary": "x" * 5001}, "at most 5000 characters"),
        ({"title": "  "}, "This field is required."),
        ({"end_on": "2024-01-01"}, "The end cannot come before the start."),
        ({"start_on": "3000-01-01", "end_on": ""}, "Give a date between 1900 and 2200."),
    ]:
        page = client.post("/c/alpha/projects/new/", {**PROJECT_FORM, **change})
        assert page.status_code == 200 and message in page.content.decode(), change
    assert not Project.objects.exists()


def test_a_forged_need_or_resource_of_another_cooperative_saves_nothing(client, people):
    theirs = make_need(people["other"], people["stranger"])
    their_resource = make_resource(people["other"])
    mine = make_need(people["coop"], people["member"])
    client.force_login(people["staff"])
    for body, message in (
        ({**PROJECT_FORM, "needs": [mine.pk, theirs.pk]}, "Select a valid choice."),
        ({**PROJECT_FORM, "resources": [their_resource.pk]}, "Select a valid choice."),
        ({**PROJECT_FORM, "needs": ["x"]}, "is not a valid value."),
    ):
        page = client.post("/c/alpha/projects/new/", body)
        assert page.status_code == 200 and message in page.content.decode(), body
    assert not Project.objects.exists()
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == theirs.status == NeedStatus.NEW
    project = make_project(people["coop"], people["staff"])
    body = {**PROJECT_FORM, "status": "planned", "needs": [theirs.pk]}
    page = client.post(f"/c/alpha/projects/{project.pk}/edit/", body)
    assert page.status_code == 200 and not project.needs.exists()


def test_another_cooperatives_objects_are_not_found(client, people, known):
    stranger = people["stranger"]
    theirs = make_project(people["other"], stranger)
    objective = add_objective(theirs, stranger)
    milestone = _milestone(theirs, stranger)
    person = project_services.team_add(actor=stranger, project=theirs, name="X", role="Y")
    mine = known
    my_objective = mine.objectives.get()
    client.force_login(people["admin"])
    base = f"/c/alpha/projects/{theirs.pk}"
    assert client.get(f"{base}/").status_code == 404
    assert client.get(f"{base}/edit/").status_code == 404
    assert client.post(f"{base}/objectives/", OBJECTIVE_FORM).status_code == 404
    assert client.post(f"{base}/milestones/", MILESTONE_FORM).status_code == 404
    assert client.post(f"{base}/budget/", BUDGET_FORM).status_code == 404
    assert client.post(f"{base}/team/", TEAM_FORM).status_code == 404
    assert client.post(f"{base}/updates/", UPDATE_FORM).status_code == 404
    # their objective, milestone and team member named under my project are not found either
    mybase = f"/c/alpha/projects/{mine.pk}"
    url = f"{mybase}/objectives/{objective.pk}/measurements/"
    assert client.post(url, MEASUREMENT_FORM).status_code == 404
    assert client.post(f"{mybase}/milestones/{milestone.pk}/done/", {}).status_code == 404
    assert client.post(f"{mybase}/team/{person.pk}/remove/").status_code == 404
    # and mine under another of my projects' address is not found (the project must match)
    other_mine = make_project(people["coop"], people["admin"], title="Altro")
    url = f"/c/alpha/projects/{other_mine.pk}/objectives/{my_objective.pk}/measurements/"
    assert client.post(url, MEASUREMENT_FORM).status_code == 404
    assert client.get("/c/alpha/projects/999999/").status_code == 404
    assert not Measurement.objects.filter(objective=objective).exists()
    assert TeamMember.objects.filter(pk=person.pk).exists()
    milestone.refresh_from_db()
    assert milestone.done_on is None and theirs.updates.count() == 0


def test_members_cannot_manage_and_visitors_are_sent_to_log_in(client, people, known):
    base = f"/c/alpha/projects/{known.pk}"
    response = client.post(f"{base}/updates/", UPDATE_FORM)
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")
    client.force_login(people["member"])
    assert client.get("/c/alpha/projects/new/").status_code == 403
    assert client.post(f"{base}/updates/", UPDATE_FORM).status_code == 403
    assert client.get(f"{base}/updates/").status_code == 405
    assert not ProjectUpdate.objects.exists()


# --- the indicator catalogue ---------------------------------------------------------------------
def test_indicator_catalogue_and_a_cooperatives_own(client, people):
    page = client.get("/c/alpha/indicators/").content.decode()
    assert "Jobs (full-time equivalent)" in page and "Chavis, Lee &amp; Acosta" in page
    assert "Add an indicator" not in page
    response = client.post("/c/alpha/indicators/", INDICATOR_FORM)
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")
    client.force_login(people["member"])
    assert client.post("/c/alpha/indicators/", INDICATOR_FORM).status_code == 403
    assert not Indicator.objects.filter(coop__isnull=False).exists()
    client.force_login(people["staff"])
    response = client.post("/c/alpha/indicators/", INDICATOR_FORM)
    assert response.status_code == 302 and response["Location"] == "/c/alpha/indicators/"
    own = Indicator.objects.get(coop=people["coop"])
    assert (own.code, own.unit) == ("tours-booked", "visite")
    page = client.get("/c/alpha/indicators/").content.decode()
    assert "Visite prenotate" in page and "The indicator is added" in page
    for change, message in [
        ({"indicator-code": "tours-booked"}, "An indicator with this code exists already."),
        ({"indicator-code": "jobs-fte"}, "An indicator with this code exists already."),
        ({"indicator-code": "not a slug!"}, "Enter a valid"),
        ({"indicator-name": "<script>x</script>" + "y" * 200}, "at most 200 characters"),
        ({"indicator-kind": "spiritual"}, "Select a valid choice."),
    ]:
        page = client.post("/c/alpha/indicators/", {**INDICATOR_FORM, **change})
        assert page.status_code == 200 and message in page.content.decode(), change
    assert Indicator.objects.filter(coop=people["coop"]).count() == 1
    # another cooperative does not see alpha's own indicator
    client.force_login(people["stranger"])
    assert "Visite prenotate" not in client.get("/c/beta/indicators/").content.decode()
    # the cooperative's own indicator is offered for objectives, shown as typed
    project = make_project(people["coop"], people["admin"])
    client.force_login(people["staff"])
    page = client.get(f"/c/alpha/projects/{project.pk}/").content.decode()
    assert "Economic · Visite prenotate (visite)" in page


def test_indicator_names_are_escaped(client, people):
    project_services.indicator_create(
        actor=None,
        coop=people["coop"],
        code="x",
        name="<b>grassetto</b>",
        kind="social",
        unit="<i>u</i>",
        method="<script>alert(1)</script>",
    )
    page = client.get("/c/alpha/indicators/").content.decode()
    assert "<b>grassetto</b>" not in page and "&lt;b&gt;grassetto&lt;/b&gt;" in page
    assert "<script>alert(1)</script>" not in page


def test_the_source_of_a_measurement_shows_next_to_its_value(client, people):
    """Public figures carry their source on screen (DOMAIN.md §6), in the measurement's note."""
    project = make_project(people["coop"], people["staff"])
    objective = add_objective(project, people["staff"], code="users", unit="visitors")
    project_services.measurement_add(
        actor=people["staff"],
        objective=objective,
        measured_on=date(2022, 12, 31),
        value=Decimal("200000"),
        note="Public figure: La Paranza, annual report 2022",
    )
    page = client.get(f"/c/alpha/projects/{project.pk}/").content.decode()
    assert "Public figure: La Paranza, annual report 2022" in page
