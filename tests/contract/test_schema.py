"""The published JSON Schemas agree with the models (checked with a standard validator).

``Model.model_json_schema()`` (and ``astct-grading schema MODEL``) is what other programs validate
exports against, so it must accept what the models accept and reject what they reject: every
record the strategies draw as valid passes the schema, and a record that breaks a bound, a type or
an enum fails both the schema and the model. Rules that relate one field to another (a fever flag
against the temperature, a total against its items) are the models' alone.
"""

from __future__ import annotations

import copy
import json
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from pydantic import BaseModel, ValidationError

from astct_grading import CrsAssessment, SledaiVisit
from astct_grading.cli import SCHEMA_MODELS
from astct_grading.course import Course
from astct_grading.icans import CapdAssessment, IcansAssessment, IceAssessment
from astct_grading.sle.response import DorisInput, LldasInput, SledaiChangeInput, Sri4Input
from astct_grading.strategies import records

MODELS: tuple[type[BaseModel], ...] = (
    CrsAssessment,
    IcansAssessment,
    IceAssessment,
    CapdAssessment,
    SledaiVisit,
    SledaiChangeInput,
    Sri4Input,
    DorisInput,
    LldasInput,
    Course,
)
VALIDATORS = {model: Draft202012Validator(model.model_json_schema()) for model in MODELS}


def test_the_schemas_are_valid_draft_2020_12_and_use_the_standard_bound_keywords() -> None:
    for model in MODELS:
        schema = model.model_json_schema()
        Draft202012Validator.check_schema(schema)
        text = json.dumps(schema)
        for keyword in ('"ge"', '"le"', '"gt"', '"lt"'):
            assert keyword not in text, (model.__name__, keyword)


def test_the_command_line_prints_the_same_schemas() -> None:
    for name, model in SCHEMA_MODELS.items():
        assert model in MODELS, name


