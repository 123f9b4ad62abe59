"""A form field for municipalities that suggests them as one types."""

from __future__ import annotations

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _


def municipality_input(label) -> forms.CharField:
    """A text box suggesting municipalities as one types (the datalist is filled by htmx)."""
    return forms.CharField(
        label=label,
        help_text=_("Name and province, e.g. 'Mendatica (IM)', an ISTAT code or a postcode."),
        max_length=140,
        widget=forms.TextInput(
            attrs={
                "list": "municipality-options",
                "autocomplete": "off",
                "hx-get": reverse_lazy("core:municipality_suggest"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#municipality-options",
                "hx-swap": "innerHTML",
            }
        ),
    )
