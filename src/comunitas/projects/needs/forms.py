"""HTML forms of needs, and the field that chooses the needs a proposal or a project answers: they
parse input; ``projects.needs.services`` decide what is valid. Choices of needs are always the
cooperative's own, so a forged id of another cooperative is a field error before any service
runs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.forms.models import ModelChoiceIterator, fields_for_model
from django.utils.translation import gettext_lazy as _

from comunitas.core.models import Cooperative
from comunitas.core.territory.forms import municipality_input
from comunitas.core.territory.selectors import municipality_resolve
from comunitas.projects.models import (
    NEED_TRANSITIONS,
    REASON_MAX,
    AgeGroup,
    Channel,
    Need,
    NeedCategory,
    NeedStatus,
    Urgency,
)
from comunitas.projects.needs import selectors
from comunitas.projects.needs.selectors import NEED_SORTS, NeedFilters
from comunitas.projects.needs.services import MAX_PEOPLE

NEED_FORM_FIELDS = [
    "category",
    "title",
    "description",
    "locality",
    "people_affected",
    "urgency",
]
SEARCH_MAX = 100
SHOWN_NEEDS = 200  # a list of thousands of needs helps nobody choose


def bounded(field: forms.Field, low, high) -> None:
    """Bounds the services also check, shown next to the field before they are asked."""
    field.validators += [MinValueValidator(low), MaxValueValidator(high)]
    field.widget.attrs.update(min=low, max=high)


def public_reason(label, help_text) -> forms.CharField:
    """The reason everyone reads next to a status (a need's, a proposal's)."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _with_counts(choices, counts: dict[str, int] | None) -> list[tuple[str, Any]]:
    if counts is None:
        return list(choices)
    return [(value, f"{label} ({counts.get(value, 0)})") for value, label in choices]


