"""The local time of the commons: opening hours, slots, closed days and the months of the
statistics are read in Europe/Rome (ARCHITECTURE.md, "Data rules"), whatever the server's
zone. A module of the app, below its capabilities, so that bookings and stats share it."""

from __future__ import annotations

from zoneinfo import ZoneInfo

ROME = ZoneInfo("Europe/Rome")
