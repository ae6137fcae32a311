"""Cytokine release syndrome: the input models and ``grade_crs`` (ASTCT 2019).

The rules are read from :mod:`astct_grading.criteria.crs`; the product decisions they follow
are D1-D6 and D13-D15 (docs/decisions.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, product
from operator import attrgetter, itemgetter
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import (
    AfterValidator,
    Field,
    GetJsonSchemaHandler,
    TypeAdapter,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError

from astct_grading.core.bounds import Level
from astct_grading.core.results import Finding, GradeResult, _new_finding, _new_grade_result
from astct_grading.core.validation import (
    AgeYears,
    FiniteFloat,
    Fio2,
    Flag,
    FlowLMin,
    InputModel,
    Temperature,
    TemperatureUnit,
    _Finite,
    _within,
    describe,
    quantize,
    to_celsius,
)
from astct_grading.criteria.astct import DEATH_GRADE
from astct_grading.criteria.crs import (
    CRITERIA_VERSION,
    FEVER_MIN_C,
    FEVER_ONLY_GRADE,
    HIGH_FLOW_GRADE,
    HYPOTENSION_NO_VASOPRESSOR_GRADE,
    INOTROPES,
    LOW_FLOW_GRADE,
    LOW_FLOW_MAX_L_MIN,
    MULTIPLE_VASOPRESSOR_GRADE,
    OXYGEN_DEVICES,
    POSITIVE_PRESSURE_GRADE,
    SINGLE_VASOPRESSOR_GRADE,
    VASOPRESSOR_SYNONYMS,
    OxygenDevice,
    VasopressorAgent,
    systolic_threshold_mmhg,
)
from astct_grading.errors import AstctGradingError

__all__ = [
    "CrsAssessment",
    "CrsOptions",
    "OxygenSupport",
    "Vasopressor",
    "grade_crs",
    "vasopressor_grade",
]


class OxygenSupport(InputModel):
    """The oxygen support a patient needs (D4).

    Example:
        >>> OxygenSupport(device="nasal_cannula", flow_l_min=4).device.value
        'nasal_cannula'
    """

    device: OxygenDevice
    """The device: room air, blow-by, a nasal cannula (plain, low-flow or high-flow), a mask,
    or positive pressure."""
    flow_l_min: FlowLMin | None = None
    """Oxygen flow in L/min (0-80). For a nasal cannula the flow decides low (≤ 6) versus high
    (> 6) flow, whatever the label (D4)."""
    fio2: Fio2 | None = None
    """Fraction of inspired oxygen, 0.21-1.0; recorded only, never changes the grade (D4)."""

    @model_validator(mode="after")
    def _room_air_takes_no_setting(self) -> OxygenSupport:
        if self.device is OxygenDevice.ROOM_AIR and (
            (self.flow_l_min is not None and self.flow_l_min > 0)
            or (self.fio2 is not None and self.fio2 != 0.21)
        ):
            raise PydanticCustomError(
                "flow_not_applicable",
                "room air takes no oxygen flow and no FiO2 above 0.21; record the device used",
            )
        return self


#: The agent names validation accepts (the enum's values and the exact synonyms, D3).
_AGENT_SCHEMA: JsonSchemaValue = {
    "type": "string",
    "enum": [*(agent.value for agent in VasopressorAgent), *VASOPRESSOR_SYNONYMS],
}


class Vasopressor(InputModel):
    """One vasopressor agent given for hypotension (D3). A bare agent name is accepted too.

    Doses may be carried for the record; ASTCT 2019 counts agents and never reads a dose.

    Example:
        >>> Vasopressor.model_validate("noradrenaline").agent.value
        'norepinephrine'
    """

    agent: Annotated[VasopressorAgent, WithJsonSchema(_AGENT_SCHEMA)]
    """The agent. ``noradrenaline`` and ``adrenaline`` are accepted as synonyms (exactly as
    written here: names are not case-folded); inotropes (dobutamine, milrinone...) are
    rejected."""
    dose: FiniteFloat | None = Field(default=None, ge=0)
    """The dose, for the record only."""
    dose_unit: str | None = Field(default=None, min_length=1, max_length=32)
    """The dose's unit, for the record only (e.g. ``mcg/kg/min``)."""

    @model_validator(mode="before")
    @classmethod
    def _bare_name(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"agent": data}
        return data

    @field_validator("agent", mode="before")
    @classmethod
    def _known_agent(cls, value: Any) -> Any:
        if isinstance(value, str):
            name = value.strip().lower()
            if name in INOTROPES:
                raise PydanticCustomError(
                    "inotrope_not_vasopressor",
                    "{agent} is an inotrope, not a vasopressor; ASTCT 2019 counts vasopressors "
                    "only (D3)",
                    {"agent": value},
                )
            if value in VASOPRESSOR_SYNONYMS:
                return VASOPRESSOR_SYNONYMS[value]
        return value

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        # The schema says what validation accepts: the object, or the bare agent name.
        schema = handler.resolve_ref_schema(handler(core_schema))
        return {"anyOf": [dict(schema), _AGENT_SCHEMA]}


