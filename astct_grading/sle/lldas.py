"""Lupus low disease activity state, LLDAS (Franklyn 2016).

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
    LLDAS_PGA_MAX,
    LLDAS_PREDNISOLONE_MAX_MG,
    LLDAS_SLEDAI_MAX,
    LLDAS_VERSION,
    descriptors,
    lldas_criteria,
)
from astct_grading.sle.assessing import (
    at_most,
    by_key,
    criterion,
    finish,
    flags,
    items,
    matters,
    open_terms,
    span,
    tri,
)
from astct_grading.sle.inputs import LldasInput
from astct_grading.sle.options import DEFAULT_OPTIONS, Sledai2kOptions
from astct_grading.sle.outcomes import CriterionResult, Outcome, ResponseResult
from astct_grading.sle.sledai import score_sledai2k

__all__ = ["assess_lldas"]


@cache
def _lldas() -> Mapping[str, Criterion]:
    """LLDAS's criteria by key (built on first use)."""
    return by_key(lldas_criteria())


@cache
def _major() -> frozenset[str]:
    """The descriptors of the major organ systems (Franklyn 2016), built on first use."""
    return frozenset(rule.descriptor.value for rule in descriptors().values() if rule.major_organ)


@cache
def _flag_tables() -> tuple[Mapping[bool | None, CriterionResult], ...]:
    """The flag criteria of LLDAS for each value of their input, built on first use.

    In order: no haemolytic anaemia, no gastrointestinal activity, no new activity, standard
    maintenance therapy.
    """
    return (
        flags(
            _lldas(),
            "no_haemolytic_anaemia",
            "haemolytic_anaemia",
            ("haemolytic anaemia", "no haemolytic anaemia"),
        ),
        flags(
            _lldas(),
            "no_gastrointestinal_activity",
            "gastrointestinal_activity",
            ("gastrointestinal activity", "no gastrointestinal activity"),
        ),
        flags(
            _lldas(),
            "no_new_activity",
            "new_activity",
            ("new lupus activity", "no new lupus activity"),
        ),
        flags(
            _lldas(),
            "standard_maintenance",
            "standard_maintenance",
            ("not standard maintenance therapy", "standard maintenance therapy"),
            inverted=True,
        ),
    )


def assess_lldas(
    data: LldasInput | Mapping[str, Any], *, options: Sledai2kOptions = DEFAULT_OPTIONS
) -> ResponseResult:
    """Lupus low disease activity state (Franklyn 2016).

    LLDAS when all hold: SLEDAI-2K ≤ 4 (serology counts towards it) with no activity in major
    organ systems (renal, CNS, cardiopulmonary, vasculitis, fever) and no haemolytic anaemia or
    gastrointestinal activity; no new lupus activity since the previous assessment; PGA ≤ 1
    (0-3); prednisolone or equivalent ≤ 7.5 mg/day; standard maintenance immunosuppressives and
    approved biologics only, no investigational drug (D19).

    Args:
        data: an :class:`LldasInput`, or a mapping validated into one.
        options: named alternatives to the default SLEDAI-2K readings (D16).

    Returns:
        A frozen :class:`ResponseResult`.

    Raises:
        pydantic.ValidationError: the input is not valid.
        AstctGradingError: ``data`` is neither a model nor a mapping.

    Example:
        >>> from astct_grading.criteria.sledai2k import Descriptor
        >>> none = {d.value: False for d in Descriptor}
        >>> result = assess_lldas({
        ...     "visit": {**none, "arthritis": True},
        ...     "haemolytic_anaemia": False, "gastrointestinal_activity": False,
        ...     "new_activity": False, "pga": 1.0, "prednisolone_mg_day": 7.5,
        ...     "standard_maintenance": True,
        ... })
        >>> result.outcome.value
        'met'
        >>> assess_lldas({"visit": {**none, "fever": True}}).outcome.value
        'not_met'
    """
    d = coerce(data, LldasInput, "assess_lldas")
    score = score_sledai2k(d.visit, options=options)
    scored = items(score)

    def at_most_4(total: int) -> bool:
        return total <= LLDAS_SLEDAI_MAX

    total_outcome = tri(at_most_4(score.score_min), at_most_4(score.score_max))
    total_missing: tuple[str, ...] = ()
    if total_outcome is Outcome.CANNOT_TELL:
        total_missing = matters(score.score_min, open_terms(score, "visit."), at_most_4)

    major = [item for item in scored if item.name in _major()]
    active = [item.name for item in major if item.points_min > 0]
    open_major = [item for item in major if item.points_min != item.points_max]
    if active:
        major_outcome, major_detail = Outcome.NOT_MET, "major-organ activity: " + ", ".join(active)
    elif open_major:
        major_outcome = Outcome.CANNOT_TELL
        major_detail = "major-organ descriptors open: " + ", ".join(i.name for i in open_major)
    else:
        major_outcome, major_detail = Outcome.MET, "no major-organ descriptor counted"
    # Any one open major-organ descriptor decides this criterion, so each one matters.
    major_missing = tuple(f"visit.{f}" for item in open_major for f in item.missing)

    criteria = (
        criterion(
            _lldas(),
            "sledai_at_most_4",
            total_outcome,
            f"SLEDAI-2K {span(score.score_min, score.score_max)} (≤ {LLDAS_SLEDAI_MAX} needed)",
            total_missing,
        ),
        criterion(_lldas(), "no_major_organ_activity", major_outcome, major_detail, major_missing),
        _flag_tables()[0][d.haemolytic_anaemia],
        _flag_tables()[1][d.gastrointestinal_activity],
        _flag_tables()[2][d.new_activity],
        at_most(_lldas(), "pga_at_most_1", d.pga, "pga", LLDAS_PGA_MAX, strict=False, label="PGA"),
        at_most(
            _lldas(),
            "prednisolone_at_most_7_5",
            d.prednisolone_mg_day,
            "prednisolone_mg_day",
            LLDAS_PREDNISOLONE_MAX_MG,
            strict=False,
            label="prednisolone",
            unit=" mg/day",
        ),
        _flag_tables()[3][d.standard_maintenance],
    )
    extra = ("D14",) if d.pga is not None or d.prednisolone_mg_day is not None else ()
    return finish("LLDAS", criteria, (score,), LLDAS_VERSION, extra)
