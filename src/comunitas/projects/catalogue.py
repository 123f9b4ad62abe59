"""The shared indicator catalogue: what a project's objectives are measured with.

Kept as data (the ``Indicator`` rows without a cooperative), loaded by a migration and reloaded
by ``catalogue_load`` after a test empties the tables. Names and methods are written in English
and marked for translation; a cooperative's own indicators are shown as they were typed. The
impact measurement (SROI, LM3, SCI-2) extends this list with its own rows."""

from __future__ import annotations

from django.utils.translation import gettext_noop as N_

ECONOMIC, SOCIAL = "economic", "social"

# (code, kind, name, unit, method, source)
SHARED: list[tuple[str, str, str, str, str, str]] = [
    (
        "services-created",
        ECONOMIC,
        N_("New services for the community"),
        N_("services"),
        N_("Services open to the public that the project started and that ran in the period."),
        "",
    ),
    (
        "products-created",
        ECONOMIC,
        N_("New products"),
        N_("products"),
        N_("Products the cooperative sells for the first time thanks to the project."),
        "",
    ),
    (
        "jobs-fte",
        ECONOMIC,
        N_("Jobs (full-time equivalent)"),
        N_("FTE"),
        N_(
            "Sum of the full-time equivalents of the positions the project pays on the last day "
            "of the period (a 20-hour week in a 40-hour contract is 0.5)."
        ),
        "",
    ),
    (
        "jobs-young-fte",
        ECONOMIC,
        N_("Jobs for people under 30 (full-time equivalent)"),
        N_("FTE"),
        N_("As for jobs, counting only positions held by people under 30."),
        "",
    ),
    (
        "revenue",
        ECONOMIC,
        N_("Revenue"),
        "€",
        N_("Income from the project's services and sales in the period, from the cash book."),
        "",
    ),
    (
        "users",
        ECONOMIC,
        N_("Users of the services"),
        N_("people a year"),
        N_("Tickets, bookings and registrations of the project's services in the year."),
        "",
    ),
    (
        "participants",
        SOCIAL,
        N_("Participants"),
        N_("people"),
        N_(
            "Different people who took part in the project's activities, from the attendance "
            "registers."
        ),
        "",
    ),
    (
        "volunteers",
        SOCIAL,
        N_("Volunteers"),
        N_("people"),
        N_("Different people who gave time to the project in the period."),
        "",
    ),
    (
        "volunteer-hours",
        SOCIAL,
        N_("Volunteer hours"),
        N_("hours"),
        N_("Hours of volunteering recorded for the project in the period."),
        "",
    ),
    (
        "new-relations",
        SOCIAL,
        N_("Participants who made new relations"),
        "%",
        N_("Share of surveyed participants who met at least one person they can now count on."),
        "ISTAT BES, Relazioni sociali",
    ),
    (
        "sense-of-community",
        SOCIAL,
        N_("Sense of community (SCI-2 total)"),
        N_("points (0-72)"),
        N_(
            "Average total score of the Sense of Community Index 2 in a survey of residents, "
            "before the project and again at the target date."
        ),
        "Chavis, Lee & Acosta (2008), Sense of Community Index 2",
    ),
    (
        "generalised-trust",
        SOCIAL,
        N_("Residents who say most people can be trusted"),
        "%",
        N_("Share of surveyed residents answering that most people can be trusted."),
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
