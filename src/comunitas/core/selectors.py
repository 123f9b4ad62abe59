"""Every non-trivial read of the core app."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, QuerySet, prefetch_related_objects
from django.db.models.expressions import Col
from django.utils import timezone
from django.utils.translation import gettext as _

from comunitas.core.errors import ValidationError
from comunitas.core.models import (
    ApiToken,
    AuditEntry,
    Cooperative,
    Municipality,
    Role,
    RoleKind,
    StatuteParameters,
)
from comunitas.core.permissions import visible_coops
from comunitas.core.territory import search_key

NAME_WITH_PROVINCE = re.compile(r"^\s*(?P<name>.+?)\s*\((?P<province>[A-Za-z]{2})\)\s*$")


# --- cooperatives -------------------------------------------------------------------------------
def coop_list(*, user) -> QuerySet[Cooperative]:
    """Cooperatives a user may see, with their seat (one query)."""
    return visible_coops(user).select_related("seat").order_by("name")


def coop_detail(*, coop: Cooperative) -> Cooperative:
    """A cooperative with what its page and API show: served municipalities, sourced facts,
    the statute in force (four queries after the cooperative itself)."""
    prefetch_related_objects([coop], "territory", "facts", "seat__postcodes")
    coop.statute_in_force = statute_on(coop=coop)
    return coop


def statute_on(*, coop: Cooperative, day: date | None = None) -> StatuteParameters | None:
    """The statute parameters in force on ``day`` (today by default)."""
    day = day or timezone.localdate()
    return coop.statutes.filter(valid_from__lte=day).order_by("-valid_from").first()


def statute_history(*, coop: Cooperative) -> QuerySet[StatuteParameters]:
    return coop.statutes.order_by("-valid_from")


def role_list(*, coop: Cooperative) -> QuerySet[Role]:
    return coop.roles.select_related("user").order_by("kind", "user__username")


@dataclass(frozen=True)
class TerritorySummary:
    municipalities: int
    population: int
    inner_area_municipalities: int


def territory_summary(*, coop: Cooperative) -> TerritorySummary:
    """Totals of the municipalities served: no query when they were prefetched (coop_detail),
    one otherwise."""
    served = list(coop.territory.all())
    return TerritorySummary(
        municipalities=len(served),
        population=sum(m.population or 0 for m in served),
        inner_area_municipalities=sum(m.is_inner_area for m in served),
    )


def role_counts(*, coop: Cooperative) -> dict[str, int]:
    counts = dict(coop.roles.values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    return {kind: counts.get(kind, 0) for kind in RoleKind.values}


def user_find(identifier: str):
    """An active login by username or (unique) e-mail."""
    identifier = (identifier or "").strip()
    users = get_user_model().objects.filter(is_active=True)
    user = users.filter(username=identifier).first()
    if user is None and "@" in identifier:
        matches = list(users.filter(email__iexact=identifier)[:2])
        user = matches[0] if len(matches) == 1 else None
    if user is None:
        raise ValidationError(_("No active user with this username or e-mail."), field="user")
    return user


# --- audit --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    object_type: str = ""
    actor: str = ""
    date_from: date | None = None
    date_to: date | None = None  # inclusive


def audit_list(*, coop: Cooperative, filters: AuditFilters | None = None) -> QuerySet[AuditEntry]:
    filters = filters or AuditFilters()
    entries = AuditEntry.objects.filter(coop=coop)
    if filters.action:
        entries = entries.filter(action__startswith=filters.action)
    if filters.object_type:
        entries = entries.filter(object_type=filters.object_type)
    if filters.actor:
        entries = entries.filter(actor_name__icontains=filters.actor)
    if filters.date_from:
        entries = entries.filter(at__gte=_local_instant(filters.date_from, time.min))
    if filters.date_to:
        entries = entries.filter(at__lte=_local_instant(filters.date_to, time.max))
    return entries.order_by("-at", "-id")


def _local_instant(day: date, moment: time) -> datetime:
    """A local date and time; days at the ends of the calendar are clamped, since converting
    them to UTC would overflow (no entry is that old or that new anyway)."""
    day = min(max(day, date(1, 1, 2)), date(9999, 12, 30))
    return datetime.combine(day, moment, timezone.get_current_timezone())


def audit_choices(*, coop: Cooperative) -> tuple[list[str], list[str]]:
    """The actions and object types present in a cooperative's trail, for the filter menus."""
    entries = AuditEntry.objects.filter(coop=coop)
    actions = sorted(set(entries.values_list("action", flat=True)))
    types = sorted(set(entries.values_list("object_type", flat=True)))
    return actions, types


