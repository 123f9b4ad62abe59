"""How participants are named to each other: never by username or e-mail."""

from __future__ import annotations

from django.utils.translation import gettext as _


def short_name(user) -> str:
    """First name and the initial of the last name, to other people with a role."""
    if user is None:
        return _("a former participant")
    first, last = user.first_name.strip(), user.last_name.strip()
    if not first:
        return _("a participant")
    return f"{first} {last[0]}." if last else first
