"""The activity log speaks the reader's language: every key of every change the demo's load wrote
has a label (a field's, or one its app gave it), never a raw code."""

from __future__ import annotations

from django.apps import apps

from comunitas.core.audit import change_label
from comunitas.core.models import AuditEntry


def test_every_key_of_the_demos_trail_has_a_label(demo_loaded, db):
    unlabelled = set()
    for object_type, changes in AuditEntry.objects.values_list("object_type", "changes").distinct():
        try:
            model = apps.get_model(object_type)
        except (LookupError, ValueError):
            model = None
        for name in changes:
            if change_label(model, name)[0] is None:
                unlabelled.add(f"{object_type}: {name}")
    assert not unlabelled, "\n".join(sorted(unlabelled))
