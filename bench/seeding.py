"""What the bench's seeding scripts share: Django set up under the bench's settings, and the
synthetic cooperative each scenario fills."""

from __future__ import annotations

import os


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comunitas.settings")
    import django

    django.setup()


def bench_coop(slug: str, name: str, *, is_public: bool, sector: str, founded_year: int):
    """The cooperative ``slug`` of Mendatica, created when missing."""
    from comunitas.core.models import Cooperative, Municipality
    from comunitas.core.services import coop_create

    coop = Cooperative.objects.filter(slug=slug).first()
    if coop is None:
        coop = coop_create(
            actor=None,
            fields={
                "name": name,
                "slug": slug,
                "legal_form": "coop",
                "founded_year": founded_year,
                "seat": Municipality.objects.get(pk="008034"),
                "sector": sector,
                "is_public": is_public,
            },
        )
    return coop
