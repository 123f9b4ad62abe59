"""HTML forms of assemblies: they parse input; the services decide what is valid.
Members are named by their register number, as on the attendance desk's list, and always
looked up within the cooperative."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from comunitas.core.errors import ValidationError
from comunitas.core.models import Cooperative
from comunitas.decisions.assemblies.voting_services import MOTION_TERMS
from comunitas.decisions.models import (
    AgendaItem,
    Assembly,
    AttendanceMode,
    Call,
    Choice,
    Minutes,
    Motion,
    MotionKind,
)
from comunitas.members.models import Member
from comunitas.projects.models import Project, Proposal

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
NUMBER_MAX = 2**31 - 1


class AssemblyForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(
            fields_for_model(
                Assembly,
                fields=[
                    "kind",
                    "title",
                    "first_call_at",
                    "second_call_at",
                    "place",
                    "notes",
                ],
            )
        )
        self.fields["online_url"] = Assembly._meta.get_field("online_url").formfield(
            assume_scheme="https"
        )
        self.order_fields(["kind", "title", "first_call_at", "second_call_at", "place"])
        for name in ("first_call_at", "second_call_at"):
            self.fields[name].widget = DATETIME
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.fields["notes"].widget.attrs["rows"] = 3

    @classmethod
    def initial_of(cls, assembly: Assembly) -> dict[str, Any]:
        return {name: getattr(assembly, name) for name in cls().fields}


class AgendaItemForm(forms.Form):
    def __init__(self, *args, coop: Cooperative, **kwargs):
        super().__init__(*args, prefix="agenda", **kwargs)
        self.fields.update(fields_for_model(AgendaItem, fields=["title", "description"]))
        self.fields["description"].widget.attrs["rows"] = 2
        self.fields["proposal"] = forms.ModelChoiceField(
            label=_("About a proposal"),
            required=False,
            queryset=Proposal.objects.filter(coop=coop).order_by("-created_at"),
        )
        self.fields["project"] = forms.ModelChoiceField(
            label=_("About a project"),
            required=False,
            queryset=Project.objects.filter(coop=coop).order_by("title"),
        )


def member_by_number(coop: Cooperative, number: int | None, field: str) -> Member:
    """The member of ``coop`` with register ``number``, or a field error."""
    member = (
        Member.objects.filter(coop=coop, number=number).select_related("coop").first()
        if number
        else None
    )
    if member is None:
        raise ValidationError(
            _("No member of this cooperative has register number %(n)s.") % {"n": number},
            field=field,
        )
    return member


class AttendanceForm(forms.Form):
    number = forms.IntegerField(label=_("Register number"), min_value=1, max_value=NUMBER_MAX)
    mode = forms.ChoiceField(
        label=_("Attending"), choices=AttendanceMode.choices, initial=AttendanceMode.IN_PERSON
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="attendance", **kwargs)


class ProxyForm(forms.Form):
    grantor = forms.IntegerField(
        label=_("Member represented (register number)"), min_value=1, max_value=NUMBER_MAX
    )
    holder = forms.IntegerField(
        label=_("Represented by (register number)"), min_value=1, max_value=NUMBER_MAX
    )
    reference = forms.CharField(
        label=_("Written proxy"),
        max_length=200,
        required=False,
        help_text=_("How the written proxy was received, e.g. 'paper form, filed'."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="proxy", **kwargs)


class OpenForm(forms.Form):
    call = forms.ChoiceField(label=_("The assembly is held at"), choices=Call.choices)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it cancelled?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class MotionForm(forms.Form):
    candidates = forms.CharField(
        label=_("Candidates"),
        required=False,
        help_text=_("Elections only: one name per line."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, assembly: Assembly, **kwargs):
        super().__init__(*args, **kwargs)
        fields = fields_for_model(Motion, fields=MOTION_TERMS)
        fields["agenda_item"] = forms.ModelChoiceField(
            label=_("Agenda item"),
            required=False,
            queryset=assembly.agenda.order_by("position"),
        )
        fields["qualified_numerator"].label = _("Qualified majority: numerator")
        fields["qualified_denominator"].label = _("Qualified majority: denominator")
        self.fields = {**fields, "candidates": self.fields["candidates"]}
        self.order_fields(["agenda_item", "title", "text", "kind", "ballot"])

    def motion_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("candidates")
        return data

    def candidate_names(self) -> list[str] | None:
        if self.cleaned_data.get("kind") != MotionKind.ELECTION:
            return None
        return [line.strip() for line in self.cleaned_data["candidates"].splitlines()]


class BallotForm(forms.Form):
    """One voter's ballot: for a resolution a choice, for an election up to ``seats`` names."""

    voter = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)

    def __init__(self, *args, motion: Motion, **kwargs):
        super().__init__(*args, **kwargs)
        if motion.kind == MotionKind.ELECTION:
            self.fields["candidates"] = forms.TypedMultipleChoiceField(
                label=_("Candidates (at most %(n)s)") % {"n": motion.seats},
                required=False,
                coerce=int,
                choices=[(c.pk, c.name) for c in motion.candidates.all()],
                widget=forms.CheckboxSelectMultiple,
                help_text=_("Choose none for a blank ballot."),
            )
        else:
            self.fields["choice"] = forms.ChoiceField(
                label=_("Your vote"), choices=Choice.choices, widget=forms.RadioSelect
            )

    def ballot(self) -> dict[str, Any]:
        """What the ballot says, as ``voting_services.ballot_cast`` takes it."""
        data = self.cleaned_data
        return {"choice": data.get("choice", ""), "candidates": data.get("candidates")}


class RecordVoteForm(BallotForm):
    """Staff record the vote of a member present in an open ballot (e.g. a show of hands),
    named by register number."""

    number = forms.IntegerField(label=_("Register number"), min_value=1, max_value=NUMBER_MAX)

    def __init__(self, *args, motion: Motion, **kwargs):
        super().__init__(*args, motion=motion, prefix="record", **kwargs)
        del self.fields["voter"]
        if "choice" in self.fields:
            self.fields["choice"].label = _("The member's vote")
        self.order_fields(["number"])


class MinutesForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(
            fields_for_model(
                Minutes,
                fields=[
                    "chair_name",
                    "chair_role",
                    "secretary_name",
                    "secretary_role",
                    "narrative",
                ],
            )
        )
        self.fields["narrative"].widget.attrs["rows"] = 12
