"""ICANS: the ICE and CAPD instruments, the input models and ``grade_icans`` (ASTCT 2019).

The rules are read from :mod:`astct_grading.criteria.icans`; the product decisions they
follow are D6-D11 and D13-D15 (docs/decisions.md). docs/icans.md maps every table row to the code
and the tests.

How unknown inputs are bounded (D13): each domain is a function of a few inputs, each either known
or ranging over its possible values (the ICE and CAPD totals by one representative per band).
Every combination is evaluated, combinations that would be rejected as contradictory records are
skipped, and the domain's range is taken over the rest. The encephalopathy instrument and the level
of consciousness are evaluated together, because the ICE-0 rule reads the level of consciousness
(D10). The grade is death (D6) or the most severe domain, so its range is read directly from the
domains' ranges. An input is listed in ``missing`` when changing it alone, with the other unknowns
chosen suitably, changes the grade.

How this stays fast (docs/performance.md): a domain's analysis depends only on which values its
inputs can take, never on the record otherwise, so it is computed once per such pattern and kept
(the seizure, motor and ICP domains have a few dozen patterns in all; the coupled instrument and
consciousness domain keeps its most recent patterns). A record whose instrument and consciousness
inputs are all known, the common case, is evaluated directly without enumerating.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import compress, product
from operator import attrgetter, getitem, itemgetter
from typing import Annotated, Any, NamedTuple, TypeVar

from pydantic import (
    BeforeValidator,
    Field,
    TypeAdapter,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

from astct_grading.core import results
from astct_grading.core.bounds import Level
from astct_grading.core.results import (
    Finding,
    GradeResult,
    ScoreItem,
    ScoreResult,
    _new_finding,
    _new_grade_result,
)
from astct_grading.core.validation import (
    AgeYears,
    FiniteFloat,
    Flag,
    InputModel,
    _number,
    describe,
    quantize,
)
from astct_grading.criteria.icans import (
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

# The bounds come before the boolean check so that pydantic-core checks them natively (a bound
# placed after a BeforeValidator becomes two Python-level checks); the errors are the same. The
# JSON Schema states the bounds with the standard keywords (``minimum``/``maximum``).


#: One ICE item: 0 or 1 point (D10, D15). Booleans are rejected like any number field.
IcePoint = Annotated[
    int,
    Field(ge=0, le=1),
    BeforeValidator(_number),
    WithJsonSchema({"type": "integer", "minimum": 0, "maximum": 1}),
]
#: The ICE total, 0-10 (D10, D15).
IceTotal = Annotated[
    int,
    Field(ge=0, le=ICE_MAX),
    BeforeValidator(_number),
    WithJsonSchema({"type": "integer", "minimum": 0, "maximum": ICE_MAX}),
]
#: The CAPD total, 0-32 (D15).
CapdTotal = Annotated[
    int,
    Field(ge=0, le=CAPD_MAX),
    BeforeValidator(_number),
    WithJsonSchema({"type": "integer", "minimum": 0, "maximum": CAPD_MAX}),
]
#: Richmond Agitation-Sedation Scale, -5 to +4.
Rass = Annotated[
    int,
    Field(ge=-5, le=4),
    BeforeValidator(_number),
    WithJsonSchema({"type": "integer", "minimum": -5, "maximum": 4}),
]

_ICE_NAMES = tuple(item.name for item in ICE_ITEMS)
_CAPD_NAMES = tuple(item.name for item in CAPD_ITEMS)
# The ten items (eight answers) of a model's or a validator's field dict, in one call; a KeyError
# when one is absent (an item that failed validation).
_ice_points: Callable[[Mapping[str, Any]], tuple[int | None, ...]] = itemgetter(*_ICE_NAMES)
_capd_answers: Callable[[Mapping[str, Any]], tuple[CapdAnswer | None, ...]] = itemgetter(
    *_CAPD_NAMES
)


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

    @field_validator("total")
    @classmethod
    def _total_agrees(cls, total: int | None, info: ValidationInfo) -> int | None:
        if total is None:
            return total
        try:
            points = _ice_points(info.data)
        except KeyError:
            return total  # an item is invalid: that error is reported on its own
        known, unknown = points.count(1), points.count(None)  # each item is 0 or 1
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
        if reason is not None and any(info.data.get(name) is not None for name in _ICE_SCORED):
            raise PydanticCustomError(
                "not_performed_with_score",
                "the ICE is recorded as not performed ({reason}) and also has answers or a "
                "total; give one or the other (D10)",
                {"reason": reason.value},
            )
        return reason

    @property
    def assessable(self) -> bool:
        """False when the ICE was not performed because of sedation or intubation (D10)."""
        return self.not_performed is not IceNotPerformed.SEDATED_OR_INTUBATED


_ICE_SCORED = (*_ICE_NAMES, "total")
_ICE_ADAPTER: TypeAdapter[IceAssessment] = TypeAdapter(IceAssessment)


def _ice_range(ice: IceAssessment) -> tuple[int, int]:
    """The ICE total's range (D10, D13).

    An ICE not performed has no items and no total (validated), so for sedation it is 0-10.
    """
    if ice.not_performed is IceNotPerformed.UNAROUSABLE:
        return 0, 0  # "0 (patient is unarousable and unable to perform ICE)"
    total = ice.total
    if total is not None:
        return total, total
    points = _ice_points(ice.__dict__)
    known = points.count(1)
    return known, known + points.count(None)


def _ice_results() -> tuple[ScoreResult, ScoreResult]:
    """The two ICE results that do not depend on any item (D10), built once."""
    not_assessable = ScoreResult(
        scale="ICE",
        score=None,
        score_min=0,
        score_max=ICE_MAX,
        items=tuple(ScoreItem(name, 0, 1, "not performed") for name in _ICE_NAMES),
        missing=(),
        decisions=("D10",),
        criteria_version=CRITERIA_VERSION,
        explanation="ICE not assessable: not performed because the patient is sedated or "
        "intubated; never scored 0 (D10).",
    )
    items = tuple(ScoreItem(name, 0, 0, "unarousable") for name in _ICE_NAMES)
    explanation = "ICE 0: the patient is unarousable and unable to perform ICE (D10)."
    unarousable = ScoreResult("ICE", 0, 0, 0, items, (), ("D10",), CRITERIA_VERSION, explanation)
    return not_assessable, unarousable


#: The two ICE results that do not depend on any item (built by _build_tables, at import).
_ICE_NOT_ASSESSABLE: ScoreResult
_ICE_UNAROUSABLE: ScoreResult


def _ice_item_table(name: str, unknown: str) -> dict[int | None, ScoreItem]:
    """Each item's possible scorings, built once: they are frozen, so results share them."""
    return {
        1: ScoreItem(name, 1, 1, "correct"),
        0: ScoreItem(name, 0, 0, "incorrect"),
        None: ScoreItem(name, 0, 1, unknown),
    }


