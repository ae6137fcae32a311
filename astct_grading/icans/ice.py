"""The ICE score (Immune effector Cell-associated Encephalopathy): its record and its total (D10).

The items and their points are read from :mod:`astct_grading.criteria.icans` (ICE table of Lee
2019); how an ICE not performed is read is decision D10, and unknown items give a range (D13).
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
    CRITERIA_VERSION,
    ICE_DOMAINS,
    ICE_ITEMS,
    ICE_MAX,
    IceNotPerformed,
)

__all__ = [
    "ICE_DOMAIN_NAMES",
    "ICE_NAMES",
    "IceAssessment",
    "IcePoint",
    "IceTotal",
    "ice_open_items",
    "ice_points",
    "ice_range",
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

#: The item names, in the table's order.
ICE_NAMES = tuple(item.name for item in ICE_ITEMS)
#: The ten items of a model's or a validator's field dict, in one call; a KeyError when one is
#: absent (an item that failed validation).
ice_points: Callable[[Mapping[str, Any]], tuple[int | None, ...]] = itemgetter(*ICE_NAMES)
#: The domain subtotals' field names, in the table's order (D10).
ICE_DOMAIN_NAMES = tuple(ICE_DOMAINS)
#: Each domain's items' positions among ``ICE_NAMES``.
_DOMAIN_ITEMS = tuple(
    tuple(ICE_NAMES.index(item) for item in items) for items in ICE_DOMAINS.values()
)
#: The fields that score the ICE: an ICE not performed has none of them (D10).
_ICE_SCORED = (*ICE_NAMES, *ICE_DOMAIN_NAMES, "total")


#: The orientation subtotal, 0-4 points (ICE table; D10, D15), checked like the items.
IceOrientation = Annotated[
    int,
    Field(ge=0, le=4),
    BeforeValidator(_number),
    WithJsonSchema({"type": "integer", "minimum": 0, "maximum": 4}),
]
#: The naming subtotal, 0-3 points (ICE table; D10, D15).
IceNaming = Annotated[
    int,
    Field(ge=0, le=3),
    BeforeValidator(_number),
    WithJsonSchema({"type": "integer", "minimum": 0, "maximum": 3}),
]


def _domain_range(points: tuple[int | None, ...], domain: int) -> tuple[int, int]:
    """A domain's points from its items: (points given, points given + items not recorded)."""
    items = [points[i] for i in _DOMAIN_ITEMS[domain]]
    known = items.count(1)
    return known, known + items.count(None)


def _ranges(
    points: tuple[int | None, ...], subtotals: tuple[int | None, ...]
) -> list[tuple[int, int]]:
    """Each domain's range: its subtotal when given, else its items' range (D10, D13)."""
    return [
        _domain_range(points, d) if given is None else (given, given)
        for d, given in enumerate(subtotals)
    ]


