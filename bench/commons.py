"""The commons scenario of ``make bench``: a unit with 100,000 bookings, 5,000 events.

``python bench/commons.py seed`` creates, with ``bulk_create`` (seconds, not minutes), a public
cooperative with one common resource whose bookable unit is open 08:00-22:00 every day and
holds 100,000 one-hour bookings back to back (about twenty years of a busy room, the current
month full), a service with 5,000 screenings (two a day) and one more screening of
``--seats`` seats for the purchase test, a resident login with a personal API token. Its last
line is a JSON object for bench/run.py: the paths to measure, the token, the event to buy.

``python bench/commons.py check --event N`` prints, as JSON, how many tickets of the event are
live and how many seats it has: bench/run.py asserts that the purchase storm oversold nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime, timedelta
from decimal import Decimal

from seeding import bench_coop, django_setup

SLUG = "bench-beni"
BOOKINGS = 100_000
EVENTS = 5_000
OPEN_HOUR, CLOSE_HOUR = 8, 22


def seed(slug: str, bookings: int, events: int, seats: int) -> dict[str, object]:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from comunitas.commons.models import (
        BookableUnit,
        Booking,
        BookingStatus,
        CommonResource,
        CustomerKind,
        Event,
        OpeningHours,
        PaymentState,
        Service,
        ServicePrice,
        UnitPrice,
    )
    from comunitas.core.accounts.services import api_token_create
    from comunitas.core.models import Role, RoleKind

    coop = bench_coop(
        slug,
        "Cooperativa di comunità Bench dei beni comuni",
        is_public=True,
        sector="culture",
        founded_year=2010,
    )
    User = get_user_model()
    resident, _created = User.objects.get_or_create(username=f"{slug}.residente")
    Role.objects.get_or_create(user=resident, coop=coop, defaults={"kind": RoleKind.RESIDENT})
    today = timezone.localdate()
    with transaction.atomic():
        resource = CommonResource.objects.create(
            coop=coop, name="Cinema", kind="building", owner_kind="municipality", is_public=True
        )
        unit = BookableUnit.objects.create(
            resource=resource, name="Sala", public_booking=True, max_minutes=600
        )
        OpeningHours.objects.bulk_create(
            OpeningHours(
                unit=unit,
                weekday=day,
                opens=datetime.min.time().replace(hour=OPEN_HOUR),
                closes=datetime.min.time().replace(hour=CLOSE_HOUR),
            )
            for day in range(7)
        )
        UnitPrice.objects.bulk_create(
            UnitPrice(unit=unit, customer_kind=kind, hourly=Decimal("10.00"))
            for kind in CustomerKind.values
        )
        per_day = CLOSE_HOUR - OPEN_HOUR
        first_day = today - timedelta(days=bookings // per_day // 2)
        rows = []
        for n in range(bookings):
            day = first_day + timedelta(days=n // per_day)
            start = timezone.make_aware(
                datetime.combine(day, datetime.min.time()).replace(hour=OPEN_HOUR + n % per_day)
            )
            rows.append(
                Booking(
                    coop=coop,
                    unit=unit,
                    start=start,
                    end=start + timedelta(hours=1),
                    status=BookingStatus.CONFIRMED,
                    booker_name=f"Prenotante {n}",
                    customer_kind=CustomerKind.RESIDENT,
                    price=Decimal("10.00"),
                    payment_state=PaymentState.TO_PAY,
                    synthetic=True,
                )
            )
        Booking.objects.bulk_create(rows, batch_size=5000)
        service = Service.objects.create(
            coop=coop, resource=resource, name="Proiezione", kind="screening", is_public=True
        )
        ServicePrice.objects.bulk_create(
            ServicePrice(service=service, customer_kind=kind, price=Decimal("6.00"))
            for kind in CustomerKind.values
        )
        first_day = today - timedelta(days=events // 4)
        Event.objects.bulk_create(
            (
                Event(
                    service=service,
                    starts_at=timezone.make_aware(
                        datetime.combine(
                            first_day + timedelta(days=n // 2), datetime.min.time()
                        ).replace(hour=18 + 3 * (n % 2))
                    ),
                    seats=100,
                    synthetic=True,
                )
                for n in range(events)
            ),
            batch_size=5000,
        )
        storm = Event.objects.create(
            service=service,
            starts_at=timezone.make_aware(
                datetime.combine(today + timedelta(days=2), datetime.min.time()).replace(hour=20)
            ),
            seats=seats,
            synthetic=True,
        )
    return {
        "slug": slug,
        "unit": unit.pk,
        "service": service.pk,
        "event": storm.pk,
        "seats": seats,
        "month": today.replace(day=1).isoformat(),
        "token": api_token_create(user=resident, name="bench")[1],
    }


def check(event_id: int) -> dict[str, int]:
    from comunitas.commons.models import Event, Ticket

    event = Event.objects.get(pk=event_id)
    live = Ticket.objects.filter(event=event, is_void=False).count()
    return {"seats": event.seats, "seats_taken": event.seats_taken, "live_tickets": live}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("command", choices=["seed", "check"])
    parser.add_argument("--slug", default=SLUG)
    parser.add_argument("--bookings", type=int, default=BOOKINGS)
    parser.add_argument("--events", type=int, default=EVENTS)
    parser.add_argument("--seats", type=int, default=1000)
    parser.add_argument("--event", type=int)
    args = parser.parse_args(argv)
    django_setup()
    if args.command == "seed":
        started = time.perf_counter()
        seeded = seed(args.slug, args.bookings, args.events, args.seats)
        print(
            f"seeded {args.bookings} bookings and {args.events} events"
            f" in {time.perf_counter() - started:.1f} s"
        )
        print(json.dumps(seeded))
    else:
        print(json.dumps(check(args.event)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
