"""SRI-4 response (Furie 2009), computed from SLEDAI-2K by D19.

SRI-4 is defined on SELENA-SLEDAI; by D19 it is computed here from the SLEDAI-2K scores given.
The criteria and their sources are in :mod:`astct_grading.criteria.sledai2k`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from typing import Any

from astct_grading.core.criterion import Criterion
from astct_grading.core.validation import coerce, describe, quantize
from astct_grading.criteria.sledai2k import (
    SRI4_MAX_NEW_BILAG_A,
    SRI4_MAX_NEW_BILAG_B,
    SRI4_MIN_REDUCTION,
    SRI4_PGA_INCREASE_BELOW,
    SRI4_VERSION,
    sri4_criteria,
)
from astct_grading.sle.assessing import by_key, criterion, finish, matters, open_terms, span, tri
from astct_grading.sle.inputs import (
    BILAG_DOMAINS,
    PGA_MAX,
    PGA_MIN,
    Sri4Input,
)
from astct_grading.sle.options import DEFAULT_OPTIONS, Sledai2kOptions
from astct_grading.sle.outcomes import CriterionResult, Outcome, ResponseResult
from astct_grading.sle.sledai import score_sledai2k

__all__ = ["assess_sri4"]


@cache
def _sri4() -> Mapping[str, Criterion]:
    """SRI-4's criteria by key (built on first use)."""
    return by_key(sri4_criteria())


#: Below this many hundredths (10^12), floats are far closer together than 0.01, so a float that
#: is a whole number of hundredths has that decimal as its shortest representation.
_EXACT_HUNDREDTHS_MAX = 10**12
_PGA_INCREASE_NEEDED = f" (< {describe(SRI4_PGA_INCREASE_BELOW)} needed)"


def _exact_difference(a: float, b: float) -> float:
    """``a - b`` on the decimals as given, exactly, then as a float (D14).

    So 1.3 - 1.0 is 0.3, not 0.30000000000000004.
    """
    hundredths_a, hundredths_b = round(a * 100), round(b * 100)
    if (
        abs(hundredths_a) < _EXACT_HUNDREDTHS_MAX
        and abs(hundredths_b) < _EXACT_HUNDREDTHS_MAX
        and hundredths_a / 100 == a
        and hundredths_b / 100 == b
    ):
        # Both are whole hundredths (as a PGA usually is): their decimals are those hundredths, the
        # integer difference is exact, and the division rounds it to a float as float(Decimal) does.
        return (hundredths_a - hundredths_b) / 100
    return float(Decimal(repr(a)) - Decimal(repr(b)))


def _pga_increase(base: float | None, follow: float | None) -> CriterionResult:
    """PGA worsening must be < 0.3 (Furie 2009).

    An unknown PGA spans the whole 0-3 scale, so the answer is open only when that span reaches
    both sides of the bound (D13).
    """
    key = "pga_increase_below_0_3"
    low = quantize(
        _exact_difference(PGA_MIN if follow is None else follow, PGA_MAX if base is None else base)
    )
    high = quantize(
        _exact_difference(PGA_MAX if follow is None else follow, PGA_MIN if base is None else base)
    )
    outcome = tri(high < SRI4_PGA_INCREASE_BELOW, low < SRI4_PGA_INCREASE_BELOW)
    shown_base = "not given" if base is None else describe(base)
    shown_follow = "not given" if follow is None else describe(follow)
    missing = [name for name, v in (("pga_baseline", base), ("pga_follow_up", follow)) if v is None]
    return criterion(
        _sri4(),
        key,
        outcome,
        f"PGA {shown_base} at baseline, PGA {shown_follow} at follow-up, "
        f"increase {span(low, high)}{_PGA_INCREASE_NEEDED}",
        missing,
    )


def _bilag(value: int | None, key: str, grade: str, most: int) -> CriterionResult:
    field = f"new_bilag_{grade.lower()}"
    if value is None:
        return criterion(
            _sri4(), key, Outcome.CANNOT_TELL, f"new BILAG {grade} not given", (field,)
        )
    outcome = Outcome.MET if value <= most else Outcome.NOT_MET
    allowed = f"≤ {most}" if most else "none"
    return criterion(_sri4(), key, outcome, f"{value} new BILAG {grade} ({allowed} allowed)")


