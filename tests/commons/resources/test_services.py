"""The rules of the commons registry: every write and every bad input, and the reminders."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from comunitas.commons.models import CommonResource, Obligation, UseRight
from comunitas.commons.resources import selectors, services
from comunitas.core.errors import ValidationError
from comunitas.core.models import AuditEntry
from tests.helpers import add_obligation, add_right, make_resource, resource_fields

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 1)


def fields_of(exc: pytest.ExceptionInfo) -> set[str | None]:
    return {e.field for e in exc.value.errors}


def test_create_and_update_are_audited(people):
    resource = make_resource(people["coop"], people["admin"], name="  Rifugio  ")
    assert resource.name == "Rifugio" and resource.municipality_id == "008034"
    services.resource_update(
        actor=people["staff"], resource=resource, fields={"condition": "needs_work"}
    )
    resource.refresh_from_db()
    assert resource.condition == "needs_work"
    entries = AuditEntry.objects.filter(
        object_type="commons.commonresource", object_id=str(resource.pk)
    ).order_by("id")
    assert [e.action for e in entries] == ["resource.create", "resource.update"]
    assert entries[1].changes == {"condition": {"before": "good", "after": "needs_work"}}


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"name": ""}, "name"),
        ({"kind": "castle"}, "kind"),
        ({"owner_kind": "nobody"}, "owner_kind"),
        ({"capacity": -1}, "capacity"),
        ({"condition": "ruined"}, "condition"),
    ],
)
def test_bad_resource_saves_nothing(people, extra, field):
    with pytest.raises(ValidationError) as exc:
        make_resource(people["coop"], **extra)
    assert field in fields_of(exc)
    assert not CommonResource.objects.exists()


def test_an_unknown_field_cannot_be_changed(people, resource):
    with pytest.raises(ValidationError) as exc:
        services.resource_update(actor=None, resource=resource, fields={"coop": people["other"]})
    assert fields_of(exc) == {"coop"}


def test_use_right_rules(resource):
    right = add_right(resource, start=date(2020, 1, 1), end=date(2029, 1, 1), fee="1200.50")
    assert right.annual_fee == Decimal("1200.50")
    cases = [
        ({"start": date(2020, 1, 1), "end": date(2019, 12, 31)}, "end_on"),
        ({"start": date(2020, 1, 1), "end": date(2020, 1, 1)}, "end_on"),  # [start, end) empty
        ({"start": date(2020, 1, 1), "end": None, "fee": "-0.01"}, "annual_fee"),
        ({"start": date(1899, 12, 31), "end": None}, "start_on"),
        ({"start": date(2020, 1, 1), "end": date(2020, 2, 1), "kind": "ownership"}, "end_on"),
        ({"start": date(2020, 1, 1), "end": None, "kind": "rent"}, "kind"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as exc:
            add_right(resource, **kwargs)
        assert field in fields_of(exc), kwargs
    assert UseRight.objects.count() == 1
    assert add_right(resource, start=date(2010, 1, 1), end=None, kind="ownership").end_on is None


def test_the_database_refuses_what_the_services_refuse(resource):
    for values in (
        {"start_on": date(2020, 1, 1), "end_on": date(2019, 1, 1)},
        {"start_on": date(2020, 1, 1), "annual_fee": Decimal("-1")},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            UseRight.objects.create(resource=resource, kind="lease", **values)


def test_obligation_rules(resource):
    for fields, field in [
        ({"due_on": date(1800, 1, 1)}, "due_on"),
        ({"due_on": None}, "due_on"),
        ({"due_on": TODAY, "recurring_months": 0}, "recurring_months"),
        ({"due_on": TODAY, "recurring_months": 121}, "recurring_months"),
        ({"due_on": TODAY, "kind": "party"}, "kind"),
    ]:
        with pytest.raises(ValidationError) as exc:
            services.obligation_add(
                actor=None, resource=resource, **{"kind": "insurance", **fields}
            )
        assert field in fields_of(exc), fields
    assert not Obligation.objects.exists()


def test_a_recurring_obligation_done_comes_back(people, resource):
    obligation = add_obligation(resource, due=date(2024, 1, 31), months=1)
    done, following = services.obligation_done(
        actor=people["staff"], obligation=obligation, done_on=date(2024, 2, 10)
    )
    assert done.done_on == date(2024, 2, 10)
    # Due a month after it was due (not after it was done), on the last day of February.
    assert following.due_on == date(2024, 2, 29) and following.done_on is None
    assert (following.kind, following.recurring_months) == ("insurance", 1)
    with pytest.raises(ValidationError) as exc:
        services.obligation_done(actor=None, obligation=obligation)
    assert fields_of(exc) == {"done_on"}
    assert Obligation.objects.count() == 2


def test_a_one_off_obligation_done_does_not_come_back(resource):
    obligation = add_obligation(resource, due=date(2024, 1, 31))
    _done, following = services.obligation_done(actor=None, obligation=obligation)
    assert following is None and Obligation.objects.count() == 1
    assert Obligation.objects.get().done_on == timezone.localdate()


def test_an_obligation_cannot_be_done_in_the_future(resource):
    obligation = add_obligation(resource, due=date(2024, 1, 31), months=12)
    with pytest.raises(ValidationError) as exc:
        services.obligation_done(
            actor=None, obligation=obligation, done_on=timezone.localdate() + timedelta(days=2)
        )
    assert fields_of(exc) == {"done_on"}
    assert Obligation.objects.count() == 1 and Obligation.objects.get().done_on is None


def test_log_entries(people, resource):
    entry = services.log_add(
        actor=people["staff"], resource=resource, on_date=date(2025, 1, 5), text=" Tetto "
    )
    assert (entry.text, entry.recorded_by) == ("Tetto", people["staff"])
    for on_date, text, field in [
        (date(2025, 1, 5), "   ", "text"),
        (date(1899, 1, 1), "x", "on_date"),
        (timezone.localdate() + timedelta(days=30), "x", "on_date"),
    ]:
        with pytest.raises(ValidationError) as exc:
            services.log_add(actor=None, resource=resource, on_date=on_date, text=text)
        assert fields_of(exc) == {field}
    assert resource.log.count() == 1


def test_reminder_boundaries(people, resource):
    for days in (-1, 0, 89, 90, 91):
        add_obligation(resource, due=TODAY + timedelta(days=days))
    done = add_obligation(resource, due=TODAY - timedelta(days=5))
    services.obligation_done(actor=None, obligation=done, done_on=TODAY - timedelta(days=1))
    other = make_resource(people["other"])
    add_obligation(other, due=TODAY)
    due = selectors.obligations_due(coop=people["coop"], within_days=90, today=TODAY)
    assert [(o.due_on - TODAY).days for o in due] == [-1, 0, 89, 90]


def test_expiring_rights_boundaries(people):
    coop = people["coop"]
    ends = {}
    for days in (-1, 0, 89, 90, 91):
        r = make_resource(coop, name=f"R{days}")
        ends[days] = add_right(r, start=date(2020, 1, 1), end=TODAY + timedelta(days=days))
    add_right(make_resource(coop, name="owned"), start=date(2020, 1, 1), end=None, kind="ownership")
    # A concession already renewed is no reminder.
    renewed = make_resource(coop, name="renewed")
    add_right(renewed, start=date(2020, 1, 1), end=TODAY + timedelta(days=10))
    add_right(renewed, start=TODAY + timedelta(days=10), end=TODAY + timedelta(days=3000))
    found = selectors.use_rights_expiring(coop=coop, within_days=90, today=TODAY)
    assert [(r.end_on - TODAY).days for r in found] == [0, 89, 90]


def test_the_current_right_and_next_obligation(people, resource):
    add_right(resource, start=date(2015, 1, 1), end=date(2020, 1, 1))
    current = add_right(resource, start=date(2020, 1, 1), end=date(2030, 1, 1))
    add_right(resource, start=date(2030, 1, 1), end=date(2035, 1, 1))  # not yet in force
    later = add_obligation(resource, due=TODAY + timedelta(days=40))
    sooner = add_obligation(resource, due=TODAY + timedelta(days=4))
    services.obligation_done(actor=None, obligation=add_obligation(resource, due=TODAY))
    (found,) = selectors.resource_list(coop=people["coop"], visible_to_public=False, today=TODAY)
    assert found.current_rights == [current]
    assert found.open_obligations == [sooner, later]


def test_visitors_see_only_public_resources(people):
    make_resource(people["coop"], name="Public", is_public=True)
    hidden = make_resource(people["coop"], name="Hidden", is_public=False)
    coop = people["coop"]
    assert [r.name for r in selectors.resource_list(coop=coop, visible_to_public=True)] == [
        "Public"
    ]
    assert len(selectors.resource_list(coop=coop, visible_to_public=False)) == 2
    with pytest.raises(CommonResource.DoesNotExist):
        selectors.resource_get(coop=coop, pk=hidden.pk, visible_to_public=True)
    with pytest.raises(CommonResource.DoesNotExist):
        selectors.resource_get(coop=people["other"], pk=hidden.pk, visible_to_public=False)


def test_add_months_keeps_the_day_or_takes_the_last():
    assert services.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert services.add_months(date(2024, 11, 15), 3) == date(2025, 2, 15)
    assert services.add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_resource_fields_helper_is_valid(people):
    assert resource_fields()["municipality"].name == "Mendatica"
