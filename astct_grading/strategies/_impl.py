"""Hypothesis strategies for every input model, to property-test code built on astct-grading.

It needs Hypothesis, the ``strategies`` extra (``python3 -m pip install '.[strategies]'`` in a
checkout of the repository, or ``python3 -m pip install 'hypothesis>=6.100'`` beside an installed
package); importing this module without Hypothesis raises an :class:`ImportError` that says so,
and ``import astct_grading`` never imports it.

The strategies draw clinically coherent records: a flow only with a device that takes one, the
encephalopathy instrument that fits the patient's age (decisions.md D7), a course whose timestamps
increase and carry a time zone. They lean on the bounds of the rules, read from the criteria
tables rather than retyped: 38.0 °C and 100.4 °F, 6 L/min, every ICE band edge, CAPD 8/9, both
sides of every SLEDAI-2K laboratory bound, the response cut-offs and the 24-hour episode window.

Every strategy that draws a record takes ``completeness``: ``"complete"`` draws records whose
grade or score is determined (every input it needs is given), ``"partial"`` records with at least
one unknown input (D13), ``"any"`` (the default) both. :func:`records` draws JSON-compatible dicts
instead of models, and with ``valid=False`` records the library rejects, to test error handling.
Every option is keyword-only. :func:`register_strategies` makes ``st.from_type(Model)`` work.

Example:
    >>> from hypothesis import given, settings
    >>> from astct_grading import grade_crs
    >>> @settings(max_examples=25, deadline=None)
    ... @given(crs_assessments(completeness="complete"))
    ... def test_every_complete_assessment_has_a_grade(assessment):
    ...     assert grade_crs(assessment).grade in range(6)
    >>> test_every_complete_assessment_has_a_grade()
"""

from __future__ import annotations

try:
    from hypothesis import strategies as st
    from hypothesis.errors import InvalidArgument
except ImportError as error:  # pragma: no cover - exercised by a test that hides Hypothesis
    raise ImportError(
        "astct_grading.strategies._impl needs Hypothesis; install it with: "
        "python3 -m pip install 'hypothesis>=6.100' (or, in a checkout of astct-grading: "
        "python3 -m pip install '.[strategies]')"
    ) from error

import json
import math
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from enum import Enum
from typing import Any, Literal, TypeVar

from pydantic import BaseModel

from astct_grading.core.validation import (
    TEMPERATURE_MAX_C,
    TEMPERATURE_MIN_C,
    Temperature,
    TemperatureUnit,
    quantize,
    to_celsius,
)
from astct_grading.course.grading import (
    DEFAULT_OPTIONS as COURSE_DEFAULTS,
)
from astct_grading.course.grading import (
    Course,
    Therapy,
)
from astct_grading.criteria.crs import (
    FEVER_MIN_C,
    LOW_FLOW_MAX_L_MIN,
    NEONATE_MAX_YEARS,
    OXYGEN_DEVICES,
    VASOPRESSOR_SYNONYMS,
    OxygenDevice,
    VasopressorAgent,
    systolic_threshold_mmhg,
)
from astct_grading.criteria.icans import (
    CAPD_BANDS,
    CAPD_ITEM_MAX,
    CAPD_ITEMS,
    CAPD_MAX,
    ICE_BANDS,
    ICE_ITEMS,
    ICE_MAX,
    ICE_MIN_AGE_YEARS,
    RASS_DEEP_SEDATION_MAX,
    SEIZURE_PROLONGED_MIN,
    CapdAnswer,
    ConsciousnessLevel,
    IcpFinding,
    MotorFinding,
)
from astct_grading.criteria.sledai2k import (
    ARTHRITIS_MIN_JOINTS,
    DESCRIPTORS,
    DORIS_PGA_BELOW,
    DORIS_PREDNISOLONE_MAX_MG,
    LAB_BOUNDS,
    LLDAS_PGA_MAX,
    LLDAS_PREDNISOLONE_MAX_MG,
    SRI4_MAX_NEW_BILAG_A,
    SRI4_MAX_NEW_BILAG_B,
    SRI4_PGA_INCREASE_BELOW,
    WINDOWS_DAYS,
    Descriptor,
    LabBound,
)
from astct_grading.crs.grading import CrsAssessment, OxygenSupport, Vasopressor
from astct_grading.icans.grading import CapdAssessment, IcansAssessment, IceAssessment
from astct_grading.sle.response import DorisInput, LldasInput, SledaiChangeInput, Sri4Input
from astct_grading.sle.sledai import AntiDsDnaMeasurement, ComplementMeasurement, SledaiVisit

__all__ = [
    "Completeness",
    "anti_dsdna_measurements",
    "capd_assessments",
    "complement_measurements",
    "courses",
    "crs_assessments",
    "crs_records",
    "doris_inputs",
    "icans_assessments",
    "icans_records",
    "ice_assessments",
    "lldas_inputs",
    "oxygen_supports",
    "records",
    "register_strategies",
    "sledai_change_inputs",
    "sledai_records",
    "sledai_visits",
    "sri4_inputs",
    "temperatures",
    "vasopressors",
]

#: What a record strategy draws: determined records, records with unknown inputs, or both.
Completeness = Literal["any", "complete", "partial"]
_COMPLETENESS = ("any", "complete", "partial")

_M = TypeVar("_M", bound=BaseModel)
Record = dict[str, Any]


def _check_completeness(completeness: object) -> None:
    if completeness not in _COMPLETENESS:
        raise InvalidArgument(f"completeness must be one of {_COMPLETENESS}, not {completeness!r}")


def _hundredths(low: float, high: float) -> st.SearchStrategy[float]:
    """Numbers at 0.01 precision in [low, high], shrinking towards ``low``."""
    return st.integers(math.ceil(round(low * 100, 6)), math.floor(round(high * 100, 6))).map(
        lambda n: n / 100
    )


def _near(bound: float, *steps: float) -> list[float]:
    """``bound`` and ``bound + step`` for each step, exact at 0.01 (no binary noise)."""
    return [float(Decimal(repr(bound)) + Decimal(repr(step))) for step in (0.0, *steps)]


def _edged(edges: Sequence[float], low: float, high: float) -> st.SearchStrategy[float]:
    """The edges inside [low, high] first (shrinking towards the first), then any hundredth."""
    inside = [edge for edge in edges if low <= edge <= high]
    spread = _hundredths(low, high)
    return st.one_of(st.sampled_from(inside), spread) if inside else spread


def _unique(values: Sequence[float]) -> list[float]:
    return list(dict.fromkeys(values))


# --- Temperature -----------------------------------------------------------------------------


def _to_fahrenheit(celsius: float) -> float:
    return float(Decimal(repr(celsius)) * 9 / 5 + 32)


#: °C values on and beside the fever bound (38.0, compared at 0.01 °C: D1, D14, D17) and at the
#: edges of the plausible range (D15). 37.995 rounds up to the bound, 37.994 stays below it.
_CELSIUS_EDGES = _unique(
    [
        *_near(FEVER_MIN_C, -0.01, 0.01, -0.005, -0.006, 0.005, 0.004),
        TEMPERATURE_MIN_C,
        TEMPERATURE_MAX_C,
    ]
)
#: The same in °F: 100.4 °F is 38.0 °C exactly; 100.39 and 100.41 fall either side.
_FAHRENHEIT_EDGES = _unique(
    [
        *_near(_to_fahrenheit(FEVER_MIN_C), -0.01, 0.01, -0.1, 0.1),
        _to_fahrenheit(TEMPERATURE_MIN_C),
        _to_fahrenheit(TEMPERATURE_MAX_C),
    ]
)