@dataclass(frozen=True, slots=True)
class CrsOptions:
    """Named alternatives to the default readings (docs/decisions.md).

    Attributes:
        unlabelled_cannula_without_flow: how a nasal cannula with no high-flow label and no flow
            grades. ``"low_flow"`` (default, D4): grade 2. ``"unknown"``: the flow could be either
            side of 6 L/min, so the hypoxia grade is the range 2-3 (the strict D13 reading).
    """

    unlabelled_cannula_without_flow: Literal["low_flow", "unknown"] = "low_flow"


DEFAULT_OPTIONS = CrsOptions()


#: Systolic pressure in mmHg, 20-300 (D5, D15); the bounds are checked as ``AgeYears``'s are.
SystolicMmhg = Annotated[
    _Finite,
    AfterValidator(_within(20, 300)),
    WithJsonSchema({"type": "number", "minimum": 20, "maximum": 300}),
]


class CrsAssessment(InputModel):
    """One CRS assessment: what was observed at one time.

    Every clinical input is optional and a missing one means "not assessed" (D13): it is never
    read as normal. ``*_other_cause`` inputs default to False (no other cause recorded); set them
    to None when it is unknown whether a finding has another cause.

    Example:
        >>> a = CrsAssessment(
        ...     temperature={"value": 38.4, "unit": "C"},
        ...     hypotension=True,
        ...     vasopressors=["norepinephrine"],
        ...     oxygen={"device": "room_air"},
        ... )
        >>> grade_crs(a).grade
        3
    """

    temperature: Temperature | None = None
    """The highest temperature at this assessment, in °C or °F (D14)."""
    fever: Flag | None = None
    """An explicit fever finding (≥ 38.0 °C), for records without a temperature. If both are
    given they must agree."""
    fever_other_cause: Flag | None = False
    """The fever is attributable to another cause (e.g. infection); it then does not count (D2)."""
    fever_waiver: Flag | None = None
    """CRS was established by fever and antipyretic or anti-cytokine therapy has since been given,
    so fever is no longer required (D1). None: not known."""
    hypotension: Flag | None = None
    """CRS hypotension needing at least fluid support is present (D5). False means no
    hypotension needing any support, vasopressors included."""
    systolic_bp_mmhg: SystolicMmhg | None = None
    """Systolic pressure, mmHg; with ``age_years`` it derives ``hypotension`` when that is not
    given (PALS thresholds, D5)."""
    age_years: AgeYears | None = None
    """Age in decimal years, for the systolic-pressure helper (D5)."""
    vasopressors: tuple[Vasopressor, ...] | None = None
    """The vasopressors given for hypotension; an empty list means none (D3)."""
    hypotension_other_cause: Flag | None = False
    """The hypotension is attributable to another cause (e.g. sepsis); it then does not count."""
    oxygen: OxygenSupport | None = None
    """The oxygen support needed (D4)."""
    hypoxia_other_cause: Flag | None = False
    """The oxygen need is attributable to another cause (e.g. pneumonia, home oxygen)."""
    death_due_to_crs: Flag | None = False
    """The patient died and CRS was the principal cause (grade 5, D6)."""

    @model_validator(mode="after")
    def _consistent(self) -> CrsAssessment:
        if (
            self.fever is not None
            and self.temperature is not None
            and self.fever != (self.temperature.celsius >= FEVER_MIN_C)
        ):
            raise PydanticCustomError(
                "fever_conflict",
                "fever={fever} contradicts the temperature {temperature} (fever is ≥ 38.0 °C)",
                {"fever": "true" if self.fever else "false", "temperature": str(self.temperature)},
            )
        if self.hypotension is False and self.vasopressors:
            raise PydanticCustomError(
                "hypotension_conflict",
                "hypotension is recorded absent while vasopressors are given",
            )
        if self.systolic_bp_mmhg is not None and self.age_years is None:
            raise PydanticCustomError(
                "systolic_needs_age",
                "systolic_bp_mmhg needs age_years: the hypotension threshold depends on age (D5)",
            )
        return self


