"""The public Hypothesis strategies: valid draws, completeness, invalid records, bounds."""

from __future__ import annotations

import builtins
import importlib
import itertools
import json
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from pydantic import BaseModel, ValidationError

from astct_grading import (
    CrsAssessment,
    SledaiVisit,
    assess_doris_remission,
    assess_lldas,
    assess_sri4,
    change_from_baseline,
    grade_crs,
    score_sledai2k,
)
from astct_grading import strategies as strats
from astct_grading.core.validation import quantize
from astct_grading.course import Course, grade_course
from astct_grading.criteria.icans import CAPD_ITEMS, ICE_ITEMS, ICE_MIN_AGE_YEARS
from astct_grading.criteria.sledai2k import LAB_BOUNDS, Descriptor
from astct_grading.crs.domains import vasopressor_level
from astct_grading.icans import (
    CapdAssessment,
    IcansAssessment,
    IceAssessment,
    grade_icans,
    score_capd,
    score_ice,
)
from astct_grading.icans.capd import capd_answers
from astct_grading.icans.ice import ice_open_items
from astct_grading.sle.response import (
    DorisInput,
    LldasInput,
    Outcome,
    SledaiChangeInput,
    Sri4Input,
)

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: Searching for a boundary: generate only (no shrinking), plenty of tries.
SEARCH = settings(
    max_examples=3000, deadline=None, database=None, phases=[Phase.generate], derandomize=True
)

ICE_NAMES = [item.name for item in ICE_ITEMS]
CAPD_NAMES = [item.name for item in CAPD_ITEMS]


def determined(model: BaseModel) -> bool:
    """Whether the library's result for ``model`` is determined (grade, score or outcome)."""
    if isinstance(model, CrsAssessment):
        return grade_crs(model).grade is not None
    if isinstance(model, IceAssessment):
        return score_ice(model).score is not None
    if isinstance(model, CapdAssessment):
        return score_capd(model).score is not None
    if isinstance(model, IcansAssessment):
        return grade_icans(model).grade is not None
    if isinstance(model, SledaiVisit):
        return score_sledai2k(model).score is not None
    if isinstance(model, SledaiChangeInput):
        return change_from_baseline(model).change is not None
    if isinstance(model, Sri4Input):
        return assess_sri4(model).outcome is not Outcome.CANNOT_TELL
    if isinstance(model, DorisInput):
        return assess_doris_remission(model).outcome is not Outcome.CANNOT_TELL
    if isinstance(model, LldasInput):
        return assess_lldas(model).outcome is not Outcome.CANNOT_TELL
    assert isinstance(model, Course)
    result = grade_course(model)
    return all(g.result.grade is not None for g in (*result.crs, *result.icans))


def _crs_unknown(a: CrsAssessment, in_course: bool = False) -> bool:
    no_fever = a.temperature is None and a.fever is None
    no_hypotension = a.hypotension is None and a.systolic_bp_mmhg is None
    flags = [a.fever_other_cause, a.hypotension_other_cause, a.hypoxia_other_cause]
    if not in_course:
        flags += [a.fever_waiver, a.death_due_to_crs]
    if a.vasopressor_count is None:
        no_vasopressors = a.vasopressors is None
    else:  # a count leaves the grade open where an agent not named may be vasopressin (D3)
        named = tuple(v.agent for v in a.vasopressors or ())
        no_vasopressors = len(vasopressor_level(named, a.vasopressor_count)) > 1
    return no_fever or no_hypotension or no_vasopressors or a.oxygen is None or None in flags


def _ice_unknown(ice: IceAssessment) -> bool:
    return bool(ice_open_items(ice))  # items neither recorded nor in a subtotal or total


def _capd_unknown(capd: CapdAssessment) -> bool:
    return (
        capd.total is None
        and capd.not_performed is None
        and None in capd_answers(capd.__dict__)  # an item given neither as answer nor points
    )


