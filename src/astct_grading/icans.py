"""ICANS: the ICE and CAPD instruments, the input models and ``grade_icans`` (ASTCT 2019).

The rules are read from :mod:`astct_grading.criteria.icans_astct2019`; the product decisions they
follow are D6-D11 and D13-D15 (docs/decisions.md). docs/icans.md maps every table row to the code
and the tests.

How unknown inputs are bounded (D13): each domain is a function of a few inputs, each either known
or ranging over its possible values (the ICE and CAPD totals by one representative per band).
Every combination is evaluated, combinations that would be rejected as contradictory records are
skipped, and the domain's range is taken over the rest. The encephalopathy instrument and the level
of consciousness are evaluated together, because the ICE-0 rule reads the level of consciousness
(D10). The domains' ranges then give the grade's range through
:func:`~astct_grading._bounds.grade_bounds`. An input is listed in ``missing`` when changing it
alone, with the other unknowns chosen suitably, changes the grade.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Annotated, Any, TypeVar

from pydantic import (
    BeforeValidator,
    Field,
    PrivateAttr,
    TypeAdapter,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from astct_grading._bounds import Level, grade_bounds
from astct_grading._validation import (
    AgeYears,
    FiniteFloat,
    InputModel,
    _reject_bool,
    describe,
    quantize,
)
from astct_grading.criteria.icans_astct2019 import (
    CAPD_ITEM_MAX,
    CAPD_ITEMS,
    CAPD_MAX,
    CAPD_POSITIVE_MIN,
    CAPD_UNABLE_GRADE,
    CAPD_VERSION,
    CONSCIOUSNESS_GRADES,
    CRITERIA_VERSION,
    DEATH_GRADE,
    EXCLUDED_FEATURES,
    ICE_ITEMS,
    ICE_MAX,
    ICE_MIN_AGE_YEARS,
    ICE_ZERO_UNAROUSABLE_GRADE,
    ICP_GRADES,
    ICP_SYNONYMS,
    MOTOR_GRADES,
    RASS_DEEP_SEDATION_MAX,
    SEIZURE_GRADE,
    SEIZURE_PROLONGED_GRADE,
    SEIZURE_PROLONGED_MIN,
    CapdAnswer,
    CapdNotPerformed,
    ConsciousnessLevel,
    IceNotPerformed,
    IcpFinding,
    MotorFinding,
    capd_grade,
    capd_points,
    ice_grade,
)
from astct_grading.errors import AstctGradingError
from astct_grading.results import Finding, GradeResult, ScoreItem, ScoreResult

__all__ = [
    "CapdAnswer",
    "CapdAssessment",
    "CapdNotPerformed",
    "ConsciousnessLevel",
    "IcansAssessment",
    "IcansOptions",
    "IceAssessment",
    "IceNotPerformed",
    "IcpFinding",
    "MotorFinding",
    "grade_icans",
    "score_capd",
    "score_ice",
]

#: One ICE item: 0 or 1 point (D10, D15). Booleans are rejected like any number field.
IcePoint = Annotated[int, BeforeValidator(_reject_bool), Field(ge=0, le=1)]
#: The ICE total, 0-10 (D10, D15).
IceTotal = Annotated[int, BeforeValidator(_reject_bool), Field(ge=0, le=ICE_MAX)]
#: The CAPD total, 0-32 (D15).
CapdTotal = Annotated[int, BeforeValidator(_reject_bool), Field(ge=0, le=CAPD_MAX)]
#: Richmond Agitation-Sedation Scale, -5 to +4.
Rass = Annotated[int, BeforeValidator(_reject_bool), Field(ge=-5, le=4)]

_ICE_NAMES = tuple(item.name for item in ICE_ITEMS)
_CAPD_NAMES = tuple(item.name for item in CAPD_ITEMS)


# --- ICE -------------------------------------------------------------------------------------


class IceAssessment(InputModel):
    """One ICE (Immune effector Cell-associated Encephalopathy) assessment (D10).

    Give the ten items (1 point for a correct answer, 0 otherwise), or only the ``total`` when
    that is all the record has, or both (they must agree). Items not given are unknown, never 0
    (D13). An ICE that was not performed says why in ``not_performed``: because the patient is
    sedated or intubated (not assessable, never scored 0), or because the patient is unarousable
    (ICE 0, grade 4).

    Example:
        >>> score_ice(IceAssessment(total=8)).score
        8
        >>> score_ice(IceAssessment(orientation_year=1, orientation_month=0)).score_max
        9
        >>> score_ice({"not_performed": "sedated_or_intubated"}).score is None
        True
    """

    orientation_year: IcePoint | None = None
    """Oriented to the year: 1 point."""
    orientation_month: IcePoint | None = None
    """Oriented to the month: 1 point."""
    orientation_city: IcePoint | None = None
    """Oriented to the city: 1 point."""
    orientation_hospital: IcePoint | None = None
    """Oriented to the hospital: 1 point."""
    naming_object_1: IcePoint | None = None
    """Names the first of three objects (e.g. a clock or watch): 1 point."""
    naming_object_2: IcePoint | None = None
    """Names the second object (e.g. a pen): 1 point."""
    naming_object_3: IcePoint | None = None
    """Names the third object (e.g. a button): 1 point."""
    follows_commands: IcePoint | None = None
    """Follows simple commands (e.g. "show me 2 fingers"): 1 point."""
    writes_sentence: IcePoint | None = None
    """Writes a standard sentence: 1 point."""
    counts_back_by_ten: IcePoint | None = None
    """Counts backwards from 100 by 10: 1 point."""
    total: IceTotal | None = None
    """The ICE total, 0-10, when the items are not recorded (or to check them)."""
    not_performed: IceNotPerformed | None = None
    """Why the ICE was not performed: ``sedated_or_intubated`` (not assessable) or
    ``unarousable`` (ICE 0 in an unarousable patient)."""

    _range: tuple[int, int] = PrivateAttr(default=(0, ICE_MAX))

    @field_validator("total")
    @classmethod
    def _total_agrees(cls, total: int | None, info: ValidationInfo) -> int | None:
        if total is None or any(name not in info.data for name in _ICE_NAMES):
            return total  # an item is invalid: that error is reported on its own
        given = [points for name in _ICE_NAMES if (points := info.data[name]) is not None]
        known, unknown = sum(given), len(_ICE_NAMES) - len(given)
        if not known <= total <= known + unknown:
            raise PydanticCustomError(
                "ice_total_conflict",
                "the ICE total {total} disagrees with the items given ({known} points, {unknown} "
                "items not recorded)",
                {"total": total, "known": known, "unknown": unknown},
            )
        return total

    @field_validator("not_performed")
    @classmethod
    def _nothing_scored(
        cls, reason: IceNotPerformed | None, info: ValidationInfo
    ) -> IceNotPerformed | None:
        if reason is not None and any(
            info.data.get(name) is not None for name in (*_ICE_NAMES, "total")
        ):
            raise PydanticCustomError(
                "not_performed_with_score",
                "the ICE is recorded as not performed ({reason}) and also has answers or a "
                "total; give one or the other (D10)",
                {"reason": reason.value},
            )
        return reason

    @model_validator(mode="after")
    def _score(self) -> IceAssessment:
        if self.not_performed is IceNotPerformed.UNAROUSABLE:
            self._range = (0, 0)  # "0 (patient is unarousable and unable to perform ICE)"
        elif self.total is not None:
            self._range = (self.total, self.total)
        elif self.not_performed is None:
            given = [points for name in _ICE_NAMES if (points := getattr(self, name)) is not None]
            self._range = (sum(given), sum(given) + len(_ICE_NAMES) - len(given))
        return self

    @property
    def assessable(self) -> bool:
        """False when the ICE was not performed because of sedation or intubation (D10)."""
        return self.not_performed is not IceNotPerformed.SEDATED_OR_INTUBATED


_ICE_ADAPTER: TypeAdapter[IceAssessment] = TypeAdapter(IceAssessment)


def _range_of(model: IceAssessment | CapdAssessment) -> tuple[int, int]:
    """The total's range, set by the model's validator (read directly: it is on the hot path)."""
    private = model.__pydantic_private__
    assert private is not None  # both models declare a private attribute
    value: tuple[int, int] = private["_range"]
    return value


def score_ice(ice: IceAssessment | Mapping[str, Any]) -> ScoreResult:
    """The ICE total, 0-10, or its range when items are unknown (D10, D13).

    Args:
        ice: an :class:`IceAssessment`, or a mapping validated into one.

    Returns:
        A :class:`~astct_grading.results.ScoreResult` with scale ``ICE``. An ICE not performed
        because of sedation or intubation is not assessable: ``score`` is None over the whole
        range 0-10 with nothing ``missing``, and never 0. An unarousable patient scores 0.

    Raises:
        pydantic.ValidationError: the mapping is not a valid ICE assessment.
        AstctGradingError: ``ice`` is neither a model nor a mapping (type ``input_type``).

    Example:
        >>> result = score_ice({
        ...     "orientation_year": 1, "orientation_month": 1, "orientation_city": 1,
        ...     "orientation_hospital": 0, "naming_object_1": 1, "naming_object_2": 1,
        ...     "naming_object_3": 1, "follows_commands": 1, "writes_sentence": 1,
        ... })
        >>> result.score, result.score_min, result.score_max, result.missing
        (None, 8, 9, ('counts_back_by_ten',))
    """
    model = _coerce(ice, IceAssessment, _ICE_ADAPTER, "score_ice")
    low, high = _range_of(model)
    if not model.assessable:
        items = tuple(ScoreItem(name, 0, 1, "not performed") for name in _ICE_NAMES)
        return ScoreResult(
            scale="ICE",
            score=None,
            score_min=0,
            score_max=ICE_MAX,
            items=items,
            missing=(),
            decisions=("D10",),
            criteria_version=CRITERIA_VERSION,
            explanation="ICE not assessable: not performed because the patient is sedated or "
            "intubated; never scored 0 (D10).",
        )
    if model.not_performed is IceNotPerformed.UNAROUSABLE:
        items = tuple(ScoreItem(name, 0, 0, "unarousable") for name in _ICE_NAMES)
        explanation = "ICE 0: the patient is unarousable and unable to perform ICE (D10)."
        return ScoreResult("ICE", 0, 0, 0, items, (), ("D10",), CRITERIA_VERSION, explanation)
    items = tuple(_ice_item(model, name) for name in _ICE_NAMES)
    missing = (
        tuple(name for name in _ICE_NAMES if getattr(model, name) is None)
        if model.total is None
        else ()
    )
    if low == high:
        explanation = f"ICE {low}/{ICE_MAX}"
        if model.total is not None and any(item.points is None for item in items):
            explanation += " (total recorded; items not all recorded)"
        decisions: tuple[str, ...] = ("D10",)
    else:
        explanation = (
            f"ICE {low} to {high} of {ICE_MAX} (undetermined); open until given: "
            + ", ".join(missing)
        )
        decisions = ("D10", "D13")
    return ScoreResult(
        scale="ICE",
        score=low if low == high else None,
        score_min=low,
        score_max=high,
        items=items,
        missing=missing,
        decisions=decisions,
        criteria_version=CRITERIA_VERSION,
        explanation=explanation + ".",
    )


def _ice_item(model: IceAssessment, name: str) -> ScoreItem:
    points = getattr(model, name)
    if points is not None:
        return ScoreItem(name, points, points, "correct" if points else "incorrect")
    detail = "not recorded (total given)" if model.total is not None else "not recorded"
    return ScoreItem(name, 0, 1, detail)


# --- CAPD ------------------------------------------------------------------------------------


def _capd_known(answers: Mapping[str, Any]) -> tuple[int, int]:
    """(points of the answers given, number of items not answered)."""
    points = [
        capd_points(answer, reverse=item.reverse)
        for item in CAPD_ITEMS
        if (answer := answers.get(item.name)) is not None
    ]
    return sum(points), len(CAPD_ITEMS) - len(points)


class CapdAssessment(InputModel):
    """One Cornell Assessment of Pediatric Delirium (CAPD) (Traube 2014; D8).

    Give the eight answers by item name (``never``, ``rarely``, ``sometimes``, ``often``,
    ``always``), or only the ``total`` (0-32), or both (they must agree). Items 1-4 are
    reverse-scored (never 4 ... always 0), items 5-8 scored directly (never 0 ... always 4).
    The CAPD is not scored under deep sedation (RASS -4 or -5) or neuromuscular blockade: those
    are not assessable (never grade 4). ``not_performed="unable"`` records a patient unable to
    perform the CAPD because of ICANS (grade 4).

    Example:
        >>> capd = CapdAssessment(eye_contact="rarely", restless="often")
        >>> score_capd(capd).score_min, score_capd(capd).score_max
        (6, 30)
    """

    eye_contact: CapdAnswer | None = None
    """1. Makes eye contact with the caregiver (reverse-scored)."""
    purposeful_actions: CapdAnswer | None = None
    """2. Actions are purposeful (reverse-scored)."""
    aware_of_surroundings: CapdAnswer | None = None
    """3. Is aware of their surroundings (reverse-scored)."""
    communicates_needs: CapdAnswer | None = None
    """4. Communicates needs and wants (reverse-scored)."""
    restless: CapdAnswer | None = None
    """5. Is restless."""
    inconsolable: CapdAnswer | None = None
    """6. Is inconsolable."""
    underactive: CapdAnswer | None = None
    """7. Is underactive: very little movement while awake."""
    slow_to_respond: CapdAnswer | None = None
    """8. Takes a long time to respond to interactions."""
    total: CapdTotal | None = None
    """The CAPD total, 0-32, when the answers are not recorded (or to check them)."""
    rass: Rass | None = None
    """The Richmond Agitation-Sedation Scale at the assessment, -5 to +4; at -4 or -5 the CAPD is
    not scored (deep sedation)."""
    not_performed: CapdNotPerformed | None = None
    """Why the CAPD was not performed: ``deep_sedation`` or ``neuromuscular_blockade`` (not
    assessable), or ``unable`` (unable because of ICANS: grade 4)."""

    _range: tuple[int, int] = PrivateAttr(default=(0, CAPD_MAX))

    @field_validator("total")
    @classmethod
    def _total_agrees(cls, total: int | None, info: ValidationInfo) -> int | None:
        if total is None or any(name not in info.data for name in _CAPD_NAMES):
            return total  # an answer is invalid: that error is reported on its own
        known, unknown = _capd_known(info.data)
        if not known <= total <= known + CAPD_ITEM_MAX * unknown:
            raise PydanticCustomError(
                "capd_total_conflict",
                "the CAPD total {total} disagrees with the answers given ({known} points, "
                "{unknown} items not recorded)",
                {"total": total, "known": known, "unknown": unknown},
            )
        return total

    @field_validator("rass")
    @classmethod
    def _not_scored_when_deeply_sedated(cls, rass: int | None, info: ValidationInfo) -> int | None:
        if (
            rass is not None
            and rass <= RASS_DEEP_SEDATION_MAX
            and any(info.data.get(name) is not None for name in (*_CAPD_NAMES, "total"))
        ):
            raise PydanticCustomError(
                "capd_sedation_conflict",
                "RASS {rass} is deep sedation: the CAPD is not scored (D8)",
                {"rass": rass},
            )
        return rass

    @field_validator("not_performed")
    @classmethod
    def _reason_agrees(
        cls, reason: CapdNotPerformed | None, info: ValidationInfo
    ) -> CapdNotPerformed | None:
        if reason is None:
            return reason
        if any(info.data.get(name) is not None for name in (*_CAPD_NAMES, "total")):
            raise PydanticCustomError(
                "not_performed_with_score",
                "the CAPD is recorded as not performed ({reason}) and also has answers or a "
                "total; give one or the other (D8)",
                {"reason": reason.value},
            )
        rass = info.data.get("rass")
        if rass is None:
            return reason
        deep = rass <= RASS_DEEP_SEDATION_MAX
        if deep and reason is CapdNotPerformed.UNABLE:
            raise PydanticCustomError(
                "capd_sedation_conflict",
                "RASS {rass} is deep sedation: the CAPD is not assessable, not 'unable' (D8)",
                {"rass": rass},
            )
        if not deep and reason is CapdNotPerformed.DEEP_SEDATION:
            raise PydanticCustomError(
                "capd_sedation_conflict",
                "RASS {rass} is not deep sedation (-4 or -5), yet the CAPD is recorded as not "
                "performed for deep sedation (D8)",
                {"rass": rass},
            )
        return reason

    @model_validator(mode="after")
    def _score(self) -> CapdAssessment:
        if self.total is not None:
            self._range = (self.total, self.total)
        elif self.not_performed is None:
            known, unknown = _capd_known(self.__dict__)
            self._range = (known, known + CAPD_ITEM_MAX * unknown)
        return self

    @property
    def assessable(self) -> bool:
        """False under deep sedation (RASS -4 or -5) or neuromuscular blockade (D8)."""
        if self.not_performed is not None:
            return self.not_performed is CapdNotPerformed.UNABLE
        return self.rass is None or self.rass > RASS_DEEP_SEDATION_MAX


_CAPD_ADAPTER: TypeAdapter[CapdAssessment] = TypeAdapter(CapdAssessment)


def score_capd(capd: CapdAssessment | Mapping[str, Any]) -> ScoreResult:
    """The CAPD total, 0-32, or its range when answers are unknown (D8, D13).

    Args:
        capd: a :class:`CapdAssessment`, or a mapping validated into one.

    Returns:
        A :class:`~astct_grading.results.ScoreResult` with scale ``CAPD``. A CAPD that is not
        assessable (deep sedation, neuromuscular blockade) or that the patient was unable to
        perform has no total: ``score`` is None over 0-32 with nothing ``missing``, and the
        explanation says why.

    Raises:
        pydantic.ValidationError: the mapping is not a valid CAPD.
        AstctGradingError: ``capd`` is neither a model nor a mapping (type ``input_type``).

    Example:
        >>> answers = dict.fromkeys(
        ...     ["eye_contact", "purposeful_actions", "aware_of_surroundings",
        ...      "communicates_needs"], "always")
        >>> answers |= dict.fromkeys(
        ...     ["restless", "inconsolable", "underactive", "slow_to_respond"], "never")
        >>> score_capd(answers).score
        0
        >>> score_capd({**answers, "restless": "sometimes", "eye_contact": "never"}).explanation
        'CAPD 6/32: negative screen (< 9).'
    """
    model = _coerce(capd, CapdAssessment, _CAPD_ADAPTER, "score_capd")
    if model.not_performed is CapdNotPerformed.UNABLE or not model.assessable:
        return _capd_without_total(model)
    items = tuple(_capd_item(model, index) for index in range(len(CAPD_ITEMS)))
    missing = (
        tuple(name for name in _CAPD_NAMES if getattr(model, name) is None)
        if model.total is None
        else ()
    )
    low, high = _range_of(model)
    if low == high:
        screen = (
            f"positive screen (≥ {CAPD_POSITIVE_MIN})"
            if low >= CAPD_POSITIVE_MIN
            else f"negative screen (< {CAPD_POSITIVE_MIN})"
        )
        explanation = f"CAPD {low}/{CAPD_MAX}: {screen}."
        decisions: tuple[str, ...] = ()
    else:
        if low >= CAPD_POSITIVE_MIN:
            screen = "positive screen"
        elif high < CAPD_POSITIVE_MIN:
            screen = "negative screen"
        else:
            screen = "screen undetermined"
        explanation = (
            f"CAPD {low} to {high} of {CAPD_MAX} (undetermined, {screen}); open until given: "
            + ", ".join(missing)
            + "."
        )
        decisions = ("D13",)
    return ScoreResult(
        scale="CAPD",
        score=low if low == high else None,
        score_min=low,
        score_max=high,
        items=items,
        missing=missing,
        decisions=decisions,
        criteria_version=CAPD_VERSION,
        explanation=explanation,
    )


def _capd_without_total(model: CapdAssessment) -> ScoreResult:
    if model.not_performed is CapdNotPerformed.UNABLE:
        reason = "unable to perform the CAPD because of ICANS"
    elif model.not_performed is CapdNotPerformed.NEUROMUSCULAR_BLOCKADE:
        reason = "not assessable under neuromuscular blockade"
    elif model.rass is not None:
        reason = f"not assessable under deep sedation (RASS {model.rass})"
    else:
        reason = "not assessable under deep sedation (RASS -4 or -5)"
    items = tuple(ScoreItem(name, 0, CAPD_ITEM_MAX, "not performed") for name in _CAPD_NAMES)
    return ScoreResult(
        scale="CAPD",
        score=None,
        score_min=0,
        score_max=CAPD_MAX,
        items=items,
        missing=(),
        decisions=("D8",),
        criteria_version=CAPD_VERSION,
        explanation=f"CAPD has no total: {reason} (D8).",
    )


def _capd_item(model: CapdAssessment, index: int) -> ScoreItem:
    item = CAPD_ITEMS[index]
    answer: CapdAnswer | None = getattr(model, item.name)
    if answer is None:
        detail = "not recorded (total given)" if model.total is not None else "not recorded"
        return ScoreItem(item.name, 0, CAPD_ITEM_MAX, detail)
    points = capd_points(answer, reverse=item.reverse)
    scoring = "reverse-scored" if item.reverse else "scored directly"
    return ScoreItem(item.name, points, points, f"{answer.value} ({scoring})")


# --- ICANS -----------------------------------------------------------------------------------


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
    developmental_delay: bool | None = False
    """Developmental delay that prevents ICE: CAPD at any age (D7). None: not known."""
    ice: IceAssessment | None = None
    """The ICE assessment (D10)."""
    capd: CapdAssessment | None = None
    """The CAPD assessment (D8)."""
    encephalopathy_other_cause: bool | None = False
    """The ICE or CAPD impairment is attributable to another cause (e.g. a language barrier or
    baseline cognitive impairment); it then does not count."""
    consciousness: ConsciousnessLevel | None = None
    """The level of consciousness (D9)."""
    consciousness_other_cause: bool | None = False
    """Depressed consciousness is attributable to another cause, e.g. sedating medication (D9);
    it then does not count."""
    global_aphasia: bool | None = None
    """The patient is awake with global aphasia: an ICE of 0 then grades 3, not 4 (D10)."""
    seizure: bool | None = None
    """A clinical seizure (focal or generalised) or non-convulsive seizures on EEG (D11)."""
    seizure_duration_min: FiniteFloat | None = Field(default=None, gt=0, le=10080)
    """Duration of the longest seizure, in minutes; more than 5 (strictly) is grade 4 (D11)."""
    seizure_over_5_min: bool | None = None
    """A seizure lasted more than 5 minutes, for records without a duration (D11)."""
    seizure_without_return_to_baseline: bool | None = None
    """Repetitive clinical or electrical seizures without return to baseline in between: grade 4
    (D11)."""
    seizure_other_cause: bool | None = False
    """The seizure is attributable to another cause (e.g. hypoglycaemia); it then does not
    count."""
    motor: MotorFinding | None = None
    """Deep focal motor weakness: ``none``, ``hemiparesis``, ``paraparesis`` or
    ``other_deep_focal_weakness`` (D11)."""
    motor_other_cause: bool | None = False
    """The motor weakness is attributable to another cause (e.g. a stroke); it then does not
    count."""
    icp: tuple[IcpFinding, ...] | None = None
    """Findings of raised intracranial pressure or cerebral oedema; an empty list means none
    (D11)."""
    icp_other_cause: bool | None = False
    """The raised ICP or oedema is attributable to another cause (e.g. oedema around an
    intracranial haemorrhage); it then does not count."""
    tremor: bool | None = None
    """Tremor: recorded, never graded (D11)."""
    myoclonus: bool | None = None
    """Myoclonus: recorded, never graded (D11)."""
    intracranial_haemorrhage: bool | None = None
    """Intracranial haemorrhage: recorded, never graded (D11)."""
    death_due_to_icans: bool | None = False
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
        ice: IceAssessment | None = info.data.get("ice")
        if (
            other is True
            and _unarousable(info.data)
            and ice is not None
            and ice.assessable
            and _range_of(ice)[1] == 0
        ):
            raise PydanticCustomError(
                "ice_zero_from_sedation",
                "an ICE of 0 in a patient unarousable from another cause (e.g. sedation) is not "
                "a score: record the ICE as not performed (sedated_or_intubated) (D9, D10)",
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
            and value != _prolonged(minutes)
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


_ADAPTER: TypeAdapter[IcansAssessment] = TypeAdapter(IcansAssessment)

_M = TypeVar("_M", IceAssessment, CapdAssessment, IcansAssessment)


def _coerce(
    value: _M | Mapping[str, Any], model: type[_M], adapter: TypeAdapter[_M], function: str
) -> _M:
    if isinstance(value, model):
        return value
    if isinstance(value, Mapping):
        return adapter.validate_python(value)
    raise AstctGradingError(
        "input_type",
        f"{function} takes a {model.__name__} or a mapping, not {type(value).__name__}",
    )


def _prolonged(minutes: float) -> bool:
    # "> 5 min", strictly, compared at 0.01 min (D11, D14).
    return quantize(minutes) > SEIZURE_PROLONGED_MIN


# --- Enumerating the unknowns ----------------------------------------------------------------

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class _Var:
    """One input of a domain: the fields it stands for and its possible values."""

    fields: tuple[str, ...]
    values: tuple[Any, ...]


#: Known inputs, built once: grading a complete record allocates no _Var.
_KNOWN: dict[Any, _Var] = {value: _Var((), (value,)) for value in (False, True, *range(-2, 11))}


def _known(value: Any) -> _Var:
    return _KNOWN.get(value) or _Var((), (value,))


def _flag_var(field: str, value: bool | None) -> _Var:
    return _Var((field,), (False, True)) if value is None else _KNOWN[value]


def _points(
    function: Callable[..., _T | None], variables: Sequence[_Var]
) -> dict[tuple[Any, ...], _T]:
    """The domain at every feasible combination of its inputs' values."""
    if all(len(var.values) == 1 for var in variables):  # every input known: one combination
        combination = tuple(var.values[0] for var in variables)
        value = function(*combination)
        return {} if value is None else {combination: value}
    points: dict[tuple[Any, ...], _T] = {}
    for combination in product(*(var.values for var in variables)):
        value = function(*combination)
        if value is not None:
            points[combination] = value
    return points


