"""The ICANS domains as small pure rules, and what the engine makes of them (D7-D11, D13).

Each domain is a rule of a few inputs no other domain reads (core/bounds.py): the encephalopathy
instrument and the level of consciousness together (D7-D10: the ICE-0 rule reads the level of
consciousness), the seizure (D11), the motor findings and raised intracranial pressure (D11). An
input is one value when known, or the tuple of values it can still take: the ICE and CAPD totals
by one representative per band, since a domain's grade depends on the band only. The engine
(:func:`~astct_grading.core.bounds.domain`) enumerates a rule over its inputs, skipping the
combinations the validators reject (the rule returns None there), and gives the domain's range
and, for each floor the other domains set, the inputs that can still change the grade.

How this stays fast (docs/performance.md): a domain's analysis depends only on which values its
inputs can take, never on the record otherwise, so it is computed once per such pattern and kept
(the seizure, motor and ICP domains have a few dozen patterns in all; the coupled instrument and
consciousness domain keeps its most recent patterns). A record whose instrument and consciousness
inputs are all known, the common case, is read by a guarded early return that evaluates the rule
once (:func:`instrument_and_consciousness`); tests/equivalence/test_icans_engine.py proves it
equal to the enumeration.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, lru_cache
from typing import NamedTuple

from astct_grading.core.bounds import (
    Domain,
    Level,
    domain,
    known,
    matters_by_floor,
    open_inputs,
    points,
    span,
)
from astct_grading.core.validation import quantize
from astct_grading.criteria.icans import (
    CAPD_MAX,
    CAPD_POSITIVE_MIN,
    CAPD_UNABLE_GRADE,
    CONSCIOUSNESS_GRADES,
    ICE_MAX,
    ICE_ZERO_UNAROUSABLE_GRADE,
    ICP_GRADES,
    MOTOR_GRADES,
    SEIZURE_GRADE,
    SEIZURE_PROLONGED_GRADE,
    CapdNotPerformed,
    ConsciousnessLevel,
    IceNotPerformed,
    IcpFinding,
    MotorFinding,
    capd_grade,
    ice_grade,
    seizure_prolonged,
)
from astct_grading.icans.capd import CapdAssessment, capd_range
from astct_grading.icans.ice import IceAssessment, ice_range
from astct_grading.icans.models import IcansAssessment, IcansOptions

__all__ = [
    "FLAG",
    "Coupled",
    "coupled_domain",
    "coupled_grades",
    "coupled_inputs",
    "coupled_rule",
    "graded_domain",
    "graded_rule",
    "icp_domain",
    "instrument_and_consciousness",
    "motor_domain",
    "seizure_domain",
    "seizure_inputs",
    "seizure_rule",
]

#: A yes/no input's values.
Flags = tuple[bool, ...]
#: An instrument's or the level of consciousness's values.
Grades = tuple[int, ...]

_BOTH: Flags = (False, True)
#: A yes/no input; None (not known) is either.
FLAG: dict[bool | None, Flags] = {None: _BOTH, False: (False,), True: (True,)}

# Encephalopathy outcomes beside the ICE scores 0-10: not assessable, and "unarousable".
_NOT_ASSESSABLE = -1
_UNAROUSABLE = -2
#: The ICE bands, as (lowest, highest) scores; 0 is its own class because of the ICE-0 rule.
_ICE_CLASSES = ((0, 0), (1, 2), (3, 6), (7, 9), (10, 10))
#: The CAPD bands, as (lowest, highest) totals.
_CAPD_CLASSES = ((0, 0), (1, CAPD_POSITIVE_MIN - 1), (CAPD_POSITIVE_MIN, CAPD_MAX))
_UNAROUSABLE_LEVEL = CONSCIOUSNESS_GRADES[ConsciousnessLevel.UNAROUSABLE]
_LEVELS: Grades = tuple(range(_UNAROUSABLE_LEVEL + 1))
_ICE_UNKNOWN: Grades = (_NOT_ASSESSABLE, *(a for a, _ in _ICE_CLASSES))
_ICE_WHOLE = (0, ICE_MAX)
_CAPD_UNKNOWN: Grades = (0, 1, 3, CAPD_UNABLE_GRADE)
_CAPD_WHOLE = (0, CAPD_MAX)


def _representatives(low: int, high: int, classes: Sequence[tuple[int, int]]) -> Grades:
    """One value of each class that meets [low, high]: the grade depends on the class only."""
    return tuple(max(a, low) for a, b in classes if a <= high and b >= low)


# --- The rules -------------------------------------------------------------------------------


def coupled_rule(
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

    Returns (instrument grade before attribution, instrument grade, consciousness grade), as
    :func:`coupled_grades`. ``level`` is the consciousness grade 0-4 (D9); ``aphasia`` is
    global_aphasia; ``sedated`` is consciousness_other_cause; ``other`` is
    encephalopathy_other_cause. ``ice`` is an ICE score, -1 (not assessable) or -2 (not performed:
    unarousable); ``capd`` is the CAPD's grade, or -1 (not assessable).

    Example:
        >>> coupled_rule(False, False, 5, 0, 2, False, False, False)
        (2, 2, 2)
        >>> coupled_rule(False, False, 0, 0, 4, True, False, False) is None  # aphasia, unarousable
        True
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
    return coupled_grades(delay or child, ice, capd, level, sedated, other)


def coupled_grades(
    capd_chosen: bool, ice: int, capd: int, level: int, sedated: bool, other: bool
) -> tuple[int, int, int]:
    """The coupled domains at one combination the validators accept (see :func:`coupled_rule`).

    Returns (instrument grade before attribution, instrument grade, consciousness grade).
    ``capd_chosen``: the CAPD is the instrument (below the age cut or with developmental delay).

    Example:
        >>> coupled_grades(False, 0, 0, 4, False, False)  # ICE 0, unarousable: grade 4 (D10)
        (4, 4, 4)
        >>> coupled_grades(True, 0, 3, 1, True, False)  # CAPD 9 or more; drowsy from sedation
        (3, 3, 0)
    """
    if capd_chosen:  # CAPD below the age cut or with developmental delay (D7)
        # Not assessable (deep sedation, neuromuscular blockade) adds no grade, never 4 (D8).
        raw = 0 if capd == _NOT_ASSESSABLE else capd
    elif ice == _NOT_ASSESSABLE:
        raw = 0  # not performed for sedation or intubation: adds no grade, never an ICE 0 (D10)
    elif ice == _UNAROUSABLE:
        raw = ICE_ZERO_UNAROUSABLE_GRADE  # ICE 0, unarousable (adult table, ICE row; D10)
    else:
        # Adult table ICE row and footnote (D10).
        raw = ice_grade(ice, unarousable=level == _UNAROUSABLE_LEVEL)
    return raw, 0 if other else raw, 0 if sedated else level


def seizure_rule(present: bool, prolonged: bool, repetitive: bool, other: bool) -> int | None:
    """The seizure domain at one combination (adult table, seizure row; D11).

    Example:
        >>> seizure_rule(True, False, False, False), seizure_rule(True, True, False, False)
        (3, 4)
        >>> seizure_rule(False, True, False, False) is None  # details of an absent seizure
        True
    """
    if not present and (prolonged or repetitive):
        return None  # details of an absent seizure (seizure_conflict)
    if not present or other:
        return 0
    return SEIZURE_PROLONGED_GRADE if prolonged or repetitive else SEIZURE_GRADE  # D11


def graded_rule(grade: int, other: bool) -> int:
    """A motor or ICP domain at one combination: its grade, unless attributed elsewhere (D11).

    Example:
        >>> graded_rule(4, False), graded_rule(4, True)
        (4, 0)
    """
    return 0 if other else grade


# --- The instrument and the level of consciousness, together (D7-D10) ------------------------


class Coupled(NamedTuple):
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
def coupled_domain(inputs: tuple[tuple[int | bool, ...], ...]) -> Coupled:
    """The coupled domains over every feasible combination of their inputs, by enumeration.

    ``inputs`` are :func:`coupled_rule`'s, each the tuple of values it can take.

    Example:
        >>> adult, no = (False,), (False,)
        >>> c = coupled_domain((adult, no, (5,), (0,), (0, 1, 2, 3, 4), no, no, no))
        >>> c.domain.span, c.instrument, c.consciousness
        ((2, 4), (2, 2), (0, 4))
    """
    found = points(coupled_rule, inputs)
    grades = list(found.values())
    combined = {point: max(enc, loc) for point, (_, enc, loc) in found.items()}
    both = span(list(combined.values()))
    present = span([int(point[4] != 0) for point in found])  # the level's grade
    return Coupled(
        Domain(both, present, matters_by_floor(both, open_inputs(combined, inputs))),
        span([grade for grade, _, _ in grades]),
        span([grade for _, grade, _ in grades]),
        span([loc for _, _, loc in grades]),
        frozenset("CAPD" if point[0] or point[1] else "ICE" for point in found),  # D7
    )


def _ice_values(ice: IceAssessment | None) -> tuple[Grades, Level]:
    """The ICE's values, and its total's range."""
    if ice is None:
        return _ICE_UNKNOWN, _ICE_WHOLE
    if ice.not_performed is None:
        score = ice_range(ice)
        return _ice_band_values(score), score
    if ice.not_performed is IceNotPerformed.UNAROUSABLE:
        return (_UNAROUSABLE,), (0, 0)
    return (_NOT_ASSESSABLE,), _ICE_WHOLE  # sedated or intubated: not assessable


@cache  # one entry per range of totals: 66 at most
def _ice_band_values(score: Level) -> Grades:
    return _representatives(score[0], score[1], _ICE_CLASSES)


@cache  # one entry per range of totals: 561 at most
def _capd_grades(low: int, high: int) -> Grades:
    return tuple(dict.fromkeys(capd_grade(t) for t in _representatives(low, high, _CAPD_CLASSES)))


def _capd_values(capd: CapdAssessment | None) -> tuple[Grades, Level]:
    """The CAPD's grade before attribution (not assessable counts as 0, D8), and its range."""
    if capd is None:
        return _CAPD_UNKNOWN, _CAPD_WHOLE
    if capd.not_performed is CapdNotPerformed.UNABLE:
        return (CAPD_UNABLE_GRADE,), _CAPD_WHOLE
    if not capd.assessable:
        return (_NOT_ASSESSABLE,), _CAPD_WHOLE
    total = capd_range(capd)
    return _capd_grades(*total), total


