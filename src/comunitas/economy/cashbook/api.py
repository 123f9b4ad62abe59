"""API of the cash book: movements (list with filters, one, entering, reversing),
counterparties, categories and importing a file.

Same rules as the pages: the rows are the staff's and the board's (VIEW_ACCOUNTS), writes need
MANAGE_ACCOUNTS. Objects are fetched within the cooperative (another's id answers 404, in a
body 422). Parsing here, rules in ``cashbook.services`` and ``cashbook.imports``."""

# No ``from __future__ import annotations``: ninja reads the Query/File/Form annotations.
from typing import Annotated, Any

from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Body, Field, File, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate
from pydantic import ValidationError as PydanticError

from comunitas.core.endpoints import Pagination, answers
from comunitas.core.errors import FieldError, ValidationError
from comunitas.core.lookups import or_404
from comunitas.core.permissions import Action, coop_for
from comunitas.core.shapes import Text
from comunitas.economy.cashbook import imports, selectors, services
from comunitas.economy.cashbook.schemas import (
    CashCategoryIn,
    CashCategoryOut,
    CashCounterpartyIn,
    CashCounterpartyOut,
    CashCounterpartyPatch,
    CashImportIn,
    CashImportOut,
    CashMovementIn,
    CashMovementOut,
    CashReverseIn,
    Id,
)
from comunitas.economy.models import Direction

router = Router(tags=["economy"])
E = "/coops/{slug}/economy"
MOVEMENTS = f"{E}/movements"
MOVEMENT = f"{MOVEMENTS}/{{int:cash_movement_id}}"
COUNTERPARTIES = f"{E}/counterparties"
COUNTERPARTY = f"{COUNTERPARTIES}/{{int:cash_counterparty_id}}"
CATEGORIES = f"{E}/categories"
TAGS = ["cash book"]
LINK_IDS = ("counterparty", "resource", "project", "service", "member", "job", "earmark")


class CashMovementQuery(Schema):
    year: Annotated[int, Field(ge=2000, le=2199)] | None = None
    month: Annotated[int, Field(ge=1, le=12)] | None = Field(None, description="With a year")
    direction: Direction | None = None
    category: Text = Field("", max_length=40, description="A category's code")
    resource_id: Id | None = None
    project_id: Id | None = None
    counterparty_id: Id | None = None
    q: Text = Field("", max_length=100)


def _fields(values: dict[str, Any]) -> dict[str, Any]:
    """A body's ``x_id`` keys as the service's ``x`` inputs (keyword arguments of a creation,
    the ``fields`` of an update)."""
    return {
        (k.removesuffix("_id") if k.removesuffix("_id") in LINK_IDS else k): (
            v.value if hasattr(v, "value") else v
        )
        for k, v in values.items()
    }


# --- movements ------------------------------------------------------------------------------------
@router.get(MOVEMENTS, response=answers(200, list[CashMovementOut]), tags=TAGS)
@paginate(Pagination)
def movement_list(request, slug: str, filters: Query[CashMovementQuery]):
    """The cash book, newest first, filtered (year, month, direction, category code, resource,
    project, counterparty, text)."""
    coop = coop_for(request.auth, slug, Action.VIEW_ACCOUNTS)
    chosen = selectors.MovementFilters(
        year=filters.year,
        month=filters.month if filters.year else None,
        direction=filters.direction.value if filters.direction else "",
        category=filters.category,
        resource=filters.resource_id,
        project=filters.project_id,
        counterparty=filters.counterparty_id,
        q=filters.q,
    )
    return selectors.movements(coop=coop, filters=chosen)


@router.post(MOVEMENTS, response=answers(201, CashMovementOut), tags=TAGS)
def movement_create(request, slug: str, payload: CashMovementIn):
    """Enter a movement by hand; its category (by code) decides the direction."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ACCOUNTS)
    movement = services.movement_create(actor=request.auth, coop=coop, **_fields(payload.dict()))
    return Status(201, or_404(selectors.movement_get, coop=coop, pk=movement.pk))


@router.get(MOVEMENT, response=answers(200, CashMovementOut), tags=TAGS)
def movement_get(request, slug: str, cash_movement_id: int):
    coop = coop_for(request.auth, slug, Action.VIEW_ACCOUNTS)
    return or_404(selectors.movement_get, coop=coop, pk=cash_movement_id)


@router.post(f"{MOVEMENT}/reverse", response=answers(201, CashMovementOut), tags=TAGS)
def cash_movement_reverse(request, slug: str, cash_movement_id: int, payload: CashReverseIn):
    """Write the opposite movement (once; not of a reversal; in an open year)."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ACCOUNTS)
    reversal = services.movement_reverse(
        actor=request.auth,
        movement=or_404(selectors.movement_get, coop=coop, pk=cash_movement_id),
        on_date=payload.on_date,
        reason=payload.reason,
    )
    return Status(201, or_404(selectors.movement_get, coop=coop, pk=reversal.pk))


