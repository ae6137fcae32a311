"""Strategies for the CRS inputs (ASTCT 2019): oxygen support, vasopressors, assessments."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from astct_grading.core.validation import (
    Temperature,
)
from astct_grading.criteria.crs import (
    CTCAE_GRADE_MAX,
    CTCAE_GRADE_MIN,
    FEVER_MIN_C,
    LOW_FLOW_MAX_L_MIN,
    NEONATE_MAX_YEARS,
    OXYGEN_DEVICES,
    VASOPRESSOR_COUNT_MULTIPLE,
    VASOPRESSOR_SYNONYMS,
    OxygenDevice,
    VasopressorAgent,
    systolic_threshold_mmhg,
)
from astct_grading.crs.domains import vasopressor_level
from astct_grading.crs.grading import CrsAssessment, OxygenSupport, Vasopressor
from astct_grading.strategies._common import (
    _M,
    Completeness,
    Record,
    _check_completeness,
    _edged,
    _hundredths,
    _near,
    _temperature_dicts,
)

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


@st.composite
def _counted(
    draw: st.DrawFn, agents: list[VasopressorAgent], determined: bool, none_named: bool
) -> tuple[list[VasopressorAgent], Any]:
    """(agents named, vasopressor_count) for charts that count agents without naming them all.

    The count is the number of distinct agents (at most 6, the D3 agents), or ``"multiple"``
    for two or more; the agents named are a subset (none, some or all) of the distinct agents,
    so vasopressin may be among the unnamed (D3). Sometimes adds agents to reach the limit.
    With ``none_named`` no agent is named; with ``determined``, all are named when the count
    alone would leave the grade open.
    """
    distinct = list(dict.fromkeys(agents))
    if draw(st.booleans()) and distinct:
        extra = [agent for agent in _AGENTS if agent not in distinct]
        more: list[VasopressorAgent] = draw(
            st.lists(st.sampled_from(extra), unique=True, max_size=len(extra))
        )
        distinct += more
    named = [] if none_named else [agent for agent in distinct if draw(st.booleans())]
    count: Any = len(distinct)
    if count >= 2 and draw(st.booleans()):
        count = VASOPRESSOR_COUNT_MULTIPLE
    if determined and len(vasopressor_level(tuple(named), count)) > 1:
        named, count = distinct, len(distinct)
    return named, count


#: Organs (CTCAE v5.0 terms as charts name them) with a CTCAE grade 1-5, on the ends of the range.
_organ_toxicities = st.dictionaries(
    st.sampled_from(["hepatic", "renal", "cardiac", "pulmonary", "coagulation", "neurological"]),
    st.sampled_from([CTCAE_GRADE_MIN, CTCAE_GRADE_MAX])
    | st.integers(CTCAE_GRADE_MIN, CTCAE_GRADE_MAX),
    min_size=1,
    max_size=3,
)


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
    form = draw(st.sampled_from(["named", "named", "counted", "counted_not_named"]))
    if form == "named":
        record["vasopressors"] = [draw(_vasopressor_entries(agent)) for agent in agents]
    else:  # a count of agents, some or none of them named (D3)
        named, record["vasopressor_count"] = draw(
            _counted(agents, completeness == "complete", form == "counted_not_named")
        )
        if named:
            record["vasopressors"] = [draw(_vasopressor_entries(agent)) for agent in named]
    record["hypotension_other_cause"] = draw(_CAUSES)
    record["oxygen"] = draw(_oxygen_dicts())
    record["hypoxia_other_cause"] = draw(_CAUSES)
    if not in_course:  # a course records death once (Death)
        record["death_due_to_crs"] = draw(st.sampled_from([False, False, True]))
    if draw(st.integers(0, 3)) == 0:  # recorded by older scales, never graded (D2)
        record["organ_toxicity"] = draw(_organ_toxicities)

    slots = [s for s in _CRS_SLOTS if s in record or s in {"temperature", "vasopressors"}]
    for slot in _slots_to_blank(draw, slots, completeness):
        if slot == "temperature":
            record.pop("temperature", None)
            record.pop("fever", None)
        elif slot == "hypotension":
            for key in ("hypotension", "age_years", "systolic_bp_mmhg"):
                record.pop(key, None)
        elif slot == "vasopressors":  # the agents and their count together
            record.pop("vasopressor_count", None)
            _blank(record, slot, draw)
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
    rules (vasopressin alone, with one other agent, an agent twice, two agents), or a
    ``vasopressor_count`` (0-6 or ``"multiple"``) with none, some or all of the agents named, so
    that vasopressin may be among the agents not named; hypotension is
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
