"""The demo catalogue hangs together: forms, procedures, agencies and generated samples."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from copy import deepcopy
from functools import cache
from typing import Any

import pytest
from pydantic import ValidationError

from demo.catalogue import (
    AGENCY_ROWS,
    FORMS,
    FORMS_BY_KEY,
    JUDICIAL_RECORD,
    PROCEDURE_ROWS,
    FormDefinition,
    agencies,
    procedures,
)
from demo.forms import PROFILE_ATTRIBUTES
from demo.sample_data import sample_applicant, sample_form_data
from documents.catalogue.agencies import Agency, AgencyLevel
from documents.catalogue.forms.validation import check_schema, validate_data
from documents.catalogue.procedures import FeeKind, OfficerRole, Procedure
from documents.catalogue.tree_rules import check_tree
from documents.dossiers.dossier import ApplicantKind

SAMPLES = 200
CAMEL_CASE = re.compile(r"^[a-z][a-zA-Z0-9]*$")
AGENCY_CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.H26$")
PROCEDURE_CODE = re.compile(r"^\d\.\d{6}$")

by_form = pytest.mark.parametrize("form", FORMS, ids=[form.key for form in FORMS])


@pytest.fixture
def offline_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let Agency and Procedure validate without init_beanie.

    Beanie's `Document.__init__` runs pydantic validation and then only looks the
    collection up, which fails before `init_beanie`; skip that look-up for the test.
    """
    for model in (Agency, Procedure):
        monkeypatch.setattr(model, "get_pymongo_collection", classmethod(lambda cls: None))


