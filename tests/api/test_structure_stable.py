"""What clients and visitors rely on does not move when the code does: the OpenAPI document
(paths, methods, parameters, schemas and operation ids) and the page URLs stay as recorded.

The snapshots were taken before the code was rearranged into capability packages (issue 16).
A deliberate change to the API or to a page's address updates them in the same commit:
``python -m tests.api.test_structure_stable`` rewrites both files."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

SNAPSHOTS = Path(__file__).parent / "snapshots"
OPENAPI = SNAPSHOTS / "openapi.json"
PAGE_ROUTES = SNAPSHOTS / "page_routes.txt"
NOT_PAGES = ("api/", "admin/")


def openapi_document() -> dict:
    from comunitas.api import api

    # Through JSON, as a client reads it (lazy translations and tuples become plain values).
    return json.loads(json.dumps(api.get_openapi_schema(), default=str))


def page_routes(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    """Every page's route as a visitor types it, whatever the module or namespace behind it."""
    routes = []
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(NOT_PAGES):
            continue
        if isinstance(entry, URLResolver):
            routes += page_routes(entry, route)
        elif isinstance(entry, URLPattern):
            routes.append(route)
    return sorted(routes)


def test_the_openapi_document_is_unchanged():
    assert openapi_document() == json.loads(OPENAPI.read_text())


def test_operation_ids_are_short_and_unique():
    ids = [op["operationId"] for ops in openapi_document()["paths"].values() for op in ops.values()]
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    assert not [i for i in ids if i.startswith("comunitas_")]


def test_each_api_path_is_answered_by_one_pattern():
    """A path whose methods were split between two routers would answer 405 to the methods of
    the second: Django stops at the first pattern that matches."""
    from comunitas.api import api

    paths = [path for _prefix, router in api._routers for path in router.path_operations]
    assert [path for path, n in Counter(paths).items() if n > 1] == []


def test_page_addresses_are_unchanged():
    assert page_routes() == PAGE_ROUTES.read_text().splitlines()


if __name__ == "__main__":  # rewrite the snapshots after a deliberate change
    import django

    django.setup()
    OPENAPI.write_text(json.dumps(openapi_document(), indent=1, sort_keys=True) + "\n")
    PAGE_ROUTES.write_text("\n".join(page_routes()) + "\n")