def _icans_unknown(a: IcansAssessment) -> bool:
    capd_used = a.developmental_delay or (
        a.age_years is not None and quantize(a.age_years) < ICE_MIN_AGE_YEARS
    )
    instrument = a.capd if capd_used else a.ice
    flags = [
        a.developmental_delay,
        a.encephalopathy_other_cause,
        a.consciousness_other_cause,
        a.seizure_other_cause,
        a.motor_other_cause,
        a.icp_other_cause,
        a.death_due_to_icans,
    ]
    return (
        a.age_years is None
        or None in flags
        or instrument is None
        or (isinstance(instrument, IceAssessment) and _ice_unknown(instrument))
        or (isinstance(instrument, CapdAssessment) and _capd_unknown(instrument))
        or a.consciousness is None
        or a.seizure is None
        or (a.seizure and a.seizure_duration_min is None and a.seizure_over_5_min is None)
        or a.motor is None
        or a.icp is None
    )


def _visit_unknown(v: SledaiVisit) -> bool:
    items = score_sledai2k(v).items
    return any(item.present is None or item.excluded is None for item in items)  # type: ignore[attr-defined]


def has_unknown(model: BaseModel) -> bool:
    """Whether some input the result depends on was not given (D13)."""
    if isinstance(model, CrsAssessment):
        return _crs_unknown(model)
    if isinstance(model, IceAssessment):
        return _ice_unknown(model)
    if isinstance(model, CapdAssessment):
        return _capd_unknown(model)
    if isinstance(model, IcansAssessment):
        return _icans_unknown(model)
    if isinstance(model, SledaiVisit):
        return _visit_unknown(model)
    if isinstance(model, (SledaiChangeInput, Sri4Input)):
        extra = (
            [model.new_bilag_a, model.new_bilag_b, model.pga_baseline, model.pga_follow_up]
            if isinstance(model, Sri4Input)
            else []
        )
        return _visit_unknown(model.baseline) or _visit_unknown(model.follow_up) or None in extra
    if isinstance(model, DorisInput):
        return _visit_unknown(model.visit) or None in (
            model.pga,
            model.prednisolone_mg_day,
            model.stable_maintenance,
        )
    if isinstance(model, LldasInput):
        return _visit_unknown(model.visit) or None in (
            model.pga,
            model.prednisolone_mg_day,
            model.standard_maintenance,
            model.haemolytic_anaemia,
            model.gastrointestinal_activity,
            model.new_activity,
        )
    assert isinstance(model, Course)
    return (
        any(_crs_unknown(item.assessment, in_course=True) for item in model.crs_assessments)
        or any(_icans_unknown(item.assessment) for item in model.icans_assessments)
        or (model.death is not None and None in (model.death.due_to_crs, model.death.due_to_icans))
    )


Factory = Callable[..., st.SearchStrategy[Any]]
MODEL_STRATEGIES: list[tuple[Factory, type[BaseModel]]] = [
    (strats.crs_assessments, CrsAssessment),
    (strats.ice_assessments, IceAssessment),
    (strats.capd_assessments, CapdAssessment),
    (strats.icans_assessments, IcansAssessment),
    (strats.sledai_visits, SledaiVisit),
    (strats.sledai_change_inputs, SledaiChangeInput),
    (strats.sri4_inputs, Sri4Input),
    (strats.doris_inputs, DorisInput),
    (strats.lldas_inputs, LldasInput),
    (strats.courses, Course),
]
IDS = [model.__name__ for _, model in MODEL_STRATEGIES]


@pytest.mark.parametrize(("factory", "model"), MODEL_STRATEGIES, ids=IDS)
def test_complete_draws_are_valid_and_determined(factory: Factory, model: type[BaseModel]) -> None:
    @FAST
    @given(factory(completeness="complete"))
    def check(drawn: BaseModel) -> None:
        assert type(drawn) is model
        assert model.model_validate_json(drawn.model_dump_json()) == drawn
        assert not has_unknown(drawn), drawn
        assert determined(drawn), drawn

    check()