def _open_inputs(
    points: Mapping[tuple[Any, ...], int], variables: Sequence[_Var]
) -> list[tuple[tuple[str, ...], int, list[Level]]]:
    """(fields, top, spans) for each open input of a domain.

    ``top`` is the highest domain value among the pairs of combinations that differ in that input
    alone and give different values (-1 when there is no such pair); ``spans`` holds the domain's
    range with the input fixed at each of its feasible values.
    """
    open_ = [index for index, var in enumerate(variables) if len(var.values) > 1]
    tops = dict.fromkeys(open_, -1)
    spans: dict[int, dict[Any, Level]] = {index: {} for index in open_}
    for combination, value in points.items():
        for index in open_:
            key = combination[index]
            seen = spans[index].get(key)
            spans[index][key] = (
                (value, value) if seen is None else (min(seen[0], value), max(seen[1], value))
            )
            for other in variables[index].values:
                if other == key:
                    continue
                neighbour = points.get((*combination[:index], other, *combination[index + 1 :]))
                if neighbour is not None and neighbour != value:
                    tops[index] = max(tops[index], value, neighbour)
    return [(variables[i].fields, tops[i], list(spans[i].values())) for i in open_]


def _span(values: Sequence[int]) -> Level:
    if len(values) == 1:
        return values[0], values[0]
    return min(values), max(values)


