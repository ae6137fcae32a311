"""The Cornell Assessment of Pediatric Delirium (CAPD): its record and its total (D8).

The items and their scoring are read from :mod:`astct_grading.criteria.icans` (Traube 2014 and
the CAPD form); when the CAPD is not assessable is decision D8, and unknown answers give a range
(D13).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from itertools import compress
from operator import getitem, itemgetter
from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

from astct_grading.core.results import ScoreItem, ScoreResult
from astct_grading.core.validation import InputModel, _number, coerce
from astct_grading.criteria.icans import (
    CAPD_ITEM_MAX,
    CAPD_ITEMS,
    CAPD_MAX,
    CAPD_POSITIVE_MIN,
    CAPD_VERSION,
    RASS_DEEP_SEDATION_MAX,
    RASS_MIN,
    CapdAnswer,
    CapdNotPerformed,
    capd_points,
)

__all__ = [
    "CAPD_NAMES",
    "CAPD_POINT_NAMES",
    "CapdAssessment",
    "CapdItemPoints",
    "CapdTotal",
    "Rass",
    "capd_answers",
    "capd_range",
    "score_capd",
]

# The bounds come before the boolean check, as for the ICE (astct_grading.icans.ice).

#: The CAPD total, 0-32 (D15).
CapdTotal = Annotated[
    int,
    Field(ge=0, le=CAPD_MAX),
    BeforeValidator(_number),
    WithJsonSchema({"type": "integer", "minimum": 0, "maximum": CAPD_MAX}),
]
#: One CAPD item as its scored points, 0-4, after the reverse scoring of items 1-4 (CAPD form;
#: D15), as charts and other calculators store it.
CapdItemPoints = Annotated[
    int,
    Field(ge=0, le=CAPD_ITEM_MAX),
    BeforeValidator(_number),
    WithJsonSchema({"type": "integer", "minimum": 0, "maximum": CAPD_ITEM_MAX}),
]
#: Richmond Agitation-Sedation Scale, -5 to +4.
Rass = Annotated[
    int,
    Field(ge=RASS_MIN, le=4),
    BeforeValidator(_number),
    WithJsonSchema({"type": "integer", "minimum": RASS_MIN, "maximum": 4}),
]

#: The item names, in the form's order.
CAPD_NAMES = tuple(item.name for item in CAPD_ITEMS)
#: The fields of the items' scored points, ``<item>_points``, in the form's order.
CAPD_POINT_NAMES = tuple(f"{name}_points" for name in CAPD_NAMES)
_raw_answers: Callable[[Mapping[str, Any]], tuple[CapdAnswer | None, ...]] = itemgetter(*CAPD_NAMES)
_raw_points: Callable[[Mapping[str, Any]], tuple[int | None, ...]] = itemgetter(*CAPD_POINT_NAMES)
_NO_POINTS: tuple[int | None, ...] = (None,) * len(CAPD_NAMES)
#: The fields that score the CAPD: a CAPD not performed, or under deep sedation, has none (D8).
_CAPD_SCORED = (*CAPD_NAMES, *CAPD_POINT_NAMES, "total")


def capd_answers(data: Mapping[str, Any]) -> tuple[CapdAnswer | None, ...]:
    """The eight answers of a model's or a validator's field dict, in the form's order.

    An item given only as its scored points is read as the one answer that scores them (the
    scoring is one-to-one, CAPD form); an item given in neither form is None (unknown, D13).
    A KeyError when a field is absent (an answer or points that failed validation).

    Example:
        >>> capd_answers(CapdAssessment(eye_contact_points=3, restless="often").__dict__)[:5]
        (<CapdAnswer.RARELY: 'rarely'>, None, None, None, <CapdAnswer.OFTEN: 'often'>)
    """
    answers = _raw_answers(data)
    points = _raw_points(data)
    if points == _NO_POINTS:
        return answers
    return tuple(map(_answer_of, _answers_by_points(), answers, points))


def _answer_of(
    table: Mapping[int | None, CapdAnswer | None], answer: CapdAnswer | None, points: int | None
) -> CapdAnswer | None:
    return table[points] if answer is None else answer


@cache
def _answers_by_points() -> tuple[dict[int | None, CapdAnswer | None], ...]:
    """Each item's answer by scored points (the inverse of the form's scoring); None for none."""
    return tuple(
        {
            None: None,
            **{points: answer for answer, points in by_answer.items() if answer is not None},
        }
        for by_answer in _points_by_answer()
    )


@cache
def _points_by_answer() -> tuple[dict[CapdAnswer | None, int], ...]:
    """Each item's points by answer, read once from the form's scoring; no answer adds 0."""
    return tuple(
        {None: 0, **{answer: capd_points(answer, reverse=item.reverse) for answer in CapdAnswer}}
        for item in CAPD_ITEMS
    )


def _capd_known(answers: tuple[CapdAnswer | None, ...]) -> tuple[int, int]:
    """(points of the answers given, number of items not answered), answers in the form's order."""
    return sum(map(getitem, _points_by_answer(), answers)), answers.count(None)


