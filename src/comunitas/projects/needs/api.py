"""API of needs: the list with filters and counts, supports, the public status workflow, merging
duplicates and coverage; and the helpers the other endpoints of the app share (``Shaped`` pages,
``needs_of``, ``plain_values``, ``manages_needs``).

Anyone reads a public cooperative's needs; any role tells and supports; staff and the board keep
them. Objects are always fetched within the cooperative (another's id answers 404, in a body
422). Nobody but the caller learns who told or supports a need: the answers carry ``mine`` and
``supported_by_me`` for the caller, never a submitter, a supporter or an e-mail, except the
``intake`` of a need (channel, contact e-mail), which staff and the board get and nobody else.
Parsing here, rules in ``projects.needs.services``."""

import json
from typing import Any, TypeVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from comunitas.core.endpoints import PUBLIC, Pagination, answers, plain_values
from comunitas.core.errors import ValidationError
from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative, Municipality
from comunitas.core.permissions import Action, authorize, can, coop_for
from comunitas.core.territory.selectors import municipality_resolve
from comunitas.projects.models import Channel, Need, NeedCategory, NeedStatus
from comunitas.projects.needs import cache, selectors, services
from comunitas.projects.needs.schemas import (
    CoverageOut,
    NeedCountsOut,
    NeedIn,
    NeedMergeIn,
    NeedOut,
    NeedPage,
    NeedPatch,
    NeedQuery,
    NeedStatusIn,
    NeedSupportOut,
)

M = TypeVar("M", bound=Model)
router = Router()
BASE = "/coops/{slug}"
NEEDS = f"{BASE}/needs"
NEED = f"{NEEDS}/{{int:need_id}}"
NEED_TAGS = ["needs"]
# The columns a line of the list shows: the description (up to 5,000 characters) is left for
# the need's own page, so that a page of the list stays small whatever was written.
NEED_ITEM_COLUMNS = (
    "id",
    "title",
    "category",
    "urgency",
    "status",
    "locality",
    "age_groups",
    "people_affected",
    "support_count",
    "created_at",
    "synthetic",
    "submitted_by_id",
    "municipality_id",
    "municipality__name",
    "municipality__province_abbr",
    "municipality__region_name",
)


def manages_needs(user, coop: Cooperative) -> bool:
    return can(user, coop, Action.MANAGE_NEEDS)


def _municipality(text: str | None) -> Municipality | None:
    text = (text or "").strip()
    return municipality_resolve(text) if text else None


def _need(coop: Cooperative, need_id: int) -> Need:
    return or_404(selectors.need_row, coop=coop, pk=need_id)


def rows_of(model: type[M], coop: Cooperative, ids: list[int], message: str, field: str) -> list[M]:
    """The rows of ``model`` of ``coop`` with these ids, in the order given; an id of another
    cooperative or of no row gets the same message (nobody learns what others hold)."""
    wanted = list(dict.fromkeys(ids))
    found = {row.pk: row for row in model.objects.filter(coop=coop, pk__in=wanted)}
    if len(found) != len(wanted):
        raise ValidationError(message, field=field)
    return [found[pk] for pk in wanted]


def needs_of(coop: Cooperative, ids: list[int], message: str, field: str = "needs") -> list[Need]:
    """The needs of ``coop`` with these ids, in the order given (``rows_of``)."""
    return rows_of(Need, coop, ids, message, field)


# --- needs --------------------------------------------------------------------------------------
def _filters(query: NeedQuery) -> selectors.NeedFilters:
    municipality = (query.municipality or "").strip()
    if municipality and not (len(municipality) == 6 and municipality.isdigit()):
        municipality = municipality_resolve(municipality).pk
    return selectors.NeedFilters(
        status=query.status.value if query.status else "",
        category=query.category or "",
        urgency=query.urgency.value if query.urgency else "",
        municipality=municipality,
        q=query.q.strip(),
        sort=query.sort.value,
    )