# --- counterparties -------------------------------------------------------------------------------
@router.get(COUNTERPARTIES, response=answers(200, list[CashCounterpartyOut]), tags=TAGS)
@paginate(Pagination)
def counterparty_list(request, slug: str, q: str = ""):
    """Counterparties by name, each with ``is_local`` (its municipality is in the territory)."""
    coop = coop_for(request.auth, slug, Action.VIEW_ACCOUNTS)
    return selectors.counterparties(coop=coop, q=q)


@router.post(COUNTERPARTIES, response=answers(201, CashCounterpartyOut), tags=TAGS)
def counterparty_create(request, slug: str, payload: CashCounterpartyIn):
    coop = coop_for(request.auth, slug, Action.MANAGE_ACCOUNTS)
    saved = services.counterparty_create(actor=request.auth, coop=coop, **_fields(payload.dict()))
    return Status(201, or_404(selectors.counterparty_get, coop=coop, pk=saved.pk))


@router.patch(COUNTERPARTY, response=answers(200, CashCounterpartyOut), tags=TAGS)
def counterparty_update(
    request, slug: str, cash_counterparty_id: int, payload: CashCounterpartyPatch
):
    coop = coop_for(request.auth, slug, Action.MANAGE_ACCOUNTS)
    saved = services.counterparty_update(
        actor=request.auth,
        counterparty=or_404(selectors.counterparty_get, coop=coop, pk=cash_counterparty_id),
        fields=_fields(payload.dict(exclude_unset=True)),
    )
    return or_404(selectors.counterparty_get, coop=coop, pk=saved.pk)


# --- categories -----------------------------------------------------------------------------------
@router.get(CATEGORIES, response=answers(200, list[CashCategoryOut]), tags=TAGS)
def cash_category_list(request, slug: str):
    """The cooperative's chart of accounts (the default one the first time)."""
    coop = coop_for(request.auth, slug, Action.VIEW_ACCOUNTS)
    return list(selectors.categories(coop=coop))


@router.post(CATEGORIES, response=answers(201, CashCategoryOut), tags=TAGS)
def cash_category_create(request, slug: str, payload: CashCategoryIn):
    coop = coop_for(request.auth, slug, Action.MANAGE_ACCOUNTS)
    return Status(
        201, services.category_create(actor=request.auth, coop=coop, **_fields(payload.dict()))
    )


# --- import ---------------------------------------------------------------------------------------
# In a multipart request the options come in the form field "payload" (JSON), as for the member
# book's import; a JSON body (options and rows) is read by the endpoint itself, since ninja
# parses one content type per operation.
OPTIONAL_BODY = Body(None)
IMPORT_BODY = {
    "requestBody": {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CashImportIn"}}}
    }
}


def _json_payload(request) -> CashImportIn:
    try:
        body = request.body
    except RequestDataTooBig:
        raise ValidationError(
            _("The body is too large: send the file as multipart/form-data."), field="file"
        ) from None
    try:
        return CashImportIn.model_validate_json(body or b"{}")
    except PydanticError as exc:
        raise ValidationError(
            errors=[
                FieldError(".".join(str(p) for p in e["loc"]) or None, e["msg"])
                for e in exc.errors()
            ]
        ) from None


@router.post(
    f"{E}/import", response=answers(200, CashImportOut), tags=TAGS, openapi_extra=IMPORT_BODY
)
def cash_import(
    request,
    slug: str,
    file: File[UploadedFile] = None,
    payload: CashImportIn = OPTIONAL_BODY,
):
    """Import a bank statement or an accountant's export: a CSV or XLSX file (multipart, field
    ``file``, options in the JSON field ``payload``) or a JSON body with ``rows``. ``mapping`` is
    {our field: the file's header} for date, amount (or debit and credit), description,
    reference, counterparty, category. Nothing is written unless every row passes (422 with one
    error per bad value, ``row N: field``); rows already in the book are skipped and counted."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ACCOUNTS)
    if request.content_type == "application/json":
        payload = _json_payload(request)
    payload = payload or CashImportIn()
    if file is None and payload.rows is None:
        raise ValidationError(_("Send a CSV or XLSX file, or rows."), field="file")
    if file is not None and file.size > imports.MAX_FILE_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."), field="file")
    report = imports.import_movements(
        coop=coop,
        actor=request.auth,
        file=file.read() if file is not None else None,
        rows=payload.rows if file is None else None,
        name=(file.name or "") if file is not None else "",
        kind=payload.kind.value,
        mapping=payload.mapping,
        encoding=payload.encoding,
    )
    if not report.written:
        detail = ngettext(
            "%(n)s row is not valid: nothing was imported.",
            "%(n)s rows are not valid: nothing was imported.",
            report.bad_rows,
        ) % {"n": report.bad_rows}
        errors = [
            {"field": e.field, "message": e.message} for e in imports.errors_as_fields(report)
        ]
        return Status(422, {"detail": detail, "errors": errors})
    return report.as_dict()