#: Each item's scorings, when the items are scored and when a total is given (_build_tables).
_ICE_ITEMS_SCORED: tuple[dict[int | None, ScoreItem], ...]
_ICE_ITEMS_TOTALLED: tuple[dict[int | None, ScoreItem], ...]
_D10 = ("D10",)
_D10_D13 = ("D10", "D13")


def score_ice(ice: IceAssessment | Mapping[str, Any]) -> ScoreResult:
    """The ICE total, 0-10, or its range when items are unknown (D10, D13).

    Args:
        ice: an :class:`IceAssessment`, or a mapping validated into one.

    Returns:
        A :class:`~astct_grading.core.results.ScoreResult` with scale ``ICE``. An ICE not performed
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
    reason = model.not_performed
    if reason is IceNotPerformed.SEDATED_OR_INTUBATED:
        return _ICE_NOT_ASSESSABLE
    if reason is IceNotPerformed.UNAROUSABLE:
        return _ICE_UNAROUSABLE
    points = _ice_points(model.__dict__)
    unknown = points.count(None)
    total = model.total
    if total is not None:
        items = tuple(map(getitem, _ICE_ITEMS_TOTALLED, points))
        explanation = f"ICE {total}/{ICE_MAX}"
        if unknown:
            explanation += " (total recorded; items not all recorded)"
        return ScoreResult(
            "ICE", total, total, total, items, (), _D10, CRITERIA_VERSION, explanation + "."
        )
    items = tuple(map(getitem, _ICE_ITEMS_SCORED, points))
    low = points.count(1)
    if not unknown:
        return ScoreResult(
            "ICE", low, low, low, items, (), _D10, CRITERIA_VERSION, f"ICE {low}/{ICE_MAX}."
        )
    missing = tuple(compress(_ICE_NAMES, [point is None for point in points]))
    explanation = (
        f"ICE {low} to {low + unknown} of {ICE_MAX} (undetermined); open until given: "
        + ", ".join(missing)
    )
    return ScoreResult(
        "ICE",
        None,
        low,
        low + unknown,
        items,
        missing,
        _D10_D13,
        CRITERIA_VERSION,
        explanation + ".",
    )


# --- CAPD ------------------------------------------------------------------------------------


#: Each item's points by answer, read once from the form's scoring (capd_points); no answer adds 0
#: (built by _build_tables, at import).
_CAPD_POINTS: tuple[dict[CapdAnswer | None, int], ...]


def _capd_known(answers: tuple[CapdAnswer | None, ...]) -> tuple[int, int]:
    """(points of the answers given, number of items not answered), answers in the form's order."""
    return sum(map(getitem, _CAPD_POINTS, answers)), answers.count(None)


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

    @field_validator("total")
    @classmethod
    def _total_agrees(cls, total: int | None, info: ValidationInfo) -> int | None:
        if total is None:
            return total
        try:
            answers = _capd_answers(info.data)
        except KeyError:
            return total  # an answer is invalid: that error is reported on its own
        known, unknown = _capd_known(answers)
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
            and any(info.data.get(name) is not None for name in _CAPD_SCORED)
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
        if any(info.data.get(name) is not None for name in _CAPD_SCORED):
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

    @property
    def assessable(self) -> bool:
        """False under deep sedation (RASS -4 or -5) or neuromuscular blockade (D8)."""
        if self.not_performed is not None:
            return self.not_performed is CapdNotPerformed.UNABLE
        return self.rass is None or self.rass > RASS_DEEP_SEDATION_MAX


_CAPD_SCORED = (*_CAPD_NAMES, "total")
_CAPD_ADAPTER: TypeAdapter[CapdAssessment] = TypeAdapter(CapdAssessment)


def _capd_range(capd: CapdAssessment) -> tuple[int, int]:
    """The CAPD total's range (D8, D13).

    A CAPD not performed has no answers and no total (validated), so it is 0-32.
    """
    total = capd.total
    if total is not None:
        return total, total
    known, unknown = _capd_known(_capd_answers(capd.__dict__))
    return known, known + CAPD_ITEM_MAX * unknown


def _capd_item_table(index: int, unknown: str) -> dict[CapdAnswer | None, ScoreItem]:
    """Each item's possible scorings, built once: they are frozen, so results share them."""
    item = CAPD_ITEMS[index]
    scoring = "reverse-scored" if item.reverse else "scored directly"
    table: dict[CapdAnswer | None, ScoreItem] = {
        answer: ScoreItem(item.name, points, points, f"{answer.value} ({scoring})")
        for answer, points in _CAPD_POINTS[index].items()
        if answer is not None
    }
    return {**table, None: ScoreItem(item.name, 0, CAPD_ITEM_MAX, unknown)}


