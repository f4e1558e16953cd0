"""The access policy, in one place: who may see and do what.

`Access` is a principal together with the agencies it covers (its agency and every
agency below it), worked out once per request. Resolvers ask it; nothing else decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from documents.access.places import (
    competent_agencies,
    handling_agencies,
    paper_agencies,
    result_agencies,
)
from documents.access.principals import Operation, Principal, PrincipalKind
from documents.access.subtrees import SUBTREES
from documents.catalogue.agencies import Agency, subtree_codes
from documents.catalogue.procedures import OfficerRole
from documents.dossiers.dossier import Dossier
from documents.papers.attachments import Attachment
from documents.papers.consents import Submitter
from documents.workflow.identity import OnlineIdentity
from documents.workflow.transitions import Action

K = PrincipalKind
R = OfficerRole
A = Action

# Which officer role may take which workflow action; places.py says where.
ROLE_ACTIONS: dict[OfficerRole, frozenset[Action]] = {
    R.RECEPTION: frozenset(
        {A.ACCEPT, A.REFUSE, A.ASSIGN, A.HAND_OVER, A.RETURN_RESULT}
        | {A.REQUEST_SUPPLEMENT_AT_RECEPTION, A.REQUEST_PAYMENT, A.RECORD_PAYMENT, A.EXEMPT_FEE}
    ),
    R.SPECIALIST: frozenset({A.ASSIGN, A.HAND_OVER, A.REQUEST_SUPPLEMENT, A.ISSUE_APOLOGY}),
    # Stopping ends a dossier without a decision: the leader signs it, as a rejection.
    R.LEADER: frozenset(
        {A.ASSIGN, A.HAND_OVER, A.APPROVE, A.REJECT, A.ISSUE_APOLOGY, A.STOP_PROCESSING}
        | {A.EXEMPT_FEE}
    ),
}
APPLICANT_ACTIONS = frozenset({A.SUPPLEMENT, A.SUPPLEMENT_AT_RECEPTION, A.WITHDRAW})
# Taken by the system itself, never by a principal: a waiting group member is received
# when the result it waits for is recorded (docs/groups.md).
SYSTEM_ACTIONS = frozenset({A.RECEIVE_INPUT})
INTEGRATOR_ACTIONS = {A.RECORD_PAYMENT: Operation.RECORD_PAYMENTS}


class AdminArea(StrEnum):
    FORMS = "FORMS"
    PROCEDURES = "PROCEDURES"
    AGENCIES = "AGENCIES"
    CALENDAR = "CALENDAR"
    API_KEYS = "API_KEYS"
    AUDIT = "AUDIT"


# What an agency admin may manage within its agencies; the rest is city-wide.
_AGENCY_ADMIN_AREAS = frozenset({AdminArea.PROCEDURES, AdminArea.API_KEYS, AdminArea.AUDIT})


@dataclass(frozen=True)
class Access:
    principal: Principal
    # The agencies an officer or agency admin covers; None for everyone else.
    agencies: frozenset[str] | None = None

    @property
    def kind(self) -> PrincipalKind:
        return self.principal.kind

    # -- dossiers -------------------------------------------------------------------

    def dossier_filter(self) -> dict[str, Any] | None:
        """A MongoDB filter that keeps only the dossiers this principal may see;
        None when it may see none."""
        if self.kind is K.SYSTEM_ADMIN:
            return {}
        if self.kind in (K.OFFICER, K.AGENCY_ADMIN) and self.agencies:
            return {"agency_codes": {"$in": sorted(self.agencies)}}
        if self.kind is K.APPLICANT and self.principal.id_number:
            return {"applicant.id_number": self.principal.id_number}
        if self.kind is K.INTEGRATOR and Operation.READ_DOSSIERS in self.principal.scope.operations:
            return self._integrator_filter()
        return None

    def _integrator_filter(self) -> dict[str, Any]:
        scope = self.principal.scope
        query: dict[str, Any] = {}
        if scope.agencies:
            query["agency_codes"] = {"$in": sorted(scope.agencies)}
        if scope.procedures:
            query["procedure_code"] = {"$in": sorted(scope.procedures)}
        return query

    def can_view(self, dossier: Dossier) -> bool:
        kind = self.kind
        if kind is K.SYSTEM_ADMIN:
            return True
        if kind in (K.OFFICER, K.AGENCY_ADMIN):
            return bool(self.agencies and self.agencies.intersection(dossier.agency_codes))
        if kind is K.APPLICANT:
            return dossier.applicant.id_number == self.principal.id_number
        if kind is K.INTEGRATOR:
            return self._integrator_covers(dossier, Operation.READ_DOSSIERS)
        return False

    def _integrator_covers(self, dossier: Dossier, operation: Operation) -> bool:
        scope = self.principal.scope
        return (
            operation in scope.operations
            and (not scope.agencies or bool(scope.agencies.intersection(dossier.agency_codes)))
            and (not scope.procedures or dossier.procedure_code in scope.procedures)
        )

    def can_subscribe(self) -> bool:
        """Anyone signed in may follow dossier events (each one is still checked with
        `can_view`); integrators need the SUBSCRIBE operation in their key's scope."""
        if self.kind is K.ANONYMOUS:
            return False
        if self.kind is K.INTEGRATOR:
            return Operation.SUBSCRIBE in self.principal.scope.operations
        return True

    def can_register_webhooks(self) -> bool:
        """Administrators, and integrators whose key may subscribe; each event is still
        checked with `can_subscribe` and `can_view` for the webhook's owner."""
        if self.kind is K.INTEGRATOR:
            return Operation.SUBSCRIBE in self.principal.scope.operations
        return self.principal.is_admin

    def sees_personal_data(self, dossier: Dossier) -> bool:
        """Only the applicant and the officers handling the dossier see it unmasked."""
        if self.kind is K.APPLICANT:
            return dossier.applicant.id_number == self.principal.id_number
        if self.kind is K.OFFICER and self.agencies:
            handling = {dossier.handling_agency_code, *(s.agency_code for s in dossier.steps)}
            return bool(self.agencies.intersection(handling))
        return False

    def can_act(self, action: Action, dossier: Dossier) -> bool:
        """Officers act by role where the dossier is theirs to act on (places.py);
        applicants on their own dossiers; integrators within their key's scope."""
        kind = self.kind
        if kind is K.OFFICER and self.principal.role is not None:
            allowed = ROLE_ACTIONS[self.principal.role]
            return action in allowed and self._covers(competent_agencies(dossier, action))
        if kind is K.APPLICANT:
            return action in APPLICANT_ACTIONS and self.can_view(dossier)
        if kind is K.INTEGRATOR and action in INTEGRATOR_ACTIONS:
            where = competent_agencies(dossier, action)
            covered = self._integrator_covers(dossier, INTEGRATOR_ACTIONS[action])
            return covered and self._scope_covers(where)
        return False

    def _covers(self, agencies: frozenset[str]) -> bool:
        """Whether one of this officer's agencies stands where the action is taken."""
        return bool(self.agencies and self.agencies.intersection(agencies))

    def _scope_covers(self, agencies: frozenset[str]) -> bool:
        """Whether an integrator's key names one of the agencies (or names none: all)."""
        scope = self.principal.scope.agencies
        return bool(agencies) and (not scope or bool(scope.intersection(agencies)))

    def can_submit(self, applicant_id: str, agency_code: str, procedure_code: str) -> bool:
        """Applicants file (for themselves: the submission refuses another applicant with
        NOT_THE_APPLICANT, `online_identity`); reception files at its own desks;
        integrators (e.g. the national portal) within their scope."""
        kind = self.kind
        if kind is K.APPLICANT:
            return True
        if kind is K.OFFICER:
            covered = self.agencies is not None and agency_code in self.agencies
            return self.principal.role is R.RECEPTION and covered
        if kind is K.INTEGRATOR:
            scope = self.principal.scope
            return (
                Operation.SUBMIT_DOSSIERS in scope.operations
                and (not scope.agencies or agency_code in scope.agencies)
                and (not scope.procedures or procedure_code in scope.procedures)
            )
        return False

    # -- papers (docs/papers.md) ---------------------------------------------------

    def can_attach(self, dossier: Dossier) -> bool:
        """The applicant attaches papers to their own dossier, reception at the desk
        where they are handed in (places.py); the same people may remove them."""
        if self.kind is K.APPLICANT:
            return self.can_view(dossier)
        if self.kind is K.OFFICER and self.principal.role is R.RECEPTION:
            return self._covers(paper_agencies(dossier))
        return False

    def can_attach_result(self, dossier: Dossier) -> bool:
        """Officers of any role in the agency that decides on the dossier."""
        if self.kind is not K.OFFICER or self.principal.role is None:
            return False
        return self._covers(result_agencies(dossier))

    def can_open(self, dossier: Dossier, attachment: Attachment) -> bool:
        """Whether the content of one of the dossier's files (its name, hash, bytes) is
        shown: whoever sees the dossier opens its own files; papers reused from the
        applicant's repository only the applicant, and the officers of the agencies
        handling the dossier once it is accepted (docs/papers.md)."""
        if not self.can_view(dossier):
            return False
        if not attachment.reused:
            return True
        if self.kind is K.APPLICANT:
            return True  # can_view: their own dossier
        if self.kind is not K.OFFICER or dossier.accepted_at is None:
            return False
        return self._covers(handling_agencies(dossier))

    def online_identity(self) -> OnlineIdentity | None:
        """What a submission filed by this principal proved online: an applicant's own
        number, kind and identity level; nothing about the applicant for an integrator's
        key; None for officers, who check identity in person at the counter."""
        if self.kind is K.APPLICANT:
            principal = self.principal
            return OnlineIdentity(
                principal.id_number, principal.applicant_kind, principal.identity_level
            )
        if self.kind is K.INTEGRATOR:
            return OnlineIdentity()
        return None

    def submitter(self) -> Submitter:
        """Who files a dossier, as reusing the applicant's papers needs to know."""
        if self.kind is K.APPLICANT:
            return Submitter(id_number=self.principal.id_number)
        return Submitter(consent=self.principal.reuse_consent)

    def has_repository(self) -> bool:
        """Only applicants have an e-data repository, and only they see it and grant
        others its reuse."""
        return self.kind is K.APPLICANT and bool(self.principal.id_number)

    # -- administration ---------------------------------------------------------------

    def can_admin(self, area: AdminArea, agency_codes: list[str] | None = None) -> bool:
        """System admins manage everything; agency admins manage procedures, keys and
        the audit log of their own agencies (every agency named must be theirs)."""
        if self.kind is K.SYSTEM_ADMIN:
            return True
        if self.kind is not K.AGENCY_ADMIN or area not in _AGENCY_ADMIN_AREAS:
            return False
        if area is AdminArea.AUDIT:
            return True
        return bool(agency_codes) and set(agency_codes or []) <= (self.agencies or frozenset())


async def access_for(principal: Principal) -> Access:
    """The principal's access; an officer's subtree may be a few seconds old when another
    process changed the agencies (documents/access/subtrees.py)."""
    if principal.kind in (K.OFFICER, K.AGENCY_ADMIN) and principal.agency_code:
        database = Agency.get_pymongo_collection().database.name
        agencies = await SUBTREES.get(database, principal.agency_code, subtree_codes)
        return Access(principal, agencies)
    return Access(principal)
