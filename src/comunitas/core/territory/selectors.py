"""Finding municipalities: a ranked search by name, ISTAT code or postcode, a filtered list, and
resolving what a person typed to exactly one municipality or a field error."""

from __future__ import annotations

import re

from django.db.models import QuerySet, prefetch_related_objects
from django.utils.translation import gettext as _

from comunitas.core.errors import ValidationError
from comunitas.core.models import (
    Municipality,
)
from comunitas.core.territory.sources import search_key

NAME_WITH_PROVINCE = re.compile(r"^\s*(?P<name>.+?)\s*\((?P<province>[A-Za-z]{2})\)\s*$")


# --- territory ----------------------------------------------------------------------------------
def municipality_search(query: str, *, limit: int = 20) -> list[Municipality]:
    """Municipalities by name (accent- and case-insensitive), ISTAT code or postcode.

    Names starting with the query come first, then names containing it; current
    municipalities before suppressed ones; larger towns first."""
    text = (query or "").strip()
    found = Municipality.objects.all()
    if re.fullmatch(r"\d{6}", text):
        return list(found.filter(pk=text))
    if re.fullmatch(r"\d{5}", text):
        return list(found.filter(postcodes__code=text).distinct()[:limit])
    key = search_key(text)
    if not key:
        return []
    order = ["-is_current", "-population", "search_name"]
    starting = list(found.filter(search_name__startswith=key).order_by(*order)[:limit])
    if len(starting) < limit:
        exclude = [m.pk for m in starting]
        starting += list(
            found.filter(search_name__contains=key)
            .exclude(pk__in=exclude)
            .order_by(*order)[: limit - len(starting)]
        )
    exact = [m for m in starting if m.search_name == key]
    return exact + [m for m in starting if m.search_name != key]


def municipality_list(
    *, q: str = "", region_code: str = "", inner_area_class: str = ""
) -> list[Municipality] | QuerySet[Municipality]:
    """A ranked search when ``q`` is given, else every municipality matching the filters."""
    if q.strip():
        found = municipality_search(q, limit=50)
        prefetch_related_objects(found, "postcodes")
        return found
    found = Municipality.objects.prefetch_related("postcodes").order_by("search_name")
    if region_code:
        found = found.filter(region_code=region_code.zfill(2))
    if inner_area_class:
        found = found.filter(inner_area_class=inner_area_class.upper())
    return found


def municipality_resolve(text: str, *, field: str = "municipality") -> Municipality:
    """One municipality from what a person typed: an ISTAT code, a postcode of one town,
    'Name (PR)' or a name that is unique; otherwise a field error saying what to add."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Give a municipality."), field=field)
    candidates: list[Municipality]
    if re.fullmatch(r"\d{6}", text):
        candidates = list(Municipality.objects.filter(pk=text))
    elif re.fullmatch(r"\d{5}", text):
        candidates = list(Municipality.objects.filter(postcodes__code=text, is_current=True))
    elif match := NAME_WITH_PROVINCE.match(text):
        candidates = list(
            Municipality.objects.filter(
                search_name=search_key(match["name"]),
                province_abbr=match["province"].upper(),
            ).order_by("-is_current")[:1]
        )
    else:
        candidates = list(
            Municipality.objects.filter(search_name=search_key(text), is_current=True)
        )
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise ValidationError(
            _("Unknown municipality: %(text)s.") % {"text": text[:100]}, field=field
        )
    names = ", ".join(str(m) for m in candidates[:5])
    raise ValidationError(
        _("More than one municipality matches (%(names)s): add the province, e.g. 'Name (PR)'.")
        % {"names": names},
        field=field,
    )
