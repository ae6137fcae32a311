"""The CRS rules as small pure functions, and their bounds by the one engine (D1-D6, D13).

Each clinical input of an assessment is read into a *level*: fever present (0/1), hypotension and
hypoxia grades (0-4), each with whether it is not attributable to another cause (0/1, D2), the
post-treatment waiver (0/1, D1) and death due to CRS (0/1, D6). A level is the tuple of values it
can still take (:data:`~astct_grading.core.bounds.Values`): one value when known, its lowest and
highest when not (the rule is non-decreasing in every level, so the ends are the only values that
can set a bound or change the grade).

:func:`crs_rule` is the grade at one combination of the seven levels of fever, the waiver,
hypotension and hypoxia; the engine (:mod:`astct_grading.core.bounds`) reads it as one domain
(:func:`~astct_grading.core.bounds.domain`) and adds death through
:func:`~astct_grading.core.bounds.worst` (D6). :func:`crs_bounds` keeps the engine's answer per
pattern of level values: the patterns are finitely many, so the time it takes does not depend on
records repeating.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, lru_cache

from astct_grading.core.bounds import Values, domain, worst
from astct_grading.core.validation import TemperatureUnit, describe, quantize, to_celsius
from astct_grading.criteria.crs import (
    FEVER_MIN_C,
    FEVER_ONLY_GRADE,
    HIGH_FLOW_GRADE,
    HYPOTENSION_NO_VASOPRESSOR_GRADE,
    LOW_FLOW_GRADE,
    LOW_FLOW_MAX_L_MIN,
    MULTIPLE_VASOPRESSOR_GRADE,
    OXYGEN_DEVICES,
    SINGLE_VASOPRESSOR_GRADE,
    VASOPRESSOR_COUNT_MAX,
    VASOPRESSOR_COUNT_MULTIPLE,
    OxygenDevice,
    VasopressorAgent,
    systolic_threshold_mmhg,
)

__all__ = [
    "DEATH",
    "LEVELS",
    "Ints",
    "crs_bounds",
    "crs_rule",
    "fever_present",
    "fever_reading",
    "hypotension_level",
    "hypotension_present",
    "hypotension_reading",
    "hypoxia_level",
    "hypoxia_reading",
    "vasopressor_grade",
    "vasopressor_level",
]

#: The levels :func:`crs_rule` reads, in its order of arguments; :func:`crs_bounds` gives the
#: position of death after them.
LEVELS = (
    "fever",
    "fever_not_attributed",
    "waiver",
    "hypotension",
    "hypotension_not_attributed",
    "hypoxia",
    "hypoxia_not_attributed",
)
#: The position of the death level in the positions :func:`crs_bounds` returns.
DEATH = len(LEVELS)

#: A level's values as the readings give them: whole numbers (a grade, or 0/1).
Ints = tuple[int, ...]


def vasopressor_grade(agents: Sequence[VasopressorAgent]) -> int:
    """The hypotension grade implied by the vasopressors given (D3).

    Distinct agents are counted; vasopressin never counts towards "multiple".

    Args:
        agents: the agents given (repeats allowed).

    Returns:
        0 for none, 3 for one vasopressor with or without vasopressin (vasopressin alone is one),
        4 for two or more distinct agents other than vasopressin.

    Example:
        >>> V = VasopressorAgent
        >>> vasopressor_grade([V.VASOPRESSIN]), vasopressor_grade([V.VASOPRESSIN, V.DOPAMINE])
        (3, 3)
        >>> vasopressor_grade([V.NOREPINEPHRINE, V.NOREPINEPHRINE, V.PHENYLEPHRINE])
        4
    """
    if not agents:
        return 0
    others = {agent for agent in agents if agent is not VasopressorAgent.VASOPRESSIN}
    if len(others) >= 2:
        return MULTIPLE_VASOPRESSOR_GRADE
    return SINGLE_VASOPRESSOR_GRADE


_VASOPRESSIN = VasopressorAgent.VASOPRESSIN
#: The agents other than vasopressin D3 accepts: an agent not named that is not vasopressin is one.
_NON_VASOPRESSIN_MAX = VASOPRESSOR_COUNT_MAX - 1


@lru_cache(maxsize=256)
def vasopressor_level(agents: tuple[VasopressorAgent, ...], count: int | str) -> Ints:
    """The hypotension grade level of the vasopressors given, some perhaps not named (D3, D13).

    ``count`` is the number of distinct agents given, named or not (``"multiple"``: two or
    more). The agents not named are distinct from the named ones and from each other, and any
    one of them may be vasopressin (when it is not named), which never counts towards "multiple":
    the level is the range of :func:`vasopressor_grade` over every way to name them.

    Args:
        agents: the agents named (repeats allowed), all among the ``count``.
        count: the number of distinct agents given, 0-6, or ``"multiple"``.

    Returns:
        The grade's values: (0,) for none, (3,) or (4,) when determined, (3, 4) when an unnamed
        agent being vasopressin or not decides it.

    Example:
        >>> V = VasopressorAgent
        >>> vasopressor_level((), 1), vasopressor_level((), "multiple")
        ((3,), (3, 4))
        >>> vasopressor_level((V.VASOPRESSIN,), 3), vasopressor_level((V.DOPAMINE,), 2)
        ((4,), (3, 4))
    """
    named = set(agents)
    others = len(named - {_VASOPRESSIN})
    vasopressin_free = _VASOPRESSIN not in named  # an agent not named may still be vasopressin
    if count == VASOPRESSOR_COUNT_MULTIPLE:
        fewest, most = max(0, 2 - len(named)), VASOPRESSOR_COUNT_MAX - len(named)
    else:
        fewest = most = int(count) - len(named)
    grades: set[int] = set()
    for unnamed in range(fewest, most + 1):
        if not named and not unnamed:
            grades.add(0)
            continue
        # Every way to name the unnamed agents: vasopressin among them (when free) or not.
        least = max(others + unnamed - (1 if unnamed and vasopressin_free else 0), 0)
        for non_vasopressin in (least, min(others + unnamed, _NON_VASOPRESSIN_MAX)):
            grades.add(
                MULTIPLE_VASOPRESSOR_GRADE if non_vasopressin >= 2 else SINGLE_VASOPRESSOR_GRADE
            )
    return _ends(min(grades), max(grades))


def crs_rule(
    fever: int,
    fever_not_attributed: int,
    waiver: int,
    hypotension: int,
    hypotension_not_attributed: int,
    hypoxia: int,
    hypoxia_not_attributed: int,
) -> int:
    """The CRS grade below death at one combination of the levels (CRS table and footnotes).

    CRS needs fever not attributable to another cause, unless the post-treatment waiver applies
    (D1); its grade is then the worse of hypotension and hypoxia, each counted only when not
    attributable to another cause (D2-D5), and at least grade 1 with fever. Death due to CRS (D6)
    is added by the engine (:func:`crs_bounds`). Non-decreasing in every argument.

    Args:
        fever: 1 when fever (≥ 38.0 °C) is present (D1, D14).
        fever_not_attributed: 1 when the fever is not attributable to another cause (D2).
        waiver: 1 when the post-treatment waiver applies (D1).
        hypotension: the hypotension grade, by the vasopressors needed (D3, D5).
        hypotension_not_attributed: 1 when the hypotension is not attributable to another cause.
        hypoxia: the hypoxia grade, by the oxygen device and flow (D4).
        hypoxia_not_attributed: 1 when the oxygen need is not attributable to another cause.

    Example:
        >>> crs_rule(1, 1, 0, 3, 1, 2, 1)  # fever, one vasopressor, low-flow cannula
        3
        >>> crs_rule(0, 1, 1, 0, 1, 4, 1), crs_rule(0, 1, 0, 0, 1, 4, 1)  # afebrile on CPAP
        (4, 0)
    """
    support = max(hypotension * hypotension_not_attributed, hypoxia * hypoxia_not_attributed)
    if fever and fever_not_attributed:
        return max(FEVER_ONLY_GRADE, support)
    if waiver:
        return support
    return 0


def _graded(combination: Values) -> bool:
    """Whether CRS is graded at all at one combination of the levels (the domain's finding)."""
    return crs_rule(*combination) > 0  # type: ignore[arg-type]


@cache
def crs_bounds(levels: tuple[Values, ...], death: Values) -> tuple[int, int, tuple[int, ...]]:
    """The grade's bounds and the positions of the levels that can change it (D13), by the engine.

    The seven levels of :func:`crs_rule` are one domain; death due to CRS is grade 5 whatever the
    domain gives (D6), so when it is not known it always matters (position :data:`DEATH`). Kept
    per pattern of level values: there are finitely many (at most 3**6 x 7 x 6).

    Args:
        levels: the values each level of :func:`crs_rule` can take, in :data:`LEVELS` order.
        death: the values death due to CRS can take (0/1).

    Returns:
        (lowest grade, highest grade, positions of the open levels that can change the grade).

    Example:
        >>> crs_bounds(((1,), (1,), (0, 1), (2, 4), (1,), (0,), (1,)), (0,))
        (2, 4, (3,))
        >>> crs_bounds(((0, 1), (1,), (0,), (0,), (1,), (0,), (1,)), (0, 1))
        (0, 5, (0, 7))
    """
    low, high, (matters,) = worst([domain(crs_rule, levels, _graded)], death)
    if len(death) > 1:
        matters = (*matters, DEATH)
    return low, high, matters


# --- The levels from the inputs ----------------------------------------------------------------


def _ends(low: int, high: int) -> Ints:
    """A grade range as the values of its level: one value when determined."""
    return (low,) if low == high else (low, high)


def fever_present(value: float, unit: TemperatureUnit) -> bool:
    """Whether a temperature reading is fever: ≥ 38.0 °C, inclusive, at 0.01 °C (D1, D14).

    Example:
        >>> fever_present(37.99, TemperatureUnit.CELSIUS)
        False
        >>> fever_present(100.4, TemperatureUnit.FAHRENHEIT)
        True
    """
    return to_celsius(value, unit) >= FEVER_MIN_C


def fever_reading(value: float, unit: TemperatureUnit) -> tuple[bool, str]:
    """(fever present, detail) from a temperature reading (D1, D14).

    Example:
        >>> fever_reading(100.4, TemperatureUnit.FAHRENHEIT)
        (True, 'fever (100.4 °F = 38 °C)')
    """
    present = fever_present(value, unit)
    word = "fever" if present else "no fever"
    if unit is TemperatureUnit.CELSIUS:
        return present, f"{word} ({value:g} °C)"
    return present, f"{word} ({value:g} °F = {to_celsius(value, unit):g} °C)"


def hypotension_present(
    hypotension: bool | None, systolic: float | None, age: float | None
) -> bool | None:
    """Whether hypotension is present: as recorded, else from systolic pressure and age (D5).

    A systolic pressure strictly below the PALS threshold for the age is hypotension; without
    ``hypotension``, ``systolic`` or ``age`` it is not known (None).

    Example:
        >>> hypotension_present(None, 89, 40), hypotension_present(None, 90, 40)
        (True, False)
        >>> hypotension_present(None, 89, None) is None
        True
    """
    if hypotension is None and systolic is not None and age is not None:
        return systolic < systolic_threshold_mmhg(age)
    return hypotension


@lru_cache(maxsize=1024)
def hypotension_level(
    hypotension: bool | None,
    present: bool | None,
    agents: tuple[VasopressorAgent, ...] | None,
    count: int | str | None = None,
) -> tuple[Ints, tuple[str, ...]]:
    """(hypotension grade level, the inputs whose absence leaves it open) (D3, D5).

    ``present`` is :func:`hypotension_present`; ``agents`` are the vasopressors given (empty:
    none), None when not assessed; ``count`` is ``vasopressor_count`` (the distinct agents given,
    named or not), None when not recorded.

    Example:
        >>> hypotension_level(True, True, None)
        ((2, 4), ('vasopressors',))
        >>> hypotension_level(None, None, ())
        ((0, 2), ('hypotension',))
        >>> hypotension_level(True, True, None, "multiple")  # one may be vasopressin (D3)
        ((3, 4), ('vasopressors',))
    """
    if count is not None:
        if count == 0:
            agents = ()
        else:
            level = vasopressor_level(agents or (), count)
            return level, ("vasopressors",) if len(level) > 1 else ()
    if agents:
        return (vasopressor_grade(agents),), ()
    if hypotension is False:
        # The clinician's "no hypotension" means none needing any support, vasopressors included.
        return (0,), ()
    pressor_hi = MULTIPLE_VASOPRESSOR_GRADE if agents is None else 0
    unassessed: tuple[str, ...] = ("vasopressors",) if agents is None else ()
    if present is False:
        # A normal systolic pressure may be held up by vasopressors: only their absence settles it.
        return _ends(0, pressor_hi), unassessed
    if present is True:
        lo = HYPOTENSION_NO_VASOPRESSOR_GRADE
        return _ends(lo, max(lo, pressor_hi)), unassessed
    return (0, max(HYPOTENSION_NO_VASOPRESSOR_GRADE, pressor_hi)), ("hypotension", *unassessed)


def hypotension_reading(
    hypotension: bool | None,
    systolic: float | None,
    age: float | None,
    agents: tuple[VasopressorAgent, ...] | None,
    count: int | str | None = None,
) -> tuple[Ints, str, tuple[str, ...], bool]:
    """(hypotension grade level, detail, missing fields, decided by systolic pressure) (D3, D5).

    The level and the missing fields are :func:`hypotension_level`'s; this adds the detail. The
    pressure decides (and D5 applies) only when the finding is derived from it and no vasopressor
    is given: vasopressors, named or counted, are given for hypotension and grade it whatever the
    pressure (D3; a normal pressure may be held up by them).

    Example:
        >>> hypotension_reading(True, None, None, None)
        ((2, 4), 'hypotension, vasopressors not assessed', ('vasopressors',), False)
        >>> hypotension_reading(True, None, None, None, 1)[1]
        'hypotension on 1 vasopressor (not named)'
    """
    present = hypotension_present(hypotension, systolic, age)
    derived = present is not hypotension
    level, missing = hypotension_level(hypotension, present, agents, count)
    if count is not None and count != 0:
        return level, _counted_detail(agents or (), count, level), missing, False
    if count == 0:
        agents = ()  # a count of none is the empty list: vasopressors assessed, none given (D3)
    if agents:
        names = ", ".join(dict.fromkeys(agent.value for agent in agents))
        return level, f"hypotension on vasopressors ({names})", missing, False
    detail_bp = ""
    if derived and age is not None:  # derived: systolic and age are given
        relation = "<" if present else "≥"
        detail_bp = (
            f"systolic {describe(systolic)} {relation} "
            f"{describe(systolic_threshold_mmhg(age))} mmHg at age {describe(age)} y (PALS, D5)"
        )
    unassessed = ", vasopressors not assessed" if agents is None else ""
    if hypotension is False:
        detail = "no hypotension"
    elif present is False:
        detail = f"{detail_bp}{unassessed}"
    elif present is True:
        detail = f"{detail_bp or 'hypotension'}{unassessed or ' without vasopressors'}"
    else:
        detail = "hypotension not assessed"
    return level, detail, missing, derived


def _counted_detail(agents: tuple[VasopressorAgent, ...], count: int | str, level: Ints) -> str:
    """The vasopressors in words when a count is recorded, saying what an unnamed agent may be."""
    names = list(dict.fromkeys(agent.value for agent in agents))
    if count == VASOPRESSOR_COUNT_MULTIPLE:
        counted = "multiple vasopressors (2 or more"
    else:
        counted = f"{count} vasopressor{'s' if count != 1 else ''} ("
    unnamed = "not named" if not names else f"named: {', '.join(names)}; the rest not named"
    if count != VASOPRESSOR_COUNT_MULTIPLE and len(names) == count:
        unnamed = ", ".join(names)
    if count == VASOPRESSOR_COUNT_MULTIPLE:
        unnamed = f"; {unnamed}" if names else ", not named"
    detail = f"hypotension on {counted}{unnamed})"
    if len(level) > 1:
        if VasopressorAgent.VASOPRESSIN in agents:
            detail += (
                ": vasopressin, named, does not count towards multiple vasopressors, and the "
                "number of other agents is not recorded (D3)"
            )
        else:
            detail += (
                ": an agent not named may be vasopressin, which does not count towards "
                "multiple vasopressors (D3)"
            )
    return detail


def hypoxia_level(
    device: OxygenDevice, flow: float | None, unlabelled_cannula_without_flow: str
) -> Ints:
    """The hypoxia grade level of the oxygen support given (D4).

    A nasal cannula's flow decides low (≤ 6 L/min) versus high flow whatever the label; without a
    flow the label decides, and an unlabelled cannula is low flow unless the option reads it as
    unknown (then the level is 2-3).

    Example:
        >>> hypoxia_level(OxygenDevice.NASAL_CANNULA, 6.0, "low_flow")
        (2,)
        >>> hypoxia_level(OxygenDevice.NASAL_CANNULA, 6.01, "low_flow")
        (3,)
        >>> hypoxia_level(OxygenDevice.NASAL_CANNULA, None, "unknown")
        (2, 3)
    """
    rule = OXYGEN_DEVICES[device]
    if not rule.flow_decides:
        return (rule.grade,)
    if flow is not None:
        return (LOW_FLOW_GRADE if quantize(flow) <= LOW_FLOW_MAX_L_MIN else HIGH_FLOW_GRADE,)
    if device is OxygenDevice.NASAL_CANNULA and unlabelled_cannula_without_flow == "unknown":
        return (LOW_FLOW_GRADE, HIGH_FLOW_GRADE)
    return (rule.grade,)


def hypoxia_reading(
    device: OxygenDevice, flow: float | None, unlabelled_cannula_without_flow: str
) -> tuple[Ints, str]:
    """(hypoxia grade level, detail) of the oxygen support given (D4).

    The level is :func:`hypoxia_level`'s; this adds the detail.

    Example:
        >>> hypoxia_reading(OxygenDevice.NASAL_CANNULA, 6.0, "low_flow")
        ((2,), 'nasal cannula at 6 L/min (low flow)')
        >>> hypoxia_reading(OxygenDevice.NASAL_CANNULA, None, "unknown")
        ((2, 3), 'nasal cannula, flow not given')
    """
    level = hypoxia_level(device, flow, unlabelled_cannula_without_flow)
    rule = OXYGEN_DEVICES[device]
    name = describe(device).replace("_", " ")
    if not rule.flow_decides:
        at = f" at {describe(flow)} L/min" if flow else ""
        return level, f"{name}{at}"
    if flow is not None:
        kind = "low flow" if level[0] == LOW_FLOW_GRADE else "high flow"
        overrode = level[0] != rule.grade and device is not OxygenDevice.NASAL_CANNULA
        note = ", flow overrides the device label (D4)" if overrode else ""
        return level, f"{name} at {describe(flow)} L/min ({kind}{note})"
    if len(level) > 1:
        return level, f"{name}, flow not given"
    return level, f"{name}, flow not given (graded by label, D4)"
