"""Photos and documents of a common resource: the checks an upload passes and where it is stored;
adding, renaming, showing or hiding and removing a file (who may see it:
``commons.files.selectors``).

The type of a file is read from its first bytes (its magic number), never from its name or the
content type the browser sends: an ``.exe`` renamed ``.pdf``, an SVG or an HTML page (which a
browser would run as script) are refused whatever they claim to be. The stored name is a random
token (``ResourceFile.token``, see the model's ``upload_to``), never the uploader's name, and
the files live under MEDIA_ROOT, which no URL serves: ``files.views.file_serve`` and the API's
download hand them out after asking ``files.selectors.can_see``."""

from __future__ import annotations

import secrets
import zipfile
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image

from comunitas.commons.models import CommonResource, ResourceFile, ResourceFileKind
from comunitas.core.audit import audit_record, snapshot
from comunitas.core.errors import ValidationError
from comunitas.core.kernel.edits import locked
from comunitas.core.kernel.types import Actor, user_of

MB = 1024 * 1024
PHOTO_MAX_BYTES = 5 * MB
DOCUMENT_MAX_BYTES = 10 * MB
# Bytes read to recognise a type; office files are ZIP archives whose directory is read too.
HEAD_BYTES = 64
TITLE_MAX = 200
FILE_FIELDS = ["title", "kind", "content_type", "size", "is_public", "original_name"]


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    kind: str
    label: str

    @property
    def inline(self) -> bool:
        """Shown in the browser (photos, PDF); office files are downloaded."""
        return self.kind == ResourceFileKind.PHOTO or self.extension == "pdf"


JPEG = FileType("image/jpeg", "jpg", ResourceFileKind.PHOTO, "JPEG")
PNG = FileType("image/png", "png", ResourceFileKind.PHOTO, "PNG")
WEBP = FileType("image/webp", "webp", ResourceFileKind.PHOTO, "WebP")
PDF = FileType("application/pdf", "pdf", ResourceFileKind.DOCUMENT, "PDF")
ODT = FileType("application/vnd.oasis.opendocument.text", "odt", ResourceFileKind.DOCUMENT, "ODT")
ODS = FileType(
    "application/vnd.oasis.opendocument.spreadsheet", "ods", ResourceFileKind.DOCUMENT, "ODS"
)
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docx",
    ResourceFileKind.DOCUMENT,
    "DOCX",
)
XLSX = FileType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xlsx",
    ResourceFileKind.DOCUMENT,
    "XLSX",
)
TYPES = {t.content_type: t for t in (JPEG, PNG, WEBP, PDF, ODT, ODS, DOCX, XLSX)}
# MPO: the JPEG with several pictures that many cameras write.
PILLOW_FORMATS = {"JPEG": JPEG, "MPO": JPEG, "PNG": PNG, "WEBP": WEBP}
OPEN_DOCUMENT = {ODT.content_type: ODT, ODS.content_type: ODS}


