"""Every write on needs: telling one (online, or taken down by staff), correcting it, supports, the
public status workflow, merging duplicates, and the answer a project gives (``needs_answered``);
whoever told or supports a need is told by e-mail once the change commits. Support counts move
in the same transaction as the support rows, with an UPDATE … SET n = n ± 1 so that concurrent
supports never lose one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from comunitas.core.audit import audit_record, snapshot
from comunitas.core.errors import ValidationError
from comunitas.core.kernel.edits import edit, require_text, save_unique, validated
from comunitas.core.kernel.types import Actor, user_of
from comunitas.core.models import Cooperative, Municipality
from comunitas.core.notify import is_quiet, notify
from comunitas.core.tasks import defer
from comunitas.projects.models import (
    NEED_TRANSITIONS,
    OPEN_NEED,
    SUPPORTABLE_NEED,
    AgeGroup,
    Channel,
    Need,
    NeedStatus,
    NeedStatusChange,
    NeedSupport,
    Urgency,
)
from comunitas.projects.needs.cache import needs_changed

NEED_FIELDS = [
    "title",
    "description",
    "category",
    "municipality",
    "locality",
    "age_groups",
    "people_affected",
    "urgency",
]
MAX_PEOPLE = 10_000_000


# --- needs --------------------------------------------------------------------------------------
def _check_need(need: Need) -> None:
    require_text(need, ["title", "description"])
    groups = need.age_groups or []
    if not isinstance(groups, list) or any(g not in AgeGroup.values for g in groups):
        raise ValidationError(
            _("Choose age groups among: %(groups)s.") % {"groups": ", ".join(AgeGroup.values)},
            field="age_groups",
        )
    need.age_groups = [g for g in AgeGroup.values if g in groups]  # one order, no repeats
    if need.people_affected is not None and not 0 < need.people_affected <= MAX_PEOPLE:
        raise ValidationError(
            _("Give a number of people from 1 to %(n)s.") % {"n": f"{MAX_PEOPLE:,}"},
            field="people_affected",
        )
    if (
        need.municipality_id
        and not need.coop.territory.filter(pk=need.municipality_id).exists()
        and need.coop.seat_id != need.municipality_id
    ):
        raise ValidationError(
            _("This municipality is outside the territory the cooperative serves."),
            field="municipality",
        )
    validated(need, exclude=["coop", "merged_into", "submitted_by"])


def _status_changed(need: Need, status: str, reason: str, actor: Actor) -> None:
    need.status, need.status_reason, need.status_changed_at = status, reason, timezone.now()
    NeedStatusChange.objects.create(
        need=need,
        status=status,
        reason=reason,
        changed_by=user_of(actor),
        at=need.status_changed_at,
    )


@transaction.atomic
def need_submit(
    *,
    actor: Actor,
    coop: Cooperative,
    title: str,
    description: str,
    category: str,
    municipality: Municipality | None = None,
    locality: str = "",
    age_groups: list[str] | None = None,
    people_affected: int | None = None,
    urgency: str = Urgency.MEDIUM,
    channel: str = Channel.WEB,
    contact_email: str = "",
    synthetic: bool = False,
) -> Need:
    """Record a need. Told online, it is the actor's; taken down by staff from paper, the phone
    or a meeting (``channel``), it belongs to nobody and ``contact_email`` is whom to tell."""
    if channel not in Channel.values:
        raise ValidationError(_("Choose how the need was received."), field="channel")
    need = Need(coop=coop, channel=channel, synthetic=synthetic)
    if channel == Channel.WEB:
        need.submitted_by = actor
    else:
        need.contact_email = (contact_email or "").strip()
    edit(
        need,
        actor=actor,
        action="need.submit",
        changes={
            "title": title,
            "description": description,
            "category": category,
            "municipality": municipality,
            "locality": locality,
            "age_groups": age_groups,
            "people_affected": people_affected,
            "urgency": urgency,
        },
        allowed=NEED_FIELDS,
        audited=[*NEED_FIELDS, "channel"],
        check=_check_need,
    )
    NeedStatusChange.objects.create(need=need, status=NeedStatus.NEW, at=need.created_at)
    needs_changed(coop.pk)
    return need


def _locked_need(need: Need) -> Need:
    return Need.objects.select_for_update().select_related("coop").get(pk=need.pk)


@transaction.atomic
def need_update(*, actor: Actor, need: Need, fields: dict[str, Any]) -> Need:
    """Correct a need's text, category, place or reach (staff)."""
    need = _locked_need(need)
    if need.status == NeedStatus.MERGED:
        raise ValidationError(_("A merged need no longer changes: edit the one it became."))
    edit(
        need,
        actor=actor,
        action="need.update",
        changes=fields,
        allowed=NEED_FIELDS,
        audited=NEED_FIELDS,
        check=_check_need,
    )
    needs_changed(need.coop_id)
    return need