_ADAPTER: TypeAdapter[CrsAssessment] = TypeAdapter(CrsAssessment)


def vasopressor_grade(agents: Sequence[VasopressorAgent]) -> int:
    """The hypotension grade implied by the vasopressors given (D3).

    Distinct agents are counted; vasopressin never counts towards "multiple".

    Args:
        agents: the agents given (repeats allowed).

    Returns:
        0 for none, 3 for one vasopressor with or without vasopressin (vasopressin alone is one),
        4 for two or more distinct agents other than vasopressin.

    Example:
        >>> V = VasopressorAgent
        >>> vasopressor_grade([V.VASOPRESSIN]), vasopressor_grade([V.VASOPRESSIN, V.DOPAMINE])
        (3, 3)
        >>> vasopressor_grade([V.NOREPINEPHRINE, V.NOREPINEPHRINE, V.PHENYLEPHRINE])
        4
    """
    if not agents:
        return 0
    others = {agent for agent in agents if agent is not VasopressorAgent.VASOPRESSIN}
    if len(others) >= 2:
        return MULTIPLE_VASOPRESSOR_GRADE
    return SINGLE_VASOPRESSOR_GRADE


# --- The grade and its bounds (D13) ----------------------------------------------------------


def _grade_at(fever_counts: int, waiver: int, support: int, death: int) -> int:
    """The CRS grade at one completion of the unknown inputs; non-decreasing in every argument.

    Args:
        fever_counts: 1 when fever (≥ 38.0 °C) is present and not attributable to another cause
            (D1, D2).
        waiver: 1 when the post-treatment waiver applies (D1).
        support: the worse of the hypotension and hypoxia grades, each counted only when not
            attributable to another cause (D2-D5).
        death: 1 when death is principally due to CRS (D6).
    """
    if death:
        return DEATH_GRADE
    if fever_counts:
        return max(FEVER_ONLY_GRADE, support)
    if waiver:
        return support
    return 0


def _rises(top: int, floor: int, fever_counts: Level, waiver: Level) -> bool:
    """Whether a domain grade of ``top`` can raise the grade above one of ``floor``.

    It can when fever may count and ``top`` exceeds both ``floor`` and fever's own grade, or when
    fever may not count, the waiver may apply, and ``top`` exceeds ``floor`` (D1).
    """
    return bool(
        (fever_counts[1] and top > max(FEVER_ONLY_GRADE, floor))
        or (not fever_counts[0] and waiver[1] and top > floor)
    )


