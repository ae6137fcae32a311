"""Cytokine release syndrome: ``grade_crs`` and its result (ASTCT 2019).

The rules are read from :mod:`astct_grading.criteria.crs` and :mod:`astct_grading.crs.domains`;
the product decisions they follow are D1-D6 and D13-D15 (docs/decisions.md). Each domain's
finding is computed from its own inputs and kept per pattern of them (findings are frozen, so
results share them); the bounds and the inputs that matter come from the one engine
(:func:`~astct_grading.crs.domains.crs_bounds`).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache, lru_cache, partial
from itertools import compress, product
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple

from astct_grading.core.bounds import Level
from astct_grading.core.results import Explanation, Finding, GradeResult
from astct_grading.core.validation import TemperatureUnit, coerce
from astct_grading.criteria.astct import DEATH_GRADE
from astct_grading.criteria.crs import (
    CRITERIA_VERSION,
    FEVER_ONLY_GRADE,
    POSITIVE_PRESSURE_GRADE,
    OxygenDevice,
    VasopressorAgent,
)
from astct_grading.crs.domains import (
    LEVELS,
    Ints,
    crs_bounds,
    fever_present,
    fever_reading,
    hypotension_level,
    hypotension_present,
    hypotension_reading,
    hypoxia_level,
    hypoxia_reading,
    vasopressor_grade,
)
from astct_grading.crs.models import (
    DEFAULT_OPTIONS,
    CrsAssessment,
    CrsOptions,
    OxygenSupport,
    Vasopressor,
)

__all__ = [
    "CrsAssessment",
    "CrsOptions",
    "OxygenSupport",
    "Vasopressor",
    "grade_crs",
    "vasopressor_grade",
]

# A yes/no input as a level's values; None (unknown) can take both.
_FLAG: dict[bool | None, Ints] = {None: (0, 1), True: (1,), False: (0,)}
# "Not attributable to another cause" as a level: 1 counts towards CRS (D2).
_OWN: dict[bool | None, Ints] = {None: (0, 1), True: (0,), False: (1,)}
#: The hypoxia level when the oxygen support was not assessed: any device, up to positive
#: pressure (D13).
_OXYGEN_NOT_ASSESSED: Ints = (0, POSITIVE_PRESSURE_GRADE)

# The decisions (docs/decisions.md) a result can cite, in the order it cites them, as bits.
_DECISION_IDS = ("D1", "D2", "D3", "D4", "D5", "D6", "D13", "D14")
_D1, _D2, _D3, _D4, _D5, _D6, _D13, _D14 = (1 << bit for bit in range(len(_DECISION_IDS)))
#: Every set of decisions as the tuple a result cites, by its bits.
_DECISIONS = tuple(
    tuple(name for bit, name in enumerate(_DECISION_IDS) if mask >> bit & 1)
    for mask in range(1 << len(_DECISION_IDS))
)


# --- The findings ------------------------------------------------------------------------------


class _Domain(NamedTuple):
    """What one domain gives the grade.

    A domain's analysis depends only on its own inputs, so it is computed once per pattern of them
    and kept (findings are frozen, so results share them); docs/performance.md.
    """

    finding: Finding
    level: Ints
    """Fever present (0/1), or the hypotension or hypoxia grade, before attribution."""
    own: Ints
    """Not attributable to another cause (D2): 1 counts towards CRS."""
    counts: Level
    """The lowest and highest of ``level`` x ``own``: fever counting towards CRS, or the grade
    the domain contributes."""
    decisions: int
    """The bits of the decisions the domain's inputs apply."""
    missing: tuple[str, ...] = ()
    """The inputs not given that leave ``level`` open (hypotension only; see _LEVEL_FIELDS)."""


def _present(level: Ints) -> bool | None:
    """Whether a domain's finding is present, from its level (None when open)."""
    if level[0] > 0:
        return True
    return False if level[-1] == 0 else None


def _attributed(detail: str, other_cause: bool | None) -> str:
    if other_cause:
        return f"{detail}, attributed to another cause"
    if other_cause is None:
        return f"{detail}, attribution not known"
    return detail


