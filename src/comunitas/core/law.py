"""Limits set by Italian law for cooperatives, as dated parameters (DOMAIN.md §2).

Each row says from which day a set of limits applies; a statute is checked against the row in
force on the day the statute takes effect. When the law changes, add a row: never edit history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class LegalLimits:
    valid_from: date
    share_value_min: Decimal  # art. 2525 c.1
    share_value_max: Decimal  # art. 2525 c.1, for azioni only (not for the quote of srl rules)
    natural_person_max_holding: Decimal  # art. 2525 c.2
    max_proxies_per_member: int  # art. 2539
    max_legal_person_votes: int  # art. 2538 c.3
    max_financing_votes: int  # L. 59/1992 art. 4 c.2: a financing member's votes by capital
    min_enrolment_days: int  # art. 2538 c.1
    min_notice_days: int  # art. 2366 c.3 (via art. 2519): notice received 8 days before
    source: str


# Civil Code after the company-law reform (D.Lgs. 6/2003, in force 1 Jan 2004).
# DOMAIN.md flags a 2024 update of the art. 2525 amounts as [check]: add a dated row once the
# primary text is verified.
LEGAL_LIMITS: tuple[LegalLimits, ...] = (
    LegalLimits(
        valid_from=date(2004, 1, 1),
        share_value_min=Decimal("25.00"),
        share_value_max=Decimal("500.00"),
        natural_person_max_holding=Decimal("100000.00"),
        max_proxies_per_member=10,
        max_legal_person_votes=5,
        max_financing_votes=5,
        min_enrolment_days=90,
        min_notice_days=8,
        source="Codice civile artt. 2366, 2525, 2538, 2539 (D.Lgs. 6/2003); L. 59/1992 art. 4",
    ),
)


def limits_on(day: date) -> LegalLimits:
    """The legal limits in force on ``day`` (the earliest row applies to older dates)."""
    in_force = [row for row in LEGAL_LIMITS if row.valid_from <= day]
    return max(in_force, key=lambda row: row.valid_from) if in_force else LEGAL_LIMITS[0]
