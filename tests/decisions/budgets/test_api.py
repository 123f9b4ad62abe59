"""The API of participatory budgets: the same rules as the pages, a full budget from its set-up
to its follow-up, bad input answered 422 with the field and nothing saved, nobody's ballot but
one's own, lists a constant number of queries."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comunitas.core.coops.services import role_grant
from comunitas.decisions.models.budgets import BudgetBallot, BudgetProject, ParticipatoryBudget
from tests.decisions.budgets.matrix import (
    API_BUDGET,
    API_PROJECT,
    count,
    make_budget,
    propose,
    vote,
    voting_budget,
)
from tests.helpers import make_need, make_project, make_user

pytestmark = pytest.mark.django_db
BASE = "/api/v1/coops/alpha/budgets"


def send(client, method: str, url: str, body: dict | None = None):
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")


def fields_of(response) -> list[str | None]:
    assert response.status_code == 422, response.content
    return [e["field"] for e in response.json()["errors"]]


def _set_up_and_propose(client, people) -> tuple[str, dict, dict]:
    """Staff set a budget up; a resident proposes two projects, one answering a need."""
    client.force_login(people["staff"])
    created = send(
        client,
        "post",
        BASE,
        {
            **API_BUDGET,
            "method": "knapsack",
            "voting_opens_at": "2026-01-01T09:00",
            "voting_closes_at": "2199-01-01T09:00:00+01:00",
        },
    )
    assert created.status_code == 201, created.content
    budget = created.json()
    assert budget["phase"] == "collecting" and budget["amount"] == "8000.00"
    assert budget["next_phases"] == ["review"] and budget["voting_blockers"] is None
    url = f"{BASE}/{budget['id']}"
    need = make_need(people["coop"], people["resident"])

    client.force_login(people["resident"])
    proposed = send(client, "post", f"{url}/projects", {**API_PROJECT, "need_id": need.pk})
    assert proposed.status_code == 201, proposed.content
    project = proposed.json()
    assert project["mine"] is True and project["need"] == {"id": need.pk, "title": need.title}
    assert project["status"] == "proposed" and project["votes"] is None
    second = send(client, "post", f"{url}/projects", {**API_PROJECT, "title": "Altro"}).json()

    return url, project, second


def _review_and_open(client, people, url: str, project: dict, second: dict) -> None:
    """Staff review both projects; voting opens only once every project is reviewed."""
    client.force_login(people["staff"])
    assert send(client, "post", f"{url}/phase", {"phase": "review"}).status_code == 200
    blockers = client.get(url).json()["voting_blockers"]
    assert blockers == [
        "Review every project first: 2 still wait.",
        "Put at least one feasible project on the ballot.",
    ]
    reviewed = send(
        client,
        "post",
        f"{url}/projects/{project['id']}/review",
        {"status": "feasible", "reviewed_cost": "5000.00"},
    )
    assert reviewed.json()["reviewed_cost"] == "5000.00" and reviewed.json()["mine"] is False
    send(
        client,
        "post",
        f"{url}/projects/{second['id']}/review",
        {"status": "feasible", "reviewed_cost": "4000.00"},
    )
    opened = send(client, "post", f"{url}/phase", {"phase": "voting"})
    assert opened.status_code == 200, opened.content
    assert opened.json()["phase"] == "voting" and opened.json()["feasible_count"] == 2


def _vote(client, people, url: str, project: dict, second: dict) -> None:
    """A member votes once, within the budget; the results stay hidden until the count."""
    client.force_login(people["member"])
    ballot = client.get(f"{url}/ballot").json()
    assert ballot["may_vote"] is True and ballot["voted"] is False
    assert [p["reviewed_cost"] for p in ballot["ballot"]] == ["5000.00", "4000.00"]
    over = send(client, "post", f"{url}/ballot", {"projects": [project["id"], second["id"]]})
    assert (
        fields_of(over) == ["projects"] and "more than the" in over.json()["errors"][0]["message"]
    )
    cast = send(client, "post", f"{url}/ballot", {"projects": [project["id"]]})
    assert cast.status_code == 201, cast.content
    assert cast.json()["voted"] is True and cast.json()["total_cost"] == "5000.00"
    assert cast.json()["may_vote"] is False
    again = send(client, "post", f"{url}/ballot", {"projects": [second["id"]]})
    assert fields_of(again) == [None] and "already voted" in again.content.decode()
    assert client.get(f"{url}/results").json()["published"] is False


def test_a_budget_from_its_set_up_to_its_follow_up(client, people):
    url, project, second = _set_up_and_propose(client, people)
    _review_and_open(client, people, url, project, second)
    _vote(client, people, url, project, second)

    client.force_login(people["staff"])
    counted = send(client, "post", f"{url}/phase", {"phase": "results"})
    assert counted.json()["counted_at"] is not None
    results = client.get(f"{url}/results").json()
    assert results["published"] is True and results["voters"] == 1
    assert results["rules"]["greedy"]["funded"] == [project["id"]]
    assert results["rules"]["equal_shares"]["official"] is True
    by_id = {p["id"]: p for p in results["projects"]}
    assert by_id[project["id"]]["equal_shares"]["funded"] is True
    assert by_id[second["id"]]["greedy"]["outcome"] == "no_votes"
    assert "Funded in round 1" in by_id[project["id"]]["equal_shares"]["reason"]

    carried = make_project(people["coop"], people["staff"])
    linked = send(
        client, "post", f"{url}/projects/{project['id']}/follow-up", {"project_id": carried.pk}
    )
    assert linked.json()["follow_up"] == {"id": carried.pk, "title": carried.title}
    assert linked.json()["funded"] is True and linked.json()["votes"] == 1
    listed = client.get(f"{url}/projects").json()
    assert listed["count"] == 2 and listed["items"][0]["votes"] == 1


def test_bad_input_is_a_422_on_its_field_and_saves_nothing(client, people):
    client.force_login(people["staff"])
    for body, field in [
        ({**API_BUDGET, "amount": "0"}, "amount"),
        ({**API_BUDGET, "amount": "12.345"}, "amount"),
        ({**API_BUDGET, "max_choices": 3}, "max_choices"),  # a knapsack ballot
        ({**API_BUDGET, "voting_opens_at": "0001-01-01T00:00"}, "voting_opens_at"),
        ({**API_BUDGET, "colour": "red"}, "colour"),
        ({**API_BUDGET, "title": "x" * 201}, "title"),
        ({**API_BUDGET, "title": "a\x00b"}, "title"),
    ]:
        assert fields_of(send(client, "post", BASE, body)) == [field], body
    assert not ParticipatoryBudget.objects.exists()
    budget = make_budget(people["coop"], people["staff"])
    beta_need = make_need(people["other"], people["stranger"])
    projects = f"{BASE}/{budget.pk}/projects"
    assert fields_of(send(client, "post", projects, {**API_PROJECT, "need_id": beta_need.pk})) == [
        "need_id"
    ]
    assert fields_of(send(client, "post", projects, {**API_PROJECT, "proposal_id": 99})) == [
        "proposal_id"
    ]
    assert not BudgetProject.objects.exists()
    assert send(client, "post", f"{BASE}/{budget.pk}/phase", {"phase": "voting"}).status_code == 422


def test_a_ballot_with_a_project_of_another_budget_or_too_many_is_refused(client, people):
    budget, (a, b) = voting_budget(people["coop"], people["staff"], max_choices=1)
    _other, (foreign, _) = voting_budget(people["coop"], people["staff"], title="Altro")
    client.force_login(people["resident"])
    url = f"{BASE}/{budget.pk}/ballot"
    for chosen in ([foreign.pk], [a.pk, b.pk], [], [a.pk, 123456789]):
        assert fields_of(send(client, "post", url, {"projects": chosen})) == ["projects"], chosen
    assert fields_of(send(client, "post", url, {"projects": ["x"]})) == ["projects.0"]
    assert not BudgetBallot.objects.exists()
    # Another cooperative's budget is not found.
    beta = make_budget(people["other"], people["stranger"])
    client.force_login(people["stranger"])
    assert client.get(f"{BASE}/{beta.pk}").status_code == 404


def test_nobody_reads_anyone_elses_ballot(client, people):
    budget, (a, b) = voting_budget(people["coop"], people["staff"])
    vote(budget, people["member"], [a, b])
    client.force_login(people["admin"])
    mine = client.get(f"{BASE}/{budget.pk}/ballot").json()
    assert mine["voted"] is False and mine["projects"] == [] and mine["may_vote"] is True
    assert "votes" not in json.dumps(client.get(f"{BASE}/{budget.pk}").json())
    project = client.get(f"{BASE}/{budget.pk}/projects/{a.pk}").json()
    assert project["votes"] is None  # not counted yet


def test_the_lists_are_a_constant_number_of_queries(client, people):
    staff = people["staff"]
    counts = {"budgets": [], "projects": []}
    for size in (3, 30):
        budget = make_budget(people["coop"], staff, title=f"B{size}")
        for n in range(size):
            propose(budget, staff, f"Progetto {n}", "100.00")
        while ParticipatoryBudget.objects.count() < size:
            make_budget(people["coop"], staff, title="altro")
        for key, path in (("budgets", BASE), ("projects", f"{BASE}/{budget.pk}/projects")):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(f"{path}?limit=100").status_code == 200
            counts[key].append(len(captured))
    assert counts["budgets"][0] == counts["budgets"][1], counts
    assert counts["projects"][0] == counts["projects"][1], counts


def test_the_results_endpoint_is_a_constant_number_of_queries(client, people):
    counts = []
    for size in (3, 30):
        budget, projects = voting_budget(
            people["coop"], people["staff"], costs=["100.00"] * size, title=f"R{size}"
        )
        for n in range(size):
            user = make_user(f"r{size}-{n}")
            role_grant(actor=people["admin"], coop=people["coop"], user=user, kind="resident")
            vote(budget, user, projects[n : n + 2])
        count(budget, people["staff"])
        with CaptureQueriesContext(connection) as captured:
            results = client.get(f"{BASE}/{budget.pk}/results").json()
        assert results["voters"] == size
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
    assert results["share"] == "333.33"  # 10,000 € among 30 voters, to the cent


def test_a_secret_budget_is_set_up_voted_and_counted_and_nobody_reads_a_ballot_back(client, people):
    client.force_login(people["staff"])
    created = send(client, "post", BASE, {**API_BUDGET, "method": "approval", "secret": True})
    assert created.status_code == 201 and created.json()["secret"] is True
    assert ParticipatoryBudget.objects.get(pk=created.json()["id"]).secret
    budget, (a, b) = voting_budget(people["coop"], people["staff"], secret=True)
    client.force_login(people["member"])
    url = f"{BASE}/{budget.pk}/ballot"
    assert send(client, "post", url, {"projects": [a.pk, b.pk]}).status_code == 201
    mine = client.get(url).json()
    assert mine["voted"] is True and mine["projects"] == [] and mine["total_cost"] is None
    # The rules are fixed once the vote is prepared, the secret ballot with them.
    client.force_login(people["staff"])
    changed = send(client, "patch", f"{BASE}/{budget.pk}", {"secret": False})
    assert fields_of(changed) == ["secret"]
    counted = send(client, "post", f"{BASE}/{budget.pk}/phase", {"phase": "results"})
    assert counted.status_code == 200
    projects = client.get(f"{BASE}/{budget.pk}/projects").json()["items"]
    votes = {p["id"]: p["votes"] for p in projects}
    assert votes[a.pk] == votes[b.pk] == 1