#: Each item's scorings, when the answers are scored and when a total is given (_build_tables).
_CAPD_ITEMS_SCORED: tuple[dict[CapdAnswer | None, ScoreItem], ...]
_CAPD_ITEMS_TOTALLED: tuple[dict[CapdAnswer | None, ScoreItem], ...]
_CAPD_NOT_PERFORMED_ITEMS = tuple(
    ScoreItem(name, 0, CAPD_ITEM_MAX, "not performed") for name in _CAPD_NAMES
)
#: The explanation of each determined total, built once.
_CAPD_EXACT = tuple(
    f"CAPD {total}/{CAPD_MAX}: "
    + (
        f"positive screen (≥ {CAPD_POSITIVE_MIN})"
        if total >= CAPD_POSITIVE_MIN
        else f"negative screen (< {CAPD_POSITIVE_MIN})"
    )
    + "."
    for total in range(CAPD_MAX + 1)
)
_D13 = ("D13",)


def score_capd(capd: CapdAssessment | Mapping[str, Any]) -> ScoreResult:
    """The CAPD total, 0-32, or its range when answers are unknown (D8, D13).

    Args:
        capd: a :class:`CapdAssessment`, or a mapping validated into one.

    Returns:
        A :class:`~astct_grading.core.results.ScoreResult` with scale ``CAPD``. A CAPD that is not
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
    if model.not_performed is not None or not model.assessable:
        return _capd_without_total(model)
    answers = _capd_answers(model.__dict__)
    total = model.total
    if total is not None:
        items = tuple(map(getitem, _CAPD_ITEMS_TOTALLED, answers))
        return ScoreResult(
            "CAPD", total, total, total, items, (), (), CAPD_VERSION, _CAPD_EXACT[total]
        )
    items = tuple(map(getitem, _CAPD_ITEMS_SCORED, answers))
    low, unknown = _capd_known(answers)
    if not unknown:
        return ScoreResult("CAPD", low, low, low, items, (), (), CAPD_VERSION, _CAPD_EXACT[low])
    high = low + CAPD_ITEM_MAX * unknown
    missing = tuple(compress(_CAPD_NAMES, [answer is None for answer in answers]))
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
    return ScoreResult("CAPD", None, low, high, items, missing, _D13, CAPD_VERSION, explanation)


def _capd_without_total(model: CapdAssessment) -> ScoreResult:
    if model.not_performed is CapdNotPerformed.UNABLE:
        reason = "unable to perform the CAPD because of ICANS"
    elif model.not_performed is CapdNotPerformed.NEUROMUSCULAR_BLOCKADE:
        reason = "not assessable under neuromuscular blockade"
    elif model.rass is not None:
        reason = f"not assessable under deep sedation (RASS {model.rass})"
    else:
        reason = "not assessable under deep sedation (RASS -4 or -5)"
    return ScoreResult(
        "CAPD",
        None,
        0,
        CAPD_MAX,
        _CAPD_NOT_PERFORMED_ITEMS,
        (),
        ("D8",),
        CAPD_VERSION,
        f"CAPD has no total: {reason} (D8).",
    )


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
            and _ice_range(ice)[1] == 0
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

#: The values one input of a domain can take: one value when the input is known.
Values = tuple[Any, ...]
_BOTH: Values = (False, True)
#: A yes/no input; None (not known) is either.
_FLAG: dict[bool | None, Values] = {None: _BOTH, False: (False,), True: (True,)}


def _points(function: Callable[..., _T | None], inputs: Sequence[Values]) -> dict[Values, _T]:
    """The domain at every feasible combination of its inputs' values."""
    points: dict[Values, _T] = {}
    for combination in product(*inputs):
        value = function(*combination)
        if value is not None:
            points[combination] = value
    return points


def _open_inputs(
    points: Mapping[Values, int], inputs: Sequence[Values]
) -> list[tuple[int, int, list[Level]]]:
    """(position, top, spans) for each open input of a domain.

    ``top`` is the highest domain value among the pairs of combinations that differ in that input
    alone and give different values (-1 when there is no such pair); ``spans`` holds the domain's
    range with the input fixed at each of its feasible values.
    """
    open_ = [index for index, values in enumerate(inputs) if len(values) > 1]
    tops = dict.fromkeys(open_, -1)
    spans: dict[int, dict[Any, Level]] = {index: {} for index in open_}
    for combination, value in points.items():
        for index in open_:
            key = combination[index]
            seen = spans[index].get(key)
            spans[index][key] = (
                (value, value) if seen is None else (min(seen[0], value), max(seen[1], value))
            )
            for other in inputs[index]:
                if other == key:
                    continue
                neighbour = points.get((*combination[:index], other, *combination[index + 1 :]))
                if neighbour is not None and neighbour != value:
                    tops[index] = max(tops[index], value, neighbour)
    return [(i, tops[i], list(spans[i].values())) for i in open_]


def _span(values: Sequence[int]) -> Level:
    if len(values) == 1:
        return values[0], values[0]
    return min(values), max(values)


#: For each floor 0-5, the positions of the open inputs that can change the grade.
Matters = tuple[tuple[int, ...], ...]
#: One domain, read once per pattern of its inputs' values: its range, whether its finding is
#: present (as a 0/1 range) and, by floor, the inputs that matter.
Domain = tuple[Level, Level, Matters]
#: Nothing open: no input matters whatever the floor.
_NOTHING_OPEN: Matters = ((),) * (DEATH_GRADE + 1)


def _matters(span: Level, open_inputs: Sequence[tuple[int, int, list[Level]]]) -> Matters:
    """The open inputs of a domain that can change the grade, for each floor 0-5.

    The domains share no inputs, so the other domains can all sit at their lowest at once (the
    floor). An input of a domain matters when knowing it could change the domain's range above
    that floor, or when two of its values give the domain different values, the higher of which
    is above the floor.
    """
    by_floor: list[tuple[int, ...]] = []
    for floor in range(DEATH_GRADE + 1):
        seen = (max(span[0], floor), max(span[1], floor))
        by_floor.append(
            tuple(
                index
                for index, top, spans in open_inputs
                if top > floor or any((max(lo, floor), max(hi, floor)) != seen for lo, hi in spans)
            )
        )
    return tuple(by_floor)