def _supportable(need: Need) -> None:
    if need.status == NeedStatus.MERGED:
        raise ValidationError(_("This need was merged into another one: support that one instead."))
    if need.status not in SUPPORTABLE_NEED:
        raise ValidationError(_("This need is closed: it can no longer be supported."))


@transaction.atomic
def need_support(*, actor: Actor, need: Need) -> NeedSupport:
    """Add the actor's support; one per person (the database holds it under concurrency).
    The need is locked and read again: a merge or a decline may have committed since the
    page was loaded, and a support must not land on a merged need."""
    need = _locked_need(need)
    _supportable(need)
    if need.submitted_by_id == actor.pk:
        raise ValidationError(_("You told this need yourself: it counts already."))
    support = NeedSupport(need=need, user=actor)
    save_unique(support, None, _("You already support this need."))  # one per person
    Need.objects.filter(pk=need.pk).update(support_count=F("support_count") + 1)
    needs_changed(need.coop_id)
    return support


@transaction.atomic
def need_unsupport(*, actor: Actor, need: Need) -> None:
    """Take one's support back while the need is still open to support."""
    need = _locked_need(need)
    _supportable(need)
    removed, _detail = NeedSupport.objects.filter(need=need, user=actor).delete()
    if not removed:
        raise ValidationError(_("You do not support this need."))
    Need.objects.filter(pk=need.pk).update(support_count=F("support_count") - 1)
    needs_changed(need.coop_id)


def need_followers(need: Need) -> list[str]:
    """E-mail addresses of who told the need and who supports it (no address: not told)."""
    users = (
        get_user_model().objects.filter(need_supports__need=need).values_list("email", flat=True)
    )
    found = {need.contact_email, *users}
    if need.submitted_by_id:
        found.add(need.submitted_by.email)
    return sorted(address for address in found if address)


def _send_status(pk: int, context: dict[str, Any], addresses: list[str] | None) -> None:
    if addresses is None:
        addresses = need_followers(Need.objects.select_related("submitted_by").get(pk=pk))
    for address in addresses:
        notify(to=address, template="projects/needs/email/need_status", context=context)


def _tell_followers(need: Need, addresses: list[str] | None = None) -> None:
    """After commit, one e-mail to each follower: ``addresses`` when they were read before
    the change moved them (a merge), otherwise read once in the task (a long list)."""
    if is_quiet():
        return
    context = {
        "coop": need.coop.name,
        "title": need.title,
        "status": need.get_status_display(),
        "reason": need.status_reason,
        "merged_into": need.merged_into.title if need.merged_into_id else "",
        "link": f"{settings.SITE_URL}/c/{need.coop.slug}/needs/{need.pk}/",
    }
    defer(_send_status, need.pk, context, addresses)


@transaction.atomic
def need_set_status(*, actor: Actor, need: Need, status: str, reason: str = "") -> Need:
    """Move a need along its public workflow; declining needs a public reason."""
    need = _locked_need(need)
    reason = (reason or "").strip()
    if status not in NeedStatus.values or status == NeedStatus.MERGED:
        raise ValidationError(_("Choose a status of the workflow."), field="status")
    if status not in NEED_TRANSITIONS[need.status]:
        raise ValidationError(
            _("A need that is “%(now)s” cannot become “%(next)s”.")
            % {"now": need.get_status_display(), "next": NeedStatus(status).label},
            field="status",
        )
    if status == NeedStatus.DECLINED and not reason:
        raise ValidationError(_("Say publicly why the need is declined."), field="reason")
    if status == NeedStatus.ANSWERED and not need.projects.exists():
        raise ValidationError(
            _("A need is answered by a project: link it to a project first."), field="status"
        )
    if len(reason) > NeedStatusChange._meta.get_field("reason").max_length:
        raise ValidationError(_("The reason is too long."), field="reason")
    _move(need, status, reason, actor, audited=["status", "status_reason"])
    return need