#: The five subtotals of a model's or a validator's field dict (KeyError when one is absent:
#: in a validator, a subtotal that failed its own validation).
_subtotals_of: Callable[[Mapping[str, Any]], tuple[int | None, ...]] = itemgetter(*ICE_DOMAIN_NAMES)


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
    orientation: IceOrientation | None = None
    """The orientation subtotal, 0-4 (year, month, city, hospital), for records that keep the
    ICE by domain; must agree with the orientation items given."""
    naming: IceNaming | None = None
    """The naming subtotal, 0-3 (three objects); must agree with the naming items given."""
    commands: IcePoint | None = None
    """The following-commands subtotal, 0-1; must agree with ``follows_commands``."""
    writing: IcePoint | None = None
    """The writing subtotal, 0-1; must agree with ``writes_sentence``."""
    attention: IcePoint | None = None
    """The attention subtotal, 0-1; must agree with ``counts_back_by_ten``."""
    total: IceTotal | None = None
    """The ICE total, 0-10, when the items are not recorded (or to check them)."""
    not_performed: IceNotPerformed | None = None
    """Why the ICE was not performed: ``sedated_or_intubated`` (not assessable) or
    ``unarousable`` (ICE 0 in an unarousable patient)."""

    @field_validator(*ICE_DOMAIN_NAMES)
    @classmethod
    def _domain_agrees(cls, subtotal: int | None, info: ValidationInfo) -> int | None:
        if subtotal is None:
            return subtotal
        try:
            points = ice_points(info.data)
        except KeyError:
            return subtotal  # an item is invalid: that error is reported on its own
        low, high = _domain_range(points, ICE_DOMAIN_NAMES.index(str(info.field_name)))
        if not low <= subtotal <= high:
            raise PydanticCustomError(
                "ice_domain_conflict",
                "the ICE {domain} subtotal {subtotal} disagrees with its items given ({known} "
                "points, {unknown} items not recorded) (D10)",
                {
                    "domain": info.field_name,
                    "subtotal": subtotal,
                    "known": low,
                    "unknown": high - low,
                },
            )
        return subtotal

    @field_validator("total")
    @classmethod
    def _total_agrees(cls, total: int | None, info: ValidationInfo) -> int | None:
        if total is None:
            return total
        try:
            points = ice_points(info.data)
            subtotals = _subtotals_of(info.data)
        except KeyError:
            return total  # an item or a subtotal is invalid: that error is reported on its own
        if subtotals != _NO_SUBTOTALS:
            ranges = _ranges(points, subtotals)
            low, high = sum(r[0] for r in ranges), sum(r[1] for r in ranges)
            if not low <= total <= high:
                raise PydanticCustomError(
                    "ice_total_conflict",
                    "the ICE total {total} disagrees with the items and domain subtotals given "
                    "({low} to {high} points)",
                    {"total": total, "low": low, "high": high},
                )
            return total
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


_NO_SUBTOTALS: tuple[int | None, ...] = (None,) * len(ICE_DOMAIN_NAMES)


def ice_open_items(ice: IceAssessment) -> tuple[str, ...]:
    """The items whose absence leaves the ICE total open (D13).

    An item is open when it is not recorded, its domain has no subtotal and no total is given.

    Example:
        >>> ice_open_items(IceAssessment(orientation=4, naming_object_1=1))
        ('naming_object_2', 'naming_object_3', 'follows_commands', 'writes_sentence', \
'counts_back_by_ten')
    """
    if ice.total is not None or ice.not_performed is not None:
        return ()
    points = ice_points(ice.__dict__)
    subtotals = _subtotals_of(ice.__dict__)
    return tuple(
        ICE_NAMES[i]
        for d, given in enumerate(subtotals)
        if given is None
        for i in _DOMAIN_ITEMS[d]
        if points[i] is None
    )


def ice_range(ice: IceAssessment) -> tuple[int, int]:
    """The ICE total's range (D10, D13).

    An ICE not performed has no items and no total (validated), so for sedation it is 0-10.

    Example:
        >>> ice_range(IceAssessment(orientation_year=1, orientation_month=0))
        (1, 9)
    """
    if ice.not_performed is IceNotPerformed.UNAROUSABLE:
        return 0, 0  # "0 (patient is unarousable and unable to perform ICE)"
    total = ice.total
    if total is not None:
        return total, total
    points = ice_points(ice.__dict__)
    subtotals = _subtotals_of(ice.__dict__)
    if subtotals != _NO_SUBTOTALS:  # domain subtotals stand for their items (D10)
        ranges = _ranges(points, subtotals)
        return sum(r[0] for r in ranges), sum(r[1] for r in ranges)
    known = points.count(1)
    return known, known + points.count(None)


@cache
def _fixed_results() -> tuple[ScoreResult, ScoreResult]:
    """The two ICE results that do not depend on any item (D10), built once."""
    not_assessable = ScoreResult(
        scale="ICE",
        score=None,
        score_min=0,
        score_max=ICE_MAX,
        items=tuple(ScoreItem(name, 0, 1, "not performed") for name in ICE_NAMES),
        missing=(),
        decisions=("D10",),
        criteria_version=CRITERIA_VERSION,
        explanation="ICE not assessable: not performed because the patient is sedated or "
        "intubated; never scored 0 (D10).",
    )
    items = tuple(ScoreItem(name, 0, 0, "unarousable") for name in ICE_NAMES)
    explanation = "ICE 0: the patient is unarousable and unable to perform ICE (D10)."
    unarousable = ScoreResult("ICE", 0, 0, 0, items, (), ("D10",), CRITERIA_VERSION, explanation)
    return not_assessable, unarousable