# Encephalopathy outcomes beside the ICE scores 0-10: not assessable, and "unarousable".
_NOT_ASSESSABLE = -1
_UNAROUSABLE = -2
#: The ICE bands, as (lowest, highest) scores; 0 is its own class because of the ICE-0 rule.
_ICE_CLASSES = ((0, 0), (1, 2), (3, 6), (7, 9), (10, 10))
#: The CAPD bands, as (lowest, highest) totals.
_CAPD_CLASSES = ((0, 0), (1, CAPD_POSITIVE_MIN - 1), (CAPD_POSITIVE_MIN, CAPD_MAX))
_UNAROUSABLE_LEVEL = CONSCIOUSNESS_GRADES[ConsciousnessLevel.UNAROUSABLE]
_LEVELS: Values = tuple(range(_UNAROUSABLE_LEVEL + 1))


def _representatives(low: int, high: int, classes: Sequence[tuple[int, int]]) -> tuple[int, ...]:
    """One value of each class that meets [low, high]: the grade depends on the class only."""
    return tuple(max(a, low) for a, b in classes if a <= high and b >= low)


#: The ICE total's possible ranges: 66.
_ICE_RANGES = [(low, high) for low in range(ICE_MAX + 1) for high in range(low, ICE_MAX + 1)]
#: The ICE's values by its range: one representative per band met (built by _build_tables).
_ICE_VALUES: dict[tuple[int, int], Values]
_ICE_UNKNOWN: Values = (_NOT_ASSESSABLE, *(a for a, _ in _ICE_CLASSES))
_ICE_WHOLE = (0, ICE_MAX)
_CAPD_UNKNOWN: Values = (0, 1, 3, CAPD_UNABLE_GRADE)
_CAPD_WHOLE = (0, CAPD_MAX)


def _ice_var(ice: IceAssessment | None) -> tuple[Values, tuple[int, int]]:
    """The ICE's values, and its total's range."""
    if ice is None:
        return _ICE_UNKNOWN, _ICE_WHOLE
    if ice.not_performed is None:
        score = _ice_range(ice)
        return _ICE_VALUES[score], score
    if ice.not_performed is IceNotPerformed.UNAROUSABLE:
        return (_UNAROUSABLE,), (0, 0)
    return (_NOT_ASSESSABLE,), _ICE_WHOLE  # sedated or intubated: not assessable


@cache  # one entry per range of totals: 561 at most
def _capd_grades(low: int, high: int) -> Values:
    return tuple(dict.fromkeys(capd_grade(t) for t in _representatives(low, high, _CAPD_CLASSES)))


def _capd_var(capd: CapdAssessment | None) -> tuple[Values, tuple[int, int]]:
    """The CAPD's grade before attribution (not assessable counts as 0, D8), and its range."""
    if capd is None:
        return _CAPD_UNKNOWN, _CAPD_WHOLE
    if capd.not_performed is CapdNotPerformed.UNABLE:
        return (CAPD_UNABLE_GRADE,), _CAPD_WHOLE
    if not capd.assessable:
        return (_NOT_ASSESSABLE,), _CAPD_WHOLE
    total = _capd_range(capd)
    return _capd_grades(*total), total


def _child_var(age: float | None, cut: float) -> Values:
    if age is None:
        return _BOTH
    return (quantize(age) < cut,)


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
    if ice in (0, _UNAROUSABLE) and unarousable and sedated and not other:
        # ICE 0 from sedation is not a score (ice_zero_from_sedation, D10); with the deficit
        # attributed to another cause the ICE does not count, so the record is coherent.
        return None
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


def _worst(domains: Sequence[int], death: int) -> int:
    """The ICANS grade at one completion: death (D6), else the most severe domain."""
    return DEATH_GRADE if death else max(domains)


class _Coupled(NamedTuple):
    """The instrument and consciousness domains, read together (D7-D10)."""

    domain: Domain
    """The most severe of the two, and whether the consciousness finding is present."""
    raw: Level
    """The instrument's grade before attribution."""
    instrument: Level
    """The instrument's contribution."""
    consciousness: Level
    """The consciousness contribution."""
    instruments: frozenset[str]
    """The instruments D7 can choose: ``ICE``, ``CAPD`` or both."""


_ICE_ONLY = frozenset({"ICE"})
_CAPD_ONLY = frozenset({"CAPD"})


@lru_cache(maxsize=1024)
def _coupled_domain(inputs: tuple[Values, ...]) -> _Coupled:
    """The coupled domains when some of their inputs are unknown, by enumeration."""
    points = _points(_coupled, inputs)
    grades = list(points.values())
    combined = {point: max(enc, loc) for point, (_, enc, loc) in points.items()}
    span = _span(list(combined.values()))
    present = _span([int(point[4] > 0) for point in points])
    return _Coupled(
        (span, present, _matters(span, _open_inputs(combined, inputs))),
        _span([grade for grade, _, _ in grades]),
        _span([grade for _, grade, _ in grades]),
        _span([loc for _, _, loc in grades]),
        frozenset("CAPD" if point[0] or point[1] else "ICE" for point in points),  # D7
    )


@cache  # one entry per pattern of the four inputs: 81 at most
def _seizure_domain(inputs: tuple[Values, ...]) -> tuple[Domain, bool]:
    """The seizure domain, and whether the record settles the seizure's own grade."""
    points = _points(_seizure, inputs)
    span = _span(list(points.values()))
    present = _span([int(p[0]) for p in points])
    assessed = len({_seizure(p[0], p[1], p[2], False) for p in points}) == 1
    return (span, present, _matters(span, _open_inputs(points, inputs))), assessed


