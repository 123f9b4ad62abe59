"""Models of decisions, one module per capability: ``assemblies`` (assemblee dei soci),
``consultations`` (consultazioni) and ``budgets`` (bilancio partecipativo), and the secret
ballots ``sealed`` until they are mixed. Importing this package registers them all with the app
(Django and the migrations know them by the label ``decisions``); ``from
comunitas.decisions.models import X`` reads the assemblies' names, the others are imported from
their own module. The lengths of the texts all three share are in ``limits``."""

# Importing the package registers the consultations' and the budgets' models with the app.
from comunitas.decisions.models import budgets, consultations, sealed  # noqa: F401
from comunitas.decisions.models.assemblies import (
    NARRATIVE_MAX,
    AgendaItem,
    Assembly,
    AssemblyKind,
    AssemblyStatus,
    Attendance,
    AttendanceMode,
    BallotKind,
    Call,
    Candidate,
    Choice,
    Majority,
    MajorityBase,
    MinuteBook,
    Minutes,
    MinutesStatus,
    Motion,
    MotionKind,
    MotionStatus,
    Notice,
    NoticeChannel,
    Proxy,
    RollEntry,
    Vote,
)
from comunitas.decisions.models.limits import REASON_MAX, TEXT_MAX, TITLE_MAX

__all__ = [
    "NARRATIVE_MAX",
    "REASON_MAX",
    "TEXT_MAX",
    "TITLE_MAX",
    "AgendaItem",
    "Assembly",
    "AssemblyKind",
    "AssemblyStatus",
    "Attendance",
    "AttendanceMode",
    "BallotKind",
    "Call",
    "Candidate",
    "Choice",
    "Majority",
    "MajorityBase",
    "MinuteBook",
    "Minutes",
    "MinutesStatus",
    "Motion",
    "MotionKind",
    "MotionStatus",
    "Notice",
    "NoticeChannel",
    "Proxy",
    "RollEntry",
    "Vote",
]
