"""HTML forms of consultations: they parse input; the services decide what is
valid. What a consultation is about is chosen among the cooperative's own needs, proposals and
projects, so a forged id of another cooperative is a field error before any service runs.

The answer form follows the consultation's kind and needs no JavaScript: radio buttons for a
proposal and a single choice, check boxes for a multiple choice, a number per option for a
score, a ranking (1 = first choice) and dots, and yes / if need be / no per time slot."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from comunitas.core.models import Cooperative
from comunitas.decisions.consultations.selectors import slot_label
from comunitas.decisions.consultations.services import CONSULTATION_FIELDS, OPEN_FIELDS
from comunitas.decisions.models.consultations import (
    OUTCOME_MAX,
    Availability,
    Consultation,
    ConsultationKind,
    ConsultationOption,
    ConsultationPosition,
)
from comunitas.decisions.models.limits import REASON_MAX
from comunitas.projects.models import Need, NeedStatus, Project, Proposal

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
NUMBER_MAX = 32_767
SHOWN = 200  # the most recent needs, proposals and projects offered to attach to
ATTACHMENTS = ["need", "proposal", "project"]
FORM_FIELDS = [name for name in CONSULTATION_FIELDS if name not in ATTACHMENTS]


class ConsultationForm(forms.Form):
    """Set up a consultation (``creating``: with its options, one per line) or change it;
    once open, only its question, background and closing time (``open_only``)."""

    def __init__(
        self, *args, coop: Cooperative, creating: bool = False, open_only: bool = False, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        names = OPEN_FIELDS if open_only else FORM_FIELDS
        self.fields.update(fields_for_model(Consultation, fields=names))
        closes = self.fields["closes_at"]
        closes.widget = DATETIME
        closes.input_formats = DATETIME_FORMATS
        closes.help_text = _("Past this moment nobody can answer, even before it is closed.")
        self.fields["description"].widget.attrs["rows"] = 4
        self.fields["title"].help_text = _("What you ask, as people will read it.")
        if not open_only:
            self.fields["kind"].help_text = _(
                "Proposal: agree, abstain, disagree or block, with a reason. Ranked choice is "
                "counted by instant runoff, round by round."
            )
            self.fields["min_choices"].help_text = _("Multiple choice only.")
            self.fields["max_choices"].help_text = _("Multiple choice only; empty: no limit.")
            self.fields["dots"].help_text = _("Dot vote only: how many dots each person places.")
            self._attachments(coop)
        if creating:
            self.fields["options_text"] = forms.CharField(
                label=_("Options"),
                required=False,
                max_length=20_000,
                widget=forms.Textarea(attrs={"rows": 5}),
                help_text=_(
                    "One per line. A proposal needs none; a meeting-time poll gets its time "
                    "slots on the next page."
                ),
            )

    def _attachments(self, coop: Cooperative) -> None:
        needs = Need.objects.filter(coop=coop).exclude(status=NeedStatus.MERGED)
        for name, model, queryset, label in (
            ("need", Need, needs, _("About a need")),
            ("proposal", Proposal, Proposal.objects.filter(coop=coop), _("About a proposal")),
            ("project", Project, Project.objects.filter(coop=coop), _("About a project")),
        ):
            latest = list(
                queryset.order_by("-created_at", "-id").values_list("pk", flat=True)[:SHOWN]
            )
            self.fields[name] = forms.ModelChoiceField(
                label=label,
                required=False,
                queryset=model.objects.filter(pk__in=latest).order_by("-created_at", "-id"),
                empty_label=_("nothing"),
            )
        self.fields["need"].help_text = _("At most one of the need, the proposal and the project.")

    def consultation_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in (*FORM_FIELDS, *ATTACHMENTS) if name in self.fields}

    def options(self) -> list[dict[str, Any]]:
        text = self.cleaned_data.get("options_text") or ""
        return [{"label": line.strip()} for line in text.splitlines() if line.strip()]

    @staticmethod
    def initial_of(consultation: Consultation) -> dict[str, Any]:
        initial = {name: getattr(consultation, name) for name in FORM_FIELDS}
        for name in ATTACHMENTS:
            initial[name] = getattr(consultation, f"{name}_id")
        return initial


class OptionForm(forms.Form):
    """An option of a draft; for a meeting-time poll, a time slot (the name is optional)."""

    label = forms.CharField(label=_("Option"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, slots: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if slots:
            self.fields["label"].help_text = _("Optional: the slot is named by its times.")
            for name, label in (("starts_at", _("Starts at")), ("ends_at", _("Ends at"))):
                self.fields[name] = forms.DateTimeField(
                    label=label, widget=DATETIME, input_formats=DATETIME_FORMATS
                )

    def option_fields(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"),
        max_length=OUTCOME_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the board makes of the answers, and what will be done."),
    )
    outcome_on = forms.DateField(
        label=_("Stated on"),
        required=False,
        widget=DATE,
        help_text=_("Today when left empty."),
    )


STATUS_CHOICES = [
    ("", _("All")),
    ("open", _("Open")),
    ("closed", _("Closed")),
    ("draft", _("Being prepared")),
]


class ConsultationFilterForm(forms.Form):
    """The list's filters (a GET form): a bad value is ignored, never an error page."""

    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *ConsultationKind.choices]
    )

    def __init__(self, *args, drafts: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not drafts:
            self.fields["status"].choices = STATUS_CHOICES[:-1]

    def values(self) -> tuple[str, str]:
        if not self.is_bound:
            return "", ""
        self.is_valid()
        return self.cleaned_data.get("status", ""), self.cleaned_data.get("kind", "")


# --- answering ----------------------------------------------------------------------------------
def option_field(option: ConsultationOption) -> str:
    return f"option_{option.pk}"


class AnswerForm(forms.Form):
    """The answer form of ``consultation`` (its ``options`` in order); ``answer()`` gives the
    service's arguments."""

    def __init__(
        self, *args, consultation: Consultation, options: list[ConsultationOption], **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.consultation, self.options = consultation, options
        kind = consultation.kind
        plain = [o for o in options if not o.code]
        if kind == ConsultationKind.PROPOSAL:
            self.fields["position"] = forms.ChoiceField(
                label=_("Your position"),
                choices=ConsultationPosition.choices,
                widget=forms.RadioSelect,
            )
            self.fields["reason"] = forms.CharField(
                label=_("Your reason (optional)"),
                required=False,
                max_length=REASON_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        elif kind == ConsultationKind.SINGLE:
            self.fields["choices"] = forms.TypedChoiceField(
                label=_("Your choice"),
                choices=[(o.pk, slot_label(o)) for o in plain],
                coerce=int,
                widget=forms.RadioSelect,
            )
        elif kind == ConsultationKind.MULTIPLE:
            self.fields["choices"] = forms.TypedMultipleChoiceField(
                label=_("Your choices"),
                choices=[(o.pk, slot_label(o)) for o in plain],
                coerce=int,
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
        elif kind == ConsultationKind.MEETING:
            for option in plain:
                self.fields[option_field(option)] = forms.TypedChoiceField(
                    label=slot_label(option),
                    choices=[(a.value, a.label) for a in reversed(Availability)],
                    coerce=int,
                    widget=forms.RadioSelect,
                )
        else:
            for option in plain:
                self.fields[option_field(option)] = self._number(kind, option)

    def _number(self, kind: str, option: ConsultationOption) -> forms.IntegerField:
        low, high = {
            ConsultationKind.SCORE: (0, 5),
            ConsultationKind.RANKED: (1, len(self.options)),
            ConsultationKind.DOTS: (0, self.consultation.dots),
        }[kind]
        field = forms.IntegerField(
            label=slot_label(option),
            required=kind == ConsultationKind.SCORE,
            min_value=-NUMBER_MAX,
            max_value=NUMBER_MAX,
            widget=forms.NumberInput(
                attrs={"min": low, "max": high, "inputmode": "numeric", "style": "max-width: 8em"}
            ),
        )
        if option.description:
            field.help_text = option.description
        return field

    def answer(self) -> dict[str, Any]:
        data, kind = self.cleaned_data, self.consultation.kind
        if kind == ConsultationKind.PROPOSAL:
            return {"position": data["position"], "reason": data.get("reason", "")}
        if kind == ConsultationKind.SINGLE:
            return {"choices": [data["choices"]]}
        if kind == ConsultationKind.MULTIPLE:
            return {"choices": list(data["choices"])}
        pairs = [
            (option.pk, data[option_field(option)])
            for option in self.options
            if data.get(option_field(option)) is not None
        ]
        name = {
            ConsultationKind.SCORE: "scores",
            ConsultationKind.RANKED: "ranks",
            ConsultationKind.DOTS: "dots",
            ConsultationKind.MEETING: "availability",
        }[kind]
        return {name: pairs}

    @staticmethod
    def initial_of(consultation: Consultation, values: dict[int, int], position: str, reason: str):
        """A named answer as the form shows it again, to change it."""
        kind = consultation.kind
        if kind == ConsultationKind.PROPOSAL:
            return {"position": position, "reason": reason}
        if kind == ConsultationKind.SINGLE:
            return {"choices": next(iter(values), None)}
        if kind == ConsultationKind.MULTIPLE:
            return {"choices": list(values)}
        return {f"option_{pk}": value for pk, value in values.items()}