@cache  # motor and ICP: a grade and an attribution, 24 patterns at most
def _graded_domain(inputs: tuple[Values, ...]) -> Domain:
    points = _points(_graded, inputs)
    span = _span(list(points.values()))
    present = _span([int(p[0] > 0) for p in points])
    return span, present, _matters(span, _open_inputs(points, inputs))


def _seizure_vars(
    seizure: bool | None,
    minutes: float | None,
    over_5: bool | None,
    repetitive: bool | None,
    other: bool | None,
) -> tuple[Values, ...]:
    detail = minutes is not None or over_5 is True or repetitive is True
    # A seizure's details imply a seizure.
    present = _BOTH if seizure is None and not detail else (seizure is not False,)
    if minutes is not None:
        prolonged: Values = (_prolonged(minutes),)
    elif over_5 is not None:
        prolonged = (over_5,)
    else:
        prolonged = _BOTH
    return present, prolonged, _FLAG[repetitive], _FLAG[other]


# --- Building the result ---------------------------------------------------------------------

# Findings and the result are built by setting their slots (results._new_finding and
# results._new_grade_result): the same objects as the constructors build, faster.
# tests/test_icans_fastpath.py checks the field lists and rebuilds results with the constructor.
_FINDING_FIELDS = results._FINDING_FIELDS
_RESULT_FIELDS = results._RESULT_FIELDS


def _grade_result(
    low: int,
    high: int,
    findings: tuple[Finding, ...],
    drivers: tuple[str, ...],
    missing: tuple[str, ...],
    decisions: tuple[str, ...],
    explanation: str,
    excluded: tuple[str, ...],
    instrument: str | None,
) -> GradeResult:
    """The ICANS GradeResult: the grade when the bounds meet, else None."""
    return _new_grade_result(
        "ICANS",
        low,
        high,
        findings,
        drivers,
        missing,
        decisions,
        CRITERIA_VERSION,
        explanation,
        excluded,
        instrument,
    )


def _finding(
    domain: str,
    assessed: bool,
    present: Level,
    other_cause: bool | None,
    contribution: Level,
    detail: str,
) -> Finding:
    return _new_finding(
        domain,
        assessed,
        bool(present[0]) if present[0] == present[1] else None,
        other_cause,
        contribution[0],
        contribution[1],
        detail if not other_cause else f"{detail}, attributed to another cause",
    )


def _grade_text(low: int, high: int, instrument: str | None) -> str:
    grade = f"ICANS grade {low}" if low == high else f"ICANS grade {low} to {high} (undetermined)"
    if instrument is not None:
        grade += f" ({instrument})"
    return f"{grade}: "


def _grade_suffix(low: int, high: int) -> str:
    if low == high:
        return f" (grade {low})" if low else ""
    return f" (grade {low} to {high})"


_RANGES = [(low, high) for low in range(DEATH_GRADE + 1) for high in range(low, DEATH_GRADE + 1)]
#: The explanation's opening and each finding's grade in words (built by _build_tables).
_GRADE_TEXT: dict[tuple[int, int, str | None], str]
_GRADE_SUFFIX: dict[tuple[int, int], str]


#: What an independent domain gives the grade: its finding, the finding in the explanation's
#: words, and its analysis.
Outcome = tuple[Finding, str, Domain]


def _part(finding: Finding) -> str:
    """The finding in the explanation: its detail and, when it adds one, its grade."""
    return finding.detail + _GRADE_SUFFIX[finding.grade_min, finding.grade_max]


def _outcome(finding: Finding, domain: Domain) -> Outcome:
    return finding, _part(finding), domain


# The seizure, motor and ICP outcomes depend on their own few inputs only, so each is built once
# per value of those inputs and shared (findings are frozen): 15 motor outcomes, and the most
# recent seizure and ICP ones.


@lru_cache(maxsize=256)
def _seizure_outcome(
    seizure: bool | None,
    minutes: float | None,
    over_5: bool | None,
    repetitive: bool | None,
    other: bool | None,
) -> Outcome:
    domain, assessed = _seizure_domain(_seizure_vars(seizure, minutes, over_5, repetitive, other))
    detail = _seizure_detail(seizure, minutes, over_5, repetitive)
    return _outcome(_finding("seizure", assessed, domain[1], other, domain[0], detail), domain)


@cache
def _motor(motor: MotorFinding | None, other: bool | None) -> Outcome:
    domain = _graded_domain(((0, 4) if motor is None else (MOTOR_GRADES[motor],), _FLAG[other]))
    detail = _motor_detail(motor)
    return _outcome(
        _finding("motor", motor is not None, domain[1], other, domain[0], detail), domain
    )


@lru_cache(maxsize=256)
def _icp(icp: tuple[IcpFinding, ...] | None, other: bool | None) -> Outcome:
    grade = (0, 3, 4) if icp is None else (max((ICP_GRADES[f] for f in icp), default=0),)
    domain = _graded_domain((grade, _FLAG[other]))
    detail = _icp_detail(icp)
    return _outcome(_finding("icp", icp is not None, domain[1], other, domain[0], detail), domain)


@cache
def _consciousness_known(level: ConsciousnessLevel, sedated: bool) -> tuple[Finding, str]:
    """The consciousness finding when the level and its attribution are known (D9)."""
    grade = CONSCIOUSNESS_GRADES[level]
    contribution = 0 if sedated else grade
    finding = _finding(
        "consciousness",
        True,
        (grade > 0, grade > 0),
        sedated,
        (contribution, contribution),
        _LEVEL_WORDS[level],
    )
    return finding, _part(finding)