# --- territory ----------------------------------------------------------------------------------
def municipality_search(query: str, *, limit: int = 20) -> list[Municipality]:
    """Municipalities by name (accent- and case-insensitive), ISTAT code or postcode.

    Names starting with the query come first, then names containing it; current
    municipalities before suppressed ones; larger towns first."""
    text = (query or "").strip()
    found = Municipality.objects.all()
    if re.fullmatch(r"\d{6}", text):
        return list(found.filter(pk=text))
    if re.fullmatch(r"\d{5}", text):
        return list(found.filter(postcodes__code=text).distinct()[:limit])
    key = search_key(text)
    if not key:
        return []
    order = ["-is_current", "-population", "search_name"]
    starting = list(found.filter(search_name__startswith=key).order_by(*order)[:limit])
    if len(starting) < limit:
        exclude = [m.pk for m in starting]
        starting += list(
            found.filter(search_name__contains=key)
            .exclude(pk__in=exclude)
            .order_by(*order)[: limit - len(starting)]
        )
    exact = [m for m in starting if m.search_name == key]
    return exact + [m for m in starting if m.search_name != key]


def municipality_list(
    *, q: str = "", region_code: str = "", inner_area_class: str = ""
) -> list[Municipality] | QuerySet[Municipality]:
    """A ranked search when ``q`` is given, else every municipality matching the filters."""
    if q.strip():
        found = municipality_search(q, limit=50)
        prefetch_related_objects(found, "postcodes")
        return found
    found = Municipality.objects.prefetch_related("postcodes").order_by("search_name")
    if region_code:
        found = found.filter(region_code=region_code.zfill(2))
    if inner_area_class:
        found = found.filter(inner_area_class=inner_area_class.upper())
    return found


def municipality_resolve(text: str, *, field: str = "municipality") -> Municipality:
    """One municipality from what a person typed: an ISTAT code, a postcode of one town,
    'Name (PR)' or a name that is unique; otherwise a field error saying what to add."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Give a municipality."), field=field)
    candidates: list[Municipality]
    if re.fullmatch(r"\d{6}", text):
        candidates = list(Municipality.objects.filter(pk=text))
    elif re.fullmatch(r"\d{5}", text):
        candidates = list(Municipality.objects.filter(postcodes__code=text, is_current=True))
    elif match := NAME_WITH_PROVINCE.match(text):
        candidates = list(
            Municipality.objects.filter(
                search_name=search_key(match["name"]),
                province_abbr=match["province"].upper(),
            ).order_by("-is_current")[:1]
        )
    else:
        candidates = list(
            Municipality.objects.filter(search_name=search_key(text), is_current=True)
        )
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise ValidationError(
            _("Unknown municipality: %(text)s.") % {"text": text[:100]}, field=field
        )
    names = ", ".join(str(m) for m in candidates[:5])
    raise ValidationError(
        _("More than one municipality matches (%(names)s): add the province, e.g. 'Name (PR)'.")
        % {"names": names},
        field=field,
    )


# --- API tokens ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class TokenFound:
    """A token that is not revoked, as stored: whether it is the token sent, and whether its
    user may still log in, is for ``services.api_token_accepted`` to decide."""

    token_id: int
    digest: str
    last_used_at: datetime | None
    user_id: int
    user_active: bool
    user: Any = None  # the whole user, for token_owner


def token_owner(*, prefix: str) -> TokenFound | None:
    """The token with ``prefix`` that is not revoked, with its user, in one query.

    Raw SQL, its values turned into Python ones by the ORM's own converters: it runs on every
    request a script sends, and building it with the ORM took 0.45 ms each time (SQLite),
    three times what /health spends on its whole request."""
    sql, names, convert = _token_owner_query(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [prefix])
        row = cursor.fetchone()
    if row is None:
        return None
    token_id, digest, last_used_at, *values = convert(row)
    user = get_user_model().from_db(connection.alias, names, values)
    return TokenFound(token_id, digest, last_used_at, user.pk, user.is_active, user)


def token_columns() -> list[Col]:
    """The token's columns that ``TokenFound`` holds, in its order (user as id and active)."""
    user_model = get_user_model()
    token = [ApiToken._meta.get_field(n) for n in ("id", "digest", "last_used_at")]
    user = [user_model._meta.pk, user_model._meta.get_field("is_active")]
    tokens, users = ApiToken._meta.db_table, user_model._meta.db_table
    return [f.get_col(tokens) for f in token] + [f.get_col(users) for f in user]


