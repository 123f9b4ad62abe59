"""Reading the environment for settings: strict, and failing with one clear sentence.

A configuration mistake must stop start-up with a sentence an operator can act on, not a
traceback, so every problem raises ``ConfigurationError`` (a ``SystemExit`` carrying the sentence).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}
SUPPORTED_DATABASES = {"django.db.backends.postgresql", "django.db.backends.sqlite3"}


class ConfigurationError(SystemExit):
    """Start-up stops, printing only this sentence."""

    def __init__(self, sentence: str) -> None:
        super().__init__(f"Comunitas configuration error: {sentence}")


def load_env_file(path: Path) -> None:
    """Read ``KEY=value`` lines from a local, untracked file (a development checkout's ``.env``
    written by ``make``); variables already in the environment win."""
    if not path.is_file():
        return
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise ConfigurationError(f"{path.name} line {number} is not KEY=value: {line!r}.")
        os.environ.setdefault(key.strip(), value.strip().strip("\"'"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigurationError(f"{name} must be true or false (1/0, yes/no, on/off), not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_url(url: str, *, conn_max_age: int) -> dict[str, Any]:
    """Parse DATABASE_URL into Django's DATABASES entry; PostgreSQL or SQLite only."""
    example = "postgres://user:password@host:5432/name"
    try:
        config = dj_database_url.parse(
            url, conn_max_age=conn_max_age, conn_health_checks=conn_max_age > 0
        )
    except Exception:  # the library raises several types; all mean the same to an operator
        raise ConfigurationError(
            f"DATABASE_URL is not a valid database URL (expected e.g. {example})."
        ) from None
    if config.get("ENGINE") not in SUPPORTED_DATABASES:
        raise ConfigurationError(
            f"DATABASE_URL must point to PostgreSQL or SQLite (e.g. {example})."
        )
    if not config.get("NAME"):
        raise ConfigurationError(f"DATABASE_URL names no database (expected e.g. {example}).")
    return config
