"""Creating and revoking integrators' API keys, for administrators."""

from __future__ import annotations

from typing import Annotated

import strawberry
from pydantic import ValidationError

from documents.access.api_keys import create_api_key, find_api_key, revoke_api_key
from documents.access.policy import AdminArea
from documents.common.errors import ErrorCode
from schema.access.inputs import CreateApiKeyInput
from schema.access.types import ApiKeyError, ApiKeyPayload, ApiKeyType
from schema.core.context import Info
from schema.core.errors import errors_from_validation
from schema.core.global_ids import raw_key
from schema.core.permissions import require_admin


@strawberry.type
class AdministrationMutations:
    @strawberry.mutation(description="Create an integrator's API key; the secret is shown once.")
    async def create_api_key(
        self,
        info: Info,
        input: Annotated[
            CreateApiKeyInput,
            strawberry.argument(description="The key's name, operations and scope."),
        ],
    ) -> ApiKeyPayload:
        await require_admin(info, AdminArea.API_KEYS, input.agencies)
        try:
            key, secret = await create_api_key(
                input.name,
                list(input.operations),
                input.agencies,
                input.procedures,
                created_by=info.context.principal.subject,
            )
        except ValidationError as error:
            return ApiKeyPayload(errors=errors_from_validation(ApiKeyError, error))
        info.context.audit.change("apiKey", key.key_id, None, key, exclude={"secret_hash"})
        return ApiKeyPayload(api_key=ApiKeyType.from_document(key), secret=secret)

    @strawberry.mutation(description="Revoke a key: it stops working at once.")
    async def revoke_api_key(self, info: Info, key_id: str) -> ApiKeyPayload:
        key = await find_api_key(raw_key(key_id, "ApiKey"))
        await require_admin(info, AdminArea.API_KEYS, key.agencies if key else [])
        if key is None:
            missing = ApiKeyError(field="keyId", message="no such key", code=ErrorCode.NOT_FOUND)
            return ApiKeyPayload(errors=[missing])
        before = key.model_copy()
        await revoke_api_key(key)
        info.context.audit.change("apiKey", key.key_id, before, key, exclude={"secret_hash"})
        return ApiKeyPayload(api_key=ApiKeyType.from_document(key))