def _temperature_dicts(
    low: float = TEMPERATURE_MIN_C,
    high: float = TEMPERATURE_MAX_C,
    units: Sequence[TemperatureUnit] = tuple(TemperatureUnit),
) -> st.SearchStrategy[Record]:
    def one(unit: TemperatureUnit) -> st.SearchStrategy[Record]:
        if unit is TemperatureUnit.CELSIUS:
            values = _edged(_CELSIUS_EDGES, low, high)
        else:
            values = _edged(_FAHRENHEIT_EDGES, _to_fahrenheit(low), _to_fahrenheit(high))
        return values.filter(lambda v: low <= to_celsius(v, unit) <= high).map(
            lambda v: {"value": v, "unit": unit.value}
        )

    return st.sampled_from(list(units)).flatmap(one)


def temperatures(
    *,
    min_value: float = TEMPERATURE_MIN_C,
    max_value: float = TEMPERATURE_MAX_C,
    unit: TemperatureUnit | str | None = None,
) -> st.SearchStrategy[Temperature]:
    """Body temperatures in °C or °F whose value in °C lies in [min_value, max_value].

    Values are given at 0.01 of their unit and lean on the fever bound (38.0 °C, 100.4 °F and
    their neighbours, including 37.995 °C which rounds up to it) and on the plausible range
    25-45 °C. Shrinks towards 38.0 °C.

    Args:
        min_value: the lowest temperature, in °C (at least 25.0).
        max_value: the highest temperature, in °C (at most 45.0).
        unit: ``"C"`` or ``"F"`` to draw only that unit; None for both.

    Example:
        >>> from hypothesis import find
        >>> find(temperatures(), lambda t: True)
        Temperature(value=38.0, unit=<TemperatureUnit.CELSIUS: 'C'>)
        >>> find(temperatures(unit="F"), lambda t: True).celsius
        38.0
    """
    if not TEMPERATURE_MIN_C <= min_value <= max_value <= TEMPERATURE_MAX_C:
        raise InvalidArgument(
            f"need {TEMPERATURE_MIN_C} <= min_value <= max_value <= {TEMPERATURE_MAX_C} (°C), "
            f"not {min_value!r}, {max_value!r}"
        )
    units = tuple(TemperatureUnit) if unit is None else (TemperatureUnit(unit),)
    return _temperature_dicts(min_value, max_value, units).map(Temperature.model_validate)


# --- CRS -------------------------------------------------------------------------------------

#: Devices that take an oxygen flow: the nasal cannulas (where the flow decides, D4), blow-by and
#: the masks. Positive pressure is set by FiO2 and pressures, room air by nothing.
_TAKES_FLOW = frozenset(
    {device for device, rule in OXYGEN_DEVICES.items() if rule.flow_decides}
    | {
        OxygenDevice.BLOW_BY,
        OxygenDevice.SIMPLE_FACEMASK,
        OxygenDevice.NON_REBREATHER_MASK,
        OxygenDevice.VENTURI_MASK,
    }
)
#: Devices with a set FiO2 worth recording.
_TAKES_FIO2 = frozenset(
    {
        OxygenDevice.HIGH_FLOW_NASAL_CANNULA,
        OxygenDevice.VENTURI_MASK,
        OxygenDevice.CPAP,
        OxygenDevice.BIPAP,
        OxygenDevice.MECHANICAL_VENTILATION,
    }
)
#: Flows on and beside the low/high-flow bound (6 L/min at 0.01: 6.004 is low, 6.005 high).
_FLOW_EDGES = _near(LOW_FLOW_MAX_L_MIN, -0.01, 0.01, 0.004, 0.005)
_FLOW_MAX = 80.0


@st.composite
def _oxygen_dicts(draw: st.DrawFn, devices: Sequence[OxygenDevice] = tuple(OxygenDevice)) -> Record:
    device = draw(st.sampled_from(list(devices)))
    support: Record = {"device": device.value}
    if device in _TAKES_FLOW and draw(st.booleans()):
        if OXYGEN_DEVICES[device].flow_decides:
            support["flow_l_min"] = draw(_edged([*_FLOW_EDGES, _FLOW_MAX], 0.5, _FLOW_MAX))
        else:
            support["flow_l_min"] = draw(_hundredths(1.0, 15.0))
    if device in _TAKES_FIO2 and draw(st.booleans()):
        support["fio2"] = draw(_edged([0.21, 1.0], 0.21, 1.0))
    return support


def oxygen_supports(
    *, devices: Sequence[OxygenDevice | str] | None = None
) -> st.SearchStrategy[OxygenSupport]:
    """Oxygen support: a device, with a flow only when the device takes one (D4).

    Nasal-cannula flows lean on the 6 L/min bound between low and high flow (6.0, 5.99, 6.01,
    6.004, 6.005) and on the 80 L/min plausibility limit. Shrinks towards room air.

    Args:
        devices: the devices to draw from (default: every :class:`OxygenDevice`).

    Example:
        >>> from hypothesis import find
        >>> find(oxygen_supports(), lambda o: True).device.value
        'room_air'
        >>> find(oxygen_supports(devices=["nasal_cannula"]), lambda o: o.flow_l_min).flow_l_min
        6.0
    """
    chosen = tuple(OxygenDevice) if devices is None else tuple(OxygenDevice(d) for d in devices)
    if not chosen:
        raise InvalidArgument("devices must not be empty")
    return _oxygen_dicts(chosen).map(OxygenSupport.model_validate)


_AGENTS = list(VasopressorAgent)
_OTHER_AGENTS = [agent for agent in _AGENTS if agent is not VasopressorAgent.VASOPRESSIN]
_SYNONYM_OF = {agent: name for name, agent in VASOPRESSOR_SYNONYMS.items()}


@st.composite
def _vasopressor_entries(draw: st.DrawFn, agent: VasopressorAgent) -> Any:
    """One list entry: a bare name (or its synonym), or an object with an optional dose."""
    form = draw(st.sampled_from(["name", "object", "synonym"]))
    if form == "synonym" and agent in _SYNONYM_OF:
        return _SYNONYM_OF[agent]
    if form != "object":
        return agent.value
    entry: Record = {"agent": agent.value}
    if draw(st.booleans()):
        entry["dose"] = draw(_hundredths(0, 50))
        entry["dose_unit"] = draw(st.sampled_from(["mcg/kg/min", "mcg/min", "units/min"]))
    return entry


def vasopressors(
    *, agents: Sequence[VasopressorAgent | str] | None = None
) -> st.SearchStrategy[Vasopressor]:
    """One vasopressor (D3), sometimes with a dose for the record. Shrinks towards norepinephrine.

    Args:
        agents: the agents to draw from (default: every :class:`VasopressorAgent`).

    Example:
        >>> from hypothesis import find
        >>> find(vasopressors(), lambda v: True).agent.value
        'norepinephrine'
    """
    chosen = _AGENTS if agents is None else [VasopressorAgent(a) for a in agents]
    if not chosen:
        raise InvalidArgument("agents must not be empty")
    return st.sampled_from(chosen).flatmap(_vasopressor_entries).map(Vasopressor.model_validate)


