"""HTML forms of projects, their objectives, milestones, budget, team and updates, and of the
indicator catalogue: they parse input; ``projects.projects.services`` decide what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from comunitas.commons.models import CommonResource
from comunitas.core.models import Cooperative, Role
from comunitas.projects.models import (
    TITLE_MAX,
    BudgetLine,
    Indicator,
    Milestone,
    Objective,
    Project,
    ProjectUpdate,
    TeamMember,
)
from comunitas.projects.needs.forms import NeedsField
from comunitas.projects.projects import selectors

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PROJECT_FORM_FIELDS = ["title", "summary", "start_on", "end_on"]


def indicator_name(indicator: Indicator) -> str:
    """A shared indicator's name in the page's language; a cooperative's own as typed."""
    return gettext(indicator.name) if indicator.coop_id is None else indicator.name


def indicator_unit(indicator: Indicator) -> str:
    return gettext(indicator.unit) if indicator.coop_id is None else indicator.unit


class ProjectForm(forms.Form):
    """Create a project or change it (then with its status: the service refuses a transition
    the workflow does not allow, and the refusal shows on the status field)."""

    def __init__(self, *args, coop: Cooperative, project: Project | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        names = PROJECT_FORM_FIELDS if project is None else [*PROJECT_FORM_FIELDS, "status"]
        self.names = names
        self.fields.update(fields_for_model(Project, fields=names))
        self.fields["summary"].widget.attrs["rows"] = 5
        for name in ("start_on", "end_on"):
            self.fields[name].widget = DATE
        self.fields["needs"] = NeedsField(
            coop=coop,
            current=list(project.needs.values_list("pk", flat=True)) if project else [],
            label=_("Needs it answers"),
            required=False,
            help_text=_("Linking a need marks it answered and tells the people who follow it."),
        )
        self.fields["needs"].show(self, "needs")
        self.fields["resources"] = forms.ModelMultipleChoiceField(
            label=_("Common resources it uses"),
            queryset=CommonResource.objects.filter(coop=coop).order_by("name", "id"),
            required=False,
            widget=forms.SelectMultiple(attrs={"size": 5}),
        )
        self.order_fields([*names[:2], "status", *names[2:4]])

    def project_fields(self) -> dict[str, Any]:
        """The project's own fields as the services take them (needs and resources apart)."""
        return {name: self.cleaned_data[name] for name in self.names}

    def links(self) -> dict[str, list]:
        """The needs it answers and the common resources it uses, as the services take them."""
        return {name: list(self.cleaned_data[name]) for name in ("needs", "resources")}


class IndicatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Indicator) -> str:
        return f"{obj.get_kind_display()} · {indicator_name(obj)} ({indicator_unit(obj)})"


class ObjectiveForm(forms.Form):
    """An objective: an indicator of the catalogue from a baseline to a target by a date; the
    method may be left empty to keep the indicator's."""

    def __init__(self, *args, coop: Cooperative, **kwargs) -> None:
        kwargs.setdefault("prefix", "objective")
        super().__init__(*args, **kwargs)
        self.fields["indicator"] = IndicatorChoiceField(
            label=_("Indicator"),
            queryset=selectors.indicator_list(coop=coop),
            help_text=_("Economic or social; its unit is shown next to its name."),
        )
        self.fields.update(
            fields_for_model(
                Objective,
                fields=["description", "unit", "baseline", "target", "target_date", "method"],
            )
        )
        self.fields["unit"].help_text = _("As the indicator's, e.g. FTE, people, €.")
        self.fields["unit"].widget.attrs["list"] = "unit-options"
        self.fields["baseline"].initial = "0"
        self.fields["target_date"].widget = DATE
        self.fields["method"].required = False
        self.fields["method"].help_text = _("Leave empty to use the indicator's method.")
        self.fields["method"].widget.attrs["rows"] = 3


class MeasurementForm(forms.Form):
    measured_on = forms.DateField(label=_("Measured on"), widget=DATE)
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=2)
    note = forms.CharField(label=_("Note"), max_length=TITLE_MAX, required=False)


class MilestoneForm(forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", "milestone")
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(Milestone, fields=["title", "due_on", "done_on"]))
        self.fields["due_on"].widget = DATE
        self.fields["done_on"].widget = DATE


class DoneForm(forms.Form):
    done_on = forms.DateField(
        label=_("Done on"),
        required=False,
        widget=DATE,
        help_text=_("Today if left empty."),
    )


class BudgetLineForm(forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", "budget")
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(BudgetLine, fields=["kind", "label", "amount"]))


class TeamForm(forms.Form):
    """Someone working on the project; a login of someone with a role in the cooperative may
    be named, and then the name may be left empty."""

    def __init__(self, *args, coop: Cooperative, **kwargs) -> None:
        kwargs.setdefault("prefix", "team")
        super().__init__(*args, **kwargs)
        self.coop = coop
        self.fields.update(fields_for_model(TeamMember, fields=["name", "role", "is_volunteer"]))
        self.fields["name"].required = False
        self.fields["name"].help_text = _("May be left empty when a login is given.")
        self.fields["username"] = forms.CharField(
            label=_("Login (username), if any"), max_length=150, required=False
        )

    def clean_username(self):
        """Only people with a role in this cooperative: a form must not tell whether a login
        exists elsewhere."""
        username = self.cleaned_data["username"].strip()
        if not username:
            return None
        role = (
            Role.objects.filter(coop=self.coop, user__username__iexact=username)
            .select_related("user")
            .first()
        )
        if role is None:
            raise forms.ValidationError(_("No one with this login has a role in the cooperative."))
        return role.user


class UpdateForm(forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", "update")
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(ProjectUpdate, fields=["text", "on_date"]))
        self.fields["text"].widget.attrs["rows"] = 4
        self.fields["on_date"].required = False
        self.fields["on_date"].show_hidden_initial = False  # its default is today's date
        self.fields["on_date"].widget = DATE
        self.fields["on_date"].help_text = _("Today if left empty.")


class IndicatorForm(forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", "indicator")
        super().__init__(*args, **kwargs)
        self.fields.update(
            fields_for_model(Indicator, fields=["code", "name", "kind", "unit", "method", "source"])
        )
        self.fields["code"].help_text = _("A short name, e.g. 'tours-booked'.")
        self.fields["method"].widget.attrs["rows"] = 3
