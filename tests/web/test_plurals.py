"""Italian counts agree with their noun: "1 comune", "2 comuni" (a count shown next to a fixed
plural label read "1 comuni")."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.utils import translation


@pytest.mark.parametrize(("n", "label"), [(1, "comune in aree interne"), (3, "comuni in aree")])
def test_the_territory_card_agrees_with_its_count(n, label):
    data = {"territory": {"municipalities": n, "population": 100, "inner_area_municipalities": n}}
    data["role_counts"] = {"admin": 1, "staff": 0, "member": 0, "resident": 0}
    with translation.override("it"):
        html = render_to_string("core/dashboard/territory.html", {"data": data})
    assert label in html
    assert ("comune servito" if n == 1 else "comuni serviti") in html