def _open_inputs(
    fever: Level,
    fever_own: Level,
    waiver: Level,
    hypo: Level,
    hypo_own: Level,
    oxy: Level,
    oxy_own: Level,
    death: Level,
) -> tuple[int, ...]:
    """The positions of the open levels that can change the grade, when the grade is open.

    This is the third value of ``_bounds.grade_bounds`` over the grade at one completion
    (``_grade_at``), read directly from the levels instead of trying every combination of their
    ends; tests/test_crs_fastpath.py checks the two agree on every pattern of levels. Positions,
    in order: fever present, fever not attributed, waiver, hypotension grade, hypotension not
    attributed, hypoxia grade, hypoxia not attributed, death due to CRS. An open grade is below 5
    at its lower end, so death can be taken as absent while the others are tried.
    """
    counts = (fever[0] * fever_own[0], fever[1] * fever_own[1])
    hypo_low = hypo[0] * hypo_own[0]
    oxy_low = oxy[0] * oxy_own[0]
    open_: list[int] = []
    # Fever that counts gives at least 1 and the support; fever that does not gives the support
    # under the waiver, else 0 (D1): the two differ unless the waiver surely applies and the
    # support is surely positive.
    fever_decides = not waiver[0] or not max(hypo_low, oxy_low)
    if fever[0] != fever[1] and fever_own[1] and fever_decides:
        open_.append(0)
    if fever_own[0] != fever_own[1] and fever[1] and fever_decides:
        open_.append(1)
    # The waiver decides between the support and 0 when fever may not count (D1).
    support_high = max(hypo[1] * hypo_own[1], oxy[1] * oxy_own[1])
    if waiver[0] != waiver[1] and not counts[0] and support_high:
        open_.append(2)
    # Hypotension and hypoxia: the worse counts (D2-D5); each shows above the other's lowest.
    if hypo[0] != hypo[1] and hypo_own[1] and _rises(hypo[1], oxy_low, counts, waiver):
        open_.append(3)
    if hypo_own[0] != hypo_own[1] and _rises(hypo[1], oxy_low, counts, waiver):
        open_.append(4)
    if oxy[0] != oxy[1] and oxy_own[1] and _rises(oxy[1], hypo_low, counts, waiver):
        open_.append(5)
    if oxy_own[0] != oxy_own[1] and _rises(oxy[1], hypo_low, counts, waiver):
        open_.append(6)
    # Death due to CRS is grade 5, above any other grade (D6).
    if death[0] != death[1]:
        open_.append(7)
    return tuple(open_)


# A yes/no input as a level range; None (unknown) spans both.
_FLAG: dict[bool | None, Level] = {None: (0, 1), True: (1, 1), False: (0, 0)}
# "Not attributable to another cause" as a level: 1 counts towards CRS (D2).
_OWN: dict[bool | None, Level] = {None: (0, 1), True: (0, 0), False: (1, 1)}

# The decisions (docs/decisions.md) a result can cite, in the order it cites them, as bits.
_DECISION_IDS = ("D1", "D2", "D3", "D4", "D5", "D6", "D13", "D14")
_D1, _D2, _D3, _D4, _D5, _D6, _D13, _D14 = (1 << bit for bit in range(len(_DECISION_IDS)))
#: Every set of decisions as the tuple a result cites, by its bits; built once.
_DECISIONS = tuple(
    tuple(name for bit, name in enumerate(_DECISION_IDS) if mask >> bit & 1)
    for mask in range(1 << len(_DECISION_IDS))
)


# --- The domains -------------------------------------------------------------------------------


class _Domain(NamedTuple):
    """What one domain gives the grade.

    A domain's analysis depends only on its own inputs, so it is computed once per pattern of them
    and kept (findings are frozen, so results share them); docs/performance.md.
    """

    finding: Finding
    level: Level
    """Fever present (0/1), or the hypotension or hypoxia grade, before attribution."""
    own: Level
    """Not attributable to another cause (D2): 1 counts towards CRS."""
    counts: Level
    """``level`` x ``own``: fever counting towards CRS, or the grade the domain contributes."""
    decisions: int
    """The bits of the decisions the domain's inputs apply."""
    missing: tuple[str, ...] = ()
    """The inputs not given that leave ``level`` open (hypotension only; see _LEVEL_FIELDS)."""


def _present(level: Level) -> bool | None:
    """Whether a domain's finding is present, from its grade range (None when open)."""
    if level[0] > 0:
        return True
    return False if level[1] == 0 else None


def _attributed(detail: str, other_cause: bool | None) -> str:
    if other_cause:
        return f"{detail}, attributed to another cause"
    if other_cause is None:
        return f"{detail}, attribution not known"
    return detail


