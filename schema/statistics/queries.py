"""Statistics queries: signed-in (scoped to the caller's agencies) and public."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated

import strawberry
from graphql import GraphQLError

from documents.access.principals import PrincipalKind
from documents.statistics import indicators as domain
from documents.statistics.scoreboard import rank
from schema.catalogue.agencies.types import AgencyType
from schema.catalogue.procedures.types import ProcedureType
from schema.core.context import Info
from schema.core.enums import Granularity
from schema.core.global_ids import derived_id
from schema.core.permissions import PermissionDeniedError
from schema.statistics.inputs import StatisticsScope
from schema.statistics.keys import range_key, scope_key
from schema.statistics.types import (
    AgencyRank,
    GroupScoreType,
    Indicators,
    ProcedureRow,
    Statistics,
)

MAX_DAYS = 366 * 5
From = Annotated[
    date,
    strawberry.argument(name="from", description="The first local day of the range, inclusive."),
]
To = Annotated[
    date,
    strawberry.argument(
        description="The last local day of the range, inclusive; at most five years after `from`."
    ),
]
ScopeArgument = Annotated[
    StatisticsScope | None,
    strawberry.argument(
        description="One agency (with its sub-agencies) or procedure; all when null."
    ),
]
GranularityArgument = Annotated[
    Granularity, strawberry.argument(description="The length of one point of `series`.")
]


def _check_range(start: date, end: date) -> None:
    if end < start or (end - start).days > MAX_DAYS:
        raise GraphQLError("`to` must be on or after `from`, at most five years later")


async def _public_scope(scope: StatisticsScope | None) -> domain.Scope:
    if scope is None:
        return domain.Scope()
    agencies = await domain.agency_scope(scope.agency_code) if scope.agency_code else None
    return domain.Scope(agencies, scope.procedure_code)


async def _signed_in_scope(info: Info, scope: StatisticsScope | None) -> domain.Scope:
    """Officers and agency admins see their agencies, integrators their key's scope."""
    access = await info.context.access()
    kind = access.kind
    wanted = scope.agency_code if scope else None
    procedure = scope.procedure_code if scope else None
    if kind is PrincipalKind.SYSTEM_ADMIN:
        return await _public_scope(scope)
    if kind in (PrincipalKind.OFFICER, PrincipalKind.AGENCY_ADMIN) and access.agencies:
        code = wanted or access.principal.agency_code
        if code is None or code not in access.agencies:
            raise PermissionDeniedError("statistics of other agencies are not yours to see")
        return domain.Scope(await domain.agency_scope(code), procedure)
    if kind is PrincipalKind.INTEGRATOR:
        allowed = access.principal.scope
        if allowed.procedures and procedure not in allowed.procedures:
            raise PermissionDeniedError("the key's scope names the procedures it may see")
        if allowed.agencies:
            if wanted not in allowed.agencies:
                raise PermissionDeniedError("the key's scope names the agencies it may see")
            return domain.Scope(frozenset([wanted]), procedure)
        return await _public_scope(scope)
    raise PermissionDeniedError("statistics are for officers, administrators and integrators")


async def _statistics(
    scope: domain.Scope, start: date, end: date, granularity: Granularity
) -> Statistics:
    _check_range(start, end)
    totals, series = await domain.statistics(scope, start, end, granularity)
    # The same scope, range and granularity give the same figures, signed in or public.
    key = f"{scope_key(scope)}:{range_key(start, end)}:{granularity.value}"
    return Statistics.from_domain(totals, series, key)


@strawberry.type
class StatisticsQueries:
    @strawberry.field(description="Indicators of the caller's agencies (or an integrator's scope).")
    async def statistics(
        self,
        info: Info,
        from_: From,
        to: To,
        scope: ScopeArgument = None,
        granularity: GranularityArgument = Granularity.MONTH,
    ) -> Statistics:
        chosen = await _signed_in_scope(info, scope)
        return await _statistics(chosen, from_, to, granularity)

    @strawberry.field(description="The same indicators, for anyone: agency and procedure level.")
    async def public_statistics(
        self,
        from_: From,
        to: To,
        scope: ScopeArgument = None,
        granularity: GranularityArgument = Granularity.MONTH,
    ) -> Statistics:
        return await _statistics(await _public_scope(scope), from_, to, granularity)

    @strawberry.field(description="Agencies by their overall index, highest first (public).")
    async def agency_ranking(
        self,
        info: Info,
        from_: From,
        to: To,
    ) -> list[AgencyRank]:
        _check_range(from_, to)
        by_agency = await domain.by_key(domain.Scope(), from_, to, "agency_code")
        ranked = rank(by_agency)
        loader = info.context.loaders.agency_by_code
        agencies = await asyncio.gather(*(loader.load(row.agency_code) for row in ranked))
        owner = f"ranking:{range_key(from_, to)}"
        return [
            AgencyRank(
                id=derived_id("AgencyRank", owner, row.agency_code),
                rank=row.rank,
                score=row.score,
                agency=AgencyType.from_document(agency),
                indicators=Indicators.from_domain(row.indicators, f"{owner}:{row.agency_code}"),
                groups=[
                    GroupScoreType.from_domain(g, f"{owner}:{row.agency_code}") for g in row.groups
                ],
                not_measured=[g.group for g in row.groups if g.points is None],
            )
            for row, agency in zip(ranked, agencies, strict=True)
            if agency is not None
        ]

    @strawberry.field(description="Indicators per procedure, most received first (public).")
    async def procedure_table(
        self,
        info: Info,
        from_: From,
        to: To,
        agency_code: Annotated[
            str | None,
            strawberry.argument(
                description="Only this agency, with its sub-agencies; all when null."
            ),
        ] = None,
    ) -> list[ProcedureRow]:
        _check_range(from_, to)
        scope = await _public_scope(StatisticsScope(agency_code=agency_code))
        by_procedure = await domain.by_key(scope, from_, to, "procedure_code")
        ordered = sorted(by_procedure.items(), key=lambda kv: (-kv[1].received, kv[0]))
        loader = info.context.loaders.procedure_by_code
        procedures = await asyncio.gather(*(loader.load(code) for code, _ in ordered))
        owner = f"table:{scope_key(scope)}:{range_key(from_, to)}"
        return [
            ProcedureRow(
                id=derived_id("ProcedureRow", owner, code),
                procedure=ProcedureType.from_document(procedure),
                indicators=Indicators.from_domain(indicators, f"{owner}:{code}"),
            )
            for (code, indicators), procedure in zip(ordered, procedures, strict=True)
            if procedure is not None
        ]
