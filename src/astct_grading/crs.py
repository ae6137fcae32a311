"""Cytokine release syndrome: the input models and ``grade_crs`` (ASTCT 2019).

The rules are read from :mod:`astct_grading.criteria.astct2019`; the product decisions they follow
are D1-D6 and D13-D15 (docs/decisions.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, TypeAdapter, field_validator, model_validator
from pydantic_core import PydanticCustomError

from astct_grading._bounds import Level, grade_bounds
from astct_grading._validation import (
    AgeYears,
    FiniteFloat,
    Fio2,
    FlowLMin,
    InputModel,
    Temperature,
    TemperatureUnit,
    describe,
    quantize,
    to_celsius,
)
from astct_grading.criteria.astct2019 import (
    CRITERIA_VERSION,
    DEATH_GRADE,
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
from astct_grading.results import Finding, GradeResult

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


class Vasopressor(InputModel):
    """One vasopressor agent given for hypotension (D3). A bare agent name is accepted too.

    Doses may be carried for the record; ASTCT 2019 counts agents and never reads a dose.

    Example:
        >>> Vasopressor.model_validate("noradrenaline").agent.value
        'norepinephrine'
    """

    agent: VasopressorAgent
    """The agent. ``noradrenaline`` and ``adrenaline`` are accepted as synonyms; inotropes
    (dobutamine, milrinone...) are rejected."""
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
            if name in VASOPRESSOR_SYNONYMS:
                return VASOPRESSOR_SYNONYMS[name]
        return value


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
    fever: bool | None = None
    """An explicit fever finding (≥ 38.0 °C), for records without a temperature. If both are
    given they must agree."""
    fever_other_cause: bool | None = False
    """The fever is attributable to another cause (e.g. infection); it then does not count (D2)."""
    fever_waiver: bool | None = None
    """CRS was established by fever and antipyretic or anti-cytokine therapy has since been given,
    so fever is no longer required (D1). None: not known."""
    hypotension: bool | None = None
    """CRS hypotension needing at least fluid support is present (D5). False means no
    hypotension needing any support, vasopressors included."""
    systolic_bp_mmhg: FiniteFloat | None = Field(default=None, ge=20, le=300)
    """Systolic pressure, mmHg; with ``age_years`` it derives ``hypotension`` when that is not
    given (PALS thresholds, D5)."""
    age_years: AgeYears | None = None
    """Age in decimal years, for the systolic-pressure helper (D5)."""
    vasopressors: tuple[Vasopressor, ...] | None = None
    """The vasopressors given for hypotension; an empty list means none (D3)."""
    hypotension_other_cause: bool | None = False
    """The hypotension is attributable to another cause (e.g. sepsis); it then does not count."""
    oxygen: OxygenSupport | None = None
    """The oxygen support needed (D4)."""
    hypoxia_other_cause: bool | None = False
    """The oxygen need is attributable to another cause (e.g. pneumonia, home oxygen)."""
    death_due_to_crs: bool | None = False
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


def _grade(levels: Sequence[int]) -> int:
    """The CRS grade at one completion: monotone in every level (see _bounds).

    Levels, in order: fever present, fever not attributed, waiver, hypotension grade,
    hypotension not attributed, hypoxia grade, hypoxia not attributed, death due to CRS.
    """
    fever, fever_own, waiver, hypo, hypo_own, oxy, oxy_own, death = levels
    if death:
        return DEATH_GRADE
    support = max(hypo * hypo_own, oxy * oxy_own)
    if fever and fever_own:
        return max(FEVER_ONLY_GRADE, support)
    if waiver:
        return support
    return 0


# A yes/no input as a level range; None (unknown) spans both.
_FLAG: dict[bool | None, Level] = {None: (0, 1), True: (1, 1), False: (0, 0)}
# "Not attributable to another cause" as a level: 1 counts towards CRS (D2).
_OWN: dict[bool | None, Level] = {None: (0, 1), True: (0, 0), False: (1, 1)}


def _fever(a: CrsAssessment) -> tuple[Level, str]:
    reading = a.temperature
    if reading is not None:
        celsius = to_celsius(reading.value, reading.unit)
        present = celsius >= FEVER_MIN_C  # "≥ 38 °C", inclusive, at 0.01 °C (D1, D14)
        word = "fever" if present else "no fever"
        if reading.unit is TemperatureUnit.CELSIUS:
            return _FLAG[present], f"{word} ({reading.value:g} °C)"
        return _FLAG[present], f"{word} ({reading.value:g} °F = {celsius:g} °C)"
    if a.fever is not None:
        return _FLAG[a.fever], "fever recorded" if a.fever else "no fever recorded"
    return (0, 1), "temperature not assessed"


def _hypotension(a: CrsAssessment) -> tuple[Level, str, tuple[str, ...], bool]:
    """(grade range, detail, missing fields, derived from systolic pressure)."""
    present = a.hypotension
    derived = False
    detail_bp = ""
    if present is None and a.systolic_bp_mmhg is not None and a.age_years is not None:
        threshold = systolic_threshold_mmhg(a.age_years)
        present = a.systolic_bp_mmhg < threshold
        derived = True
        relation = "<" if present else "≥"
        detail_bp = (
            f"systolic {describe(a.systolic_bp_mmhg)} {relation} {describe(threshold)} mmHg "
            f"at age {describe(a.age_years)} y (PALS, D5)"
        )
    if a.vasopressors:
        agents = [v.agent for v in a.vasopressors]
        grade = vasopressor_grade(agents)
        names = ", ".join(dict.fromkeys(agent.value for agent in agents))
        return (grade, grade), f"hypotension on vasopressors ({names})", (), derived
    if a.hypotension is False:
        # The clinician's "no hypotension" means none needing any support, vasopressors included.
        return (0, 0), "no hypotension", (), derived
    pressor_hi = MULTIPLE_VASOPRESSOR_GRADE if a.vasopressors is None else 0
    if present is False:
        # A normal systolic pressure may be held up by vasopressors: only their absence settles it.
        if a.vasopressors is None:
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
        if a.vasopressors is None:
            return (lo, hi), f"{base}, vasopressors not assessed", ("vasopressors",), derived
        return (lo, hi), f"{base} without vasopressors", (), derived
    hi = max(HYPOTENSION_NO_VASOPRESSOR_GRADE, pressor_hi)
    missing = ("hypotension",) if a.vasopressors is not None else ("hypotension", "vasopressors")
    return (0, hi), "hypotension not assessed", missing, derived


def _hypoxia(a: CrsAssessment, options: CrsOptions) -> tuple[Level, str]:
    """(grade range, detail)."""
    support = a.oxygen
    if support is None:
        return (0, POSITIVE_PRESSURE_GRADE), "oxygen support not assessed"
    rule = OXYGEN_DEVICES[support.device]
    device = describe(support.device).replace("_", " ")
    if not rule.flow_decides:
        flow = f" at {describe(support.flow_l_min)} L/min" if support.flow_l_min else ""
        return (rule.grade, rule.grade), f"{device}{flow}"
    if support.flow_l_min is not None:
        low_flow = quantize(support.flow_l_min) <= LOW_FLOW_MAX_L_MIN
        grade = LOW_FLOW_GRADE if low_flow else HIGH_FLOW_GRADE
        kind = "low flow" if low_flow else "high flow"
        overrode = grade != rule.grade and support.device is not OxygenDevice.NASAL_CANNULA
        note = ", flow overrides the device label (D4)" if overrode else ""
        return (grade, grade), f"{device} at {describe(support.flow_l_min)} L/min ({kind}{note})"
    if (
        support.device is OxygenDevice.NASAL_CANNULA
        and options.unlabelled_cannula_without_flow == "unknown"
    ):
        return (LOW_FLOW_GRADE, HIGH_FLOW_GRADE), f"{device}, flow not given"
    return (rule.grade, rule.grade), f"{device}, flow not given (graded by label, D4)"


def _coerce(assessment: CrsAssessment | Mapping[str, Any]) -> CrsAssessment:
    if isinstance(assessment, CrsAssessment):
        return assessment
    if isinstance(assessment, Mapping):
        return _ADAPTER.validate_python(assessment)
    raise AstctGradingError(
        "input_type",
        f"grade_crs takes a CrsAssessment or a mapping, not {type(assessment).__name__}",
    )


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
        A frozen :class:`~astct_grading.results.GradeResult` with the grade or its range.

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
    a = _coerce(assessment)
    fever, fever_detail = _fever(a)
    hypo, hypo_detail, hypo_missing, derived = _hypotension(a)
    oxy, oxy_detail = _hypoxia(a, options)
    fever_own = _OWN[a.fever_other_cause]
    hypo_own = _OWN[a.hypotension_other_cause]
    oxy_own = _OWN[a.hypoxia_other_cause]
    death = _FLAG[a.death_due_to_crs]
    levels = (fever, fever_own, _FLAG[a.fever_waiver], hypo, hypo_own, oxy, oxy_own, death)
    low, high, matters = grade_bounds(_grade, levels)

    fever_counts = (fever[0] & fever_own[0], fever[1] & fever_own[1])
    findings = (
        Finding(
            "fever",
            a.temperature is not None or a.fever is not None,
            None if fever[0] != fever[1] else bool(fever[0]),
            a.fever_other_cause,
            FEVER_ONLY_GRADE * fever_counts[0],
            FEVER_ONLY_GRADE * fever_counts[1],
            _attributed(fever_detail, a.fever_other_cause),
        ),
        Finding(
            "hypotension",
            not hypo_missing,
            _present(hypo),
            a.hypotension_other_cause,
            hypo[0] * hypo_own[0],
            hypo[1] * hypo_own[1],
            _attributed(hypo_detail, a.hypotension_other_cause),
        ),
        Finding(
            "hypoxia",
            a.oxygen is not None,
            _present(oxy),
            a.hypoxia_other_cause,
            oxy[0] * oxy_own[0],
            oxy[1] * oxy_own[1],
            _attributed(oxy_detail, a.hypoxia_other_cause),
        ),
        Finding(
            "death",
            a.death_due_to_crs is not None,
            a.death_due_to_crs,
            None,
            DEATH_GRADE * death[0],
            DEATH_GRADE * death[1],
            _DEATH_DETAIL[a.death_due_to_crs],
        ),
    )
    missing = _missing(matters, hypo_missing) if matters else ()
    return GradeResult(
        "CRS",
        low if low == high else None,
        low,
        high,
        findings,
        _drivers(low, findings, fever_counts[0] == 1, a.fever_waiver is True),
        missing,
        _decisions(a, low, high, derived, fever_counts),
        CRITERIA_VERSION,
        _explain(
            low, high=high, findings=findings, fever_counts=fever_counts, a=a, missing=missing
        ),
    )


_DEATH_DETAIL: dict[bool | None, str] = {
    True: "death due to CRS",
    None: "cause of death not known",
    False: "no CRS death",
}


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


def _drivers(
    low: int, findings: tuple[Finding, ...], fever_counts: bool, waived: bool
) -> tuple[str, ...]:
    if low == 0:
        return ()
    if low == DEATH_GRADE:
        return ("death",)
    if not fever_counts and not waived:
        return ()  # pragma: no cover - a positive minimum needs fever or the waiver
    return tuple(f.domain for f in findings if f.domain != "death" and f.grade_min == low)


def _decisions(
    a: CrsAssessment, low: int, high: int, derived: bool, fever_counts: Level
) -> tuple[str, ...]:
    applied: list[str] = []
    if fever_counts[0] == 0:  # fever does not surely count: the entry rule and waiver decide
        applied.append("D1")
    if any(
        c is not False
        for c in (a.fever_other_cause, a.hypotension_other_cause, a.hypoxia_other_cause)
    ):
        applied.append("D2")
    if a.vasopressors:
        applied.append("D3")
    if a.oxygen is not None:
        applied.append("D4")
    if derived:
        applied.append("D5")
    if a.death_due_to_crs is not False:
        applied.append("D6")
    if low != high:
        applied.append("D13")
    if a.temperature is not None:
        applied.append("D14")
    return tuple(applied)


def _explain(
    low: int,
    *,
    high: int,
    findings: tuple[Finding, ...],
    fever_counts: Level,
    a: CrsAssessment,
    missing: tuple[str, ...],
) -> str:
    grade = f"CRS grade {low}" if low == high else f"CRS grade {low} to {high} (undetermined)"
    parts = [f.detail for f in findings if f.domain != "death" or a.death_due_to_crs is not False]
    text = f"{grade}: " + "; ".join(parts)
    if fever_counts == (0, 0):
        if a.fever_waiver:
            text += "; no CRS fever, but fever is not required after CRS treatment (D1)"
        elif a.fever_waiver is None:
            text += "; no CRS fever (the entry criterion), post-treatment waiver not known (D1)"
        else:
            text += "; no CRS fever (the entry criterion), no post-treatment waiver (D1)"
    if missing:
        text += "; open until given: " + ", ".join(missing)
    return text + "."
