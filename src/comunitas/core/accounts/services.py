"""Personal API tokens: creating and revoking one (audited), and accepting the token a script
sends, alone or with the caller's access to a cooperative in the same query."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comunitas.core.audit import audit_record
from comunitas.core.errors import ValidationError
from comunitas.core.models import (
    ApiToken,
)
from comunitas.core.tokens import TokenFound, token_owner
from comunitas.core.versions import Access, token_access

# --- accounts and API tokens --------------------------------------------------------------------
TOKEN_PREFIX = "cmt_"  # noqa: S105 - a public marker, not a secret
TOKEN_TOUCH_INTERVAL = timedelta(minutes=5)
TOKEN_PREFIX_SHAPE = re.compile(r"[0-9a-f]{12}")  # secrets.token_hex(6), as api_token_create


def _digest(token: str) -> str:
    # Tokens carry 256 random bits, so a plain SHA-256 is enough (no slow hash needed).
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """Create a token; the clear token is returned once and never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Give the token a name, e.g. the script that uses it."), "name")
    if len(name) > 80:
        raise ValidationError(_("At most 80 characters."), field="name")
    prefix = secrets.token_hex(6)
    clear = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(user=user, name=name, prefix=prefix, digest=_digest(clear))
    audit_record(actor=user, action="token.create", obj=token, after={"name": name})
    return token, clear


@transaction.atomic
def api_token_revoke(*, user, token: ApiToken) -> None:
    if token.user_id != user.pk:
        raise ValidationError(_("This token is not yours."), field="token")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=user, action="token.revoke", obj=token, before={"name": token.name})


def _token_prefix(clear: str) -> str | None:
    """The stored prefix a token sent starts with; None for what cannot be a token (whatever
    reaches a query is then twelve hexadecimal digits)."""
    if not clear.startswith(TOKEN_PREFIX) or clear.count("_") < 2:
        return None
    prefix = clear[len(TOKEN_PREFIX) :].split("_", 1)[0]
    return prefix if TOKEN_PREFIX_SHAPE.fullmatch(prefix) else None


def api_token_accepted(clear: str, found: TokenFound | None) -> bool:
    """Whether ``found`` (the stored token with the prefix of ``clear``) is ``clear`` and its
    user may still log in; the token's last use is written down at most every few minutes."""
    if found is None or not hmac.compare_digest(found.digest, _digest(clear)):
        return False
    if not found.user_active:
        return False
    now = timezone.now()
    if found.last_used_at is None or now - found.last_used_at > TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=found.token_id).update(last_used_at=now)
    return True


def api_token_authenticate(clear: str):
    """The active user owning ``clear``, or None."""
    prefix = _token_prefix(clear)
    found = token_owner(prefix=prefix) if prefix else None
    return found.user if api_token_accepted(clear, found) else None


def api_token_access(clear: str, *, slug: str, scope: str) -> Access | None:
    """What ``core.versions.token_access`` finds for the caller of token ``clear`` (its role in
    the cooperative at ``slug``, the version of ``scope``), None when the token is not valid or
    there is no such cooperative: one query for the token and the access together."""
    prefix = _token_prefix(clear)
    found = token_access(prefix=prefix, slug=slug, scope=scope) if prefix else None
    if found is None or not api_token_accepted(clear, found[0]):
        return None
    return found[1]
