"""A page or an endpoint about something a cooperative does not have answers 404, never 500."""

import pytest
from django.http import Http404

from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative

pytestmark = pytest.mark.django_db


def test_what_the_selector_finds_is_returned_and_nothing_is_a_404(people):
    assert or_404(Cooperative.objects.get, slug="alpha") == people["coop"]
    with pytest.raises(Http404):
        or_404(Cooperative.objects.get, slug="nowhere")
