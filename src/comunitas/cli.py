"""The ``comunitas`` command: demo, serve, load the territory and the demo, check, manage."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

app = typer.Typer(help="Comunitas: run a community cooperative.", no_args_is_help=True)
console = Console()

DEMO_USERNAME = "admin"
DEFAULT_DEMO_PASSWORD = "comunitas-demo"  # noqa: S105 - a local demo login, printed on purpose


def _django(*, development: bool) -> None:
    """Configure Django; development commands default to DEBUG=true (production never does)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comunitas.settings")
    if development:
        os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description:<16}"), BarColumn(), MofNCompleteColumn(), console=console
    )


def _run_with_progress(job, **kwargs):
    """Run ``job(progress=callback, **kwargs)`` showing one bar per stage it reports."""
    with _progress() as bars:
        tasks: dict[str, int] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bars.add_task(stage, total=total)
            bars.update(tasks[stage], completed=done, total=total)

        return job(progress=report, **kwargs)


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _load_territory() -> None:
    from comunitas.core.territory.services import territory_load

    report = _run_with_progress(territory_load)
    for line in report.lines():
        console.print(f"  {line}", highlight=False)


def _demo_password() -> str:
    return os.environ.get("COMUNITAS_DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


def _load_demo(seed: int) -> None:
    from comunitas.demo.load import demo_load

    report = _run_with_progress(demo_load, seed=seed, password=_demo_password())
    console.print(f"  {report}", highlight=False)


@app.command()
def demo(
    host: str = typer.Option("127.0.0.1", help="Address to serve on."),
    port: int = typer.Option(8000, help="Port to serve on."),
    seed: int = typer.Option(2021, help="Seed of the synthetic data."),
    serve_after: bool = typer.Option(True, "--serve/--no-serve", help="Serve when loaded."),
) -> None:
    """Migrate the database, load territory and the five case studies, print a login, serve."""
    _django(development=True)
    from comunitas.demo.load import demo_admin_ensure

    console.print("[bold]Comunitas demo[/bold]: migrating the database…")
    _migrate()
    console.print("Loading Italy's municipalities…")
    _load_territory()
    console.print("Loading the five case-study cooperatives…")
    _load_demo(seed)
    password = _demo_password()
    demo_admin_ensure(username=DEMO_USERNAME, password=password)
    table = Table(title="Log in", show_header=False)
    table.add_row("address", f"http://{host}:{port}/")
    table.add_row("username", DEMO_USERNAME)
    table.add_row("password", password)
    console.print(table)
    console.print(_role_logins(password))
    if serve_after:
        _runserver(host, port, reload=False)


def _role_logins(password: str) -> Table:
    """Each cooperative's logins, one per role, to see the cooperative as each role sees it."""
    from comunitas.core.models import Cooperative
    from comunitas.demo.generators.people import DEMO_ROLES

    roles = ", ".join(str(kind.label) for _suffix, kind in DEMO_ROLES)
    table = Table(title=f"Each cooperative as each role sees it (password: {password})")
    table.add_column("cooperative")
    table.add_column(f"logins: {roles}", overflow="fold")
    for coop in Cooperative.objects.filter(is_demo=True).order_by("name"):
        table.add_row(coop.name, "  ".join(f"{coop.slug}.{suffix}" for suffix, _k in DEMO_ROLES))
    return table


def _runserver(host: str, port: int, *, reload: bool) -> None:
    from django.core.management import call_command

    call_command("runserver", f"{host}:{port}", use_reloader=reload)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1"),
    port: int = typer.Option(8000),
) -> None:
    """Serve for local use (Django's development server; production uses gunicorn)."""
    _django(development=True)
    _runserver(host, port, reload=True)


@app.command("load-territory")
def load_territory() -> None:
    """Load or refresh Italy's municipalities (idempotent, offline)."""
    _django(development=False)
    _load_territory()


@app.command("load-demo")
def load_demo(seed: int = typer.Option(2021, help="Seed of the synthetic data.")) -> None:
    """Load the five case-study cooperatives (idempotent); needs the territory."""
    _django(development=False)
    _load_demo(seed)


