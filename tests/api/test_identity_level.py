"""Identity level: the applicant token's assurance level, the procedures that require
level 2 online, and the counter where identity is checked in person
(docs/integrations.md, "Identity")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jwt
import pytest
from typer.testing import CliRunner

from api.authentication import AuthenticationError, Authenticator, issue_token
from api.cli.main import cli
from api.settings import Settings
from documents.access.api_keys import create_api_key
from documents.access.principals import Operation
from documents.dossiers.dossier import Dossier
from documents.dossiers.events import DossierEvent
from documents.groups.records import DossierGroup
from tests.catalogue import APPLICANT_ID, PROCEDURE, WARD, submission
from tests.conftest import GraphQLClient
from tests.groups_catalogue import BIRTH, group_submission, load_group_catalogue

SUBMIT = """
mutation($input: SubmitDossierInput!) {
  submitDossier(input: $input) { dossier { code } errors { code field } }
}
"""
SUBMIT_GROUP = """
mutation($input: SubmitDossierGroupInput!) {
  submitDossierGroup(input: $input) { group { code } errors { code } }
}
"""
REQUIRE = """
mutation($code: String!, $level: Int) {
  updateProcedure(code: $code, input: {requiresIdentityLevel: $level}) {
    procedure { requiresIdentityLevel } errors { code }
  }
}
"""


@pytest.fixture
async def catalogue(http: Any) -> None:
    await load_group_catalogue()


async def _require_level_2(gql: GraphQLClient, code: str = PROCEDURE) -> None:
    changed = await gql.as_role("system_admin").data(REQUIRE, {"code": code, "level": 2})
    assert changed["updateProcedure"] == {"procedure": {"requiresIdentityLevel": 2}, "errors": []}


def _applicant(gql: GraphQLClient, level: int | None) -> GraphQLClient:
    assert gql.settings is not None
    token = issue_token(
        gql.settings,
        "applicant",
        sub=f"level-{level}",
        id_number=APPLICANT_ID,
        identity_level=level,
    )
    return GraphQLClient(gql.http, gql.settings, token)


async def _codes(client: GraphQLClient, query: str, variables: dict[str, Any]) -> list[str]:
    payload = next(iter((await client.data(query, variables)).values()))
    return [e["code"] for e in payload["errors"]]


async def _nothing_stored() -> None:
    assert await Dossier.count() == 0
    assert await DossierEvent.count() == 0
    assert await DossierGroup.count() == 0


# -- the claim -------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "level"), [(2, 2), ("2", 2), (1, 1), ("1", 1), (None, None)])
async def test_the_level_claim_is_read_into_the_principal(
    settings: Settings, value: Any, level: int | None
) -> None:
    principal = await _principal(settings, value)
    assert principal.identity_level == level


@pytest.mark.parametrize("value", [3, 0, "high", True, 2.0, [2]])
async def test_any_other_level_is_an_authentication_error(settings: Settings, value: Any) -> None:
    with pytest.raises(AuthenticationError, match="identity level 1 or 2"):
        await _principal(settings, value)


async def test_the_claims_name_is_a_setting(settings: Settings) -> None:
    named = settings.model_copy(update={"identity_level_claim": "loa"})
    principal = await _principal(named, 2)
    assert principal.identity_level == 2
    claims = jwt.decode(
        issue_token(named, "applicant", sub="a", id_number=APPLICANT_ID, identity_level=1),
        options={"verify_signature": False},
    )
    assert claims["loa"] == 1
    assert "identity_level" not in claims


async def _principal(settings: Settings, value: Any) -> Any:
    """What the API makes of an applicant token whose level claim holds `value`."""
    token = issue_token(settings, "applicant", sub="a", id_number=APPLICANT_ID)
    claims = jwt.decode(token, options={"verify_signature": False})
    if value is not None:
        claims[settings.identity_level_claim] = value
    secret = (settings.jwt_secret_file).read_text().strip()
    signed = jwt.encode(claims, secret, algorithm="HS256")
    return await Authenticator(settings).authenticate({"authorization": f"Bearer {signed}"})


def test_motcua_token_prints_an_applicant_token_with_its_level(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MOTCUA_DEV_MODE", "true")
    monkeypatch.setenv("MOTCUA_DATA_DIR", str(tmp_path / "var"))
    argv = ["token", "--role", "applicant", "--id-number", APPLICANT_ID]
    result = CliRunner().invoke(cli, [*argv, "--identity-level", "2"])
    assert result.exit_code == 0, result.output
    claims = jwt.decode(result.stdout.strip(), options={"verify_signature": False})
    assert claims["identity_level"] == 2
    refused = CliRunner().invoke(cli, [*argv, "--identity-level", "3"])
    assert refused.exit_code != 0
    assert "--identity-level must be 1 or 2" in refused.output


# -- the rule ----------------------------------------------------------------------------


@pytest.mark.usefixtures("catalogue")
async def test_a_procedure_requiring_level_2_refuses_a_lower_or_absent_level_online(
    gql: GraphQLClient,
) -> None:
    await _require_level_2(gql)
    for level in (1, None):
        codes = await _codes(_applicant(gql, level), SUBMIT, {"input": submission()})
        assert codes == ["IDENTITY_LEVEL_TOO_LOW"]
    await _nothing_stored()
    assert await _codes(_applicant(gql, 2), SUBMIT, {"input": submission()}) == []
    assert await Dossier.count() == 1


@pytest.mark.usefixtures("catalogue")
async def test_without_the_requirement_a_level_1_applicant_submits(gql: GraphQLClient) -> None:
    assert await _codes(_applicant(gql, 1), SUBMIT, {"input": submission()}) == []
    listed = await gql.data("{ procedures { code requiresIdentityLevel } }")
    assert {"code": PROCEDURE, "requiresIdentityLevel": None} in listed["procedures"]


@pytest.mark.usefixtures("catalogue")
async def test_at_the_counter_the_officer_checks_identity_in_person(gql: GraphQLClient) -> None:
    await _require_level_2(gql)
    reception = gql.as_role("officer:reception")
    assert await _codes(reception, SUBMIT, {"input": submission(channel="COUNTER")}) == []


@pytest.mark.usefixtures("catalogue")
async def test_an_integrators_key_vouches_for_no_level(gql: GraphQLClient) -> None:
    await _require_level_2(gql)
    _, secret = await create_api_key("portal", [Operation.SUBMIT_DOSSIERS], agencies=[WARD])
    integrator = gql.anonymous().with_api_key(secret)
    assert await _codes(integrator, SUBMIT, {"input": submission()}) == ["IDENTITY_LEVEL_TOO_LOW"]
    await _nothing_stored()


@pytest.mark.usefixtures("catalogue")
async def test_a_group_with_a_member_requiring_level_2_refuses_level_1(
    gql: GraphQLClient,
) -> None:
    await _require_level_2(gql, BIRTH)
    group = group_submission(channel="ONLINE")
    assert await _codes(_applicant(gql, 1), SUBMIT_GROUP, {"input": group}) == [
        "IDENTITY_LEVEL_TOO_LOW"
    ]
    await _nothing_stored()
    assert await _codes(_applicant(gql, 2), SUBMIT_GROUP, {"input": group}) == []
    assert await DossierGroup.count() == 1
