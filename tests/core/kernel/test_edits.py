"""The one way a service changes an object: assign what may change, check, save, audit."""

import pytest
from django.utils.translation import override

from comunitas.core.errors import ValidationError
from comunitas.core.kernel.edits import assign, edit, locked, require_text, validated
from comunitas.core.models import AuditEntry, Cooperative

pytestmark = pytest.mark.django_db

FIELDS = ["name", "description"]


def check(coop: Cooperative) -> None:
    require_text(coop, ["name"])
    validated(coop)


def test_an_edit_saves_and_audits_only_what_changed(people):
    coop = locked(Cooperative.objects.get(slug="alpha"))
    edit(
        coop,
        actor=people["admin"],
        action="cooperative.update",
        changes={"description": "  Rifugio  "},
        allowed=FIELDS,
        audited=FIELDS,
        check=check,
        coop=coop,
    )
    coop.refresh_from_db()
    assert coop.description == "Rifugio"  # text is stored without surrounding blanks
    entry = AuditEntry.objects.filter(action="cooperative.update").latest("id")
    assert entry.coop == coop and entry.actor == people["admin"]
    assert entry.changes == {"description": {"before": "", "after": "Rifugio"}}


def test_a_field_outside_the_allowed_ones_is_refused_by_name(people):
    coop = Cooperative.objects.get(slug="alpha")
    with pytest.raises(ValidationError) as refused:
        assign(coop, {"slug": "zeta"}, FIELDS)
    assert list(refused.value.as_dict()) == ["slug"]


def test_a_failed_check_saves_nothing(people):
    coop = Cooperative.objects.get(slug="alpha")
    audited = AuditEntry.objects.count()
    with override("en"), pytest.raises(ValidationError) as refused:
        edit(
            coop,
            actor=people["admin"],
            action="cooperative.update",
            changes={"name": " "},
            allowed=FIELDS,
            audited=FIELDS,
            check=check,
        )
    assert refused.value.as_dict() == {"name": ["This field cannot be blank."]}
    assert Cooperative.objects.get(slug="alpha").name != " "
    assert AuditEntry.objects.count() == audited


def test_a_text_longer_than_its_column_is_refused_with_its_length(people):
    coop = Cooperative.objects.get(slug="alpha")
    coop.name = "x" * 1000
    with override("en"), pytest.raises(ValidationError) as refused:
        validated(coop)
    assert "1,000" in refused.value.as_dict()["name"][0]
