"""The needs scenario of ``make bench``: 10,000 needs, 200,000 supports, 2,000 projects.

``python bench/projects.py seed`` creates, with ``bulk_create`` (seconds, not minutes), a public
cooperative whose territory told 10,000 needs over three years (every status of the workflow,
the ten categories, a long tail of support: half the needs have a dozen supporters or fewer,
160 have over a hundred), 2,000 resident logins who gave 200,000 supports (one per person and
need, each need's ``support_count`` equal to its rows, as the services keep them; merged needs
have none, their supports having moved), the first entry of each need's public history, and 2,000
projects answering the answered and met needs; on PostgreSQL the tables are then vacuumed
and analyzed, as autovacuum would have done on a live site. A cooperative that already has
its needs is reused (a PostgreSQL bench database outlives the run). Its last line is a JSON
object for bench/run.py: the paths to measure as an anonymous visitor, and what was seeded.

``python bench/projects.py check`` prints, as JSON, the seeded counts read back from the
database, and whether each need's ``support_count`` equals its supports.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import timedelta

from seeding import bench_coop, django_setup

SLUG = "bench-bisogni"
NEEDS = 10_000
SUPPORTS = 200_000
PROJECTS = 2_000
USERS = 2_000
# The share of needs in each status: most wait, a fifth are answered or met by a project.
STATUSES = {
    "new": 0.45,
    "under_review": 0.2,
    "answered": 0.15,
    "met": 0.05,
    "declined": 0.1,
    "merged": 0.05,
}
WORDS = [
    "trasporto",
    "anziani",
    "doposcuola",
    "negozio",
    "internet",
    "sentieri",
    "casa",
    "lavoro",
    "piazza",
    "medico",
    "biblioteca",
    "orti",
]


def support_counts(rng: random.Random, statuses: list[str], total: int, users: int) -> list[int]:
    """A long tail adding up to ``total``: Pareto-distributed, at most one per user, none for
    a merged need."""
    raw = [0.0 if s == "merged" else rng.paretovariate(1.6) for s in statuses]
    scale = total / sum(raw)
    counts = [min(users, int(r * scale)) for r in raw]
    open_ones = [i for i, s in enumerate(statuses) if s != "merged"]
    missing = total - sum(counts)
    while missing:  # the rounding and the cap: spread what is left one by one
        i = rng.choice(open_ones)
        step = 1 if missing > 0 else -1
        if 0 <= counts[i] + step <= users:
            counts[i] += step
            missing -= step
    return counts


def seed(
    slug: str, needs: int, supports: int, projects: int, users: int, seed_value: int
) -> dict[str, object]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from comunitas.core.models import Role, RoleKind
    from comunitas.projects.models import (
        AgeGroup,
        Need,
        NeedCategory,
        NeedStatusChange,
        NeedSupport,
        Project,
        ProjectStatus,
        Urgency,
    )

    coop = bench_coop(
        slug,
        "Cooperativa di comunità Bench dei bisogni",
        is_public=True,
        sector="local_services",
        founded_year=2012,
    )
    paths = {
        "needs": f"/api/v1/coops/{slug}/needs?limit=50",
        "needs_filtered": f"/api/v1/coops/{slug}/needs?category=shops&status=new&limit=50",
        "coverage": f"/api/v1/coops/{slug}/coverage",
    }
    if Need.objects.filter(coop=coop).exists():
        analyze()
        return {"slug": slug, "paths": paths, "reused": True, **check(slug)}
    rng = random.Random(seed_value)
    now = timezone.now()
    User = get_user_model()
    with transaction.atomic():
        User.objects.bulk_create(
            (
                User(
                    username=f"{slug}.persona{n:05d}",
                    email=f"persona{n}@example.org",
                    password=make_password(None),  # unusable: no login, nothing to hash
                )
                for n in range(users)
            ),
            batch_size=2000,
        )
        people = list(
            User.objects.filter(username__startswith=f"{slug}.persona")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Role.objects.bulk_create(
            (Role(coop=coop, user_id=pk, kind=RoleKind.RESIDENT) for pk in people),
            batch_size=2000,
        )

        statuses = rng.choices(list(STATUSES), weights=list(STATUSES.values()), k=needs)
        counts = support_counts(rng, statuses, supports, len(people))
        categories, urgencies = NeedCategory.values, Urgency.values
        rows = []
        for n, (status, count) in enumerate(zip(statuses, counts, strict=True)):
            words = " ".join(rng.sample(WORDS, 3))
            rows.append(
                Need(
                    coop=coop,
                    title=f"Bisogno {n + 1}: {words}",
                    description=f"Descrizione sintetica del bisogno {n + 1} ({words}).",
                    category=rng.choice(categories),
                    municipality_id=coop.seat_id,
                    age_groups=rng.sample(AgeGroup.values, rng.randint(0, 2)),
                    people_affected=rng.randint(1, 500),
                    urgency=rng.choice(urgencies),
                    status=status,
                    status_reason="Motivo sintetico." if status == "declined" else "",
                    support_count=count,
                    synthetic=True,
                    created_at=now - timedelta(minutes=rng.randrange(3 * 365 * 24 * 60)),
                )
            )
        # A merged need names the one it was merged into (a constraint): the others first.
        first = [row for row in rows if row.status != "merged"]
        Need.objects.bulk_create(first, batch_size=2000)
        for row in rows:
            if row.status == "merged":
                row.merged_into_id = rng.choice(first).pk
        Need.objects.bulk_create([row for row in rows if row.status == "merged"], batch_size=2000)
        ids = [row.pk for row in rows]
        changes = [NeedStatusChange(need_id=pk, status="new") for pk in ids]
        changes += [
            NeedStatusChange(need_id=pk, status=status)
            for pk, status in zip(ids, statuses, strict=True)
            if status != "new"
        ]
        NeedStatusChange.objects.bulk_create(changes, batch_size=5000)

        # Each need's supporters: a run of ``count`` people from a random start, so that no
        # one supports a need twice.
        batch: list[NeedSupport] = []
        for need_id, count in zip(ids, counts, strict=True):
            start = rng.randrange(len(people))
            batch.extend(
                NeedSupport(need_id=need_id, user_id=people[(start + k) % len(people)])
                for k in range(count)
            )
            if len(batch) >= 20_000:
                NeedSupport.objects.bulk_create(batch, batch_size=5000)
                batch = []
        NeedSupport.objects.bulk_create(batch, batch_size=5000)

        project_statuses = [
            ProjectStatus.RUNNING,
            ProjectStatus.RUNNING,
            ProjectStatus.PLANNED,
            ProjectStatus.COMPLETED,
        ]
        Project.objects.bulk_create(
            (
                Project(
                    coop=coop,
                    title=f"Progetto {n + 1}",
                    summary=f"Progetto sintetico {n + 1}.",
                    status=rng.choice(project_statuses),
                    start_on=(now - timedelta(days=rng.randrange(1000))).date(),
                    synthetic=True,
                )
                for n in range(projects)
            ),
            batch_size=2000,
        )
        project_ids = list(
            Project.objects.filter(coop=coop).order_by("pk").values_list("pk", flat=True)
        )
        # Every answered or met need is answered by one project, some by two.
        answered = [pk for pk, s in zip(ids, statuses, strict=True) if s in ("answered", "met")]
        links = set()
        for n, need_id in enumerate(answered):
            links.add((project_ids[n % len(project_ids)], need_id))
            if rng.random() < 0.2:
                links.add((rng.choice(project_ids), need_id))
        Through = Project.needs.through
        Through.objects.bulk_create(
            (Through(project_id=p, need_id=n) for p, n in sorted(links)), batch_size=5000
        )
    analyze()
    return {"slug": slug, "paths": paths, "reused": False, **check(slug)}


def analyze() -> None:
    """Vacuumed tables with fresh planner statistics, as autovacuum keeps them on a live
    PostgreSQL: right after a bulk load the planner still takes the tables for nearly empty and
    picks plans (sort every need of the cooperative, then keep 50) no running site would use."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # autocommit: VACUUM cannot run in a transaction
            for table in (
                "projects_need",
                "projects_needsupport",
                "projects_needstatuschange",
                "projects_project",
                "projects_project_needs",
                "auth_user",
                "core_role",
            ):
                cursor.execute(f"VACUUM (ANALYZE) {table}")


