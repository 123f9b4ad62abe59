"""HTML forms of participatory budgets: they parse input; ``services`` decide what is
valid. Choices of proposals, needs, projects and ballot projects are always this cooperative's
or this budget's own, so a forged id of another one is a field error before any service runs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.forms.models import ModelChoiceIterator, fields_for_model
from django.utils.translation import gettext_lazy as _

from comunitas.core.formatting import euro
from comunitas.core.kernel.money import CENT, MAX_MONEY
from comunitas.core.models import Cooperative
from comunitas.decisions.budgets import selectors
from comunitas.decisions.budgets.services import (
    MAX_CHOICES,
    PROJECT_FIELDS,
    RULE_FIELDS,
    TEXT_FIELDS,
)
from comunitas.decisions.models.budgets import (
    BudgetPhase,
    BudgetProject,
    BudgetReviewStatus,
    ParticipatoryBudget,
)
from comunitas.decisions.models.limits import REASON_MAX
from comunitas.projects.models import LIVE_PROPOSAL, Proposal, ProposalStatus
from comunitas.projects.needs.selectors import need_choices

SHOWN = 200  # a list of thousands of needs or proposals helps nobody choose
MINUTES = "%Y-%m-%dT%H:%M"


def _money_field(field: forms.Field) -> None:
    field.validators += [MinValueValidator(CENT), MaxValueValidator(MAX_MONEY)]
    field.widget.attrs.update(min=str(CENT), max=str(MAX_MONEY), step=str(CENT))


class _Shown(ModelChoiceIterator):
    """The options of a ``ShownChoiceField``: the first ``SHOWN`` and the one chosen."""

    def __iter__(self):
        top = self.field.queryset.values("pk")[:SHOWN]
        self.queryset = self.field.queryset.filter(Q(pk__in=top) | Q(pk__in=self.field.keep))
        return super().__iter__()


class ShownChoiceField(forms.ModelChoiceField):
    """Accepts any object of its queryset, lists the first ``SHOWN`` and the one chosen."""

    iterator = _Shown

    def __init__(self, *args, **kwargs) -> None:
        self.keep: list[int] = []
        super().__init__(*args, **kwargs)

    def show(self, form: forms.Form, name: str) -> None:
        value = form.data.get(form.add_prefix(name)) if form.is_bound else form.initial.get(name)
        value = str(getattr(value, "pk", value) or "")
        self.keep = [int(value)] if value.isdigit() and len(value) < 12 else []


class BudgetForm(forms.Form):
    """Set up a budget or change it; once the vote is prepared only its texts change, the
    rules are shown but not sent (``locked``)."""

    def __init__(self, *args, locked: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.locked = locked
        self.fields.update(fields_for_model(ParticipatoryBudget, fields=TEXT_FIELDS + RULE_FIELDS))
        self.fields["description"].widget.attrs["rows"] = 5
        self.fields["earmark_reference"].help_text = _(
            "The assembly's or the board's decision, e.g. 'Assemblea dei soci del 27/04/2026, "
            "delibera n. 3'."
        )
        _money_field(self.fields["amount"])
        for name in ("method", "audience", "official_rule"):
            self.fields[name].widget = forms.RadioSelect(choices=self.fields[name].choices)
        self.fields["max_choices"].validators += [
            MinValueValidator(1),
            MaxValueValidator(MAX_CHOICES),
        ]
        self.fields["max_choices"].widget.attrs.update(min=1, max=MAX_CHOICES)
        for name in ("voting_opens_at", "voting_closes_at"):
            self.fields[name] = forms.DateTimeField(
                label=self.fields[name].label,
                required=False,
                input_formats=[MINUTES],
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=MINUTES),
            )
        if locked:
            for name in RULE_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Fixed: the vote is prepared.")

    def budget_fields(self) -> dict[str, Any]:
        names = TEXT_FIELDS if self.locked else TEXT_FIELDS + RULE_FIELDS
        return {name: self.cleaned_data[name] for name in names}


def budget_initial(budget: ParticipatoryBudget) -> dict[str, Any]:
    return {name: getattr(budget, name) for name in TEXT_FIELDS + RULE_FIELDS}


class ProjectForm(forms.Form):
    """Propose a project for the budget, optionally from a proposal or for a need."""

    def __init__(self, *args, coop: Cooperative, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(BudgetProject, fields=PROJECT_FIELDS))
        self.fields["title"].help_text = _("In a few words, e.g. 'New seats in the small hall'.")
        self.fields["description"].widget.attrs["rows"] = 5
        _money_field(self.fields["estimated_cost"])
        self.fields["estimated_cost"].help_text = _("Staff will check it and give the final cost.")
        proposals = Proposal.objects.filter(
            coop=coop, status__in=[*LIVE_PROPOSAL, ProposalStatus.ACCEPTED]
        ).only("id", "title", "coop_id")
        self.fields["proposal"] = ShownChoiceField(
            label=_("Proposal it comes from"),
            queryset=proposals.order_by("-created_at", "-id"),
            required=False,
            empty_label=_("None"),
            error_messages={"invalid_choice": _("Choose a proposal of this cooperative.")},
        )
        self.fields["need"] = ShownChoiceField(
            label=_("Need it answers"),
            queryset=need_choices(coop=coop),
            required=False,
            empty_label=_("None"),
            error_messages={"invalid_choice": _("Choose an open need of this cooperative.")},
        )
        self.fields["proposal"].show(self, "proposal")
        self.fields["need"].show(self, "need")

    def project_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PROJECT_FIELDS}


class ReviewForm(forms.Form):
    """Staff's review of a project: feasible at a cost, or not feasible with a public reason."""

    status = forms.ChoiceField(
        label=_("Review"),
        choices=[
            (BudgetReviewStatus.FEASIBLE, _("Feasible: it goes on the ballot")),
            (BudgetReviewStatus.NOT_FEASIBLE, _("Not feasible")),
        ],
        widget=forms.RadioSelect,
    )
    reviewed_cost = forms.DecimalField(
        label=_("Reviewed cost (€)"),
        help_text=_("The cost on the ballot and in the results; needed when feasible."),
        required=False,
        max_digits=14,
        decimal_places=2,
    )
    review_reason = forms.CharField(
        label=_("Public reason"),
        help_text=_("Everyone reads it; needed when the project is not feasible."),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", "review")
        super().__init__(*args, **kwargs)
        _money_field(self.fields["reviewed_cost"])


class BallotForm(forms.Form):
    """The ballot: a checkbox per project on it, with its reviewed cost."""

    def __init__(self, *args, projects: list[BudgetProject], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["projects"] = forms.TypedMultipleChoiceField(
            label=_("Projects you choose"),
            choices=[(p.pk, f"{p.title} — {euro(p.reviewed_cost)}") for p in projects],
            coerce=int,
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "required": _("Choose at least one project."),
                "invalid_choice": _("Project no. %(value)s is not on the ballot of this budget."),
            },
        )

    def chosen(self) -> list[int]:
        return list(self.cleaned_data["projects"])


def chosen_ids(data) -> list[int]:
    """The projects ticked so far (for the running total), whatever else was sent."""
    values = data.getlist("projects") if hasattr(data, "getlist") else []
    return [int(v) for v in values if v.isdigit() and len(v) < 12]


class FollowUpForm(forms.Form):
    def __init__(self, *args, coop: Cooperative, **kwargs) -> None:
        kwargs.setdefault("prefix", "follow")
        super().__init__(*args, **kwargs)
        self.fields["follow_up"] = forms.ModelChoiceField(
            label=_("Project that carries it out"),
            queryset=selectors.follow_up_choices(coop=coop),
            required=False,
            empty_label=_("None"),
            error_messages={"invalid_choice": _("Choose a project of this cooperative.")},
        )


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(label=_("Phase"), choices=BudgetPhase.choices)
