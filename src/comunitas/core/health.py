"""What ``comunitas check`` verifies: configuration, database, migrations, territory."""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.core import checks
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

MIN_MUNICIPALITIES = 7000


def health_report() -> Iterator[tuple[str, bool, str]]:
    """(check, passed, detail) for each check."""
    messages = [
        m
        for m in checks.run_checks(include_deployment_checks=not settings.DEBUG)
        if m.level >= checks.WARNING
    ]
    mode = "development (DEBUG)" if settings.DEBUG else "production"
    yield (
        "configuration",
        not messages,
        f"{mode}; " + ("; ".join(f"{m.id}: {m.msg}" for m in messages) or "no warnings"),
    )
    try:
        connection.ensure_connection()
    except Exception as exc:  # any driver error means the same: no database
        yield "database", False, f"{connection.vendor}: {exc}"
        return
    yield "database", True, f"{connection.vendor} {connection.settings_dict['NAME']}"
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    yield (
        "migrations",
        not pending,
        f"{len(pending)} to apply (run 'comunitas manage migrate')" if pending else "up to date",
    )
    if pending:
        return
    from comunitas.core.models import Cooperative, Municipality

    count = Municipality.objects.count()
    yield (
        "territory",
        count >= MIN_MUNICIPALITIES,
        f"{count} municipalities" + ("" if count else " (run 'comunitas load-territory')"),
    )
    yield "cooperatives", True, str(Cooperative.objects.count())