def _death_finding(death: bool | None) -> Finding:
    values = _FLAG[death]
    level = (int(values[0]), int(values[-1]))
    return _finding(
        "death",
        death is not None,
        level,
        None,
        (DEATH_GRADE * level[0], DEATH_GRADE * level[1]),
        "death due to ICANS"
        if death
        else ("cause of death not known" if death is None else "no ICANS death"),
    )


#: The death finding of each answer, and its words (D6; built by _build_tables).
_DEATH: dict[bool | None, tuple[Finding, str]]
#: Which input fields each position of each domain stands for; None: read from the record.
_INPUT_FIELDS: tuple[tuple[tuple[str, ...] | None, ...], ...] = (
    (
        ("age_years",),
        ("developmental_delay",),
        None,  # the ICE: the record, or its items not recorded
        None,  # the CAPD: the record, or its answers not recorded
        ("consciousness",),
        ("global_aphasia",),
        ("consciousness_other_cause",),
        ("encephalopathy_other_cause",),
    ),
    (
        ("seizure",),
        ("seizure_duration_min", "seizure_over_5_min"),
        ("seizure_without_return_to_baseline",),
        ("seizure_other_cause",),
    ),
    (("motor",), ("motor_other_cause",)),
    (("icp",), ("icp_other_cause",)),
)
_ICE_ITEM_FIELDS = tuple(f"ice.{name}" for name in _ICE_NAMES)
_CAPD_ITEM_FIELDS = tuple(f"capd.{name}" for name in _CAPD_NAMES)
_EXCLUDED_NAMES = tuple(EXCLUDED_FEATURES)
_excluded_flags: Callable[[IcansAssessment], tuple[bool | None, ...]] = attrgetter(*_EXCLUDED_NAMES)
#: The features reported in ``excluded`` (recorded as present), by their three answers.
_EXCLUDED: dict[tuple[bool | None, ...], tuple[str, ...]] = {
    flags: tuple(compress(_EXCLUDED_NAMES, [flag is True for flag in flags]))
    for flags in product((None, False, True), repeat=len(_EXCLUDED_NAMES))
}
_INSTRUMENT_DOMAIN = {"ICE": "ice", "CAPD": "capd", None: "ice_or_capd"}


def _instrument_and_consciousness(
    a: IcansAssessment, options: IcansOptions, *, direct: bool = True
) -> tuple[_Coupled, tuple[int, int], tuple[int, int]]:
    """The coupled domains, and the ICE's and the CAPD's ranges (for the details).

    When every input is known they are evaluated directly; ``direct=False`` enumerates anyway
    (tests/test_icans_fastpath.py checks that the two agree).
    """
    # The instrument and the level of consciousness, together (D7-D10).
    ice_values, ice_range = _ice_var(a.ice)
    capd_values, capd_range = _capd_var(a.capd)
    delay = a.developmental_delay
    if a.age_years is not None and delay is not None:
        # The instrument is known: the other one is not read. A missing ICE cannot make a
        # combination contradictory (its score could be anything), so it is fixed too.
        child = quantize(a.age_years) < options.ice_min_age_years
        if child or delay:
            if a.ice is None:
                ice_values = (_NOT_ASSESSABLE,)
        else:
            capd_values = (0,)
        sedated = a.consciousness_other_cause
        other = a.encephalopathy_other_cause
        if (
            direct
            and a.consciousness is not None
            and sedated is not None
            and other is not None
            and len(ice_values) == 1
            and len(capd_values) == 1
        ):
            # Every input known (the common case): one combination, evaluated directly. The
            # level is consistent with an awake patient's aphasia (validated): it adds nothing.
            level = CONSCIOUSNESS_GRADES[a.consciousness]
            grades = _coupled(
                child, delay, ice_values[0], capd_values[0], level, False, sedated, other
            )
            assert grades is not None  # a validated record is never contradictory
            raw, enc, loc = grades
            combined = max(enc, loc)
            coupled = _Coupled(
                ((combined, combined), (level > 0, level > 0), _NOTHING_OPEN),
                (raw, raw),
                (enc, enc),
                (loc, loc),
                _CAPD_ONLY if child or delay else _ICE_ONLY,
            )
            return coupled, ice_range, capd_range
    return (
        _coupled_domain(_coupled_inputs(a, options, ice_values, capd_values)),
        ice_range,
        capd_range,
    )