@app.command()
def check() -> None:
    """Check configuration, database, migrations and territory; exit 1 when something is wrong."""
    _django(development=False)
    from comunitas.core.health import health_report

    problems = 0
    table = Table("check", "result")
    for name, ok, detail in health_report():
        problems += not ok
        table.add_row(name, ("[green]ok[/green] " if ok else "[red]problem[/red] ") + detail)
    console.print(table)
    raise typer.Exit(1 if problems else 0)


# --- the member book ----------------------------------------------------------------------------
members_app = typer.Typer(help="The member book (libro soci): import and export.")
app.add_typer(members_app, name="members", no_args_is_help=True)


def _coop(slug: str):
    from comunitas.core.models import Cooperative

    coop = Cooperative.objects.select_related("seat").filter(slug=slug).first()
    if coop is None:
        raise typer.BadParameter(f"no cooperative with the slug {slug!r}", param_hint="--coop")
    return coop


def _mapping(pairs: list[str]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        field, sep, header = pair.partition("=")
        if not sep or not field.strip() or not header.strip():
            raise typer.BadParameter(f"{pair!r} is not field=Header", param_hint="--map")
        mapping[field.strip()] = header.strip()
    return mapping


@members_app.command("import")
def members_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    coop: Annotated[str, typer.Option("--coop", help="Slug of the cooperative.")],
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Write the good rows, list the bad ones.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row, write nothing.")
    ] = False,
    mapping: Annotated[
        list[str] | None,
        typer.Option("--map", help="Our field=the file's header, e.g. --map fiscal_code='CF'."),
    ] = None,
) -> None:
    """Import an existing member book from CSV or XLSX; exit 1 when bad rows stopped it."""
    _django(development=False)
    from comunitas.core.errors import ValidationError
    from comunitas.members.imports.services import import_members

    cooperative, fields = _coop(coop), _mapping(mapping or [])
    try:
        report = _run_with_progress(
            import_members,
            coop=cooperative,
            actor=None,
            file=file,
            name=file.name,
            mapping=fields,
            skip_invalid=skip_invalid,
            dry_run=dry_run,
        )
    except ValidationError as exc:
        for error in exc.errors:
            console.print(f"[red]{error.message}[/red]", soft_wrap=True, highlight=False)
        console.print("Nothing was written.", soft_wrap=True)
        raise typer.Exit(1) from None
    if report.errors:
        table = Table("row", "column", "problem", title=f"{report.bad_rows} rows with errors")
        for error in report.errors:
            table.add_row(str(error.line), error.field or "", error.message)
        console.print(table)
    new = "new member" if report.created == 1 else "new members"
    lines = [f"{report.rows} rows: {report.created} {new}, {report.unchanged} already in the book"]
    if report.skipped:
        lines.append(f"{report.skipped} bad rows left out")
    if report.encoding:
        lines.append(f"read as {report.encoding}")
    console.print(", ".join(lines) + ".", soft_wrap=True, highlight=False)
    if dry_run:
        console.print("Dry run: nothing was written.", soft_wrap=True)
    elif not report.written:
        console.print(
            "[red]Nothing was written[/red]: correct the rows or use --skip-invalid.",
            soft_wrap=True,
        )
    elif report.numbers:
        first, last = report.numbers
        console.print(f"Register numbers {first} to {last}.", soft_wrap=True, highlight=False)
    failed = bool(report.errors) and not (report.written or (dry_run and skip_invalid))
    raise typer.Exit(1 if failed else 0)


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    PDF = "pdf"


