"""Domain enums exposed to GraphQL under their own names."""

from __future__ import annotations

import strawberry

from documents.agency import AgencyLevel, AgencyState
from documents.dossier import ApplicantKind, Channel, DossierStatus
from documents.dossier_search import DossierOrder
from documents.errors import ErrorCode
from documents.form import FormStatus
from documents.procedure import FeeKind, OfficerRole

AgencyLevelEnum = strawberry.enum(AgencyLevel, name="AgencyLevel")
AgencyStateEnum = strawberry.enum(AgencyState, name="AgencyState")
ApplicantKindEnum = strawberry.enum(ApplicantKind, name="ApplicantKind")
ChannelEnum = strawberry.enum(Channel, name="Channel")
DossierStatusEnum = strawberry.enum(DossierStatus, name="DossierStatus")
DossierOrderEnum = strawberry.enum(DossierOrder, name="DossierOrder")
ErrorCodeEnum = strawberry.enum(ErrorCode, name="ErrorCode")
FormStatusEnum = strawberry.enum(FormStatus, name="FormStatus")
FeeKindEnum = strawberry.enum(FeeKind, name="FeeKind")
OfficerRoleEnum = strawberry.enum(OfficerRole, name="OfficerRole")
