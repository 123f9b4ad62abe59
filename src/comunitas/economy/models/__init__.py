"""The economy of a cooperative: the cash book (prima nota), jobs and volunteering, budgets, the
annual closing with the legal allocation of the result, ristorni, and the community
reinvestment fund. One module per capability; this package re-exports every model, so that
migrations and ``from comunitas.economy.models import X`` keep working.

Every amount is exact euros and cents (``MONEY``). The financial year is the calendar year, as it
is for almost every Italian cooperative: a movement belongs to the year of its date. Nothing
financial is deleted: a movement is reversed by another one of the opposite sign, and a closing,
once approved, is locked together with every movement of its year.

Each fact the impact and observatory apps will read is a field, not free text: who was paid
(``Movement.counterparty`` / ``job``), where a supplier is (``Counterparty.municipality``), which
resource or project earned or spent it, where a worker lives (``Job.municipality``).
"""

from comunitas.economy.models.cashbook import (
    NAME_MAX,
    TEXT_MAX,
    Category,
    Counterparty,
    CounterpartyKind,
    Direction,
    Flow,
    ImportBatch,
    ImportKind,
    Movement,
    MovementSource,
)
from comunitas.economy.models.closing import (
    AllocationKind,
    AllocationLine,
    Closing,
    ClosingStatus,
    CoverageSource,
    LossCoverage,
    MutualExchange,
    PostalBondRate,
    RateReading,
    ResultSource,
    Ristorno,
    RistornoBasis,
    RistornoPlan,
)
from comunitas.economy.models.fund import Earmark, EarmarkSource
from comunitas.economy.models.work import (
    AgeBand,
    BudgetLine,
    ContractType,
    Job,
    VolunteerEntry,
    VolunteerRate,
    VolunteerStatus,
)

__all__ = [
    "NAME_MAX",
    "TEXT_MAX",
    "AgeBand",
    "AllocationKind",
    "AllocationLine",
    "BudgetLine",
    "Category",
    "Closing",
    "ClosingStatus",
    "ContractType",
    "Counterparty",
    "CounterpartyKind",
    "CoverageSource",
    "Direction",
    "Earmark",
    "EarmarkSource",
    "Flow",
    "ImportBatch",
    "ImportKind",
    "Job",
    "LossCoverage",
    "Movement",
    "MovementSource",
    "MutualExchange",
    "PostalBondRate",
    "RateReading",
    "ResultSource",
    "Ristorno",
    "RistornoBasis",
    "RistornoPlan",
    "VolunteerEntry",
    "VolunteerRate",
    "VolunteerStatus",
]
