"""Visitors' answers for the needs list are cached, and every change to needs shows at once."""

from __future__ import annotations

import pytest

from comunitas.projects.needs import services as needs_services
from comunitas.projects.projects import services as project_services
from tests.helpers import make_need, make_project

pytestmark = pytest.mark.django_db
URL = "/api/v1/coops/alpha/needs?limit=10"


def counts(client) -> dict[str, int]:
    return {item["title"]: item["support_count"] for item in client.get(URL).json()["items"]}


def test_a_visitor_s_second_read_is_one_query(client, people, django_assert_num_queries):
    make_need(people["coop"], people["resident"])
    first = client.get(URL)
    with django_assert_num_queries(1):  # the cooperative; the answer comes from the cache
        second = client.get(URL)
    assert second.content == first.content
    # Another query is another answer.
    assert client.get(URL + "&sort=newest").json()["count"] == 1


def test_changes_to_needs_reach_visitors_at_once(
    client, people, django_capture_on_commit_callbacks
):
    coop = people["coop"]
    with django_capture_on_commit_callbacks(execute=True):
        need = make_need(coop, people["resident"], title="Il pulmino")
    assert counts(client) == {"Il pulmino": 0}
    with django_capture_on_commit_callbacks(execute=True):
        needs_services.need_support(actor=people["member"], need=need)
    assert counts(client) == {"Il pulmino": 1}
    with django_capture_on_commit_callbacks(execute=True):
        make_need(coop, people["member"], title="La farmacia")
    assert counts(client) == {"Il pulmino": 1, "La farmacia": 0}
    with django_capture_on_commit_callbacks(execute=True):
        needs_services.need_set_status(
            actor=people["staff"], need=need, status="declined", reason="No"
        )
    statuses = {item["title"]: item["status"] for item in client.get(URL).json()["items"]}
    assert statuses == {"Il pulmino": "declined", "La farmacia": "new"}


def test_people_with_a_role_are_never_served_the_visitors_answer(client, people):
    need = make_need(people["coop"], people["resident"])
    client.get(URL)  # cached for visitors
    needs_services.need_support(actor=people["member"], need=need)  # not committed: no new version
    client.force_login(people["member"])
    item = client.get(URL).json()["items"][0]
    assert item["supported_by_me"] is True
    assert item["support_count"] == 1


def test_visitors_share_the_coverage_answer_until_needs_or_projects_change(
    client, people, django_assert_num_queries, django_capture_on_commit_callbacks
):
    coop = people["coop"]
    with django_capture_on_commit_callbacks(execute=True):
        need = make_need(coop, people["resident"])
    first = client.get("/api/v1/coops/alpha/coverage")
    assert first.json()["percent"] == 0
    with django_assert_num_queries(1):  # the cooperative; the answer comes from the cache
        assert client.get("/api/v1/coops/alpha/coverage").content == first.content
    with django_capture_on_commit_callbacks(execute=True):
        project = make_project(coop, people["staff"], needs=[need], title="La bottega")
    answered = client.get("/api/v1/coops/alpha/coverage").json()
    assert answered["percent"] == 100
    assert answered["answered"][0]["projects"][0]["title"] == "La bottega"
    with django_capture_on_commit_callbacks(execute=True):
        project_services.project_update(
            actor=people["staff"], project=project, fields={"title": "La bottega di comunità"}
        )
    renamed = client.get("/api/v1/coops/alpha/coverage").json()
    assert renamed["answered"][0]["projects"][0]["title"] == "La bottega di comunità"
    # Staff read it fresh, with the same shape.
    client.force_login(people["staff"])
    assert client.get("/api/v1/coops/alpha/coverage").json() == renamed
