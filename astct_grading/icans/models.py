"""The ICANS assessment model and its options: what was observed at one time, validated.

The contradictions rejected here are the combinations the grading's domains skip
(astct_grading.icans.domains); each cites its decision (D7-D11, docs/decisions.md).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field, ValidationInfo, WithJsonSchema, field_validator
from pydantic_core import PydanticCustomError

from astct_grading.core.validation import AgeYears, FiniteFloat, Flag, InputModel, describe
from astct_grading.criteria.icans import (
    ICE_MIN_AGE_YEARS,
    ICP_SYNONYMS,
    ConsciousnessLevel,
    IceNotPerformed,
    IcpFinding,
    MotorFinding,
    seizure_prolonged,
)
from astct_grading.errors import AstctGradingError
from astct_grading.icans.capd import CapdAssessment
from astct_grading.icans.ice import IceAssessment, ice_range

__all__ = ["DEFAULT_OPTIONS", "IcansAssessment", "IcansOptions"]


@dataclass(frozen=True, slots=True)
class IcansOptions:
    """Named parameters of the ICANS readings (docs/decisions.md).

    Attributes:
        ice_min_age_years: the age (decimal years, inclusive) from which ICE is the instrument;
            below it, CAPD (D7). Default 12.0. Ages are compared at 0.01 year (D14).

    Example:
        >>> IcansOptions().ice_min_age_years
        12.0
        >>> IcansOptions(ice_min_age_years=13.0)
        IcansOptions(ice_min_age_years=13.0)
    """

    ice_min_age_years: float = ICE_MIN_AGE_YEARS

    def __post_init__(self) -> None:
        value = self.ice_min_age_years
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
            or not 0 < value <= 130
        ):
            raise AstctGradingError(
                "invalid_option",
                f"ice_min_age_years must be a finite number of years in (0, 130], not {value!r}",
            )


DEFAULT_OPTIONS = IcansOptions()


#: The ICP findings validation accepts: the enum's values and the exact synonyms (D11).
_ICP_SCHEMA: dict[str, Any] = {
    "type": "string",
    "enum": [*(finding.value for finding in IcpFinding), *ICP_SYNONYMS],
}


def _icp_synonyms(value: Any) -> Any:
    if isinstance(value, str) and value in ICP_SYNONYMS:
        return ICP_SYNONYMS[value]
    return value


class IcansAssessment(InputModel):
    """One ICANS assessment: what was observed at one time.

    Every clinical input is optional and a missing one means "not assessed" (D13): it is never
    read as normal. ``*_other_cause`` inputs default to False (no other cause recorded); set them
    to None when it is unknown whether a finding has another cause. The encephalopathy instrument
    is chosen by age and developmental delay (D7): give ``ice``, ``capd`` or both; the one D7 does
    not choose is recorded but not used.

    Example:
        >>> from astct_grading.icans import grade_icans
        >>> a = IcansAssessment(
        ...     age_years=54.2,
        ...     ice={"total": 5},
        ...     consciousness="awakens_to_voice",
        ...     seizure=False,
        ...     motor="none",
        ...     icp=[],
        ...     tremor=True,
        ... )
        >>> result = grade_icans(a)
        >>> result.grade, result.instrument, result.drivers, result.excluded
        (2, 'ICE', ('ice', 'consciousness'), ('tremor',))
    """

    age_years: AgeYears | None = None
    """Age in decimal years (0-130): ICE from 12.0, CAPD below (D7)."""
    developmental_delay: Flag | None = False
    """Developmental delay that prevents ICE: CAPD at any age (D7). None: not known."""
    ice: IceAssessment | None = None
    """The ICE assessment (D10)."""
    capd: CapdAssessment | None = None
    """The CAPD assessment (D8)."""
    encephalopathy_other_cause: Flag | None = False
    """The ICE or CAPD impairment is attributable to another cause (e.g. a language barrier or
    baseline cognitive impairment); it then does not count."""
    consciousness: ConsciousnessLevel | None = None
    """The level of consciousness (D9)."""
    consciousness_other_cause: Flag | None = False
    """Depressed consciousness is attributable to another cause, e.g. sedating medication (D9);
    it then does not count."""
    global_aphasia: Flag | None = None
    """The patient is awake with global aphasia: an ICE of 0 then grades 3, not 4 (D10)."""
    seizure: Flag | None = None
    """A clinical seizure (focal or generalised) or non-convulsive seizures on EEG (D11)."""
    seizure_duration_min: FiniteFloat | None = Field(default=None, gt=0, le=10080)
    """Duration of the longest seizure, in minutes; more than 5 (strictly) is grade 4 (D11)."""
    seizure_over_5_min: Flag | None = None
    """A seizure lasted more than 5 minutes, for records without a duration (D11)."""
    seizure_without_return_to_baseline: Flag | None = None
    """Repetitive clinical or electrical seizures without return to baseline in between: grade 4
    (D11)."""
    seizure_other_cause: Flag | None = False
    """The seizure is attributable to another cause (e.g. hypoglycaemia); it then does not
    count."""
    motor: MotorFinding | None = None
    """Deep focal motor weakness: ``none``, ``hemiparesis``, ``paraparesis`` or
    ``other_deep_focal_weakness`` (D11)."""
    motor_other_cause: Flag | None = False
    """The motor weakness is attributable to another cause (e.g. a stroke); it then does not
    count."""
    icp: tuple[Annotated[IcpFinding, WithJsonSchema(_ICP_SCHEMA)], ...] | None = None
    """Findings of raised intracranial pressure or cerebral oedema; an empty list means none
    (D11). The US spellings (``focal_edema``, ``diffuse_edema``, ``papilledema``) are accepted
    as written."""
    icp_other_cause: Flag | None = False
    """The raised ICP or oedema is attributable to another cause (e.g. oedema around an
    intracranial haemorrhage); it then does not count."""
    tremor: Flag | None = None
    """Tremor: recorded, never graded (D11)."""
    myoclonus: Flag | None = None
    """Myoclonus: recorded, never graded (D11)."""
    intracranial_haemorrhage: Flag | None = None
    """Intracranial haemorrhage: recorded, never graded (D11)."""
    death_due_to_icans: Flag | None = False
    """The patient died and ICANS was the principal cause (grade 5, D6)."""

    @field_validator("icp", mode="before")
    @classmethod
    def _icp_spelling(cls, value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return [_icp_synonyms(item) for item in value]
        return value

    @field_validator("consciousness")
    @classmethod
    def _arousal_agrees_with_ice(
        cls, level: ConsciousnessLevel | None, info: ValidationInfo
    ) -> ConsciousnessLevel | None:
        if (
            level is not None
            and level is not ConsciousnessLevel.UNAROUSABLE
            and _ice_unarousable(info.data)
        ):
            raise PydanticCustomError(
                "arousal_conflict",
                "the ICE is recorded as not performed because the patient is unarousable, but "
                "the level of consciousness is {level} (D9, D10)",
                {"level": level.value},
            )
        return level

    @field_validator("consciousness_other_cause")
    @classmethod
    def _ice_zero_not_from_sedation(cls, other: bool | None, info: ValidationInfo) -> bool | None:
        # Contradictory only while the ICE could count: with the encephalopathy attributed to
        # another cause it does not (D2 reading, D10), and the record is graded.
        ice: IceAssessment | None = info.data.get("ice")
        if (
            other is True
            and info.data.get("encephalopathy_other_cause") is not True
            and _unarousable(info.data)
            and ice is not None
            and ice.assessable
            and ice_range(ice)[1] == 0
        ):
            raise PydanticCustomError(
                "ice_zero_from_sedation",
                "an ICE of 0 in a patient unarousable from another cause (e.g. sedation) is not "
                "a score: record the ICE as not performed (sedated_or_intubated), or record "
                "encephalopathy_other_cause as true if the deficit has another cause (D9, D10)",
            )
        return other

    @field_validator("global_aphasia")
    @classmethod
    def _awake(cls, aphasia: bool | None, info: ValidationInfo) -> bool | None:
        if aphasia and _unarousable(info.data):
            raise PydanticCustomError(
                "arousal_conflict",
                "global_aphasia records an awake patient, but the patient is recorded as "
                "unarousable (D10)",
            )
        return aphasia

    @field_validator(
        "seizure_duration_min", "seizure_over_5_min", "seizure_without_return_to_baseline"
    )
    @classmethod
    def _seizure_details(cls, value: Any, info: ValidationInfo) -> Any:
        if info.data.get("seizure") is False and value is not None and value is not False:
            raise PydanticCustomError(
                "seizure_conflict",
                "seizure is recorded absent, so {field} cannot be given (D11)",
                {"field": info.field_name},
            )
        minutes = info.data.get("seizure_duration_min")
        if (
            info.field_name == "seizure_over_5_min"
            and minutes is not None
            and value is not None
            and value != seizure_prolonged(minutes)
        ):
            raise PydanticCustomError(
                "seizure_conflict",
                "seizure_over_5_min is {over}, but seizure_duration_min is {minutes} (D11)",
                {"over": "true" if value else "false", "minutes": describe(minutes)},
            )
        return value


def _ice_unarousable(data: Mapping[str, Any]) -> bool:
    ice: IceAssessment | None = data.get("ice")
    return ice is not None and ice.not_performed is IceNotPerformed.UNAROUSABLE


def _unarousable(data: Mapping[str, Any]) -> bool:
    return data.get("consciousness") is ConsciousnessLevel.UNAROUSABLE or _ice_unarousable(data)
