"""Photos and documents of a common resource, stored under MEDIA_ROOT under a random token;
``_resource_file_path`` is named by migration 0002 (re-exported by the package)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comunitas.commons.models.resources import CommonResource


class ResourceFileKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    DOCUMENT = "document", _("Document")


def _resource_file_path(instance: ResourceFile, filename: str) -> str:
    # The stored name never comes from the uploader (no path tricks, no clashes).
    return f"commons/{instance.resource.coop_id}/{instance.resource_id}/{instance.token}"


class ResourceFile(models.Model):
    """A photo or document of a resource (the concession deed, the insurance policy, a floor
    plan), stored under MEDIA_ROOT, outside the web root, and served only by a view that asks
    who may see it: photos marked public to visitors, documents to staff and the board."""

    resource = models.ForeignKey(CommonResource, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=10, choices=ResourceFileKind.choices)
    title = models.CharField(_("title"), max_length=200)
    token = models.CharField(max_length=40, unique=True, editable=False)
    file = models.FileField(upload_to=_resource_file_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    is_public = models.BooleanField(_("shown to visitors"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["resource", "kind", "-uploaded_at", "-id"]
        verbose_name = _("file")
        verbose_name_plural = _("files")

    def __str__(self) -> str:
        return self.title