def _domain(
    name: str,
    assessed: bool,
    level: Ints,
    other_cause: bool | None,
    detail: str,
    decisions: int,
    missing: tuple[str, ...] = (),
    points: int = 1,
) -> _Domain:
    """A domain's analysis; ``points`` is the grade one level is worth (fever: FEVER_ONLY_GRADE)."""
    own = _OWN[other_cause]
    # A level's values and the attribution's are sorted and non-negative, so the lowest and the
    # highest of their products are the products of their ends.
    counts: Level = (level[0] * own[0], level[-1] * own[-1])
    if other_cause is not False:  # attributed to another cause, or not known whether it is (D2)
        decisions |= _D2
    finding = Finding(
        name,
        assessed,
        _present(level),
        other_cause,
        points * counts[0],
        points * counts[1],
        _attributed(detail, other_cause),
    )
    return _Domain(finding, level, own, counts, decisions, missing)


def _fever_domain(
    assessed: bool, level: Ints, other_cause: bool | None, detail: str, decisions: int
) -> _Domain:
    if not (level[0] and _OWN[other_cause][0]):
        # Fever does not surely count: the entry rule and the waiver decide (D1).
        decisions |= _D1
    return _domain("fever", assessed, level, other_cause, detail, decisions, (), FEVER_ONLY_GRADE)


@lru_cache(maxsize=1024)
def _measured_fever(value: float, unit: TemperatureUnit, other_cause: bool | None) -> _Domain:
    """The fever domain from a temperature (D1, D14); the explicit ``fever`` then agrees."""
    present, detail = fever_reading(value, unit)
    return _fever_domain(True, _FLAG[present], other_cause, detail, _D14)


def _recorded_fever_detail(fever: bool | None) -> str:
    if fever is None:
        return "temperature not assessed"
    return "fever recorded" if fever else "no fever recorded"


@cache
def _recorded_fever(fever: bool | None, other_cause: bool | None) -> _Domain:
    """The fever domain without a temperature, by the explicit ``fever`` and its attribution."""
    return _fever_domain(
        fever is not None, _FLAG[fever], other_cause, _recorded_fever_detail(fever), 0
    )


@lru_cache(maxsize=1024)
def _hypotension_domain(
    hypotension: bool | None,
    systolic: float | None,
    age: float | None,
    agents: tuple[VasopressorAgent, ...] | None,
    other_cause: bool | None,
    count: int | str | None = None,
) -> _Domain:
    """The hypotension domain (D3, D5); ``systolic`` and ``age`` only when they derive it."""
    level, detail, missing, derived = hypotension_reading(hypotension, systolic, age, agents, count)
    decisions = (_D3 if agents or count else 0) | (_D5 if derived else 0)
    return _domain("hypotension", not missing, level, other_cause, detail, decisions, missing)


@lru_cache(maxsize=1024)
def _hypoxia_domain(
    device: OxygenDevice,
    flow: float | None,
    other_cause: bool | None,
    unlabelled_cannula_without_flow: str,
) -> _Domain:
    """The hypoxia domain from the oxygen support given (D4)."""
    level, detail = hypoxia_reading(device, flow, unlabelled_cannula_without_flow)
    return _domain("hypoxia", True, level, other_cause, detail, _D4)


@cache
def _no_oxygen(other_cause: bool | None) -> _Domain:
    """The hypoxia domain when the oxygen support was not assessed, by its attribution."""
    return _domain(
        "hypoxia",
        False,
        _OXYGEN_NOT_ASSESSED,
        other_cause,
        "oxygen support not assessed",
        0,
    )


_DEATH_DETAIL: dict[bool | None, str] = {
    True: "death due to CRS",
    None: "cause of death not known",
    False: "no CRS death",
}


@cache
def _death(death: bool | None) -> tuple[Finding, Ints, int, str]:
    """The death finding, its level, its decision bits and its part of the explanation.

    By ``death_due_to_crs``; the part is left out when death is recorded as not due to CRS.
    """
    level = _FLAG[death]
    finding = Finding(
        "death",
        death is not None,
        death,
        None,
        DEATH_GRADE * level[0],  # death principally due to CRS: grade 5 (D6)
        DEATH_GRADE * level[-1],
        _DEATH_DETAIL[death],
    )
    decisions = 0 if death is False else _D6
    return finding, level, decisions, "" if death is False else f"; {finding.detail}"


# --- The grade ---------------------------------------------------------------------------------