class CapdAssessment(InputModel):
    """One Cornell Assessment of Pediatric Delirium (CAPD) (Traube 2014; D8).

    Give the eight answers by item name (``never``, ``rarely``, ``sometimes``, ``often``,
    ``always``), or only the ``total`` (0-32), or both (they must agree). Items 1-4 are
    reverse-scored (never 4 ... always 0), items 5-8 scored directly (never 0 ... always 4).
    An item charted as its scored points (0-4, after that reverse scoring) goes in
    ``<item>_points`` (e.g. ``eye_contact_points``); given with the answer, the two must agree
    (``capd_points_conflict``), and the total must agree with both.
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
    eye_contact_points: CapdItemPoints | None = None
    """1. Eye contact as charted points, 0-4 after reverse scoring (never 4 ... always 0)."""
    purposeful_actions_points: CapdItemPoints | None = None
    """2. Purposeful actions as charted points, 0-4 after reverse scoring."""
    aware_of_surroundings_points: CapdItemPoints | None = None
    """3. Aware of surroundings as charted points, 0-4 after reverse scoring."""
    communicates_needs_points: CapdItemPoints | None = None
    """4. Communicates needs and wants as charted points, 0-4 after reverse scoring."""
    restless_points: CapdItemPoints | None = None
    """5. Restless as charted points, 0-4 (never 0 ... always 4)."""
    inconsolable_points: CapdItemPoints | None = None
    """6. Inconsolable as charted points, 0-4."""
    underactive_points: CapdItemPoints | None = None
    """7. Underactive as charted points, 0-4."""
    slow_to_respond_points: CapdItemPoints | None = None
    """8. Slow to respond as charted points, 0-4."""
    total: CapdTotal | None = None
    """The CAPD total, 0-32, when the answers are not recorded (or to check them)."""
    rass: Rass | None = None
    """The Richmond Agitation-Sedation Scale at the assessment, -5 to +4; at -4 or -5 the CAPD is
    not scored (deep sedation)."""
    not_performed: CapdNotPerformed | None = None
    """Why the CAPD was not performed: ``deep_sedation`` or ``neuromuscular_blockade`` (not
    assessable), or ``unable`` (unable because of ICANS: grade 4)."""

    @field_validator(*CAPD_POINT_NAMES)
    @classmethod
    def _points_agree(cls, points: int | None, info: ValidationInfo) -> int | None:
        if points is None:
            return points
        index = CAPD_POINT_NAMES.index(str(info.field_name))
        answer = info.data.get(CAPD_NAMES[index])  # absent when invalid: reported on its own
        if answer is not None and _points_by_answer()[index][answer] != points:
            item = CAPD_ITEMS[index]
            raise PydanticCustomError(
                "capd_points_conflict",
                "{field} is {points}, but the answer {item} '{answer}' scores {expected} "
                "({scoring}; CAPD form)",
                {
                    "field": info.field_name,
                    "points": points,
                    "item": item.name,
                    "answer": answer.value,
                    "expected": _points_by_answer()[index][answer],
                    "scoring": "reverse-scored" if item.reverse else "scored directly",
                },
            )
        return points

    @field_validator("total")
    @classmethod
    def _total_agrees(cls, total: int | None, info: ValidationInfo) -> int | None:
        if total is None:
            return total
        try:
            answers = capd_answers(info.data)
        except KeyError:
            return total  # an answer or points are invalid: that error is reported on its own
        known, unknown = _capd_known(answers)
        if not known <= total <= known + CAPD_ITEM_MAX * unknown:
            given = "answers" if _raw_points(info.data) == _NO_POINTS else "answers and points"
            raise PydanticCustomError(
                "capd_total_conflict",
                "the CAPD total {total} disagrees with the {given} given ({known} points, "
                "{unknown} items not recorded)",
                {"total": total, "given": given, "known": known, "unknown": unknown},
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


def capd_range(capd: CapdAssessment) -> tuple[int, int]:
    """The CAPD total's range (D8, D13).

    A CAPD not performed has no answers and no total (validated), so it is 0-32.

    Example:
        >>> capd_range(CapdAssessment(eye_contact="never", restless="always"))
        (8, 32)
    """
    total = capd.total
    if total is not None:
        return total, total
    known, unknown = _capd_known(capd_answers(capd.__dict__))
    return known, known + CAPD_ITEM_MAX * unknown


def _capd_item_table(index: int, unknown: str) -> dict[CapdAnswer | None, ScoreItem]:
    """Each item's possible scorings, built once: they are frozen, so results share them."""
    item = CAPD_ITEMS[index]
    scoring = "reverse-scored" if item.reverse else "scored directly"
    table: dict[CapdAnswer | None, ScoreItem] = {
        answer: ScoreItem(item.name, points, points, f"{answer.value} ({scoring})")
        for answer, points in _points_by_answer()[index].items()
        if answer is not None
    }
    return {**table, None: ScoreItem(item.name, 0, CAPD_ITEM_MAX, unknown)}


