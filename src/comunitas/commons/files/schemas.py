"""API shapes of a resource's files (input parsed here, rules checked by the services)."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from comunitas.commons.files import services
from comunitas.commons.models import ResourceFileKind
from comunitas.core.shapes import InputSchema, Text

# base64 of the largest document, with room for the padding.
BASE64_MAX = (services.DOCUMENT_MAX_BYTES * 4) // 3 + 4


class FileOut(Schema):
    id: int
    resource_id: int
    kind: ResourceFileKind
    title: str
    content_type: str
    size: int
    is_public: bool
    uploaded_at: datetime
    synthetic: bool
    filename: str
    download_url: str

    @staticmethod
    def resolve_filename(obj) -> str:
        return services.download_name(obj)

    @staticmethod
    def resolve_download_url(obj) -> str:
        return f"/api/v1/coops/{obj.resource.coop.slug}/commons/files/{obj.pk}/download"


class FileUploadIn(InputSchema):
    """The JSON form of an upload; as multipart, ``title`` and ``is_public`` are form fields."""

    title: Text = Field("", max_length=services.TITLE_MAX)
    is_public: bool = False
    filename: Text = Field("", max_length=services.TITLE_MAX)
    content_base64: str | None = Field(None, max_length=BASE64_MAX)


class FilePatch(InputSchema):
    title: Text | None = Field(None, max_length=services.TITLE_MAX)
    is_public: bool | None = None