@st.composite
def _agent_lists(draw: st.DrawFn) -> list[VasopressorAgent]:
    """Agent lists on the D3 rules.

    Vasopressin alone or with one other agent (grade 3), an agent listed twice (still one), two
    distinct non-vasopressin agents (grade 4), or any list.
    """
    vasopressin = VasopressorAgent.VASOPRESSIN
    other = draw(st.sampled_from(_OTHER_AGENTS))
    shape = draw(
        st.sampled_from(["none", "one", "vasopressin", "with_vasopressin", "twice", "any"])
    )
    if shape == "none":
        return []
    if shape == "one":
        return [other]
    if shape == "vasopressin":
        return [vasopressin]
    if shape == "with_vasopressin":
        return draw(st.permutations([vasopressin, other]))
    if shape == "twice":
        return [other, other]
    return draw(st.lists(st.sampled_from(_AGENTS), min_size=1, max_size=4))


#: Ages on the PALS age bands of the systolic helper (D5).
_PALS_AGES = [NEONATE_MAX_YEARS, 0.5, 1.0, 5.0, 10.0, 10.5, 40.0]


@st.composite
def _systolic_pairs(draw: st.DrawFn) -> tuple[float, float]:
    """(age, systolic) on or beside the age's PALS threshold."""
    age = draw(st.sampled_from(_PALS_AGES) | _hundredths(0, 100))
    threshold = systolic_threshold_mmhg(age)
    systolic = draw(st.sampled_from(_near(threshold, -0.01, -1.0, 1.0, 30.0)))
    return age, max(20.0, min(300.0, systolic))


_CAUSES = st.sampled_from([False, True])


def _blank(record: Record, key: str, draw: st.DrawFn) -> None:
    """Make one input unknown: absent, or null (the same for a model, D13)."""
    if draw(st.booleans()):
        record.pop(key, None)
    else:
        record[key] = None


def _slots_to_blank(draw: st.DrawFn, slots: Sequence[str], completeness: str) -> list[str]:
    if completeness == "complete" or not slots:
        return []
    return draw(
        st.lists(
            st.sampled_from(list(slots)),
            min_size=1 if completeness == "partial" else 0,
            unique=True,
        )
    )


_CRS_SLOTS = (
    "temperature",
    "fever_other_cause",
    "fever_waiver",
    "hypotension",
    "vasopressors",
    "hypotension_other_cause",
    "oxygen",
    "hypoxia_other_cause",
    "death_due_to_crs",
)
_DEFAULT_FALSE = ("fever_other_cause", "hypotension_other_cause", "hypoxia_other_cause")


@st.composite
def _crs_dicts(draw: st.DrawFn, completeness: str, in_course: bool = False) -> Record:
    record: Record = {}
    temperature = draw(_temperature_dicts())
    how = draw(st.sampled_from(["temperature", "temperature_and_flag", "flag"]))
    if how != "flag":
        record["temperature"] = temperature
    if how == "temperature_and_flag":
        record["fever"] = Temperature.model_validate(temperature).celsius >= FEVER_MIN_C
    elif how == "flag":
        record["fever"] = draw(st.booleans())
    record["fever_other_cause"] = draw(_CAUSES)
    if not in_course:  # a course derives the waiver from its history (D1)
        record["fever_waiver"] = draw(st.booleans())
    agents = draw(_agent_lists())
    if draw(st.booleans()):
        # Vasopressors are given for hypotension: with any, hypotension is present.
        record["hypotension"] = True if agents else draw(st.booleans())
    else:
        record["age_years"], record["systolic_bp_mmhg"] = draw(_systolic_pairs())
    record["vasopressors"] = [draw(_vasopressor_entries(agent)) for agent in agents]
    record["hypotension_other_cause"] = draw(_CAUSES)
    record["oxygen"] = draw(_oxygen_dicts())
    record["hypoxia_other_cause"] = draw(_CAUSES)
    if not in_course:  # a course records death once (Death)
        record["death_due_to_crs"] = draw(st.sampled_from([False, False, True]))

    slots = [s for s in _CRS_SLOTS if s in record or s == "temperature"]
    for slot in _slots_to_blank(draw, slots, completeness):
        if slot == "temperature":
            record.pop("temperature", None)
            record.pop("fever", None)
        elif slot == "hypotension":
            for key in ("hypotension", "age_years", "systolic_bp_mmhg"):
                record.pop(key, None)
        elif slot in _DEFAULT_FALSE or slot == "death_due_to_crs":
            record[slot] = None  # these default to False: unknown must be an explicit null
        else:
            _blank(record, slot, draw)
    return record


def _models(dicts: st.SearchStrategy[Record], model: type[_M]) -> st.SearchStrategy[_M]:
    return dicts.map(model.model_validate)


def crs_assessments(*, completeness: Completeness = "any") -> st.SearchStrategy[CrsAssessment]:
    """CRS assessments (ASTCT 2019): coherent, and on the bounds of the rules.

    Temperatures lean on 38.0 °C and 100.4 °F; oxygen on 6 L/min; vasopressor lists on the D3
    rules (vasopressin alone, with one other agent, an agent twice, two agents); hypotension is
    given, or derived from a systolic pressure on or beside the PALS threshold for the age (D5).
    Vasopressors always come with hypotension. Shrinks towards a short record: a temperature on
    the fever bound (38.0 or 37.99 °C), room air, at most one vasopressor.

    Args:
        completeness: ``"complete"``: every input given, so the grade is determined;
            ``"partial"``: at least one input unknown (D13); ``"any"``: both.

    Example:
        >>> from hypothesis import given, settings
        >>> from astct_grading import grade_crs
        >>> @settings(max_examples=25, deadline=None)
        ... @given(crs_assessments(completeness="partial"))
        ... def test_the_range_holds_the_grade(assessment):
        ...     result = grade_crs(assessment)
        ...     assert result.grade_min <= result.grade_max
        >>> test_the_range_holds_the_grade()
    """
    _check_completeness(completeness)
    return _models(_crs_dicts(completeness), CrsAssessment)


# --- ICE, CAPD, ICANS ------------------------------------------------------------------------

_ICE_NAMES = [item.name for item in ICE_ITEMS]
_CAPD_NAMES = [item.name for item in CAPD_ITEMS]
#: Both ends of every ICE band (D10): 10, 9, 7, 6, 3, 2, 0.
_ICE_EDGES = sorted({end for low, high, _ in ICE_BANDS for end in (low, high)}, reverse=True)
#: Both ends of every CAPD band (D8): 0, 1, 8, 9, 32.
_CAPD_EDGES = sorted({end for low, high, _ in CAPD_BANDS for end in (low, high)})
_ANSWERS = list(CapdAnswer)


def _total_in(edges: Sequence[int], low: int, high: int) -> st.SearchStrategy[int]:
    inside = [edge for edge in edges if low <= edge <= high]
    spread = st.integers(low, high)
    return st.one_of(st.sampled_from(inside), spread) if inside else spread


@st.composite
def _ice_dicts(
    draw: st.DrawFn,
    completeness: str,
    low: int = 0,
    high: int = ICE_MAX,
    not_performed: bool = True,
) -> Record:
    kinds = ["items", "total", "both"]
    if completeness == "partial":
        kinds = ["items"]
    elif not_performed and low == 0:
        kinds.append("unarousable")  # ICE 0, determined (D10)
        if completeness == "any":
            kinds.append("sedated_or_intubated")  # not assessable: no score (D10)
    kind = draw(st.sampled_from(kinds))
    if kind in ("unarousable", "sedated_or_intubated"):
        return {"not_performed": kind}
    total = draw(_total_in(_ICE_EDGES, low, high))
    correct = set(draw(st.permutations(_ICE_NAMES))[:total])
    items = {name: int(name in correct) for name in _ICE_NAMES}
    record: Record = {} if kind == "total" else dict(items)
    if kind != "items":
        record["total"] = total
    if kind == "items":
        for name in _slots_to_blank(draw, _ICE_NAMES, completeness):
            _blank(record, name, draw)
    return record


