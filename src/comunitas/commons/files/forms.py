"""HTML forms of a resource's files: they parse input; the services decide what is valid."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comunitas.commons.files import services

ACCEPT = ",".join([*services.TYPES, ".odt", ".ods", ".docx", ".xlsx"])


class FileUploadForm(forms.Form):
    # Not required here: the service says what is missing, with the same words as the API.
    title = forms.CharField(
        label=gettext_lazy("Title"),
        required=False,
        max_length=services.TITLE_MAX,
        help_text=gettext_lazy("What it shows or what it is, e.g. 'Concession deed 2018'."),
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        required=False,
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    is_public = forms.BooleanField(
        label=gettext_lazy("Show this photo to visitors"),
        required=False,
        help_text=gettext_lazy(
            "Only for photos of a resource shown on the public page; documents stay with "
            "staff and the board."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("Accepted: %(types)s.") % {
            "types": services.accepted_types()
        }


class FileEditForm(forms.Form):
    """Rename a file or show/hide a photo; a field left out stays as it is."""

    title = forms.CharField(required=False, max_length=services.TITLE_MAX)
    is_public = forms.NullBooleanField(required=False)
