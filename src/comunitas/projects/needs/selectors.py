"""Every read of needs: the list with its filters and counts, a need's page, which needs a user
supports, the needs a proposal or a project may answer, and the cooperative's coverage of its
needs by projects. Each list is a constant number of queries whatever its length (the tests
assert them).

Also what the pages and endpoints of the whole app share when they show something: a share as
a whole percentage (``whole_percent``) and which common resources a caller may know of
(``visible``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from comunitas.commons.models import CommonResource
from comunitas.core.models import Cooperative
from comunitas.projects.models import (
    ANSWERABLE_NEED,
    ANSWERED_NEED,
    OPEN_NEED,
    Need,
    NeedCategory,
    NeedStatus,
    NeedStatusChange,
    NeedSupport,
    Project,
    Proposal,
)


def whole_percent(share: Decimal | None) -> int | None:
    """A share (0..1) as a whole percentage, halves to the even one; None stays None."""
    if share is None:
        return None
    return int((share * 100).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def visible(resource: CommonResource | None, *, named: bool) -> CommonResource | None:
    """A common resource the caller may know of: to people with a role (``named``) any of the
    cooperative's; to visitors, as in the registry, only the ones it shows publicly."""
    return resource if resource is not None and (named or resource.is_public) else None


NEED_SORTS = {
    "support": ["-support_count", "-created_at", "-id"],
    "newest": ["-created_at", "-id"],
    "oldest": ["created_at", "id"],
}


@dataclass(frozen=True)
class NeedFilters:
    status: str = ""  # "" means every status but merged
    category: str = ""
    urgency: str = ""
    municipality: str = ""  # ISTAT code
    q: str = ""
    sort: str = "support"


def _need_filter(coop: Cooperative, filters: NeedFilters, *, skip: str = "") -> QuerySet[Need]:
    found = Need.objects.filter(coop=coop)
    if skip != "status":
        found = (
            found.filter(status=filters.status)
            if filters.status
            else found.exclude(status=NeedStatus.MERGED)
        )
    if filters.category and skip != "category":
        found = found.filter(category=filters.category)
    if filters.urgency:
        found = found.filter(urgency=filters.urgency)
    if filters.municipality:
        found = found.filter(municipality_id=filters.municipality)
    if filters.q:
        found = found.filter(Q(title__icontains=filters.q) | Q(description__icontains=filters.q))
    return found


def need_list(*, coop: Cooperative, filters: NeedFilters | None = None) -> QuerySet[Need]:
    """Needs with their support counts; a page of it is one query (two with its count)."""
    filters = filters or NeedFilters()
    order = NEED_SORTS.get(filters.sort, NEED_SORTS["support"])
    return _need_filter(coop, filters).select_related("municipality").order_by(*order)


def need_counts(*, coop: Cooperative, filters: NeedFilters | None = None) -> dict[str, dict]:
    """How many needs each status (merged ones too) and each category would show with the other
    filters kept (two grouped queries), for the filter links of the list."""
    filters = filters or NeedFilters()
    by_status = dict(
        _need_filter(coop, filters, skip="status")
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_category = dict(
        _need_filter(coop, filters, skip="category")
        .values_list("category")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {"status": by_status, "category": by_category}


def need_status_counts(*, coop: Cooperative) -> dict[str, int]:
    """How many needs are in each status (one grouped query), for the dashboard."""
    return dict(
        Need.objects.filter(coop=coop).values_list("status").annotate(n=Count("id")).order_by()
    )


def need_get(*, coop: Cooperative, pk: int) -> Need:
    """A need with what its public page shows: the history, the proposals and the projects."""
    return (
        Need.objects.select_related("municipality", "merged_into", "submitted_by")
        .prefetch_related(
            Prefetch("changes", queryset=NeedStatusChange.objects.select_related("changed_by")),
            Prefetch("proposals", queryset=Proposal.objects.order_by("-created_at")),
            Prefetch("projects", queryset=Project.objects.order_by("-created_at")),
        )
        .get(coop=coop, pk=pk)
    )


def need_row(*, coop: Cooperative, pk: int) -> Need:
    """A need of the cooperative with its cooperative, as the forms and services change it
    (another cooperative's need is not found: ``DoesNotExist``)."""
    return Need.objects.select_related("coop").get(coop=coop, pk=pk)


def supported_need_ids(*, user, needs) -> set[int]:
    """Which of ``needs`` the user supports (one query for a page)."""
    if not user.is_authenticated:
        return set()
    ids = [n.pk for n in needs]
    return set(
        NeedSupport.objects.filter(user=user, need_id__in=ids).values_list("need_id", flat=True)
    )


def need_choices(*, coop: Cooperative) -> QuerySet[Need]:
    """Needs a proposal or a project may answer (not merged, not declined)."""
    return (
        Need.objects.filter(coop=coop, status__in=ANSWERABLE_NEED)
        .only("id", "coop_id", "title", "status", "support_count")
        .order_by("-support_count", "-id")
    )


# --- coverage ------------------------------------------------------------------------------------
@dataclass
class CategoryCoverage:
    category: str
    label: str
    needs: int = 0
    answered: int = 0
    declined: int = 0
    supports: int = 0
    supports_answered: int = 0

    @property
    def open(self) -> int:
        return self.needs - self.answered - self.declined

    @property
    def percent(self) -> int | None:
        return _percent(self.answered, self.needs - self.declined)


def _percent(part: int, whole: int) -> int | None:
    return whole_percent(Decimal(part) / whole) if whole else None


@dataclass
class Coverage:
    """Needs → projects: of the needs still in play (all but merged and declined ones), how many
    a project answers, and the same weighted by their supports."""

    by_category: list[CategoryCoverage]
    answered: list[Need]  # the most supported answered needs, with their projects
    still_open: list[Need]  # the most supported needs still waiting

    @property
    def total(self) -> CategoryCoverage:
        whole = CategoryCoverage("", "")
        for row in self.by_category:
            for name in ("needs", "answered", "declined", "supports", "supports_answered"):
                setattr(whole, name, getattr(whole, name) + getattr(row, name))
        return whole

    @property
    def percent(self) -> int | None:
        return self.total.percent

    @property
    def supports_percent(self) -> int | None:
        return _percent(self.total.supports_answered, self.total.supports)


def coverage(*, coop: Cooperative, shown: int = 25) -> Coverage:
    """Three queries: the counts by category and status, the most supported answered needs
    with their projects (one more for the prefetch), the most supported open needs."""
    rows = (
        Need.objects.filter(coop=coop)
        .exclude(status=NeedStatus.MERGED)
        .values_list("category", "status")
        .annotate(n=Count("id"), s=Coalesce(Sum("support_count"), 0))
        .order_by()
    )
    by_category = {c: CategoryCoverage(c, str(label)) for c, label in NeedCategory.choices}
    for category, status, n, supports in rows:
        row = by_category[category]
        row.needs += n
        if status == NeedStatus.DECLINED:
            row.declined += n
            continue
        row.supports += supports
        if status in ANSWERED_NEED:
            row.answered += n
            row.supports_answered += supports
    base = Need.objects.filter(coop=coop).select_related("municipality")
    answered = list(
        base.filter(status__in=ANSWERED_NEED)
        .prefetch_related(
            Prefetch("projects", queryset=Project.objects.only("id", "title", "status"))
        )
        .order_by("-support_count", "-id")[:shown]
    )
    still_open = list(base.filter(status__in=OPEN_NEED).order_by("-support_count", "-id")[:shown])
    return Coverage(
        by_category=[r for r in by_category.values() if r.needs],
        answered=answered,
        still_open=still_open,
    )
