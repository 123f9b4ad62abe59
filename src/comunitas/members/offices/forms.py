"""HTML forms of the register of offices. They only parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from comunitas.core.models import Cooperative
from comunitas.members.models import Member, MemberStatus, OfficeKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return f"n. {obj.number} · {obj.display_name}"


class AppointForm(forms.Form):
    # The register number names the member: it is what the book, the minutes and the API use.
    member = MemberChoice(
        label=_("Member"),
        queryset=Member.objects.none(),
        to_field_name="number",
        error_messages={"invalid_choice": _("Choose a current member of this cooperative.")},
    )
    kind = forms.ChoiceField(label=_("Office"), choices=OfficeKind.choices)
    title = forms.CharField(
        label=_("Role in the body"),
        max_length=80,
        required=False,
        help_text=_("E.g. president, vice-president, chair of the collegio sindacale."),
    )
    started_on = forms.DateField(label=_("In office from"), widget=DATE)
    reference = forms.CharField(
        label=_("Appointing decision"),
        max_length=200,
        help_text=_("E.g. Assemblea dei soci del 28/04/2025, verbale n. 12."),
    )

    def __init__(self, *args, coop: Cooperative, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.filter(
            coop=coop, status=MemberStatus.ACTIVE
        ).order_by("last_name", "first_name", "organisation_name", "number")


class EndForm(forms.Form):
    ended_on = forms.DateField(label=_("First day out of office"), widget=DATE)
    reference = forms.CharField(
        label=_("Reason"),
        max_length=200,
        required=False,
        help_text=_("Resignation, revocation, end of the term."),
    )
