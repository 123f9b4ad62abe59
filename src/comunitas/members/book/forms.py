"""HTML forms of the member book: they parse input; the services decide what is valid.

Field names are the model's, so a service's ``ValidationError(field=...)`` lands next to the
field that caused it (``core.submission.apply_errors``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comunitas.core.territory import selectors as territory_selectors
from comunitas.core.territory.forms import municipality_input
from comunitas.members.book.services import CONTACT_FIELDS, ORGANISATION_FIELDS, PERSON_FIELDS
from comunitas.members.models import (
    Consent,
    MemberKind,
    MemberStatus,
    OrganisationKind,
    Sex,
    StakeholderCategory,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Dates a page accepts: older or later days are typing mistakes (and far ones overflow).
FIRST_YEAR, LAST_YEAR_AHEAD = 1900, 100


def reasonable_date(value: date | None) -> date | None:
    """Refuse a year no cooperative can mean (e.g. 0202): a field error, never a crash."""
    if value and not (FIRST_YEAR <= value.year <= timezone.localdate().year + LAST_YEAR_AHEAD):
        raise forms.ValidationError(_("Check the year of this date."))
    return value


class MemberForm(forms.Form):
    """A person's or an organisation's data; the fields of the other kind are ignored."""

    kind = forms.ChoiceField(
        label=_("Who applies"),
        choices=MemberKind.choices,
        initial=MemberKind.PERSON,
        widget=forms.RadioSelect,
    )
    category = forms.ChoiceField(  # by code: unique in a cooperative, stable across copies
        label=_("Stakeholder category"),
        help_text=_("How you take part in the cooperative."),
    )
    # a person
    first_name = forms.CharField(label=_("First name"), max_length=80, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=80, required=False)
    birth_date = forms.DateField(
        label=_("Birth date"), required=False, widget=DATE_INPUT, validators=[reasonable_date]
    )
    sex = forms.ChoiceField(
        label=_("Sex (as in the codice fiscale)"),
        choices=[("", "—"), *Sex.choices],
        required=False,
    )
    # an organisation
    organisation_name = forms.CharField(
        label=_("Name of the organisation"), max_length=200, required=False
    )
    organisation_kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        choices=[("", "—"), *OrganisationKind.choices],
        required=False,
    )
    vat_number = forms.CharField(label=_("Partita IVA"), max_length=20, required=False)
    representative_name = forms.CharField(
        label=_("Legal representative (name and surname)"), max_length=160, required=False
    )
    representative_role = forms.CharField(
        label=_("Representative's role"),
        max_length=80,
        required=False,
        help_text=_("E.g. president, mayor, managing director."),
    )
    # both
    fiscal_code = forms.CharField(
        label=_("Codice fiscale"),
        max_length=20,
        required=False,
        help_text=_("16 characters for a person, 11 digits for an organisation."),
    )
    residence = municipality_input(_("Municipality of residence (or seat)"))
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)

    # The fieldsets hold the services' groups of fields.
    PERSON, ORGANISATION, CONTACTS = PERSON_FIELDS, ORGANISATION_FIELDS, CONTACT_FIELDS

    def __init__(self, *args, categories: list[StakeholderCategory], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.categories = {c.code: c for c in categories}
        self.fields["category"].choices = [
            (c.code, f"{c.name} · {_('financing')}" if c.is_financing else c.name)
            for c in categories
        ]

    def groups(self) -> list[tuple[Any, list]]:
        """Fieldsets for the template: (legend, bound fields)."""
        return [
            (_("Membership"), [self["kind"], self["category"], self["fiscal_code"]]),
            (_("If you are a person"), [self[name] for name in self.PERSON]),
            (_("If you apply for an organisation"), [self[name] for name in self.ORGANISATION]),
            (_("Where and how to reach you"), [self[name] for name in self.CONTACTS]),
        ]

    def member_fields(self) -> dict[str, Any]:
        """The member's data as ``services.application_submit`` (as keywords) and
        ``member_update`` (as its ``fields``) take them, the municipality resolved (a field
        error when unknown)."""
        data = self.cleaned_data
        kind = data["kind"]
        fields: dict[str, Any] = {
            "kind": kind,
            "category": self.categories.get(data["category"]),
            "fiscal_code": data["fiscal_code"],
            "address": data["address"],
            "email": data["email"],
            "phone": data["phone"],
            "residence": territory_selectors.municipality_resolve(
                data["residence"], field="residence"
            ),
        }
        own = PERSON_FIELDS if kind == MemberKind.PERSON else ORGANISATION_FIELDS
        other = ORGANISATION_FIELDS if kind == MemberKind.PERSON else PERSON_FIELDS
        for name in own:
            fields[name] = data[name]
        for name in other:  # what was typed in the other kind's boxes is not kept
            fields[name] = None if name == "birth_date" else ""
        return fields


class MemberEditForm(MemberForm):
    """Correct a member's data: the kind never changes (a new kind is a new member)."""

    def __init__(self, *args, kind: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].initial = kind
        self.fields["kind"].disabled = True
        self.fields["kind"].label = _("Kind")
        self.kind = kind

    def groups(self) -> list[tuple[Any, list]]:
        own = self.PERSON if self.kind == MemberKind.PERSON else self.ORGANISATION
        data = ["kind", "category", "fiscal_code", *own]
        return [
            (_("Data"), [self[name] for name in data]),
            (_("Where and how to reach them"), [self[name] for name in self.CONTACTS]),
        ]