def _ice_item_table(name: str, unknown: str) -> dict[int | None, ScoreItem]:
    """Each item's possible scorings, built once: they are frozen, so results share them."""
    return {
        1: ScoreItem(name, 1, 1, "correct"),
        0: ScoreItem(name, 0, 0, "incorrect"),
        None: ScoreItem(name, 0, 1, unknown),
    }


@cache
def _items_scored() -> tuple[dict[int | None, ScoreItem], ...]:
    """Each item's scorings when the items are scored, built once."""
    return tuple(_ice_item_table(name, "not recorded") for name in ICE_NAMES)


@cache
def _items_totalled() -> tuple[dict[int | None, ScoreItem], ...]:
    """Each item's scorings when a total is given, built once."""
    return tuple(_ice_item_table(name, "not recorded (total given)") for name in ICE_NAMES)


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
    model = coerce(ice, IceAssessment, "score_ice")
    reason = model.not_performed
    if reason is IceNotPerformed.SEDATED_OR_INTUBATED:
        return _fixed_results()[0]
    if reason is IceNotPerformed.UNAROUSABLE:
        return _fixed_results()[1]
    points = ice_points(model.__dict__)
    unknown = points.count(None)
    total = model.total
    if total is not None:
        items = tuple(map(getitem, _items_totalled(), points))
        explanation = f"ICE {total}/{ICE_MAX}"
        if unknown:
            explanation += " (total recorded; items not all recorded)"
        return ScoreResult(
            "ICE", total, total, total, items, (), _D10, CRITERIA_VERSION, explanation + "."
        )
    subtotals = _subtotals_of(model.__dict__)
    if subtotals != _NO_SUBTOTALS:
        return _score_by_domain(model, points, subtotals)
    items = tuple(map(getitem, _items_scored(), points))
    low = points.count(1)
    if not unknown:
        return ScoreResult(
            "ICE", low, low, low, items, (), _D10, CRITERIA_VERSION, f"ICE {low}/{ICE_MAX}."
        )
    missing = tuple(compress(ICE_NAMES, [point is None for point in points]))
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


def _score_by_domain(
    model: IceAssessment, points: tuple[int | None, ...], subtotals: tuple[int | None, ...]
) -> ScoreResult:
    """The ICE from domain subtotals, with or without items (D10, D13).

    A subtotal stands for its items, so an item not recorded in a domain with a subtotal leaves
    nothing open.
    """
    in_subtotal = {
        i for d, given in enumerate(subtotals) if given is not None for i in _DOMAIN_ITEMS[d]
    }
    items = tuple(
        _BY_SUBTOTAL[index]
        if point is None and index in in_subtotal
        else _items_scored()[index][point]
        for index, point in enumerate(points)
    )
    low, high = ice_range(model)
    given = ", ".join(
        f"{name} {value}"
        for name, value in zip(ICE_DOMAIN_NAMES, subtotals, strict=True)
        if value is not None
    )
    if low == high:
        return ScoreResult(
            "ICE",
            low,
            low,
            low,
            items,
            (),
            _D10,
            CRITERIA_VERSION,
            f"ICE {low}/{ICE_MAX} (domain subtotals: {given}).",
        )
    missing = ice_open_items(model)
    explanation = (
        f"ICE {low} to {high} of {ICE_MAX} (undetermined; domain subtotals: {given}); open until "
        "given: " + ", ".join(missing)
    )
    return ScoreResult(
        "ICE", None, low, high, items, missing, _D10_D13, CRITERIA_VERSION, explanation + "."
    )


#: An item not recorded in a domain whose subtotal is given: 0 or 1, settled by the subtotal.
_BY_SUBTOTAL = tuple(
    ScoreItem(name, 0, 1, "not recorded (domain subtotal given)") for name in ICE_NAMES
)