@pytest.mark.parametrize(("factory", "model"), MODEL_STRATEGIES, ids=IDS)
def test_partial_draws_have_an_unknown_input(factory: Factory, model: type[BaseModel]) -> None:
    @FAST
    @given(factory(completeness="partial"))
    def check(drawn: BaseModel) -> None:
        assert type(drawn) is model
        assert model.model_validate_json(drawn.model_dump_json()) == drawn
        assert has_unknown(drawn), drawn
        determined(drawn)  # grading never raises on a valid record

    check()


@pytest.mark.parametrize(("factory", "model"), MODEL_STRATEGIES, ids=IDS)
def test_any_draws_both_kinds(factory: Factory, model: type[BaseModel]) -> None:
    strategy = factory()
    assert has_unknown(find(strategy, has_unknown, settings=SEARCH))
    assert not has_unknown(find(strategy, lambda m: not has_unknown(m), settings=SEARCH))


@pytest.mark.parametrize("model", [model for _, model in MODEL_STRATEGIES], ids=IDS)
def test_valid_records_are_json_and_accepted(model: type[BaseModel]) -> None:
    @FAST
    @given(strats.records(model))
    def check(record: dict[str, Any]) -> None:
        assert json.loads(json.dumps(record)) == record
        from_dict = model.model_validate(record)
        assert model.model_validate_json(json.dumps(record)) == from_dict

    check()


@pytest.mark.parametrize("model", [model for _, model in MODEL_STRATEGIES], ids=IDS)
def test_invalid_records_are_rejected(model: type[BaseModel]) -> None:
    @settings(FAST, max_examples=40 if model is Course else 100)
    @given(strats.records(model, valid=False))
    def check(record: dict[str, Any]) -> None:
        with pytest.raises(ValidationError):
            model.model_validate(record)
        with pytest.raises(ValidationError):
            model.model_validate_json(json.dumps(record))

    check()


def test_every_model_specific_fault_is_drawn() -> None:
    # Each model's list of faults is reached (not only the generic misspelt field).
    record = find(
        strats.crs_records(valid=False),
        lambda r: r.get("vasopressors") == ["dobutamine"],
        settings=SEARCH,
    )
    with pytest.raises(ValidationError, match="inotrope"):
        CrsAssessment.model_validate(record)


@FAST
@given(strats.crs_records(completeness="complete"), strats.crs_records(completeness="partial"))
def test_crs_record_helpers_match_records(
    complete: dict[str, Any], partial: dict[str, Any]
) -> None:
    assert grade_crs(complete).grade is not None
    assert _crs_unknown(CrsAssessment.model_validate(partial))


@FAST
@given(strats.icans_records(), strats.sledai_records())
def test_icans_and_sledai_record_helpers(icans: dict[str, Any], visit: dict[str, Any]) -> None:
    grade_icans(icans)
    score_sledai2k(visit)


# --- Boundaries occur ------------------------------------------------------------------------


def occurs(strategy: st.SearchStrategy[Any], condition: Callable[[Any], bool]) -> bool:
    find(strategy, condition, settings=SEARCH)  # raises NoSuchExample when never drawn
    return True


@pytest.mark.parametrize(
    ("unit", "value"),
    [
        ("C", 38.0),
        ("C", 37.99),
        ("C", 38.01),
        ("C", 37.995),
        ("F", 100.4),
        ("F", 100.39),
        ("F", 100.41),
    ],
)
def test_temperature_bounds_occur(unit: str, value: float) -> None:
    assert occurs(strats.temperatures(), lambda t: t.unit.value == unit and t.value == value)


@pytest.mark.parametrize("flow", [6.0, 5.99, 6.01, 6.004, 6.005])
def test_flow_bound_occurs(flow: float) -> None:
    assert occurs(strats.oxygen_supports(), lambda o: o.flow_l_min == flow)


