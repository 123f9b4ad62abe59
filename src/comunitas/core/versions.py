"""Versions of a cooperative's data, kept in the database, that cached answers are keyed by.

An answer built from a cooperative's member book (say) is cached under the book's *version*, a
stamp in ``DataVersion`` that every write of the book replaces with ``version_bump`` inside its
own transaction. The stamp and the data commit together, so whoever reads the version first
and then the data can never store old data under a new version: the next reader after a
commit asks for a key nobody has filled yet. Because the version is in the database (not in the
cache, as projects/public_cache.py keeps the needs'), a cache that loses or keeps entries, per
process or shared, is never wrong, only more or less useful (even once a backup is restored:
see ``_new_version``).

The bump is an upsert, so it also locks the version's row until the transaction ends: writers of
one scope of one cooperative queue behind each other. The member book's services bump *first*,
before locking any row of their own, so that every writer takes the locks in the same order and
none can deadlock on another (core's ``coop_update`` bumps last, and says why).

Scopes: ``COOP`` covers the cooperative itself (its territory, its profile) and the shared
territory (municipality names); it is part of every key built here, so core never needs to know
which higher app reads what. Each app names its own scopes (``members.book_cache.BOOK``).

Only data is cached this way, never a permission: the caller's role is read in the same query
as the versions on every request (``coop_access``; ``token_access`` reads the caller's API token
in that query too).
"""

from __future__ import annotations

import functools
import secrets
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection

from comunitas.core.models import ApiToken, Cooperative, DataVersion, Role
from comunitas.core.tokens import (
    TokenFound,
    row_converter,
    token_columns,
    token_condition,
    token_select,
)

COOP = "coop"
_TABLE = DataVersion._meta.db_table


def _new_version() -> int:
    # A random stamp, not a counter: after a backup is restored the counters would start again
    # from old values, and meet the answers a shared cache still holds from the history the
    # restore undid. 62 bits: two stamps of one scope never meet.
    return secrets.randbits(62) or 1


def version_bump(coop_id: int, scope: str) -> None:
    """Move ``scope``'s version of cooperative ``coop_id`` on, in the caller's transaction.

    One statement that SQLite (3.24+) and PostgreSQL both accept: it creates the row the first
    time, and otherwise takes the row's lock, so concurrent writers commit one after another."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_TABLE} (coop_id, scope, version) VALUES (%s, %s, %s)"  # noqa: S608 (table name only)
            " ON CONFLICT (coop_id, scope) DO UPDATE SET version = excluded.version",
            [coop_id, scope, _new_version()],
        )


def versions_bump_everywhere(scope: str = COOP) -> None:
    """Move ``scope`` on for every cooperative: for shared data such as the municipalities,
    which every cooperative's answers name. (``WHERE true`` lets SQLite parse an upsert from a
    SELECT.)"""
    coops = Cooperative._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_TABLE} (coop_id, scope, version)"  # noqa: S608 (table names only)
            f" SELECT id, %s, %s FROM {coops} WHERE true"
            " ON CONFLICT (coop_id, scope) DO UPDATE SET version = excluded.version",
            [scope, _new_version()],
        )


@dataclass(frozen=True)
class Access:
    """What one query tells about a caller and a cooperative's data of one scope."""

    coop_id: int
    is_public: bool
    role: str | None  # the caller's role in the cooperative, None without one
    version: str  # to put in a cache key: changes whenever the data of the scope may have


# The cooperative at a slug, the role of a user in it, the versions of COOP and of a scope. The
# cooperative's creation time is part of the version, so that a database created again (ids and
# versions starting over) cannot meet the answers a long-lived cache holds from the previous one.
# Scalar subqueries rather than joins: PostgreSQL plans every query afresh (Django binds the
# parameters in the client), and planning six joined tables took four times as long as these.
def _access_columns(user: str) -> str:
    # Table names, and the user's column or a placeholder: no value is ever written in.
    return (
        "c.id, c.is_public, c.created_at,"  # noqa: S608
        f" (SELECT kind FROM {Role._meta.db_table} WHERE coop_id = c.id AND user_id = {user}),"
        f" (SELECT version FROM {_TABLE} WHERE coop_id = c.id AND scope = %s),"
        f" (SELECT version FROM {_TABLE} WHERE coop_id = c.id AND scope = %s)"
    )


def _access(row) -> Access:
    coop_id, is_public, created, role, coop_version, scope_version = row
    born = zlib.crc32(str(created).encode())  # a short token: keys must hold no spaces
    return Access(
        coop_id, bool(is_public), role, f"{born:x}.{coop_version or 0}.{scope_version or 0}"
    )


def coop_access(*, slug: str, user_id: int | None, scope: str) -> Access | None:
    """The cooperative at ``slug``, the role of user ``user_id`` in it and the version of its
    ``scope`` data (with ``COOP``'s), in one query; None when there is no such cooperative.

    Raw SQL: it runs on every request that may be answered from the cache, and building it with
    the ORM takes longer than the database takes to answer."""
    coops = Cooperative._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_access_columns('%s')} FROM {coops} c WHERE c.slug = %s",  # noqa: S608 (names only)
            [user_id, COOP, scope, slug],
        )
        row = cursor.fetchone()
    return None if row is None else _access(row)


def token_access(*, prefix: str, slug: str, scope: str) -> tuple[TokenFound, Access] | None:
    """``coop_access`` for the owner of the token with ``prefix`` (not revoked), with the token
    itself, in one query: a script's request answered from the cache then costs one query,
    as /health does. None when there is no such token or cooperative. Whether the token is the
    one sent is for ``services.api_token_accepted`` to decide."""
    sql, convert = _token_access_query(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [COOP, scope, slug, prefix])
        row = cursor.fetchone()
    if row is None:
        return None
    token = convert(row[:5])
    return TokenFound(*token), _access(row[5:])


@functools.cache
def _token_access_query(vendor: str) -> tuple[str, Callable]:
    tokens = connection.ops.quote_name(ApiToken._meta.db_table)
    sql = (
        f"SELECT {token_select()}, {_access_columns(f'{tokens}.user_id')}"  # noqa: S608 (names only)
        f" FROM {tokens}, {Cooperative._meta.db_table} c"
        f" WHERE c.slug = %s AND {token_condition()}"
    )
    return sql, row_converter(token_columns())