def _coupled_inputs(
    a: IcansAssessment, options: IcansOptions, ice_values: Values, capd_values: Values
) -> tuple[Values, ...]:
    """The values each input of the coupled domains can take, when some are unknown."""
    child = _child_var(a.age_years, options.ice_min_age_years)
    delay = _FLAG[a.developmental_delay]
    if a.consciousness is not None:
        level: Values = (CONSCIOUSNESS_GRADES[a.consciousness],)
        aphasia = _FLAG[False]  # consistent with the level (validated): it adds nothing
    else:
        level = _LEVELS
        # Whether the patient is awake with global aphasia decides only an ICE of 0 (D10): when
        # no ICE of 0 is in play, an unknown answer is not asked for (the level of consciousness
        # is the input to give). The ranges are the same either way.
        capd_certain = child == (True,) or delay == (True,)
        if a.global_aphasia is None and (capd_certain or 0 not in ice_values):
            aphasia = _FLAG[False]
        else:
            aphasia = _FLAG[a.global_aphasia]
    return (
        child,
        delay,
        ice_values,
        capd_values,
        level,
        aphasia,
        _FLAG[a.consciousness_other_cause],
        _FLAG[a.encephalopathy_other_cause],
    )


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
        A frozen :class:`~astct_grading.core.results.GradeResult` with scale ``ICANS``;
        ``instrument`` is the instrument D7 chooses for the patient (``ICE`` or ``CAPD``), or None
        when age or developmental delay is unknown and would change the choice.

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
    coupled, ice_range, capd_range = _instrument_and_consciousness(a, options)
    # Seizure, motor, raised ICP (D11) and death (D6).
    seizure_finding, seizure_part, seizure = _seizure_outcome(
        a.seizure,
        a.seizure_duration_min,
        a.seizure_over_5_min,
        a.seizure_without_return_to_baseline,
        a.seizure_other_cause,
    )
    motor_finding, motor_part, motor = _motor(a.motor, a.motor_other_cause)
    icp_finding, icp_part, icp = _icp(a.icp, a.icp_other_cause)
    death_finding, death_part = _DEATH[a.death_due_to_icans]
    death = _FLAG[a.death_due_to_icans]
    # The grade is monotone in every domain and in death, and the domains share no inputs: its
    # bounds are its values with every domain at its lowest, and at its highest.
    spans = (coupled.domain[0], seizure[0], motor[0], icp[0])
    lows = (spans[0][0], spans[1][0], spans[2][0], spans[3][0])
    low = _worst(lows, death[0])
    high = _worst((spans[0][1], spans[1][1], spans[2][1], spans[3][1]), death[-1])
    if low == high:
        missing: tuple[str, ...] = ()
    else:
        domains = (coupled.domain, seizure, motor, icp)
        missing = _missing(a, domains, lows, len(death) > 1)

    instruments = coupled.instruments
    instrument = next(iter(instruments)) if len(instruments) == 1 else None
    instrument_finding = _instrument_finding(a, instrument, coupled, ice_range, capd_range)
    if a.consciousness is not None and a.consciousness_other_cause is not None:
        consciousness_finding, consciousness_part = _consciousness_known(
            a.consciousness, a.consciousness_other_cause
        )
    else:
        consciousness_finding = _finding(
            "consciousness",
            a.consciousness is not None,
            coupled.domain[1],
            a.consciousness_other_cause,
            coupled.consciousness,
            _consciousness_detail(a),
        )
        consciousness_part = _part(consciousness_finding)
    findings = (
        instrument_finding,
        consciousness_finding,
        seizure_finding,
        motor_finding,
        icp_finding,
        death_finding,
    )
    parts = [_part(instrument_finding), consciousness_part, seizure_part, motor_part, icp_part]
    if a.death_due_to_icans is not False:
        parts.append(death_part)
    excluded = _EXCLUDED[_excluded_flags(a)]
    if low == DEATH_GRADE:
        drivers: tuple[str, ...] = ("death",)
    elif low == 0:
        drivers = ()
    else:
        drivers = tuple([f.domain for f in findings[:-1] if f.grade_min == low])
    return _grade_result(
        low,
        high,
        findings,
        drivers,
        missing,
        _decisions(a, instruments, low, high, excluded),
        _explain(a, options, instrument, low, high, parts, excluded, missing),
        excluded,
        instrument,
    )


def _missing(
    a: IcansAssessment, domains: Sequence[Domain], lows: tuple[int, ...], death_open: bool
) -> tuple[str, ...]:
    """The inputs whose absence leaves the grade open (D13), domain by domain (see _matters).

    Each domain's floor is the highest of the other domains' lowest grades. The death input
    matters whenever it is unknown. No field stands for two inputs, so none is listed twice.
    """
    fields: list[str] = []
    for index, (_, _, matters) in enumerate(domains):
        for position in matters[max(lows[:index] + lows[index + 1 :])]:
            fields.extend(_input_fields(a, index, position))
    if death_open:
        fields.append("death_due_to_icans")
    return tuple(fields)


def _input_fields(a: IcansAssessment, domain: int, position: int) -> tuple[str, ...]:
    names = _INPUT_FIELDS[domain][position]
    if names is not None:
        return names
    if position == 2:
        if a.ice is None:
            return ("ice",)
        return tuple(compress(_ICE_ITEM_FIELDS, [p is None for p in _ice_points(a.ice.__dict__)]))
    if a.capd is None:
        return ("capd",)
    answers = _capd_answers(a.capd.__dict__)
    return tuple(compress(_CAPD_ITEM_FIELDS, [answer is None for answer in answers]))


def _instrument_finding(
    a: IcansAssessment,
    instrument: str | None,
    coupled: _Coupled,
    ice_range: tuple[int, int],
    capd_range: tuple[int, int],
) -> Finding:
    if instrument == "ICE":
        record: IceAssessment | CapdAssessment | None = a.ice
        detail = _ice_detail(a, ice_range)
    elif instrument == "CAPD":
        record = a.capd
        detail = _capd_detail(a.capd, capd_range)
    else:
        record = None
        detail = f"{_ice_detail(a, ice_range)} or {_capd_detail(a.capd, capd_range)}"
    assessable = record is not None and record.assessable
    raw = coupled.raw
    known = raw[0] == raw[1]
    present = (int(raw[0] > 0), int(raw[1] > 0)) if assessable else (0, 1)
    return _finding(
        _INSTRUMENT_DOMAIN[instrument],
        assessable and known,
        present,
        a.encephalopathy_other_cause,
        coupled.instrument,
        detail,
    )


def _ice_detail(a: IcansAssessment, score: tuple[int, int]) -> str:
    """The ICE in words; ``score`` is its total's range (_ice_var)."""
    ice = a.ice
    if ice is None:
        return "ICE not recorded"
    if not ice.assessable:
        return "ICE not performed (sedated or intubated): not assessable, never 0 (D10)"
    if ice.not_performed is IceNotPerformed.UNAROUSABLE:
        return "ICE 0: unarousable, unable to perform ICE (D10)"
    low, high = score
    if low != high:
        return f"ICE {low} to {high} of {ICE_MAX} (items not recorded)"
    if low:
        return _ICE_SCORES[low]
    if a.consciousness is ConsciousnessLevel.UNAROUSABLE:
        return f"{_ICE_SCORES[0]}, unarousable (D10)"
    if a.global_aphasia:
        return f"{_ICE_SCORES[0]}, awake with global aphasia (D10)"
    if a.consciousness is not None:
        return f"{_ICE_SCORES[0]}, arousable (D10)"
    return f"{_ICE_SCORES[0]}, arousal not recorded (D10)"


