"""SLE response between visits: change from baseline, SRI-4, DORIS 2021 remission and LLDAS.

Every definition is computed from SLEDAI-2K visits (:mod:`astct_grading.sle.sledai`) and the inputs
the definition adds (physician global assessment, prednisolone-equivalent dose, BILAG, therapy).
Each returns met, not met or cannot tell, with the result of each criterion; "cannot tell" means
that a missing input could change the answer (D13). The criteria and their sources are in
:mod:`astct_grading.criteria.sledai2k`; the product decision followed is D19 (docs/decisions.md).
SRI-4 is defined on SELENA-SLEDAI; by D19 it is computed here from the SLEDAI-2K scores given.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from typing import Annotated, Any, TypeVar

from pydantic import BeforeValidator, Field, TypeAdapter, model_validator
from pydantic_core import PydanticCustomError

from astct_grading.core.criterion import Criterion
from astct_grading.core.validation import (
    FiniteFloat,
    Flag,
    InputModel,
    _number,
    describe,
    quantize,
)
from astct_grading.criteria.sledai2k import (
    CRITERIA_VERSION,
    DESCRIPTORS,
    DORIS_CRITERIA,
    DORIS_PGA_BELOW,
    DORIS_PREDNISOLONE_MAX_MG,
    DORIS_VERSION,
    LLDAS_CRITERIA,
    LLDAS_PGA_MAX,
    LLDAS_PREDNISOLONE_MAX_MG,
    LLDAS_SLEDAI_MAX,
    LLDAS_VERSION,
    SRI4_CRITERIA,
    SRI4_MAX_NEW_BILAG_A,
    SRI4_MAX_NEW_BILAG_B,
    SRI4_MIN_REDUCTION,
    SRI4_PGA_INCREASE_BELOW,
    SRI4_VERSION,
)
from astct_grading.errors import AstctGradingError
from astct_grading.sle.sledai import (
    DEFAULT_OPTIONS,
    Sledai2kOptions,
    Sledai2kResult,
    SledaiItem,
    SledaiVisit,
    score_sledai2k,
)

__all__ = [
    "CriterionResult",
    "DorisInput",
    "LldasInput",
    "Outcome",
    "ResponseResult",
    "SledaiChangeInput",
    "SledaiChangeResult",
    "Sri4Input",
    "assess_doris_remission",
    "assess_lldas",
    "assess_sri4",
    "change_from_baseline",
]

#: Physician (evaluator) global assessment on the 0-3 scale (SELENA-SLEDAI PGA).
PGA_MIN = 0
PGA_MAX = 3
Pga = Annotated[FiniteFloat, Field(ge=PGA_MIN, le=PGA_MAX)]
#: Prednisolone-equivalent dose in mg/day; the upper guard (D15) allows pulse doses.
PrednisoloneMgDay = Annotated[FiniteFloat, Field(ge=0, le=2000)]
#: A count of BILAG domains (BILAG-2004 has 9); booleans are rejected (D15).
_BILAG_DOMAINS = 9
BilagCount = Annotated[int, BeforeValidator(_number), Field(ge=0, le=_BILAG_DOMAINS)]


class Outcome(str, Enum):
    """The answer of a response definition or of one of its criteria.

    Example:
        >>> Outcome("cannot_tell") is Outcome.CANNOT_TELL
        True
    """

    MET = "met"
    NOT_MET = "not_met"
    CANNOT_TELL = "cannot_tell"


def _all(outcomes: Iterable[Outcome]) -> Outcome:
    """All criteria required: one not met decides; otherwise one open leaves it open.

    Exact (not only sound) here because every criterion is monotone in the same direction of the
    unknowns it shares with another: more activity can only turn met into not met.
    """
    found = set(outcomes)
    if Outcome.NOT_MET in found:
        return Outcome.NOT_MET
    if Outcome.CANNOT_TELL in found:
        return Outcome.CANNOT_TELL
    return Outcome.MET


@dataclass(frozen=True, slots=True)
class CriterionResult:
    """The result of one criterion of a response definition.

    Attributes:
        key: the criterion's stable key (see the criteria tables).
        outcome: met, not met or cannot tell.
        rule: the criterion in one sentence.
        detail: what the inputs gave, for the explanation.
        source: where the criterion is read.
        missing: the inputs whose absence leaves this criterion open.

    Example:
        >>> result = assess_sri4({"baseline": {}, "follow_up": {}, "new_bilag_a": 1})
        >>> result.criterion("no_new_bilag_a").detail
        '1 new BILAG A (none allowed): not met'
    """

    key: str
    outcome: Outcome
    rule: str
    detail: str
    source: str
    missing: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ResponseResult:
    """The result of one response definition (SRI-4, DORIS 2021 remission, LLDAS).

    Attributes:
        definition: ``SRI-4``, ``DORIS remission`` or ``LLDAS``.
        outcome: met, not met, or cannot tell (a missing input could change it, D13).
        criteria: one :class:`CriterionResult` per criterion, in the definition's order.
        scores: the SLEDAI-2K results the definition read (baseline first).
        missing: the inputs the undecided criteria still need (empty unless cannot tell).
        decisions: the ids (decisions.md) of the product decisions applied.
        criteria_version: the definition's version.
        explanation: one line a reviewer can read, consistent with the inputs.

    Example:
        >>> result = assess_lldas({"visit": {}, "prednisolone_mg_day": 10})
        >>> result.outcome.value, result.met, result.missing
        ('not_met', False, ())
    """

    definition: str
    outcome: Outcome
    criteria: tuple[CriterionResult, ...]
    scores: tuple[Sledai2kResult, ...]
    missing: tuple[str, ...]
    decisions: tuple[str, ...]
    criteria_version: str
    explanation: str

    def __post_init__(self) -> None:
        if self.outcome is not _all(c.outcome for c in self.criteria):
            raise ValueError(f"inconsistent result: {self.outcome.value} from its criteria")

    @property
    def met(self) -> bool | None:
        """True when met, False when not met, None when a missing input could change it."""
        return None if self.outcome is Outcome.CANNOT_TELL else self.outcome is Outcome.MET

    def criterion(self, key: str) -> CriterionResult:
        """Return the criterion with this key.

        Raises:
            KeyError: when the definition has no such criterion.

        Example:
            >>> assess_lldas({"visit": {}}).criterion("pga_at_most_1").outcome.value
            'cannot_tell'
        """
        for item in self.criteria:
            if item.key == key:
                return item
        raise KeyError(key)

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON-compatible data."""
        return asdict(self)

    def to_json(self) -> str:
        """The result as a JSON document (UTF-8 text)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class SledaiChangeResult:
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

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON-compatible data."""
        return asdict(self)

    def to_json(self) -> str:
        """The result as a JSON document (UTF-8 text)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))


# --- Input models ------------------------------------------------------------------------------


def _check_order(baseline: SledaiVisit, follow_up: SledaiVisit) -> None:
    if (
        baseline.visit_date is not None
        and follow_up.visit_date is not None
        and follow_up.visit_date < baseline.visit_date
    ):
        raise PydanticCustomError(
            "visit_order",
            "the follow-up visit ({follow_up}) is dated before the baseline visit ({baseline})",
            {
                "follow_up": follow_up.visit_date.isoformat(),
                "baseline": baseline.visit_date.isoformat(),
            },
        )


class SledaiChangeInput(InputModel):
    """Two SLEDAI-2K visits: a baseline and a later follow-up.

    Example:
        >>> pair = SledaiChangeInput(baseline={"rash": True}, follow_up={"rash": False})
        >>> pair.follow_up.rash
        False
    """

    baseline: SledaiVisit
    """The baseline visit."""
    follow_up: SledaiVisit
    """The follow-up visit; if both are dated it must not be before the baseline."""

    @model_validator(mode="after")
    def _ordered(self) -> SledaiChangeInput:
        _check_order(self.baseline, self.follow_up)
        return self


class Sri4Input(InputModel):
    """The inputs of SRI-4: two visits, new BILAG grades, and the PGA at both visits.

    Example:
        >>> Sri4Input(baseline={}, follow_up={}, new_bilag_b=1).new_bilag_b
        1
    """

    baseline: SledaiVisit
    """The baseline visit."""
    follow_up: SledaiVisit
    """The follow-up visit; if both are dated it must not be before the baseline."""
    new_bilag_a: BilagCount | None = None
    """How many BILAG organ domains are newly scored A at follow-up (0-9)."""
    new_bilag_b: BilagCount | None = None
    """How many BILAG organ domains are newly scored B at follow-up (0-9)."""
    pga_baseline: Pga | None = None
    """Physician global assessment at baseline, 0-3."""
    pga_follow_up: Pga | None = None
    """Physician global assessment at follow-up, 0-3."""

    @model_validator(mode="after")
    def _ordered(self) -> Sri4Input:
        _check_order(self.baseline, self.follow_up)
        return self


class DorisInput(InputModel):
    """The inputs of DORIS 2021 remission at one visit.

    Example:
        >>> DorisInput(visit={}, pga=0.2, prednisolone_mg_day=5).pga
        0.2
    """

    visit: SledaiVisit
    """The visit (clinical SLEDAI must be 0; serology is not considered)."""
    pga: Pga | None = None
    """Physician (evaluator) global assessment, 0-3; must be < 0.5."""
    prednisolone_mg_day: PrednisoloneMgDay | None = None
    """Prednisolone or equivalent, mg/day; must be ≤ 5."""
    stable_maintenance: Flag | None = None
    """True when any antimalarial, immunosuppressive or biologic is at a stable maintenance dose
    (or none is given); False when one is not."""


class LldasInput(InputModel):
    """The inputs of LLDAS at one visit.

    Example:
        >>> LldasInput(visit={}, new_activity=False).new_activity
        False
    """

    visit: SledaiVisit
    """The visit (SLEDAI-2K must be ≤ 4 with no major-organ activity)."""
    haemolytic_anaemia: Flag | None = None
    """Haemolytic anaemia is present (then not LLDAS)."""
    gastrointestinal_activity: Flag | None = None
    """Gastrointestinal lupus activity is present (then not LLDAS)."""
    new_activity: Flag | None = None
    """New features of lupus activity compared with the previous assessment (then not LLDAS)."""
    pga: Pga | None = None
    """Physician global assessment (SELENA-SLEDAI PGA), 0-3; must be ≤ 1."""
    prednisolone_mg_day: PrednisoloneMgDay | None = None
    """Prednisolone or equivalent, mg/day; must be ≤ 7.5."""
    standard_maintenance: Flag | None = None
    """True when immunosuppressives and approved biologics, if any, are at well-tolerated standard
    maintenance doses and no investigational drug is given."""


_CHANGE_ADAPTER: TypeAdapter[SledaiChangeInput] = TypeAdapter(SledaiChangeInput)
_SRI4_ADAPTER: TypeAdapter[Sri4Input] = TypeAdapter(Sri4Input)
_DORIS_ADAPTER: TypeAdapter[DorisInput] = TypeAdapter(DorisInput)
_LLDAS_ADAPTER: TypeAdapter[LldasInput] = TypeAdapter(LldasInput)

_M = TypeVar("_M", SledaiChangeInput, Sri4Input, DorisInput, LldasInput)


def _coerce(
    data: _M | Mapping[str, Any], model_type: type[_M], adapter: TypeAdapter[_M], name: str
) -> _M:
    if isinstance(data, model_type):
        return data
    if isinstance(data, Mapping):
        return adapter.validate_python(data)
    raise AstctGradingError(
        "input_type",
        f"{name} takes a {model_type.__name__} or a mapping, not {type(data).__name__}",
    )


# --- Helpers -----------------------------------------------------------------------------------

#: One open descriptor as a term of a sum: its signed weight and the inputs it needs.
_Term = tuple[int, tuple[str, ...]]


def _open_terms(result: Sledai2kResult, prefix: str, sign: int = 1) -> list[_Term]:
    return [
        (sign * (item.points_max - item.points_min), tuple(f"{prefix}{f}" for f in item.missing))
        for item in _items(result)
        if item.points_min != item.points_max
    ]


def _items(result: Sledai2kResult) -> list[SledaiItem]:
    return [item for item in result.items if isinstance(item, SledaiItem)]


def _sum_matters(
    fixed: int, terms: Sequence[_Term], holds: Callable[[int], bool]
) -> tuple[str, ...]:
    """The inputs of the open terms that can change ``holds(total)`` (D13).

    ``total`` is ``fixed`` plus any subset of the term weights. A term matters when some subset of
    the other terms gives a total at which adding it changes the answer. The reachable totals are
    kept as a bit set.
    """
    floor = fixed + sum(w for w, _ in terms if w < 0)
    # Whether a term matters depends only on its weight and the other terms' weights, so the terms
    # of one weight share the answer: it is worked out once per weight (at most 8: ±8, ±4, ±2, ±1).
    matters: dict[int, bool] = {}
    fields: list[str] = []
    for i, (weight, names) in enumerate(terms):
        if weight not in matters:
            reach = 1 << (fixed - floor)
            for j, (other, _) in enumerate(terms):
                if j != i:
                    reach |= reach << other if other > 0 else reach >> -other
            totals = (floor + k for k in range(reach.bit_length()) if reach >> k & 1)
            matters[weight] = any(holds(total) != holds(total + weight) for total in totals)
        if matters[weight]:
            fields.extend(names)
    return tuple(dict.fromkeys(fields))


def _tri(low_holds: bool, high_holds: bool) -> Outcome:
    if low_holds and high_holds:
        return Outcome.MET
    if not low_holds and not high_holds:
        return Outcome.NOT_MET
    return Outcome.CANNOT_TELL


#: Each definition's criteria by key.
_DORIS: Mapping[str, Criterion] = {c.key: c for c in DORIS_CRITERIA}
_LLDAS: Mapping[str, Criterion] = {c.key: c for c in LLDAS_CRITERIA}
_SRI4: Mapping[str, Criterion] = {c.key: c for c in SRI4_CRITERIA}

#: An outcome in words, for the explanations.
_WORDS: Mapping[Outcome, str] = {outcome: outcome.value.replace("_", " ") for outcome in Outcome}


def _criterion(
    table: Mapping[str, Criterion],
    key: str,
    outcome: Outcome,
    detail: str,
    missing: Sequence[str] = (),
) -> CriterionResult:
    rule = table[key]
    return CriterionResult(
        key,
        outcome,
        rule.rule,
        f"{detail}: {_WORDS[outcome]}",
        rule.source,
        tuple(missing) if outcome is Outcome.CANNOT_TELL else (),
    )


def _span(low: float, high: float) -> str:
    return describe(low) if low == high else f"{describe(low)} to {describe(high)}"


def _flag(
    table: Mapping[str, Criterion],
    key: str,
    value: bool | None,
    field: str,
    words: tuple[str, str],
) -> CriterionResult:
    """A criterion met when an input is False (``words``: when True, when False)."""
    if value is None:
        return _criterion(table, key, Outcome.CANNOT_TELL, f"{field} not given", (field,))
    outcome = Outcome.NOT_MET if value else Outcome.MET
    return _criterion(table, key, outcome, words[0] if value else words[1])


def _at_most(
    table: Mapping[str, Criterion],
    key: str,
    value: float | None,
    field: str,
    bound: float,
    *,
    strict: bool,
    label: str,
    unit: str = "",
) -> CriterionResult:
    """A criterion met when an input is below (strict) or at most (not strict) a bound (D14)."""
    relation = "<" if strict else "≤"
    if value is None:
        return _criterion(table, key, Outcome.CANNOT_TELL, f"{label} not given", (field,))
    measured = quantize(value)  # compared at 0.01 (D14)
    holds = measured < bound if strict else measured <= bound
    return _criterion(
        table,
        key,
        Outcome.MET if holds else Outcome.NOT_MET,
        f"{label} {describe(value)}{unit} ({relation} {describe(bound)}{unit} needed)",
    )


@lru_cache(maxsize=256)
def _in_order(decisions: frozenset[str]) -> tuple[str, ...]:
    """Decision ids (decisions.md) in numeric order; there are few distinct sets, so cached."""
    return tuple(sorted(decisions, key=lambda d: int(d[1:])))


def _finish(
    definition: str,
    criteria: tuple[CriterionResult, ...],
    scores: tuple[Sledai2kResult, ...],
    version: str,
    extra_decisions: Iterable[str] = (),
) -> ResponseResult:
    outcome = _all([c.outcome for c in criteria])
    missing: tuple[str, ...] = ()
    applied = {d for score in scores for d in score.decisions}
    applied.update(("D19", *extra_decisions))
    if outcome is Outcome.CANNOT_TELL:
        missing = tuple(dict.fromkeys(f for c in criteria for f in c.missing))
        applied.add("D13")
    explanation = f"{definition} {_WORDS[outcome]}: " + "; ".join([c.detail for c in criteria])
    if missing:
        explanation += "; open until given: " + ", ".join(missing)
    return ResponseResult(
        definition,
        outcome,
        criteria,
        scores,
        missing,
        _in_order(frozenset(applied)),
        version,
        explanation + ".",
    )


# --- Change from baseline ----------------------------------------------------------------------


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
    d = _coerce(data, SledaiChangeInput, _CHANGE_ADAPTER, "change_from_baseline")
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
        for _, names in (*_open_terms(base, "baseline."), *_open_terms(follow, "follow_up."))
        for f in names
    )
    decisions = _in_order(frozenset((*base.decisions, *follow.decisions)))
    text = (
        f"SLEDAI-2K change {_span(low, high)}: baseline {_span(base.score_min, base.score_max)}, "
        f"follow-up {_span(follow.score_min, follow.score_max)}"
        f"{f' ({days} days later)' if days is not None else ''}; "
        f"clinical SLEDAI change {_span(c_low, c_high)}"
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


# --- SRI-4 -------------------------------------------------------------------------------------


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
    outcome = _tri(high < SRI4_PGA_INCREASE_BELOW, low < SRI4_PGA_INCREASE_BELOW)
    shown_base = "not given" if base is None else describe(base)
    shown_follow = "not given" if follow is None else describe(follow)
    missing = [name for name, v in (("pga_baseline", base), ("pga_follow_up", follow)) if v is None]
    return _criterion(
        _SRI4,
        key,
        outcome,
        f"PGA {shown_base} at baseline, PGA {shown_follow} at follow-up, "
        f"increase {_span(low, high)}{_PGA_INCREASE_NEEDED}",
        missing,
    )


def _bilag(value: int | None, key: str, grade: str, most: int) -> CriterionResult:
    field = f"new_bilag_{grade.lower()}"
    if value is None:
        return _criterion(_SRI4, key, Outcome.CANNOT_TELL, f"new BILAG {grade} not given", (field,))
    outcome = Outcome.MET if value <= most else Outcome.NOT_MET
    allowed = f"≤ {most}" if most else "none"
    return _criterion(_SRI4, key, outcome, f"{value} new BILAG {grade} ({allowed} allowed)")


#: The BILAG criteria for every count a model holds (None, 0-9): few, so built once, by
#: ``_build_tables``.
_BILAG_A: Mapping[int | None, CriterionResult]
_BILAG_B: Mapping[int | None, CriterionResult]


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
    d = _coerce(data, Sri4Input, _SRI4_ADAPTER, "assess_sri4")
    base = score_sledai2k(d.baseline, options=options)
    follow = score_sledai2k(d.follow_up, options=options)
    low = base.score_min - follow.score_max
    high = base.score_max - follow.score_min

    def holds(reduction: int) -> bool:
        return reduction >= SRI4_MIN_REDUCTION

    outcome = _tri(holds(low), holds(high))
    missing: tuple[str, ...] = ()
    if outcome is Outcome.CANNOT_TELL:
        terms = [*_open_terms(base, "baseline."), *_open_terms(follow, "follow_up.", -1)]
        missing = _sum_matters(base.score_min - follow.score_min, terms, holds)
    reduction = _criterion(
        _SRI4,
        "sledai_reduction_at_least_4",
        outcome,
        f"SLEDAI-2K {_span(base.score_min, base.score_max)} at baseline, "
        f"{_span(follow.score_min, follow.score_max)} at follow-up, reduction {_span(low, high)} "
        f"(≥ {SRI4_MIN_REDUCTION} needed)",
        missing,
    )
    criteria = (
        reduction,
        _BILAG_A.get(d.new_bilag_a)
        or _bilag(d.new_bilag_a, "no_new_bilag_a", "A", SRI4_MAX_NEW_BILAG_A),
        _BILAG_B.get(d.new_bilag_b)
        or _bilag(d.new_bilag_b, "at_most_one_new_bilag_b", "B", SRI4_MAX_NEW_BILAG_B),
        _pga_increase(d.pga_baseline, d.pga_follow_up),
    )
    extra = ("D14",) if d.pga_baseline is not None and d.pga_follow_up is not None else ()
    return _finish("SRI-4", criteria, (base, follow), SRI4_VERSION, extra)


# --- DORIS 2021 --------------------------------------------------------------------------------


def _flags(
    table: Mapping[str, Criterion],
    key: str,
    field: str,
    words: tuple[str, str],
    *,
    inverted: bool = False,
) -> Mapping[bool | None, CriterionResult]:
    """A ``_flag`` criterion for each value its input can take (None, True, False), built once.

    ``inverted``: the criterion is met when the input is True (e.g. therapy at a stable dose).
    """
    return {
        value: _flag(
            table, key, None if value is None else (not value if inverted else value), field, words
        )
        for value in (None, True, False)
    }


#: The therapy criterion of DORIS for each value of its input; built by ``_build_tables``.
_STABLE_MAINTENANCE: Mapping[bool | None, CriterionResult]


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
    d = _coerce(data, DorisInput, _DORIS_ADAPTER, "assess_doris_remission")
    score = score_sledai2k(d.visit, options=options)
    low, high = score.clinical_score_min, score.clinical_score_max
    outcome = _tri(low == 0, high == 0)
    missing: tuple[str, ...] = ()
    if outcome is Outcome.CANNOT_TELL:
        terms = [
            (item.points_max - item.points_min, tuple(f"visit.{f}" for f in item.missing))
            for item in _items(score)
            if not item.serological and item.points_min != item.points_max
        ]
        missing = _sum_matters(low, terms, lambda total: total == 0)
    criteria = (
        _criterion(
            _DORIS,
            "clinical_sledai_zero",
            outcome,
            f"clinical SLEDAI {_span(low, high)} (0 needed; serology not considered)",
            missing,
        ),
        _at_most(
            _DORIS,
            "pga_below_0_5",
            d.pga,
            "pga",
            DORIS_PGA_BELOW,
            strict=True,
            label="PGA",
        ),
        _at_most(
            _DORIS,
            "prednisolone_at_most_5",
            d.prednisolone_mg_day,
            "prednisolone_mg_day",
            DORIS_PREDNISOLONE_MAX_MG,
            strict=False,
            label="prednisolone",
            unit=" mg/day",
        ),
        _STABLE_MAINTENANCE[d.stable_maintenance],
    )
    extra = ("D14",) if d.pga is not None or d.prednisolone_mg_day is not None else ()
    return _finish("DORIS remission", criteria, (score,), DORIS_VERSION, extra)


# --- LLDAS -------------------------------------------------------------------------------------

_MAJOR = frozenset(rule.descriptor.value for rule in DESCRIPTORS.values() if rule.major_organ)
#: The flag criteria of LLDAS for each value of their input; built by ``_build_tables``.
_NO_HAEMOLYTIC_ANAEMIA: Mapping[bool | None, CriterionResult]
_NO_GASTROINTESTINAL_ACTIVITY: Mapping[bool | None, CriterionResult]
_NO_NEW_ACTIVITY: Mapping[bool | None, CriterionResult]
_STANDARD_MAINTENANCE: Mapping[bool | None, CriterionResult]


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
    d = _coerce(data, LldasInput, _LLDAS_ADAPTER, "assess_lldas")
    score = score_sledai2k(d.visit, options=options)
    items = _items(score)

    def at_most_4(total: int) -> bool:
        return total <= LLDAS_SLEDAI_MAX

    total_outcome = _tri(at_most_4(score.score_min), at_most_4(score.score_max))
    total_missing: tuple[str, ...] = ()
    if total_outcome is Outcome.CANNOT_TELL:
        total_missing = _sum_matters(score.score_min, _open_terms(score, "visit."), at_most_4)

    major = [item for item in items if item.name in _MAJOR]
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
        _criterion(
            _LLDAS,
            "sledai_at_most_4",
            total_outcome,
            f"SLEDAI-2K {_span(score.score_min, score.score_max)} (≤ {LLDAS_SLEDAI_MAX} needed)",
            total_missing,
        ),
        _criterion(_LLDAS, "no_major_organ_activity", major_outcome, major_detail, major_missing),
        _NO_HAEMOLYTIC_ANAEMIA[d.haemolytic_anaemia],
        _NO_GASTROINTESTINAL_ACTIVITY[d.gastrointestinal_activity],
        _NO_NEW_ACTIVITY[d.new_activity],
        _at_most(_LLDAS, "pga_at_most_1", d.pga, "pga", LLDAS_PGA_MAX, strict=False, label="PGA"),
        _at_most(
            _LLDAS,
            "prednisolone_at_most_7_5",
            d.prednisolone_mg_day,
            "prednisolone_mg_day",
            LLDAS_PREDNISOLONE_MAX_MG,
            strict=False,
            label="prednisolone",
            unit=" mg/day",
        ),
        _STANDARD_MAINTENANCE[d.standard_maintenance],
    )
    extra = ("D14",) if d.pga is not None or d.prednisolone_mg_day is not None else ()
    return _finish("LLDAS", criteria, (score,), LLDAS_VERSION, extra)


def _build_tables() -> None:
    """Build the criterion tables above from the functions that define them, and bind them.

    Called once, at import. The tables are immutable and depend only on the criteria, so building
    them again gives equal tables: tests/conftest.py does so under mutation testing, where a
    mutant is switched on only in the functions called after the package was imported
    (docs/mutation.md).
    """
    global _BILAG_A, _BILAG_B, _STABLE_MAINTENANCE, _NO_HAEMOLYTIC_ANAEMIA  # noqa: PLW0603
    global _NO_GASTROINTESTINAL_ACTIVITY, _NO_NEW_ACTIVITY, _STANDARD_MAINTENANCE  # noqa: PLW0603
    _BILAG_A = {
        value: _bilag(value, "no_new_bilag_a", "A", SRI4_MAX_NEW_BILAG_A)
        for value in (None, *range(_BILAG_DOMAINS + 1))
    }
    _BILAG_B = {
        value: _bilag(value, "at_most_one_new_bilag_b", "B", SRI4_MAX_NEW_BILAG_B)
        for value in (None, *range(_BILAG_DOMAINS + 1))
    }
    _STABLE_MAINTENANCE = _flags(
        _DORIS,
        "stable_maintenance",
        "stable_maintenance",
        ("maintenance therapy not stable", "maintenance therapy stable"),
        inverted=True,
    )
    _NO_HAEMOLYTIC_ANAEMIA = _flags(
        _LLDAS,
        "no_haemolytic_anaemia",
        "haemolytic_anaemia",
        ("haemolytic anaemia", "no haemolytic anaemia"),
    )
    _NO_GASTROINTESTINAL_ACTIVITY = _flags(
        _LLDAS,
        "no_gastrointestinal_activity",
        "gastrointestinal_activity",
        ("gastrointestinal activity", "no gastrointestinal activity"),
    )
    _NO_NEW_ACTIVITY = _flags(
        _LLDAS, "no_new_activity", "new_activity", ("new lupus activity", "no new lupus activity")
    )
    _STANDARD_MAINTENANCE = _flags(
        _LLDAS,
        "standard_maintenance",
        "standard_maintenance",
        ("not standard maintenance therapy", "standard maintenance therapy"),
        inverted=True,
    )


_build_tables()
