"""Photos and documents through the pages and the API."""

from __future__ import annotations

import base64
import json

import pytest

from comunitas.commons.models import ResourceFile
from tests.commons.files.matrix import add
from tests.commons.files.test_files import (
    PDF_BYTES,
    image_bytes,
    stored_files,
    upload,
    xlsx_bytes,
)
from tests.helpers import make_resource


@pytest.fixture
def resource(people):
    return make_resource(people["coop"], people["admin"], name="Cinema", is_public=True)


# --- pages --------------------------------------------------------------------------------------
def test_staff_upload_a_photo_from_the_page(client, people, resource, settings):
    client.force_login(people["staff"])
    form = client.get(f"/c/alpha/commons/{resource.pk}/files/new/")
    assert form.status_code == 200 and b'enctype="multipart/form-data"' in form.content
    response = client.post(
        f"/c/alpha/commons/{resource.pk}/files/new/",
        {"title": "Screen 1", "is_public": "on", "file": upload("s.jpg", image_bytes())},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/c/alpha/commons/{resource.pk}/#files"
    item = ResourceFile.objects.get()
    assert (item.title, item.kind, item.is_public, item.uploaded_by) == (
        "Screen 1",
        "photo",
        True,
        people["staff"],
    )
    assert len(stored_files(settings)) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "Deed", "file": upload("deed.pdf", b"MZ" + b"\x00" * 99)}, "not accepted"),
        ({"title": "Deed", "file": upload("deed.pdf", b"")}, "The file is empty."),
        ({"title": "", "file": upload("deed.pdf", PDF_BYTES)}, "Give the file a title."),
        ({"title": "Deed"}, "Choose a file to upload."),
        (
            {"title": "Deed", "file": upload("d.svg", b"<svg onload='alert(1)'/>")},
            "not accepted",
        ),
    ],
)
def test_a_refused_upload_shows_the_message_and_keeps_nothing(
    client, people, resource, settings, data, message
):
    client.force_login(people["admin"])
    response = client.post(f"/c/alpha/commons/{resource.pk}/files/new/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ResourceFile.objects.exists() and stored_files(settings) == []


def test_resource_page_shows_each_caller_what_they_may_see(client, people, resource):
    staff = people["staff"]
    add(resource, staff, image_bytes(), title="Public view", is_public=True)
    add(resource, staff, image_bytes("PNG"), title="Damp cellar")
    add(resource, staff, PDF_BYTES, title="Concession deed")
    url = f"/c/alpha/commons/{resource.pk}/"

    def page(who):
        client.logout()
        if who:
            client.force_login(people[who])
        return client.get(url).content.decode()

    visitor = page(None)
    assert "Public view" in visitor
    assert "Damp cellar" not in visitor and "Concession deed" not in visitor
    assert "Add a photo or document" not in visitor
    for who in ("resident", "member"):
        seen = page(who)
        assert "Public view" in seen and "Damp cellar" in seen
        assert "Concession deed" not in seen and "Remove" not in seen
    for who in ("staff", "admin"):
        seen = page(who)
        assert all(t in seen for t in ("Public view", "Damp cellar", "Concession deed"))
        assert "Add a photo or document" in seen and "Hide from visitors" in seen


def test_resource_page_without_visible_photos_has_no_gallery(client, people, resource):
    add(resource, people["staff"], image_bytes(), title="Inner")
    assert "Photos" not in client.get(f"/c/alpha/commons/{resource.pk}/").content.decode()
    client.force_login(people["staff"])
    empty = make_resource(people["coop"], people["admin"], name="Empty")
    assert (
        "No photo or document yet" in client.get(f"/c/alpha/commons/{empty.pk}/").content.decode()
    )


def test_staff_hide_show_and_remove_from_the_page(
    client, people, resource, settings, django_capture_on_commit_callbacks
):
    photo = add(resource, people["staff"], image_bytes(), title="View")
    client.force_login(people["staff"])
    shown = client.post(f"/c/alpha/commons/files/{photo.pk}/edit/", {"is_public": "true"})
    assert shown.status_code == 302 and ResourceFile.objects.get(pk=photo.pk).is_public
    client.post(f"/c/alpha/commons/files/{photo.pk}/edit/", {"is_public": "false"})
    assert not ResourceFile.objects.get(pk=photo.pk).is_public
    renamed = client.post(f"/c/alpha/commons/files/{photo.pk}/edit/", {"title": "Hall"})
    assert renamed.status_code == 302 and ResourceFile.objects.get(pk=photo.pk).title == "Hall"
    doc = add(resource, people["staff"], PDF_BYTES, title="Deed")
    refused = client.post(
        f"/c/alpha/commons/files/{doc.pk}/edit/", {"is_public": "true"}, follow=True
    )
    assert "Only photos can be shown to visitors" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        gone = client.post(f"/c/alpha/commons/files/{doc.pk}/delete/")
    assert gone.status_code == 302 and not ResourceFile.objects.filter(pk=doc.pk).exists()
    assert len(stored_files(settings)) == 1


# --- API ----------------------------------------------------------------------------------------
FILE_KEYS = {
    "id",
    "resource_id",
    "kind",
    "title",
    "content_type",
    "size",
    "is_public",
    "uploaded_at",
    "synthetic",
    "filename",
    "download_url",
}


def test_api_upload_as_multipart_and_as_json(client, people, resource, settings):
    client.force_login(people["staff"])
    url = f"/api/v1/coops/alpha/commons/{resource.pk}/files"
    multipart = client.post(
        url, {"file": upload("plan.pdf", PDF_BYTES), "title": "Floor plan", "is_public": "false"}
    )
    assert multipart.status_code == 201, multipart.content
    body = multipart.json()
    assert set(body) == FILE_KEYS
    assert body["kind"] == "document" and body["filename"] == "floor-plan.pdf"
    assert body["content_type"] == "application/pdf" and body["size"] == len(PDF_BYTES)
    as_json = client.post(
        url,
        json.dumps(
            {
                "title": "Entrance",
                "is_public": True,
                "filename": "entrance.png",
                "content_base64": base64.b64encode(image_bytes("PNG")).decode(),
            }
        ),
        content_type="application/json",
    )
    assert as_json.status_code == 201, as_json.content
    assert as_json.json()["kind"] == "photo" and as_json.json()["is_public"]
    download = client.get(as_json.json()["download_url"])
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    assert len(stored_files(settings)) == 2


@pytest.mark.parametrize(
    ("send", "field"),
    [
        (
            lambda c, url: c.post(url, {"file": upload("a.html", b"<html>")} | {"title": "x"}),
            "file",
        ),
        (lambda c, url: c.post(url, {"file": upload("a.pdf", PDF_BYTES)}), "title"),
        (lambda c, url: c.post(url, {"title": "No file"}), "file"),
        (
            lambda c, url: c.post(
                url,
                json.dumps({"title": "x", "content_base64": "not base64!"}),
                content_type="application/json",
            ),
            "content_base64",
        ),
        (
            lambda c, url: c.post(
                url,
                json.dumps({"title": "x", "content_base64": base64.b64encode(b"MZ\x00").decode()}),
                content_type="application/json",
            ),
            "file",
        ),
        (
            lambda c, url: c.post(
                url, json.dumps({"title": "x", "colour": "red"}), content_type="application/json"
            ),
            "colour",
        ),
    ],
)
def test_api_refused_uploads_answer_422_and_keep_nothing(
    client, people, resource, settings, send, field
):
    client.force_login(people["admin"])
    response = send(client, f"/api/v1/coops/alpha/commons/{resource.pk}/files")
    assert response.status_code == 422, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"} and body["errors"][0]["field"] == field
    assert not ResourceFile.objects.exists() and stored_files(settings) == []


def test_api_json_upload_too_large_for_a_body_says_use_multipart(
    client, people, resource, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    client.force_login(people["admin"])
    response = client.post(
        f"/api/v1/coops/alpha/commons/{resource.pk}/files",
        json.dumps({"title": "x", "content_base64": base64.b64encode(PDF_BYTES * 3).decode()}),
        content_type="application/json",
    )
    assert response.status_code == 422 and "multipart" in response.json()["errors"][0]["message"]


def test_api_list_filters_by_caller(client, people, resource):
    staff = people["staff"]
    add(resource, staff, image_bytes(), title="Public view", is_public=True)
    add(resource, staff, image_bytes("PNG"), title="Damp cellar")
    add(resource, staff, PDF_BYTES, title="Deed")
    add(resource, staff, xlsx_bytes(), title="Inventory")
    url = f"/api/v1/coops/alpha/commons/{resource.pk}/files"

    def titles(who):
        client.logout()
        if who:
            client.force_login(people[who])
        body = client.get(url).json()
        assert set(body) == {"items", "count"}
        return sorted(item["title"] for item in body["items"])

    assert titles(None) == ["Public view"]
    assert titles("stranger") == ["Public view"]
    assert titles("resident") == ["Damp cellar", "Public view"]
    assert titles("member") == ["Damp cellar", "Public view"]
    assert titles("staff") == ["Damp cellar", "Deed", "Inventory", "Public view"]
    hidden = make_resource(people["coop"], people["admin"], name="Store", is_public=False)
    client.logout()
    assert client.get(f"/api/v1/coops/alpha/commons/{hidden.pk}/files").status_code == 404


def test_api_list_is_a_constant_number_of_queries(
    client, people, resource, django_assert_num_queries
):
    for n in range(3):
        add(resource, people["staff"], image_bytes(), title=f"Photo {n}", is_public=True)
    client.force_login(people["staff"])
    url = f"/api/v1/coops/alpha/commons/{resource.pk}/files"
    # session, user, coop, roles, resource, count, files with their resource and coop
    with django_assert_num_queries(7):
        assert client.get(url).json()["count"] == 3
    for n in range(5):
        add(resource, people["staff"], PDF_BYTES, title=f"Doc {n}")
    with django_assert_num_queries(7):
        assert client.get(url).json()["count"] == 8


def test_api_get_patch_delete(
    client, people, resource, settings, django_capture_on_commit_callbacks
):
    photo = add(resource, people["staff"], image_bytes(), title="View")
    client.force_login(people["admin"])
    url = f"/api/v1/coops/alpha/commons/files/{photo.pk}"
    assert client.get(url).json()["title"] == "View"
    patched = client.patch(url, json.dumps({"is_public": True}), content_type="application/json")
    assert patched.status_code == 200 and patched.json()["is_public"] is True
    assert patched.json()["title"] == "View"
    bad = client.patch(url, json.dumps({"title": " "}), content_type="application/json")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "title"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404 and stored_files(settings) == []


def test_large_uploads_through_http_go_through_temporary_files(client, people, resource, settings):
    # Above FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) Django writes the upload to a temporary file.
    client.force_login(people["staff"])
    url = f"/c/alpha/commons/{resource.pk}/files/new/"
    big = PDF_BYTES + b"\x00" * (3 * 1024 * 1024)
    assert client.post(url, {"title": "Plan", "file": upload("p.pdf", big)}).status_code == 302
    too_big = PDF_BYTES + b"\x00" * (10 * 1024 * 1024)
    refused = client.post(url, {"title": "Plan", "file": upload("p.pdf", too_big)})
    assert "larger than 10 MB" in refused.content.decode()
    assert ResourceFile.objects.count() == 1 and len(stored_files(settings)) == 1
    assert stored_files(settings)[0].stat().st_size == len(big)
