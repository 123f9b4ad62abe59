"""HTML forms of proposals, comments and the board's decision: they parse input;
``projects.proposals.services`` decide what is valid. Choices of needs and resources are always
the cooperative's own, so a forged id of another cooperative is a field error before any service
runs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from comunitas.commons.models import CommonResource
from comunitas.core.kernel.money import MAX_MONEY
from comunitas.core.models import Cooperative
from comunitas.projects.models import (
    COMMENT_MAX,
    Decision,
    Need,
    Proposal,
    ProposalStatus,
)
from comunitas.projects.needs.forms import NeedsField, bounded, public_reason
from comunitas.projects.proposals.services import MAX_VOLUNTEERS

PROPOSAL_FORM_FIELDS = [
    "title",
    "description",
    "estimated_costs",
    "estimated_revenues",
    "volunteers_needed",
]


class ProposalForm(forms.Form):
    """Propose an answer to one or more of the cooperative's needs, or change it."""

    def __init__(self, *args, coop: Cooperative, proposal: Proposal | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(Proposal, fields=PROPOSAL_FORM_FIELDS))
        self.fields["description"].widget.attrs["rows"] = 6
        self.fields["needs"] = NeedsField(
            coop=coop,
            current=list(proposal.needs.values_list("pk", flat=True)) if proposal else [],
            label=_("Needs it answers"),
            help_text=_("Hold Ctrl (⌘ on a Mac) to choose more than one."),
            error_messages={
                "invalid_choice": _("Choose needs of this cooperative that are still open."),
                "invalid_pk_value": _("Choose needs of this cooperative that are still open."),
            },
        )
        self.fields["needs"].show(self, "needs")
        self.fields["resource"] = forms.ModelChoiceField(
            label=_("Common resource it would use"),
            queryset=CommonResource.objects.filter(coop=coop).only("id", "name").order_by("name"),
            required=False,
            empty_label=_("None"),
            error_messages={"invalid_choice": _("Choose a common resource of this cooperative.")},
        )
        for name in ("estimated_costs", "estimated_revenues"):
            bounded(self.fields[name], 0, MAX_MONEY)
            self.fields[name].widget.attrs["step"] = "0.01"
        bounded(self.fields["volunteers_needed"], 0, MAX_VOLUNTEERS)
        self.order_fields(["title", "needs", "description", "resource"])

    def proposal_fields(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in PROPOSAL_FORM_FIELDS}
        data["resource"] = self.cleaned_data["resource"]
        return data

    def needs(self) -> list[Need]:
        return list(self.cleaned_data["needs"])


class ProposalFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *ProposalStatus.choices]
    )

    def status_value(self) -> str:
        return self.cleaned_data.get("status", "") if self.is_valid() else ""


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", "comment")
        super().__init__(*args, **kwargs)


class DecisionForm(forms.Form):
    """The board's decision on a proposal."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=Decision.choices,
        widget=forms.RadioSelect,
    )
    reason = public_reason(
        _("The board's answer"),
        _("The proposer and everyone read it; needed to ask for changes or decline."),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", "decision")
        super().__init__(*args, **kwargs)
