from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What the member book's audit codes mean to a reader of the activity log.
AUDIT_LABELS = {
    "member.apply": _("membership application received"),
    "member.admit": _("member admitted"),
    "member.reject": _("application rejected"),
    "member.update": _("member's data changed"),
    "member.exit": _("member left"),
    "member.erase": _("personal data erased"),
    "member.erasure_request": _("erasure of personal data requested"),
    "member.withdraw": _("application withdrawn by the applicant"),
    "member.synthetic_book": _("synthetic member book generated"),
    "members.import": _("member book imported"),
    "consent.set": _("consent given or withdrawn"),
    "category.create": _("stakeholder category added"),
    "category.update": _("stakeholder category changed"),
    "share_class.create": _("share class issued"),
    "shares.subscription": _("shares subscribed"),
    "shares.payment": _("payment of shares"),
    "shares.transfer_out": _("shares transferred to another member"),
    "shares.transfer_in": _("shares received from another member"),
    "shares.redemption": _("shares cancelled at exit"),
    "shares.ristorno": _("shares issued from ristorni"),
    "shares.reversal": _("movement reversed"),
    "transfer.request": _("transfer of shares requested"),
    "transfer.approve": _("transfer of shares approved"),
    "transfer.reject": _("transfer of shares rejected"),
    "redemption.pay": _("reimbursement paid"),
    "office.appoint": _("member appointed to an office"),
    "office.end": _("office ended"),
}


class MembersConfig(AppConfig):
    name = "comunitas.members"
    label = "members"
    verbose_name = _("Members and share capital")

    def ready(self) -> None:
        from comunitas.core.audit import ACTION_LABELS

        ACTION_LABELS.update(AUDIT_LABELS)
