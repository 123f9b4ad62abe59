"""Writing the audit trail. Every service that changes members, shares, money, votes, roles or
a cooperative calls ``audit_record`` inside its transaction, so a change and its trace land
together or not at all."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from comunitas.core.models import AuditEntry, Cooperative

# What each action code means to a reader of the log; later apps add theirs.
ACTION_LABELS: dict[str, str] = {
    "cooperative.create": _("cooperative registered"),
    "cooperative.update": _("cooperative changed"),
    "statute.create": _("statute version recorded"),
    "role.grant": _("role given"),
    "role.change": _("role changed"),
    "role.revoke": _("role removed"),
    "token.create": _("API token created"),
    "token.revoke": _("API token revoked"),
}


def jsonable(value: Any) -> Any:
    """A value as it is stored in the trail: exact decimals and dates as strings."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):  # datetime included
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set):
        items = [jsonable(item) for item in value]
        try:
            return sorted(items)
        except TypeError:  # records (a statute's scale of steps) keep their order
            return items
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    return value


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The audited fields of ``obj``; foreign keys by id, many-to-many as sorted ids."""
    values: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            related = getattr(obj, name).values_list("pk", flat=True) if obj.pk else []
            values[name] = sorted(related)
        elif field.is_relation:
            values[name] = getattr(obj, field.attname)
        else:
            values[name] = jsonable(getattr(obj, name))
    return values


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model,
    coop: Cooperative | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry | None:
    """Append one entry; an update that changed nothing leaves no trace."""
    before, after = before or {}, after or {}
    changes = {
        key: {"before": before.get(key), "after": after.get(key)}
        for key in sorted(before.keys() | after.keys())
        if before.get(key) != after.get(key)
    }
    if not changes and before and after:
        return None
    user = actor if actor is not None and actor.is_authenticated else None
    return AuditEntry.objects.create(
        actor=user,
        actor_name=user.get_username() if user else "system",
        coop=coop,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        # Objects that hold personal data name themselves without it (``audit_label``).
        object_repr=str(getattr(obj, "audit_label", obj))[:200],
        changes=changes,
    )


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))


def _shown(value: Any, choices: dict) -> Any:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return choices.get(value, value) if isinstance(value, str) else value


# What the keys of a change that are not a field of the object mean (a count, a figure of a
# result, a related object named in the trail); each app adds its own in its AppConfig.ready.
# These are the counts that bulk writes (imports, the demo's generators) leave on a cooperative.
CHANGE_LABELS: dict[str, Any] = {
    "answers": _("answers"),
    "applications": _("applications"),
    "approved": _("approved"),
    "audience": _("audience"),
    "bookings": _("bookings"),
    "budget_lines": _("budget lines"),
    "consultation": _("consultation"),
    "counterparties": _("counterparties"),
    "earmark_spending": _("spending from earmarks"),
    "earmarks": _("earmarks"),
    "frozen_years_skipped": _("closed years left out"),
    "jobs": _("jobs"),
    "kind": _("kind"),
    "measurements": _("measurements"),
    "members": _("members"),
    "movements": _("movements"),
    "needs": _("needs"),
    "objectives": _("objectives"),
    "orders": _("orders"),
    "paid_bookings": _("paid bookings"),
    "projects": _("projects"),
    "proposal_supports": _("supports of proposals"),
    "proposals": _("proposals"),
    "proposed": _("proposed"),
    "resources": _("common resources"),
    "ristorni": _("ristorni"),
    "sales": _("sales"),
    "sales_posted": _("sales posted"),
    "services": _("services"),
    "supports": _("supports"),
    "synthetic": _("synthetic"),
    "synthetic_residents": _("synthetic residents"),
    "tickets": _("tickets"),
    "units": _("units"),
    "volunteer_entries": _("volunteer entries"),
    "years": _("years"),
}


def change_label(model, name: str) -> tuple[str | None, dict]:
    """The label of a change's key and the names of its choices: the model's field, or the
    label an app gave the key; None when neither knows it."""
    if model is not None:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            field = None
        if field is not None and field.concrete:  # a reverse relation has no label
            return str(field.verbose_name), dict(field.choices or [])
    label = CHANGE_LABELS.get(name)
    return (str(label) if label is not None else None), {}


def change_rows(entry: AuditEntry) -> list[tuple[str, Any, Any]]:
    """(field label, before, after) of an entry, with the model's labels and choice names."""
    try:
        model = apps.get_model(entry.object_type)
    except (LookupError, ValueError):
        model = None
    rows = []
    for name, change in entry.changes.items():
        label, choices = change_label(model, name)
        label = label or name.replace("_", " ")
        before, after = change.get("before"), change.get("after")
        rows.append((label, _shown(before, choices), _shown(after, choices)))
    return rows
