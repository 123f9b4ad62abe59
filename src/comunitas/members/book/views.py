"""Web pages of the member book (libro soci): the public application form, the book itself, a
member's page, the board's decisions on applications, voting eligibility and erasure.

Thin views over ``book.services`` and ``book.selectors``; every page declares its action
(``core.permissions``) and is listed in the permission matrix (tests/members/book/matrix.py)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comunitas.core import throttle
from comunitas.core.errors import ValidationError
from comunitas.core.kernel.types import user_of
from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, can, coop_view
from comunitas.core.submission import submit
from comunitas.members.book import cache, selectors, services
from comunitas.members.book.forms import (
    ApplicationForm,
    DecisionForm,
    EligibilityForm,
    MemberEditForm,
    MemberFilterForm,
    PaperApplicationForm,
)
from comunitas.members.models import (
    Application,
    Consent,
    Member,
    MemberStatus,
    ShareClass,
    StakeholderCategory,
)

PAGE_SIZE = 50


# --- helpers ------------------------------------------------------------------------------------
def _categories(coop: Cooperative) -> list[StakeholderCategory]:
    """The stakeholder categories; a cooperative registered before the member book existed
    gets the default ones (and its share classes) on first use."""
    found = list(selectors.categories(coop=coop))
    if not found:
        services.book_setup(coop=coop)
        found = list(selectors.categories(coop=coop))
    return found


def _price(coop: Cooperative) -> dict[str, ShareClass | None]:
    """The classes a new member subscribes today: ordinary and financing (sovventori)."""
    today = timezone.localdate()
    issued = [c for c in selectors.share_classes(coop=coop) if c.is_issued_on(today)]
    ordinary = next((c for c in issued if not c.for_financing), None)
    financing = next((c for c in issued if c.for_financing), None)
    return {"ordinary": ordinary, "financing": financing}


def _total(form: ApplicationForm, share_class: ShareClass | None) -> Decimal | None:
    """What the applicant will pay: the shares typed (or the minimum) times the value."""
    if share_class is None:
        return None
    shares = share_class.min_shares_for_admission
    if form.is_bound and form.is_valid():
        shares = form.cleaned_data["shares"]
    return share_class.nominal_value * shares


def _votes(votes: Fraction) -> Decimal:
    """Votes as a number the page localises: whole, or to four decimals when scaled."""
    if votes.denominator == 1:
        return Decimal(votes.numerator)
    return (Decimal(votes.numerator) / Decimal(votes.denominator)).quantize(Decimal("0.0001"))


# --- the application form -----------------------------------------------------------------------
def _application_form(
    request: HttpRequest, coop: Cooperative, form_class: type[ApplicationForm], **kwargs: Any
) -> tuple[ApplicationForm, dict[str, ShareClass | None]]:
    """The application form, asking at least the ordinary class's minimum of shares, and the
    classes a new member subscribes today."""
    categories = _categories(coop)  # first: a book set up now gets its share classes too
    price = _price(coop)
    ordinary = price["ordinary"]
    form = form_class(
        request.POST or None,
        categories=categories,
        min_shares=ordinary.min_shares_for_admission if ordinary else 1,
        **kwargs,
    )
    return form, price


def _application_submit(
    request: HttpRequest, coop: Cooperative, form: ApplicationForm, source: str, **extra: Any
) -> Member | None:
    """The application the form holds, submitted once the form is valid (``submit``: the
    service's errors land on the form)."""

    def save() -> Member:
        data = form.cleaned_data
        return services.application_submit(
            actor=request.user,
            coop=coop,
            **form.member_fields(),
            shares=data["shares"],
            consents=form.consents(),
            source=source,
            motivation=data["motivation"],
            on_date=data.get("applied_on"),  # a paper form's date; today online
            **extra,
        )

    return submit(request, form, save)


def _application_page(
    request: HttpRequest,
    coop: Cooperative,
    template: str,
    form: ApplicationForm,
    price: dict[str, ShareClass | None],
) -> HttpResponse:
    context = {"coop": coop, "form": form, **price, "total": _total(form, price["ordinary"])}
    return render(request, template, context)


@coop_view(Action.APPLY_MEMBERSHIP)
def member_join(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """The public application: anyone on a public cooperative, or any role on a private one."""
    mine = selectors.member_of(coop=coop, user=request.user)
    if mine is not None:
        # One membership (or application) per login: show it instead of a second form.
        if request.method == "POST":
            messages.info(request, _("You have already applied to this cooperative."))
            return redirect("members:member_join", coop.slug)
        return render(request, "members/book/join_already.html", {"coop": coop, "mine": mine})
    user = request.user
    form, price = _application_form(
        request,
        coop,
        ApplicationForm,
        initial={"first_name": user.first_name, "last_name": user.last_name, "email": user.email}
        if user.is_authenticated
        else None,
    )
    anonymous = not user.is_authenticated
    limit = settings.APPLICATIONS_PER_HOUR
    if request.method == "POST" and anonymous and throttle.exhausted(request, "apply", limit=limit):
        form.add_error(None, _("Too many applications from your connection: try again later."))
    member = _application_submit(request, coop, form, Application.Source.ONLINE, user=user_of(user))
    if member:
        if anonymous:
            throttle.count(request, "apply", per_seconds=3600)
        return redirect("members:member_join_thanks", coop.slug)
    return _application_page(request, coop, "members/book/join.html", form, price)


@coop_view(Action.APPLY_MEMBERSHIP)
def member_join_thanks(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    return render(request, "members/book/join_thanks.html", {"coop": coop})


# --- the book -----------------------------------------------------------------------------------
@coop_view(Action.VIEW_MEMBERS)
def member_list(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """The libro soci with its figures, filtered and paginated: a constant number of queries."""
    categories = list(selectors.categories(coop=coop))
    form = MemberFilterForm(request.GET or None, categories=categories)
    filters = selectors.MemberFilters()
    if form.is_bound and form.is_valid():
        filters = selectors.MemberFilters(
            **{name: form.cleaned_data[name] for name in MemberFilterForm.base_fields}
        )
    members = selectors.member_list(coop=coop, filters=filters)
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "coop": coop,
        "form": form,
        "page_obj": page,
        "stats": cache.book_stats(coop=coop),
        "can_manage": can(request.user, coop, Action.MANAGE_MEMBERS),
        "filtered": filters != selectors.MemberFilters(),
    }
    if can(request.user, coop, Action.DECIDE_MEMBERS):
        context["erasure_requests"] = list(selectors.erasure_requests(coop=coop))
    return render(request, "members/book/list.html", context)


@coop_view(Action.MANAGE_MEMBERS)
def member_create(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """Staff enter an application received on paper; the board decides it like any other."""
    form, price = _application_form(request, coop, PaperApplicationForm)
    member = _application_submit(request, coop, form, Application.Source.PAPER)
    if member:
        messages.success(request, _("The application is recorded: the board can now decide it."))
        return redirect("members:member_detail", coop.slug, member.pk)
    return _application_page(request, coop, "members/book/create.html", form, price)


@coop_view(Action.VIEW_MEMBERS)
def member_detail(request: HttpRequest, coop: Cooperative, member_id: int) -> HttpResponse:
    """Everything the book knows about one member or applicant."""
    member = or_404(selectors.member_get, coop=coop, pk=member_id)
    application = Application.objects.filter(member=member).select_related("share_class").first()
    latest: dict[str, Consent] = {}
    for consent in member.consents.all():  # ordered by kind, newest first
        latest.setdefault(consent.kind, consent)
    consents = [(label, latest.get(kind)) for kind, label in Consent.Kind.choices]
    context = {
        "coop": coop,
        "member": member,
        "application": application,
        "consents": consents,
        "holdings": selectors.holdings(member=member),
        "movements": selectors.movement_list(member=member),
        "redemption": getattr(member, "redemption", None),
        "can_manage": can(request.user, coop, Action.MANAGE_MEMBERS),
        "can_decide": can(request.user, coop, Action.DECIDE_MEMBERS),
        "can_audit": can(request.user, coop, Action.VIEW_AUDIT),
        "erasable": member.status in (MemberStatus.EXITED, MemberStatus.REJECTED)
        and not member.is_erased,
    }
    return render(request, "members/book/detail.html", context)


@coop_view(Action.MANAGE_MEMBERS)
def member_edit(request: HttpRequest, coop: Cooperative, member_id: int) -> HttpResponse:
    member = or_404(selectors.member_get, coop=coop, pk=member_id)
    initial = {
        name: getattr(member, name)
        for name in MemberEditForm.base_fields
        if name not in ("category", "residence")
    }
    initial.update(category=member.category.code, residence=str(member.residence or ""))
    form = MemberEditForm(
        request.POST or None, initial=initial, categories=_categories(coop), kind=member.kind
    )

    def save() -> Member:
        fields = form.member_fields()
        fields.pop("kind")
        return services.member_update(actor=request.user, member=member, fields=fields)

    if submit(request, form, save):
        messages.success(request, _("Changes saved."))
        return redirect("members:member_detail", coop.slug, member.pk)
    return render(request, "members/book/edit.html", {"coop": coop, "member": member, "form": form})


# --- applications and the board's decision ------------------------------------------------------
def _decision_form(application_id: int, data=None) -> DecisionForm:
    # One form per application on the page: ids must not repeat.
    return DecisionForm(data, auto_id=f"id_%s_{application_id}")


def _applications_page(
    request: HttpRequest, coop: Cooperative, bound: tuple[int, DecisionForm] | None = None
) -> HttpResponse:
    decided = request.GET.get("show") == "decided"
    if decided:
        found = (
            selectors.application_list(coop=coop, status="")
            .exclude(status=Application.Status.PENDING)
            .order_by("-decided_on", "-created_at")
        )
    else:
        found = selectors.application_list(coop=coop)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    can_decide = can(request.user, coop, Action.DECIDE_MEMBERS)
    rows = []
    for application in page:
        form = None
        if can_decide and application.status == Application.Status.PENDING:
            if bound and bound[0] == application.member_id:
                form = bound[1]
            else:
                form = _decision_form(application.member_id)
        rows.append((application, form))
    context = {
        "coop": coop,
        "page_obj": page,
        "rows": rows,
        "decided": decided,
        "can_decide": can_decide,
        "pending_count": page.paginator.count if not decided else None,
    }
    return render(request, "members/book/applications.html", context)


@coop_view(Action.VIEW_MEMBERS)
def application_list(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """Pending applications (with the board's forms) or, with ?show=decided, the decided ones."""
    return _applications_page(request, coop)


@require_POST
@coop_view(Action.DECIDE_MEMBERS)
def application_decide(
    request: HttpRequest, coop: Cooperative, application_id: int
) -> HttpResponse:
    """Admit or reject an applicant (``decision`` = approve | reject); errors stay on the page."""
    application = or_404(selectors.application_get, coop=coop, member_id=application_id)
    form = _decision_form(application_id, request.POST)
    member = submit(
        request,
        form,
        lambda: services.application_decide(
            actor=request.user,
            member=application.member,
            approve=form.cleaned_data["decision"] == "approve",
            decided_on=form.cleaned_data["decided_on"],
            decision_reference=form.cleaned_data["decision_reference"],
            reason=form.cleaned_data["reason"],
        ),
    )
    if member:
        if member.status == MemberStatus.ACTIVE:
            messages.success(
                request,
                _("%(name)s is admitted with register number %(number)s.")
                % {"name": member.display_name, "number": member.number},
            )
        else:
            messages.success(
                request,
                _("The application of %(name)s is rejected; the reason is kept.")
                % {"name": member.display_name},
            )
        return redirect("members:application_list", coop.slug)
    messages.error(
        request,
        _("The decision on the application of %(name)s was not recorded: see below.")
        % {"name": application.member.display_name},
    )
    return _applications_page(request, coop, bound=(application_id, form))


# --- voting eligibility -------------------------------------------------------------------------
@coop_view(Action.VIEW_MEMBERS)
def member_eligibility(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """Who may vote in an assembly on a date (art. 2538 c.c.), and who may not yet."""
    form = EligibilityForm(request.GET or None)
    day = timezone.localdate()
    if form.is_bound:
        if form.is_valid():
            day = form.cleaned_data["on"] or day
        else:
            messages.error(request, _("That is not a valid date: showing today."))
    eligibility = selectors.eligible_voters(coop=coop, on_date=day)
    wait = eligibility.on_date - eligibility.enrolled_before
    not_yet = [(m, m.admitted_on + wait) for m in eligibility.not_yet]
    financing_votes = sum(
        (v.votes for v in eligibility.voters if v.member.category.is_financing), Fraction(0)
    )
    context = {
        "coop": coop,
        "form": form,
        "eligibility": eligibility,
        "voters": [(v, _votes(v.votes)) for v in eligibility.voters],
        "total_votes": _votes(eligibility.total_votes),
        "financing_votes": _votes(financing_votes),
        "days": wait.days,
        "not_yet": not_yet,
    }
    return render(request, "members/book/eligibility.html", context)


# --- erasure ------------------------------------------------------------------------------------
@require_POST
@coop_view(Action.DECIDE_MEMBERS)
def member_erase(request: HttpRequest, coop: Cooperative, member_id: int) -> HttpResponse:
    """Erase a former member's or rejected applicant's personal data (GDPR art. 17)."""
    member = or_404(selectors.member_get, coop=coop, pk=member_id)
    if not request.POST.get("confirm"):
        messages.error(request, _("Tick the box to confirm the erasure."))
        return redirect("members:member_detail", coop.slug, member.pk)
    try:
        services.member_erase(actor=request.user, member=member)
    except ValidationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The personal data are erased; the register entries are kept."))
    return redirect("members:member_detail", coop.slug, member.pk)
