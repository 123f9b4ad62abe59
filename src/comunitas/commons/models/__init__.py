"""Tables of the commons, one module per capability: the registry of resources, their files,
bookable units and bookings, the catalogue and the box office, and the sales. Every name is
re-exported here: the app's code, the other apps and the migrations import
``comunitas.commons.models`` (migration 0002 names ``_resource_file_path``)."""

from comunitas.commons.models.bookings import (
    HOLDING,
    WEEKDAYS,
    BookableUnit,
    Booking,
    BookingSeries,
    BookingStatus,
    ClosedDay,
    CustomerKind,
    OpeningHours,
    PaymentMethod,
    PaymentState,
    UnitPrice,
)
from comunitas.commons.models.files import ResourceFile, ResourceFileKind, _resource_file_path
from comunitas.commons.models.resources import (
    CommonResource,
    Condition,
    Obligation,
    ObligationKind,
    OwnerKind,
    ResourceKind,
    ResourceLogEntry,
    UseRight,
    UseRightKind,
)
from comunitas.commons.models.stats import Sale, SaleKind
from comunitas.commons.models.ticketing import (
    Event,
    Order,
    OrderLine,
    OrderStatus,
    Service,
    ServiceKind,
    ServicePrice,
    Ticket,
)

__all__ = [
    "HOLDING",
    "WEEKDAYS",
    "BookableUnit",
    "Booking",
    "BookingSeries",
    "BookingStatus",
    "ClosedDay",
    "CommonResource",
    "Condition",
    "CustomerKind",
    "Event",
    "Obligation",
    "ObligationKind",
    "OpeningHours",
    "Order",
    "OrderLine",
    "OrderStatus",
    "OwnerKind",
    "PaymentMethod",
    "PaymentState",
    "ResourceFile",
    "ResourceFileKind",
    "ResourceKind",
    "ResourceLogEntry",
    "Sale",
    "SaleKind",
    "Service",
    "ServiceKind",
    "ServicePrice",
    "Ticket",
    "UnitPrice",
    "UseRight",
    "UseRightKind",
    "_resource_file_path",
]