def _check_range(low: int, high: int, top: int) -> None:
    if not 0 <= low <= high <= top:
        raise InvalidArgument(f"need 0 <= min_value <= max_value <= {top}, not {low}, {high}")


def ice_assessments(
    *, completeness: Completeness = "any", min_value: int = 0, max_value: int = ICE_MAX
) -> st.SearchStrategy[IceAssessment]:
    """ICE assessments (D10): ten items, a total, or both, or a reason the ICE was not done.

    Totals lean on both ends of every band (10, 9, 7, 6, 3, 2, 0), with the correct items spread
    over the ten. With ``"any"``, some ICEs are not performed (unarousable: ICE 0; sedated or
    intubated: not assessable, no score). Shrinks towards the record with the fewest inputs (an
    ICE not performed when ``"any"`` allows it), else towards a score of 10 given item by item.

    Args:
        completeness: ``"complete"``: the score is determined; ``"partial"``: some items are
            unknown (no total); ``"any"``: both, and not-assessable ICEs.
        min_value: the lowest total drawn (the complete score, before items are blanked).
        max_value: the highest total drawn.

    Example:
        >>> from hypothesis import find
        >>> from astct_grading.icans.grading import score_ice
        >>> score_ice(find(ice_assessments(completeness="complete"), lambda a: True)).score
        0
        >>> found = find(ice_assessments(min_value=3, max_value=6), lambda a: True)
        >>> 3 <= score_ice(found).score <= 6
        True
    """
    _check_completeness(completeness)
    _check_range(min_value, max_value, ICE_MAX)
    return _models(_ice_dicts(completeness, min_value, max_value), IceAssessment)


@st.composite
def _capd_points(draw: st.DrawFn, total: int) -> dict[str, int]:
    """Points per item adding up to ``total``, spread over the items in a drawn order."""
    order = draw(st.permutations(_CAPD_NAMES))
    points: dict[str, int] = {}
    remaining = total
    for left, name in zip(range(len(order) - 1, -1, -1), order, strict=True):
        low = max(0, remaining - CAPD_ITEM_MAX * left)
        points[name] = draw(st.integers(low, min(CAPD_ITEM_MAX, remaining)))
        remaining -= points[name]
    return points


def _answer(name: str, points: int) -> str:
    reverse = next(item.reverse for item in CAPD_ITEMS if item.name == name)
    return _ANSWERS[CAPD_ITEM_MAX - points if reverse else points].value


_SCORED_RASS = st.none() | st.integers(RASS_DEEP_SEDATION_MAX + 1, 4)
_DEEP_RASS = st.integers(-5, RASS_DEEP_SEDATION_MAX)


@st.composite
def _capd_dicts(
    draw: st.DrawFn,
    completeness: str,
    low: int = 0,
    high: int = CAPD_MAX,
    not_performed: bool = True,
) -> Record:
    kinds = ["answers", "total", "both"]
    if completeness == "partial":
        kinds = ["answers"]
    elif completeness == "any" and not_performed:
        kinds += ["unable", "deep_sedation", "neuromuscular_blockade", "deep_rass"]
    kind = draw(st.sampled_from(kinds))
    if kind == "unable":  # unable because of ICANS: grade 4 (D8); never under deep sedation
        return {"not_performed": kind, **_maybe("rass", draw(_SCORED_RASS))}
    if kind == "deep_sedation":
        return {"not_performed": kind, **_maybe("rass", draw(st.none() | _DEEP_RASS))}
    if kind == "neuromuscular_blockade":
        return {"not_performed": kind}
    if kind == "deep_rass":  # RASS -4 or -5: not scored, not assessable (D8)
        return {"rass": draw(_DEEP_RASS)}
    total = draw(_total_in(_CAPD_EDGES, low, high))
    points = draw(_capd_points(total))
    record: Record = {} if kind == "total" else {n: _answer(n, points[n]) for n in _CAPD_NAMES}
    if kind != "answers":
        record["total"] = total
    record.update(_maybe("rass", draw(_SCORED_RASS)))
    if kind == "answers":
        for name in _slots_to_blank(draw, _CAPD_NAMES, completeness):
            _blank(record, name, draw)
    return record


def _maybe(key: str, value: Any) -> Record:
    return {} if value is None else {key: value}


def capd_assessments(
    *, completeness: Completeness = "any", min_value: int = 0, max_value: int = CAPD_MAX
) -> st.SearchStrategy[CapdAssessment]:
    """CAPD assessments (D8): eight answers, a total, or both, with an optional RASS.

    Totals lean on both ends of every band (0, 1, 8, 9, 32); the answers are spread over the
    reverse-scored and the directly scored items to add up to the total. A RASS, when given, is
    above deep sedation (-3 to +4) for a scored CAPD. With ``"any"``, some CAPDs are not done
    (unable because of ICANS; deep sedation; neuromuscular blockade). Shrinks towards the record
    with the fewest inputs (a CAPD not performed when ``"any"`` allows it), else a total of 0.

    Args:
        completeness: ``"complete"``: the total is determined; ``"partial"``: some answers are
            unknown (no total); ``"any"``: both, and CAPDs without a total.
        min_value: the lowest total drawn (before answers are blanked).
        max_value: the highest total drawn.

    Example:
        >>> from hypothesis import find
        >>> from astct_grading.icans.grading import score_capd
        >>> strategy = capd_assessments(completeness="complete", min_value=8, max_value=9)
        >>> found = find(strategy, lambda a: True)
        >>> score_capd(found).score in (8, 9)
        True
    """
    _check_completeness(completeness)
    _check_range(min_value, max_value, CAPD_MAX)
    return _models(_capd_dicts(completeness, min_value, max_value), CapdAssessment)


#: Ages on and beside the ICE/CAPD cut of D7 (12.0 years, compared at 0.01 year: 11.995 is 12.0).
_AGE_EDGES = _near(ICE_MIN_AGE_YEARS, -0.01, 0.01, -0.005, -0.006)
#: Seizure durations on and beside "> 5 minutes" (D11), compared at 0.01 min.
_SEIZURE_EDGES = _near(SEIZURE_PROLONGED_MIN, -0.01, 0.01, 0.004, 0.005)

_ICANS_SLOTS = (
    "age_years",
    "developmental_delay",
    "instrument",
    "instrument_items",
    "encephalopathy_other_cause",
    "consciousness",
    "consciousness_other_cause",
    "seizure",
    "seizure_details",
    "seizure_other_cause",
    "motor",
    "motor_other_cause",
    "icp",
    "icp_other_cause",
    "death_due_to_icans",
)


