"""Finding an API token by its prefix in raw SQL, its values turned into Python ones by the ORM's
own converters: ``token_owner`` on every request a script sends, and the pieces (columns, select
list, condition, converter) that ``core.versions.token_access`` joins with a cooperative's
versions. Whether a token found is the one sent is for ``core.accounts.services`` to decide."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models.expressions import Col

from comunitas.core.models import (
    ApiToken,
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
