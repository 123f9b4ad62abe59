"""The shared indicator catalogue: what a project's objectives are measured with.

Kept as data (the ``Indicator`` rows without a cooperative), loaded by a migration and reloaded
by ``catalogue_load`` after a test empties the tables. Names and methods are written in English
and marked for translation; a cooperative's own indicators are shown as they were typed. The
impact measurement (SROI, LM3, SCI-2) extends this list with its own rows."""

from __future__ import annotations

from django.utils.translation import gettext_noop

ECONOMIC, SOCIAL = "economic", "social"

# (code, kind, name, unit, method, source)
SHARED: list[tuple[str, str, str, str, str, str]] = [
    (
        "services-created",
        ECONOMIC,
        gettext_noop("New services for the community"),
        gettext_noop("services"),
        gettext_noop(
            "Services open to the public that the project started and that ran in the period."
        ),
        "",
    ),
    (
        "products-created",
        ECONOMIC,
        gettext_noop("New products"),
        gettext_noop("products"),
        gettext_noop("Products the cooperative sells for the first time thanks to the project."),
        "",
    ),
    (
        "jobs-fte",
        ECONOMIC,
        gettext_noop("Jobs (full-time equivalent)"),
        gettext_noop("FTE"),
        gettext_noop(
            "Sum of the full-time equivalents of the positions the project pays on the last day "
            "of the period (a 20-hour week in a 40-hour contract is 0.5)."
        ),
        "",
    ),
    (
        "jobs-young-fte",
        ECONOMIC,
        gettext_noop("Jobs for people under 30 (full-time equivalent)"),
        gettext_noop("FTE"),
        gettext_noop("As for jobs, counting only positions held by people under 30."),
        "",
    ),
    (
        "revenue",
        ECONOMIC,
        gettext_noop("Revenue"),
        "€",
        gettext_noop(
            "Income from the project's services and sales in the period, from the cash book."
        ),
        "",
    ),
    (
        "users",
        ECONOMIC,
        gettext_noop("Users of the services"),
        gettext_noop("people a year"),
        gettext_noop("Tickets, bookings and registrations of the project's services in the year."),
        "",
    ),
    (
        "participants",
        SOCIAL,
        gettext_noop("Participants"),
        gettext_noop("people"),
        gettext_noop(
            "Different people who took part in the project's activities, from the attendance "
            "registers."
        ),
        "",
    ),
    (
        "volunteers",
        SOCIAL,
        gettext_noop("Volunteers"),
        gettext_noop("people"),
        gettext_noop("Different people who gave time to the project in the period."),
        "",
    ),
    (
        "volunteer-hours",
        SOCIAL,
        gettext_noop("Volunteer hours"),
        gettext_noop("hours"),
        gettext_noop("Hours of volunteering recorded for the project in the period."),
        "",
    ),
    (
        "new-relations",
        SOCIAL,
        gettext_noop("Participants who made new relations"),
        "%",
        gettext_noop(
            "Share of surveyed participants who met at least one person they can now count on."
        ),
        "ISTAT BES, Relazioni sociali",
    ),
    (
        "sense-of-community",
        SOCIAL,
        gettext_noop("Sense of community (SCI-2 total)"),
        gettext_noop("points (0-72)"),
        gettext_noop(
            "Average total score of the Sense of Community Index 2 in a survey of residents, "
            "before the project and again at the target date."
        ),
        "Chavis, Lee & Acosta (2008), Sense of Community Index 2",
    ),
    (
        "generalised-trust",
        SOCIAL,
        gettext_noop("Residents who say most people can be trusted"),
        "%",
        gettext_noop("Share of surveyed residents answering that most people can be trusted."),
        "ISTAT BES, Relazioni sociali: fiducia generalizzata",
    ),
]


def catalogue_load(indicator_model=None) -> int:
    """Create or refresh the shared indicators; returns how many there are."""
    if indicator_model is None:
        from comunitas.projects.models import Indicator as indicator_model
    for code, kind, name, unit, method, source in SHARED:
        indicator_model.objects.update_or_create(
            coop=None,
            code=code,
            defaults={"kind": kind, "name": name, "unit": unit, "method": method, "source": source},
        )
    return len(SHARED)
