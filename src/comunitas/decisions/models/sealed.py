"""A secret ballot waiting to be mixed (``decisions.ballot_box``): its content encrypted with a key
that is not in the database, under a random key, with no time. Deleted once mixed."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

BOX_MAX = 40


class SealedBallot(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # What the ballot is for, e.g. "consultation:12" or "motion:7" (ballot_box.box_of).
    box = models.CharField(max_length=BOX_MAX, db_index=True)
    sealed = models.BinaryField()

    class Meta:
        verbose_name = _("sealed ballot")

    def __str__(self) -> str:
        return self.box
