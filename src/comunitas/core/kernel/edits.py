"""The one way a service changes an object: snapshot what is audited, assign what may change,
check the rules, save, and write the difference to the audit trail, in the caller's
transaction (so a change and its trace land together or not at all).

``assign``, ``require_text`` and ``validated`` are the steps, for services that need to do
something between them; ``edit`` is the whole sequence."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from comunitas.core.audit import audit_record, snapshot
from comunitas.core.errors import FieldError, ValidationError
from comunitas.core.kernel.types import Actor

M = TypeVar("M", bound=models.Model)


def assign(obj: models.Model, changes: Mapping[str, Any], allowed: Iterable[str]) -> None:
    """Set the fields given on ``obj``, text without surrounding blanks; a field outside
    ``allowed`` is refused by name."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValidationError(_("This field cannot be changed."), field=sorted(unknown)[0])
    for name, value in changes.items():
        setattr(obj, name, value.strip() if isinstance(value, str) else value)


def require_text(obj: models.Model, names: Iterable[str]) -> None:
    """Text is stored as typed (shown escaped), but never blank where it is required: one
    field error for each blank field of ``names``."""
    errors = [
        FieldError(name, _("This field cannot be blank."))
        for name in names
        if not (getattr(obj, name) or "").strip()
    ]
    if errors:
        raise ValidationError(errors=errors)


def validated(obj: models.Model, *, exclude: Sequence[str] | None = None) -> None:
    """The model's rules (``full_clean``) as the project's field errors, plus the length of long
    texts, which Django checks only in forms."""
    for model_field in obj._meta.fields:
        limit = getattr(model_field, "max_length", None)
        value = getattr(obj, model_field.attname, None)
        if limit and isinstance(value, str) and len(value) > limit:
            raise ValidationError(
                _("Keep it within %(n)s characters (it has %(len)s).")
                % {"n": f"{limit:,}", "len": f"{len(value):,}"},
                field=model_field.name,
            )
    try:
        obj.full_clean(exclude=exclude)
    except DjangoValidationError as exc:
        raise ValidationError.from_django(exc) from None


def save_unique(obj: models.Model, field: str, message: str) -> None:
    """Save; a concurrent request that took the same unique value becomes a field error."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise ValidationError(message, field=field) from None


def edit(
    obj: M,
    *,
    actor: Actor,
    action: str,
    changes: Mapping[str, Any],
    allowed: Iterable[str],
    audited: Sequence[str],
    check: Callable[[M], None],
    coop: models.Model | None = None,
) -> M:
    """Create (``obj`` not saved yet) or change ``obj``: assign ``changes`` within ``allowed``,
    run ``check`` (the capability's rules, ending with ``validated``), save, and audit
    ``action`` with the ``audited`` fields before and after. Call it inside the service's
    transaction, on a row the service locked."""
    before = snapshot(obj, list(audited)) if obj.pk else None
    assign(obj, changes, allowed)
    check(obj)
    obj.save()
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        coop=coop if coop is not None else getattr(obj, "coop", None),
        before=before,
        after=snapshot(obj, list(audited)),
    )
    return obj


def locked(obj: M) -> M:
    """The row of ``obj`` again, locked until the transaction ends (SELECT … FOR UPDATE), so
    that two requests changing it apply one after the other."""
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)
