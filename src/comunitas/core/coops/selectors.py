"""Reads of cooperatives: the list a user may see, a cooperative's page, the statute in force on a
day and its history, roles and their counts, the served territory's totals, and the filtered
audit trail (the activity log)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Count, QuerySet, prefetch_related_objects
from django.utils import timezone

from comunitas.core.models import (
    AuditEntry,
    Cooperative,
    Role,
    RoleKind,
    StatuteParameters,
)
from comunitas.core.permissions import visible_coops


# --- cooperatives -------------------------------------------------------------------------------
def coop_list(*, user) -> QuerySet[Cooperative]:
    """Cooperatives a user may see, with their seat (one query)."""
    return visible_coops(user).select_related("seat").order_by("name")


def coop_detail(*, coop: Cooperative) -> Cooperative:
    """A cooperative with what its page and API show: served municipalities, sourced facts,
    the statute in force (four queries after the cooperative itself)."""
    prefetch_related_objects([coop], "territory", "facts", "seat__postcodes")
    coop.statute_in_force = statute_on(coop=coop)
    return coop


def statute_on(*, coop: Cooperative, day: date | None = None) -> StatuteParameters | None:
    """The statute parameters in force on ``day`` (today by default)."""
    day = day or timezone.localdate()
    return coop.statutes.filter(valid_from__lte=day).order_by("-valid_from").first()


def statute_history(*, coop: Cooperative) -> QuerySet[StatuteParameters]:
    return coop.statutes.order_by("-valid_from")


def role_list(*, coop: Cooperative) -> QuerySet[Role]:
    return coop.roles.select_related("user").order_by("kind", "user__username")


@dataclass(frozen=True)
class TerritorySummary:
    municipalities: int
    population: int
    inner_area_municipalities: int


def territory_summary(*, coop: Cooperative) -> TerritorySummary:
    """Totals of the municipalities served: no query when they were prefetched (coop_detail),
    one otherwise."""
    served = list(coop.territory.all())
    return TerritorySummary(
        municipalities=len(served),
        population=sum(m.population or 0 for m in served),
        inner_area_municipalities=sum(m.is_inner_area for m in served),
    )


def role_counts(*, coop: Cooperative) -> dict[str, int]:
    counts = dict(coop.roles.values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    return {kind: counts.get(kind, 0) for kind in RoleKind.values}


# --- audit --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    object_type: str = ""
    actor: str = ""
    date_from: date | None = None
    date_to: date | None = None  # inclusive


def audit_list(*, coop: Cooperative, filters: AuditFilters | None = None) -> QuerySet[AuditEntry]:
    filters = filters or AuditFilters()
    entries = AuditEntry.objects.filter(coop=coop)
    if filters.action:
        entries = entries.filter(action__startswith=filters.action)
    if filters.object_type:
        entries = entries.filter(object_type=filters.object_type)
    if filters.actor:
        entries = entries.filter(actor_name__icontains=filters.actor)
    if filters.date_from:
        entries = entries.filter(at__gte=_local_instant(filters.date_from, time.min))
    if filters.date_to:
        entries = entries.filter(at__lte=_local_instant(filters.date_to, time.max))
    return entries.order_by("-at", "-id")


def _local_instant(day: date, moment: time) -> datetime:
    """A local date and time; days at the ends of the calendar are clamped, since converting
    them to UTC would overflow (no entry is that old or that new anyway)."""
    day = min(max(day, date(1, 1, 2)), date(9999, 12, 30))
    return datetime.combine(day, moment, timezone.get_current_timezone())


def audit_choices(*, coop: Cooperative) -> tuple[list[str], list[str]]:
    """The actions and object types present in a cooperative's trail, for the filter menus."""
    entries = AuditEntry.objects.filter(coop=coop)
    actions = sorted(set(entries.values_list("action", flat=True)))
    types = sorted(set(entries.values_list("object_type", flat=True)))
    return actions, types
