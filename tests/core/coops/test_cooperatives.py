"""Registering and editing cooperatives and their statute: the law is enforced, nothing is
half-saved."""

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comunitas.core.coops.selectors import statute_on
from comunitas.core.coops.services import (
    coop_create,
    coop_update,
    role_grant,
    role_revoke,
    statute_create,
)
from comunitas.core.errors import ValidationError
from comunitas.core.models import AuditEntry, Cooperative, Municipality, Role, StatuteParameters
from tests.helpers import make_coop, make_user

pytestmark = pytest.mark.django_db

VALID_VAT = "12345670017"  # valid check digit and office code
VALID_STATUTE = {
    "valid_from": date(2024, 5, 1),
    "share_nominal_value": Decimal("50.00"),
    "max_proxies_per_member": 3,
    "legal_person_max_votes": 2,
    "enrolment_days_before_voting": 90,
    "notice_days": 15,
    "ordinary_quorum_first_call": Decimal("50"),
    "ordinary_quorum_second_call": Decimal("0"),
    "extraordinary_quorum_first_call": Decimal("50"),
    "extraordinary_quorum_second_call": Decimal("0"),
    "decision_reference": "Assemblea straordinaria 2024-04-20",
}


def fields(**overrides):
    return {
        "name": "Cooperativa di Comunità Test",
        "slug": "test-coop",
        "legal_form": "coop_srl",
        "founded_year": 2019,
        "seat": Municipality.objects.get(pk="066004"),
        "sector": "local_services",
        **overrides,
    }


def test_creating_a_cooperative_makes_the_creator_admin_with_a_first_statute(people):
    founder = make_user("founder")
    coop = coop_create(actor=founder, **fields(vat_number=VALID_VAT, fiscal_code=VALID_VAT))
    assert Role.objects.get(coop=coop, user=founder).kind == "admin"
    statute = statute_on(coop=coop)
    assert statute.valid_from == date(2019, 1, 1)
    assert statute.share_nominal_value == Decimal("25.00")
    assert list(coop.territory.all()) == [coop.seat]
    actions = list(AuditEntry.objects.filter(coop=coop).values_list("action", flat=True))
    assert sorted(actions) == ["cooperative.create", "role.grant", "statute.create"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"fiscal_code": "RSSMRA85T10A562X"}, "fiscal_code"),
        ({"vat_number": "01234567890"}, "vat_number"),
        ({"albo_number": "123456"}, "albo_number"),
        ({"slug": "alpha"}, "slug"),  # taken by the fixture's cooperative
        ({"slug": "not a slug!"}, "slug"),
        ({"founded_on": date(2018, 3, 1)}, "founded_on"),  # founded_year is 2019
        ({"legal_form": "spa"}, "legal_form"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_input_is_refused_field_by_field_and_nothing_is_saved(people, overrides, field):
    before = (
        Cooperative.objects.count(),
        StatuteParameters.objects.count(),
        AuditEntry.objects.count(),
    )
    with pytest.raises(ValidationError) as caught:
        coop_create(actor=people["admin"], **fields(**overrides))
    assert field in {e.field for e in caught.value.errors}
    after = (
        Cooperative.objects.count(),
        StatuteParameters.objects.count(),
        AuditEntry.objects.count(),
    )
    assert after == before


def test_codes_are_stored_compact_and_upper_case(people):
    coop = coop_create(
        actor=None, **fields(fiscal_code="rssmra 85t10 a562s", albo_number="a123456")
    )
    assert (coop.fiscal_code, coop.albo_number) == ("RSSMRA85T10A562S", "A123456")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"max_proxies_per_member": 12}, "max_proxies_per_member"),
        ({"legal_person_max_votes": 6}, "legal_person_max_votes"),
        ({"legal_person_max_votes": 0}, "legal_person_max_votes"),
        ({"enrolment_days_before_voting": 60}, "enrolment_days_before_voting"),
        ({"share_nominal_value": Decimal("20.00")}, "share_nominal_value"),
        ({"share_nominal_value": Decimal("500.01")}, "share_nominal_value"),
        ({"notice_days": 5}, "notice_days"),
        ({"ordinary_quorum_second_call": Decimal("60")}, "ordinary_quorum_second_call"),
        ({"extraordinary_quorum_first_call": Decimal("101")}, "extraordinary_quorum_first_call"),
    ],
)
def test_statute_outside_the_law_is_refused(people, change, field):
    coop = people["coop"]
    with pytest.raises(ValidationError) as caught:
        statute_create(actor=people["admin"], coop=coop, **{**VALID_STATUTE, **change})
    assert [e.field for e in caught.value.errors] == [field]
    assert coop.statutes.count() == 1