@router.get(NEEDS, response=answers(200, NeedPage), tags=NEED_TAGS, openapi_extra=PUBLIC)
def need_list(
    request, slug: str, filters: Query[NeedQuery], page: Query[Pagination.Input]
) -> HttpResponse:
    """Needs of the territory, most supported first, filtered by status (every status but
    merged when left out), category, urgency, municipality and words (``q``).

    Four queries for a visitor (the public cooperative's id, the cooperative, the page, the
    count), whatever the number of needs, and one while the answer is cached; a signed-in
    caller adds their roles and which needs of the page they support."""
    # Every anonymous visitor gets the same answer for the same query: kept in the cache
    # under the cooperative's needs version (needs.cache), so most visits cost one query.
    visitor, query = not request.auth.is_authenticated, request.META.get("QUERY_STRING", "")
    if visitor and (public_id := cache.public_coop_id(slug)) is not None:
        cached = cache.public_get(public_id, "list", query)
        if cached is not None:
            return HttpResponse(cached, content_type="application/json")
    coop = coop_for(request.auth, slug, Action.VIEW_NEEDS)
    found = selectors.need_list(coop=coop, filters=_filters(filters))
    # Rows of .values(): no model to build, each answer is nearly its row.
    rows = list(found.values(*NEED_ITEM_COLUMNS)[page.offset : page.offset + page.limit])
    count = found.count()  # counted on the needs alone: no join
    user = request.auth
    supported = selectors.supported_need_ids(user=user, needs=(Need(pk=r["id"]) for r in rows))
    me = user.pk if user.is_authenticated else None
    for row in rows:
        place = row.pop("municipality_id")
        name = row.pop("municipality__name")
        province = row.pop("municipality__province_abbr")
        region = row.pop("municipality__region_name")
        row["municipality"] = place and {
            "istat_code": place,
            "name": name,
            "province_abbr": province,
            "region_name": region,
        }
        submitter = row.pop("submitted_by_id")  # never in the answer: only whether it is mine
        row["mine"] = me is not None and submitter == me
        row["supported_by_me"] = row["id"] in supported
    # Written directly in the documented shape (NeedPage, as the tests check): this is the
    # list visitors read most, and validating a page of plain values again would cost more
    # than the rest of the request.
    body = json.dumps({"items": rows, "count": count}, cls=DjangoJSONEncoder).encode()
    if visitor:
        cache.public_set(coop.pk, "list", query, body)
    return HttpResponse(body, content_type="application/json")


@router.get(
    f"{NEEDS}/counts", response=answers(200, NeedCountsOut), tags=NEED_TAGS, openapi_extra=PUBLIC
)
def need_counts(request, slug: str, filters: Query[NeedQuery]):
    """How many needs each status (merged ones too) and each category would show with the
    other filters kept: the numbers next to the list's filter links (two queries)."""
    coop = coop_for(request.auth, slug, Action.VIEW_NEEDS)
    counts = selectors.need_counts(coop=coop, filters=_filters(filters))
    return {
        "status": {s: counts["status"].get(s, 0) for s in NeedStatus.values},
        "category": {c: counts["category"].get(c, 0) for c in NeedCategory.values},
    }


def need_out(request, coop: Cooperative, need_id: int) -> dict[str, Any]:
    """A need's public page; its intake only for staff and the board."""
    need = or_404(selectors.need_get, coop=coop, pk=need_id)
    user = request.auth
    merged = need.merged_into
    return {
        "id": need.pk,
        "title": need.title,
        "description": need.description,
        "category": need.category,
        "urgency": need.urgency,
        "status": need.status,
        "status_reason": need.status_reason,
        "status_changed_at": need.status_changed_at,
        "municipality": need.municipality,
        "locality": need.locality,
        "age_groups": need.age_groups,
        "people_affected": need.people_affected,
        "support_count": need.support_count,
        "created_at": need.created_at,
        "synthetic": need.synthetic,
        "mine": user.is_authenticated and need.submitted_by_id == user.pk,
        "supported_by_me": need.pk in selectors.supported_need_ids(user=user, needs=[need]),
        "merged_into": merged,
        "history": list(need.changes.all()),
        "proposals": list(need.proposals.all()),
        "projects": list(need.projects.all()),
        "intake": (
            {"channel": need.channel, "contact_email": need.contact_email}
            if manages_needs(user, coop)
            else None
        ),
    }


@router.post(NEEDS, response=answers(201, NeedOut), tags=NEED_TAGS)
def need_create(request, slug: str, payload: NeedIn):
    """Tell a need (any role). Staff and the board take one down from paper, the phone or a
    meeting with its ``channel`` and the ``contact_email`` of whom to tell."""
    coop = coop_for(request.auth, slug, Action.PARTICIPATE)
    if payload.channel != Channel.WEB or payload.contact_email:
        authorize(request.auth, coop, Action.MANAGE_NEEDS)
    if payload.contact_email and payload.channel == Channel.WEB:
        raise ValidationError(
            _("Only a need taken down on paper, by phone or at a meeting has a contact e-mail."),
            field="contact_email",
        )
    fields = plain_values(payload.dict(exclude={"channel", "contact_email"}))
    fields["municipality"] = _municipality(fields["municipality"])
    need = services.need_submit(
        actor=request.auth,
        coop=coop,
        **fields,
        channel=payload.channel.value,
        contact_email=payload.contact_email,
    )
    return Status(201, need_out(request, coop, need.pk))


