"""The ``comunitas`` command: demo, serve, load the territory and the demo, check, manage."""

from __future__ import annotations

import os

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
    from comunitas.core.territory import territory_load

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
    if serve_after:
        _runserver(host, port, reload=False)


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


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def manage(ctx: typer.Context) -> None:
    """Run a Django management command, e.g. ``comunitas manage createsuperuser``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comunitas.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["comunitas manage", *ctx.args])


def main() -> None:
    app(prog_name="comunitas")