@cache
def _items_scored() -> tuple[dict[CapdAnswer | None, ScoreItem], ...]:
    """Each item's scorings when the answers are scored, built once."""
    return tuple(_capd_item_table(i, "not recorded") for i in range(len(CAPD_ITEMS)))


@cache
def _items_totalled() -> tuple[dict[CapdAnswer | None, ScoreItem], ...]:
    """Each item's scorings when a total is given, built once."""
    return tuple(_capd_item_table(i, "not recorded (total given)") for i in range(len(CAPD_ITEMS)))


_CAPD_NOT_PERFORMED_ITEMS = tuple(
    ScoreItem(name, 0, CAPD_ITEM_MAX, "not performed") for name in CAPD_NAMES
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
    model = coerce(capd, CapdAssessment, "score_capd")
    if model.not_performed is not None or not model.assessable:
        return _capd_without_total(model)
    answers = capd_answers(model.__dict__)
    total = model.total
    if total is not None:
        items = _score_items(_items_totalled(), answers, model)
        return ScoreResult(
            "CAPD", total, total, total, items, (), (), CAPD_VERSION, _CAPD_EXACT[total]
        )
    items = _score_items(_items_scored(), answers, model)
    low, unknown = _capd_known(answers)
    if not unknown:
        return ScoreResult("CAPD", low, low, low, items, (), (), CAPD_VERSION, _CAPD_EXACT[low])
    high = low + CAPD_ITEM_MAX * unknown
    missing = tuple(compress(CAPD_NAMES, [answer is None for answer in answers]))
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


def _score_items(
    tables: tuple[dict[CapdAnswer | None, ScoreItem], ...],
    answers: tuple[CapdAnswer | None, ...],
    model: CapdAssessment,
) -> tuple[ScoreItem, ...]:
    """Each item's scoring; an item given only as points says so (its answer is read from them)."""
    items = tuple(map(getitem, tables, answers))
    points = _raw_points(model.__dict__)
    if points == _NO_POINTS:
        return items
    given = _raw_answers(model.__dict__)
    return tuple(
        item if given[i] is not None or charted is None else _items_charted()[i][charted]
        for i, (item, charted) in enumerate(zip(items, points, strict=True))
    )


@cache
def _items_charted() -> tuple[dict[int, ScoreItem], ...]:
    """Each item's scorings by charted points, built once."""
    tables = []
    for index, item in enumerate(CAPD_ITEMS):
        scoring = "reverse-scored" if item.reverse else "scored directly"
        by_answer = _points_by_answer()[index]
        tables.append(
            {
                points: ScoreItem(
                    item.name,
                    points,
                    points,
                    f"{points} points as charted ({scoring}: {answer.value})",
                )
                for answer, points in by_answer.items()
                if answer is not None
            }
        )
    return tuple(tables)


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
