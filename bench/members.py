"""The member-book scenario of ``make bench``: a cooperative of 20,000 members.

``python bench/members.py seed`` creates it (seeded, with ``bulk_create``: seconds, not minutes):
20,000 members in the book and 60,000 share movements (a subscription and two payments each),
a staff login with a personal API token, printed on the last line for the HTTP measurement of
``GET /api/v1/coops/{slug}/members?limit=50`` that bench/run.py makes against ``/health`` (the
book's version moves on, as every write of the book does, so nothing cached survives it).

``python bench/members.py import`` measures ``imports.import_members`` of a 20,000-row CSV (the
Italian headers of a real book, every row checked; members, their applications and two share
movements each written: four rows per member) against a raw ``Member.objects.bulk_create`` of
the same 20,000 members built from already-parsed values, in the same process and database.
Each is run ``--rounds`` times, alternately, inside a transaction that is rolled back, so both
write into the same state; the best time of each is kept (the least disturbed by the rest of
the machine). It prints the ratio
raw ÷ import (target ≥ 0.25) and, on its last line, a JSON summary for bench/run.py.

Both commands run under whatever settings the environment gives (bench/run.py passes its
production settings and temporary database).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal

from seeding import bench_coop, django_setup, import_versus_bulk_create

SLUG = "bench-soci"
MEMBERS = 20_000
CONSONANTS = "BCDFGHLMNPQRSTVZ"
MONTHS = "ABCDEHLMPRST"


def fiscal_code(n: int) -> tuple[str, date]:
    """A valid codice fiscale of a man, unique for each n < 16**6, and his birth date."""
    from stdnum.it import codicefiscale

    born = date(1940, 1, 1) + timedelta(days=n % 20000)
    surname = "".join(CONSONANTS[(n // 16**i) % 16] for i in range(3))
    name = "".join(CONSONANTS[(n // 16 ** (i + 3)) % 16] for i in range(3))
    body = f"{surname}{name}{born.year % 100:02d}{MONTHS[born.month - 1]}{born.day:02d}H501"
    return body + codicefiscale.calc_check_digit(body), born


def people(count: int, seed: int) -> list[dict]:
    """The rows of a member book: one person each, admitted on a seeded day since 2005."""
    rng = random.Random(seed)
    rows = []
    for n in range(1, count + 1):
        code, born = fiscal_code(n)
        admitted = date(2005, 1, 1) + timedelta(days=rng.randrange(6000))
        rows.append(
            {
                "number": n,
                "last_name": f"Cognome{n}",
                "first_name": f"Nome{n}",
                "fiscal_code": code,
                "birth_date": born,
                "sex": "M",
                "admitted_on": max(admitted, born + timedelta(days=18 * 366)),
                "shares": rng.randint(1, 8),
                "category": rng.choice(["fruitore", "lavoratore", "volontario"]),
            }
        )
    return rows


def _coop(slug: str):
    from comunitas.members.book.services import book_setup

    coop = bench_coop(
        slug,
        "Cooperativa di comunità Bench",
        is_public=False,
        sector="local_services",
        founded_year=2004,
    )
    book_setup(coop=coop)
    return coop


def seed(slug: str, count: int, seed_value: int) -> str:
    """The cooperative, its book and ledger, a staff login; return the staff's API token."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from comunitas.core.accounts.services import api_token_create
    from comunitas.core.models import Role, RoleKind
    from comunitas.members.book.services import book_changed
    from comunitas.members.models import (
        Member,
        MemberStatus,
        MovementKind,
        RegisterCounter,
        ShareClass,
        ShareMovement,
        StakeholderCategory,
    )

    coop = _coop(slug)
    User = get_user_model()
    staff, _created = User.objects.get_or_create(username=f"{slug}.staff")
    Role.objects.get_or_create(user=staff, coop=coop, defaults={"kind": RoleKind.STAFF})
    if not Member.objects.filter(coop=coop).exists():
        categories = {c.code: c for c in StakeholderCategory.objects.filter(coop=coop)}
        ordinary = ShareClass.objects.get(coop=coop, code="ordinarie")
        towns = ["008034", "008031", "008055", "008065", "066004"]
        with transaction.atomic():
            members = [
                Member(
                    coop=coop,
                    kind="person",
                    category=categories[row["category"]],
                    status=MemberStatus.ACTIVE,
                    number=row["number"],
                    first_name=row["first_name"],
                    last_name=row["last_name"],
                    birth_date=row["birth_date"],
                    sex="M",
                    fiscal_code=row["fiscal_code"],
                    residence_id=towns[row["number"] % len(towns)],
                    email=f"socio{row['number']}@example.org",
                    applied_on=row["admitted_on"],
                    admitted_on=row["admitted_on"],
                    admission_reference="CdA",
                    synthetic=True,
                )
                for row in people(count, seed_value)
            ]
            Member.objects.bulk_create(members, batch_size=2000)
            movements = []
            for member, row in zip(members, people(count, seed_value), strict=True):
                value = ordinary.nominal_value * row["shares"]
                first = (value / 2).quantize(Decimal("0.01"))
                day = member.admitted_on
                common = {"coop": coop, "member": member, "share_class": ordinary}
                movements += [
                    ShareMovement(
                        kind=MovementKind.SUBSCRIPTION,
                        on_date=day,
                        shares=row["shares"],
                        subscribed=value,
                        **common,
                    ),
                    ShareMovement(kind=MovementKind.PAYMENT, on_date=day, paid=first, **common),
                    ShareMovement(
                        kind=MovementKind.PAYMENT,
                        on_date=day + timedelta(days=30),
                        paid=value - first,
                        **common,
                    ),
                ]
            ShareMovement.objects.bulk_create(movements, batch_size=5000)
            RegisterCounter.objects.filter(coop=coop).update(last_number=count)
            book_changed(coop.pk)  # written without the services: what is cached moves on
    return api_token_create(user=staff, name="bench")[1]