def _domain(
    name: str,
    assessed: bool,
    level: Level,
    other_cause: bool | None,
    detail: str,
    decisions: int,
    missing: tuple[str, ...] = (),
    points: int = 1,
) -> _Domain:
    """A domain's analysis; ``points`` is the grade one level is worth (fever: FEVER_ONLY_GRADE)."""
    own = _OWN[other_cause]
    counts = (level[0] * own[0], level[1] * own[1])
    if other_cause is not False:  # attributed to another cause, or not known whether it is (D2)
        decisions |= _D2
    finding = _new_finding(
        name,
        assessed,
        _present(level),
        other_cause,
        points * counts[0],
        points * counts[1],
        _attributed(detail, other_cause),
    )
    return _Domain(finding, level, own, counts, decisions, missing)


def _fever_domain(
    assessed: bool, level: Level, other_cause: bool | None, detail: str, decisions: int
) -> _Domain:
    domain = _domain("fever", assessed, level, other_cause, detail, decisions, (), FEVER_ONLY_GRADE)
    if domain.counts[0]:
        return domain
    # Fever does not surely count: the entry rule and the waiver decide (D1).
    return domain._replace(decisions=domain.decisions | _D1)


def _fever_reading(value: float, unit: TemperatureUnit) -> tuple[bool, str]:
    """(fever present, detail) from a temperature reading."""
    celsius = to_celsius(value, unit)
    present = celsius >= FEVER_MIN_C  # "≥ 38 °C", inclusive, at 0.01 °C (D1, D14)
    word = "fever" if present else "no fever"
    if unit is TemperatureUnit.CELSIUS:
        return present, f"{word} ({value:g} °C)"
    return present, f"{word} ({value:g} °F = {celsius:g} °C)"


@lru_cache(maxsize=1024)
def _measured_fever(value: float, unit: TemperatureUnit, other_cause: bool | None) -> _Domain:
    """The fever domain from a temperature (D1, D14); the explicit ``fever`` then agrees."""
    present, detail = _fever_reading(value, unit)
    return _fever_domain(True, _FLAG[present], other_cause, detail, _D14)


def _recorded_fever_detail(fever: bool | None) -> str:
    if fever is None:
        return "temperature not assessed"
    return "fever recorded" if fever else "no fever recorded"


#: The fever domain without a temperature, by the explicit ``fever`` and its attribution
#: (built by _build_tables, at import).
_RECORDED_FEVER: dict[tuple[bool | None, bool | None], _Domain]


def _hypotension(
    hypotension: bool | None,
    systolic: float | None,
    age: float | None,
    agents: tuple[VasopressorAgent, ...] | None,
) -> tuple[Level, str, tuple[str, ...], bool]:
    """(grade range, detail, missing fields, derived from systolic pressure).

    ``agents`` are the vasopressors given (empty: none), None when not assessed.
    """
    present = hypotension
    derived = False
    detail_bp = ""
    if present is None and systolic is not None and age is not None:
        threshold = systolic_threshold_mmhg(age)
        present = systolic < threshold
        derived = True
        relation = "<" if present else "≥"
        detail_bp = (
            f"systolic {describe(systolic)} {relation} {describe(threshold)} mmHg "
            f"at age {describe(age)} y (PALS, D5)"
        )
    if agents:
        grade = vasopressor_grade(agents)
        names = ", ".join(dict.fromkeys(agent.value for agent in agents))
        return (grade, grade), f"hypotension on vasopressors ({names})", (), derived
    if hypotension is False:
        # The clinician's "no hypotension" means none needing any support, vasopressors included.
        return (0, 0), "no hypotension", (), derived
    pressor_hi = MULTIPLE_VASOPRESSOR_GRADE if agents is None else 0
    if present is False:
        # A normal systolic pressure may be held up by vasopressors: only their absence settles it.
        if agents is None:
            return (
                (0, pressor_hi),
                f"{detail_bp}, vasopressors not assessed",
                ("vasopressors",),
                (derived),
            )
        return (0, 0), detail_bp, (), derived
    if present is True:
        lo = HYPOTENSION_NO_VASOPRESSOR_GRADE
        hi = max(lo, pressor_hi)
        base = detail_bp or "hypotension"
        if agents is None:
            return (lo, hi), f"{base}, vasopressors not assessed", ("vasopressors",), derived
        return (lo, hi), f"{base} without vasopressors", (), derived
    hi = max(HYPOTENSION_NO_VASOPRESSOR_GRADE, pressor_hi)
    missing = ("hypotension",) if agents is not None else ("hypotension", "vasopressors")
    return (0, hi), "hypotension not assessed", missing, derived


