"""HTML forms of jobs, volunteering and budgets: they parse input; ``work.services`` decide what
is valid. Members, projects and resources offered are always this cooperative's own, so a forged
id of another one is a field error before any service runs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms.models import fields_for_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comunitas.commons.models import CommonResource
from comunitas.core.kernel.money import CENT, MAX_MONEY
from comunitas.core.models import Cooperative
from comunitas.core.territory.forms import municipality_input
from comunitas.core.territory.selectors import municipality_resolve
from comunitas.decisions.budgets.forms import ShownChoiceField
from comunitas.economy.models import Category, Job, VolunteerEntry, VolunteerRate, VolunteerStatus
from comunitas.economy.work.checks import FIRST_YEAR, LAST_YEAR, RECORDED_MEMBERS
from comunitas.economy.work.services import DECLARE_FIELDS, JOB_FIELDS, RATE_FIELDS, REASON_MAX
from comunitas.members.models import Member
from comunitas.projects.models import Project

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# A job's fields chosen in lists or typed as a municipality, not the model's own inputs.
JOB_CHOSEN = ("member", "municipality", "resource", "project")


def _dates(form: forms.Form, *names: str) -> None:
    for name in names:
        form.fields[name].widget = DATE


def _choices(form: forms.Form, coop: Cooperative, *, member: bool) -> None:
    """The cooperative's own projects, resources and (for staff) members to choose from."""
    form.fields["project"] = forms.ModelChoiceField(
        label=_("Project"),
        queryset=Project.objects.filter(coop=coop).order_by("title"),
        required=False,
        empty_label=_("None"),
        error_messages={"invalid_choice": _("Choose a project of this cooperative.")},
    )
    form.fields["resource"] = forms.ModelChoiceField(
        label=_("Common resource"),
        queryset=CommonResource.objects.filter(coop=coop).order_by("name"),
        required=False,
        empty_label=_("None"),
        error_messages={"invalid_choice": _("Choose a resource of this cooperative.")},
    )
    if member:
        form.fields["member"] = ShownChoiceField(
            label=_("Member"),
            queryset=Member.objects.filter(coop=coop, status__in=RECORDED_MEMBERS).order_by(
                "last_name", "first_name", "organisation_name", "id"
            ),
            required=False,
            empty_label=_("Not a member"),
            error_messages={"invalid_choice": _("Choose a member of this cooperative.")},
        )
        form.fields["member"].show(form, "member")
        form.fields["person_name"].help_text = _("When the person is not a member.")


