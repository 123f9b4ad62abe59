"""Photos and documents of a resource: what an upload must be, where it goes, who gets it back."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from comunitas.commons.files import services as files_services
from comunitas.commons.models import ResourceFile
from comunitas.core.errors import ValidationError
from comunitas.core.models import AuditEntry
from tests.commons.files.matrix import add
from tests.helpers import make_resource

MB = 1024 * 1024


# --- files as a camera, a scanner or an office suite makes them ---------------------------------
def image_bytes(fmt: str = "JPEG", size=(8, 6)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 60)).save(buffer, fmt)
    return buffer.getvalue()


PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def zip_bytes(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return buffer.getvalue()


def odt_bytes(mimetype: bytes = b"application/vnd.oasis.opendocument.text") -> bytes:
    return zip_bytes([("mimetype", mimetype), ("content.xml", b"<office:document-content/>")])


def docx_bytes(*extra: str) -> bytes:
    names = ["[Content_Types].xml", "word/document.xml", *extra]
    return zip_bytes([(name, b"<x/>") for name in names])


def xlsx_bytes() -> bytes:
    return zip_bytes([(n, b"<x/>") for n in ["[Content_Types].xml", "xl/workbook.xml"]])


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def resource(people):
    return make_resource(people["coop"], people["admin"], is_public=True)


# --- the type comes from the first bytes --------------------------------------------------------
@pytest.mark.parametrize(
    ("content", "content_type", "kind"),
    [
        (image_bytes("JPEG"), "image/jpeg", "photo"),
        (image_bytes("PNG"), "image/png", "photo"),
        (image_bytes("WEBP"), "image/webp", "photo"),
        (PDF_BYTES, "application/pdf", "document"),
        (odt_bytes(), "application/vnd.oasis.opendocument.text", "document"),
        (
            odt_bytes(b"application/vnd.oasis.opendocument.spreadsheet"),
            "application/vnd.oasis.opendocument.spreadsheet",
            "document",
        ),
        (
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "document",
        ),
        (
            xlsx_bytes(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "document",
        ),
    ],
)
def test_accepted_types_are_recognised_by_content_whatever_the_name(
    people, resource, settings, content, content_type, kind
):
    # The name and the browser's type lie; the stored type is what the bytes are.
    item = files_services.resource_file_add(
        actor=people["staff"],
        resource=resource,
        upload=upload("holiday.exe", content, "text/html"),
        title="  Deed   2018 ",
        is_public=False,
    )
    assert (item.content_type, item.kind, item.title) == (content_type, kind, "Deed 2018")
    assert item.size == len(content) and item.original_name == "holiday.exe"
    on_disk = stored_files(settings)
    assert len(on_disk) == 1 and on_disk[0].read_bytes() == content
    # Stored under the cooperative and the resource, named by the random token only.
    assert item.file.name == f"commons/{people['coop'].pk}/{resource.pk}/{item.token}"
    assert len(item.token) == 40 and "exe" not in item.file.name


REFUSED = {
    "an .exe renamed .pdf": ("deed.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200),
    "an SVG with script": (
        "photo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    ),
    "an SVG named .png": ("photo.png", b'<?xml version="1.0"?><svg></svg>'),
    "an HTML page": ("page.pdf", b"<!doctype html><html><script>alert(1)</script></html>"),
    "HTML after a BOM": ("page.jpg", b"\xef\xbb\xbf<html></html>"),
    "a GIF": ("anim.gif", b"GIF89a" + b"\x00" * 40),
    "a plain ZIP": ("archive.docx", zip_bytes([("readme.txt", b"hello")])),
    "a DOCX with macros": ("macro.docx", docx_bytes("word/vbaProject.bin")),
    "an ODF of another kind": (
        "draw.odt",
        odt_bytes(b"application/vnd.oasis.opendocument.graphics"),
    ),
    "a broken ZIP": ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 100),
    "a JPEG header on garbage": ("photo.jpg", b"\xff\xd8\xff\xe0" + b"not really" * 20),
    "a PNG header on garbage": ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 60),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_forbidden_types_are_refused_and_nothing_is_kept(people, resource, settings, case):
    name, content = REFUSED[case]
    with pytest.raises(ValidationError) as refused:
        add(resource, people["staff"], content, name=name)
    assert refused.value.errors[0].field == "file"
    message = refused.value.errors[0].message
    assert "not accepted" in message or "damaged" in message
    assert not ResourceFile.objects.exists()
    assert stored_files(settings) == []
    assert not AuditEntry.objects.filter(action="resource_file.add").exists()


def test_a_photo_whose_bytes_say_png_but_pillow_reads_jpeg_is_refused(people, resource, settings):
    # A polyglot: a PNG signature glued on a JPEG.
    with pytest.raises(ValidationError):
        add(resource, people["staff"], b"\x89PNG\r\n\x1a\n" + image_bytes("JPEG"))
    assert stored_files(settings) == []


def test_sizes_empty_and_title(people, resource, settings):
    staff = people["staff"]
    cases = [
        (b"", "A title", "file", "The file is empty."),
        (image_bytes("PNG") + b"\x00" * (5 * MB), "A title", "file", "A photo may be at most 5 MB"),
        (PDF_BYTES + b"\x00" * (10 * MB), "A title", "file", "larger than 10 MB"),
        (PDF_BYTES, "   ", "title", "Give the file a title."),
        (PDF_BYTES, "x" * 201, "title", "at most 200 characters"),
    ]
    for content, title, field, words in cases:
        with pytest.raises(ValidationError) as refused:
            add(resource, staff, content, title=title)
        assert refused.value.errors[0].field == field
        assert words in refused.value.errors[0].message
    with pytest.raises(ValidationError) as missing:
        files_services.resource_file_add(
            actor=staff, resource=resource, upload=None, title="A title"
        )
    assert missing.value.errors[0].message == "Choose a file to upload."
    # A document exactly at the limit passes, and so does a photo at 5 MB.
    add(resource, staff, PDF_BYTES + b"\x00" * (10 * MB - len(PDF_BYTES)))
    png = image_bytes("PNG")
    add(resource, staff, png + b"\x00" * (5 * MB - len(png)))
    assert ResourceFile.objects.count() == 2 and len(stored_files(settings)) == 2


def test_only_photos_can_be_public(people, resource, settings):
    with pytest.raises(ValidationError) as refused:
        add(resource, people["staff"], PDF_BYTES, is_public=True)
    assert refused.value.errors[0].field == "is_public"
    assert stored_files(settings) == []
    doc = add(resource, people["staff"], PDF_BYTES)
    with pytest.raises(ValidationError):
        files_services.resource_file_update(actor=people["staff"], item=doc, is_public=True)
    assert not ResourceFile.objects.get(pk=doc.pk).is_public


def test_original_name_keeps_no_folders_and_stored_name_is_never_it(people, resource):
    item = add(resource, people["staff"], PDF_BYTES, name="../../etc/passwd\x07.pdf")
    assert item.original_name == "passwd.pdf"
    assert ".." not in item.file.name and "passwd" not in item.file.name
    windows = add(resource, people["staff"], PDF_BYTES, name="C:\\Users\\me\\deed.pdf")
    assert windows.original_name == "deed.pdf"


def test_a_failing_insert_removes_the_stored_bytes(people, resource, settings, monkeypatch):
    def broken_audit(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(files_services, "audit_record", broken_audit)
    with pytest.raises(RuntimeError):
        add(resource, people["staff"], PDF_BYTES)
    assert stored_files(settings) == [] and not ResourceFile.objects.exists()


def test_upload_update_and_delete_are_audited_and_delete_removes_bytes_on_commit(
    people, resource, settings, django_capture_on_commit_callbacks
):
    staff = people["staff"]
    photo = add(resource, staff, image_bytes(), title="Front")
    entry = AuditEntry.objects.get(action="resource_file.add")
    assert entry.actor == staff and entry.changes["file.title"]["after"] == "Front"
    files_services.resource_file_update(actor=staff, item=photo, title="Façade", is_public=True)
    changed = AuditEntry.objects.get(action="resource_file.update")
    assert changed.changes == {
        "file.is_public": {"before": False, "after": True},
        "file.title": {"before": "Front", "after": "Façade"},
    }
    with django_capture_on_commit_callbacks(execute=True):
        files_services.resource_file_delete(actor=staff, item=photo)
    assert not ResourceFile.objects.exists() and stored_files(settings) == []
    assert AuditEntry.objects.filter(action="resource_file.delete").count() == 1


def test_download_name_is_safe_and_made_from_the_title(people, resource):
    item = add(
        resource, people["staff"], PDF_BYTES, title='Deed "2018"/../; rm -rf ü', name="x.exe"
    )
    assert files_services.download_name(item) == "deed-2018-rm-rf-u.pdf"
    untitled = add(resource, people["staff"], image_bytes("PNG"), title="🙂")
    assert files_services.download_name(untitled) == "file.png"


# --- who gets a file back -----------------------------------------------------------------------
@pytest.fixture
def shelf(people, resource):
    """On a public resource: a public photo, a photo for the cooperative only and a document;
    on a resource not shown publicly: a photo marked public."""
    staff = people["staff"]
    hidden_resource = make_resource(people["coop"], people["admin"], name="Store", is_public=False)
    return {
        "public_photo": add(resource, staff, image_bytes(), title="Public view", is_public=True),
        "inner_photo": add(resource, staff, image_bytes("PNG"), title="Damp cellar"),
        "document": add(resource, staff, PDF_BYTES, title="Concession deed"),
        "sheet": add(resource, staff, xlsx_bytes(), title="Inventory"),
        "hidden_photo": add(hidden_resource, staff, image_bytes(), title="Store", is_public=True),
    }


WHO = ["anonymous", "stranger", "resident", "member", "staff", "admin"]
# Who may open each file: on a public cooperative / on a private one.
SEES = {
    "public_photo": ({*WHO}, {"resident", "member", "staff", "admin"}),
    "inner_photo": ({"resident", "member", "staff", "admin"},) * 2,
    "hidden_photo": ({"resident", "member", "staff", "admin"},) * 2,
    "document": ({"staff", "admin"},) * 2,
    "sheet": ({"staff", "admin"},) * 2,
}


@pytest.mark.parametrize("public", [True, False], ids=["public coop", "private coop"])
def test_every_caller_gets_exactly_the_files_they_may_see(client, people, shelf, public):
    coop = people["coop"]
    type(coop).objects.filter(pk=coop.pk).update(is_public=public)
    for who in WHO:
        client.logout()
        if who != "anonymous":
            client.force_login(people[who])
        for name, item in shelf.items():
            allowed = SEES[name][0 if public else 1]
            response = client.get(f"/c/alpha/commons/files/{item.pk}/")
            api = client.get(f"/api/v1/coops/alpha/commons/files/{item.pk}/download")
            expected = 200 if who in allowed else 404
            assert (response.status_code, api.status_code) == (expected, expected), (who, name)
            if expected == 200:
                assert b"".join(response.streaming_content) == item.file.open("rb").read()
                item.file.close()


def test_files_of_another_cooperative_are_not_found(client, people, shelf):
    client.force_login(people["stranger"])  # admin of "beta"
    item = shelf["document"]
    assert client.get(f"/c/beta/commons/files/{item.pk}/").status_code == 404
    assert client.get(f"/api/v1/coops/beta/commons/files/{item.pk}").status_code == 404
    assert client.post(f"/c/beta/commons/files/{item.pk}/delete/").status_code == 404
    assert ResourceFile.objects.filter(pk=item.pk).exists()


def test_served_with_real_type_nosniff_and_safe_disposition(client, people, shelf):
    client.force_login(people["staff"])
    photo = client.get(f"/c/alpha/commons/files/{shelf['public_photo'].pk}/")
    assert photo["Content-Type"] == "image/jpeg"
    assert photo["X-Content-Type-Options"] == "nosniff"
    assert photo["Content-Disposition"] == 'inline; filename="public-view.jpg"'
    assert "private" in photo["Cache-Control"]
    pdf = client.get(f"/c/alpha/commons/files/{shelf['document'].pk}/")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'inline; filename="concession-deed.pdf"'
    sheet = client.get(f"/api/v1/coops/alpha/commons/files/{shelf['sheet'].pk}/download")
    assert sheet["Content-Type"].startswith("application/vnd.openxmlformats")
    assert sheet["Content-Disposition"] == 'attachment; filename="inventory.xlsx"'
    assert sheet["X-Content-Type-Options"] == "nosniff"


def test_media_is_not_served_by_any_url(client, people, shelf, settings):
    client.force_login(people["admin"])
    item = shelf["document"]
    for url in (f"/{item.file.name}", f"/media/{item.file.name}", f"/static/{item.file.name}"):
        assert client.get(url).status_code == 404


def test_a_file_missing_on_disk_is_a_404_not_a_500(client, people, shelf):
    item = shelf["document"]
    item.file.storage.delete(item.file.name)
    client.force_login(people["admin"])
    assert client.get(f"/c/alpha/commons/files/{item.pk}/").status_code == 404
