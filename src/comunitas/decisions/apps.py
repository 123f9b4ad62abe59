from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# What the decisions app's audit codes mean to a reader of the activity log.
AUDIT_LABELS = {
    # assemblies
    "assembly.create": _("assembly drafted"),
    "assembly.update": _("assembly changed"),
    "assembly.convene": _("assembly convened"),
    "assembly.cancel": _("assembly cancelled"),
    "assembly.open": _("assembly opened"),
    "assembly.close": _("assembly closed"),
    "agenda.add": _("agenda item added"),
    "agenda.update": _("agenda item changed"),
    "agenda.remove": _("agenda item removed"),
    "attendance.arrive": _("arrival at an assembly registered"),
    "attendance.leave": _("departure from an assembly registered"),
    "proxy.register": _("proxy registered"),
    "proxy.revoke": _("proxy revoked"),
    "motion.create": _("motion drafted"),
    "motion.update": _("motion changed"),
    "motion.open": _("vote opened"),
    "motion.close": _("vote closed"),
    "vote.cast": _("vote cast"),
    "minutes.update": _("minutes changed"),
    "minutes.sign": _("minutes signed"),
    # consultations
    "consultation.create": _("consultation drafted"),
    "consultation.update": _("consultation changed"),
    "consultation.option_add": _("option of a consultation added"),
    "consultation.option_update": _("option of a consultation changed"),
    "consultation.option_remove": _("option of a consultation removed"),
    "consultation.open": _("consultation opened"),
    "consultation.close": _("consultation closed"),
    "consultation.answer": _("consultation answered"),
    "consultation.answer_change": _("answer to a consultation changed"),
    "consultation.outcome": _("outcome of a consultation stated"),
    # budgets
    "budget.create": _("participatory budget set up"),
    "budget.update": _("participatory budget changed"),
    "budget.phase": _("phase of a participatory budget changed"),
    "budget.vote": _("ballot cast in a participatory budget"),
    "budget.count": _("participatory budget counted"),
    "budget_project.propose": _("project proposed for a participatory budget"),
    "budget_project.review": _("project of a participatory budget reviewed"),
    "budget_project.follow_up": _("funded project linked to its follow-up"),
    "budget.synthetic": _("synthetic participatory budget generated"),
    # secret ballots (ballot_box)
    "ballots.mix": _("secret ballots mixed and counted"),
}


# The keys of the decisions' changes that are not a field of the object: results and counts.
CHANGE_KEYS = {
    "abstain": _("abstentions"),
    "against": _("against"),
    "answer": _("answer"),
    "at": _("at"),
    "ballots": _("ballots"),
    "budget": _("participatory budget"),
    "by_email": _("by e-mail"),
    "candidates": _("candidates"),
    "followed_up": _("followed up"),
    "for": pgettext_lazy("votes", "for"),
    "funded": _("funded projects"),
    "notices": _("notices"),
    "options": _("options"),
    "present_units": _("votes present"),
    "projects_chosen": _("projects chosen"),
    "proxy_holder": _("proxy holder"),
    "reason": _("reason"),
    "voters": _("voters"),
    "votes": _("votes"),
}


class DecisionsConfig(AppConfig):
    name = "comunitas.decisions"
    label = "decisions"
    verbose_name = _("Decisions")

    def ready(self) -> None:
        from comunitas.core.audit import ACTION_LABELS, CHANGE_LABELS

        ACTION_LABELS.update(AUDIT_LABELS)
        CHANGE_LABELS.update(CHANGE_KEYS)
