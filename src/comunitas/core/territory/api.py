"""API of the territory: searching and reading Italy's municipalities."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.pagination import paginate

from comunitas.core.endpoints import PUBLIC, Pagination, answers
from comunitas.core.models import Municipality
from comunitas.core.shapes import Text
from comunitas.core.territory import selectors
from comunitas.core.territory.schemas import MunicipalityOut

router = Router()


# --- territory ----------------------------------------------------------------------------------
@router.get(
    "/municipalities",
    response=answers(200, list[MunicipalityOut]),
    tags=["territory"],
    openapi_extra=PUBLIC,
)
@paginate(Pagination)
def municipality_list(request, q: Text = "", region_code: Text = "", inner_area_class: Text = ""):
    """Search by name (accents and case ignored), ISTAT code or postcode with ``q``, or list
    by region and inner-areas class."""
    return selectors.municipality_list(
        q=q, region_code=region_code, inner_area_class=inner_area_class
    )


@router.get(
    "/municipalities/{istat_code}",
    response=answers(200, MunicipalityOut),
    tags=["territory"],
    openapi_extra=PUBLIC,
)
def municipality_get(request, istat_code: str):
    if not (istat_code.isascii() and istat_code.isdigit()):
        raise Http404
    return get_object_or_404(Municipality.objects.prefetch_related("postcodes"), pk=istat_code)
