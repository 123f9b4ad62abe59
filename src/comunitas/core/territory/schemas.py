"""API shapes of municipalities: the brief one other shapes embed and the full one."""

from __future__ import annotations

from decimal import Decimal

from ninja import Schema


class MunicipalityBrief(Schema):
    istat_code: str
    name: str
    province_abbr: str
    region_name: str


class MunicipalityOut(MunicipalityBrief):
    province_code: str
    province_name: str
    region_code: str
    cadastral_code: str
    is_current: bool
    is_provincial_capital: bool
    postcodes: list[str]
    population: int | None
    area_km2: Decimal | None
    inner_area_class: str
    inner_area_label: str
    is_inner_area: bool
    minutes_to_pole: Decimal | None
    pole_name: str
    latitude: Decimal | None
    longitude: Decimal | None

    @staticmethod
    def resolve_postcodes(obj) -> list[str]:
        return sorted(p.code for p in obj.postcodes.all())

    @staticmethod
    def resolve_inner_area_label(obj) -> str:
        return str(obj.inner_area_label)