# Encephalopathy outcomes beside the ICE scores 0-10: not assessable, and "unarousable".
_NOT_ASSESSABLE = -1
_UNAROUSABLE = -2
#: The ICE bands, as (lowest, highest) scores; 0 is its own class because of the ICE-0 rule.
_ICE_CLASSES = ((0, 0), (1, 2), (3, 6), (7, 9), (10, 10))
#: The CAPD bands, as (lowest, highest) totals.
_CAPD_CLASSES = ((0, 0), (1, CAPD_POSITIVE_MIN - 1), (CAPD_POSITIVE_MIN, CAPD_MAX))
_UNAROUSABLE_LEVEL = CONSCIOUSNESS_GRADES[ConsciousnessLevel.UNAROUSABLE]


def _representatives(low: int, high: int, classes: Sequence[tuple[int, int]]) -> tuple[int, ...]:
    """One value of each class that meets [low, high]: the grade depends on the class only."""
    return tuple(max(a, low) for a, b in classes if a <= high and b >= low)


def _ice_var(ice: IceAssessment | None) -> _Var:
    if ice is None:
        return _Var(("ice",), (_NOT_ASSESSABLE, *(a for a, _ in _ICE_CLASSES)))
    if not ice.assessable:
        return _known(_NOT_ASSESSABLE)
    if ice.not_performed is IceNotPerformed.UNAROUSABLE:
        return _known(_UNAROUSABLE)
    values = _representatives(*_range_of(ice), _ICE_CLASSES)
    if len(values) == 1:
        return _known(values[0])
    return _Var(tuple(f"ice.{n}" for n in _ICE_NAMES if getattr(ice, n) is None), values)


