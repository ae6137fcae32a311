"""SLEDAI-2K change from baseline to follow-up (follow-up minus baseline; D13, D18)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from astct_grading.core.validation import coerce
from astct_grading.criteria.sledai2k import CRITERIA_VERSION
from astct_grading.sle.assessing import in_order, open_terms, span
from astct_grading.sle.inputs import SledaiChangeInput
from astct_grading.sle.options import DEFAULT_OPTIONS, Sledai2kOptions
from astct_grading.sle.outcomes import JsonResult
from astct_grading.sle.results import Sledai2kResult
from astct_grading.sle.sledai import score_sledai2k

__all__ = ["SledaiChangeResult", "change_from_baseline"]


@dataclass(frozen=True, slots=True)
class SledaiChangeResult(JsonResult):
    """SLEDAI-2K change from baseline (follow-up minus baseline; negative is improvement).

    Attributes:
        baseline: the baseline visit's score.
        follow_up: the follow-up visit's score.
        change: the change, or None when unknown descriptors leave it open (D13).
        change_min: the lowest change consistent with the unknowns.
        change_max: the highest change consistent with the unknowns.
        clinical_change: the change in clinical SLEDAI (without serology, D19), or None.
        clinical_change_min: its lowest value.
        clinical_change_max: its highest value.
        days: days from the baseline visit to the follow-up, when both dates are given.
        missing: the descriptor inputs (``baseline.*``, ``follow_up.*``) leaving the change open.
        decisions: the ids of the product decisions applied.
        criteria_version: the SLEDAI-2K version.
        explanation: one line a reviewer can read.

    Example:
        >>> from astct_grading.sle import change_from_baseline
        >>> result = change_from_baseline(
        ...     {"baseline": {"rash": True}, "follow_up": {"rash": False}}
        ... )
        >>> result.change, result.change_min, result.change_max
        (None, -105, 101)
    """

    baseline: Sledai2kResult
    follow_up: Sledai2kResult
    change: int | None
    change_min: int
    change_max: int
    clinical_change: int | None
    clinical_change_min: int
    clinical_change_max: int
    days: int | None
    missing: tuple[str, ...]
    decisions: tuple[str, ...]
    criteria_version: str
    explanation: str


def change_from_baseline(
    data: SledaiChangeInput | Mapping[str, Any], *, options: Sledai2kOptions = DEFAULT_OPTIONS
) -> SledaiChangeResult:
    """SLEDAI-2K change from baseline to follow-up (follow-up minus baseline).

    With unknown descriptors the change is a range: its lowest value is the follow-up's lowest
    score minus the baseline's highest, and so on (D13; the two visits' unknowns are independent,
    so the range is tight).

    Args:
        data: a :class:`SledaiChangeInput`, or a mapping validated into one.
        options: named alternatives to the default SLEDAI-2K readings (D16).

    Returns:
        A frozen :class:`SledaiChangeResult`.

    Raises:
        pydantic.ValidationError: the input is not valid (e.g. visits out of order).
        AstctGradingError: ``data`` is neither a model nor a mapping.

    Example:
        >>> from astct_grading.criteria.sledai2k import Descriptor
        >>> none = {d.value: False for d in Descriptor}
        >>> result = change_from_baseline({
        ...     "baseline": {**none, "arthritis": True, "rash": True, "proteinuria": True},
        ...     "follow_up": {**none, "rash": True},
        ... })
        >>> result.change, result.clinical_change
        (-8, -8)
    """
    d = coerce(data, SledaiChangeInput, "change_from_baseline")
    base = score_sledai2k(d.baseline, options=options)
    follow = score_sledai2k(d.follow_up, options=options)
    low = follow.score_min - base.score_max
    high = follow.score_max - base.score_min
    c_low = follow.clinical_score_min - base.clinical_score_max
    c_high = follow.clinical_score_max - base.clinical_score_min
    days = None
    if d.baseline.visit_date is not None and d.follow_up.visit_date is not None:
        days = (d.follow_up.visit_date - d.baseline.visit_date).days
    # Every open descriptor moves the change (weights are positive), so each one matters.
    missing = tuple(
        f
        for _, names in (*open_terms(base, "baseline."), *open_terms(follow, "follow_up."))
        for f in names
    )
    decisions = in_order(frozenset((*base.decisions, *follow.decisions)))
    text = (
        f"SLEDAI-2K change {span(low, high)}: baseline {span(base.score_min, base.score_max)}, "
        f"follow-up {span(follow.score_min, follow.score_max)}"
        f"{f' ({days} days later)' if days is not None else ''}; "
        f"clinical SLEDAI change {span(c_low, c_high)}"
    )
    if base.window_days != follow.window_days:
        text += f"; windows differ ({base.window_days} and {follow.window_days} days, D18)"
    if missing:
        text += "; open until given: " + ", ".join(missing)
    return SledaiChangeResult(
        baseline=base,
        follow_up=follow,
        change=low if low == high else None,
        change_min=low,
        change_max=high,
        clinical_change=c_low if c_low == c_high else None,
        clinical_change_min=c_low,
        clinical_change_max=c_high,
        days=days,
        missing=missing,
        decisions=decisions,
        criteria_version=CRITERIA_VERSION,
        explanation=text + ".",
    )