class ApplicationForm(MemberForm):
    """The application for membership: data, shares, motivation and consents."""

    shares = forms.IntegerField(label=_("Number of shares"), min_value=1, max_value=100_000)
    motivation = forms.CharField(
        label=_("Why do you want to join? (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    consent_privacy = forms.BooleanField(
        label=Consent.Kind.PRIVACY.label,
        error_messages={
            "required": _("Membership needs your consent to the processing of your personal data.")
        },
    )
    consent_newsletter = forms.BooleanField(label=Consent.Kind.NEWSLETTER.label, required=False)
    consent_photos = forms.BooleanField(label=Consent.Kind.PHOTOS.label, required=False)

    def __init__(self, *args, min_shares: int = 1, require_email: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shares"].initial = min_shares
        # The applicant is told by e-mail how the board decided.
        self.fields["email"].required = require_email

    def groups(self) -> list[tuple[Any, list]]:
        return [
            *super().groups(),
            (_("Shares"), [self["shares"], self["motivation"]]),
            (
                _("Consents"),
                [self["consent_privacy"], self["consent_newsletter"], self["consent_photos"]],
            ),
        ]

    def consents(self) -> dict[str, bool]:
        return {
            kind: bool(self.cleaned_data.get(f"consent_{kind}")) for kind in Consent.Kind.values
        }


class PaperApplicationForm(ApplicationForm):
    """An application received on paper and entered by staff, with the day it was signed."""

    applied_on = forms.DateField(
        label=_("Applied on"),
        widget=DATE_INPUT,
        validators=[reasonable_date],
        help_text=_("The date on the signed application."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, require_email=False, **kwargs)
        self.fields["applied_on"].initial = timezone.localdate
        self.fields["consent_privacy"].label = _(
            "The applicant signed the consent to the processing of personal data (required)"
        )

    def groups(self) -> list[tuple[Any, list]]:
        return [(_("Application"), [self["applied_on"]]), *super().groups()]

    def clean_applied_on(self) -> date:
        day = self.cleaned_data["applied_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date is in the future."))
        return day


class MemberFilterForm(forms.Form):
    """Filters of the member book, sent by GET."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Name, codice fiscale, e-mail or register number."),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *MemberStatus.choices]
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *MemberKind.choices]
    )
    territory = forms.ChoiceField(
        label=_("Residence"),
        required=False,
        choices=[("", _("All")), ("in", _("In the territory")), ("out", _("Outside"))],
    )

    def __init__(self, *args, categories: list[StakeholderCategory], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All"))] + [(c.code, c.name) for c in categories]


class DecisionForm(forms.Form):
    """The board's decision on an application; the service says what is missing."""

    decision = forms.ChoiceField(
        choices=[("approve", _("Admit")), ("reject", _("Reject"))], widget=forms.HiddenInput
    )
    decided_on = forms.DateField(
        label=_("Decided on"),
        required=False,  # today
        widget=DATE_INPUT,
        validators=[reasonable_date],
    )
    decision_reference = forms.CharField(
        label=_("Board decision"),
        max_length=200,
        required=False,
        help_text=_("E.g. 'CdA 12/03/2025, verbale n. 4'."),
    )
    reason = forms.CharField(
        label=_("Reason (required to reject)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = timezone.localdate


class EligibilityForm(forms.Form):
    on = forms.DateField(
        label=_("Assembly date"), required=False, widget=DATE_INPUT, validators=[reasonable_date]
    )