def book_csv(rows: list[dict]) -> bytes:
    """The rows as an Italian spreadsheet exports them: BOM, ';', dd/mm/yyyy, decimal comma."""
    lines = [
        "Numero;Cognome;Nome;Codice fiscale;Sesso;Data di nascita;Comune;Categoria;"
        "Data ammissione;Quote;Versato"
    ]
    for row in rows:
        paid = f"{25 * row['shares']},00"
        lines.append(
            f"{row['number']};{row['last_name']};{row['first_name']};{row['fiscal_code']};M;"
            f"{row['birth_date']:%d/%m/%Y};Mendatica;{row['category']};"
            f"{row['admitted_on']:%d/%m/%Y};{row['shares']};{paid}"
        )
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


def measure_import(rounds: int, count: int, seed_value: int) -> dict[str, object]:
    """Best time of import_members and of a raw bulk_create of the same members."""
    from comunitas.members.imports.services import import_members
    from comunitas.members.models import Member, MemberStatus, StakeholderCategory

    coop = _coop(f"{SLUG}-import")
    rows = people(count, seed_value)
    data = book_csv(rows)
    categories = {c.code: c for c in StakeholderCategory.objects.filter(coop=coop)}

    def raw() -> None:
        # What a script that trusts its data would do: build the members, bulk_create them.
        Member.objects.bulk_create(
            [
                Member(
                    coop_id=coop.pk,
                    kind="person",
                    category_id=categories[row["category"]].pk,
                    status=MemberStatus.ACTIVE,
                    number=row["number"],
                    first_name=row["first_name"],
                    last_name=row["last_name"],
                    birth_date=row["birth_date"],
                    sex="M",
                    fiscal_code=row["fiscal_code"],
                    residence_id="008034",
                    applied_on=row["admitted_on"],
                    admitted_on=row["admitted_on"],
                )
                for row in rows
            ],
            batch_size=1000,
        )

    def imported() -> None:
        report = import_members(coop=coop, actor=None, file=data, name="libro-soci.csv")
        if not report.written or report.created != count:
            raise RuntimeError(f"the import failed: {report.errors[:5]}")

    return import_versus_bulk_create(
        raw=raw, imported=imported, rounds=rounds, count=count, label="import_members"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("command", choices=["seed", "import"])
    parser.add_argument("--slug", default=SLUG)
    parser.add_argument("--members", type=int, default=MEMBERS)
    parser.add_argument("--seed", type=int, default=2522)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    django_setup()
    if args.command == "seed":
        started = time.perf_counter()
        token = seed(args.slug, args.members, args.seed)
        print(f"seeded {args.members} members in {time.perf_counter() - started:.1f} s")
        print(token)
    else:
        print(json.dumps(measure_import(args.rounds, args.members, args.seed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