@lru_cache(maxsize=1024)
def _hypotension_domain(
    hypotension: bool | None,
    systolic: float | None,
    age: float | None,
    agents: tuple[VasopressorAgent, ...] | None,
    other_cause: bool | None,
) -> _Domain:
    """The hypotension domain (D3, D5); ``systolic`` and ``age`` only when they derive it."""
    level, detail, missing, derived = _hypotension(hypotension, systolic, age, agents)
    decisions = (_D3 if agents else 0) | (_D5 if derived else 0)
    return _domain("hypotension", not missing, level, other_cause, detail, decisions, missing)


def _hypoxia(
    device: OxygenDevice, flow: float | None, unlabelled_cannula_without_flow: str
) -> tuple[Level, str]:
    """(grade range, detail) of the oxygen support given."""
    rule = OXYGEN_DEVICES[device]
    name = describe(device).replace("_", " ")
    if not rule.flow_decides:
        at = f" at {describe(flow)} L/min" if flow else ""
        return (rule.grade, rule.grade), f"{name}{at}"
    if flow is not None:
        low_flow = quantize(flow) <= LOW_FLOW_MAX_L_MIN
        grade = LOW_FLOW_GRADE if low_flow else HIGH_FLOW_GRADE
        kind = "low flow" if low_flow else "high flow"
        overrode = grade != rule.grade and device is not OxygenDevice.NASAL_CANNULA
        note = ", flow overrides the device label (D4)" if overrode else ""
        return (grade, grade), f"{name} at {describe(flow)} L/min ({kind}{note})"
    if device is OxygenDevice.NASAL_CANNULA and unlabelled_cannula_without_flow == "unknown":
        return (LOW_FLOW_GRADE, HIGH_FLOW_GRADE), f"{name}, flow not given"
    return (rule.grade, rule.grade), f"{name}, flow not given (graded by label, D4)"


@lru_cache(maxsize=1024)
def _hypoxia_domain(
    device: OxygenDevice,
    flow: float | None,
    other_cause: bool | None,
    unlabelled_cannula_without_flow: str,
) -> _Domain:
    """The hypoxia domain from the oxygen support given (D4)."""
    level, detail = _hypoxia(device, flow, unlabelled_cannula_without_flow)
    return _domain("hypoxia", True, level, other_cause, detail, _D4)


#: The hypoxia domain when the oxygen support was not assessed, by its attribution
#: (_build_tables).
_NO_OXYGEN: dict[bool | None, _Domain]

_DEATH_DETAIL: dict[bool | None, str] = {
    True: "death due to CRS",
    None: "cause of death not known",
    False: "no CRS death",
}
#: By ``death_due_to_crs``: the death finding, its level, its decision bits and its part of the
#: explanation (left out when death is recorded as not due to CRS) (_build_tables).
_DEATH: dict[bool | None, tuple[Finding, Level, int, str]]


def _death(death: bool | None) -> tuple[Finding, Level, int, str]:
    level = _FLAG[death]
    finding = _new_finding(
        "death",
        death is not None,
        death,
        None,
        DEATH_GRADE * level[0],  # death principally due to CRS: grade 5 (D6)
        DEATH_GRADE * level[1],
        _DEATH_DETAIL[death],
    )
    decisions = 0 if death is False else _D6
    return finding, level, decisions, "" if death is False else f"; {finding.detail}"