@st.composite
def _icans_dicts(  # noqa: PLR0915 - one line per input of the model
    draw: st.DrawFn, completeness: str, in_course: bool = False
) -> Record:
    age = draw(st.sampled_from([40.0, *_AGE_EDGES, 0.0, 130.0]) | _hundredths(0, 130))
    delay = draw(st.sampled_from([False, False, False, True]))
    capd_used = delay or quantize(age) < ICE_MIN_AGE_YEARS  # D7
    level = draw(st.sampled_from(list(ConsciousnessLevel)))
    sedated = draw(_CAUSES)  # depressed consciousness from another cause, e.g. sedation (D9)
    unarousable = level is ConsciousnessLevel.UNAROUSABLE
    record: Record = {"age_years": age, "developmental_delay": delay}
    instrument = "capd" if capd_used else "ice"
    if unarousable and capd_used:
        reason = draw(st.sampled_from(["deep_sedation", "neuromuscular_blockade"]))
        record["capd"] = {"not_performed": reason if sedated else "unable"}
    elif unarousable:
        record["ice"] = {"not_performed": "sedated_or_intubated" if sedated else "unarousable"}
    elif capd_used:
        record["capd"] = draw(_capd_dicts("complete", not_performed=False))
    else:
        record["ice"] = draw(_ice_dicts("complete", not_performed=False))
    ice_zero = record.get("ice", {}).get("total") == 0 or (
        record.get("ice") and sum(record["ice"].get(n, 0) for n in _ICE_NAMES) == 0
    )
    record["encephalopathy_other_cause"] = draw(_CAUSES)
    record["consciousness"] = level.value
    record["consciousness_other_cause"] = sedated
    # Global aphasia matters only for an ICE of 0 in an awake patient (D10).
    record["global_aphasia"] = bool(not unarousable and ice_zero and draw(st.booleans()))
    if not draw(st.booleans()):
        record["seizure"] = False
    else:
        record["seizure"] = True
        how = draw(st.sampled_from(["duration", "flag", "both"]))
        minutes = draw(_edged(_SEIZURE_EDGES, 0.01, 120.0))
        if how != "flag":
            record["seizure_duration_min"] = minutes
        if how != "duration":
            over = quantize(minutes) > SEIZURE_PROLONGED_MIN
            record["seizure_over_5_min"] = over if how == "both" else draw(st.booleans())
        record["seizure_without_return_to_baseline"] = draw(st.booleans())
    record["seizure_other_cause"] = draw(_CAUSES)
    record["motor"] = draw(st.sampled_from(list(MotorFinding))).value
    record["motor_other_cause"] = draw(_CAUSES)
    record["icp"] = [f.value for f in draw(st.lists(st.sampled_from(list(IcpFinding)), max_size=3))]
    record["icp_other_cause"] = draw(_CAUSES)
    for name in ("tremor", "myoclonus", "intracranial_haemorrhage"):  # recorded, never graded
        value = draw(st.sampled_from([None, False, True]))
        if value is not None:
            record[name] = value
    if not in_course:
        record["death_due_to_icans"] = draw(st.sampled_from([False, False, True]))

    slots = [s for s in _ICANS_SLOTS if s in record or s.startswith(("instrument", "seizure"))]
    if not any(
        n in record[instrument] for n in (_ICE_NAMES if instrument == "ice" else _CAPD_NAMES)
    ):
        slots.remove("instrument_items")
    if record["seizure"] is False:
        slots.remove("seizure_details")
    for slot in _slots_to_blank(draw, slots, completeness):
        if slot == "instrument":
            _blank(record, instrument, draw)
        elif slot == "instrument_items":
            if isinstance(record.get(instrument), dict):
                names = _ICE_NAMES if instrument == "ice" else _CAPD_NAMES
                part = record[instrument]
                part.pop("total", None)
                for name in draw(st.lists(st.sampled_from(names), min_size=1, unique=True)):
                    _blank(part, name, draw)
        elif slot == "seizure":
            for key in ("seizure", "seizure_duration_min", "seizure_over_5_min"):
                record.pop(key, None)
            record.pop("seizure_without_return_to_baseline", None)
        elif slot == "seizure_details":
            for key in ("seizure_duration_min", "seizure_over_5_min"):
                record.pop(key, None)
        elif slot.endswith("other_cause") or slot in ("developmental_delay", "death_due_to_icans"):
            record[slot] = None  # these default to False: unknown must be an explicit null
        else:
            _blank(record, slot, draw)
    return record


def icans_assessments(*, completeness: Completeness = "any") -> st.SearchStrategy[IcansAssessment]:
    """ICANS assessments (ASTCT 2019): the instrument that fits the age (D7) and coherent domains.

    Ages lean on the 12.0-year cut (11.99, 11.995 which counts as 12.0, 12.0, 12.01); ICE totals
    on every band edge and CAPD totals on 0/1/8/9; seizure durations on "> 5 minutes" (5.0, 5.004,
    5.005, 5.01). An unarousable patient has an ICE not performed (unarousable, or sedated when
    depressed consciousness has another cause) or a CAPD the child was unable to perform (or not
    assessable under sedation); global aphasia appears only with an ICE of 0. Shrinks towards a
    40-year-old (ICE) with the fewest inputs, e.g. an unarousable patient whose ICE was not done.

    Args:
        completeness: ``"complete"``: every input the grade needs, so it is determined;
            ``"partial"``: at least one unknown input (D13); ``"any"``: both.

    Example:
        >>> from hypothesis import given, settings
        >>> from astct_grading.icans.grading import grade_icans
        >>> @settings(max_examples=25, deadline=None)
        ... @given(icans_assessments(completeness="complete"))
        ... def test_the_instrument_is_known(assessment):
        ...     assert grade_icans(assessment).instrument in ("ICE", "CAPD")
        >>> test_the_instrument_is_known()
    """
    _check_completeness(completeness)
    return _models(_icans_dicts(completeness), IcansAssessment)


# --- SLEDAI-2K -------------------------------------------------------------------------------

_LAB_BY_DESCRIPTOR: Mapping[Descriptor, LabBound] = {b.descriptor: b for b in LAB_BOUNDS}
_COMPLEMENTS = ("c3", "c4", "ch50")
#: Plausibility limits of the raw values (SledaiVisit fields; D15).
_LAB_LIMITS: Mapping[str, float] = {
    "platelets_10e9_l": 5000.0,
    "wbc_10e9_l": 1000.0,
    "proteinuria_g_24h": 100.0,
    "urine_rbc_per_hpf": 1000.0,
    "urine_wbc_per_hpf": 1000.0,
}


def _lab_values(bound: LabBound, present: bool) -> st.SearchStrategy[Any]:
    """A raw value on the side of ``bound`` that makes the descriptor ``present`` (D17).

    The values lean on the bound from both sides at the 0.01 comparison precision (D14): the bound
    itself, 0.01 either side, and the half-hundredths that round onto or off it.
    """
    if bound.field == "temperature":  # fever > 38.0 °C, strictly
        if present:
            return _temperature_dicts(bound.bound + 0.005, TEMPERATURE_MAX_C)
        return _temperature_dicts(TEMPERATURE_MIN_C, bound.bound)
    top, b = _LAB_LIMITS[bound.field], bound.bound
    if bound.relation == "<":
        if present:  # below the bound once rounded: b - 0.006 rounds to b - 0.01
            return _edged(_near(b, -0.01, -0.006), 0.0, b - 0.006)
        return _edged(_near(b, 0.0, 0.01, -0.004), b - 0.004, top)  # b - 0.004 rounds onto b
    if present:  # above the bound once rounded: b + 0.005 rounds to b + 0.01
        return _edged(_near(b, 0.01, 0.005), b + 0.005, top)
    return _edged(_near(b, 0.0, -0.01, 0.004), 0.0, b + 0.004)  # b + 0.004 rounds onto b


@st.composite
def _limit_pairs(draw: st.DrawFn, above: bool | None) -> tuple[float, float]:
    """(value, laboratory limit): value below (False), equal or above (None), above (True)."""
    limit = draw(st.sampled_from([0.9, 0.1, 30.0]) | _hundredths(0.01, 200))
    if above is None:
        value = draw(st.sampled_from([limit, limit + 0.01]) | _hundredths(limit, limit + 100))
    elif above:
        value = draw(st.sampled_from([limit + 0.01]) | _hundredths(limit + 0.01, limit + 100))
    else:
        value = draw(st.sampled_from([limit - 0.01, 0.0]) | _hundredths(0, limit - 0.01))
    return round(max(0.0, value), 2), limit