def _fields(schema: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every declared property as (JSON pointer, sub-schema), nested objects included."""
    for name, sub in schema.get("properties", {}).items():
        yield f"{prefix}/{name}", sub
        yield from _fields(sub, f"{prefix}/{name}")


def _keywords(node: Any) -> Iterator[tuple[str, Any]]:
    """Every (keyword, value) pair anywhere in a schema."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from _keywords(value)
    elif isinstance(node, list):
        for item in node:
            yield from _keywords(item)


def _conditionals(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The top-level `if`/`then`/`else` blocks, including those inside `allOf`."""
    blocks = [schema, *schema.get("allOf", [])]
    return [block for block in blocks if "if" in block]


@cache
def _samples(form_key: str) -> tuple[dict[str, Any], ...]:
    return tuple(sample_form_data(form_key, random.Random(seed)) for seed in range(SAMPLES))


def _matches(schema: dict[str, Any], value: Any) -> bool:
    """Whether `value` is valid against `schema`, through the validator the app uses."""
    wrapper = {"type": "object", "properties": {"value": schema}}
    return validate_data(wrapper, {"value": value}) == []


# ---- forms ----


@by_form
def test_form_schema_passes_check_schema(form: FormDefinition) -> None:
    check_schema(form.json_schema)
    assert form.json_schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert form.json_schema["type"] == "object"
    assert form.json_schema["additionalProperties"] is False
    assert form.json_schema["required"]
    assert form.title
    for at, sub in _fields(form.json_schema):
        assert CAMEL_CASE.match(at.rsplit("/", 1)[-1]), at
        if sub.get("type") == "object":
            assert sub["additionalProperties"] is False, at


@by_form
def test_form_hints_label_exactly_the_declared_fields(form: FormDefinition) -> None:
    declared = [at for at, _ in _fields(form.json_schema)]
    pointers = [hint.pointer for hint in form.hints.fields]
    assert sorted(pointers) == sorted(declared)
    assert len(set(pointers)) == len(pointers)
    assert form.hints.order == list(form.json_schema["properties"])
    for hint in form.hints.fields:
        assert hint.label_vi.strip(), hint.pointer
        assert hint.label_en, hint.pointer
        assert hint.profile_attribute in (None, *PROFILE_ATTRIBUTES), hint.pointer
    assert form.hints.sensitive_pointers(), "every demo form has at least one sensitive field"
    assert any(hint.profile_attribute for hint in form.hints.fields)


def test_forms_use_conditionals_dependencies_and_formats() -> None:
    used = [pair for form in FORMS for pair in _keywords(form.json_schema)]
    keywords = {key for key, _ in used}
    formats = {value for key, value in used if key == "format"}
    assert {"if", "then", "else", "dependentRequired", "required", "enum"} <= keywords
    assert {"date", "email"} <= formats


def test_forms_have_unique_keys_and_enough_of_them() -> None:
    assert len(FORMS) >= 6
    assert len(FORMS_BY_KEY) == len(FORMS)


# ---- samples ----


@by_form
def test_sample_form_data_validates_for_many_seeds(form: FormDefinition) -> None:
    for seed, data in enumerate(_samples(form.key)):
        assert validate_data(form.json_schema, data) == [], (seed, data)


@by_form
def test_sample_form_data_exercises_both_branches_and_every_field(form: FormDefinition) -> None:
    samples = _samples(form.key)
    for block in _conditionals(form.json_schema):
        outcomes = {_matches(block["if"], data) for data in samples}
        assert outcomes == {True, False}, block["if"]
    for trigger in form.json_schema.get("dependentRequired", {}):
        assert {trigger in data for data in samples} == {True, False}, trigger
    for name in form.json_schema["properties"]:
        assert any(name in data for data in samples), name


@by_form
def test_validate_data_reports_a_removed_required_field(form: FormDefinition) -> None:
    data = _samples(form.key)[0]
    objects: list[tuple[str, dict[str, Any]]] = [("", form.json_schema)]
    objects += [(at, sub) for at, sub in _fields(form.json_schema) if sub.get("type") == "object"]
    for at, schema in objects:
        for name in schema["required"]:
            broken = deepcopy(data)
            parent = broken
            for part in filter(None, at.split("/")):
                parent = parent[part]
            del parent[name]
            paths = {
                v.path for v in validate_data(form.json_schema, broken) if v.code == "REQUIRED"
            }
            assert f"{at}/{name}" in paths, (at, name)


@by_form
def test_validate_data_reports_a_field_required_by_a_condition(form: FormDefinition) -> None:
    for block in _conditionals(form.json_schema):
        for data in _samples(form.key)[:40]:
            branch = block.get("then" if _matches(block["if"], data) else "else", {})
            for name in branch.get("required", []):
                broken = {k: v for k, v in data.items() if k != name}
                paths = {v.path for v in validate_data(form.json_schema, broken)}
                assert f"/{name}" in paths, (name, data)


def test_sample_form_data_is_deterministic_per_seed() -> None:
    for form in FORMS:
        first = sample_form_data(form.key, random.Random(7))
        assert sample_form_data(form.key, random.Random(7)) == first
        assert sample_form_data(form.key, random.Random(8)) != first


def test_sample_form_data_rejects_an_unknown_form_key() -> None:
    with pytest.raises(KeyError):
        sample_form_data("no-such-form", random.Random(0))


def test_sample_applicant_builds_citizens_and_businesses() -> None:
    kinds = set()
    for seed in range(100):
        applicant = sample_applicant(random.Random(seed))
        assert sample_applicant(random.Random(seed)) == applicant
        kinds.add(applicant.kind)
        assert applicant.address is not None
        assert applicant.address.endswith("Thành phố Hà Nội")
        assert applicant.phone is not None
        assert applicant.phone.startswith("0")
        if applicant.kind is ApplicantKind.CITIZEN:
            assert re.fullmatch(r"001[0-3]\d{8}", applicant.id_number)
            assert len(applicant.full_name.split()) >= 3
        else:
            assert re.fullmatch(r"\d{10}", applicant.id_number)
    assert kinds == {ApplicantKind.CITIZEN, ApplicantKind.BUSINESS}
    for kind in ApplicantKind:
        assert sample_applicant(random.Random(1), kind).kind is kind


# ---- procedures ----


def test_procedures_point_at_existing_forms_and_agencies() -> None:
    codes = {row["code"] for row in AGENCY_ROWS}
    assert len(PROCEDURE_ROWS) >= 6
    assert len({row["code"] for row in PROCEDURE_ROWS}) == len(PROCEDURE_ROWS)
    assert sorted(row["form_key"] for row in PROCEDURE_ROWS) == sorted(FORMS_BY_KEY)
    for row in PROCEDURE_ROWS:
        assert PROCEDURE_CODE.match(row["code"]), row["code"]
        assert row["name"]
        assert row["name_en"]
        assert row["form_key"] in FORMS_BY_KEY
        assert row["agency_codes"]
        assert set(row["agency_codes"]) <= codes, row["code"]
        assert {s.agency_code for s in row["steps"]} - {None} <= codes, row["code"]


def test_procedure_steps_add_up_in_workflow_order() -> None:
    for row in PROCEDURE_ROWS:
        steps = row["steps"]
        assert sum(step.working_days for step in steps) == row["processing_days"], row["code"]
        roles = [step.role for step in steps]
        assert roles[0] is OfficerRole.RECEPTION
        assert roles[1] is OfficerRole.SPECIALIST
        assert roles[-2:] == [OfficerRole.LEADER, OfficerRole.RECEPTION]
        assert len({step.key for step in steps}) == len(steps)
    assert sum(row["processing_days"] >= 5 for row in PROCEDURE_ROWS) >= 2


def test_procedure_papers_have_unique_camel_case_slots() -> None:
    for row in PROCEDURE_ROWS:
        slots = [paper.slot for paper in row["required_papers"]]
        assert slots
        assert len(set(slots)) == len(slots), row["code"]
        assert all(CAMEL_CASE.match(slot) for slot in slots), slots
        assert row["result_place"]


def test_procedure_fees_cover_every_kind() -> None:
    fees = [row["fee"] for row in PROCEDURE_ROWS]
    assert {fee.kind for fee in fees} == set(FeeKind)
    assert sum(fee.required_before_return for fee in fees) >= 2
    for fee in fees:
        if fee.kind is FeeKind.FIXED:
            assert fee.amount > 0
        if fee.kind is FeeKind.NONE:
            assert fee.amount == 0
            assert not fee.rows


def test_table_fee_field_names_a_form_field_whose_values_it_prices() -> None:
    tables = [row for row in PROCEDURE_ROWS if row["fee"].kind is FeeKind.TABLE]
    assert tables
    for row in tables:
        fee = row["fee"]
        fields = dict(_fields(FORMS_BY_KEY[row["form_key"]].json_schema))
        assert fee.field in fields, fee.field
        values = [fee_row.value for fee_row in fee.rows]
        assert values
        assert len(set(values)) == len(values)
        for value in values:
            assert _matches(fields[fee.field], value), value
        assert set(values) == set(fields[fee.field].get("enum", values))


def test_procedure_rows_build_valid_documents(offline_documents: None) -> None:
    built = procedures()
    assert [p.code for p in built] == [row["code"] for row in PROCEDURE_ROWS]
    built[0].steps.clear()
    assert PROCEDURE_ROWS[0]["steps"], "documents must not share state with the rows"
    broken = deepcopy(PROCEDURE_ROWS[-1])
    broken["processing_days"] += 1
    with pytest.raises(ValidationError, match="add up"):
        Procedure.model_validate(broken)


# ---- agencies ----


def test_agency_codes_are_unique_and_every_parent_exists() -> None:
    codes = [row["code"] for row in AGENCY_ROWS]
    assert len(set(codes)) == len(codes)
    assert all(AGENCY_CODE.match(code) for code in codes), codes
    by_code = {row["code"]: row for row in AGENCY_ROWS}
    roots = [row for row in AGENCY_ROWS if row["parent_code"] is None]
    assert [root["level"] for root in roots] == [AgencyLevel.CITY]
    # Today's two-level tree; before 1 July 2025 wards and communes sat under districts.
    expected_parent = {
        AgencyLevel.CENTRE: AgencyLevel.CITY,
        AgencyLevel.BRANCH: AgencyLevel.CENTRE,
        AgencyLevel.SERVICE_POINT: AgencyLevel.BRANCH,
        AgencyLevel.DEPARTMENT: AgencyLevel.CITY,
        AgencyLevel.WARD: AgencyLevel.CITY,
        AgencyLevel.COMMUNE: AgencyLevel.CITY,
        AgencyLevel.FORMER_DISTRICT: AgencyLevel.CITY,
    }
    for row in AGENCY_ROWS:
        if row["parent_code"] is not None:
            assert row["parent_code"] in by_code, row["code"]
            if row["level"] is AgencyLevel.SECTOR_AGENCY:  # police units, social insurance
                parent_level = by_code[row["parent_code"]]["level"]
                assert parent_level in {AgencyLevel.CITY, AgencyLevel.DEPARTMENT}, row["code"]
                continue
            expected = expected_parent[row["level"]]
            if row.get("valid_to") is not None and row["level"] is not AgencyLevel.FORMER_DISTRICT:
                expected = AgencyLevel.FORMER_DISTRICT
            assert by_code[row["parent_code"]]["level"] is expected, row["code"]


def test_agencies_cover_the_levels_of_the_centre() -> None:
    levels = [row["level"] for row in AGENCY_ROWS]
    assert levels.count(AgencyLevel.CENTRE) == 1
    assert levels.count(AgencyLevel.BRANCH) >= 4
    assert levels.count(AgencyLevel.DEPARTMENT) >= 5
    assert levels.count(AgencyLevel.WARD) + levels.count(AgencyLevel.COMMUNE) >= 6
    assert AgencyLevel.COMMUNE in levels
    assert levels.count(AgencyLevel.SERVICE_POINT) >= 6
    for row in AGENCY_ROWS:
        assert row["name"] != row["name_en"]
        assert row["address"].endswith("Thành phố Hà Nội")


def test_agency_rows_build_valid_documents(offline_documents: None) -> None:
    built = agencies()
    assert [a.code for a in built] == [row["code"] for row in AGENCY_ROWS]
    assert all(isinstance(a.level, AgencyLevel) for a in built)
    check_tree(built)  # service points, unit codes, former districts (docs/agencies.md)


def test_household_business_reuses_a_recent_judicial_record() -> None:
    row = next(r for r in PROCEDURE_ROWS if r["form_key"] == "household-business")
    reused = [p.satisfied_by_result for p in row["required_papers"] if p.satisfied_by_result]
    assert [(r.result_type, r.max_age_days) for r in reused] == [(JUDICIAL_RECORD, 180)]
