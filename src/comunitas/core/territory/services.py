"""Loading Italy's municipalities and their postcodes into the database from the joined sources
(``core.territory.sources``); running it twice changes nothing."""

from __future__ import annotations

from django.db import transaction

from comunitas.core.kernel.types import Progress
from comunitas.core.models import Municipality, Postcode
from comunitas.core.territory.sources import LoadReport, read_sources
from comunitas.core.versions import versions_bump_everywhere

MUNICIPALITY_FIELDS = [
    "name",
    "search_name",
    "province_code",
    "province_abbr",
    "province_name",
    "region_code",
    "region_name",
    "cadastral_code",
    "is_current",
    "is_provincial_capital",
    "population",
    "area_km2",
    "inner_area_class",
    "minutes_to_pole",
    "pole_istat_code",
    "pole_name",
    "latitude",
    "longitude",
]


@transaction.atomic
def territory_load(*, progress: Progress | None = None) -> LoadReport:
    """Create or update every municipality and its postcodes; running it twice changes nothing."""
    rows, report = read_sources()
    defaults = {f: Municipality._meta.get_field(f).get_default() for f in MUNICIPALITY_FIELDS}
    existing = {
        m["istat_code"]: m for m in Municipality.objects.values("istat_code", *MUNICIPALITY_FIELDS)
    }
    to_create, to_update = [], []
    for done, (code, row) in enumerate(sorted(rows.items()), start=1):
        values = {f: row.get(f, defaults[f]) for f in MUNICIPALITY_FIELDS}
        old = existing.get(code)
        if old is None:
            to_create.append(Municipality(istat_code=code, **values))
        elif any(old[f] != values[f] for f in MUNICIPALITY_FIELDS):
            to_update.append(Municipality(istat_code=code, **values))
        else:
            report.unchanged += 1
        if progress and done % 500 == 0:
            progress("municipalities", done, len(rows))
    Municipality.objects.bulk_create(to_create, batch_size=1000)
    Municipality.objects.bulk_update(to_update, MUNICIPALITY_FIELDS, batch_size=500)
    report.created, report.updated = len(to_create), len(to_update)
    if progress:
        progress("municipalities", len(rows), len(rows))

    wanted = {(cap, code) for code, row in rows.items() for cap in row["postcodes"]}
    stored = set(Postcode.objects.values_list("code", "municipality_id"))
    for cap, code in stored - wanted:
        Postcode.objects.filter(code=cap, municipality_id=code).delete()
    Postcode.objects.bulk_create(
        [Postcode(code=cap, municipality_id=code) for cap, code in sorted(wanted - stored)],
        batch_size=2000,
    )
    report.postcodes = len(wanted)
    if progress:
        progress("postcodes", len(wanted), len(wanted))
    if report.created or report.updated:
        # Every cooperative's cached answers may name a municipality that changed.
        versions_bump_everywhere()
    return report
