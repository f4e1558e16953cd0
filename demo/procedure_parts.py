"""Building blocks of the demo procedures: steps, papers, result places, routing rules."""

from __future__ import annotations

from documents.catalogue.procedures import (
    AuthorityRule,
    CompetentAuthority,
    NationalDatabase,
    OfficerRole,
    ProcedureStep,
    RequiredPaper,
)


def step(
    key: str, name: str, role: OfficerRole, days: int, agency: str | None = None
) -> ProcedureStep:
    return ProcedureStep(key=key, name=name, role=role, agency_code=agency, working_days=days)


def steps(
    reception: int, review: int, *middle: ProcedureStep, leader: int, result: int
) -> list[ProcedureStep]:
    """Reception → specialist review (→ further steps) → leader approval → returning the result."""
    return [
        step("reception", "Tiếp nhận, kiểm tra hồ sơ", OfficerRole.RECEPTION, reception),
        step("review", "Chuyên viên thẩm định hồ sơ", OfficerRole.SPECIALIST, review),
        *middle,
        step("approval", "Lãnh đạo phê duyệt, ký kết quả", OfficerRole.LEADER, leader),
        step("result", "Trả kết quả cho người yêu cầu", OfficerRole.RECEPTION, result),
    ]


def paper(
    slot: str, name: str, *, originals: int = 1, copies: int = 0, optional: bool = False
) -> RequiredPaper:
    return RequiredPaper(
        slot=slot, name=name, originals=originals, copies=copies, optional=optional
    )


def copy_paper(slot: str, name: str, *, optional: bool = False) -> RequiredPaper:
    return paper(slot, name, originals=0, copies=1, optional=optional)


def from_population(required: RequiredPaper) -> RequiredPaper:
    """Not asked for: the population database is looked up instead (docs/population.md)."""
    return required.model_copy(update={"satisfied_by_database": NationalDatabase.POPULATION})


def identity(whose: str) -> RequiredPaper:
    return paper(
        "identity",
        f"Căn cước, hộ chiếu hoặc giấy tờ tùy thân có ảnh của {whose} (xuất trình)",
        originals=0,
    )


LOCAL_RESULT = (
    "Bộ phận Một cửa của Ủy ban nhân dân xã, phường nơi nộp hồ sơ "
    "hoặc qua dịch vụ bưu chính công ích"
)

# How each procedure's competent authority is found (docs/routing.md).
RESIDENCE = CompetentAuthority(rule=AuthorityRule.APPLICANT_RESIDENCE, field="residence.unitCode")


def located(group: str) -> CompetentAuthority:
    """Competent where the land, house or business is: the form group's unit code."""
    return CompetentAuthority(rule=AuthorityRule.OBJECT_LOCATION, field=f"{group}.unitCode")
