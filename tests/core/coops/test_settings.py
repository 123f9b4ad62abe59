"""Settings: production is safe by default and configuration mistakes stop start-up clearly."""

import os
import subprocess
import sys

import pytest

from comunitas.config import ConfigurationError, database_from_url, env_bool, load_env_file

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x7#Qk2p!Lr9w@Zt4m$Vb8n&Hc3j*Fd6s^Gy1u(Pe5o)Ai0q-Wl_Kx+Rz=Ty",
    "ALLOWED_HOSTS": "comunitas.example.org",
}


def run_django(tmp_path, env: dict, *args: str) -> subprocess.CompletedProcess:
    """Start Django in a fresh process with only ``env`` on top of a clean environment."""
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}
    }
    clean.update(DJANGO_SETTINGS_MODULE="comunitas.settings", COMUNITAS_VAR_DIR=str(tmp_path))
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        env=clean,
        cwd=tmp_path,  # away from the checkout's development .env
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_with_production_variables(tmp_path):
    result = run_django(tmp_path, PRODUCTION, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_with_postgres_url_is_clean(tmp_path):
    env = {**PRODUCTION, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test"}
    result = run_django(tmp_path, env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DEBUG": "false", "SECRET_KEY": ""}, "SECRET_KEY is not set"),
        (
            {**PRODUCTION, "DATABASE_URL": "postgres://u@host:port/db"},
            "DATABASE_URL is not a valid",
        ),
        ({**PRODUCTION, "DATABASE_URL": "nonsense"}, "DATABASE_URL is not a valid"),
        ({**PRODUCTION, "DATABASE_URL": "mysql://u@h/db"}, "PostgreSQL or SQLite"),
        ({**PRODUCTION, "DEBUG": "maybe"}, "DEBUG must be true or false"),
    ],
)
def test_bad_configuration_stops_with_one_sentence(tmp_path, env, expected):
    result = run_django(tmp_path, env, "check")
    assert result.returncode != 0
    message = result.stderr.strip()
    assert expected in message
    assert "Traceback" not in message
    assert len(message.splitlines()) == 1


def test_database_url_gives_persistent_postgres_connections():
    config = database_from_url("postgres://app:secret@db.internal:5433/coop", conn_max_age=600)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.internal", 5433, "coop")
    assert config["CONN_MAX_AGE"] == 600
    assert config["CONN_HEALTH_CHECKS"] is True


def test_database_url_without_a_name_is_refused():
    with pytest.raises(ConfigurationError, match="names no database"):
        database_from_url("postgres://app@db.internal:5432/", conn_max_age=0)


@pytest.mark.parametrize(
    ("raw", "value"), [("1", True), ("YES", True), ("off", False), ("", False)]
)
def test_booleans_are_parsed_strictly(monkeypatch, raw, value):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG", default=False) is value


SHOW = (
    "from django.conf import settings as s; "
    "print(s.EMAIL_BACKEND); print(s.DATABASES['default']['NAME'])"
)


def test_development_defaults(tmp_path):
    """Without production variables: SQLite under the var directory, e-mail on the console."""
    result = run_django(tmp_path, {"DEBUG": "true"}, "shell", "-c", SHOW)
    backend, database = result.stdout.splitlines()[-2:]
    assert backend == "django.core.mail.backends.console.EmailBackend"
    assert database == str(tmp_path / "comunitas.sqlite3")


def test_smtp_when_a_mail_host_is_set(tmp_path):
    env = {**PRODUCTION, "EMAIL_HOST": "smtp.example.org"}
    result = run_django(tmp_path, env, "shell", "-c", SHOW)
    assert result.stdout.splitlines()[-2] == "django.core.mail.backends.smtp.EmailBackend"


def test_passwords_need_twelve_characters(settings):
    lengths = [
        v["OPTIONS"]["min_length"]
        for v in settings.AUTH_PASSWORD_VALIDATORS
        if v["NAME"].endswith("MinimumLengthValidator")
    ]
    assert lengths == [12]


def test_a_checkouts_env_file_sets_defaults_and_the_environment_wins(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("# comment\nCOMUNITAS_A=from-file\nCOMUNITAS_B='quoted'\n")
    monkeypatch.setenv("COMUNITAS_A", "from-environment")
    monkeypatch.delenv("COMUNITAS_B", raising=False)
    load_env_file(tmp_path / ".env")
    assert os.environ["COMUNITAS_A"] == "from-environment"
    assert os.environ.pop("COMUNITAS_B") == "quoted"
    (tmp_path / ".env").write_text("not a setting\n")
    with pytest.raises(ConfigurationError, match="line 1"):
        load_env_file(tmp_path / ".env")


def test_the_development_env_file_turns_debug_on(tmp_path):
    (tmp_path / ".env").write_text("DEBUG=true\n")
    result = run_django(
        tmp_path, {}, "shell", "-c", "from django.conf import settings; print(settings.DEBUG)"
    )
    assert result.stdout.splitlines()[-1] == "True"