def _model_accepts(model: type[BaseModel], record: Any) -> bool:
    try:
        model.model_validate_json(json.dumps(record))
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_valid_record_passes_the_schema(model: type[BaseModel]) -> None:
    validator = VALIDATORS[model]

    @settings(
        max_examples=150 if model is not Course else 40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(records(model))
    def check(record: dict[str, Any]) -> None:
        assert _model_accepts(model, record)
        errors = [error.message for error in validator.iter_errors(record)]
        assert not errors, (record, errors)

    check()


def _put(record: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(record)
    target: Any = changed
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if isinstance(target, list) else target.setdefault(key, {})
    target[keys[-1]] = value
    return changed


CRS_BASE: dict[str, Any] = {
    "temperature": {"value": 38.4, "unit": "C"},
    "hypotension": True,
    "vasopressors": ["norepinephrine"],
    "oxygen": {"device": "nasal_cannula", "flow_l_min": 4},
    "systolic_bp_mmhg": 80,
    "age_years": 40,
}
ICANS_BASE: dict[str, Any] = {
    "age_years": 40,
    "ice": {"total": 7},
    "consciousness": "alert",
    "seizure": True,
    "seizure_duration_min": 2,
    "motor": "none",
    "icp": ["focal_oedema"],
}
CHILD_BASE: dict[str, Any] = {"age_years": 6, "capd": {"total": 4, "rass": 0}}
VISIT_BASE: dict[str, Any] = {
    "visit_date": "2024-03-01",
    "rash": True,
    "platelets_10e9_l": 150,
    "arthritis_joint_count": 2,
    "c3": {"value": 0.9, "lower_limit": 0.9},
}

#: (model, base record, path, value): each value breaks a bound, a type or an enum.
BREAKAGES: list[tuple[type[BaseModel], dict[str, Any], str, Any]] = [
    # Bounds (D15).
    (CrsAssessment, CRS_BASE, "oxygen.flow_l_min", 500),
    (CrsAssessment, CRS_BASE, "oxygen.flow_l_min", -0.1),
    (CrsAssessment, CRS_BASE, "oxygen.fio2", 1.01),
    (CrsAssessment, CRS_BASE, "oxygen.fio2", 0.2),
    (CrsAssessment, CRS_BASE, "systolic_bp_mmhg", 5),
    (CrsAssessment, CRS_BASE, "systolic_bp_mmhg", 301),
    (CrsAssessment, CRS_BASE, "age_years", 500),
    (CrsAssessment, CRS_BASE, "age_years", -1),
    (CrsAssessment, CRS_BASE, "temperature.value", 24.99),
    (CrsAssessment, CRS_BASE, "temperature.value", 45.01),
    (CrsAssessment, CRS_BASE, "temperature", {"value": 76.9, "unit": "F"}),
    (CrsAssessment, CRS_BASE, "temperature", {"value": 113.1, "unit": "F"}),
    (CrsAssessment, CRS_BASE, "temperature", {"value": 100.0, "unit": "C"}),
    (CrsAssessment, CRS_BASE, "vasopressors", [{"agent": "dopamine", "dose": -1}]),
    (IcansAssessment, ICANS_BASE, "ice.total", 11),
    (IcansAssessment, ICANS_BASE, "ice.total", -1),
    (IcansAssessment, ICANS_BASE, "seizure_duration_min", 0),
    (IcansAssessment, ICANS_BASE, "age_years", 131),
    (IcansAssessment, CHILD_BASE, "capd.total", 33),
    (IcansAssessment, CHILD_BASE, "capd.rass", 5),
    (IcansAssessment, CHILD_BASE, "capd.rass", -6),
    (SledaiVisit, VISIT_BASE, "platelets_10e9_l", 5001),
    (SledaiVisit, VISIT_BASE, "arthritis_joint_count", -1),
    (SledaiVisit, VISIT_BASE, "c3.lower_limit", 0),
    (SledaiVisit, VISIT_BASE, "c3.value", -0.5),
    # Types.
    (CrsAssessment, CRS_BASE, "hypotension", "yes"),
    (CrsAssessment, CRS_BASE, "hypotension", 1),
    (CrsAssessment, CRS_BASE, "fever", "true"),
    (CrsAssessment, CRS_BASE, "oxygen.flow_l_min", True),
    (CrsAssessment, CRS_BASE, "oxygen.flow_l_min", [4]),
    (CrsAssessment, CRS_BASE, "temperature", 38.4),
    (CrsAssessment, CRS_BASE, "vasopressors", "norepinephrine"),
    (IcansAssessment, ICANS_BASE, "ice.total", 7.5),
    (IcansAssessment, ICANS_BASE, "ice.total", "seven"),
    (IcansAssessment, ICANS_BASE, "icp", "focal_oedema"),
    (SledaiVisit, VISIT_BASE, "rash", "Y"),
    (SledaiVisit, VISIT_BASE, "rash", 0),
    # Enums, including names that differ from an accepted one only by case or spelling.
    (CrsAssessment, CRS_BASE, "oxygen.device", "nasal_prongs"),
    (CrsAssessment, CRS_BASE, "vasopressors", ["vasopressine"]),
    (CrsAssessment, CRS_BASE, "vasopressors", ["NORADRENALINE"]),
    (CrsAssessment, CRS_BASE, "vasopressors", [" noradrenaline"]),
    (CrsAssessment, CRS_BASE, "vasopressors", ["dobutamine"]),
    (CrsAssessment, CRS_BASE, "temperature.unit", "K"),
    (IcansAssessment, ICANS_BASE, "consciousness", "drowsy"),
    (IcansAssessment, ICANS_BASE, "motor", "tremor"),
    (IcansAssessment, ICANS_BASE, "icp", ["raised"]),
    (IcansAssessment, ICANS_BASE, "icp", ["Papilledema"]),
    (IcansAssessment, CHILD_BASE, "capd.eye_contact", "occasionally"),
    (SledaiVisit, VISIT_BASE, "window_days", 28),
    # Unknown fields (a misspelt field is never ignored, D15).
    (CrsAssessment, CRS_BASE, "hypotensoin", True),
    (IcansAssessment, ICANS_BASE, "ice.totl", 3),
    (SledaiVisit, VISIT_BASE, "c3.unit_name", "g/L"),
]


@pytest.mark.parametrize("case", BREAKAGES, ids=lambda case: f"{case[2]}={case[3]!r}")
def test_a_broken_bound_type_or_enum_fails_both_the_schema_and_the_model(
    case: tuple[type[BaseModel], dict[str, Any], str, Any],
) -> None:
    model, base, path, value = case
    assert _model_accepts(model, base)
    assert VALIDATORS[model].is_valid(base)
    broken = _put(base, path, value)
    assert not _model_accepts(model, broken)
    assert not VALIDATORS[model].is_valid(broken)


#: (model, base, path, lowest, highest): numeric fields with their plausible range (D15); a
#: lowest of 0.0 written as -0.0 means "greater than 0".
RANGES: list[tuple[type[BaseModel], dict[str, Any], str, float, float]] = [
    (CrsAssessment, CRS_BASE, "oxygen.flow_l_min", 0, 80),
    (CrsAssessment, CRS_BASE, "oxygen.fio2", 0.21, 1.0),
    (CrsAssessment, CRS_BASE, "systolic_bp_mmhg", 20, 300),
    (CrsAssessment, CRS_BASE, "age_years", 0, 130),
    (CrsAssessment, CRS_BASE, "temperature.value", 24.995, 45.0049),
    (IcansAssessment, ICANS_BASE, "age_years", 0, 130),
    (IcansAssessment, ICANS_BASE, "seizure_duration_min", -0.0, 10080),
    (SledaiVisit, VISIT_BASE, "platelets_10e9_l", 0, 5000),
]


@settings(max_examples=300, deadline=None)
@given(
    case=st.sampled_from(RANGES),
    value=st.one_of(
        st.floats(min_value=-1000, max_value=6000, allow_nan=False),
        st.floats(allow_nan=False, allow_infinity=False),
        st.integers(-1000, 6000),
    ),
)
def test_schema_and_model_agree_on_every_number(
    case: tuple[type[BaseModel], dict[str, Any], str, float, float], value: float
) -> None:
    model, base, path, low, high = case
    record = _put(base, path, value)
    above = value > low if math.copysign(1.0, low) < 0 else value >= low
    inside = above and value <= high
    assert _model_accepts(model, record) == inside, record
    assert VALIDATORS[model].is_valid(record) == inside, record