def _build_tables() -> None:
    """Build the tables this module computes with its own functions, and bind them.

    Called once, at import (below). As in icans.py, they are built in one function so that
    mutation testing can build them again with a mutant active, after emptying the kept analyses
    (``_measured_fever``, ``_hypotension_domain``, ``_hypoxia_domain``): mutmut switches a mutant
    on in a process that has already imported the module and graded (docs/mutation.md).
    """
    # Module globals by design: grade_crs looks them up at each call.
    global _RECORDED_FEVER, _NO_OXYGEN, _DEATH  # noqa: PLW0603
    _RECORDED_FEVER = {
        (fever, other_cause): _fever_domain(
            fever is not None, _FLAG[fever], other_cause, _recorded_fever_detail(fever), 0
        )
        for fever in (None, True, False)
        for other_cause in (None, True, False)
    }
    _NO_OXYGEN = {
        other_cause: _domain(
            "hypoxia",
            False,
            (0, POSITIVE_PRESSURE_GRADE),
            other_cause,
            "oxygen support not assessed",
            0,
        )
        for other_cause in (None, True, False)
    }
    _DEATH = {death: _death(death) for death in (True, None, False)}


_build_tables()


def _coerce(assessment: CrsAssessment | Mapping[str, Any]) -> CrsAssessment:
    if isinstance(assessment, CrsAssessment):
        return assessment
    if isinstance(assessment, Mapping):
        return _ADAPTER.validate_python(assessment)
    raise AstctGradingError(
        "input_type",
        f"grade_crs takes a CrsAssessment or a mapping, not {type(assessment).__name__}",
    )


# Every input of an assessment in one call, from the model's field values.
_inputs = itemgetter(
    "temperature",
    "fever",
    "fever_other_cause",
    "fever_waiver",
    "hypotension",
    "systolic_bp_mmhg",
    "age_years",
    "vasopressors",
    "hypotension_other_cause",
    "oxygen",
    "hypoxia_other_cause",
    "death_due_to_crs",
)
_agent = attrgetter("agent")


def grade_crs(
    assessment: CrsAssessment | Mapping[str, Any], *, options: CrsOptions = DEFAULT_OPTIONS
) -> GradeResult:
    """Grade one CRS assessment by the ASTCT 2019 consensus.

    CRS needs fever (≥ 38.0 °C, not attributable to another cause) unless the post-treatment waiver
    applies (D1); its grade is then the worse of hypotension (by the vasopressors needed, D3, D5)
    and hypoxia (by the oxygen device and flow, D4), each not attributable to another cause (D2).
    Death principally due to CRS is grade 5 (D6). Missing inputs give a range (D13).

    Args:
        assessment: a :class:`CrsAssessment`, or a mapping validated into one.
        options: named alternatives to the default readings.

    Returns:
        A frozen :class:`~astct_grading.core.results.GradeResult` with the grade or its range.

    Raises:
        pydantic.ValidationError: the mapping is not a valid assessment.
        AstctGradingError: ``assessment`` is neither a model nor a mapping.

    Example:
        >>> result = grade_crs({
        ...     "temperature": {"value": 100.4, "unit": "F"},
        ...     "hypotension": False,
        ...     "oxygen": {"device": "nasal_cannula", "flow_l_min": 6.0},
        ... })
        >>> result.grade, result.drivers
        (2, ('hypoxia',))
        >>> grade_crs({"temperature": {"value": 38.5, "unit": "C"}}).grade is None
        True
    """
    (
        temperature,
        fever_recorded,
        fever_other_cause,
        waiver_given,
        hypotension,
        systolic,
        age,
        vasopressors,
        hypotension_other_cause,
        oxygen,
        hypoxia_other_cause,
        death_given,
    ) = _inputs(_coerce(assessment).__dict__)
    # Each domain from its own inputs, kept per pattern. A zero age or flow is not kept: 0.0 and
    # -0.0 are the same key but read "0" and "-0".
    if temperature is not None:
        fever = _measured_fever(temperature.value, temperature.unit, fever_other_cause)
    else:
        fever = _RECORDED_FEVER[fever_recorded, fever_other_cause]
    agents = None if vasopressors is None else tuple(map(_agent, vasopressors))
    if hypotension is None and systolic is not None and age is not None:
        hypotension_domain = _hypotension_domain if age else _hypotension_domain.__wrapped__
        hypo = hypotension_domain(None, systolic, age, agents, hypotension_other_cause)
    else:
        hypo = _hypotension_domain(hypotension, None, None, agents, hypotension_other_cause)
    if oxygen is None:
        oxy = _NO_OXYGEN[hypoxia_other_cause]
    else:
        flow = oxygen.flow_l_min
        hypoxia_domain = _hypoxia_domain if flow or flow is None else _hypoxia_domain.__wrapped__
        oxy = hypoxia_domain(
            oxygen.device, flow, hypoxia_other_cause, options.unlabelled_cannula_without_flow
        )
    death_finding, death, death_decisions, death_part = _DEATH[death_given]
    waiver = _FLAG[waiver_given]

    # The grade is non-decreasing in every level, so its bounds are its values at the lower and at
    # the upper ends of the levels (D13).
    counts = fever.counts
    hypo_counts = hypo.counts
    oxy_counts = oxy.counts
    low = _grade_at(counts[0], waiver[0], max(hypo_counts[0], oxy_counts[0]), death[0])
    high = _grade_at(counts[1], waiver[1], max(hypo_counts[1], oxy_counts[1]), death[1])
    decisions = fever.decisions | hypo.decisions | oxy.decisions | death_decisions
    if low == high:
        missing: tuple[str, ...] = ()
    else:
        decisions |= _D13
        matters = _open_inputs(
            fever.level, fever.own, waiver, hypo.level, hypo.own, oxy.level, oxy.own, death
        )
        missing = _missing(matters, hypo.missing)
    fever_finding = fever.finding
    if low == 0:
        drivers: tuple[str, ...] = ()
    elif low == DEATH_GRADE:
        drivers = ("death",)
    else:  # fever counts or the waiver applies: the domains at the grade set it
        drivers = _DRIVERS[
            fever_finding.grade_min == low, hypo_counts[0] == low, oxy_counts[0] == low
        ]
    explanation = (
        f"{_GRADE_TEXT[low, high]}{fever_finding.detail}; {hypo.finding.detail}; "
        f"{oxy.finding.detail}{death_part}"
    )
    if not counts[1]:
        explanation += _NO_CRS_FEVER[waiver_given]
    if missing:
        explanation += "; open until given: " + ", ".join(missing)
    return _new_grade_result(
        "CRS",
        low,
        high,
        (fever_finding, hypo.finding, oxy.finding, death_finding),
        drivers,
        missing,
        _DECISIONS[decisions],
        CRITERIA_VERSION,
        explanation + ".",
    )


