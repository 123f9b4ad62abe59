from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What the projects app's audit codes mean to a reader of the activity log.
AUDIT_LABELS = {
    "need.submit": _("need submitted"),
    "need.update": _("need changed"),
    "need.status": _("status of a need changed"),
    "need.merge": _("need merged into another"),
    "proposal.submit": _("proposal made"),
    "proposal.update": _("proposal changed"),
    "proposal.withdraw": _("proposal withdrawn"),
    "proposal.decide": _("proposal decided by the board"),
    "project.create": _("project created"),
    "project.update": _("project changed"),
    "objective.add": _("objective of a project set"),
    "objective.update": _("objective of a project changed"),
    "measurement.add": _("indicator value recorded"),
    "milestone.add": _("milestone of a project added"),
    "milestone.update": _("milestone of a project changed"),
    "budget_line.add": _("budget line of a project added"),
    "team.add": _("person added to a project's team"),
    "team.remove": _("person removed from a project's team"),
    "project_update.add": _("progress update published"),
    "indicator.create": _("indicator added to the catalogue"),
    "projects.synthetic": _("synthetic needs, proposals and projects generated"),
}


class ProjectsConfig(AppConfig):
    name = "comunitas.projects"
    label = "projects"
    verbose_name = _("Needs and projects")

    def ready(self) -> None:
        from comunitas.core.audit import ACTION_LABELS

        ACTION_LABELS.update(AUDIT_LABELS)
