"""Territory: every Italian municipality, joined with the 2020 inner-areas map, searchable."""

from decimal import Decimal

import pytest
from django.utils import translation

from comunitas.core.errors import ValidationError
from comunitas.core.models import Municipality
from comunitas.core.territory.selectors import municipality_resolve, municipality_search
from comunitas.core.territory.services import territory_load
from comunitas.core.territory.sources import read_sources, search_key

pytestmark = pytest.mark.django_db


def test_all_current_municipalities_are_loaded_with_their_data():
    current = Municipality.objects.filter(is_current=True)
    assert current.count() >= 7800
    assert not current.filter(cadastral_code="").exists()
    naples = Municipality.objects.get(pk="063049")
    assert (naples.name, naples.province_abbr, naples.region_name) == ("Napoli", "NA", "Campania")
    assert naples.region_code == "15" and naples.cadastral_code == "F839"
    assert naples.population > 900_000 and naples.latitude and naples.longitude
    assert {p.code for p in naples.postcodes.all()} >= {"80121", "80138"}


@pytest.mark.parametrize(
    ("code", "klass", "minutes", "pole"),
    [
        ("066004", "D", Decimal("31.3"), "Avezzano"),  # Anversa degli Abruzzi
        ("008034", "E", Decimal("41.8"), "Imperia"),  # Mendatica
        ("063049", "A", Decimal("0"), "Napoli"),
        ("054039", "A", Decimal("0"), "Perugia"),
        ("015220", "C", Decimal("16.5"), "Rozzano"),  # Trezzano sul Naviglio
    ],
)
def test_inner_areas_class_of_the_case_studies(code, klass, minutes, pole):
    town = Municipality.objects.get(pk=code)
    assert (town.inner_area_class, town.minutes_to_pole, town.pole_name) == (klass, minutes, pole)


def test_inner_area_badge_text():
    mendatica = Municipality.objects.get(pk="008034")
    with translation.override("it"):
        assert mendatica.inner_area_label == "Periferico · 42 min dal polo"
        assert Municipality.objects.get(pk="063049").inner_area_label == "Polo"
    with translation.override("en"):
        assert mendatica.inner_area_label == "Peripheral · 42 min to the pole"


def test_unmatched_codes_are_reported_and_kept():
    _rows, report = read_sources()
    # Merged since 2020: kept, marked as no longer current.
    assert "041033" in report.inner_area_not_current
    assert not Municipality.objects.get(pk="041033").is_current
    # New since 2020 (Misiliscemi, 2021): kept without a class.
    assert "081025" in report.current_without_inner_area
    assert Municipality.objects.get(pk="081025").inner_area_class == ""
    assert all(line for line in report.lines())


def test_loading_again_changes_nothing():
    report = territory_load()
    assert (report.created, report.updated) == (0, 0)
    assert report.unchanged == Municipality.objects.count()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("forli", "040012"),  # Forlì: accents ignored
        ("FORLÌ", "040012"),
        ("sant'agata de' goti", "062070"),
        ("67030", "066004"),  # postcode
        ("063049", "063049"),  # ISTAT code
    ],
)
def test_search_by_name_code_or_postcode(query, expected):
    assert expected in [m.pk for m in municipality_search(query)]


def test_search_ranks_exact_names_first():
    assert municipality_search("roma")[0].pk == "058091"


def test_search_key_normalises():
    assert search_key("  Sant'Agata  de' Goti ") == "sant agata de goti"


def test_resolve_accepts_name_with_province():
    assert municipality_resolve("Mendatica (IM)").pk == "008034"
    assert municipality_resolve("mendatica").pk == "008034"


@pytest.mark.parametrize(
    ("text", "message"),
    [("Castro", "add the province"), ("Atlantide", "Unknown municipality"), ("", "Give")],
)
def test_resolve_explains_what_is_missing(text, message):
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        municipality_resolve(text, field="seat")
    assert caught.value.errors[0].field == "seat"
    assert message in caught.value.errors[0].message
