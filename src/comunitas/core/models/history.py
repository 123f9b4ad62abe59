"""What every change leaves behind: the append-only audit trail (who, when, what, before/after) and
the version stamps of each cooperative's data that cached answers are keyed by
(``core.versions``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from comunitas.core.models.coops import Cooperative


# --- versions of cached data --------------------------------------------------------------------
class DataVersion(models.Model):
    """The version of a cooperative's data of one ``scope`` (``"coop"``, ``"members"``…): a
    random stamp that ``core.versions.version_bump`` replaces in the transaction of every write,
    part of the cache key of every answer built from that data (see core/versions.py)."""

    coop = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=30)
    version = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["coop", "scope"], name="data_version_one_per_scope")
        ]

    def __str__(self) -> str:
        return f"{self.coop_id}:{self.scope}:{self.version}"


# --- audit --------------------------------------------------------------------------------------
class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise RuntimeError("The audit trail is append-only.")

    def delete(self):
        raise RuntimeError("The audit trail is append-only.")


class AuditEntry(models.Model):
    """One change: who, when, to which object, what changed (before/after). Append-only; on
    PostgreSQL a trigger refuses UPDATE and DELETE, on SQLite UPDATE."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # No database constraint: the trail must outlive the rows and people it describes.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    actor_name = models.CharField(max_length=150, blank=True)
    coop = models.ForeignKey(
        Cooperative,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    action = models.CharField(max_length=60, db_index=True)
    object_type = models.CharField(max_length=60, db_index=True)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    changes = models.JSONField(default=dict)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["coop", "-at"], name="audit_coop_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or '-'} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RuntimeError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("The audit trail is append-only.")