class NeedFilterForm(forms.Form):
    """The needs list's filters (a GET form): a bad value is ignored, never an error page."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    urgency = forms.ChoiceField(
        label=_("Urgency"), required=False, choices=[("", _("Any")), *Urgency.choices]
    )
    q = forms.CharField(label=_("Words"), required=False, max_length=SEARCH_MAX)
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[
            ("support", _("Most supported")),
            ("newest", _("Newest")),
            ("oldest", _("Oldest")),
        ],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.show_counts(None)

    def show_counts(self, counts: dict[str, dict] | None) -> None:
        """Label each status and category with how many needs it would list."""
        self.fields["status"].choices = [
            ("", _("All but merged")),
            *_with_counts(NeedStatus.choices, counts and counts["status"]),
        ]
        self.fields["category"].choices = [
            ("", _("All")),
            *_with_counts(NeedCategory.choices, counts and counts["category"]),
        ]

    def filters(self) -> NeedFilters:
        """The filters chosen, each bad value dropped on its own (a link with a stale or forged
        value still lists the needs)."""
        if not self.is_bound:
            return NeedFilters()
        self.is_valid()
        data = self.cleaned_data  # the fields that passed
        sort = data.get("sort") or "support"
        return NeedFilters(
            status=data.get("status", ""),
            category=data.get("category", ""),
            urgency=data.get("urgency", ""),
            q=(data.get("q") or "").strip(),
            sort=sort if sort in NEED_SORTS else "support",
        )


class NeedForm(forms.Form):
    """Tell a need or correct it; staff taking one down from paper, the phone or a meeting also
    say how it came and whom to tell (``staff=True``)."""

    def __init__(self, *args, staff: bool = False, creating: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(Need, fields=NEED_FORM_FIELDS))
        self.fields["title"].help_text = _("In a few words, e.g. 'No bus to the valley on Sunday'.")
        self.fields["description"].widget.attrs["rows"] = 5
        self.fields["municipality"] = municipality_input(_("Municipality"))
        self.fields["municipality"].required = False
        self.fields["age_groups"] = forms.MultipleChoiceField(
            label=_("Who is affected"),
            choices=AgeGroup.choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        bounded(self.fields["people_affected"], 1, MAX_PEOPLE)
        order = ["category", "title", "description", "municipality", "locality", "age_groups"]
        if staff and creating:
            self.fields["channel"] = forms.ChoiceField(
                label=_("How it reached the cooperative"),
                choices=Channel.choices,
                initial=Channel.WEB,
                required=False,
            )
            self.fields["contact_email"] = forms.EmailField(
                label=_("E-mail of the person who reported it"),
                help_text=_("Optional: they are told when its status changes. Never shown."),
                required=False,
            )
        self.order_fields(order)

    def need_fields(self) -> dict[str, Any]:
        """The cleaned values as ``need_submit``/``need_update`` take them."""
        data = {name: self.cleaned_data[name] for name in NEED_FORM_FIELDS}
        data["age_groups"] = list(self.cleaned_data["age_groups"])
        text = (self.cleaned_data["municipality"] or "").strip()
        data["municipality"] = municipality_resolve(text) if text else None
        return data

    def channel(self) -> str:
        return self.cleaned_data.get("channel") or Channel.WEB

    def contact_email(self) -> str:
        return self.cleaned_data.get("contact_email") or ""


def need_initial(need: Need) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(need, name) for name in NEED_FORM_FIELDS}
    initial["age_groups"] = list(need.age_groups or [])
    initial["municipality"] = (
        f"{need.municipality.name} ({need.municipality.province_abbr})" if need.municipality else ""
    )
    return initial


class NeedStatusForm(forms.Form):
    """Move a need along the public workflow: only the next steps it allows are offered."""

    status = forms.ChoiceField(label=_("New status"))
    reason = public_reason(_("Public reason"), _("Everyone reads it; declining needs one."))

    def __init__(self, *args, need: Need, **kwargs) -> None:
        kwargs.setdefault("prefix", "status")
        super().__init__(*args, **kwargs)
        allowed = NEED_TRANSITIONS.get(need.status, set())
        self.fields["status"].choices = [c for c in NeedStatus.choices if c[0] in allowed]


class NeedMergeForm(forms.Form):
    """Merge a need into the one it repeats, named by its number."""

    def __init__(self, *args, need: Need, coop: Cooperative, **kwargs) -> None:
        kwargs.setdefault("prefix", "merge")
        super().__init__(*args, **kwargs)
        self.fields["into"] = forms.ModelChoiceField(
            label=_("Number of the need it repeats"),
            help_text=_("Its supports move there; nobody is counted twice."),
            queryset=selectors.need_choices(coop=coop).exclude(pk=need.pk),
            widget=forms.NumberInput(attrs={"min": 1}),
            error_messages={"invalid_choice": _("Give the number of another open need here.")},
        )


class _ShownNeeds(ModelChoiceIterator):
    """The options of a ``NeedsField``: the most supported needs and the ones chosen."""

    def __iter__(self):
        # Read when the options are rendered, once the form has said which needs it holds.
        top = self.field.queryset.values("pk")[:SHOWN_NEEDS]
        self.queryset = self.field.queryset.filter(Q(pk__in=top) | Q(pk__in=self.field.keep))
        return super().__iter__()


class NeedsField(forms.ModelMultipleChoiceField):
    """The needs a proposal or a project answers. Any open need of the cooperative is
    accepted, and those already linked (a need declined since stays, so that saving does not
    unlink it unseen); the list shows the ``SHOWN_NEEDS`` most supported and those chosen."""

    iterator = _ShownNeeds

    def __init__(self, *, coop: Cooperative, current: list[int], **kwargs) -> None:
        choices = selectors.need_choices(coop=coop)
        if current:
            choices = choices | Need.objects.filter(coop=coop, pk__in=current).only(
                "id", "coop_id", "title", "status", "support_count"
            )
        self.keep: list[int] = list(current)
        kwargs.setdefault("widget", forms.SelectMultiple(attrs={"size": 8}))
        super().__init__(queryset=choices, **kwargs)

    def show(self, form: forms.Form, name: str) -> None:
        """List the needs the form was sent or started with, wherever they rank."""
        if form.is_bound:
            key = form.add_prefix(name)
            values = (
                form.data.getlist(key) if hasattr(form.data, "getlist") else [form.data.get(key)]
            )
        else:
            values = form.initial.get(name) or []
        ids = {str(getattr(v, "pk", v)) for v in values}
        self.keep = sorted({*self.keep, *(int(i) for i in ids if i.isdigit() and len(i) < 12)})