# Every input of an assessment in one call, from the model's field values.
_inputs = itemgetter(
    "temperature",
    "fever",
    "fever_other_cause",
    "fever_waiver",
    "hypotension",
    "systolic_bp_mmhg",
    "age_years",
    "vasopressors",
    "hypotension_other_cause",
    "oxygen",
    "hypoxia_other_cause",
    "death_due_to_crs",
)
_agent = attrgetter("agent")


def grade_crs(
    assessment: CrsAssessment | Mapping[str, Any], *, options: CrsOptions = DEFAULT_OPTIONS
) -> GradeResult:
    """Grade one CRS assessment by the ASTCT 2019 consensus.

    CRS needs fever (≥ 38.0 °C, not attributable to another cause) unless the post-treatment waiver
    applies (D1); its grade is then the worse of hypotension (by the vasopressors needed, D3, D5)
    and hypoxia (by the oxygen device and flow, D4), each not attributable to another cause (D2).
    Death principally due to CRS is grade 5 (D6). Organ toxicities (CTCAE grades per organ) are
    reported in ``excluded`` and never change the grade (CRS table footnote; D2). Missing inputs
    give a range (D13).

    Args:
        assessment: a :class:`CrsAssessment`, or a mapping validated into one.
        options: named alternatives to the default readings.

    Returns:
        A frozen :class:`~astct_grading.core.results.GradeResult` with the grade or its range.

    Raises:
        pydantic.ValidationError: the mapping is not a valid assessment.
        AstctGradingError: ``assessment`` is neither a model nor a mapping.

    Example:
        >>> result = grade_crs({
        ...     "temperature": {"value": 100.4, "unit": "F"},
        ...     "hypotension": False,
        ...     "oxygen": {"device": "nasal_cannula", "flow_l_min": 6.0},
        ... })
        >>> result.grade, result.drivers
        (2, ('hypoxia',))
        >>> grade_crs({"temperature": {"value": 38.5, "unit": "C"}}).grade is None
        True
    """
    checked = coerce(assessment, CrsAssessment, "grade_crs")
    (
        temperature,
        fever_recorded,
        fever_other_cause,
        waiver_given,
        hypotension,
        systolic,
        age,
        vasopressors,
        hypotension_other_cause,
        oxygen,
        hypoxia_other_cause,
        death_given,
    ) = _inputs(checked.__dict__)
    # The grade from the levels alone (no text): the domains' readings, then the one engine's
    # bounds (D13). The findings and the explanation are built on first access (_explaining).
    if temperature is not None:
        fever_recorded = fever_present(temperature.value, temperature.unit)
    agents = None if vasopressors is None else tuple(map(_agent, vasopressors))
    hypo, _ = hypotension_level(
        hypotension,
        hypotension_present(hypotension, systolic, age),
        agents,
        checked.vasopressor_count,
    )
    if oxygen is None:
        oxy = _OXYGEN_NOT_ASSESSED
    else:
        oxy = hypoxia_level(
            oxygen.device, oxygen.flow_l_min, options.unlabelled_cannula_without_flow
        )
    low, high, matters = crs_bounds(
        (
            _FLAG[fever_recorded],
            _OWN[fever_other_cause],
            _FLAG[waiver_given],
            hypo,
            _OWN[hypotension_other_cause],
            oxy,
            _OWN[hypoxia_other_cause],
        ),
        _FLAG[death_given],
    )
    return GradeResult.deferred(
        "CRS",
        low,
        high,
        CRITERIA_VERSION,
        partial(_explaining, checked, options, low, high, matters),
    )


