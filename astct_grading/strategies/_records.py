"""JSON-compatible records (valid or with one fault), and ``st.from_type`` registration."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from pydantic import BaseModel

from astct_grading.core.validation import (
    TEMPERATURE_MAX_C,
    TEMPERATURE_MIN_C,
    Temperature,
)
from astct_grading.course import (
    Course,
)
from astct_grading.criteria.icans import (
    CAPD_ITEM_MAX,
    CAPD_MAX,
    ICE_MAX,
)
from astct_grading.crs.grading import CrsAssessment, OxygenSupport, Vasopressor
from astct_grading.icans import CapdAssessment, IcansAssessment, IceAssessment
from astct_grading.sle.response import DorisInput, LldasInput, SledaiChangeInput, Sri4Input
from astct_grading.sle.sledai import AntiDsDnaMeasurement, ComplementMeasurement, SledaiVisit
from astct_grading.strategies._common import (
    Completeness,
    Record,
    _check_completeness,
    _to_fahrenheit,
    temperatures,
)
from astct_grading.strategies._course import (
    _course_dicts,
    courses,
)
from astct_grading.strategies._crs import (
    _FLOW_MAX,
    _crs_dicts,
    crs_assessments,
    oxygen_supports,
    vasopressors,
)
from astct_grading.strategies._icans import (
    _CAPD_NAMES,
    _ICE_NAMES,
    _capd_dicts,
    _icans_dicts,
    _ice_dicts,
    capd_assessments,
    icans_assessments,
    ice_assessments,
)
from astct_grading.strategies._sle import (
    _change_dicts,
    _doris_dicts,
    _lldas_dicts,
    _sledai_dicts,
    _sri4_dicts,
    anti_dsdna_measurements,
    complement_measurements,
    doris_inputs,
    lldas_inputs,
    sledai_change_inputs,
    sledai_visits,
    sri4_inputs,
)

# --- Records: JSON-compatible dicts, valid or invalid ----------------------------------------


def _jsonable(value: Any) -> Any:
    """The record as JSON would carry it: times as ISO 8601 strings, tuples as lists."""
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value  # the builders give enum members as their values already


Corruption = Callable[[Record], Record]


def _set(path: str, value: Any) -> Corruption:
    """Set the value at a dotted path (creating the parents)."""

    def apply(record: Record) -> Record:
        keys = path.split(".")
        target = record
        for key in keys[:-1]:
            if not isinstance(target.get(key), dict):
                target[key] = {}
            target = target[key]
        target[keys[-1]] = value
        return record

    return apply


def _all(*changes: Corruption) -> Corruption:
    def apply(record: Record) -> Record:
        for change in changes:
            record = change(record)
        return record

    return apply


_CRS_CORRUPTIONS: tuple[Corruption, ...] = (
    _set("temperature", {"value": TEMPERATURE_MIN_C - 0.01, "unit": "C"}),
    _set("temperature", {"value": TEMPERATURE_MAX_C + 0.01, "unit": "C"}),
    _set("temperature", {"value": _to_fahrenheit(TEMPERATURE_MAX_C) + 0.1, "unit": "F"}),
    _set("temperature", {"value": "nan", "unit": "C"}),
    _set("temperature", {"value": True, "unit": "C"}),
    _set("temperature", {"value": 38.5, "unit": "K"}),
    _all(_set("temperature", {"value": 37.5, "unit": "C"}), _set("fever", True)),
    _all(_set("temperature", {"value": 100.4, "unit": "F"}), _set("fever", False)),
    _all(_set("hypotension", False), _set("vasopressors", ["norepinephrine"])),
    _set("vasopressors", ["dobutamine"]),
    _set("vasopressors", ["norepinephrine", "milrinone"]),
    _set("vasopressors", ["vasopressine"]),
    _set("vasopressor_count", 7),
    _set("vasopressor_count", -1),
    _set("vasopressor_count", True),
    _set("vasopressor_count", "several"),
    _set("vasopressor_count", "2"),
    _set("vasopressor_count", 1.0),
    _all(_set("vasopressors", []), _set("vasopressor_count", 1)),
    _all(_set("vasopressors", ["norepinephrine", "dopamine"]), _set("vasopressor_count", 1)),
    _all(_set("hypotension", False), _set("vasopressor_count", "multiple")),
    _set("organ_toxicity", {"hepatic": 0}),
    _set("organ_toxicity", {"renal": 6}),
    _set("organ_toxicity", {"cardiac": True}),
    _set("organ_toxicity", {"": 2}),
    _set("organ_toxicity", ["hepatic"]),
    _set("oxygen", {"device": "room_air", "flow_l_min": 2}),
    _set("oxygen", {"device": "nasal_cannula", "flow_l_min": -1}),
    _set("oxygen", {"device": "nasal_cannula", "flow_l_min": _FLOW_MAX + 0.01}),
    _set("oxygen", {"device": "cpap", "fio2": 1.01}),
    _set("oxygen", {"device": "nasal_prongs"}),
    _all(_set("systolic_bp_mmhg", 85), _set("age_years", None)),
    _all(_set("systolic_bp_mmhg", 85), _set("age_years", 130.01)),
    _set("hypotension", "sometimes"),
    _set("death_due_to_crs", [True]),
)

_ICE_CORRUPTIONS: tuple[Corruption, ...] = (
    _set("orientation_year", 2),
    _set("naming_object_1", -1),
    _set("writes_sentence", True),
    _set("total", ICE_MAX + 1),
    _all(*(_set(name, 1) for name in _ICE_NAMES), _set("total", 9)),
    _all(_set("not_performed", "unarousable"), _set("total", 0)),
    _set("not_performed", "asleep"),
    _set("orientation", 5),
    _set("naming", -1),
    _set("attention", True),
    _all(_set("orientation", 4), _set("orientation_year", 0)),
    _all(_set("writing", 0), _set("writes_sentence", 1)),
    _all(_set("naming", 3), _set("total", 2), _set("orientation", 0)),
)
_CAPD_CORRUPTIONS: tuple[Corruption, ...] = (
    _set("eye_contact", "occasionally"),
    _set("total", CAPD_MAX + 1),
    _all(
        *(_set(n, "never") for n in _CAPD_NAMES[4:]),
        *(_set(n, "always") for n in _CAPD_NAMES[:4]),
        _set("total", 1),
    ),
    _all(_set("rass", -4), _set("total", 3)),
    _set("rass", -6),
    _all(_set("rass", -5), _set("not_performed", "unable")),
    _all(_set("rass", 0), _set("not_performed", "deep_sedation")),
    _set("eye_contact_points", CAPD_ITEM_MAX + 1),
    _set("restless_points", -1),
    _set("underactive_points", True),
    _set("inconsolable_points", "3"),
    _all(_set("eye_contact", "never"), _set("eye_contact_points", 0)),
    _all(_set("slow_to_respond", "never"), _set("slow_to_respond_points", CAPD_ITEM_MAX)),
    _all(
        *(_set(f"{n}_points", 0) for n in _CAPD_NAMES),
        *(_set(n, None) for n in _CAPD_NAMES),
        _set("total", 1),
    ),
)
_ICANS_CORRUPTIONS: tuple[Corruption, ...] = (
    _set("age_years", -0.01),
    _set("age_years", 130.01),
    *(
        _all(_set("age_years", 40), _set(f"ice.{k}", v))
        for k, v in (("total", 11), ("orientation_year", 2))
    ),
    _all(_set("ice", {"not_performed": "unarousable"}), _set("consciousness", "alert")),
    _all(_set("consciousness", "unarousable"), _set("global_aphasia", True)),
    _all(
        _set("ice", {"total": 0}),
        _set("consciousness", "unarousable"),
        _set("consciousness_other_cause", True),
        _set("encephalopathy_other_cause", False),
        _set("global_aphasia", False),
    ),
    _all(_set("seizure", False), _set("seizure_duration_min", 3)),
    _all(_set("seizure", True), _set("seizure_duration_min", 6), _set("seizure_over_5_min", False)),
    _set("seizure_duration_min", 0),
    _set("motor", "tremor"),
    _set("icp", ["raised"]),
    _set("consciousness", "drowsy"),
    _set("capd", {"rass": -5, "total": 4}),
)
_VISIT_CORRUPTIONS: tuple[Corruption, ...] = (
    _set("window_days", 28),
    _set("window_days", True),
    _all(_set("platelets_10e9_l", 50), _set("thrombocytopenia", False)),
    _all(_set("temperature", {"value": 38.0, "unit": "C"}), _set("fever", True)),
    _all(_set("arthritis_joint_count", 1), _set("arthritis", True)),
    _set("arthritis_joint_count", 69),
    _set("wbc_10e9_l", -0.01),
    _set("c3", {"value": 0.5, "lower_limit": 0}),
    _all(_set("anti_dsdna", {"value": 10, "upper_limit": 30}), _set("increased_dna_binding", True)),
    _set("visit_date", "2024-02-30"),
    _set("rash", "yes please"),
)


def _within(key: str, corruptions: Sequence[Corruption]) -> tuple[Corruption, ...]:
    def nest(change: Corruption) -> Corruption:
        def apply(record: Record) -> Record:
            record[key] = change(dict(record.get(key) or {}))
            return record

        return apply

    return tuple(nest(change) for change in corruptions)


_VISIT_PAIR_CORRUPTIONS: tuple[Corruption, ...] = (
    *_within("follow_up", _VISIT_CORRUPTIONS[:4]),
    _all(_set("baseline.visit_date", "2024-03-02"), _set("follow_up.visit_date", "2024-03-01")),
)
_COURSE_CORRUPTIONS: tuple[Corruption, ...] = (
    _set("infusion_at", "2024-03-04T10:00:00"),
    _set("patient_id", ""),
    _set(
        "crs_assessments",
        [
            {"at": "2024-03-05T10:00:00+00:00", "assessment": {}},
            {"at": "2024-03-05T09:59:00+00:00", "assessment": {}},
        ],
    ),
    _set("crs_assessments", [{"at": "2024-03-05T10:00:00Z", "assessment": {"fever_waiver": True}}]),
    _set(
        "icans_assessments",
        [{"at": "2024-03-05T10:00:00Z", "assessment": {"death_due_to_icans": True}}],
    ),
    _set("treatments", [{"at": "2024-03-05T10:00:00+00:00", "therapy": "aspirin"}]),
    _set("sledai_visits", [{"label": "baseline", "visit": {}}]),
    _set(
        "sledai_visits",
        [
            {"label": "v", "visit": {"visit_date": "2024-03-01"}},
            {"label": "v", "visit": {"visit_date": "2024-03-02"}},
        ],
    ),
    _all(
        _set("death", {"at": "2024-01-01T00:00:00+00:00"}),
        _set("treatments", [{"at": "2024-01-02T00:00:00+00:00", "therapy": "tocilizumab"}]),
    ),
)

_DictBuilder = Callable[[str], st.SearchStrategy[Record]]
_SPECS: dict[type[BaseModel], tuple[_DictBuilder, tuple[Corruption, ...]]] = {
    CrsAssessment: (_crs_dicts, _CRS_CORRUPTIONS),
    IceAssessment: (_ice_dicts, _ICE_CORRUPTIONS),
    CapdAssessment: (_capd_dicts, _CAPD_CORRUPTIONS),
    IcansAssessment: (_icans_dicts, _ICANS_CORRUPTIONS),
    SledaiVisit: (_sledai_dicts, _VISIT_CORRUPTIONS),
    SledaiChangeInput: (_change_dicts, _VISIT_PAIR_CORRUPTIONS),
    Sri4Input: (
        _sri4_dicts,
        (
            *_VISIT_PAIR_CORRUPTIONS,
            _set("new_bilag_a", 10),
            _set("new_bilag_b", True),
            _set("pga_baseline", 3.01),
            _set("pga_follow_up", -0.01),
        ),
    ),
    DorisInput: (
        _doris_dicts,
        (
            *_within("visit", _VISIT_CORRUPTIONS),
            _set("pga", 3.01),
            _set("prednisolone_mg_day", 2000.01),
            _set("stable_maintenance", "mostly"),
        ),
    ),
    LldasInput: (
        _lldas_dicts,
        (
            *_within("visit", _VISIT_CORRUPTIONS),
            _set("pga", "inf"),
            _set("prednisolone_mg_day", -1),
            _set("new_activity", 2),
        ),
    ),
    Course: (lambda mode: _course_dicts(mode, 3), _COURSE_CORRUPTIONS),
}


@st.composite
def _invalid(draw: st.DrawFn, model: type[BaseModel], valid: st.SearchStrategy[Record]) -> Record:
    record = draw(valid)
    fields = sorted(model.model_fields)
    kind = draw(st.sampled_from(["specific", "misspelt_field", "wrong_type"]))
    if kind == "misspelt_field":  # a misspelt field must never be ignored (D15)
        name = draw(st.sampled_from(fields))
        record[draw(st.sampled_from([name + "s", name[:-1], name.upper(), "notes"]))] = True
        return record
    if kind == "wrong_type":
        record[draw(st.sampled_from(fields))] = {"unexpected": [1, "two"]}
        return record
    change = draw(st.sampled_from(_SPECS[model][1]))
    return change(record)


def records(
    model: type[BaseModel], *, valid: bool = True, completeness: Completeness = "any"
) -> st.SearchStrategy[dict[str, Any]]:
    """JSON-compatible dicts for ``model``: what a file, an API or a CSV row would carry.

    With ``valid=True`` the dicts validate into the model (they are what the model strategies
    draw, before validation: some unknown inputs are absent, others null). With ``valid=False``
    each dict is a valid one with one fault the library rejects with a ``ValidationError``: a
    misspelt or unknown field, a value of the wrong type, or a fault of the model's own (out of
    range, not finite, an unknown enum value, a contradiction such as a fever flag against the
    temperature, an inotrope listed as a vasopressor, a course out of time order...). Shrinks
    towards the shrink target of the model's strategy (and, when invalid, a misspelt field).

    Args:
        model: one of the input models: :class:`~astct_grading.CrsAssessment`,
            :class:`~astct_grading.icans.IceAssessment`, ``CapdAssessment``, ``IcansAssessment``,
            :class:`~astct_grading.SledaiVisit`, ``SledaiChangeInput``, ``Sri4Input``,
            ``DorisInput``, ``LldasInput`` or :class:`~astct_grading.course.Course`.
        valid: draw records the library accepts (True) or rejects (False).
        completeness: as for the model strategies (for valid records, and for the valid record
            an invalid one is made from).

    Example:
        >>> import pytest
        >>> from hypothesis import given, settings
        >>> from pydantic import ValidationError
        >>> from astct_grading import CrsAssessment
        >>> @settings(max_examples=25, deadline=None)
        ... @given(records(CrsAssessment, valid=False))
        ... def test_bad_records_are_rejected(record):
        ...     with pytest.raises(ValidationError):
        ...         CrsAssessment.model_validate(record)
        >>> test_bad_records_are_rejected()
    """
    _check_completeness(completeness)
    if model not in _SPECS:
        names = ", ".join(sorted(m.__name__ for m in _SPECS))
        raise InvalidArgument(f"records() draws {names}, not {model!r}")
    builder = _SPECS[model][0]
    dicts = builder(completeness)
    if not valid:
        dicts = _invalid(model, dicts)
    return dicts.map(_jsonable).map(lambda record: json.loads(json.dumps(record)))


def crs_records(
    *, valid: bool = True, completeness: Completeness = "any"
) -> st.SearchStrategy[dict[str, Any]]:
    """CRS assessments as JSON-compatible dicts: ``records(CrsAssessment, ...)``.

    Shrinks as :func:`crs_assessments`, or when invalid towards one fault of the model's own.

    Example:
        >>> from hypothesis import find
        >>> sorted(find(crs_records(completeness="complete"), lambda r: True)["temperature"])
        ['unit', 'value']
    """
    return records(CrsAssessment, valid=valid, completeness=completeness)


def icans_records(
    *, valid: bool = True, completeness: Completeness = "any"
) -> st.SearchStrategy[dict[str, Any]]:
    """ICANS assessments as JSON-compatible dicts: ``records(IcansAssessment, ...)``.

    Example:
        >>> from hypothesis import find
        >>> from astct_grading.icans import IcansAssessment
        >>> found = find(icans_records(completeness="complete"), lambda r: True)
        >>> IcansAssessment.model_validate(found).age_years is not None
        True
    """
    return records(IcansAssessment, valid=valid, completeness=completeness)


def sledai_records(
    *, valid: bool = True, completeness: Completeness = "any"
) -> st.SearchStrategy[dict[str, Any]]:
    """SLEDAI-2K visits as JSON-compatible dicts: ``records(SledaiVisit, ...)``.

    Example:
        >>> from hypothesis import find
        >>> find(sledai_records(completeness="complete"), lambda r: True)["seizure"]
        False
    """
    return records(SledaiVisit, valid=valid, completeness=completeness)


# --- st.from_type ----------------------------------------------------------------------------


def _registry() -> dict[type[Any], st.SearchStrategy[Any]]:
    return {
        Temperature: temperatures(),
        OxygenSupport: oxygen_supports(),
        Vasopressor: vasopressors(),
        CrsAssessment: crs_assessments(),
        IceAssessment: ice_assessments(),
        CapdAssessment: capd_assessments(),
        IcansAssessment: icans_assessments(),
        ComplementMeasurement: complement_measurements(),
        AntiDsDnaMeasurement: anti_dsdna_measurements(),
        SledaiVisit: sledai_visits(),
        SledaiChangeInput: sledai_change_inputs(),
        Sri4Input: sri4_inputs(),
        DorisInput: doris_inputs(),
        LldasInput: lldas_inputs(),
        Course: courses(),
    }


def register_strategies() -> None:
    """Register a strategy for every input model, so that ``st.from_type(Model)`` draws from it.

    Call it once (e.g. in ``conftest.py``); calling it again changes nothing. It is explicit rather
    than a Hypothesis entry point, which would import pydantic and every model on each Hypothesis
    import in your environment (docs/strategies.md). The registered strategies draw any
    completeness; use the functions of this module to choose.

    Example:
        >>> from hypothesis import find, strategies as st
        >>> from astct_grading import CrsAssessment
        >>> register_strategies()
        >>> isinstance(find(st.from_type(CrsAssessment), lambda a: True), CrsAssessment)
        True
    """
    for model, strategy in _registry().items():
        st.register_type_strategy(model, strategy)
