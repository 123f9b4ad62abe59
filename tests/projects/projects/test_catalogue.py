"""The shared indicator catalogue: loaded by the migration (economic and social indicators),
reloaded without duplicates, shown translated, and extended by each cooperative with codes of
its own that never clash."""

from __future__ import annotations

import pytest
from django.utils import translation

from comunitas.core.models import AuditEntry
from comunitas.projects.models import Indicator
from comunitas.projects.projects import selectors as projects_selectors
from comunitas.projects.projects import services as ps
from comunitas.projects.projects.catalogue import SHARED, catalogue_load
from tests.helpers import assert_refused

pytestmark = pytest.mark.django_db

OWN = {
    "code": "guided-tours",
    "name": "Visite guidate alle catacombe",
    "kind": "economic",
    "unit": "visite",
    "method": "Biglietti venduti, dal registro di cassa.",
}


def shared_codes() -> set[str]:
    return set(Indicator.objects.filter(coop=None).values_list("code", flat=True))


def test_the_migration_loaded_the_shared_catalogue_of_both_kinds():
    assert shared_codes() == {row[0] for row in SHARED}
    kinds = set(Indicator.objects.filter(coop=None).values_list("kind", flat=True))
    assert kinds == {"economic", "social"}
    # The objectives the issue names have an indicator each.
    for code in ("services-created", "products-created", "jobs-fte", "revenue"):
        assert Indicator.objects.get(coop=None, code=code).kind == "economic"
    for code in ("participants", "volunteers", "new-relations", "sense-of-community"):
        assert Indicator.objects.get(coop=None, code=code).kind == "social"
    assert all(i.unit and i.method for i in Indicator.objects.filter(coop=None))


def test_reloading_the_catalogue_adds_nothing_and_restores_what_changed():
    count = Indicator.objects.count()
    Indicator.objects.filter(coop=None, code="revenue").update(unit="lire", name="Ricavi")
    assert catalogue_load() == len(SHARED)
    assert catalogue_load() == len(SHARED)
    assert Indicator.objects.count() == count
    revenue = Indicator.objects.get(coop=None, code="revenue")
    assert (revenue.name, revenue.unit) == ("Revenue", "€")


def test_catalogue_load_fills_an_empty_table():
    Indicator.objects.all().delete()
    catalogue_load()
    assert shared_codes() == {row[0] for row in SHARED}


def test_a_cooperative_adds_its_own_indicator_seen_only_by_itself(people):
    own = ps.indicator_create(actor=people["staff"], coop=people["coop"], **OWN)
    assert own.coop == people["coop"] and own.code == "guided-tours"
    assert AuditEntry.objects.filter(action="indicator.create", object_id=str(own.pk)).exists()
    assert own in projects_selectors.indicator_list(coop=people["coop"])
    assert own not in projects_selectors.indicator_list(coop=people["other"])
    assert projects_selectors.indicator_list(coop=people["other"]).count() == len(SHARED)


def test_duplicate_codes_are_refused_within_a_cooperative_and_against_the_catalogue(people):
    ps.indicator_create(actor=people["staff"], coop=people["coop"], **OWN)
    create = ps.indicator_create
    assert_refused(create, actor=people["staff"], coop=people["coop"], **OWN, on="code")
    assert_refused(
        create,
        actor=people["staff"],
        coop=people["coop"],
        **{**OWN, "code": "jobs-fte"},
        on="code",
    )
    assert Indicator.objects.filter(coop=people["coop"]).count() == 1
    # Another cooperative may use the same code for its own indicator.
    theirs = ps.indicator_create(actor=people["stranger"], coop=people["other"], **OWN)
    assert theirs.coop == people["other"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"code": "visite guidate!"}, "code"),
        ({"code": " "}, "code"),
        ({"name": ""}, "name"),
        ({"unit": ""}, "unit"),
        ({"method": ""}, "method"),
        ({"kind": "spiritual"}, "kind"),
        ({"method": "x" * 1001}, "method"),
    ],
)
def test_a_bad_indicator_is_refused(people, fields, field):
    assert_refused(
        ps.indicator_create,
        actor=people["staff"],
        coop=people["coop"],
        **{**OWN, **fields},
        on=field,
    )
    assert not Indicator.objects.filter(coop=people["coop"]).exists()


def test_shared_names_are_translated_when_shown():
    """The rows hold the English source; the pages show it through gettext."""
    jobs = Indicator.objects.get(coop=None, code="jobs-fte")
    with translation.override("it"):
        shown = translation.gettext(jobs.name)
    assert shown != jobs.name, "the shared catalogue has no Italian translation"