@members_app.command("export")
def members_export(
    coop: Annotated[str, typer.Option("--coop", help="Slug of the cooperative.")],
    fmt: Annotated[ExportFormat, typer.Option("--format", help="csv, xlsx or pdf.")] = (
        ExportFormat.CSV
    ),
    on: Annotated[
        str, typer.Option("--on", help="The register as it stood on YYYY-MM-DD (today).")
    ] = "",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write.")] = None,
) -> None:
    """Write the register of members (libro soci) on a date as CSV, XLSX or PDF."""
    _django(development=False)
    from comunitas.core.errors import ValidationError
    from comunitas.members.book import selectors as book_selectors
    from comunitas.members.outputs import documents as outputs

    cooperative = _coop(coop)
    try:
        day = outputs.parse_day(on)
    except ValidationError as exc:
        raise typer.BadParameter(str(exc), param_hint="--on") from None
    target = output or Path(outputs.file_name(cooperative, day, fmt.value))
    entries = book_selectors.register(coop=cooperative, on_date=day).count()
    with target.open("wb") as out:
        if fmt == ExportFormat.CSV:
            for block in outputs.register_csv(coop=cooperative, on_date=day):
                out.write(block)
        elif fmt == ExportFormat.XLSX:
            outputs.register_xlsx(coop=cooperative, on_date=day, out=out)
        else:
            with console.status(f"Laying out {entries} entries (a few ms each)…"):
                out.write(outputs.register_pdf(coop=cooperative, on_date=day))
    console.print(
        f"{entries} entries of the register on {day.isoformat()} written to {target}",
        soft_wrap=True,
        highlight=False,
    )


# --- the economy ----------------------------------------------------------------------------------
economy_app = typer.Typer(help="The economy: the cash book (prima nota), its imports and sales.")
app.add_typer(economy_app, name="economy", no_args_is_help=True)


class CashImportKind(StrEnum):
    BANK = "bank"
    ACCOUNTANT = "accountant"


@economy_app.command("import")
def economy_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    coop: Annotated[str, typer.Option("--coop", help="Slug of the cooperative.")],
    kind: Annotated[
        CashImportKind, typer.Option("--kind", help="bank or accountant.")
    ] = CashImportKind.BANK,
    mapping: Annotated[
        list[str] | None,
        typer.Option("--map", help="Our field=the file's header, e.g. --map amount=Importo."),
    ] = None,
    encoding: Annotated[
        str, typer.Option("--encoding", help="For a CSV not in UTF-8: windows-1252 or latin-1.")
    ] = "",
) -> None:
    """Import a bank statement or an accountant's export (CSV or XLSX) into the cash book;
    exit 1 when bad rows stopped it (nothing is written then)."""
    _django(development=False)
    from comunitas.core.errors import ValidationError
    from comunitas.economy.cashbook.imports import import_movements

    cooperative, fields = _coop(coop), _mapping(mapping or [])
    try:
        report = _run_with_progress(
            import_movements,
            coop=cooperative,
            actor=None,
            file=file,
            name=file.name,
            kind=kind.value,
            mapping=fields,
            encoding=encoding,
        )
    except ValidationError as exc:
        for error in exc.errors:
            console.print(f"[red]{error.message}[/red]", soft_wrap=True, highlight=False)
        console.print("Nothing was written.", soft_wrap=True)
        raise typer.Exit(1) from None
    if report.errors:
        table = Table("row", "column", "problem", title=f"{report.bad_rows} rows with errors")
        for error in report.errors[:500]:
            table.add_row(str(error.line), error.field or "", error.message)
        console.print(table)
        console.print("[red]Nothing was written[/red]: correct the rows.", soft_wrap=True)
        raise typer.Exit(1)
    console.print(
        f"{report.rows} rows: {report.imported} movements imported,"
        f" {report.duplicates} already in the cash book (read as {report.encoding or 'xlsx'}).",
        soft_wrap=True,
        highlight=False,
    )


@economy_app.command("post-sales")
def economy_post_sales(
    coop: Annotated[str, typer.Option("--coop", help="Slug of the cooperative.")],
) -> None:
    """Post to the cash book the sales of the commons not yet in it (idempotent)."""
    _django(development=False)
    from comunitas.economy.cashbook.services import sales_pending_frozen, sales_post_pending

    cooperative = _coop(coop)
    posted = sales_post_pending(coop=cooperative)
    console.print(f"{posted} sales posted to the cash book.", soft_wrap=True, highlight=False)
    frozen = sales_pending_frozen(coop=cooperative)
    if frozen:
        console.print(
            f"[yellow]{frozen} sales skipped[/yellow]: their year is closed.",
            soft_wrap=True,
            highlight=False,
        )


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def manage(ctx: typer.Context) -> None:
    """Run a Django management command, e.g. ``comunitas manage createsuperuser``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comunitas.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["comunitas manage", *ctx.args])


def main() -> None:
    app(prog_name="comunitas")
