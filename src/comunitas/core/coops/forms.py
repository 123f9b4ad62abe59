"""HTML forms of cooperatives: the profile (create and edit), a statute version, granting and
changing roles, the activity log's filters. They parse input; the services decide what is valid."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from comunitas.core.audit import action_label
from comunitas.core.coops.services import COOP_FIELDS, STATUTE_FIELDS
from comunitas.core.kernel.money import parse_euros
from comunitas.core.models import Cooperative, RoleKind, StatuteParameters
from comunitas.core.territory.forms import municipality_input


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


class FinancingScaleField(forms.CharField):
    """The scale of financing members' votes, one step a line: "capital: votes"."""

    widget = forms.Textarea(attrs={"rows": 3})

    def clean(self, value) -> list[tuple[Decimal, int]]:
        steps = []
        for line in (super().clean(value) or "").splitlines():
            if not line.strip():
                continue
            capital, _colon, votes = line.rpartition(":")
            try:
                steps.append((parse_euros(capital), int(votes)))
            except (TypeError, ValueError, ArithmeticError):
                raise forms.ValidationError(
                    _("Write each step as the capital in euros, a colon and the votes: “5000: 2”.")
                ) from None
            if steps[-1][0] is None:
                raise forms.ValidationError(_("Give the capital of each step."))
        return steps


class StatuteForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(StatuteParameters, fields=STATUTE_FIELDS))
        self.fields["valid_from"].widget = forms.DateInput(attrs={"type": "date"})
        self.fields["financing_votes_scale"] = FinancingScaleField(
            label=self.fields["financing_votes_scale"].label,
            required=False,
            help_text=_(
                "One step a line: the capital contributed in euros, a colon, the votes from that "
                "capital up (1 to 5, L. 59/1992 art. 4), e.g. “5000: 2”. Empty: one vote each."
            ),
        )


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
