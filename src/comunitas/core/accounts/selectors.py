"""Finding a login by what a person typed: username or e-mail."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from comunitas.core.errors import ValidationError


def user_find(identifier: str):
    """An active login by username or (unique) e-mail."""
    identifier = (identifier or "").strip()
    users = get_user_model().objects.filter(is_active=True)
    user = users.filter(username=identifier).first()
    if user is None and "@" in identifier:
        matches = list(users.filter(email__iexact=identifier)[:2])
        user = matches[0] if len(matches) == 1 else None
    if user is None:
        raise ValidationError(_("No active user with this username or e-mail."), field="user")
    return user