def _measurement(value: float, limit: float, key: str) -> Record:
    return {"value": value, key: limit}


@st.composite
def _complement_dicts(draw: st.DrawFn, low: bool | None = None) -> Record:
    low = draw(st.booleans()) if low is None else low
    value, limit = draw(_limit_pairs(None if not low else False))
    record = _measurement(value, limit, "lower_limit")
    if draw(st.booleans()):
        record["unit"] = draw(st.sampled_from(["g/L", "mg/dL", "U/mL"]))
    return record


@st.composite
def _dna_dicts(draw: st.DrawFn, raised: bool | None = None) -> Record:
    raised = draw(st.booleans()) if raised is None else raised
    value, limit = draw(_limit_pairs(bool(raised)))
    if not raised and draw(st.booleans()):
        value = limit  # equal to the upper limit is not raised (strict)
    record = _measurement(value, limit, "upper_limit")
    if draw(st.booleans()):
        record["unit"] = "IU/mL"
    return record


def complement_measurements(*, low: bool | None = None) -> st.SearchStrategy[ComplementMeasurement]:
    """A complement level with the lab's lower limit; leans on value == limit (not low, D17).

    Shrinks towards a level equal to its limit.

    Args:
        low: True for levels below the limit, False for levels at or above it, None for both.

    Example:
        >>> from hypothesis import find
        >>> find(complement_measurements(low=True), lambda m: True).low
        True
    """
    return _complement_dicts(low).map(ComplementMeasurement.model_validate)


def anti_dsdna_measurements(
    *, raised: bool | None = None
) -> st.SearchStrategy[AntiDsDnaMeasurement]:
    """An anti-dsDNA level with the lab's upper limit; leans on value == limit (not raised).

    Shrinks towards a level on its limit or 0.01 above it.

    Args:
        raised: True for levels above the limit, False for levels at or below it, None for both.

    Example:
        >>> from hypothesis import find
        >>> find(anti_dsdna_measurements(raised=False), lambda m: True).raised
        False
    """
    return _dna_dicts(raised).map(AntiDsDnaMeasurement.model_validate)


_RAW_DESCRIPTORS = frozenset(
    {*_LAB_BY_DESCRIPTOR, Descriptor.LOW_COMPLEMENT, Descriptor.INCREASED_DNA_BINDING}
    | {Descriptor.ARTHRITIS}
)
_OTHER_CAUSE = {
    d: f"{d.value}_other_cause" for d, rule in DESCRIPTORS.items() if rule.excluded_causes
}


@st.composite
def _raw_for(draw: st.DrawFn, descriptor: Descriptor, present: bool) -> Record:
    """Raw measurements that make ``descriptor`` present or absent on their own (D16, D17)."""
    if descriptor in _LAB_BY_DESCRIPTOR:
        bound = _LAB_BY_DESCRIPTOR[descriptor]
        return {bound.field: draw(_lab_values(bound, present))}
    if descriptor is Descriptor.ARTHRITIS:  # >= 2 joints (D16): 1, 2 and 3 on the edge
        edges = [ARTHRITIS_MIN_JOINTS, ARTHRITIS_MIN_JOINTS + 1] if present else [1, 0]
        top = 68 if present else ARTHRITIS_MIN_JOINTS - 1
        low = ARTHRITIS_MIN_JOINTS if present else 0
        return {"arthritis_joint_count": draw(st.sampled_from(edges) | st.integers(low, top))}
    if descriptor is Descriptor.INCREASED_DNA_BINDING:
        return {"anti_dsdna": draw(_dna_dicts(present))}
    # Low complement: one level below its limit, or all three not below theirs.
    if present:
        which = draw(st.lists(st.sampled_from(_COMPLEMENTS), min_size=1, unique=True))
        out = {name: draw(_complement_dicts(low=name == which[0] or None)) for name in which}
        return out
    return {name: draw(_complement_dicts(low=False)) for name in _COMPLEMENTS}


@st.composite
def _sledai_dicts(
    draw: st.DrawFn,
    completeness: str,
    visit_date: date | None = None,
    max_present: int = 24,
    dated: bool = True,
) -> Record:
    record: Record = {}
    if visit_date is not None:
        record["visit_date"] = visit_date.isoformat()
    elif dated and draw(st.booleans()):
        record["visit_date"] = draw(st.dates(date(2000, 1, 1), date(2040, 12, 31))).isoformat()
    window = draw(st.sampled_from([None, *WINDOWS_DAYS]))
    if window is not None:
        record["window_days"] = window
    present = set(
        draw(st.lists(st.sampled_from(list(Descriptor)), unique=True, max_size=max_present))
    )
    raw_given: set[Descriptor] = set()
    for descriptor in Descriptor:
        is_present = descriptor in present
        if descriptor in _RAW_DESCRIPTORS and draw(st.booleans()):
            record.update(draw(_raw_for(descriptor, is_present)))
            raw_given.add(descriptor)
            if draw(st.booleans()):
                continue  # the raw value alone decides (D17)
        record[descriptor.value] = is_present
        if descriptor in _OTHER_CAUSE:
            record[_OTHER_CAUSE[descriptor]] = draw(st.sampled_from([False, False, True]))
    for field in _OTHER_CAUSE.values():
        if field not in record:
            record[field] = draw(st.sampled_from([False, False, True]))

    slots = [d.value for d in Descriptor] + list(_OTHER_CAUSE.values())
    for slot in _slots_to_blank(draw, slots, completeness):
        if slot.endswith("_other_cause"):
            record[slot] = None
            continue
        descriptor = Descriptor(slot)
        record.pop(slot, None)
        if descriptor in raw_given:
            if descriptor is Descriptor.LOW_COMPLEMENT:
                for name in _COMPLEMENTS:
                    record.pop(name, None)
            elif descriptor is Descriptor.INCREASED_DNA_BINDING:
                record.pop("anti_dsdna", None)
            elif descriptor is Descriptor.ARTHRITIS:
                record.pop("arthritis_joint_count", None)
            else:
                record.pop(_LAB_BY_DESCRIPTOR[descriptor].field, None)
        if draw(st.booleans()):
            record[slot] = None
    return record


def sledai_visits(
    *, completeness: Completeness = "any", max_present: int = 24
) -> st.SearchStrategy[SledaiVisit]:
    """SLEDAI-2K visits: each descriptor given, derived from its raw value, or both (agreeing).

    Raw values sit on both sides of every laboratory bound of the criteria table (fever > 38.0 °C,
    platelets < 100, WBC < 3.0, proteinuria > 0.5, urine RBC and WBC > 5), at the bound, 0.01 off
    it and on the half-hundredths that round onto or off it (D14, D17); complement and anti-dsDNA
    levels sit on their laboratory limits; joint counts on 1/2/3 (D16). Some descriptors are
    attributed to a cause their definition excludes. Shrinks towards a visit with every
    descriptor absent (score 0).

    Args:
        completeness: ``"complete"``: every descriptor and cause known, so the score is
            determined; ``"partial"``: at least one unknown (D13); ``"any"``: both.
        max_present: the most descriptors present (before causes exclude any).

    Example:
        >>> from hypothesis import find
        >>> from astct_grading import score_sledai2k
        >>> score_sledai2k(find(sledai_visits(completeness="complete"), lambda v: True)).score
        0
    """
    _check_completeness(completeness)
    if not 0 <= max_present <= len(Descriptor):
        raise InvalidArgument(f"max_present must be 0-{len(Descriptor)}, not {max_present!r}")
    return _models(_sledai_dicts(completeness, max_present=max_present), SledaiVisit)