#: The instruments' values once the choice between them is read (D7): whether the CAPD is the
#: instrument (None: the choice is open), the ICE's values and range, the CAPD's values and range.
_Instruments = tuple[bool | None, Grades, Level, Grades, Level]


def _instruments(a: IcansAssessment, options: IcansOptions) -> _Instruments:
    ice_values, ice_score = _ice_values(a.ice)
    capd_values, capd_score = _capd_values(a.capd)
    delay = a.developmental_delay
    if a.age_years is None or delay is None:
        return None, ice_values, ice_score, capd_values, capd_score
    # The instrument is known: the other one is not read. A missing ICE cannot make a combination
    # contradictory (its score could be anything), so it is fixed too.
    chosen = delay or quantize(a.age_years) < options.ice_min_age_years
    if not chosen:
        capd_values = (0,)
    elif a.ice is None:
        ice_values = (_NOT_ASSESSABLE,)
    return chosen, ice_values, ice_score, capd_values, capd_score


def coupled_inputs(a: IcansAssessment, options: IcansOptions) -> tuple[tuple[int | bool, ...], ...]:
    """The values each input of :func:`coupled_rule` can take for the record ``a``.

    Example:
        >>> record = IcansAssessment(age_years=40, ice={"total": 5}, consciousness="alert")
        >>> coupled_inputs(record, IcansOptions())
        ((False,), (False,), (5,), (0,), (0,), (False,), (False,), (False,))
    """
    _, ice_values, _, capd_values, _ = _instruments(a, options)
    return _inputs(a, options, ice_values, capd_values)


