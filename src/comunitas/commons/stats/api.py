"""API of the commons' sales and use statistics (staff and the board: VIEW_SALES). GET
``/coops/{slug}/commons/sales`` lists sales and refunds, newest first, paginated, with the
filters of the web page (year or date range, resource, service, customer kind, kind); GET
``/coops/{slug}/commons/sales/totals`` gives count, sales, refunds and net for the same filters;
GET ``/coops/{slug}/commons/stats?year=&resource=`` gives the occupancy of bookable units per
month, tickets and visitors, and revenue by service, resource, customer kind and month.

Amounts are decimal strings in euros; hours are decimal numbers of hours; occupancy is a per
cent with one decimal, null when a unit was never open. Deliberately without the future-
annotations import: ninja reads the Query[...] annotations."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router
from ninja.pagination import paginate

from comunitas.commons.models import CommonResource, Sale
from comunitas.commons.stats import selectors
from comunitas.commons.stats.schemas import SaleOut, SaleQuery, StatsOut, StatsQuery, TotalsOut
from comunitas.core.endpoints import Pagination, answers
from comunitas.core.permissions import Action, coop_for

router = Router(tags=["commons"])
BASE = "/coops/{slug}/commons"


@router.get(f"{BASE}/sales", response=answers(200, list[SaleOut]))
@paginate(Pagination)
def sale_list(request, slug: str, filters: Query[SaleQuery]) -> QuerySet[Sale]:
    """Sales and refunds of the commons, newest first."""
    coop = coop_for(request.auth, slug, Action.VIEW_SALES)
    return selectors.sale_list(coop=coop, filters=filters.filters())


@router.get(f"{BASE}/sales/totals", response=answers(200, TotalsOut))
def sale_totals(request, slug: str, filters: Query[SaleQuery]):
    coop = coop_for(request.auth, slug, Action.VIEW_SALES)
    return selectors.sale_totals(coop=coop, filters=filters.filters())


@router.get(f"{BASE}/stats", response=answers(200, StatsOut))
def commons_stats(request, slug: str, query: Query[StatsQuery]):
    """Use statistics of a year (the current one by default), of one resource or of all."""
    coop = coop_for(request.auth, slug, Action.VIEW_SALES)
    resource = None
    if query.resource is not None:
        resource = get_object_or_404(CommonResource, coop=coop, pk=query.resource)
    data = selectors.commons_stats(
        coop=coop, year=query.year or timezone.localdate().year, resource=resource
    )
    return {
        "year": data.year,
        "resource_id": resource.pk if resource else None,
        "open_hours": data.open_hours,
        "booked_hours": data.booked_hours,
        "occupancy": data.occupancy,
        "tickets_sold": data.tickets_sold,
        "visitors": data.visitors,
        "revenue": data.revenue,
        "units": [
            {
                "unit_id": u.unit_id,
                "unit": u.unit,
                "resource_id": u.resource_id,
                "resource": u.resource,
                "open_hours": u.open_hours,
                "booked_hours": u.booked_hours,
                "occupancy": u.occupancy,
                "months": u.months,
            }
            for u in data.units
        ],
        "occupancy_by_month": data.use_by_month,
        "tickets": data.tickets,
        "tickets_by_month": data.tickets_by_month,
        "revenue_by_service": data.revenue_by_service,
        "revenue_by_resource": data.revenue_by_resource,
        "revenue_by_customer_kind": data.revenue_by_customer_kind,
        "revenue_by_month": data.revenue_by_month,
    }