def _capd_var(capd: CapdAssessment | None) -> _Var:
    """The CAPD's grade before attribution; not assessable counts as 0 (D8)."""
    if capd is None:
        return _Var(("capd",), (0, 1, 3, CAPD_UNABLE_GRADE))
    if capd.not_performed is CapdNotPerformed.UNABLE:
        return _known(CAPD_UNABLE_GRADE)
    if not capd.assessable:
        return _known(_NOT_ASSESSABLE)
    grades = tuple(
        dict.fromkeys(capd_grade(t) for t in _representatives(*_range_of(capd), _CAPD_CLASSES))
    )
    if len(grades) == 1:
        return _known(grades[0])
    return _Var(tuple(f"capd.{n}" for n in _CAPD_NAMES if getattr(capd, n) is None), grades)


def _child_var(age: float | None, cut: float) -> _Var:
    if age is None:
        return _Var(("age_years",), (False, True))
    return _known(quantize(age) < cut)


def _coupled(
    child: bool,
    delay: bool,
    ice: int,
    capd: int,
    level: int,
    aphasia: bool,
    sedated: bool,
    other: bool,
) -> tuple[int, int, int] | None:
    """The coupled domains at one combination, or None for a contradictory record.

    Returns (instrument grade before attribution, instrument grade, consciousness grade).

    ``level`` is the consciousness grade 0-4 (D9); ``sedated`` is consciousness_other_cause;
    ``other`` is encephalopathy_other_cause.
    """
    unarousable = level == _UNAROUSABLE_LEVEL
    if aphasia and unarousable:
        return None  # awake with global aphasia, yet unarousable (arousal_conflict)
    if ice == _UNAROUSABLE and not unarousable:
        return None  # ICE not performed for unarousability, yet arousable (arousal_conflict)
    if ice in (0, _UNAROUSABLE) and unarousable and sedated:
        return None  # ICE 0 from sedation is not a score (ice_zero_from_sedation, D10)
    if delay or child:  # CAPD below the age cut or with developmental delay (D7)
        # Not assessable (deep sedation, neuromuscular blockade) adds no grade, never 4 (D8).
        raw = 0 if capd == _NOT_ASSESSABLE else capd
    elif ice == _NOT_ASSESSABLE:
        raw = 0  # not performed for sedation or intubation: adds no grade, never an ICE 0 (D10)
    elif ice == _UNAROUSABLE:
        raw = ICE_ZERO_UNAROUSABLE_GRADE  # ICE 0, unarousable (adult table, ICE row; D10)
    else:
        raw = ice_grade(ice, unarousable=unarousable)  # adult table ICE row and footnote; D10
    return raw, 0 if other else raw, 0 if sedated else level