def _explaining(
    assessment: CrsAssessment,
    options: CrsOptions,
    low: int,
    high: int,
    matters: tuple[int, ...],
) -> Explanation:
    """The explaining parts of a :func:`grade_crs` result, built on first access.

    Findings, drivers, missing inputs, decisions and the explanation, from the same readings as
    the grade and the bounds the engine has already given.
    """
    a = assessment
    # Each domain from its own inputs, kept per pattern (validation has made -0.0 into 0.0, so
    # equal keys read the same).
    if a.temperature is not None:
        fever = _measured_fever(a.temperature.value, a.temperature.unit, a.fever_other_cause)
    else:
        fever = _recorded_fever(a.fever, a.fever_other_cause)
    agents = None if a.vasopressors is None else tuple(map(_agent, a.vasopressors))
    other, count = a.hypotension_other_cause, a.vasopressor_count
    if a.hypotension is None and a.systolic_bp_mmhg is not None and a.age_years is not None:
        hypo = _hypotension_domain(None, a.systolic_bp_mmhg, a.age_years, agents, other, count)
    else:
        hypo = _hypotension_domain(a.hypotension, None, None, agents, other, count)
    if a.oxygen is None:
        oxy = _no_oxygen(a.hypoxia_other_cause)
    else:
        oxy = _hypoxia_domain(
            a.oxygen.device,
            a.oxygen.flow_l_min,
            a.hypoxia_other_cause,
            options.unlabelled_cannula_without_flow,
        )
    death_finding, _, death_decisions, death_part = _death(a.death_due_to_crs)
    decisions = fever.decisions | hypo.decisions | oxy.decisions | death_decisions
    if low == high:
        missing: tuple[str, ...] = ()
    else:
        decisions |= _D13
        missing = _missing(matters, hypo.missing)
    fever_finding = fever.finding
    if low == 0:
        drivers: tuple[str, ...] = ()
    elif low == DEATH_GRADE:
        drivers = ("death",)
    else:  # fever counts or the waiver applies: the domains at the grade set it
        drivers = _DRIVERS[
            fever_finding.grade_min == low, hypo.counts[0] == low, oxy.counts[0] == low
        ]
    explanation = (
        f"{_GRADE_TEXT[low, high]}{fever_finding.detail}; {hypo.finding.detail}; "
        f"{oxy.finding.detail}{death_part}"
    )
    if not fever.counts[1]:
        explanation += _NO_CRS_FEVER[a.fever_waiver]
    excluded: tuple[str, ...] = ()
    organs = a.organ_toxicity
    if organs:
        # Recorded, never graded: the CRS table footnote excludes organ toxicity (D2).
        decisions |= _D2
        excluded = tuple(f"{_ORGAN_PREFIX}{organ}" for organ in organs)
        explanation += "; organ toxicity recorded, not graded (D2): " + ", ".join(
            f"{organ} CTCAE grade {grade}" for organ, grade in organs.items()
        )
    if missing:
        explanation += "; open until given: " + ", ".join(missing)
    return (
        (fever_finding, hypo.finding, oxy.finding, death_finding),
        drivers,
        missing,
        _DECISIONS[decisions],
        explanation + ".",
        excluded,
        None,
    )


#: How an organ toxicity is named in ``excluded``: ``organ_toxicity.<organ>``.
_ORGAN_PREFIX = "organ_toxicity."


#: The input fields behind each position crs_bounds returns: the levels, then death.
_LEVEL_FIELDS: tuple[tuple[str, ...], ...] = (
    ("temperature", "fever"),
    ("fever_other_cause",),
    ("fever_waiver",),
    (),  # hypotension: the fields come from hypotension_reading
    ("hypotension_other_cause",),
    ("oxygen",),
    ("hypoxia_other_cause",),
    ("death_due_to_crs",),
)
_HYPOTENSION = LEVELS.index("hypotension")


def _missing(matters: tuple[int, ...], hypo_missing: tuple[str, ...]) -> tuple[str, ...]:
    fields: list[str] = []
    for index in matters:
        fields.extend(hypo_missing if index == _HYPOTENSION else _LEVEL_FIELDS[index])
    return tuple(fields)


#: The drivers of a grade between 1 and 4, by whether fever, hypotension and hypoxia set it.
_DRIVERS: dict[tuple[bool, ...], tuple[str, ...]] = {
    flags: tuple(compress(("fever", "hypotension", "hypoxia"), flags))
    for flags in product((False, True), repeat=3)
}
#: The explanation's opening, by the grade's bounds.
_GRADE_TEXT = {
    (low, high): f"CRS grade {low}: "
    if low == high
    else f"CRS grade {low} to {high} (undetermined): "
    for low in range(DEATH_GRADE + 1)
    for high in range(low, DEATH_GRADE + 1)
}
#: Why fever that cannot count leaves the grade where it is, by ``fever_waiver`` (D1).
_NO_CRS_FEVER: dict[bool | None, str] = {
    True: "; no CRS fever, but fever is not required after CRS treatment (D1)",
    None: "; no CRS fever (the entry criterion), post-treatment waiver not known (D1)",
    False: "; no CRS fever (the entry criterion), no post-treatment waiver (D1)",
}
