"""Statutory assemblies (assemblee dei soci): convocation, the voters' roll on the assembly's day,
attendance, proxies, motions with their ballots, and the minutes kept in the minute book.

Votes are exact: the roll gives each voter a whole number of *units*, ``votes * D`` where ``D``
(``Assembly.vote_denominator``) is the least common denominator of the votes that the cap on
financing members made fractional, so every tally is an integer sum in SQL.

A secret ballot keeps no link between a voter and a choice. ``Vote`` says who has voted (and, in
an open ballot only, what); the choices of a secret ballot are added to per-option totals
(``Motion``'s and ``Candidate``'s counters) in the same transaction, so no row exists from which
a choice could be traced back to the voter, not even through the order rows were written in.
Open ballots move the same counters, so a tally is one small query either way."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comunitas.core.models import Cooperative
from comunitas.decisions.models.limits import TEXT_MAX, TITLE_MAX
from comunitas.members.models import Member

NARRATIVE_MAX = 50_000


class AssemblyKind(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary")
    EXTRAORDINARY = "extraordinary", _("Extraordinary")


class AssemblyStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    CONVENED = "convened", _("Convened")
    OPEN = "open", _("In session")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class Call(models.TextChoices):
    FIRST = "first", _("First call")
    SECOND = "second", _("Second call")


class Assembly(models.Model):
    """An assembly of the members, from its draft to its closing."""

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="assemblies")
    kind = models.CharField(
        _("kind"), max_length=14, choices=AssemblyKind.choices, default=AssemblyKind.ORDINARY
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    first_call_at = models.DateTimeField(_("first call"))
    second_call_at = models.DateTimeField(_("second call"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    notes = models.TextField(_("other information for the notice"), max_length=TEXT_MAX, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=AssemblyStatus.choices, default=AssemblyStatus.DRAFT
    )
    convened_at = models.DateTimeField(_("convened on"), null=True, blank=True)
    convened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notice_days = models.PositiveSmallIntegerField(
        _("days of notice required"), null=True, blank=True
    )  # the statute's, recorded when the assembly was convened
    call = models.CharField(_("held at"), max_length=6, choices=Call.choices, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancelled_reason = models.TextField(_("reason for cancelling"), max_length=2000, blank=True)
    # The voters' roll, fixed when the assembly opens (see RollEntry).
    vote_denominator = models.PositiveBigIntegerField(default=1)
    total_units = models.PositiveBigIntegerField(default=0)
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["coop", "-first_call_at", "-id"]
        verbose_name = _("assembly")
        verbose_name_plural = _("assemblies")
        constraints = [
            models.CheckConstraint(
                condition=Q(second_call_at__isnull=True) | Q(second_call_at__gt=F("first_call_at")),
                name="assembly_second_call_after_first",
            ),
            models.CheckConstraint(
                condition=Q(vote_denominator__gte=1), name="assembly_denominator_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.first_call_at:%Y-%m-%d})"

    @property
    def held_at(self):
        """When the assembly meets: the second call's time once it is held at second call."""
        if self.call == Call.SECOND and self.second_call_at:
            return self.second_call_at
        return self.first_call_at

    @property
    def is_editable(self) -> bool:
        return self.status == AssemblyStatus.DRAFT

    @property
    def is_in_session(self) -> bool:
        return self.status == AssemblyStatus.OPEN