def accepted_types() -> str:
    """The accepted types, for help texts and messages."""
    return _(
        "a photo (JPEG, PNG or WebP, at most %(photo)s MB) or a document "
        "(PDF, ODT, ODS, DOCX or XLSX, at most %(doc)s MB)"
    ) % {"photo": PHOTO_MAX_BYTES // MB, "doc": DOCUMENT_MAX_BYTES // MB}


def _refused() -> ValidationError:
    return ValidationError(
        _("This type of file is not accepted: upload %(types)s.") % {"types": accepted_types()},
        field="file",
    )


def _office_type(upload: UploadedFile) -> FileType:
    """ODT/ODS (the ``mimetype`` entry the OpenDocument standard puts first) or DOCX/XLSX (the
    Office Open XML parts); archives with macros are refused. Only the archive's directory and
    the tiny ``mimetype`` entry are read, never the compressed content (no ZIP bomb)."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise _refused()
            if names and names[0] == "mimetype":
                info = archive.getinfo("mimetype")
                if info.file_size <= 100:
                    declared = archive.read("mimetype").decode("ascii", "replace").strip()
                    if declared in OPEN_DOCUMENT:
                        return OPEN_DOCUMENT[declared]
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return DOCX
                if "xl/workbook.xml" in names:
                    return XLSX
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, RuntimeError):
        pass
    raise _refused()


def _photo_checked(upload: UploadedFile, claimed: FileType) -> None:
    """A photo must be an image Pillow can read, of the format its first bytes say (no
    polyglot), and not a decompression bomb."""
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            found = PILLOW_FORMATS.get(image.format or "")
            image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(_("This picture is too large in pixels."), field="file") from None
    except Exception:  # Pillow raises many kinds for a damaged file
        raise ValidationError(
            _("This picture is damaged or not a picture: it cannot be opened."), field="file"
        ) from None
    if found is not claimed:
        raise _refused()


def detect_type(upload: UploadedFile) -> FileType:
    """The type of ``upload`` from its content; ValidationError for anything else."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    if head.startswith(b"\xff\xd8\xff"):
        found = JPEG
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        found = PNG
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        found = WEBP
    elif head.startswith(b"%PDF-"):
        found = PDF
    elif head.startswith(b"PK\x03\x04"):
        found = _office_type(upload)
    else:
        raise _refused()
    if found.kind == ResourceFileKind.PHOTO:
        _photo_checked(upload, found)
    upload.seek(0)
    return found


def check_upload(upload: UploadedFile | None) -> FileType:
    """Size and type of an upload, before anything is written."""
    if upload is None:
        raise ValidationError(_("Choose a file to upload."), field="file")
    if not upload.size:
        raise ValidationError(_("The file is empty."), field="file")
    if upload.size > DOCUMENT_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)s MB.") % {"mb": DOCUMENT_MAX_BYTES // MB},
            field="file",
        )
    found = detect_type(upload)
    if found.kind == ResourceFileKind.PHOTO and upload.size > PHOTO_MAX_BYTES:
        raise ValidationError(
            _("A photo may be at most %(mb)s MB: reduce it and upload it again.")
            % {"mb": PHOTO_MAX_BYTES // MB},
            field="file",
        )
    return found


def _clean_title(title: str | None) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError(_("Give the file a title."), field="title")
    if len(title) > TITLE_MAX:
        raise ValidationError(
            _("A title has at most %(n)s characters.") % {"n": TITLE_MAX}, field="title"
        )
    if "\x00" in title:
        raise ValidationError(_("The title holds a character that cannot be stored."), "title")
    return title


def _original_name(name: str | None) -> str:
    """The uploader's name, kept only to show it to staff: no folders, no control characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable())
    return base[-TITLE_MAX:]


def _check_public(kind: str, is_public: bool) -> None:
    if is_public and kind != ResourceFileKind.PHOTO:
        raise ValidationError(
            _("Only photos can be shown to visitors; documents stay with staff and the board."),
            field="is_public",
        )


def download_name(item: ResourceFile) -> str:
    """A safe file name for the download, made from the title and the real type (ASCII only,
    no quotes or folders), never from what the uploader's computer called it."""
    found = TYPES.get(item.content_type)
    extension = found.extension if found else "bin"
    return f"{(slugify(item.title) or 'file')[:80]}.{extension}"


def is_inline(item: ResourceFile) -> bool:
    found = TYPES.get(item.content_type)
    return bool(found and found.inline)


@transaction.atomic
def resource_file_add(
    *,
    actor: Actor,
    resource: CommonResource,
    upload: UploadedFile | None,
    title: str | None,
    is_public: bool = False,
    synthetic: bool = False,
) -> ResourceFile:
    """Store a photo or document of ``resource``. Everything is checked before a byte is
    written; if saving the row fails the stored file is removed again."""
    title = _clean_title(title)
    found = check_upload(upload)
    _check_public(found.kind, bool(is_public))
    resource = locked(resource)
    item = ResourceFile(
        resource=resource,
        kind=found.kind,
        title=title,
        token=secrets.token_hex(20),
        original_name=_original_name(upload.name),
        content_type=found.content_type,
        size=upload.size,
        is_public=bool(is_public),
        uploaded_by=user_of(actor),
        synthetic=synthetic,
    )
    upload.seek(0)
    item.file.save(item.token, upload, save=False)
    try:
        item.save()
        audit_record(
            actor=actor,
            action="resource_file.add",
            obj=resource,
            coop=resource.coop,
            after={f"file.{k}": v for k, v in snapshot(item, FILE_FIELDS).items()},
        )
    except BaseException:
        item.file.storage.delete(item.file.name)
        raise
    return item


def _locked(item: ResourceFile) -> ResourceFile:
    return ResourceFile.objects.select_for_update().select_related("resource__coop").get(pk=item.pk)


@transaction.atomic
def resource_file_update(
    *, actor: Actor, item: ResourceFile, title: str | None = None, is_public: bool | None = None
) -> ResourceFile:
    """Rename a file or show/hide a photo on the public page; what is not given stays."""
    item = _locked(item)
    before = snapshot(item, ["title", "is_public"])
    if title is not None:
        item.title = _clean_title(title)
    if is_public is not None:
        _check_public(item.kind, bool(is_public))
        item.is_public = bool(is_public)
    item.save(update_fields=["title", "is_public"])
    audit_record(
        actor=actor,
        action="resource_file.update",
        obj=item.resource,
        coop=item.resource.coop,
        before={f"file.{k}": v for k, v in before.items()},
        after={f"file.{k}": v for k, v in snapshot(item, ["title", "is_public"]).items()},
    )
    return item


@transaction.atomic
def resource_file_delete(*, actor: Actor, item: ResourceFile) -> None:
    """Remove a file: the row now, the bytes once the removal is committed (a rolled-back
    removal keeps both)."""
    item = _locked(item)
    resource, name, storage = item.resource, item.file.name, item.file.storage
    gone = snapshot(item, FILE_FIELDS)
    item.delete()
    audit_record(
        actor=actor,
        action="resource_file.delete",
        obj=resource,
        coop=resource.coop,
        before={f"file.{k}": v for k, v in gone.items()},
        after={"file.deleted": True},
    )
    transaction.on_commit(lambda: storage.delete(name))