@cache
def _bilag_tables() -> tuple[Mapping[int | None, CriterionResult], ...]:
    """The BILAG A and B criteria for every count a model holds (None, 0-9).

    Few, so built once, on first use (lazily, so that mutation testing rebuilds them after
    emptying caches).
    """
    counts = (None, *range(BILAG_DOMAINS + 1))
    return (
        {value: _bilag(value, "no_new_bilag_a", "A", SRI4_MAX_NEW_BILAG_A) for value in counts},
        {
            value: _bilag(value, "at_most_one_new_bilag_b", "B", SRI4_MAX_NEW_BILAG_B)
            for value in counts
        },
    )


def assess_sri4(
    data: Sri4Input | Mapping[str, Any], *, options: Sledai2kOptions = DEFAULT_OPTIONS
) -> ResponseResult:
    """SRI-4 response (Furie 2009), computed from SLEDAI-2K by D19.

    Responder when all hold: SLEDAI-2K reduced by at least 4 points from baseline; no new BILAG A
    and at most one new BILAG B domain score; PGA worse by less than 0.3. SRI-4 is defined on
    SELENA-SLEDAI; by D19 the SLEDAI-2K scores given are used (docs/response.md).

    Args:
        data: an :class:`Sri4Input`, or a mapping validated into one.
        options: named alternatives to the default SLEDAI-2K readings (D16).

    Returns:
        A frozen :class:`ResponseResult`.

    Raises:
        pydantic.ValidationError: the input is not valid.
        AstctGradingError: ``data`` is neither a model nor a mapping.

    Example:
        >>> from astct_grading.criteria.sledai2k import Descriptor
        >>> none = {d.value: False for d in Descriptor}
        >>> result = assess_sri4({
        ...     "baseline": {**none, "arthritis": True, "rash": True, "proteinuria": True},
        ...     "follow_up": {**none, "rash": True},
        ...     "new_bilag_a": 0, "new_bilag_b": 1, "pga_baseline": 1.5, "pga_follow_up": 1.0,
        ... })
        >>> result.outcome.value, result.criterion("sledai_reduction_at_least_4").outcome.value
        ('met', 'met')
    """
    d = coerce(data, Sri4Input, "assess_sri4")
    base = score_sledai2k(d.baseline, options=options)
    follow = score_sledai2k(d.follow_up, options=options)
    low = base.score_min - follow.score_max
    high = base.score_max - follow.score_min

    def holds(reduction: int) -> bool:
        return reduction >= SRI4_MIN_REDUCTION

    outcome = tri(holds(low), holds(high))
    missing: tuple[str, ...] = ()
    if outcome is Outcome.CANNOT_TELL:
        terms = [*open_terms(base, "baseline."), *open_terms(follow, "follow_up.", -1)]
        missing = matters(base.score_min - follow.score_min, terms, holds)
    reduction = criterion(
        _sri4(),
        "sledai_reduction_at_least_4",
        outcome,
        f"SLEDAI-2K {span(base.score_min, base.score_max)} at baseline, "
        f"{span(follow.score_min, follow.score_max)} at follow-up, reduction {span(low, high)} "
        f"(≥ {SRI4_MIN_REDUCTION} needed)",
        missing,
    )
    criteria = (
        reduction,
        _bilag_tables()[0].get(d.new_bilag_a)
        or _bilag(d.new_bilag_a, "no_new_bilag_a", "A", SRI4_MAX_NEW_BILAG_A),
        _bilag_tables()[1].get(d.new_bilag_b)
        or _bilag(d.new_bilag_b, "at_most_one_new_bilag_b", "B", SRI4_MAX_NEW_BILAG_B),
        _pga_increase(d.pga_baseline, d.pga_follow_up),
    )
    extra = ("D14",) if d.pga_baseline is not None and d.pga_follow_up is not None else ()
    return finish("SRI-4", criteria, (base, follow), SRI4_VERSION, extra)