class AgendaItem(models.Model):
    """A point of the agenda (ordine del giorno), optionally about a proposal or a project."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), max_length=TEXT_MAX, blank=True)
    proposal = models.ForeignKey(
        "projects.Proposal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("proposal"),
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("project"),
    )

    class Meta:
        ordering = ["assembly", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assembly", "position"], name="agenda_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class NoticeChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    POST = "post", _("Printed notice (no e-mail address)")


class Notice(models.Model):
    """The convocation as it reached one member: by e-mail, or printed for those without one."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="notices")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="notices")
    channel = models.CharField(max_length=5, choices=NoticeChannel.choices)
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["assembly", "member__number"]
        constraints = [
            models.UniqueConstraint(fields=["assembly", "member"], name="notice_one_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.member.audit_label} · {self.get_channel_display()}"


class RollEntry(models.Model):
    """A voter of the assembly and their weight, from the member book on the assembly's day:
    ``units`` ÷ ``assembly.vote_denominator`` votes (art. 2538 c.c., L. 59/1992 art. 4)."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="roll")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="roll_entries")
    units = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["assembly", "member__number"]
        constraints = [
            models.UniqueConstraint(fields=["assembly", "member"], name="roll_one_per_member"),
            models.CheckConstraint(condition=Q(units__gte=1), name="roll_units_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.member.audit_label}: {self.units}"


class AttendanceMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")


class Attendance(models.Model):
    """A member at the assembly: how and when they arrived, and when they left (if they did)."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="attendances")
    mode = models.CharField(_("attending"), max_length=9, choices=AttendanceMode.choices)
    arrived_at = models.DateTimeField(_("arrived at"))
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["assembly", "arrived_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assembly", "member"], name="attendance_one_per_member"
            ),
            models.CheckConstraint(
                condition=Q(left_at__isnull=True) | Q(left_at__gte=F("arrived_at")),
                name="attendance_leaves_after_arriving",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.audit_label} · {self.arrived_at:%H:%M}"

    @property
    def is_present(self) -> bool:
        return self.left_at is None


class Proxy(models.Model):
    """A proxy (delega, art. 2539 c.c.): ``grantor`` is represented by ``holder``, another
    member of the roll, who holds at most the statute's number of proxies (never over 10)."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="proxies")
    grantor = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="proxies_given", verbose_name=_("member")
    )
    holder = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        related_name="proxies_held",
        verbose_name=_("holder of the proxy"),
    )
    reference = models.CharField(
        _("written proxy"),
        max_length=200,
        blank=True,
        help_text=_("How the written proxy was received, e.g. 'paper form, filed'."),
    )
    registered_at = models.DateTimeField()
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["assembly", "holder__number", "grantor__number"]
        verbose_name = _("proxy")
        verbose_name_plural = _("proxies")
        constraints = [
            models.CheckConstraint(condition=~Q(grantor=F("holder")), name="proxy_not_to_self"),
            models.UniqueConstraint(
                fields=["assembly", "grantor"],
                condition=Q(revoked_at__isnull=True),
                name="proxy_one_active_per_grantor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grantor.audit_label} → {self.holder.audit_label}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class MotionKind(models.TextChoices):
    RESOLUTION = "resolution", _("Resolution (for, against, abstain)")
    ELECTION = "election", _("Election among candidates")


class BallotKind(models.TextChoices):
    OPEN = "open", _("Open (named)")
    SECRET = "secret", _("Secret")


class Majority(models.TextChoices):
    SIMPLE = "simple", _("Simple: more for than against")
    ABSOLUTE = "absolute", _("Absolute: more than half")
    QUALIFIED = "qualified", _("Qualified: at least a fraction")


class MajorityBase(models.TextChoices):
    CAST = "cast", _("of the votes cast")
    PRESENT = "present", _("of the votes present")
    ALL = "all", _("of all votes")


class MotionStatus(models.TextChoices):
    DRAFT = "draft", _("Not yet put to the vote")
    OPEN = "open", _("Voting")
    CLOSED = "closed", _("Closed")


class Choice(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    ABSTAIN = "abstain", _("Abstain")


class Motion(models.Model):
    """A motion (delibera) put to the vote, or an election, with its majority rule. The
    counters are the tally in units; they are shown only once the motion is closed."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="motions")
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="motions",
        verbose_name=_("agenda item"),
    )
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    text = models.TextField(_("text of the motion"), max_length=TEXT_MAX, blank=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=MotionKind.choices, default=MotionKind.RESOLUTION
    )
    ballot = models.CharField(
        _("ballot"), max_length=6, choices=BallotKind.choices, default=BallotKind.OPEN
    )
    majority = models.CharField(
        _("majority"), max_length=9, choices=Majority.choices, default=Majority.SIMPLE
    )
    majority_base = models.CharField(
        _("counted on"), max_length=7, choices=MajorityBase.choices, default=MajorityBase.CAST
    )
    # A qualified majority: at least numerator/denominator of the base (e.g. 2/3).
    qualified_numerator = models.PositiveSmallIntegerField(default=2)
    qualified_denominator = models.PositiveSmallIntegerField(default=3)
    seats = models.PositiveSmallIntegerField(
        _("seats to fill"), default=1, help_text=_("Elections: how many candidates are elected.")
    )
    status = models.CharField(
        _("status"), max_length=6, choices=MotionStatus.choices, default=MotionStatus.DRAFT
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Units present (in person, online or by proxy) when the vote was called, and at its close.
    present_units_at_open = models.PositiveBigIntegerField(default=0)
    present_units_at_close = models.PositiveBigIntegerField(default=0)
    # The tally, in units: moved in the same transaction as each Vote row.
    voters = models.PositiveIntegerField(default=0)
    for_units = models.PositiveBigIntegerField(default=0)
    against_units = models.PositiveBigIntegerField(default=0)
    abstain_units = models.PositiveBigIntegerField(default=0)  # in elections: blank ballots
    quorum_met = models.BooleanField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["assembly", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(qualified_denominator__gte=1)
                & Q(qualified_numerator__gte=1)
                & Q(qualified_numerator__lte=F("qualified_denominator")),
                name="motion_qualified_fraction",
            ),
            models.CheckConstraint(condition=Q(seats__gte=1), name="motion_seats_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def cast_units(self) -> int:
        return self.for_units + self.against_units + self.abstain_units

    @property
    def is_open(self) -> bool:
        return self.status == MotionStatus.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == MotionStatus.CLOSED


class Candidate(models.Model):
    """A candidate in an election, with the units they received."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="candidates")
    name = models.CharField(_("name"), max_length=160)
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="candidacies",
        verbose_name=_("member"),
    )
    position = models.PositiveSmallIntegerField(default=0)
    units = models.PositiveBigIntegerField(default=0)
    elected = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["motion", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["motion", "name"], name="candidate_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Vote(models.Model):
    """That ``voter`` has voted on ``motion`` (once: a unique constraint), cast by the voter,
    by the holder of their proxy, or recorded by staff (open ballots only). ``choice`` and
    ``candidates`` are filled in open ballots only; a secret vote leaves them empty."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="votes")
    by_proxy = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="proxy_votes"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    units = models.PositiveBigIntegerField()
    cast_at = models.DateTimeField()
    choice = models.CharField(max_length=7, choices=Choice.choices, blank=True)
    candidates = models.ManyToManyField(Candidate, blank=True, related_name="open_votes")

    class Meta:
        ordering = ["motion", "voter__number"]
        constraints = [
            models.UniqueConstraint(fields=["motion", "voter"], name="vote_once_per_motion"),
        ]

    def __str__(self) -> str:
        # Who voted on what motion, never how: the audit trail names votes by this.
        return f"{self.voter.audit_label} · {self.motion_id}"


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")


class MinuteBook(models.Model):
    """The counter of the minute book (libro delle adunanze e deliberazioni delle assemblee,
    art. 2421 c.c.): minutes are numbered when signed, without gaps."""

    coop = models.OneToOneField(Cooperative, on_delete=models.CASCADE, related_name="minute_book")
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.coop} · {self.last_number}"


class Minutes(models.Model):
    """The minutes (verbale) of an assembly: the record generated from what the system holds,
    the secretary's narrative, and the signatures. Once signed, the record is frozen as it was
    (``record_html``) and nothing changes any more."""

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="minutes")
    assembly = models.OneToOneField(Assembly, on_delete=models.PROTECT, related_name="minutes")
    number = models.PositiveIntegerField(_("number in the minute book"), null=True, blank=True)
    narrative = models.TextField(_("narrative"), max_length=NARRATIVE_MAX, blank=True)
    chair_name = models.CharField(_("chair"), max_length=160, blank=True)
    chair_role = models.CharField(_("chair's role"), max_length=120, blank=True)
    secretary_name = models.CharField(_("secretary"), max_length=160, blank=True)
    secretary_role = models.CharField(_("secretary's role"), max_length=120, blank=True)
    status = models.CharField(
        max_length=6, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    record_html = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["coop", "-number"]
        verbose_name = _("minutes")
        verbose_name_plural = pgettext_lazy("plural", "minutes")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "number"],
                condition=Q(number__isnull=False),
                name="minutes_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"verbale n. {self.number}" if self.number else f"verbale #{self.pk}"

    @property
    def is_signed(self) -> bool:
        return self.status == MinutesStatus.SIGNED
