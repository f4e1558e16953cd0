"""Who may see a group submission (docs/groups.md, "Who sees what"): its applicant, and
whoever may see at least one of its member dossiers. What each of them sees of each
member is the dossier rule (`Access.can_view`), member by member."""

from __future__ import annotations

from collections.abc import Iterable

from documents.access.policy import Access
from documents.access.principals import PrincipalKind
from documents.dossiers.dossier import Dossier
from documents.groups.records import DossierGroup


def owns_group(access: Access, group: DossierGroup) -> bool:
    """The applicant who submitted the group."""
    principal = access.principal
    return principal.kind is PrincipalKind.APPLICANT and principal.id_number == group.applicant_id


def sees_group(access: Access, group: DossierGroup, members: Iterable[Dossier]) -> bool:
    """The applicant, a system administrator, and whoever may see one of the members
    (an officer of its agencies, an integrator whose key's scope covers it); to everyone
    else the group does not exist."""
    if owns_group(access, group) or access.kind is PrincipalKind.SYSTEM_ADMIN:
        return True
    return any(access.can_view(member) for member in members)
