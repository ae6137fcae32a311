"""The CRS input models: what one assessment records (ASTCT 2019; decisions D1-D6, D13-D15).

Every clinical input is optional and a missing one means "not assessed" (D13); validation is the
shared layer's (:mod:`astct_grading.core.validation`) plus the checks between fields below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    GetJsonSchemaHandler,
    PlainValidator,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError

from astct_grading.core.validation import (
    AgeYears,
    FiniteFloat,
    Fio2,
    Flag,
    FlowLMin,
    InputModel,
    Temperature,
    _Finite,
    _number,
    _within,
)
from astct_grading.criteria.crs import (
    CTCAE_GRADE_MAX,
    CTCAE_GRADE_MIN,
    FEVER_MIN_C,
    INOTROPES,
    VASOPRESSOR_COUNT_MAX,
    VASOPRESSOR_COUNT_MULTIPLE,
    VASOPRESSOR_SYNONYMS,
    OxygenDevice,
    VasopressorAgent,
)

__all__ = [
    "DEFAULT_OPTIONS",
    "CrsAssessment",
    "CrsOptions",
    "CtcaeGrade",
    "OrganName",
    "OxygenSupport",
    "SystolicMmhg",
    "Vasopressor",
    "VasopressorCount",
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
        described = super().__get_pydantic_json_schema__(core_schema, handler)
        schema = handler.resolve_ref_schema(described)
        return {"anyOf": [dict(schema), _AGENT_SCHEMA]}


def _vasopressor_count(value: Any) -> int | str:
    """A count of distinct vasopressor agents, 0-6, or ``"multiple"`` (two or more; D3, D15)."""
    if value == VASOPRESSOR_COUNT_MULTIPLE or (
        type(value) is int and 0 <= value <= VASOPRESSOR_COUNT_MAX
    ):
        return value  # type: ignore[no-any-return]
    raise PydanticCustomError(
        "vasopressor_count",
        "a vasopressor count is a whole number of distinct agents from 0 to {most}, or "
        "'multiple' (two or more, the number not recorded), not {value} (D3)",
        {"most": VASOPRESSOR_COUNT_MAX, "value": repr(value)},
    )


#: The number of distinct vasopressor agents given, named or not: 0-6 (the agents D3 accepts),
#: or ``"multiple"``: two or more, the number not recorded (D3). Booleans and text numbers are
#: refused (D15).
VasopressorCount = Annotated[
    int | Literal["multiple"],
    PlainValidator(_vasopressor_count),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 0, "maximum": VASOPRESSOR_COUNT_MAX},
                {"const": VASOPRESSOR_COUNT_MULTIPLE},
            ]
        }
    ),
]


#: A CTCAE v5.0 grade, 1-5, of an organ toxicity recorded with CRS (D15: booleans and text are
#: refused). Recorded only: organ toxicity never changes the CRS grade (CRS table footnote; D2).
CtcaeGrade = Annotated[
    int,
    Field(ge=CTCAE_GRADE_MIN, le=CTCAE_GRADE_MAX),
    BeforeValidator(_number),
    WithJsonSchema({"type": "integer", "minimum": CTCAE_GRADE_MIN, "maximum": CTCAE_GRADE_MAX}),
]
#: The organ (or CTCAE term) an organ toxicity is recorded for, as the record names it.
OrganName = Annotated[str, Field(min_length=1, max_length=64)]


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
        >>> from astct_grading import grade_crs
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
    vasopressor_count: VasopressorCount | None = None
    """How many distinct vasopressor agents were given, named or not: 0-6, or ``"multiple"``
    (two or more, the number not recorded), for charts that record "one vasopressor" or
    "multiple vasopressors" without (all) the agents. The agents named in ``vasopressors`` are
    among them, and the rest are agents not named: each may be vasopressin, which never counts
    towards "multiple" (D3), so the grade is a range when that could decide it (D13)."""
    hypotension_other_cause: Flag | None = False
    """The hypotension is attributable to another cause (e.g. sepsis); it then does not count."""
    oxygen: OxygenSupport | None = None
    """The oxygen support needed (D4)."""
    hypoxia_other_cause: Flag | None = False
    """The oxygen need is attributable to another cause (e.g. pneumonia, home oxygen)."""
    death_due_to_crs: Flag | None = False
    """The patient died and CRS was the principal cause (grade 5, D6)."""
    organ_toxicity: dict[OrganName, CtcaeGrade] | None = None
    """Organ toxicities recorded with CRS, as a CTCAE v5.0 grade (1-5) per organ, e.g.
    ``{"hepatic": 3, "renal": 2}``, as records graded by older scales carry them. ASTCT 2019
    excludes them from the CRS grade (CRS table footnote; D2): they are reported in the result's
    ``excluded`` and never change the grade (a CTCAE grade 5 is not CRS grade 5, D6)."""

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
        count = self.vasopressor_count
        if self.hypotension is False and (self.vasopressors or count not in (None, 0)):
            raise PydanticCustomError(
                "hypotension_conflict",
                "hypotension is recorded absent while vasopressors are given",
            )
        if count is not None:
            _count_agrees(count, self.vasopressors)
        if self.systolic_bp_mmhg is not None and self.age_years is None:
            raise PydanticCustomError(
                "systolic_needs_age",
                "systolic_bp_mmhg needs age_years: the hypotension threshold depends on age (D5)",
            )
        return self


def _count_agrees(count: int | str, vasopressors: tuple[Vasopressor, ...] | None) -> None:
    """``vasopressor_count`` agrees with the agents named (D3): it counts them and may add more."""
    if vasopressors is None:
        return
    named = len({entry.agent for entry in vasopressors})
    if not vasopressors and count != 0:
        raise PydanticCustomError(
            "vasopressor_count_conflict",
            "vasopressors is an empty list (none given), but vasopressor_count is {count}; leave "
            "vasopressors out when the agents are not named (D3)",
            {"count": str(count)},
        )
    if count != VASOPRESSOR_COUNT_MULTIPLE and named > int(count):
        raise PydanticCustomError(
            "vasopressor_count_conflict",
            "vasopressor_count is {count}, but vasopressors names {named} distinct agents; the "
            "count includes the agents named (D3)",
            {"count": str(count), "named": named},
        )