def _inputs(
    a: IcansAssessment, options: IcansOptions, ice_values: Grades, capd_values: Grades
) -> tuple[tuple[int | bool, ...], ...]:
    age = a.age_years
    child: Flags = _BOTH if age is None else (quantize(age) < options.ice_min_age_years,)
    delay = FLAG[a.developmental_delay]
    if a.consciousness is not None:
        level: Grades = (CONSCIOUSNESS_GRADES[a.consciousness],)
        aphasia = FLAG[False]  # consistent with the level (validated): it adds nothing
    else:
        level = _LEVELS
        # Whether the patient is awake with global aphasia decides only an ICE of 0 (D10): when
        # no ICE of 0 is in play, an unknown answer is not asked for (the level of consciousness
        # is the input to give). The ranges are the same either way.
        capd_certain = child == (True,) or delay == (True,)
        if a.global_aphasia is None and (capd_certain or 0 not in ice_values):
            aphasia = FLAG[False]
        else:
            aphasia = FLAG[a.global_aphasia]
    return (
        child,
        delay,
        ice_values,
        capd_values,
        level,
        aphasia,
        FLAG[a.consciousness_other_cause],
        FLAG[a.encephalopathy_other_cause],
    )


def instrument_and_consciousness(
    a: IcansAssessment, options: IcansOptions
) -> tuple[Coupled, Level, Level]:
    """The coupled domains of the record ``a``, and the ICE's and the CAPD's ranges (for details).

    Equal to ``coupled_domain(coupled_inputs(a, options))`` (tests/equivalence): when every input
    is known, a guarded early return evaluates the one combination instead.

    Example:
        >>> record = IcansAssessment(age_years=40, ice={"total": 5}, consciousness="alert")
        >>> coupled, ice, capd = instrument_and_consciousness(record, IcansOptions())
        >>> coupled.domain.span, coupled.instruments, ice, capd
        ((2, 2), frozenset({'ICE'}), (5, 5), (0, 32))
    """
    chosen, ice_values, ice_score, capd_values, capd_score = _instruments(a, options)
    level = a.consciousness
    sedated = a.consciousness_other_cause
    other = a.encephalopathy_other_cause
    if (
        chosen is not None
        and level is not None
        and sedated is not None
        and other is not None
        and len(ice_values) == 1
        and len(capd_values) == 1
    ):
        # Every input known (the common case): one combination, evaluated directly. A validated
        # record is never contradictory (arousal_conflict, ice_zero_from_sedation), and the level
        # is consistent with an awake patient's aphasia: it adds nothing.
        grade = CONSCIOUSNESS_GRADES[level]
        grades = coupled_grades(chosen, ice_values[0], capd_values[0], grade, sedated, other)
        return _known_coupled(grades, grade > 0, chosen), ice_score, capd_score
    inputs = _inputs(a, options, ice_values, capd_values)
    return coupled_domain(inputs), ice_score, capd_score


