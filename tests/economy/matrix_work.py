"""The economy's work rows of the permission matrix (tests/core/test_permissions.py)."""

from __future__ import annotations

PATH_IDS: list[str] = []
WEB: list = []
API: list = []


def ids(people) -> dict[str, int]:
    return {}
