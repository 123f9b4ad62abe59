"""The member portal: one's own membership, contacts, consents, data download, certificate and
erasure request.

No route takes a member id: every view finds the caller's own membership from their login
(``book.selectors.member_of``), so nobody can reach another member's data through the portal."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.core.validators import RegexValidator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from comunitas.core.errors import ValidationError
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, coop_view
from comunitas.core.submission import apply_errors, submit
from comunitas.core.territory import selectors as territory_selectors
from comunitas.core.territory.forms import municipality_input
from comunitas.members.book import selectors as book_selectors
from comunitas.members.book import services as book_services
from comunitas.members.models import Consent, Member, MemberStatus
from comunitas.members.outputs import documents as outputs
from comunitas.members.portal import selectors, services

PHONE = RegexValidator(
    r"^\+?[0-9][0-9 ./()-]{4,28}$",
    gettext_lazy("Give a phone number with digits only, e.g. +39 0183 123456."),
)


class ContactsForm(forms.Form):
    """The contacts a member may change alone; names and codes are corrected by the staff."""

    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    phone = forms.CharField(
        label=gettext_lazy("Phone"), max_length=30, required=False, validators=[PHONE]
    )
    address = forms.CharField(label=gettext_lazy("Address"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["residence"] = municipality_input(
            gettext_lazy("Municipality of residence (or seat)")
        )
        self.fields["residence"].required = False

    def service_fields(self) -> dict:
        """The cleaned contacts, the municipality resolved (a service error names the field)."""
        fields = {name: self.cleaned_data[name] for name in ("email", "phone", "address")}
        text = self.cleaned_data["residence"].strip()
        fields["residence"] = (
            territory_selectors.municipality_resolve(text, field="residence") if text else None
        )
        return fields


class ConsentsForm(forms.Form):
    privacy = forms.BooleanField(label=Consent.Kind.PRIVACY.label, required=False)
    newsletter = forms.BooleanField(label=Consent.Kind.NEWSLETTER.label, required=False)
    photos = forms.BooleanField(label=Consent.Kind.PHOTOS.label, required=False)


class ErasureForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I understand that my name, codice fiscale, birth date and contacts will be erased "
            "and cannot be recovered, and that my login to this cooperative will be closed."
        )
    )


def _page(
    request: HttpRequest,
    coop: Cooperative,
    member: Member | None,
    *,
    contacts: ContactsForm | None = None,
    consents: ConsentsForm | None = None,
    erasure: ErasureForm | None = None,
    notice: str = "",
) -> HttpResponse:
    context = {"coop": coop, "member": member, "notice": notice}
    if member is not None:
        records = selectors.own_records(member=member)
        in_force = records.consents_in_force
        if contacts is None:
            contacts = ContactsForm(
                initial={
                    "email": member.email,
                    "phone": member.phone,
                    "address": member.address,
                    "residence": str(member.residence) if member.residence else "",
                }
            )
        if consents is None:
            consents = ConsentsForm(initial={kind: c.given for kind, c in in_force.items()})
        context.update(
            records=records,
            consents_in_force=[
                (kind, label, in_force.get(kind)) for kind, label in Consent.Kind.choices
            ],
            holdings=book_selectors.holdings(member=member),
            in_good_standing=member.status == MemberStatus.ACTIVE
            and member.capital_paid == member.capital_subscribed,
            to_pay=member.capital_subscribed - member.capital_paid,
            contacts_form=contacts,
            consents_form=consents,
            erasure_form=erasure or ErasureForm(),
            erasure_blocker=selectors.erasure_blocker(member),
        )
    return render(request, "members/portal/portal.html", context)


def _mine(request: HttpRequest, coop: Cooperative) -> Member | None:
    return book_selectors.member_of(coop=coop, user=request.user)


def _own_membership(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A form about one's own membership: ``view(request, coop, member)`` with the caller's;
    a caller outside the book is sent back to the portal, which says so."""

    @wraps(view)
    def wrapper(request: HttpRequest, coop: Cooperative) -> HttpResponse:
        member = _mine(request, coop)
        if member is None:
            messages.error(request, _("You are not in the member book of this cooperative."))
            return redirect("members:member_portal", coop.slug)
        return view(request, coop, member)

    return wrapper