def _seizure(present: bool, prolonged: bool, repetitive: bool, other: bool) -> int | None:
    if not present and (prolonged or repetitive):
        return None  # details of an absent seizure (seizure_conflict)
    if not present or other:
        return 0
    return SEIZURE_PROLONGED_GRADE if prolonged or repetitive else SEIZURE_GRADE  # D11


def _graded(grade: int, other: bool) -> int:
    return 0 if other else grade


def _worst(levels: Sequence[int]) -> int:
    """The ICANS grade at one completion: death (D6), else the most severe domain."""
    *domains, death = levels
    return DEATH_GRADE if death else max(domains)


# --- grade_icans -----------------------------------------------------------------------------


def grade_icans(
    assessment: IcansAssessment | Mapping[str, Any], *, options: IcansOptions = DEFAULT_OPTIONS
) -> GradeResult:
    """Grade one ICANS assessment by the ASTCT 2019 consensus, for adults and children.

    The grade is the most severe of five domains, each not attributable to another cause: the
    encephalopathy instrument (ICE from age 12, CAPD below 12 or with developmental delay: D7;
    ICE bands D10, CAPD bands D8), the level of consciousness (D9), seizures, motor findings and
    raised intracranial pressure or cerebral oedema (D11). Death due to ICANS is grade 5 (D6).
    Tremor, myoclonus and intracranial haemorrhage are reported in ``excluded`` and never change
    the grade. Missing inputs give a range (D13).

    Args:
        assessment: an :class:`IcansAssessment`, or a mapping validated into one.
        options: named parameters (the age from which ICE is used, D7).

    Returns:
        A frozen :class:`~astct_grading.results.GradeResult` with scale ``ICANS``; ``instrument``
        is the instrument D7 chooses for the patient (``ICE`` or ``CAPD``), or None when age or
        developmental delay is unknown and would change the choice.

    Raises:
        pydantic.ValidationError: the mapping is not a valid assessment.
        AstctGradingError: ``assessment`` is neither a model nor a mapping (type ``input_type``).

    Example:
        >>> result = grade_icans({
        ...     "age_years": 8.5,
        ...     "capd": {"total": 12},
        ...     "consciousness": "alert",
        ...     "seizure": True,
        ...     "seizure_duration_min": 5.0,
        ...     "seizure_without_return_to_baseline": False,
        ...     "motor": "none",
        ...     "icp": [],
        ... })
        >>> result.grade, result.instrument, result.drivers
        (3, 'CAPD', ('capd', 'seizure'))
        >>> grade_icans({"age_years": 40, "ice": {"total": 10}}).grade is None
        True
    """
    a = _coerce(assessment, IcansAssessment, _ADAPTER, "grade_icans")

    # The instrument and the level of consciousness, together (D7-D10).
    child = _child_var(a.age_years, options.ice_min_age_years)
    delay = _flag_var("developmental_delay", a.developmental_delay)
    ice_var = _ice_var(a.ice)
    capd_var = _capd_var(a.capd)
    if len(child.values) == 1 and len(delay.values) == 1:
        # The instrument is known: the other one is not read. A missing ICE cannot make a
        # combination contradictory (its score could be anything), so it is fixed too.
        if child.values[0] or delay.values[0]:
            ice_var = ice_var if a.ice is not None else _KNOWN[_NOT_ASSESSABLE]
        else:
            capd_var = _KNOWN[0]
    if a.consciousness is not None:
        level_var = _KNOWN[CONSCIOUSNESS_GRADES[a.consciousness]]
        aphasia = _KNOWN[False]  # consistent with the level (validated): it adds nothing
    else:
        level_var = _Var(("consciousness",), tuple(range(_UNAROUSABLE_LEVEL + 1)))
        # Whether the patient is awake with global aphasia decides only an ICE of 0 (D10): when
        # no ICE of 0 is in play, an unknown answer is not asked for (the level of consciousness
        # is the input to give). The ranges are the same either way.
        capd_certain = child.values == (True,) or delay.values == (True,)
        if a.global_aphasia is None and (capd_certain or 0 not in ice_var.values):
            aphasia = _KNOWN[False]
        else:
            aphasia = _flag_var("global_aphasia", a.global_aphasia)
    coupled_vars = (
        child,
        delay,
        ice_var,
        capd_var,
        level_var,
        aphasia,
        _flag_var("consciousness_other_cause", a.consciousness_other_cause),
        _flag_var("encephalopathy_other_cause", a.encephalopathy_other_cause),
    )
    # Seizure, motor, raised ICP (D11) and death (D6).
    seizure_vars = _seizure_vars(a)
    motor_vars = (
        _Var(("motor",), (0, 4)) if a.motor is None else _KNOWN[MOTOR_GRADES[a.motor]],
        _flag_var("motor_other_cause", a.motor_other_cause),
    )
    icp_vars = (
        _Var(("icp",), (0, 3, 4))
        if a.icp is None
        else _KNOWN[max((ICP_GRADES[f] for f in a.icp), default=0)],
        _flag_var("icp_other_cause", a.icp_other_cause),
    )
    death_var = _flag_var("death_due_to_icans", a.death_due_to_icans)

    coupled = _points(_coupled, coupled_vars)
    seizure = _points(_seizure, seizure_vars)
    motor = _points(_graded, motor_vars)
    icp = _points(_graded, icp_vars)
    grades = list(coupled.values())
    combined = {point: max(enc, loc) for point, (_, enc, loc) in coupled.items()}
    levels = [
        _span(list(combined.values())),
        _span(list(seizure.values())),
        _span(list(motor.values())),
        _span(list(icp.values())),
        (int(min(death_var.values)), int(max(death_var.values))),
    ]
    low, high, _ = grade_bounds(_worst, levels)
    if low == high:
        missing: tuple[str, ...] = ()
    else:
        domains = ((combined, coupled_vars), (seizure, seizure_vars), (motor, motor_vars))
        missing = _missing((*domains, (icp, icp_vars)), levels, death_var)

    instruments = {"CAPD" if point[0] or point[1] else "ICE" for point in coupled}  # D7
    instrument = next(iter(instruments)) if len(instruments) == 1 else None
    findings = (
        _instrument_finding(a, instrument, grades),
        _finding(
            "consciousness",
            a.consciousness is not None,
            _span([int(point[4] > 0) for point in coupled]),
            a.consciousness_other_cause,
            _span([loc for _, _, loc in grades]),
            _consciousness_detail(a),
        ),
        _finding(
            "seizure",
            len({_seizure(p[0], p[1], p[2], False) for p in seizure}) == 1,
            _span([int(p[0]) for p in seizure]),
            a.seizure_other_cause,
            levels[1],
            _seizure_detail(a),
        ),
        _finding(
            "motor",
            a.motor is not None,
            _span([int(p[0] > 0) for p in motor]),
            a.motor_other_cause,
            levels[2],
            _motor_detail(a.motor),
        ),
        _finding(
            "icp",
            a.icp is not None,
            _span([int(p[0] > 0) for p in icp]),
            a.icp_other_cause,
            levels[3],
            _icp_detail(a.icp),
        ),
        _finding(
            "death",
            a.death_due_to_icans is not None,
            levels[4],
            None,
            (DEATH_GRADE * levels[4][0], DEATH_GRADE * levels[4][1]),
            "death due to ICANS"
            if a.death_due_to_icans
            else ("cause of death not known" if a.death_due_to_icans is None else "no ICANS death"),
        ),
    )
    excluded = tuple(name for name in EXCLUDED_FEATURES if getattr(a, name) is True)
    if low == DEATH_GRADE:
        drivers: tuple[str, ...] = ("death",)
    elif low == 0:
        drivers = ()
    else:
        drivers = tuple(f.domain for f in findings if f.domain != "death" and f.grade_min == low)
    return GradeResult(
        scale="ICANS",
        grade=low if low == high else None,
        grade_min=low,
        grade_max=high,
        findings=findings,
        drivers=drivers,
        missing=missing,
        decisions=_decisions(a, instruments, low, high),
        criteria_version=CRITERIA_VERSION,
        explanation=_explain(a, options, instrument, low, high, findings, excluded, missing),
        excluded=excluded,
        instrument=instrument,
    )