_LEVEL_FIELDS: tuple[tuple[str, ...], ...] = (
    ("temperature", "fever"),
    ("fever_other_cause",),
    ("fever_waiver",),
    (),  # hypotension: the fields come from _hypotension
    ("hypotension_other_cause",),
    ("oxygen",),
    ("hypoxia_other_cause",),
    ("death_due_to_crs",),
)


def _missing(matters: tuple[int, ...], hypo_missing: tuple[str, ...]) -> tuple[str, ...]:
    fields: list[str] = []
    for index in matters:
        fields.extend(hypo_missing if index == 3 else _LEVEL_FIELDS[index])
    return tuple(fields)


#: The drivers of a grade between 1 and 4, by whether fever, hypotension and hypoxia set it.
_DRIVERS: dict[tuple[bool, ...], tuple[str, ...]] = {
    flags: tuple(compress(("fever", "hypotension", "hypoxia"), flags))
    for flags in product((False, True), repeat=3)
}
#: The explanation's opening, by the grade's bounds.
_GRADE_TEXT = {
    (low, high): f"CRS grade {low}: "
    if low == high
    else f"CRS grade {low} to {high} (undetermined): "
    for low in range(DEATH_GRADE + 1)
    for high in range(low, DEATH_GRADE + 1)
}
#: Why fever that cannot count leaves the grade where it is, by ``fever_waiver`` (D1).
_NO_CRS_FEVER: dict[bool | None, str] = {
    True: "; no CRS fever, but fever is not required after CRS treatment (D1)",
    None: "; no CRS fever (the entry criterion), post-treatment waiver not known (D1)",
    False: "; no CRS fever (the entry criterion), no post-treatment waiver (D1)",
}
