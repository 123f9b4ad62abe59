"""The audit trail: written by every change, readable by admins, never rewritten."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from comunitas.core.coops.services import coop_update
from comunitas.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(people):
    coop_update(actor=people["admin"], coop=people["coop"], fields={"description": "Nuova"})
    return AuditEntry.objects.get(action="cooperative.update")


def test_entries_cannot_be_changed_or_deleted_through_the_orm(entry):
    entry.action = "forged"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()
    with pytest.raises(RuntimeError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(RuntimeError):
        AuditEntry.objects.filter(pk=entry.pk).delete()


def test_the_database_refuses_to_rewrite_an_entry(entry):
    table = AuditEntry._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET action = 'forged' WHERE id = %s", [entry.pk])  # noqa: S608
    assert AuditEntry.objects.get(pk=entry.pk).action == "cooperative.update"


def test_raw_delete_is_refused_by_postgres_only_as_documented(entry):
    """PostgreSQL refuses DELETE; SQLite must leave it open because Django empties SQLite
    tables with DELETE between transactional tests (the model refuses deletes on both)."""
    table = AuditEntry._meta.db_table
    delete = f"DELETE FROM {table} WHERE id = %s"  # noqa: S608
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(delete, [entry.pk])
        assert AuditEntry.objects.filter(pk=entry.pk).exists()
    else:
        with connection.cursor() as cursor:
            cursor.execute(delete, [entry.pk])
        assert not AuditEntry.objects.filter(pk=entry.pk).exists()


def test_admin_reads_the_log_with_filters(client, people, entry):
    client.force_login(people["admin"])
    page = client.get("/c/alpha/audit/", {"action": "cooperative.update"})
    assert page.status_code == 200
    rows = list(page.context["page_obj"])
    assert rows == [entry]
    assert b"Nuova" in page.content
    client.cookies["django_language"] = "en"
    english = client.get("/c/alpha/audit/", {"action": "cooperative.update"}).content.decode()
    assert "cooperative changed" in english and "<strong>short description</strong>" in english
    by_actor = client.get("/c/alpha/audit/", {"actor": "nobody-like-this"})
    assert list(by_actor.context["page_obj"]) == []
    today = timezone.localdate(entry.at).isoformat()  # the board filters by its own days
    in_range = client.get("/c/alpha/audit/", {"date_from": today, "date_to": today})
    assert entry in list(in_range.context["page_obj"])
    before = client.get("/c/alpha/audit/", {"date_to": "2000-01-01"})
    assert list(before.context["page_obj"]) == []


def test_the_log_shows_only_the_cooperatives_own_entries(client, people, entry):
    client.force_login(people["stranger"])
    page = client.get("/c/beta/audit/")
    assert entry not in list(page.context["page_obj"])
    assert all(e.coop_id == people["other"].pk for e in page.context["page_obj"])


def test_audit_page_query_count_does_not_grow_with_entries(
    client, people, django_assert_max_num_queries
):
    client.force_login(people["admin"])
    for n in range(30):
        coop_update(actor=people["admin"], coop=people["coop"], fields={"description": f"v{n}"})
    # session, user, coop, roles, filter choices (2), count, page of entries, savepoints
    with django_assert_max_num_queries(10):
        assert client.get("/c/alpha/audit/").status_code == 200


def test_an_entry_naming_a_reverse_relation_is_shown_with_its_key(client, people):
    """An order's audit names its lines (a reverse relation, with no label of its own): the
    activity log shows the key instead of failing."""
    from comunitas.core.audit import audit_record, change_rows

    coop = people["coop"]
    entry = audit_record(
        actor=people["admin"], action="coop.test", obj=coop, coop=coop, after={"roles": "2"}
    )
    assert change_rows(entry) == [("roles", None, "2")]
    client.force_login(people["admin"])
    assert client.get("/c/alpha/audit/").status_code == 200
