"""Who sees which photo or document of a resource. Staff and the board (MANAGE_COMMONS) see every
file. Members and residents (any role in the cooperative) see every *photo* of the resources
they can open, public or not, as they read the resource's legal bases and history, but no
*document* (deeds, policies and plans may hold contract terms and personal data). Visitors of a
public cooperative, and people of other cooperatives, see only the photos marked public of a
resource shown on the public page."""

from __future__ import annotations

from django.db.models import QuerySet

from comunitas.commons.models import CommonResource, ResourceFile, ResourceFileKind
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, can, role_in


# --- who sees what --------------------------------------------------------------------------------
def visible_files(*, user, coop: Cooperative, resource: CommonResource) -> QuerySet[ResourceFile]:
    """The files of ``resource`` the user may see (the resource itself already visible)."""
    found = ResourceFile.objects.filter(resource=resource)
    if can(user, coop, Action.MANAGE_COMMONS):
        return found
    found = found.filter(kind=ResourceFileKind.PHOTO)
    if role_in(user, coop) is None:
        found = found.filter(is_public=True, resource__is_public=True)
    return found


def can_see(*, user, coop: Cooperative, item: ResourceFile) -> bool:
    """Whether the user may open ``item`` (a file of a resource of ``coop``)."""
    if item.resource.coop_id != coop.pk:
        return False
    if can(user, coop, Action.MANAGE_COMMONS):
        return True
    if item.kind != ResourceFileKind.PHOTO:
        return False
    if role_in(user, coop) is not None:
        return True
    return coop.is_public and item.is_public and item.resource.is_public


def file_get(*, user, coop: Cooperative, pk: int) -> ResourceFile:
    """A file the user may see; DoesNotExist otherwise (answered 404, saying nothing)."""
    item = ResourceFile.objects.select_related("resource__coop").get(pk=pk, resource__coop=coop)
    if not can_see(user=user, coop=coop, item=item):
        raise ResourceFile.DoesNotExist
    return item