def test_a_flow_only_with_a_device_that_takes_one() -> None:
    @FAST
    @given(strats.oxygen_supports())
    def check(oxygen: Any) -> None:
        if oxygen.flow_l_min is not None:
            assert oxygen.device.value not in (
                "room_air",
                "cpap",
                "bipap",
                "mechanical_ventilation",
            )

    check()


@pytest.mark.parametrize("total", [10, 9, 7, 6, 3, 2, 0])
def test_every_ice_band_edge_occurs(total: int) -> None:
    assert occurs(
        strats.ice_assessments(completeness="complete"), lambda a: score_ice(a).score == total
    )


@pytest.mark.parametrize("total", [0, 1, 8, 9, 32])
def test_capd_band_edges_occur(total: int) -> None:
    strategy = strats.capd_assessments(completeness="complete")
    assert occurs(strategy, lambda a: score_capd(a).score == total)


@pytest.mark.parametrize("age", [11.99, 11.995, 12.0])
def test_the_age_cut_occurs(age: float) -> None:
    assert occurs(strats.icans_assessments(), lambda a: a.age_years == age)


def test_the_instrument_fits_the_age() -> None:
    @FAST
    @given(strats.icans_assessments(completeness="complete"))
    def check(a: IcansAssessment) -> None:
        assert a.age_years is not None
        child = a.developmental_delay or quantize(a.age_years) < ICE_MIN_AGE_YEARS
        assert (a.capd is not None, a.ice is not None) == (child, not child)
        assert grade_icans(a).instrument == ("CAPD" if child else "ICE")

    check()


@pytest.mark.parametrize("bound", LAB_BOUNDS, ids=[b.field for b in LAB_BOUNDS])
@pytest.mark.parametrize("offset", [-0.01, 0.0, 0.01])
def test_every_lab_bound_occurs_on_both_sides(bound: Any, offset: float) -> None:
    target = round(bound.bound + offset, 2)

    def hit(v: SledaiVisit) -> bool:
        value = getattr(v, bound.field)
        if value is None:
            return False
        if bound.field == "temperature":
            return bool(value.celsius == target)
        return bool(quantize(value) == target)

    assert occurs(strats.sledai_visits(), hit)


@pytest.mark.parametrize("joints", [1, 2, 3])
def test_arthritis_joint_counts_occur(joints: int) -> None:
    assert occurs(strats.sledai_visits(), lambda v: v.arthritis_joint_count == joints)


@pytest.mark.parametrize(
    ("attribute", "value"),
    [("pga", 0.5), ("pga", 0.49), ("prednisolone_mg_day", 5.0), ("prednisolone_mg_day", 5.01)],
)
def test_doris_bounds_occur(attribute: str, value: float) -> None:
    assert occurs(strats.doris_inputs(), lambda d: getattr(d, attribute) == value)


def test_lldas_and_sri4_bounds_occur() -> None:
    assert occurs(strats.lldas_inputs(), lambda d: d.prednisolone_mg_day == 7.5)
    assert occurs(strats.lldas_inputs(), lambda d: d.pga == 1.01)
    assert occurs(
        strats.sri4_inputs(),
        lambda d: (
            d.pga_baseline is not None
            and d.pga_follow_up is not None
            and round(d.pga_follow_up - d.pga_baseline, 2) == 0.3
        ),
    )
    assert occurs(strats.sri4_inputs(), lambda d: d.new_bilag_b == 2)


def test_course_times_increase_and_carry_a_zone() -> None:
    @settings(FAST, max_examples=30)
    @given(strats.courses())
    def check(course: Course) -> None:
        for items in (course.crs_assessments, course.icans_assessments):
            times = [item.at for item in items]
            assert all(at.tzinfo is not None for at in times)
            assert all(a < b for a, b in itertools.pairwise(times))

    check()
    assert occurs(
        strats.courses(),
        lambda c: any(
            (b.at - a.at).total_seconds() == 24 * 3600
            for a, b in zip(c.crs_assessments, c.crs_assessments[1:], strict=False)
        ),
    )


