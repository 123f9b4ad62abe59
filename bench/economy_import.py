"""The cash-book import of ``make bench``: a year of bank statement, 100,000 rows.

``python bench/economy_import.py`` measures ``cashbook_import.import_movements`` of a
100,000-row bank CSV (Italian format: ``;`` separated, dates as 31/12/2025, amounts as
"-1.234,56"; every row parsed and checked, the duplicates looked for in the book and in the
file, the counterparties matched and the new ones added, an ImportBatch and an audit row
written) against a raw ``Movement.objects.bulk_create`` of the same 100,000 movements built from
already-parsed values, in the same process and database. Each is run ``--rounds`` times,
alternately, inside a transaction that is rolled back, so both write into the same state; the
best time of each is kept (the least disturbed by the rest of the machine). It prints the ratio
raw ÷ import (target ≥ 0.25) and, on its last line, a JSON summary for bench/run.py.

It runs under whatever settings the environment gives (bench/run.py passes its production
settings and temporary database, migrated and with the territory loaded).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from datetime import date, timedelta
from decimal import Decimal

from seeding import bench_coop, django_setup, import_versus_bulk_create

SLUG = "bench-cassa"
ROWS = 100_000
PARTIES = ("Segheria Rossi", "Enel Energia", "Comune di Mendatica", "Bar Centrale", "Banca")


def statement(count: int, seed_value: int) -> list[dict]:
    """Rows of a bank statement: signed amounts in cents, unique bank references."""
    rng = random.Random(seed_value)
    first = date(date.today().year, 1, 1)
    rows = []
    for n in range(count):
        cents = rng.randint(100, 250_000) * (1 if rng.random() < 0.45 else -1)
        rows.append(
            {
                "on_date": first + timedelta(days=rng.randrange(360)),
                "amount": Decimal(cents) / 100,
                "description": f"Movimento {n} bonifico SEPA",
                "reference": f"TRN{seed_value}{n:07d}",
                "counterparty": PARTIES[n % len(PARTIES)],
            }
        )
    return rows


def _italian(amount: Decimal) -> str:
    return f"{amount:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


def statement_csv(rows: list[dict]) -> bytes:
    lines = ["Data;Importo;Descrizione;Riferimento;Controparte"]
    lines += [
        f"{r['on_date']:%d/%m/%Y};{_italian(r['amount'])};{r['description']};"
        f"{r['reference']};{r['counterparty']}"
        for r in rows
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def measure_import(rounds: int, count: int, seed_value: int) -> dict[str, object]:
    """Best time of import_movements and of a raw bulk_create of the same movements."""
    from comunitas.economy.cashbook.chart import chart_ensure
    from comunitas.economy.cashbook.imports import import_movements
    from comunitas.economy.models import Movement

    coop = bench_coop(
        SLUG, "Cooperativa Cassa", is_public=False, sector="tourism", founded_year=2012
    )
    chart = chart_ensure(coop=coop)
    rows = statement(count, seed_value)
    data = statement_csv(rows)

    def raw() -> None:
        # What a script that trusts its data would do: build the movements, bulk_create them.
        Movement.objects.bulk_create(
            [
                Movement(
                    coop_id=coop.pk,
                    on_date=r["on_date"],
                    direction="income" if r["amount"] > 0 else "expense",
                    amount=abs(r["amount"]),
                    category_id=chart["other-income" if r["amount"] > 0 else "other"].pk,
                    description=r["description"],
                    reference=r["reference"],
                    source="import",
                )
                for r in rows
            ],
            batch_size=2000,
        )

    def imported() -> None:
        report = import_movements(coop=coop, actor=None, file=data, name="estratto.csv")
        if not report.written or report.imported != count:
            raise RuntimeError(f"the import failed: {report.errors[:5]}")

    return import_versus_bulk_create(
        raw=raw, imported=imported, rounds=rounds, count=count, label="import_movements"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--seed", type=int, default=2612)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    django_setup()
    print(json.dumps(measure_import(args.rounds, args.rows, args.seed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
