"""The assemblies scenario of ``make bench``: an assembly of 20,000 members with 20,000 ballots.

``python bench/assemblies.py seed`` creates, with ``bulk_create`` (seconds, not minutes), a
cooperative of 20,000 members (the member book of bench/members.py, its staff login and token),
a closed assembly whose voters' roll holds all of them, every one present, and a motion they all
voted on by open ballot (20,000 ``Vote`` rows, the motion's counters equal to their recount). It
prints, on its last line, a JSON object with the staff's token and the paths bench/run.py
measures against ``/health``: the motion's result (the tally endpoint, target ≥ 0.3 of /health's
requests/s) and the first page of the voters' roll (no target). Both are a constant number of
queries whatever the size of the assembly, asserted by the tests; here it is the time.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import datetime, timedelta

from members import seed as seed_book
from seeding import django_setup

SLUG = "bench-assemblea"
MEMBERS = 20_000


def seed(slug: str, count: int, seed_value: int) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from comunitas.decisions.models import (
        Assembly,
        AssemblyStatus,
        Attendance,
        Call,
        Minutes,
        Motion,
        MotionStatus,
        RollEntry,
        Vote,
    )
    from comunitas.members.models import Member

    token = seed_book(slug, count, seed_value)
    members = list(Member.objects.filter(coop__slug=slug).order_by("number"))
    coop = members[0].coop
    assembly = Assembly.objects.filter(coop=coop).first()
    if assembly is None:
        rng = random.Random(seed_value)
        held = timezone.make_aware(datetime(2026, 4, 28, 18, 0))
        with transaction.atomic():
            assembly = Assembly.objects.create(
                coop=coop,
                title="Assemblea ordinaria (bench)",
                first_call_at=held - timedelta(days=1),
                second_call_at=held,
                place="Sala grande",
                status=AssemblyStatus.CLOSED,
                call=Call.SECOND,
                convened_at=held - timedelta(days=20),
                opened_at=held,
                closed_at=held + timedelta(hours=2),
                total_units=len(members),
                synthetic=True,
            )
            RollEntry.objects.bulk_create(
                [RollEntry(assembly=assembly, member=m, units=1) for m in members], batch_size=5000
            )
            Attendance.objects.bulk_create(
                [
                    Attendance(
                        assembly=assembly,
                        member=m,
                        mode="in_person",
                        arrived_at=held,
                        left_at=held + timedelta(hours=2),
                    )
                    for m in members
                ],
                batch_size=5000,
            )
            choices = rng.choices(["for", "against", "abstain"], weights=(8, 1, 1), k=len(members))
            motion = Motion.objects.create(
                assembly=assembly,
                position=1,
                title="Approvazione del bilancio",
                status=MotionStatus.CLOSED,
                opened_at=held + timedelta(minutes=30),
                closed_at=held + timedelta(minutes=50),
                present_units_at_open=len(members),
                present_units_at_close=len(members),
                voters=len(members),
                for_units=choices.count("for"),
                against_units=choices.count("against"),
                abstain_units=choices.count("abstain"),
                quorum_met=True,
                passed=True,
            )
            Vote.objects.bulk_create(
                [
                    Vote(
                        motion=motion,
                        voter=m,
                        units=1,
                        cast_at=held + timedelta(minutes=31),
                        choice=c,
                    )
                    for m, c in zip(members, choices, strict=True)
                ],
                batch_size=5000,
            )
            Minutes.objects.create(coop=coop, assembly=assembly)
    motion = assembly.motions.get()
    base = f"/api/v1/coops/{slug}/assemblies/{assembly.pk}"
    return {
        "token": token,
        "paths": {
            "tally": f"{base}/motions/{motion.pk}/result",
            "voters": f"{base}/voters?limit=50",
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("command", choices=["seed"])
    parser.add_argument("--slug", default=SLUG)
    parser.add_argument("--members", type=int, default=MEMBERS)
    parser.add_argument("--seed", type=int, default=2538)
    args = parser.parse_args(argv)
    django_setup()
    started = time.perf_counter()
    seeded = seed(args.slug, args.members, args.seed)
    print(f"seeded an assembly of {args.members} members in {time.perf_counter() - started:.1f} s")
    print(json.dumps(seeded))
    return 0


if __name__ == "__main__":
    sys.exit(main())
