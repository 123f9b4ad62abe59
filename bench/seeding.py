"""What the bench's seeding scripts share: Django set up under the bench's settings, and the
synthetic cooperative each scenario fills."""

from __future__ import annotations

import os
import time


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comunitas.settings")
    import django

    django.setup()


def bench_coop(slug: str, name: str, *, is_public: bool, sector: str, founded_year: int):
    """The cooperative ``slug`` of Mendatica, created when missing."""
    from comunitas.core.coops.services import coop_create
    from comunitas.core.models import Cooperative, Municipality

    coop = Cooperative.objects.filter(slug=slug).first()
    if coop is None:
        coop = coop_create(
            actor=None,
            name=name,
            slug=slug,
            legal_form="coop",
            founded_year=founded_year,
            seat=Municipality.objects.get(pk="008034"),
            sector=sector,
            is_public=is_public,
        )
    return coop


# An import must run at least at this fraction of the speed of a raw bulk_create of its rows.
TARGET_IMPORT_RATIO = 0.25


class _Rollback(Exception):
    pass


def seconds_rolled_back(work) -> float:
    """How long ``work()`` takes inside a transaction that is then rolled back, so that each
    round starts from the same database."""
    from django.db import transaction

    try:
        with transaction.atomic():
            started = time.perf_counter()
            work()
            elapsed = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        return elapsed


def import_versus_bulk_create(*, raw, imported, rounds: int, count: int, label: str) -> dict:
    """Best of ``rounds`` of the raw ``bulk_create`` and of the import of the same ``count``
    rows, alternated so that the machine's other work weighs on both; prints the ratio and
    returns the summary bench/run.py reads."""
    raw_times, import_times = [], []
    for round_number in range(1, rounds + 1):
        raw_times.append(seconds_rolled_back(raw))
        import_times.append(seconds_rolled_back(imported))
        print(
            f"  round {round_number}: raw bulk_create {raw_times[-1]:.2f} s,"
            f" {label} {import_times[-1]:.2f} s",
            flush=True,
        )
    best_raw, best_import = min(raw_times), min(import_times)
    ratio = best_raw / best_import
    verdict = "PASS" if ratio >= TARGET_IMPORT_RATIO else "MISS"
    print(
        f"{label} of {count} rows ÷ raw bulk_create: {ratio:.2f}"
        f"  (target ≥ {TARGET_IMPORT_RATIO})   {verdict}"
    )
    return {
        "rows": count,
        "raw_seconds": round(best_raw, 3),
        "import_seconds": round(best_import, 3),
        "ratio": round(ratio, 3),
        "ratio_target": TARGET_IMPORT_RATIO,
        "ratio_verdict": verdict,
    }