def test_d3_vasopressor_shapes_occur() -> None:
    def agents(a: CrsAssessment) -> list[str]:
        return [v.agent.value for v in a.vasopressors or ()]

    assert occurs(strats.crs_assessments(), lambda a: agents(a) == ["vasopressin"])
    assert occurs(strats.crs_assessments(), lambda a: len(agents(a)) == 2 > len(set(agents(a))))
    assert occurs(
        strats.crs_assessments(), lambda a: grade_crs(a).finding("hypotension").grade == 4
    )


# --- Options, registration, import ------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: strats.crs_assessments(completeness="some"),  # type: ignore[arg-type]
        lambda: strats.temperatures(min_value=20.0),
        lambda: strats.temperatures(min_value=39.0, max_value=38.0),
        lambda: strats.ice_assessments(max_value=11),
        lambda: strats.capd_assessments(min_value=-1),
        lambda: strats.sledai_visits(max_present=25),
        lambda: strats.courses(max_size=-1),
        lambda: strats.courses(completeness="partial", max_size=0),
        lambda: strats.oxygen_supports(devices=[]),
        lambda: strats.vasopressors(agents=[]),
        lambda: strats.records(BaseModel),
    ],
)
def test_bad_options_are_rejected(make: Callable[[], Any]) -> None:
    with pytest.raises(InvalidArgument):
        make()


def test_options_narrow_the_draws() -> None:
    @FAST
    @given(
        strats.temperatures(min_value=38.0, max_value=38.5, unit="F"),
        strats.ice_assessments(completeness="complete", min_value=3, max_value=6),
        strats.oxygen_supports(devices=["cpap"]),
        strats.vasopressors(agents=["vasopressin"]),
    )
    def check(t: Any, ice: IceAssessment, oxygen: Any, pressor: Any) -> None:
        assert t.unit.value == "F"
        assert 38.0 <= t.celsius <= 38.5
        assert 3 <= (score_ice(ice).score or 0) <= 6
        assert oxygen.device.value == "cpap"
        assert pressor.agent.value == "vasopressin"

    check()


def test_register_strategies_makes_from_type_work() -> None:
    strats.register_strategies()
    strats.register_strategies()  # a second call changes nothing

    @settings(FAST, max_examples=10)
    @given(st.from_type(CrsAssessment), st.from_type(SledaiVisit), st.from_type(Course))
    def check(crs: CrsAssessment, visit: SledaiVisit, course: Course) -> None:
        assert isinstance(crs, CrsAssessment)
        assert isinstance(visit, SledaiVisit)
        assert isinstance(course, Course)

    check()
    for model in [model for _, model in MODEL_STRATEGIES]:
        assert isinstance(find(st.from_type(model), lambda m: True, settings=SEARCH), model)


def test_import_without_hypothesis_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_hypothesis(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "hypothesis" or name.startswith("hypothesis."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    for name in [m for m in sys.modules if m.startswith("astct_grading.strategies")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(builtins, "__import__", no_hypothesis)
    with pytest.raises(ImportError) as raised:
        importlib.import_module("astct_grading.strategies")
    # Commands that work: the package is installed from a checkout, not from an index.
    message = str(raised.value)
    assert "python3 -m pip install 'hypothesis>=6.100'" in message
    assert "python3 -m pip install '.[strategies]'" in message
    assert "astct-grading[strategies]" not in message


def test_the_package_does_not_import_the_strategies() -> None:
    code = (
        "import sys, astct_grading, astct_grading.cli, astct_grading.course; "
        "print('astct_grading.strategies' in sys.modules, 'hypothesis' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_every_public_strategy_is_exported() -> None:
    for name in strats.__all__:
        assert hasattr(strats, name), name
    assert {d.value for d in Descriptor} <= set(SledaiVisit.model_fields)
