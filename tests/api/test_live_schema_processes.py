"""Two API processes follow the forms: a form published through one becomes a GraphQL
type on both within seconds, with no restart, and typed queries answer what they ask."""

from __future__ import annotations

import time
import uuid
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from api.authentication import issue_token
from api.database import connect
from api.settings import Settings
from bench.processes import api_process
from documents.catalogue.procedures import OfficerRole, Procedure, ProcedureStep
from tests.api.test_live_schema import eventually
from tests.catalogue import WARD, load_tiny_catalogue, submission
from tests.conftest import GraphQLClient
from tests.schema.catalogue.test_form_lifecycle import CREATE_DRAFT, PUBLISH
from tests.schema.workflow.workflow_helpers import SUBMIT

PET_LICENCE: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "petName": {"type": "string"},
        "species": {"type": "string", "enum": ["cat", "dog"]},
        "birthDate": {"type": "string", "format": "date"},
    },
    "required": ["petName", "species"],
}
PET_DATA = {"petName": "Mực", "species": "cat", "birthDate": "2024-02-10"}

# Valid only once the schema has the form's type: before, "Unknown type".
TYPED = """
query Typed($code: String!) {
  dossier(code: $code) { formData { ... on PetLicenceFormData { petName } } }
}
"""


async def typed_schema_seen(client: GraphQLClient, code: str) -> bool:
    body = await client.execute(TYPED, {"code": code})
    return "errors" not in body


async def test_a_published_form_becomes_a_type_on_both_processes_without_a_restart(
    mongodb_uri: str, tmp_path: Path
) -> None:
    settings = Settings(
        mongodb_uri=mongodb_uri, database=f"test_{uuid.uuid4().hex[:12]}", data_dir=tmp_path
    )
    officer = issue_token(settings, "officer:reception", sub="live-schema", agency=WARD)
    admin_token = issue_token(settings, "system_admin", sub="live-schema-admin")
    client = await connect(mongodb_uri, settings)
    try:
        await load_tiny_catalogue()
        async with (
            api_process(mongodb_uri, settings.database, tmp_path) as first,
            api_process(mongodb_uri, settings.database, tmp_path) as second,
            httpx.AsyncClient(base_url=first.base) as on_first,
            httpx.AsyncClient(base_url=second.base) as on_second,
        ):
            readers = [GraphQLClient(http, settings, officer) for http in (on_first, on_second)]
            assert not await typed_schema_seen(readers[1], "none")  # no such type yet

            admin = GraphQLClient(on_first, settings, admin_token)
            variables = {"input": {"key": "pet-licence", "title": "Pet", "schema": PET_LICENCE}}
            draft = (await admin.data(CREATE_DRAFT, variables))["createFormDraft"]
            published = await admin.data(PUBLISH, {"id": draft["form"]["id"]})
            assert published["publishForm"]["errors"] == []
            start = time.monotonic()
            for reader in readers:
                await eventually(partial(typed_schema_seen, reader, "none"), seconds=5)
            seen_after = time.monotonic() - start

            await pet_procedure()
            submitted = await readers[1].data(
                SUBMIT, {"input": submission(PET_DATA, procedureCode="PET")}
            )
            code = submitted["submitDossier"]["dossier"]["code"]
            answer = await readers[1].data(TYPED, {"code": code})
    finally:
        await client.drop_database(settings.database)
        await client.close()
    assert seen_after < 5
    # Exactly the field asked for: not the species, not the birth date.
    assert answer == {"dossier": {"formData": {"petName": "Mực"}}}


async def pet_procedure() -> None:
    await Procedure(
        code="PET",
        name="Cấp giấy phép nuôi thú cưng",
        field="Thử nghiệm",
        processing_days=3,
        form_key="pet-licence",
        agency_codes=[WARD],
        steps=[
            ProcedureStep(
                key="reception", name="Tiếp nhận", role=OfficerRole.RECEPTION, working_days=0
            ),
            ProcedureStep(
                key="review", name="Thẩm định", role=OfficerRole.SPECIALIST, working_days=3
            ),
        ],
    ).insert()
