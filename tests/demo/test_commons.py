"""The case studies' common resources: real resources, synthetic legal bases, idempotent."""

import pytest

from comunitas.commons.models import CommonResource, Obligation, UseRight

pytestmark = pytest.mark.django_db


def test_each_case_study_has_its_resources_in_its_seat(demo_loaded, db):
    names = {
        slug: sorted(CommonResource.objects.filter(coop__slug=slug).values_list("name", flat=True))
        for slug in ("post-modernissimo", "la-paranza", "brigi", "ri-maflow", "anversiamo")
    }
    assert names["la-paranza"] == ["Catacombe di San Gaudioso", "Catacombe di San Gennaro"]
    assert names["brigi"] == ["Parco Avventura", "Rifugio Cà da Cardella"]
    assert len(names["anversiamo"]) == 3 and len(names["ri-maflow"]) == 1
    cinema = CommonResource.objects.get(coop__slug="post-modernissimo")
    assert cinema.capacity == 213 and "159" in cinema.description and "54" in cinema.description
    for resource in CommonResource.objects.select_related("coop"):
        assert resource.municipality_id == resource.coop.seat_id, resource.name
        assert resource.synthetic and resource.is_public
    catacomb = CommonResource.objects.get(name="Catacombe di San Gennaro")
    assert (catacomb.kind, catacomb.owner_kind) == ("heritage", "church")
    assert catacomb.use_rights.get().kind == "concession"
    assert not UseRight.objects.filter(synthetic=False).exists()
    assert not Obligation.objects.filter(synthetic=False).exists()
    # Loading again adds nothing: test_demo.py::test_loading_twice_changes_nothing compares
    # every row of the commons' tables.