def select_list(columns: list[Col]) -> str:
    quote = connection.ops.quote_name
    return ", ".join(f"{quote(c.alias)}.{quote(c.target.column)}" for c in columns)


def token_select() -> str:
    """The select list of ``token_columns`` from the tokens' table alone (whether the user is
    active as a subquery: a join costs PostgreSQL more to plan than the subquery to run)."""
    quote = connection.ops.quote_name
    tokens = quote(ApiToken._meta.db_table)
    users, pk = quote(get_user_model()._meta.db_table), quote(get_user_model()._meta.pk.column)
    own = ", ".join(f"{tokens}.{quote(c)}" for c in ("id", "digest", "last_used_at", "user_id"))
    active = f"SELECT {users}.is_active FROM {users} WHERE {users}.{pk} = {tokens}.user_id"  # noqa: S608 (names only)
    return f"{own}, ({active})"


def token_join() -> str:
    """FROM the tokens JOIN their users, for a query that filters on ``prefix = %s``."""
    quote = connection.ops.quote_name
    tokens = quote(ApiToken._meta.db_table)
    users, pk = quote(get_user_model()._meta.db_table), quote(get_user_model()._meta.pk.column)
    return f"{tokens} JOIN {users} ON {users}.{pk} = {tokens}.user_id"


def token_condition() -> str:
    tokens = connection.ops.quote_name(ApiToken._meta.db_table)
    return f"{tokens}.prefix = %s AND {tokens}.revoked_at IS NULL"


def row_converter(columns: list[Col]) -> Callable[[Sequence[Any]], list[Any]]:
    """A function turning a raw row of ``columns`` into the values the ORM would give (aware
    datetimes and booleans on SQLite). The converters are the connection's backend's; those
    that read the connection read only settings, which every thread's connection shares."""
    steps = [
        (i, function, column)
        for i, column in enumerate(columns)
        for function in connection.ops.get_db_converters(column)
        + column.get_db_converters(connection)
    ]

    def convert(row: Sequence[Any]) -> list[Any]:
        values = list(row)
        for i, function, column in steps:
            values[i] = function(values[i], column, connection)
        return values

    return convert


@functools.cache
def _token_owner_query(vendor: str) -> tuple[str, list[str], Callable]:
    """The SQL of ``token_owner``, the user's field names and the row's converter."""
    user_model = get_user_model()
    fields = list(user_model._meta.concrete_fields)
    columns = token_columns()[:3] + [f.get_col(user_model._meta.db_table) for f in fields]
    sql = (
        f"SELECT {select_list(columns)} FROM {token_join()}"  # noqa: S608 (names only)
        f" WHERE {token_condition()}"
    )
    return sql, [f.attname for f in fields], row_converter(columns)