# --- SLE response inputs ---------------------------------------------------------------------


def _split(draw: st.DrawFn, completeness: str, parts: int) -> list[str]:
    """Completeness per part: for ``"partial"``, at least one part is partial."""
    if completeness != "partial":
        return [completeness] * parts
    chosen = draw(st.integers(0, parts - 1))
    return ["partial" if i == chosen else "any" for i in range(parts)]


@st.composite
def _visit_pairs(draw: st.DrawFn, completeness: Sequence[str], max_present: int) -> Record:
    first = None
    second = None
    if draw(st.booleans()):  # dated visits: the follow-up never before the baseline
        first = draw(st.dates(date(2000, 1, 1), date(2039, 1, 1)))
        second = first + timedelta(days=draw(st.sampled_from([0, 1, 90]) | st.integers(0, 700)))
    return {
        "baseline": draw(_sledai_dicts(completeness[0], first, max_present, dated=False)),
        "follow_up": draw(_sledai_dicts(completeness[1], second, max_present, dated=False)),
    }


def _fill(
    draw: st.DrawFn, record: Record, values: Mapping[str, st.SearchStrategy[Any]], mode: str
) -> None:
    """Add the definition's inputs: all (complete), or some unknown (partial needs one)."""
    keys = list(values)
    blank = set(_slots_to_blank(draw, keys, mode))
    for key in keys:
        if key not in blank:
            record[key] = draw(values[key])


_PGA = _hundredths(0, 3)


@st.composite
def _change_dicts(draw: st.DrawFn, completeness: str) -> Record:
    return draw(_visit_pairs(_split(draw, completeness, 2), 8))


@st.composite
def _sri4_dicts(draw: st.DrawFn, completeness: str) -> Record:
    modes = _split(draw, completeness, 3)
    record = draw(_visit_pairs(modes[:2], 8))
    base = draw(st.sampled_from([1.0, 0.0, 2.7]) | _PGA)
    step = draw(st.sampled_from(_near(SRI4_PGA_INCREASE_BELOW, -0.01, 0.01)) | _hundredths(-3, 3))
    follow = round(min(3.0, max(0.0, base + step)), 2)
    edges_a = [SRI4_MAX_NEW_BILAG_A, SRI4_MAX_NEW_BILAG_A + 1]
    edges_b = [SRI4_MAX_NEW_BILAG_B, SRI4_MAX_NEW_BILAG_B + 1]
    values = {
        "new_bilag_a": st.sampled_from(edges_a) | st.integers(0, 9),
        "new_bilag_b": st.sampled_from(edges_b) | st.integers(0, 9),
        "pga_baseline": st.just(base),
        "pga_follow_up": st.just(follow),
    }
    _fill(draw, record, values, modes[2])
    return record


def _one_visit(draw: st.DrawFn, completeness: str) -> tuple[Record, str]:
    modes = _split(draw, completeness, 2)
    return {"visit": draw(_sledai_dicts(modes[0], max_present=4))}, modes[1]


@st.composite
def _doris_dicts(draw: st.DrawFn, completeness: str) -> Record:
    record, mode = _one_visit(draw, completeness)
    values = {
        "pga": _edged(_near(DORIS_PGA_BELOW, -0.01, 0.01), 0, 3),
        "prednisolone_mg_day": _edged(_near(DORIS_PREDNISOLONE_MAX_MG, -0.01, 0.01), 0, 60),
        "stable_maintenance": st.booleans(),
    }
    _fill(draw, record, values, mode)
    return record


@st.composite
def _lldas_dicts(draw: st.DrawFn, completeness: str) -> Record:
    record, mode = _one_visit(draw, completeness)
    values = {
        "haemolytic_anaemia": st.sampled_from([False, True]),
        "gastrointestinal_activity": st.sampled_from([False, True]),
        "new_activity": st.sampled_from([False, True]),
        "pga": _edged(_near(LLDAS_PGA_MAX, -0.01, 0.01), 0, 3),
        "prednisolone_mg_day": _edged(_near(LLDAS_PREDNISOLONE_MAX_MG, -0.01, 0.01), 0, 60),
        "standard_maintenance": st.sampled_from([True, False]),
    }
    _fill(draw, record, values, mode)
    return record


def sledai_change_inputs(
    *, completeness: Completeness = "any"
) -> st.SearchStrategy[SledaiChangeInput]:
    """A baseline and a follow-up visit; when dated, the follow-up is not before the baseline.

    Each visit is drawn as by :func:`sledai_visits` (with at most 8 descriptors present). Shrinks
    towards two undated visits with every descriptor absent (change 0).

    Args:
        completeness: ``"complete"``: both visits determined; ``"partial"``: at least one visit
            has an unknown; ``"any"``: both.

    Example:
        >>> from hypothesis import find
        >>> from astct_grading import change_from_baseline
        >>> change_from_baseline(
        ...     find(sledai_change_inputs(completeness="complete"), lambda p: True)
        ... ).change
        0
    """
    _check_completeness(completeness)
    return _models(_change_dicts(completeness), SledaiChangeInput)


def sri4_inputs(*, completeness: Completeness = "any") -> st.SearchStrategy[Sri4Input]:
    """SRI-4 inputs: two visits, new BILAG counts and a PGA at both visits.

    New BILAG counts sit on their limits (A: 0/1, B: 1/2) and the PGA increase on 0.3 (0.29, 0.3,
    0.31).

    Shrinks towards two visits with every descriptor absent, no new BILAG A, one new BILAG B and a
    PGA rising from 1.0 to 1.3 (not a response: no reduction, and the PGA rose by 0.3).

    Args:
        completeness: ``"complete"``: every input given, so the outcome is met or not met;
            ``"partial"``: at least one unknown (D13); ``"any"``: both.

    Example:
        >>> from hypothesis import find
        >>> from astct_grading import assess_sri4
        >>> assess_sri4(find(sri4_inputs(completeness="complete"), lambda i: True)).outcome.value
        'not_met'
    """
    _check_completeness(completeness)
    return _models(_sri4_dicts(completeness), Sri4Input)


def doris_inputs(*, completeness: Completeness = "any") -> st.SearchStrategy[DorisInput]:
    """DORIS 2021 remission inputs: one visit, a PGA, a prednisolone dose and maintenance therapy.

    The visit has at most 4 descriptors present; the PGA sits on 0.5 and the dose on 5 mg/day
    (each 0.01 either side).

    Shrinks towards a visit with nothing present, PGA 0.5 and 5 mg/day (not in remission: PGA
    must be below 0.5).

    Args:
        completeness: ``"complete"``: every input given; ``"partial"``: at least one unknown;
            ``"any"``: both.

    Example:
        >>> from hypothesis import find
        >>> from astct_grading import assess_doris_remission
        >>> found = find(doris_inputs(completeness="complete"), lambda i: True)
        >>> assess_doris_remission(found).outcome.value
        'not_met'
    """
    _check_completeness(completeness)
    return _models(_doris_dicts(completeness), DorisInput)


