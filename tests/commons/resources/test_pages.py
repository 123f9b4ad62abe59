"""The commons pages: who sees what, the forms and their errors, query counts, escaping."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from comunitas.commons.models import CommonResource, Obligation, ResourceLogEntry, UseRight
from tests.helpers import (
    LOG_FORM,
    OBLIGATION_FORM,
    RESOURCE_FORM,
    RIGHT_FORM,
    add_obligation,
    add_right,
    make_resource,
)

pytestmark = pytest.mark.django_db


def test_staff_register_a_resource_and_keep_it(client, people):
    client.force_login(people["staff"])
    response = client.post("/c/alpha/commons/new/", RESOURCE_FORM)
    resource = CommonResource.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/c/alpha/commons/{resource.pk}/"
    assert (resource.municipality_id, resource.capacity, resource.is_public) == ("008034", 24, True)
    base = f"/c/alpha/commons/{resource.pk}"
    for url, form in [
        ("use-rights", RIGHT_FORM),
        ("obligations", OBLIGATION_FORM),
        ("log", LOG_FORM),
    ]:
        assert client.post(f"{base}/{url}/", form).status_code == 302, url
    obligation = Obligation.objects.get()
    assert obligation.recurring_months == 12
    response = client.post(f"/c/alpha/commons/obligations/{obligation.pk}/done/", {})
    assert response.status_code == 302 and response["Location"] == f"{base}/"
    assert Obligation.objects.filter(done_on__isnull=True).get().due_on.year == 2027
    page = client.get(f"{base}/").content.decode()
    assert "Concession (concessione)" in page and "Delibera 12/2018" in page
    assert "Roof repaired" in page and "Fire insurance" in page
    assert "Mark done" in page  # the next insurance, still to do


def test_bad_input_is_shown_on_the_form_and_saves_nothing(client, people, resource):
    client.force_login(people["admin"])
    page = client.post("/c/alpha/commons/new/", {**RESOURCE_FORM, "municipality": "Atlantide"})
    assert page.status_code == 200 and b"Unknown municipality: Atlantide." in page.content
    page = client.post("/c/alpha/commons/new/", {**RESOURCE_FORM, "capacity": "-3"})
    assert page.status_code == 200 and CommonResource.objects.count() == 1
    base = f"/c/alpha/commons/{resource.pk}"
    bad = {**RIGHT_FORM, "right-end_on": "2017-01-01"}
    page = client.post(f"{base}/use-rights/", bad).content.decode()
    assert "The end must come after the start." in page and "<details open>" in page
    page = client.post(f"{base}/use-rights/", {**RIGHT_FORM, "right-annual_fee": "-5"})
    assert page.status_code == 200 and not UseRight.objects.exists()
    page = client.post(
        f"{base}/obligations/", {**OBLIGATION_FORM, "obligation-due_on": "1850-01-01"}
    )
    assert b"Give a date between 1900 and 2200." in page.content
    assert not Obligation.objects.exists()
    page = client.post(f"{base}/log/", {"log-text": ""})
    assert page.status_code == 200 and not ResourceLogEntry.objects.exists()


def test_done_twice_is_refused_with_a_message(client, people, resource):
    obligation = add_obligation(resource, due=timezone.localdate())
    client.force_login(people["staff"])
    url = f"/c/alpha/commons/obligations/{obligation.pk}/done/"
    assert client.post(url, {}).status_code == 302
    response = client.post(url, {}, follow=True)
    assert b"This obligation is already done." in response.content
    assert Obligation.objects.count() == 1


def test_another_cooperatives_resource_is_not_found(client, people):
    theirs = make_resource(people["other"], is_public=True)
    obligation = add_obligation(theirs, due=timezone.localdate())
    client.force_login(people["admin"])
    assert client.get(f"/c/alpha/commons/{theirs.pk}/").status_code == 404
    assert client.get(f"/c/alpha/commons/{theirs.pk}/edit/").status_code == 404
    assert client.post(f"/c/alpha/commons/{theirs.pk}/log/", LOG_FORM).status_code == 404
    done = client.post(f"/c/alpha/commons/obligations/{obligation.pk}/done/", {})
    assert done.status_code == 404
    assert not ResourceLogEntry.objects.exists()
    assert Obligation.objects.get().done_on is None


def test_visitors_see_public_resources_only_and_nothing_internal(client, people):
    shown = make_resource(people["coop"], name="Rifugio aperto", is_public=True)
    add_right(shown, start=timezone.localdate() - timedelta(days=10), end=None, kind="ownership")
    add_obligation(shown, due=timezone.localdate(), kind="maintenance")
    hidden = make_resource(people["coop"], name="Magazzino riservato", is_public=False)
    page = client.get("/c/alpha/commons/").content.decode()
    assert "Rifugio aperto" in page and "Magazzino riservato" not in page
    assert "Register a resource" not in page
    assert client.get(f"/c/alpha/commons/{hidden.pk}/").status_code == 404
    detail = client.get(f"/c/alpha/commons/{shown.pk}/").content.decode()
    assert "Rifugio aperto" in detail and "Obligations" not in detail and "Edit" not in detail
    # anonymous visitors cannot manage: sent to log in, nothing saved
    response = client.post(f"/c/alpha/commons/{shown.pk}/log/", LOG_FORM)
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")
    client.force_login(people["resident"])
    page = client.get("/c/alpha/commons/").content.decode()
    assert "Magazzino riservato" in page
    detail = client.get(f"/c/alpha/commons/{shown.pk}/").content.decode()
    assert "Obligations" in detail and "Mark done" not in detail


def test_a_member_cannot_manage(client, people, resource):
    client.force_login(people["member"])
    assert client.get("/c/alpha/commons/new/").status_code == 403
    assert client.post(f"/c/alpha/commons/{resource.pk}/log/", LOG_FORM).status_code == 403
    assert client.post("/c/alpha/commons/new/", RESOURCE_FORM).status_code == 403
    assert CommonResource.objects.count() == 1 and not ResourceLogEntry.objects.exists()


def test_html_is_escaped(client, people):
    make_resource(people["coop"], name="<script>alert(1)</script>", owner_name="<b>x</b>")
    client.force_login(people["admin"])
    page = client.get("/c/alpha/commons/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "<b>x</b>" not in page


def _fill(coop, n: int) -> None:
    today = timezone.localdate()
    for i in range(n):
        r = make_resource(coop, name=f"Risorsa {i:02d}")
        add_right(r, start=today - timedelta(days=100), end=today + timedelta(days=100 + i))
        add_obligation(r, due=today + timedelta(days=i))


@pytest.mark.parametrize("n", [3, 15])
def test_list_page_is_a_constant_number_of_queries(client, people, n, django_assert_num_queries):
    _fill(people["coop"], n)
    client.force_login(people["staff"])
    # session, user, coop, roles; count, resources with municipality, rights in force,
    # obligations to do
    with django_assert_num_queries(8):
        page = client.get("/c/alpha/commons/").content.decode()
    assert page.count("Concession (concessione)") == n


def test_dashboard_reminds_staff_only(client, people, resource):
    today = timezone.localdate()
    add_obligation(resource, due=today - timedelta(days=3), kind="reporting")
    add_obligation(resource, due=today + timedelta(days=200), kind="maintenance")
    add_right(resource, start=today - timedelta(days=400), end=today + timedelta(days=30))
    client.force_login(people["staff"])
    page = client.get("/c/alpha/dashboard/").content.decode()
    assert "Common resources: deadlines" in page and "overdue" in page
    assert "Reporting to the owner" in page and "Maintenance" not in page
    assert f"/c/alpha/commons/{resource.pk}/" in page
    overdue = Obligation.objects.get(kind="reporting")
    response = client.post(
        f"/c/alpha/commons/obligations/{overdue.pk}/done/", {"next": "dashboard"}
    )
    assert response["Location"] == "/c/alpha/dashboard/"
    overdue.refresh_from_db()
    assert overdue.done_on == today
    client.force_login(people["member"])
    assert "Common resources: deadlines" not in client.get("/c/alpha/dashboard/").content.decode()


def test_the_nav_shows_common_resources_before_members(client, people):
    client.force_login(people["admin"])
    page = client.get("/c/alpha/commons/").content.decode()
    assert 0 < page.index('href="/c/alpha/commons/"') < page.index('href="/c/alpha/members/"')
