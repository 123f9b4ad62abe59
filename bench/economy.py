"""The economy scenario of ``make bench``: the yearly dashboard over 500,000 movements.

``python bench/economy.py`` seeds (with ``bulk_create``) a cooperative whose cash book holds
500,000 movements over five years (income and expense over the default chart of accounts, four
common resources, eight services, a few suppliers), then measures, alternating the two in each
repetition on the same database connection, best of ``--rounds``:

* **ours**: ``economy_dashboard.dashboard(coop=, year=)`` end to end, as the page and the API
  call it: every year's totals, the year's GROUP BY by direction, category, resource and
  service, the three look-ups of their names, the Python that folds them into the dashboard;
* **raw SQL**: the same two GROUP BY queries written by hand, fetched with a cursor and nothing
  else (no ORM, no names, no folding).

It prints the ratio ours ÷ raw, target ≤ 2: the ORM and the shaping of the answer must cost at
most as much again as the database's own work. The last line is a JSON summary for
bench/run.py.

Runs under whatever settings the environment gives (bench/run.py passes its production settings
and temporary database, migrated); a cooperative already seeded is reused.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal

from seeding import bench_coop, django_setup

SLUG = "bench-economia"
MOVEMENTS = 500_000
YEARS = 5
FIRST_YEAR = 2021
TARGET_RATIO = 2.0
BATCH = 5_000


def seed(slug: str, movements: int, seed_value: int):
    """The cooperative and its cash book: ``movements`` rows spread over five years."""
    from django.db import transaction

    from comunitas.commons.models import CommonResource, Service
    from comunitas.economy.cashbook.chart import chart_ensure
    from comunitas.economy.models import Counterparty, Movement

    coop = bench_coop(
        slug,
        "Cooperativa di comunità Economia",
        is_public=True,
        sector="tourism",
        founded_year=2012,
    )
    if Movement.objects.filter(coop=coop).count() >= movements:
        return coop, True
    rng = random.Random(seed_value)
    categories = list(chart_ensure(coop=coop).values())
    income = [c for c in categories if c.direction == "income"]
    expense = [c for c in categories if c.direction == "expense"]
    with transaction.atomic():
        resources = [
            CommonResource.objects.create(
                coop=coop, name=name, kind="building", owner_kind="municipality"
            )
            for name in ("Cinema", "Rifugio", "Catacombe", "Ostello")
        ]
        services = [
            Service.objects.create(
                coop=coop, resource=resources[n % 4], name=f"Servizio {n}", kind="tour"
            )
            for n in range(8)
        ]
        suppliers = [
            Counterparty.objects.create(coop=coop, name=f"Fornitore {n}", kind="supplier")
            for n in range(20)
        ]
        start = date(FIRST_YEAR, 1, 1)
        days = (date(FIRST_YEAR + YEARS, 1, 1) - start).days
        rows = []
        for _n in range(movements):
            on_date = start + timedelta(days=rng.randrange(days))
            if rng.random() < 0.55:
                service = rng.choice(services) if rng.random() < 0.7 else None
                rows.append(
                    Movement(
                        coop=coop,
                        on_date=on_date,
                        direction="income",
                        amount=Decimal(rng.randrange(500, 50_000)) / 100,
                        category=rng.choice(income),
                        resource=service.resource if service else rng.choice([None, *resources]),
                        service=service,
                        synthetic=True,
                    )
                )
            else:
                rows.append(
                    Movement(
                        coop=coop,
                        on_date=on_date,
                        direction="expense",
                        amount=Decimal(rng.randrange(500, 80_000)) / 100,
                        category=rng.choice(expense),
                        counterparty=rng.choice(suppliers) if rng.random() < 0.5 else None,
                        resource=rng.choice([None, *resources]),
                        synthetic=True,
                    )
                )
            if len(rows) == BATCH:
                Movement.objects.bulk_create(rows)
                rows = []
        Movement.objects.bulk_create(rows)
    return coop, False


def raw_sql(vendor: str) -> tuple[str, str]:
    """The two GROUP BY queries of the dashboard, by hand."""
    if vendor == "sqlite":
        yearly = (
            "SELECT CAST(strftime('%%Y', on_date) AS integer), direction, SUM(amount) "
            "FROM economy_movement WHERE coop_id = %s GROUP BY 1, 2"
        )
    else:
        yearly = (
            "SELECT EXTRACT(YEAR FROM on_date), direction, SUM(amount) "
            "FROM economy_movement WHERE coop_id = %s GROUP BY 1, 2"
        )
    groups = (
        "SELECT direction, category_id, resource_id, service_id, SUM(amount), COUNT(id) "
        "FROM economy_movement WHERE coop_id = %s AND on_date >= %s AND on_date < %s "
        "GROUP BY direction, category_id, resource_id, service_id"
    )
    return yearly, groups


def once(run) -> float:
    gc.collect()
    gc.disable()
    try:
        started = time.perf_counter()
        run()
        return time.perf_counter() - started
    finally:
        gc.enable()


def measure(coop, year: int, rounds: int) -> dict[str, object]:
    from django.db import connection

    from comunitas.economy.fund.dashboard import dashboard

    yearly, groups = raw_sql(connection.vendor)
    params = (coop.pk, date(year, 1, 1).isoformat(), date(year + 1, 1, 1).isoformat())

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(yearly, [coop.pk])
            cursor.fetchall()
            cursor.execute(groups, list(params))
            return cursor.fetchall()

    board = dashboard(coop=coop, year=year)  # warm both up: lazy imports, the page cache
    raw()
    ours_times, raw_times = [], []
    for _ in range(rounds):  # alternating: whatever else the machine does weighs on both
        ours_times.append(once(lambda: dashboard(coop=coop, year=year)))
        raw_times.append(once(raw))
    ours_best, raw_best = min(ours_times), min(raw_times)
    ratio = ours_best / raw_best
    return {
        "vendor": connection.vendor,
        "year": year,
        "movements_in_year": board.movements,
        "groups": len(raw()),
        "ours_s": round(ours_best, 4),
        "raw_s": round(raw_best, 4),
        "ratio": round(ratio, 3),
        "target": TARGET_RATIO,
        "verdict": "PASS" if ratio <= TARGET_RATIO else "MISS",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--slug", default=SLUG)
    parser.add_argument("--movements", type=int, default=MOVEMENTS)
    parser.add_argument("--year", type=int, default=FIRST_YEAR + YEARS - 1)
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds (best kept)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    django_setup()
    started = time.perf_counter()
    coop, reused = seed(args.slug, args.movements, args.seed)
    verb = "found" if reused else "seeded"
    print(f"{verb} {args.movements:,} movements in {time.perf_counter() - started:.1f} s")
    summary = measure(coop, args.year, args.rounds)
    print(
        f"dashboard of {summary['year']} ({summary['movements_in_year']:,} movements,"
        f" {summary['groups']} groups) on {summary['vendor']}:"
        f" ours {summary['ours_s']:.4f} s · raw SQL GROUP BY {summary['raw_s']:.4f} s"
    )
    print(f"ours ÷ raw = {summary['ratio']:.2f}  (target ≤ {TARGET_RATIO}): {summary['verdict']}")
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