_ICE_SCORES = tuple(f"ICE {score}/{ICE_MAX}" for score in range(ICE_MAX + 1))


def _capd_detail(capd: CapdAssessment | None, total: tuple[int, int]) -> str:
    """The CAPD in words; ``total`` is its range (_capd_var)."""
    if capd is None:
        return "CAPD not recorded"
    if capd.not_performed is CapdNotPerformed.UNABLE:
        return "unable to perform CAPD (D8)"
    if capd.not_performed is CapdNotPerformed.NEUROMUSCULAR_BLOCKADE:
        return "CAPD not assessable: neuromuscular blockade (D8)"
    if not capd.assessable:
        return f"CAPD not assessable: deep sedation (RASS {capd.rass}) (D8)"
    low, high = total
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


def _seizure_detail(
    seizure: bool | None, minutes: float | None, over_5: bool | None, repetitive: bool | None
) -> str:
    if seizure is False:
        return "no seizure"
    parts: list[str] = []
    if minutes is not None:
        relation = "> 5" if _prolonged(minutes) else "≤ 5"
        parts.append(f"lasting {describe(minutes)} min ({relation} min)")
    elif over_5 is not None:
        parts.append("lasting > 5 min" if over_5 else "lasting ≤ 5 min")
    if repetitive is True:
        parts.append("repetitive without return to baseline")
    elif repetitive is False:
        parts.append("with return to baseline")
    if seizure is None and not parts:
        return "seizure not assessed"
    if seizure is None and minutes is None and over_5 is False:
        # Only negative details: whether there was a seizure at all is not recorded.
        return "seizure not recorded (" + ", ".join(parts) + ")"
    if not parts or (minutes is None and over_5 is None and repetitive is not True):
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


def _decisions(
    a: IcansAssessment,
    instruments: frozenset[str],
    low: int,
    high: int,
    excluded: tuple[str, ...],
) -> tuple[str, ...]:
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
    if (
        a.seizure is not None
        or a.seizure_duration_min is not None
        or a.seizure_over_5_min is not None
        or a.motor is not None
        or a.icp is not None
        or excluded  # a feature recorded as present, never graded
    ):
        applied.append("D11")
    if low != high:
        applied.append("D13")
    if a.age_years is not None or a.seizure_duration_min is not None:
        applied.append("D14")
    return tuple(applied)


def _instrument_note(a: IcansAssessment, options: IcansOptions, instrument: str | None) -> str:
    if instrument == "ICE" and a.capd is not None:
        cut = describe(options.ice_min_age_years)
        return f"CAPD recorded but not used: ICE is the instrument from age {cut} y (D7)"
    if instrument == "CAPD" and a.ice is not None:
        cut = describe(options.ice_min_age_years)
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
    parts: list[str],
    excluded: tuple[str, ...],
    missing: tuple[str, ...],
) -> str:
    """The explanation, one line.

    ``parts`` holds the findings in words (death left out when recorded as not due to ICANS); it is
    extended here.
    """
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
    return _GRADE_TEXT[low, high, instrument] + "; ".join(parts) + "."


# --- The tables built at import --------------------------------------------------------------


def _build_tables() -> None:
    """Build the tables this module computes with its own functions, and bind them.

    Called once, at import (below). They are built in one function so that mutation testing can
    build them again with a mutant active (tests/conftest.py, docs/mutation.md): mutmut switches a
    mutant on in a process that has already imported the module, so a table built only at import
    would never show a mutant of the functions that build it.
    """
    # Module globals by design: the functions that read them look them up at each call.
    global _ICE_NOT_ASSESSABLE, _ICE_UNAROUSABLE
    global _ICE_ITEMS_SCORED, _ICE_ITEMS_TOTALLED, _ICE_VALUES  # noqa: PLW0603
    global _CAPD_POINTS, _CAPD_ITEMS_SCORED, _CAPD_ITEMS_TOTALLED  # noqa: PLW0603
    global _GRADE_TEXT, _GRADE_SUFFIX, _DEATH  # noqa: PLW0603
    _ICE_NOT_ASSESSABLE, _ICE_UNAROUSABLE = _ice_results()
    _ICE_ITEMS_SCORED = tuple(_ice_item_table(name, "not recorded") for name in _ICE_NAMES)
    _ICE_ITEMS_TOTALLED = tuple(
        _ice_item_table(name, "not recorded (total given)") for name in _ICE_NAMES
    )
    _CAPD_POINTS = tuple(
        {None: 0, **{answer: capd_points(answer, reverse=item.reverse) for answer in CapdAnswer}}
        for item in CAPD_ITEMS
    )
    _CAPD_ITEMS_SCORED = tuple(_capd_item_table(i, "not recorded") for i in range(len(CAPD_ITEMS)))
    _CAPD_ITEMS_TOTALLED = tuple(
        _capd_item_table(i, "not recorded (total given)") for i in range(len(CAPD_ITEMS))
    )
    _ICE_VALUES = {
        (low, high): _representatives(low, high, _ICE_CLASSES) for low, high in _ICE_RANGES
    }
    _GRADE_TEXT = {
        (low, high, instrument): _grade_text(low, high, instrument)
        for low, high in _RANGES
        for instrument in ("ICE", "CAPD", None)
    }
    _GRADE_SUFFIX = {(low, high): _grade_suffix(low, high) for low, high in _RANGES}
    # After _GRADE_SUFFIX, which _part reads.
    _DEATH = {
        death: (finding, _part(finding))
        for death in (None, False, True)
        for finding in (_death_finding(death),)
    }


_build_tables()
