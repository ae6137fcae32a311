"""DORIS 2021 remission (van Vollenhoven 2021).

The criteria and their sources are in :mod:`astct_grading.criteria.sledai2k`; the product
decision followed is D19 (docs/decisions.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from astct_grading.core.criterion import Criterion
from astct_grading.core.validation import coerce
from astct_grading.criteria.sledai2k import (
    DORIS_PGA_BELOW,
    DORIS_PREDNISOLONE_MAX_MG,
    DORIS_VERSION,
    doris_criteria,
)
from astct_grading.sle.assessing import (
    at_most,
    by_key,
    criterion,
    finish,
    flags,
    items,
    matters,
    span,
    tri,
)
from astct_grading.sle.inputs import DorisInput
from astct_grading.sle.options import DEFAULT_OPTIONS, Sledai2kOptions
from astct_grading.sle.outcomes import CriterionResult, Outcome, ResponseResult
from astct_grading.sle.sledai import score_sledai2k

__all__ = ["assess_doris_remission"]


@cache
def _doris() -> Mapping[str, Criterion]:
    """DORIS 2021's criteria by key (built on first use)."""
    return by_key(doris_criteria())


@cache
def _stable_maintenance() -> Mapping[bool | None, CriterionResult]:
    """The therapy criterion of DORIS for each value of its input (built on first use)."""
    return flags(
        _doris(),
        "stable_maintenance",
        "stable_maintenance",
        ("maintenance therapy not stable", "maintenance therapy stable"),
        inverted=True,
    )


def assess_doris_remission(
    data: DorisInput | Mapping[str, Any], *, options: Sledai2kOptions = DEFAULT_OPTIONS
) -> ResponseResult:
    """DORIS 2021 remission (van Vollenhoven 2021).

    Remission when all hold: clinical SLEDAI 0 (serology not considered); PGA < 0.5 (0-3);
    prednisolone or equivalent ≤ 5 mg/day; antimalarials, immunosuppressives and biologics, if
    any, at stable maintenance doses (D19). No duration is part of the definition.

    Args:
        data: a :class:`DorisInput`, or a mapping validated into one.
        options: named alternatives to the default SLEDAI-2K readings (D16).

    Returns:
        A frozen :class:`ResponseResult`.

    Raises:
        pydantic.ValidationError: the input is not valid.
        AstctGradingError: ``data`` is neither a model nor a mapping.

    Example:
        >>> from astct_grading.criteria.sledai2k import Descriptor
        >>> none = {d.value: False for d in Descriptor}
        >>> result = assess_doris_remission({
        ...     "visit": {**none, "low_complement": True},
        ...     "pga": 0.4, "prednisolone_mg_day": 5.0, "stable_maintenance": True,
        ... })
        >>> result.outcome.value
        'met'
        >>> assess_doris_remission({"visit": none, "pga": 0.5}).outcome.value
        'not_met'
    """
    d = coerce(data, DorisInput, "assess_doris_remission")
    score = score_sledai2k(d.visit, options=options)
    low, high = score.clinical_score_min, score.clinical_score_max
    outcome = tri(low == 0, high == 0)
    missing: tuple[str, ...] = ()
    if outcome is Outcome.CANNOT_TELL:
        terms = [
            (item.points_max - item.points_min, tuple(f"visit.{f}" for f in item.missing))
            for item in items(score)
            if not item.serological and item.points_min != item.points_max
        ]
        missing = matters(low, terms, lambda total: total == 0)
    criteria = (
        criterion(
            _doris(),
            "clinical_sledai_zero",
            outcome,
            f"clinical SLEDAI {span(low, high)} (0 needed; serology not considered)",
            missing,
        ),
        at_most(
            _doris(),
            "pga_below_0_5",
            d.pga,
            "pga",
            DORIS_PGA_BELOW,
            strict=True,
            label="PGA",
        ),
        at_most(
            _doris(),
            "prednisolone_at_most_5",
            d.prednisolone_mg_day,
            "prednisolone_mg_day",
            DORIS_PREDNISOLONE_MAX_MG,
            strict=False,
            label="prednisolone",
            unit=" mg/day",
        ),
        _stable_maintenance()[d.stable_maintenance],
    )
    extra = ("D14",) if d.pga is not None or d.prednisolone_mg_day is not None else ()
    return finish("DORIS remission", criteria, (score,), DORIS_VERSION, extra)
