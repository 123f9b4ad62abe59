"""The comunitas command."""

import os
import sqlite3
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from comunitas.cli import DEFAULT_DEMO_PASSWORD, DEMO_USERNAME, app

runner = CliRunner()


def test_demo_prepares_a_fresh_sqlite_database_and_prints_the_login(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    env["COMUNITAS_VAR_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "comunitas", "demo", "--no-serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "http://127.0.0.1:8000/" in result.stdout
    assert DEMO_USERNAME in result.stdout and DEFAULT_DEMO_PASSWORD in result.stdout
    # Each cooperative's logins, one per role.
    for login in ("brigi.presidente", "brigi.staff", "la-paranza.socio", "ri-maflow.residente"):
        assert login in result.stdout
    with sqlite3.connect(tmp_path / "comunitas.sqlite3") as database:
        coops = database.execute("select count(*) from core_cooperative where is_demo").fetchone()
        towns = database.execute("select count(*) from core_municipality").fetchone()
    assert coops == (5,) and towns[0] > 7800


@pytest.mark.django_db
def test_check_reports_a_healthy_installation(settings):
    settings.DEBUG = True  # the test settings are development ones
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    assert "territory" in result.output and "problem" not in result.output


@pytest.mark.django_db
def test_check_fails_without_territory(settings):
    from comunitas.core.models import Municipality, Postcode

    settings.DEBUG = True
    Postcode.objects.all().delete()
    Municipality.objects.all().delete()
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    assert "load-territory" in result.output


@pytest.mark.django_db
def test_load_demo_command_is_idempotent(territory):
    first = runner.invoke(app, ["load-demo"])
    second = runner.invoke(app, ["load-demo"])
    assert first.exit_code == second.exit_code == 0
    assert "5 cooperatives created" in first.output
    assert "0 cooperatives created, 5 already present" in second.output