@router.get(NEED, response=answers(200, NeedOut), tags=NEED_TAGS, openapi_extra=PUBLIC)
def need_get(request, slug: str, need_id: int):
    """A need with its public history, the proposals and projects answering it."""
    coop = coop_for(request.auth, slug, Action.VIEW_NEEDS)
    return need_out(request, coop, need_id)


@router.patch(NEED, response=answers(200, NeedOut), tags=NEED_TAGS)
def need_update(request, slug: str, need_id: int, payload: NeedPatch):
    """Correct a need's text, category, place or reach (staff and the board)."""
    coop = coop_for(request.auth, slug, Action.MANAGE_NEEDS)
    fields = plain_values(payload.dict(exclude_unset=True))
    if "municipality" in fields:
        fields["municipality"] = _municipality(fields["municipality"])
    services.need_update(actor=request.auth, need=_need(coop, need_id), fields=fields)
    return need_out(request, coop, need_id)


def _support_count(need_id: int) -> int:
    return Need.objects.filter(pk=need_id).values_list("support_count", flat=True).get()


@router.post(f"{NEED}/support", response=answers(201, NeedSupportOut), tags=NEED_TAGS)
def need_support(request, slug: str, need_id: int):
    """Support a need, once (one's own counts already)."""
    coop = coop_for(request.auth, slug, Action.PARTICIPATE)
    services.need_support(actor=request.auth, need=_need(coop, need_id))
    return Status(
        201,
        {"need_id": need_id, "support_count": _support_count(need_id), "supported_by_me": True},
    )


@router.delete(f"{NEED}/support", response=answers(204, None), tags=NEED_TAGS)
def need_unsupport(request, slug: str, need_id: int):
    """Take one's support back while the need is open to support."""
    coop = coop_for(request.auth, slug, Action.PARTICIPATE)
    services.need_unsupport(actor=request.auth, need=_need(coop, need_id))
    return Status(204, None)


@router.post(f"{NEED}/status", response=answers(200, NeedOut), tags=NEED_TAGS)
def need_status(request, slug: str, need_id: int, payload: NeedStatusIn):
    """Move a need along its public workflow (declining needs a public reason); whoever told
    or supports it is told by e-mail."""
    coop = coop_for(request.auth, slug, Action.MANAGE_NEEDS)
    services.need_set_status(
        actor=request.auth,
        need=_need(coop, need_id),
        status=payload.status.value,
        reason=payload.reason,
    )
    return need_out(request, coop, need_id)


@router.post(f"{NEED}/merge", response=answers(200, NeedOut), tags=NEED_TAGS)
def need_merge(request, slug: str, need_id: int, payload: NeedMergeIn):
    """Merge this need into the one it repeats (``into``), which gets its supports, proposals
    and projects; answers with that need."""
    coop = coop_for(request.auth, slug, Action.MANAGE_NEEDS)
    duplicate = _need(coop, need_id)
    (into,) = needs_of(
        coop, [payload.into], _("Choose a need of the same cooperative."), field="into"
    )
    into = services.need_merge(actor=request.auth, duplicate=duplicate, into=into)
    return need_out(request, coop, into.pk)


# --- coverage -----------------------------------------------------------------------------------
@router.get(
    f"{BASE}/coverage", response=answers(200, CoverageOut), tags=NEED_TAGS, openapi_extra=PUBLIC
)
def coverage(request, slug: str):
    """Needs → projects: how many of the needs still in play a project answers, by category
    and weighted by supports; the most supported answered needs with their projects and the
    most supported needs still open (four queries; one while a visitor's answer is cached)."""
    visitor = not request.auth.is_authenticated
    if visitor and (public_id := cache.public_coop_id(slug)) is not None:
        cached = cache.public_get(public_id, "coverage", "")
        if cached is not None:
            return HttpResponse(cached, content_type="application/json")
    coop = coop_for(request.auth, slug, Action.VIEW_NEEDS)
    found = selectors.coverage(coop=coop)
    total = found.total
    answer = {
        "percent": found.percent,
        "supports_percent": found.supports_percent,
        "total": {
            "category": None,
            "label": _("All categories"),
            **{
                name: getattr(total, name)
                for name in (
                    "needs",
                    "answered",
                    "declined",
                    "open",
                    "supports",
                    "supports_answered",
                    "percent",
                )
            },
        },
        "by_category": found.by_category,
        "answered": found.answered,
        "still_open": found.still_open,
    }
    if not visitor:
        return answer
    # Visitors share one answer under the needs version, which project changes move on too.
    body = CoverageOut.model_validate(answer).model_dump_json().encode()
    cache.public_set(coop.pk, "coverage", "", body)
    return HttpResponse(body, content_type="application/json")