def test_srl_rules_cooperatives_may_have_shares_above_500_euros(people):
    """Art. 2525 c.1 caps *azioni* at 500 €; the *quote* of srl-rules cooperatives have no cap."""
    quote = coop_create(
        actor=None,
        **fields(legal_form="coop_srl"),
        statute={"share_nominal_value": Decimal("1000.00")},
    )
    assert statute_on(coop=quote).share_nominal_value == Decimal("1000.00")
    with pytest.raises(ValidationError) as caught:
        coop_create(
            actor=None,
            **fields(slug="azioni", legal_form="coop"),
            statute={"share_nominal_value": Decimal("1000.00")},
        )
    assert caught.value.errors[0].field == "share_nominal_value"


def test_the_database_refuses_more_than_ten_proxies_too(people):
    statute = statute_on(coop=people["coop"])
    with pytest.raises(IntegrityError), transaction.atomic():
        StatuteParameters.objects.filter(pk=statute.pk).update(max_proxies_per_member=11)


def test_statute_versions_apply_from_their_date(people):
    coop = people["coop"]
    first = statute_on(coop=coop, day=date(2020, 1, 1))
    new = statute_create(actor=people["admin"], coop=coop, **VALID_STATUTE)
    assert statute_on(coop=coop, day=date(2024, 4, 30)) == first
    assert statute_on(coop=coop, day=date(2024, 5, 1)) == new
    assert statute_on(coop=coop, day=date(2014, 1, 1)) is None  # before the founding
    with pytest.raises(ValidationError) as caught:
        statute_create(actor=people["admin"], coop=coop, **VALID_STATUTE)
    assert caught.value.errors[0].field == "valid_from"


# One cooperative shared by all examples; each example records a version on a new day.
SHARED = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
DAYS = (date(2030, 1, 1) + timedelta(days=n) for n in itertools.count())


def accepted(coop, **change) -> bool:
    try:
        statute_create(
            actor=None, coop=coop, **{**VALID_STATUTE, "valid_from": next(DAYS), **change}
        )
    except ValidationError:
        return False
    return True


@SHARED
@given(cents=st.integers(min_value=1, max_value=100_000))
def test_share_value_is_accepted_exactly_within_the_art_2525_range(people, cents):
    value = Decimal(cents) / 100
    assert accepted(people["coop"], share_nominal_value=value) == (25 <= value <= 500)


@SHARED
@given(proxies=st.integers(min_value=0, max_value=30), votes=st.integers(min_value=0, max_value=9))
def test_proxies_and_legal_person_votes_within_the_law(people, proxies, votes):
    result = accepted(people["coop"], max_proxies_per_member=proxies, legal_person_max_votes=votes)
    assert result == (proxies <= 10 and 1 <= votes <= 5)


def test_update_is_audited_with_before_and_after(people):
    coop, admin = people["coop"], people["admin"]
    mendatica, anversa = (
        Municipality.objects.get(pk="008034"),
        Municipality.objects.get(pk="066004"),
    )
    coop_update(actor=admin, coop=coop, fields={"name": "Alpha Nuova"}, territory=[anversa])
    entry = AuditEntry.objects.filter(coop=coop, action="cooperative.update").get()
    assert entry.actor == admin and entry.actor_name == "admin1"
    assert entry.changes["name"] == {"before": "Alpha", "after": "Alpha Nuova"}
    assert entry.changes["territory"] == {
        "before": [mendatica.pk],
        "after": sorted([mendatica.pk, anversa.pk]),
    }


def test_an_update_that_changes_nothing_leaves_no_trace(people):
    coop = people["coop"]
    count = AuditEntry.objects.count()
    coop_update(actor=people["admin"], coop=coop, fields={"name": coop.name})
    assert AuditEntry.objects.count() == count


def test_the_slug_cannot_be_changed(people):
    with pytest.raises(ValidationError) as caught:
        coop_update(actor=people["admin"], coop=people["coop"], fields={"slug": "gamma"})
    assert caught.value.errors[0].field == "slug"


def test_the_last_admin_cannot_leave(people):
    coop, admin = people["coop"], people["admin"]
    role = Role.objects.get(coop=coop, user=admin)
    with pytest.raises(ValidationError):
        role_revoke(actor=admin, role=role)
    with pytest.raises(ValidationError):
        role_grant(actor=admin, coop=coop, user=admin, kind="member")
    role_grant(actor=admin, coop=coop, user=people["staff"], kind="admin")
    role_revoke(actor=admin, role=role)
    assert not Role.objects.filter(pk=role.pk).exists()
    assert AuditEntry.objects.filter(coop=coop, action="role.revoke").count() == 1


def test_make_coop_helper_builds_valid_cooperatives(people):
    # Guards the fixtures the other tests rely on.
    coop = make_coop("gamma", seat="063049")
    assert coop.seat.name == "Napoli" and statute_on(coop=coop) is not None