@cache  # one entry per outcome of the one combination: a few dozen
def _known_coupled(grades: tuple[int, int, int], present: bool, capd_chosen: bool) -> Coupled:
    """The coupled domains when every input is known: one grade each, nothing open."""
    raw, enc, loc = grades
    return Coupled(
        known(max(enc, loc), present),
        (raw, raw),
        (enc, enc),
        (loc, loc),
        _CAPD_ONLY if capd_chosen else _ICE_ONLY,
    )


# --- Seizure, motor, raised ICP (D11) --------------------------------------------------------


def seizure_inputs(
    seizure: bool | None,
    minutes: float | None,
    over_5: bool | None,
    repetitive: bool | None,
    other: bool | None,
) -> tuple[Flags, ...]:
    """The values each input of :func:`seizure_rule` can take.

    Example:
        >>> seizure_inputs(None, 6.0, None, None, False)
        ((True,), (True,), (False, True), (False,))
    """
    detail = minutes is not None or over_5 is True or repetitive is True
    # A seizure's details imply a seizure.
    present = _BOTH if seizure is None and not detail else (seizure is not False,)
    if minutes is not None:
        prolonged: Flags = (seizure_prolonged(minutes),)
    elif over_5 is not None:
        prolonged = (over_5,)
    else:
        prolonged = _BOTH
    return present, prolonged, FLAG[repetitive], FLAG[other]


@cache  # one entry per pattern of the four inputs: 81 at most
def seizure_domain(inputs: tuple[Flags, ...]) -> tuple[Domain, bool]:
    """The seizure domain, and whether the record settles the seizure's own grade.

    Example:
        >>> seizure, assessed = seizure_domain(seizure_inputs(True, None, None, None, False))
        >>> seizure.span, assessed
        ((3, 4), False)
    """
    assessed = len(set(points(_own_grade, inputs).values())) == 1
    return domain(seizure_rule, inputs, _first), assessed


def _own_grade(present: bool, prolonged: bool, repetitive: bool, other: bool) -> int | None:
    """The seizure's own grade, before attribution to another cause."""
    return seizure_rule(present, prolonged, repetitive, False)


def _first(combination: tuple[object, ...]) -> bool:
    return bool(combination[0])


def _positive(combination: tuple[object, ...]) -> bool:
    return combination[0] != 0  # a grade 0-4


@cache  # motor and ICP: a grade and an attribution, 24 patterns at most
def graded_domain(inputs: tuple[tuple[int | bool, ...], ...]) -> Domain:
    """A motor or ICP domain: its grade's values and its attribution's (:func:`graded_rule`).

    Example:
        >>> graded_domain(((0, 4), (False,)))
        Domain(span=(0, 4), present=(0, 1), matters=((0,), (0,), (0,), (0,), (), ()))
    """
    return domain(graded_rule, inputs, _positive)


def motor_domain(motor: MotorFinding | None, other: bool | None) -> Domain:
    """The motor domain (adult table, motor findings row; D11).

    Example:
        >>> motor_domain(MotorFinding.HEMIPARESIS, False).span
        (4, 4)
    """
    return graded_domain(((0, 4) if motor is None else (MOTOR_GRADES[motor],), FLAG[other]))


def icp_domain(icp: tuple[IcpFinding, ...] | None, other: bool | None) -> Domain:
    """The raised ICP / cerebral oedema domain (adult table, elevated ICP row; D11).

    Example:
        >>> icp_domain(None, False).span
        (0, 4)
    """
    grade = (0, 3, 4) if icp is None else (max((ICP_GRADES[f] for f in icp), default=0),)
    return graded_domain((grade, FLAG[other]))
