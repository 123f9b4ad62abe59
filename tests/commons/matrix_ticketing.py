"""Placeholder rows of the permission matrix (tests/core/test_permissions.py)."""

PATH_IDS: list[str] = []
WEB: list = []
API: list = []


def ids(people) -> dict[str, int]:
    return {}