class JobForm(forms.Form):
    """Record or change a position."""

    def __init__(self, *args, coop: Cooperative, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(
            fields_for_model(Job, fields=[n for n in JOB_FIELDS if n not in JOB_CHOSEN])
        )
        _choices(self, coop, member=True)
        self.fields["municipality"] = municipality_input(_("Worker's municipality of residence"))
        self.fields["municipality"].required = False
        self.fields["lives_in_territory"].help_text = _(
            "Follows from the municipality when you give one."
        )
        self.fields["fte"].validators += [
            MinValueValidator(Decimal("0.01")),
            MaxValueValidator(Decimal("1")),
        ]
        self.fields["fte"].widget.attrs.update(min="0.01", max="1", step="0.01")
        self.fields["unemployment_consent_on"].label = _("Consent to record it given on")
        self.fields["previously_unemployed"].help_text = _(
            "Only with the worker's consent; leave it unknown otherwise."
        )
        self.fields["end_date"].help_text = _(
            "The first day without the job; empty while it lasts."
        )
        _dates(self, "start_date", "end_date", "unemployment_consent_on")
        self.order_fields(
            ["member", "person_name", "title", "contract", "fte", "start_date", "end_date"]
        )

    def job_fields(self) -> dict[str, Any]:
        """The cleaned values for the service; the municipality resolved from what was typed
        (a core ValidationError on the field if it names none)."""
        data = dict(self.cleaned_data)
        typed = (data.pop("municipality") or "").strip()
        data["municipality"] = municipality_resolve(typed, field="municipality") if typed else None
        data["person_name"] = data.get("person_name") or ""
        data["age_band"] = data.get("age_band") or ""
        return data


def job_initial(job: Job) -> dict[str, Any]:
    initial = {name: getattr(job, name) for name in JOB_FIELDS if name not in JOB_CHOSEN}
    initial["member"] = job.member_id
    initial["resource"], initial["project"] = job.resource_id, job.project_id
    initial["municipality"] = job.municipality_id or ""
    return initial


class JobEndForm(forms.Form):
    end_date = forms.DateField(
        label=_("End"), help_text=_("The first day without the job."), widget=DATE
    )


class VolunteerEntryForm(forms.Form):
    """Staff enter hours for a member or a named person."""

    def __init__(self, *args, coop: Cooperative, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(
            fields_for_model(VolunteerEntry, fields=["person_name", *DECLARE_FIELDS])
        )
        _choices(self, coop, member=True)
        _hours(self)
        self.order_fields(["member", "person_name", *DECLARE_FIELDS])


def _hours(form: forms.Form) -> None:
    form.fields["hours"].validators += [
        MinValueValidator(Decimal("0.01")),
        MaxValueValidator(Decimal("24")),
    ]
    form.fields["hours"].widget.attrs.update(min="0.01", max="24", step="0.25")
    form.fields["on_date"].widget = forms.DateInput(
        attrs={"type": "date", "max": timezone.localdate().isoformat()}, format="%Y-%m-%d"
    )
    form.fields["activity"].help_text = _("What was done, e.g. 'Guided tours', 'Cleaning'.")


class VolunteerDeclareForm(forms.Form):
    """A volunteer declares their own hours."""

    def __init__(self, *args, coop: Cooperative, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(VolunteerEntry, fields=DECLARE_FIELDS))
        _choices(self, coop, member=False)
        _hours(self)
        self.order_fields(DECLARE_FIELDS)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Why not"),
        help_text=_("The volunteer reads it."),
        max_length=REASON_MAX,
        widget=forms.TextInput,
    )


class RateForm(forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(VolunteerRate, fields=RATE_FIELDS))
        self.fields["source"].required = True
        self.fields["source"].help_text = _(
            "Where the value comes from, e.g. 'ISTAT, average hourly wage 2024'."
        )
        self.fields["hourly_value"].validators += [
            MinValueValidator(CENT),
            MaxValueValidator(MAX_MONEY),
        ]
        _dates(self, "valid_from")


def _year_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False
    )


class YearForm(forms.Form):
    """The year a page shows (this year when none or a wrong one is given)."""

    year = _year_field()

    def chosen_year(self) -> int:
        if self.is_valid() and self.cleaned_data.get("year"):
            return self.cleaned_data["year"]
        return timezone.localdate().year


class VolunteerFilterForm(YearForm):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *VolunteerStatus.choices]
    )

    def __init__(self, *args, coop: Cooperative, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, coop, member=False)

    def value(self, name: str):
        return self.cleaned_data.get(name) if self.is_valid() else None


class BudgetSubjectForm(YearForm):
    """Which budget: a year and the whole cooperative, a project or a resource."""

    subject = forms.ChoiceField(label=_("Budget of"), required=False)

    def __init__(self, *args, coop: Cooperative, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        projects = Project.objects.filter(coop=coop).order_by("title").values_list("pk", "title")
        resources = CommonResource.objects.filter(coop=coop).order_by("name")
        self.fields["subject"].choices = [
            ("", _("The whole cooperative")),
            (_("Projects"), [(f"p{pk}", title) for pk, title in projects]),
            (
                _("Common resources"),
                [(f"r{pk}", n) for pk, n in resources.values_list("pk", "name")],
            ),
        ]

    def chosen_subject(self) -> tuple[int | None, int | None]:
        """(project id, resource id) chosen; (None, None) for the whole cooperative."""
        subject = self.cleaned_data.get("subject", "") if self.is_valid() else ""
        if subject.startswith("p"):
            return int(subject[1:]), None
        if subject.startswith("r"):
            return None, int(subject[1:])
        return None, None


class BudgetLinesForm(forms.Form):
    """One amount per category of the chart; empty or zero plans nothing."""

    def __init__(self, *args, categories: list[Category], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for category in categories:
            self.fields[category.code] = forms.DecimalField(
                label=category.name,
                required=False,
                min_value=Decimal("0"),
                max_value=MAX_MONEY,
                max_digits=14,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
            )

    def amounts(self) -> dict[str, Decimal]:
        return {code: value for code, value in self.cleaned_data.items() if value}