def _seizure_vars(a: IcansAssessment) -> tuple[_Var, ...]:
    detail = (
        a.seizure_duration_min is not None
        or a.seizure_over_5_min is True
        or a.seizure_without_return_to_baseline is True
    )
    if a.seizure is None and not detail:
        present = _Var(("seizure",), (False, True))
    else:
        present = _known(a.seizure is not False)  # a seizure's details imply a seizure
    if a.seizure_duration_min is not None:
        prolonged = _known(_prolonged(a.seizure_duration_min))
    elif a.seizure_over_5_min is not None:
        prolonged = _known(a.seizure_over_5_min)
    else:
        prolonged = _Var(("seizure_duration_min", "seizure_over_5_min"), (False, True))
    return (
        present,
        prolonged,
        _flag_var("seizure_without_return_to_baseline", a.seizure_without_return_to_baseline),
        _flag_var("seizure_other_cause", a.seizure_other_cause),
    )


def _missing(
    domains: Sequence[tuple[Mapping[tuple[Any, ...], int], Sequence[_Var]]],
    levels: Sequence[Level],
    death: _Var,
) -> tuple[str, ...]:
    """The inputs whose absence leaves the grade open (D13).

    The domains share no inputs, so the other domains can all sit at their lowest at once (the
    floor). An input of a domain matters when knowing it could change the domain's range above
    that floor, or when two of its values give the domain different values, the higher of which
    is above the floor. The death input matters whenever it is unknown.
    """
    fields: dict[str, None] = {}
    for index, (points, variables) in enumerate(domains):
        floor = max(lo for j, (lo, _) in enumerate(levels[:-1]) if j != index)
        seen = (max(levels[index][0], floor), max(levels[index][1], floor))
        for names, top, spans in _open_inputs(points, variables):
            if top > floor or any((max(lo, floor), max(hi, floor)) != seen for lo, hi in spans):
                fields.update(dict.fromkeys(names))
    if len(death.values) > 1:
        fields.update(dict.fromkeys(death.fields))
    return tuple(fields)