def needs_answered(*, actor: Actor, needs: Iterable[Need], project_title: str) -> None:
    """Needs a project now answers move to “answered” (called by the project services)."""
    reason = _("Answered by the project “%(title)s”.") % {"title": project_title}
    for need in needs:
        if need.status in OPEN_NEED:
            _move(need, NeedStatus.ANSWERED, reason, actor)


def _move(
    need: Need, status: str, reason: str, actor: Actor, *, audited: list[str] | None = None
) -> None:
    """Move a need along its workflow, in its public history and the audit trail (the
    ``audited`` fields before and after; only the new status without them); the lists and the
    followers learn of it once the transaction commits."""
    before = snapshot(need, audited) if audited else None
    _status_changed(need, status, reason, actor)
    need.save(update_fields=["status", "status_reason", "status_changed_at"])
    after = snapshot(need, audited) if audited else {"status": need.status}
    audit_record(
        actor=actor, action="need.status", obj=need, coop=need.coop, before=before, after=after
    )
    needs_changed(need.coop_id)
    _tell_followers(need)


@transaction.atomic
def need_merge(*, actor: Actor, duplicate: Need, into: Need) -> Need:
    """Merge a duplicate into the need it repeats: its supports (and its author, as a
    supporter) move over without counting anyone twice; its proposals and projects follow."""
    if duplicate.pk == into.pk:
        raise ValidationError(_("A need cannot be merged into itself."), field="into")
    if duplicate.coop_id != into.coop_id:
        raise ValidationError(_("Choose a need of the same cooperative."), field="into")
    first, second = sorted([duplicate.pk, into.pk])  # one lock order: no deadlock
    locked = {
        n.pk: n
        for n in Need.objects.select_for_update()
        .select_related("coop")
        .filter(pk__in=[first, second])
        .order_by("pk")
    }
    duplicate, into = locked[duplicate.pk], locked[into.pk]
    if NeedStatus.MERGED in (duplicate.status, into.status):
        raise ValidationError(_("One of the two needs is merged already."), field="into")
    followers = need_followers(duplicate)  # before their supports move
    already = set(NeedSupport.objects.filter(need=into).values_list("user_id", flat=True))
    if into.submitted_by_id:
        already.add(into.submitted_by_id)
    moving = NeedSupport.objects.filter(need=duplicate).exclude(user_id__in=already)
    moved_users = set(moving.values_list("user_id", flat=True))
    moving.update(need=into)
    if duplicate.submitted_by_id and duplicate.submitted_by_id not in already | moved_users:
        NeedSupport.objects.create(need=into, user_id=duplicate.submitted_by_id)
    NeedSupport.objects.filter(need=duplicate).delete()  # those who supported both
    into.support_count = NeedSupport.objects.filter(need=into).count()
    into.save(update_fields=["support_count"])
    for proposal in duplicate.proposals.all():
        proposal.needs.add(into)
    projects = list(duplicate.projects.all())
    for project in projects:
        project.needs.add(into)
    if projects:
        needs_answered(actor=actor, needs=[into], project_title=projects[0].title)
    before = snapshot(duplicate, ["status", "merged_into", "support_count"])
    duplicate.merged_into = into
    duplicate.support_count = 0
    _status_changed(
        duplicate,
        NeedStatus.MERGED,
        _("Merged into “%(title)s”.") % {"title": into.title},
        actor,
    )
    duplicate.save()
    audit_record(
        actor=actor,
        action="need.merge",
        obj=duplicate,
        coop=duplicate.coop,
        before=before,
        after=snapshot(duplicate, ["status", "merged_into", "support_count"]),
    )
    needs_changed(duplicate.coop_id)
    _tell_followers(duplicate, followers)
    return into