def lldas_inputs(*, completeness: Completeness = "any") -> st.SearchStrategy[LldasInput]:
    """LLDAS inputs: one visit, a PGA, a prednisolone dose and the yes/no criteria.

    The visit has at most 4 descriptors present (around the SLEDAI-2K limit of 4); the PGA sits on
    1.0 and the dose on 7.5 mg/day (each 0.01 either side).

    Shrinks towards a visit with nothing present, PGA 1.0, 7.5 mg/day and standard maintenance
    (LLDAS met).

    Args:
        completeness: ``"complete"``: every input given; ``"partial"``: at least one unknown;
            ``"any"``: both.

    Example:
        >>> from hypothesis import find
        >>> from astct_grading import assess_lldas
        >>> assess_lldas(find(lldas_inputs(completeness="complete"), lambda i: True)).outcome.value
        'met'
    """
    _check_completeness(completeness)
    return _models(_lldas_dicts(completeness), LldasInput)


# --- Courses ---------------------------------------------------------------------------------

#: Fixed UTC offsets, from -12:00 to +14:00 (fixed, so no time is skipped or repeated).
_ZONES = [
    timezone(timedelta(hours=h, minutes=m))
    for h, m in ((0, 0), (1, 0), (-5, 0), (5, 30), (9, 0), (14, 0), (-12, 0), (-3, -30))
]
_RESOLUTION_H = COURSE_DEFAULTS.resolution_hours
#: Gaps between assessments, in hours, on and beside the episode resolution period (D20).
_GAPS_H = [_RESOLUTION_H, 4.0, _RESOLUTION_H - 1 / 60, _RESOLUTION_H + 1 / 60, 0.5, 12.0]


def _gap() -> st.SearchStrategy[timedelta]:
    return (st.sampled_from(_GAPS_H) | st.integers(1, 72 * 60).map(lambda m: m / 60)).map(
        lambda hours: timedelta(hours=hours)
    )


@st.composite
def _times(draw: st.DrawFn, start: datetime, count: int) -> list[datetime]:
    """``count`` increasing instants from ``start``, each written in a drawn time zone."""
    times: list[datetime] = []
    at = start + timedelta(hours=draw(st.sampled_from([2.0, -1.0, 0.0]) | st.integers(0, 96)))
    for _ in range(count):
        times.append(at.astimezone(draw(st.sampled_from(_ZONES))))
        at += draw(_gap())
    return times


def _modes(draw: st.DrawFn, completeness: str, count: int) -> list[str]:
    if completeness != "partial":
        return [completeness] * count
    return _split(draw, "partial", count)


@st.composite
def _course_dicts(draw: st.DrawFn, completeness: str, max_size: int) -> Record:
    zone = draw(st.sampled_from(_ZONES))
    minutes = draw(st.integers(0, 3 * 365 * 24 * 60))
    infusion = (
        datetime(2023, 1, 1, 8, 0, tzinfo=timezone.utc) + timedelta(minutes=minutes)
    ).astimezone(zone)
    n_crs = draw(st.integers(1 if completeness == "partial" else 0, max_size))
    n_icans = draw(st.integers(0, max_size))
    n_sledai = draw(st.integers(0, min(max_size, 3)))
    # For a partial course, the unknown sits in a CRS assessment or in the death's attribution.
    unknown_in_death = completeness == "partial" and draw(st.booleans())
    crs_mode = "complete" if unknown_in_death else completeness
    record: Record = {
        "patient_id": draw(st.sampled_from(["P001", "B-17"]) | st.text(min_size=1, max_size=12))
    }
    record["infusion_at"] = infusion
    if draw(st.booleans()):
        record["product"] = draw(st.sampled_from(["CD19", "BCMA"]))
    crs_times = draw(_times(infusion, n_crs))
    record["crs_assessments"] = [
        {"at": at, "assessment": draw(_crs_dicts(mode, in_course=True))}
        for at, mode in zip(crs_times, _modes(draw, crs_mode, n_crs), strict=True)
    ]
    icans_mode = "any" if completeness == "any" else "complete"
    icans_times = draw(_times(infusion, n_icans))
    record["icans_assessments"] = [
        {"at": at, "assessment": draw(_icans_dicts(icans_mode, in_course=True))}
        for at in icans_times
    ]
    treatment_times = draw(_times(infusion, draw(st.integers(0, 3))))
    record["treatments"] = [
        {"at": at, "therapy": draw(st.sampled_from(list(Therapy))).value} for at in treatment_times
    ]
    day = infusion.date() - timedelta(days=draw(st.integers(0, 30)))
    visits = []
    for number in range(n_sledai):
        visit = draw(_sledai_dicts("complete" if completeness != "any" else "any", day, 4))
        entry: Record = {"label": "baseline" if number == 0 else f"month {number}", "visit": visit}
        if draw(st.booleans()):
            entry["pga"] = draw(_PGA)
            entry["prednisolone_mg_day"] = draw(_edged([5.0, 7.5], 0, 40))
        visits.append(entry)
        day += timedelta(days=draw(st.sampled_from([28, 1, 90]) | st.integers(1, 200)))
    record["sledai_visits"] = visits
    if draw(st.booleans()):
        last = max(
            [infusion, *crs_times, *icans_times, *treatment_times]
            + [
                datetime.combine(date.fromisoformat(v["visit"]["visit_date"]), time(), timezone.utc)
                + timedelta(days=2)
                for v in visits
            ],
            key=lambda at: at.astimezone(timezone.utc),
        )
        at = (last + draw(_gap())).astimezone(draw(st.sampled_from(_ZONES)))
        flags = st.sampled_from([False, True])
        death: Record = {"at": at, "due_to_crs": draw(flags), "due_to_icans": draw(flags)}
        if unknown_in_death:
            death[draw(st.sampled_from(["due_to_crs", "due_to_icans"]))] = None
        record["death"] = death
    elif unknown_in_death and record["crs_assessments"]:  # no death: the unknown goes here
        record["crs_assessments"][0]["assessment"] = draw(_crs_dicts("partial", in_course=True))
    return record


def courses(*, completeness: Completeness = "any", max_size: int = 4) -> st.SearchStrategy[Course]:
    """Patient courses: assessments, treatments, SLEDAI-2K visits and sometimes death.

    Timestamps increase and carry a time zone (several zones in one course); the CRS and ICANS
    assessments are drawn as by :func:`crs_assessments` and :func:`icans_assessments`.

    Gaps between assessments lean on the 24-hour episode resolution period (D20: 24 h and one
    minute either side); death comes after every other event. Assessments in a course never set
    the fever waiver (the course derives it, D1) or death (recorded once). Shrinks towards a
    course with no assessment.

    Args:
        completeness: ``"complete"``: every assessment complete and death's attribution known;
            ``"partial"``: at least one unknown (in a CRS assessment or death's attribution);
            ``"any"``: both.
        max_size: the most CRS and the most ICANS assessments (at most 3 SLEDAI-2K visits).

    Example:
        >>> from hypothesis import given, settings
        >>> from astct_grading.course.grading import grade_course
        >>> @settings(max_examples=10, deadline=None)
        ... @given(courses(completeness="complete", max_size=3))
        ... def test_every_assessment_is_graded(course):
        ...     result = grade_course(course)
        ...     assert len(result.crs) == len(course.crs_assessments)
        >>> test_every_assessment_is_graded()
    """
    _check_completeness(completeness)
    if not 0 <= max_size <= 50:
        raise InvalidArgument(f"max_size must be 0-50, not {max_size!r}")
    if completeness == "partial" and max_size < 1:
        raise InvalidArgument("a partial course needs max_size >= 1")
    return _models(_course_dicts(completeness, max_size), Course)


# --- Records: JSON-compatible dicts, valid or invalid ----------------------------------------


def _jsonable(value: Any) -> Any:
    """The record as JSON would carry it: times as ISO 8601 strings, tuples as lists."""
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


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
        >>> from astct_grading.icans.grading import IcansAssessment
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