def _finding(
    domain: str,
    assessed: bool,
    present: Level,
    other_cause: bool | None,
    contribution: Level,
    detail: str,
) -> Finding:
    return Finding(
        domain=domain,
        assessed=assessed,
        present=bool(present[0]) if present[0] == present[1] else None,
        attributed_to_other_cause=other_cause,
        grade_min=contribution[0],
        grade_max=contribution[1],
        detail=detail if not other_cause else f"{detail}, attributed to another cause",
    )


def _instrument_finding(
    a: IcansAssessment, instrument: str | None, grades: Sequence[tuple[int, int, int]]
) -> Finding:
    if instrument == "ICE":
        record: IceAssessment | CapdAssessment | None = a.ice
        detail = _ice_detail(a)
    elif instrument == "CAPD":
        record = a.capd
        detail = _capd_detail(a.capd)
    else:
        record = None
        detail = f"{_ice_detail(a)} or {_capd_detail(a.capd)}"
    assessable = record is not None and record.assessable
    raw = _span([grade for grade, _, _ in grades])
    known = raw[0] == raw[1]
    present = (int(raw[0] > 0), int(raw[1] > 0)) if assessable else (0, 1)
    return _finding(
        {"ICE": "ice", "CAPD": "capd"}.get(instrument or "", "ice_or_capd"),
        assessable and known,
        present,
        a.encephalopathy_other_cause,
        _span([grade for _, grade, _ in grades]),
        detail,
    )


def _ice_detail(a: IcansAssessment) -> str:
    ice = a.ice
    if ice is None:
        return "ICE not recorded"
    if not ice.assessable:
        return "ICE not performed (sedated or intubated): not assessable, never 0 (D10)"
    if ice.not_performed is IceNotPerformed.UNAROUSABLE:
        return "ICE 0: unarousable, unable to perform ICE (D10)"
    low, high = _range_of(ice)
    if low != high:
        return f"ICE {low} to {high} of {ICE_MAX} (items not recorded)"
    text = f"ICE {low}/{ICE_MAX}"
    if low == 0:
        if a.consciousness is ConsciousnessLevel.UNAROUSABLE:
            text += ", unarousable (D10)"
        elif a.global_aphasia:
            text += ", awake with global aphasia (D10)"
        elif a.consciousness is not None:
            text += ", arousable (D10)"
        else:
            text += ", arousal not recorded (D10)"
    return text


