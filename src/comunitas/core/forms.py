"""HTML forms of the core app: they parse input; the services decide what is valid."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.forms.models import fields_for_model
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from comunitas.core.audit import action_label
from comunitas.core.errors import ValidationError
from comunitas.core.models import Cooperative, RoleKind, StatuteParameters
from comunitas.core.services import COOP_FIELDS, STATUTE_FIELDS


def form_message(form: forms.Form) -> str:
    """All of a form's errors in one line, each after its field's label, for a flash message
    (for a form posted from a page it redirects back to)."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        text = " ".join(str(e) for e in errors)
        parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts)


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's field errors next to the fields (or above the form)."""
    for error in exc.errors:
        form.add_error(error.field if error.field in form.fields else None, error.message)


def submit(request, form: forms.Form, save: Callable[[], Any]) -> Any:
    """Run ``save()`` (a service call) for a posted, valid form and return what it returns;
    None when the form was not posted or not valid, or the service refused the input, whose
    field errors are then shown on the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return save()
    except ValidationError as exc:
        apply_errors(form, exc)
        return None


def submit_and_flash(request, form: forms.Form, save: Callable[[], Any], *, done, failed) -> Any:
    """``submit`` for a form posted from another page: flash ``done``, or the form's errors
    (``failed`` when it has none), and return what ``save`` returned."""
    result = submit(request, form, save)
    if result:
        messages.success(request, done)
    else:
        messages.error(request, form_message(form) or failed)
    return result


def act_and_flash(request, act: Callable[[], Any], *, done) -> bool:
    """Run a one-button action (a service call without a form) and flash its outcome."""
    try:
        act()
    except ValidationError as exc:
        messages.error(request, " ".join(e.message for e in exc.errors))
        return False
    messages.success(request, done)
    return True


def municipality_input(label) -> forms.CharField:
    """A text box suggesting municipalities as one types (the datalist is filled by htmx)."""
    return forms.CharField(
        label=label,
        help_text=_("Name and province, e.g. 'Mendatica (IM)', an ISTAT code or a postcode."),
        max_length=140,
        widget=forms.TextInput(
            attrs={
                "list": "municipality-options",
                "autocomplete": "off",
                "hx-get": reverse_lazy("municipality_suggest"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#municipality-options",
                "hx-swap": "innerHTML",
            }
        ),
    )


class CooperativeForm(forms.Form):
    """Create (with the short name and the first share value) or edit a cooperative."""

    def __init__(self, *args, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        names = [
            f for f in COOP_FIELDS if f not in {"seat", "website"} and (creating or f != "slug")
        ]
        self.fields.update(fields_for_model(Cooperative, fields=names))
        self.fields["website"] = Cooperative._meta.get_field("website").formfield(
            assume_scheme="https"
        )
        self.fields["seat"] = municipality_input(_("Registered seat"))
        self.fields["territory"] = forms.CharField(
            label=_("Other municipalities served"),
            help_text=_("One per line; the seat is always included."),
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
        if creating:
            self.fields["share_nominal_value"] = fields_for_model(
                StatuteParameters, fields=["share_nominal_value"]
            )["share_nominal_value"]
            self.fields["share_nominal_value"].initial = "25.00"
        self.order_fields(["name", "slug", "legal_form", "sector", "seat", "locality"])

    def territory_lines(self) -> list[str]:
        return [
            line
            for line in re.split(r"[\n;]", self.cleaned_data.get("territory", ""))
            if line.strip()
        ]


class StatuteForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(StatuteParameters, fields=STATUTE_FIELDS))
        self.fields["valid_from"].widget = forms.DateInput(attrs={"type": "date"})


class RoleGrantForm(forms.Form):
    user = forms.CharField(label=_("Username or e-mail"), max_length=254)
    kind = forms.ChoiceField(label=_("Role"), choices=RoleKind.choices)


class RoleChangeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Role"), choices=RoleKind.choices)


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    object_type = forms.ChoiceField(label=_("Object"), required=False)
    actor = forms.CharField(label=_("Who"), required=False, max_length=150)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, actions: list[str], object_types: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["action"].choices = everything + [(a, action_label(a)) for a in actions]
        self.fields["object_type"].choices = everything + [(t, t) for t in object_types]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=80, help_text=_("What will use it, e.g. 'bank import'.")
    )
