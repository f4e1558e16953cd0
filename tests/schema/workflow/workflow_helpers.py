"""Shared GraphQL documents and helpers for the workflow tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from documents.common.clock import fixed_time
from tests.catalogue import submission
from tests.conftest import GraphQLClient

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")

DOSSIER_FIELDS = """
  code status currentStep assignee appointmentAt dueAt pausedWorkingDays isOverdue
  timeliness portalStatusCode channelCode feeDue paymentStatus reason
"""

PAYLOAD = f"dossier {{ {DOSSIER_FIELDS} }} errors {{ field message code }}"

SUBMIT = f"""
mutation($input: SubmitDossierInput!) {{ submitDossier(input: $input) {{ {PAYLOAD} }} }}
"""


def local(text: str) -> datetime:
    """'2026-03-03 09:00' in Hà Nội time."""
    return datetime.fromisoformat(text).replace(tzinfo=HANOI)


# Who takes each action in these tests: the role the access policy expects.
ROLES = {
    "submitDossier": "officer:reception",
    "acceptDossier": "officer:reception",
    "refuseDossier": "officer:reception",
    "assignDossier": "officer:specialist",
    "handOver": "officer:specialist",
    "requestSupplement": "officer:specialist",
    "supplementDossier": "applicant",
    "recordResult": "officer:leader",
    "returnResult": "officer:reception",
    "withdrawDossier": "applicant",
    "issueApology": "officer:specialist",
    "stopProcessing": "officer:leader",
    "requestPayment": "officer:reception",
    "recordPayment": "officer:reception",
}


def role_for(mutation: str) -> str:
    return next(role for field, role in ROLES.items() if f" {field}(" in mutation)


async def act(
    gql: GraphQLClient, at: str, mutation: str, role: str | None = None, **variables: Any
) -> dict[str, Any]:
    """Run one mutation, as the officer or applicant who takes it (or `role`), at a
    Hà Nội local time, and return its payload."""
    with fixed_time(local(at)):
        data = await gql.as_role(role or role_for(mutation)).data(mutation, variables)
    payload: dict[str, Any] = next(iter(data.values()))
    return payload


async def submit_at(gql: GraphQLClient, at: str, **overrides: Any) -> dict[str, Any]:
    payload = await act(gql, at, SUBMIT, input=submission(**overrides))
    assert payload["errors"] == [], payload["errors"]
    dossier: dict[str, Any] = payload["dossier"]
    return dossier


def mutation(name: str, arguments: str) -> str:
    """A workflow mutation document: `mutation(name, "code: $code")` with typed vars."""
    return f"mutation({_declarations(arguments)}) {{ {name}({arguments}) {{ {PAYLOAD} }} }}"


_TYPES = {
    "code": "String!",
    "reason": "String!",
    "user": "String!",
    "toStep": "String!",
    "toAgency": "String",
    "toUser": "String",
    "items": "[SupplementItemInput!]!",
    "data": "JSON!",
    "note": "String",
    "decision": "Decision!",
    "newAppointment": "Date!",
    "amount": "Int!",
    "method": "PaymentMethod!",
    "reference": "String!",
}


def _declarations(arguments: str) -> str:
    names = [part.split(":")[0].strip() for part in arguments.split(",")]
    return ", ".join(f"${n}: {_TYPES[n]}" for n in names)


ACCEPT = mutation("acceptDossier", "code: $code")
REFUSE = mutation("refuseDossier", "code: $code, reason: $reason")
ASSIGN = mutation("assignDossier", "code: $code, user: $user")
HAND_OVER = mutation(
    "handOver", "code: $code, toStep: $toStep, toAgency: $toAgency, toUser: $toUser"
)
REQUEST_SUPPLEMENT = mutation("requestSupplement", "code: $code, items: $items")
SUPPLEMENT = mutation("supplementDossier", "code: $code, data: $data, note: $note")
RECORD_RESULT = mutation("recordResult", "code: $code, decision: $decision, note: $note")
RETURN_RESULT = mutation("returnResult", "code: $code")
WITHDRAW = mutation("withdrawDossier", "code: $code, reason: $reason")
STOP = mutation("stopProcessing", "code: $code, reason: $reason")
APOLOGY = mutation("issueApology", "code: $code, reason: $reason, newAppointment: $newAppointment")
REQUEST_PAYMENT = mutation("requestPayment", "code: $code")
RECORD_PAYMENT = mutation(
    "recordPayment", "code: $code, amount: $amount, method: $method, reference: $reference"
)
