"""`shareWithGroup`: a paper attached to one member of a group submission, given to the
other members that ask for the same slot (docs/groups.md, "Papers uploaded once")."""

from __future__ import annotations

import strawberry

from documents.access.policy import Access
from documents.dossiers.dossier import Dossier
from documents.workflow.group_papers import share_with_group
from schema.core.context import Info
from schema.dossiers.mutating import Rule, dossier_mutation
from schema.dossiers.papers import attachment_key

SHARE = Rule(Access.can_attach, "you may not attach files to this dossier")


@strawberry.type
class GroupPaperMutations:
    @dossier_mutation(
        SHARE,
        "Give a paper of this group member to the other members of its group that ask for "
        "the same slot and still take papers: the same stored file, no new upload. Members "
        "that already hold it, or that you may not attach files to, are left as they are.",
    )
    async def share_with_group(
        self, info: Info, code: str, attachment_id: strawberry.ID
    ) -> Dossier:
        access = await info.context.access()
        return await share_with_group(
            code, attachment_key(attachment_id), info.context.actor, access.can_attach
        )