def check(slug: str) -> dict[str, object]:
    """What the database holds for the scenario, and whether the support counts are exact."""
    from django.db.models import Count, F, Sum

    from comunitas.projects.models import Need, NeedSupport, Project

    needs = Need.objects.filter(coop__slug=slug)
    wrong = needs.annotate(rows=Count("supports")).exclude(rows=F("support_count")).count()
    return {
        "needs": needs.count(),
        "supports": NeedSupport.objects.filter(need__coop__slug=slug).count(),
        "support_count_sum": needs.aggregate(s=Sum("support_count"))["s"] or 0,
        "projects": Project.objects.filter(coop__slug=slug).count(),
        "needs_with_wrong_count": wrong,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("command", choices=["seed", "check"])
    parser.add_argument("--slug", default=SLUG)
    parser.add_argument("--needs", type=int, default=NEEDS)
    parser.add_argument("--supports", type=int, default=SUPPORTS)
    parser.add_argument("--projects", type=int, default=PROJECTS)
    parser.add_argument("--users", type=int, default=USERS)
    parser.add_argument("--seed", type=int, default=2021)
    args = parser.parse_args(argv)
    if args.supports > args.needs * args.users:
        parser.error("more supports than (need, user) pairs")
    django_setup()
    if args.command == "seed":
        started = time.perf_counter()
        seeded = seed(args.slug, args.needs, args.supports, args.projects, args.users, args.seed)
        verb = "found" if seeded["reused"] else "seeded"
        print(
            f"{verb} {seeded['needs']} needs, {seeded['supports']} supports and"
            f" {seeded['projects']} projects in {time.perf_counter() - started:.1f} s"
        )
        print(json.dumps(seeded))
    else:
        print(json.dumps(check(args.slug)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
