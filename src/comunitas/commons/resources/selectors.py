"""Reads of the commons registry, each a constant number of queries."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from comunitas.commons.models import CommonResource, Obligation, ResourceLogEntry, UseRight
from comunitas.core.models import Cooperative


def _current_rights(today: date) -> Prefetch:
    """The legal bases in force today ([start_on, end_on)), latest first."""
    return Prefetch(
        "use_rights",
        queryset=UseRight.objects.filter(start_on__lte=today)
        .filter(Q(end_on__isnull=True) | Q(end_on__gt=today))
        .order_by("-start_on", "-id"),
        to_attr="current_rights",
    )


def _open_obligations() -> Prefetch:
    return Prefetch(
        "obligations",
        queryset=Obligation.objects.filter(done_on__isnull=True).order_by("due_on", "id"),
        to_attr="open_obligations",
    )


def resource_list(
    *, coop: Cooperative, visible_to_public: bool, today: date | None = None
) -> QuerySet[CommonResource]:
    """The cooperative's resources with their municipality, the legal bases in force
    (``current_rights``) and the obligations still to do (``open_obligations``): three queries
    whatever the number of resources. Visitors without a role see only the public ones."""
    today = today or timezone.localdate()
    found = CommonResource.objects.filter(coop=coop)
    if visible_to_public:
        found = found.filter(is_public=True)
    return (
        found.select_related("municipality")
        .prefetch_related(_current_rights(today), _open_obligations())
        .order_by("name", "id")
    )


def resource_get(
    *, coop: Cooperative, pk: int, visible_to_public: bool, today: date | None = None
) -> CommonResource:
    """One resource with everything its page shows; DoesNotExist for another cooperative's
    or, for a visitor without a role, a resource not shown on the public page."""
    today = today or timezone.localdate()
    return (
        resource_list(coop=coop, visible_to_public=visible_to_public, today=today)
        .prefetch_related(
            Prefetch("use_rights", queryset=UseRight.objects.order_by("-start_on", "-id")),
            Prefetch("obligations", queryset=Obligation.objects.order_by("due_on", "id")),
            Prefetch(
                "log",
                queryset=ResourceLogEntry.objects.select_related("recorded_by").order_by(
                    "-on_date", "-id"
                ),
            ),
        )
        .get(pk=pk)
    )


def obligations_due(
    *, coop: Cooperative, within_days: int = 90, today: date | None = None
) -> QuerySet[Obligation]:
    """Obligations not done that are overdue or due within ``within_days`` days (included)."""
    today = today or timezone.localdate()
    return (
        Obligation.objects.filter(
            resource__coop=coop,
            done_on__isnull=True,
            due_on__lte=today + timedelta(days=within_days),
        )
        .select_related("resource")
        .order_by("due_on", "id")
    )


def use_rights_expiring(
    *, coop: Cooperative, within_days: int = 90, today: date | None = None
) -> QuerySet[UseRight]:
    """Legal bases ending between today and ``within_days`` days from today (included) that no
    later right of the same resource already continues (a renewed concession is no reminder)."""
    today = today or timezone.localdate()
    renewal = UseRight.objects.filter(
        resource=OuterRef("resource"), start_on__lte=OuterRef("end_on")
    )
    renewal = renewal.filter(Q(end_on__isnull=True) | Q(end_on__gt=OuterRef("end_on"))).exclude(
        pk=OuterRef("pk")
    )
    return (
        UseRight.objects.filter(
            resource__coop=coop,
            end_on__isnull=False,
            end_on__gte=today,
            end_on__lte=today + timedelta(days=within_days),
        )
        .exclude(Exists(renewal))
        .select_related("resource")
        .order_by("end_on", "id")
    )