def _capd_detail(capd: CapdAssessment | None) -> str:
    if capd is None:
        return "CAPD not recorded"
    if capd.not_performed is CapdNotPerformed.UNABLE:
        return "unable to perform CAPD (D8)"
    if capd.not_performed is CapdNotPerformed.NEUROMUSCULAR_BLOCKADE:
        return "CAPD not assessable: neuromuscular blockade (D8)"
    if not capd.assessable:
        return f"CAPD not assessable: deep sedation (RASS {capd.rass}) (D8)"
    low, high = _range_of(capd)
    if low != high:
        return f"CAPD {low} to {high} of {CAPD_MAX} (answers not recorded)"
    return f"CAPD {low}/{CAPD_MAX}"


_LEVEL_WORDS = {
    ConsciousnessLevel.ALERT: "alert",
    ConsciousnessLevel.AWAKENS_SPONTANEOUSLY: "awakens spontaneously",
    ConsciousnessLevel.AWAKENS_TO_VOICE: "awakens to voice",
    ConsciousnessLevel.AWAKENS_TO_TACTILE_STIMULUS: "awakens only to tactile stimulus",
    ConsciousnessLevel.UNAROUSABLE: "unarousable or needs vigorous stimuli",
}


def _consciousness_detail(a: IcansAssessment) -> str:
    if a.consciousness is not None:
        return _LEVEL_WORDS[a.consciousness]
    if a.ice is not None and a.ice.not_performed is IceNotPerformed.UNAROUSABLE:
        return "consciousness not recorded (unarousable per the ICE)"
    if a.global_aphasia:
        return "consciousness not recorded (awake with global aphasia)"
    return "consciousness not assessed"


def _seizure_detail(a: IcansAssessment) -> str:
    if a.seizure is False:
        return "no seizure"
    parts: list[str] = []
    if a.seizure_duration_min is not None:
        relation = "> 5" if _prolonged(a.seizure_duration_min) else "≤ 5"
        parts.append(f"lasting {describe(a.seizure_duration_min)} min ({relation} min)")
    elif a.seizure_over_5_min is not None:
        parts.append("lasting > 5 min" if a.seizure_over_5_min else "lasting ≤ 5 min")
    if a.seizure_without_return_to_baseline is True:
        parts.append("repetitive without return to baseline")
    elif a.seizure_without_return_to_baseline is False:
        parts.append("with return to baseline")
    if a.seizure is None and not parts:
        return "seizure not assessed"
    if a.seizure is None and a.seizure_duration_min is None and a.seizure_over_5_min is False:
        # Only negative details: whether there was a seizure at all is not recorded.
        return "seizure not recorded (" + ", ".join(parts) + ")"
    if not parts or (
        a.seizure_duration_min is None
        and a.seizure_over_5_min is None
        and a.seizure_without_return_to_baseline is not True
    ):
        parts.append("duration not recorded")
    return "seizure, " + ", ".join(parts)


def _motor_detail(motor: MotorFinding | None) -> str:
    if motor is None:
        return "motor findings not assessed"
    if motor is MotorFinding.NONE:
        return "no deep focal motor weakness"
    return describe(motor).replace("_", " ")


def _icp_detail(icp: tuple[IcpFinding, ...] | None) -> str:
    if icp is None:
        return "raised ICP / cerebral oedema not assessed"
    if not icp:
        return "no raised ICP or cerebral oedema"
    names = dict.fromkeys(describe(finding).replace("_", " ") for finding in icp)
    return ", ".join(names).replace("cranial nerve vi", "cranial nerve VI")


def _decisions(a: IcansAssessment, instruments: set[str], low: int, high: int) -> tuple[str, ...]:
    applied: list[str] = []
    if a.death_due_to_icans is not False:
        applied.append("D6")
    applied.append("D7")
    if "CAPD" in instruments:
        applied.append("D8")
    if a.consciousness is not None or a.consciousness_other_cause is not False:
        applied.append("D9")
    if "ICE" in instruments:
        applied.append("D10")
    graded = (a.seizure, a.seizure_duration_min, a.seizure_over_5_min, a.motor, a.icp)
    if any(value is not None for value in graded) or any(
        getattr(a, name) is True for name in EXCLUDED_FEATURES
    ):
        applied.append("D11")
    if low != high:
        applied.append("D13")
    if a.age_years is not None or a.seizure_duration_min is not None:
        applied.append("D14")
    return tuple(applied)


def _instrument_note(a: IcansAssessment, options: IcansOptions, instrument: str | None) -> str:
    cut = describe(options.ice_min_age_years)
    if instrument == "ICE" and a.capd is not None:
        return f"CAPD recorded but not used: ICE is the instrument from age {cut} y (D7)"
    if instrument == "CAPD" and a.ice is not None:
        why = (
            "with developmental delay"
            if a.developmental_delay
            else f"below age {cut} y (age {describe(a.age_years)} y)"
        )
        return f"ICE recorded but not used: CAPD is the instrument {why} (D7)"
    if instrument is None:
        unknown = [
            name
            for name, value in (
                ("age", a.age_years),
                ("developmental delay", a.developmental_delay),
            )
            if value is None
        ]
        return f"instrument not determined: {' and '.join(unknown)} not known (D7)"
    return ""


def _explain(
    a: IcansAssessment,
    options: IcansOptions,
    instrument: str | None,
    low: int,
    high: int,
    findings: tuple[Finding, ...],
    excluded: tuple[str, ...],
    missing: tuple[str, ...],
) -> str:
    grade = f"ICANS grade {low}" if low == high else f"ICANS grade {low} to {high} (undetermined)"
    if instrument is not None:
        grade += f" ({instrument})"
    parts = []
    for f in findings:
        if f.domain == "death" and a.death_due_to_icans is False:
            continue
        if f.grade_min == f.grade_max:
            suffix = f" (grade {f.grade_min})" if f.grade_min else ""
        else:
            suffix = f" (grade {f.grade_min} to {f.grade_max})"
        parts.append(f.detail + suffix)
    note = _instrument_note(a, options, instrument)
    if note:
        parts.append(note)
    if (
        a.intracranial_haemorrhage
        and a.icp_other_cause is False
        and a.icp is not None
        and any(f in a.icp for f in (IcpFinding.FOCAL_OEDEMA, IcpFinding.DIFFUSE_OEDEMA))
    ):
        parts.append(
            "oedema counted as ICANS; record icp_other_cause if it is associated with the "
            "haemorrhage (D11)"
        )
    if excluded:
        parts.append("recorded, not graded (D11): " + ", ".join(excluded).replace("_", " "))
    if missing:
        parts.append("open until given: " + ", ".join(missing))
    return f"{grade}: " + "; ".join(parts) + "."
