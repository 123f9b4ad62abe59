"""The demo: five real cooperatives with sourced facts, synthetic data marked, idempotent."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model

from comunitas.core.coops.selectors import statute_on
from comunitas.core.models import Cooperative, CooperativeFact, Role
from comunitas.decisions.models.budgets import ParticipatoryBudget
from comunitas.demo.generators.budgets import BUDGETS
from comunitas.demo.generators.projects import RESIDENTS
from comunitas.demo.load import demo_admin_ensure, demo_load
from comunitas.demo.plans import CASES
from comunitas.demo.steps import generate
from tests.demo.conftest import PASSWORD, SEED
from tests.demo.economy_checks import assert_the_economy

pytestmark = pytest.mark.django_db
BUDGET_VOTERS = sum(plan.voters for plan in BUDGETS.values())
OUR_APPS = {"core", "auth", "members", "commons", "projects", "decisions", "economy"}


def table_state() -> dict:
    """Every row of every table of ours, to compare two loads."""
    state = {}
    for model in apps.get_models():
        if model._meta.app_label in OUR_APPS:
            rows = model.objects.order_by("pk").values()
            state[model._meta.label] = [
                {k: v for k, v in row.items() if k not in {"last_login"}} for row in rows
            ]
    return state


def demo_people() -> list[tuple[str, str, str]]:
    return list(
        get_user_model()
        .objects.order_by("username")
        .values_list("username", "first_name", "last_name")
    )


def regenerate(seed: int) -> None:
    # Ballots keep their voters (nothing electoral is deleted with a login): the budgets first.
    ParticipatoryBudget.objects.all().delete()
    get_user_model().objects.all().delete()  # their roles go with them
    for coop in Cooperative.objects.all():
        generate(coop, seed=seed, password=PASSWORD)


def test_the_same_seed_gives_the_same_synthetic_data(demo_loaded, db):
    """The demo's people generated again: the same with the shared load's seed, others with
    another seed."""
    first = demo_people()
    # The roles, the residents who support needs, and those who vote in the one budget.
    assert len(first) == (4 + RESIDENTS) * len(CASES) + BUDGET_VOTERS
    regenerate(SEED)
    assert demo_people() == first
    regenerate(8)
    assert demo_people() != first


def test_the_five_case_studies(demo_loaded, db):
    coops = {c.slug: c for c in Cooperative.objects.select_related("seat")}
    assert set(coops) == {"anversiamo", "brigi", "la-paranza", "post-modernissimo", "ri-maflow"}
    assert coops["anversiamo"].seat.name == "Anversa degli Abruzzi"
    assert coops["anversiamo"].seat.inner_area_class == "D"
    assert coops["brigi"].seat.name == "Mendatica" and coops["brigi"].founded_year == 2015
    assert coops["la-paranza"].locality == "Rione Sanità"
    assert coops["ri-maflow"].seat.name == "Trezzano sul Naviglio"
    assert all(c.is_demo and c.is_public for c in coops.values())
    # the public share value of Post-modernissimo; the other statute values are synthetic
    statute = statute_on(coop=coops["post-modernissimo"])
    assert statute.share_nominal_value == Decimal("100.00") and statute.synthetic
    visitors = CooperativeFact.objects.get(coop=coops["la-paranza"], key="visitors_2019")
    assert (visitors.number, visitors.status) == (Decimal(160000), "fact")
    assert "2WEL 3/2021" in visitors.source
    assert_the_economy(coops)  # five synthetic years, their closings and the fund


def test_every_fact_has_a_source_and_a_status(demo_loaded, db):
    for fact in CooperativeFact.objects.all():
        assert fact.source and fact.status in {"fact", "check", "synthetic"}
    assert CooperativeFact.objects.filter(status="check").exists()  # what DOMAIN.md flags


def test_loading_twice_changes_nothing(demo_loaded, db):
    """Every row of every table of ours, the same after a second load (the other modules rely
    on this one for their own tables)."""
    first = table_state()
    demo_load(seed=SEED, password=PASSWORD)
    assert table_state() == first


def test_each_role_has_a_demo_login_and_the_admin_sees_every_demo_coop(demo_loaded, db, client):
    admin = demo_admin_ensure(username="admin", password=PASSWORD)
    assert Role.objects.filter(user=admin, kind="admin").count() == len(CASES)
    response = client.post("/account/login/", {"username": "brigi.socio", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/c/brigi/dashboard/").status_code == 200
    assert client.get("/c/brigi/roles/").status_code == 403


def test_demo_pages_mark_synthetic_data(demo_loaded, db, client):
    client.cookies["django_language"] = "en"
    page = client.get("/c/la-paranza/").content.decode()
    assert 'class="ribbon"' in page and "every other figure is synthetic" in page
    assert "160.000" in page and "Public fact" in page and "Reported, to be verified" in page
    client.force_login(get_user_model().objects.get(username="la-paranza.socio"))
    dashboard = client.get("/c/la-paranza/dashboard/").content.decode()
    assert '<span class="badge synthetic">synthetic</span>' in dashboard  # the statute
    client.logout()  # where the money went is public, and the demo's figures say they are made up
    flow = client.get("/c/la-paranza/economy/flow/").content.decode()
    assert 'class="ribbon"' in flow and "<svg" in flow