def _saved_or_page(
    request: HttpRequest,
    coop: Cooperative,
    member: Member,
    form: forms.Form,
    save: Callable[[], Any],
    done: Callable[[Any], str],
    shown_as: str,
) -> HttpResponse:
    """``submit`` one of the portal's forms: back to the portal saying ``done(saved)``, or the
    portal again with the form (``shown_as``) and its errors."""
    saved = submit(request, form, save)
    if saved is None:
        return _page(request, coop, member, **{shown_as: form})
    messages.success(request, done(saved))
    return redirect("members:member_portal", coop.slug)


@require_GET
@coop_view(Action.VIEW_OWN_MEMBERSHIP)
def portal(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    return _page(request, coop, _mine(request, coop))


@require_POST
@coop_view(Action.VIEW_OWN_MEMBERSHIP)
@_own_membership
def contacts_update(request: HttpRequest, coop: Cooperative, member: Member) -> HttpResponse:
    form = ContactsForm(request.POST)
    return _saved_or_page(
        request,
        coop,
        member,
        form,
        lambda: book_services.member_update(
            actor=request.user, member=member, fields=form.service_fields()
        ),
        lambda _member: _("Your contacts are saved."),
        "contacts",
    )


@require_POST
@coop_view(Action.VIEW_OWN_MEMBERSHIP)
@_own_membership
def consents_update(request: HttpRequest, coop: Cooperative, member: Member) -> HttpResponse:
    form = ConsentsForm(request.POST)
    return _saved_or_page(
        request,
        coop,
        member,
        form,
        lambda: services.consents_update(
            actor=request.user, member=member, answers=dict(form.cleaned_data)
        ),
        # The consents recorded: none when the answers were those in force already.
        lambda recorded: (
            _("Your consents are recorded.") if recorded else _("Nothing changed in your consents.")
        ),
        "consents",
    )


@require_GET
@coop_view(Action.VIEW_OWN_MEMBERSHIP)
def data_download(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """All the cooperative holds about the caller, as a JSON file (GDPR art. 15 and 20)."""
    data = selectors.personal_data(coop=coop, user=request.user)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    name = f"{coop.slug}-my-data-{timezone.localdate().isoformat()}.json"
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@coop_view(Action.VIEW_OWN_MEMBERSHIP)
def certificate(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """A certificate of one's own membership, for an admitted member; otherwise the portal
    says why there is none."""
    member = _mine(request, coop)
    if member is None or member.number is None:
        notice = _("A certificate is issued to members entered in the book: you are not one yet.")
        return _page(request, coop, member, notice=notice)
    response = HttpResponse(outputs.certificate_pdf(member), content_type="application/pdf")
    name = f"{coop.slug}-certificate-{member.number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@coop_view(Action.VIEW_OWN_MEMBERSHIP)
@_own_membership
def erasure(request: HttpRequest, coop: Cooperative, member: Member) -> HttpResponse:
    form = ErasureForm(request.POST)
    if not form.is_valid():
        return _page(request, coop, member, erasure=form)
    try:
        member = services.erasure_request(actor=request.user, member=member)
    except ValidationError as exc:
        apply_errors(form, exc)
        return _page(request, coop, member, erasure=form)
    if not member.is_erased:
        messages.success(
            request,
            _("Your request is recorded (%(when)s).")
            % {"when": date_format(timezone.localtime(member.erasure_requested_at))},
        )
        return redirect("members:member_portal", coop.slug)
    request.user.refresh_from_db()
    if not request.user.is_active:
        # The login was closed with the data: end the session too.
        logout(request)
        messages.success(request, _("Your personal data are erased and your login is closed."))
        return redirect("core:home")
    messages.success(request, _("Your personal data in this cooperative are erased."))
    return redirect("members:member_portal", coop.slug)
