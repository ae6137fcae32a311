"""SLEDAI-2K: ``score_sledai2k``, the total of a visit's descriptors (Gladman 2002).

The descriptors, weights and laboratory bounds are read from :mod:`astct_grading.criteria.sledai2k`;
the product decisions followed are D13-D19 (docs/decisions.md). The visit model is in
:mod:`astct_grading.sle.models`, each descriptor's scoring in :mod:`astct_grading.sle.descriptors`
and the result types in :mod:`astct_grading.sle.results`; their public names are importable from
here too.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache, partial
from itertools import product
from operator import itemgetter
from typing import Any

from astct_grading.core.validation import coerce
from astct_grading.criteria.sledai2k import (
    BAND_SOURCE,
    LAB_BOUNDS,
    MAX_SCORE,
    ActivityBand,
    activity_band,
)
from astct_grading.sle.descriptors import OTHER_CAUSE_FIELDS, Entry, entries, other_causes, totals
from astct_grading.sle.models import AntiDsDnaMeasurement, ComplementMeasurement, SledaiVisit
from astct_grading.sle.options import DEFAULT_OPTIONS, Sledai2kOptions
from astct_grading.sle.readings import COMPLEMENT_FIELDS
from astct_grading.sle.results import Basis, Sledai2kResult, SledaiExplanation, SledaiItem

__all__ = [
    "AntiDsDnaMeasurement",
    "Basis",
    "ComplementMeasurement",
    "Sledai2kOptions",
    "Sledai2kResult",
    "SledaiItem",
    "SledaiVisit",
    "score_sledai2k",
]


@cache
def _bands() -> tuple[ActivityBand, ...]:
    """The activity band of every possible score (D19), built on first use."""
    return tuple(activity_band(score) for score in range(MAX_SCORE + 1))


def score_sledai2k(
    visit: SledaiVisit | Mapping[str, Any], *, options: Sledai2kOptions = DEFAULT_OPTIONS
) -> Sledai2kResult:
    """Score one visit by SLEDAI-2K (Gladman 2002).

    Each descriptor present in the look-back window (10 days, or 30, D18) and not attributed to a
    cause its definition excludes (D17) adds its weight; the maximum is 105. Unknown descriptors
    give a range (D13). Clinical SLEDAI leaves out low complement and increased DNA binding, and
    the activity band is a convention, not part of SLEDAI-2K (D19).

    Args:
        visit: a :class:`SledaiVisit`, or a mapping validated into one.
        options: named alternatives to the default readings (D16).

    Returns:
        A frozen :class:`Sledai2kResult` with the score or its range.

    Raises:
        pydantic.ValidationError: the mapping is not a valid visit, or the arthritis call
            contradicts the joint count under the chosen reading (D16).
        AstctGradingError: ``visit`` is neither a model nor a mapping.

    Example:
        >>> result = score_sledai2k({"seizure": True, "rash": True, "low_complement": True})
        >>> result.score is None, result.score_min, result.score_max
        (True, 12, 105)
        >>> from astct_grading.criteria.sledai2k import Descriptor
        >>> everything_else = {d.value: False for d in Descriptor}
        >>> result = score_sledai2k({**everything_else, "seizure": True, "low_complement": True})
        >>> result.score, result.clinical_score, result.activity_band.value
        (10, 8, 'moderate')
    """
    v = coerce(visit, SledaiVisit, "score_sledai2k")
    data = v.__dict__
    # The totals now; the rest on first access (_explaining).
    scores = totals(data)
    found: list[Entry] | None = None
    if scores is None:  # raw values given: each descriptor is scored from them now
        found = entries(data, options)
        scores = (
            sum(map(_LOW, found)),
            sum(map(_HIGH, found)),
            sum(map(_CLINICAL_LOW, found)),
            sum(map(_CLINICAL_HIGH, found)),
        )
    bands = _bands()
    return Sledai2kResult.deferred(
        scores,
        (bands[scores[0]], bands[scores[1]]),
        BAND_SOURCE,
        v.window_days,
        v.visit_date.isoformat() if v.visit_date is not None else None,
        partial(_explaining, data, options, found),
    )


_LOW, _HIGH, _CLINICAL_LOW, _CLINICAL_HIGH = (itemgetter(i) for i in range(1, 5))


def _explaining(
    data: Mapping[str, Any], options: Sledai2kOptions, found: list[Entry] | None
) -> SledaiExplanation:
    """The explaining parts of a :func:`score_sledai2k` result, built on first access.

    The descriptors as scored, the inputs that leave the score open, the decisions, the
    explanation and the descriptors excluded by a cause (D17), from the visit's entries (scored
    now when the totals were found without them).
    """
    if found is None:
        found = entries(data, options)
    items: list[SledaiItem] = []
    missing: list[str] = []
    excluded: list[str] = []
    counted: list[str] = []
    excluded_parts: list[str] = []
    open_parts: list[str] = []
    low = high = c_low = c_high = 0
    for item, lo, hi, c_lo, c_hi, miss, counted_part, excluded_part, open_part in found:
        items.append(item)
        low += lo
        high += hi
        c_low += c_lo
        c_high += c_hi
        if miss:
            missing.extend(miss)
        if counted_part is not None:
            counted.append(counted_part)
        if excluded_part is not None:
            excluded.append(item.name)
            excluded_parts.append(excluded_part)
        if open_part is not None:
            open_parts.append(open_part)
    bands = _bands()
    explanation = _explain(
        data["window_days"],
        (low, high),
        (c_low, c_high),
        (bands[low], bands[high]),
        (counted, excluded_parts, open_parts),
    )
    return (
        tuple(items),
        tuple(missing),
        _decisions(data, options, low != high),
        explanation,
        tuple(excluded),
    )


_ABSOLUTE_RAW_FIELDS = tuple(b.field for b in LAB_BOUNDS)
_LAB_LIMIT_RAW_FIELDS = (*COMPLEMENT_FIELDS, "anti_dsdna")
_absolute_raw = itemgetter(*_ABSOLUTE_RAW_FIELDS)
_lab_limit_raw = itemgetter(*_LAB_LIMIT_RAW_FIELDS)
_NO_ABSOLUTE_RAW = (None,) * len(_ABSOLUTE_RAW_FIELDS)
_NO_LAB_LIMIT_RAW = (None,) * len(_LAB_LIMIT_RAW_FIELDS)
_NO_OTHER_CAUSE = (False,) * len(OTHER_CAUSE_FIELDS)

#: (D13, D14, D16, D17 applied) -> the decisions, in order; D18 and D19 always apply.
_DECISIONS: Mapping[tuple[bool, bool, bool, bool], tuple[str, ...]] = {
    flags: (
        *(d for d, on in zip(("D13", "D14", "D16", "D17"), flags, strict=True) if on),
        "D18",
        "D19",
    )
    for flags in product((True, False), (True, False), (True, False), (True, False))
}


def _decisions(data: Mapping[str, Any], options: Sledai2kOptions, open_: bool) -> tuple[str, ...]:
    # Tuple comparisons: the values are None, booleans or models, never equal across kinds.
    d14 = _absolute_raw(data) != _NO_ABSOLUTE_RAW
    d16 = data["arthritis_joint_count"] is not None or (
        options is not DEFAULT_OPTIONS and options != DEFAULT_OPTIONS
    )
    d17 = d14 or _lab_limit_raw(data) != _NO_LAB_LIMIT_RAW or other_causes(data) != _NO_OTHER_CAUSE
    return _DECISIONS[open_, d14, d16, d17]


def _span(low: int, high: int) -> str:
    return str(low) if low == high else f"{low} to {high}"


#: (lowest band, highest band) -> the band part of the explanation (D19).
_BAND_TEXT: Mapping[tuple[ActivityBand, ActivityBand], str] = {
    (low, high): "activity band "
    + (low.value if low is high else f"{low.value} to {high.value}")
    + " (a convention, Polachek 2017, D19)"
    for low in ActivityBand
    for high in ActivityBand
}


def _explain(
    window_days: int,
    total: tuple[int, int],
    clinical: tuple[int, int],
    bands: tuple[ActivityBand, ActivityBand],
    parts: tuple[list[str], list[str], list[str]],
) -> str:
    low, high = total
    counted, excluded, open_items = parts
    head = f"SLEDAI-2K {_span(low, high)}" + (" (undetermined)" if low != high else "")
    text = [f"{head}, {window_days}-day window (D18)"]
    text.append("counted: " + ", ".join(counted) if counted else "no descriptor counted")
    if excluded:
        text.append("excluded: " + ", ".join(excluded))
    if open_items:
        text.append("open: " + ", ".join(open_items))
    text.append(f"clinical SLEDAI {_span(*clinical)}")
    text.append(_BAND_TEXT[bands])
    return "; ".join(text) + "."
