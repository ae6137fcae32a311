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
from functools import cache

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
    "fever_reading",
    "hypotension_reading",
    "hypoxia_reading",
    "vasopressor_grade",
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


def fever_reading(value: float, unit: TemperatureUnit) -> tuple[bool, str]:
    """(fever present, detail) from a temperature reading (D1, D14).

    Example:
        >>> fever_reading(100.4, TemperatureUnit.FAHRENHEIT)
        (True, 'fever (100.4 °F = 38 °C)')
    """
    celsius = to_celsius(value, unit)
    present = celsius >= FEVER_MIN_C  # "≥ 38 °C", inclusive, at 0.01 °C (D1, D14)
    word = "fever" if present else "no fever"
    if unit is TemperatureUnit.CELSIUS:
        return present, f"{word} ({value:g} °C)"
    return present, f"{word} ({value:g} °F = {celsius:g} °C)"


def hypotension_reading(
    hypotension: bool | None,
    systolic: float | None,
    age: float | None,
    agents: tuple[VasopressorAgent, ...] | None,
) -> tuple[Ints, str, tuple[str, ...], bool]:
    """(hypotension grade level, detail, missing fields, derived from systolic pressure) (D3, D5).

    ``agents`` are the vasopressors given (empty: none), None when not assessed; ``systolic``
    and ``age`` derive the presence of hypotension when ``hypotension`` is None (PALS, D5).

    Example:
        >>> hypotension_reading(True, None, None, None)
        ((2, 4), 'hypotension, vasopressors not assessed', ('vasopressors',), False)
    """
    present = hypotension
    derived = False
    detail_bp = ""
    if present is None and systolic is not None and age is not None:
        threshold = systolic_threshold_mmhg(age)
        present = systolic < threshold
        derived = True
        relation = "<" if present else "≥"
        detail_bp = (
            f"systolic {describe(systolic)} {relation} {describe(threshold)} mmHg "
            f"at age {describe(age)} y (PALS, D5)"
        )
    if agents:
        grade = vasopressor_grade(agents)
        names = ", ".join(dict.fromkeys(agent.value for agent in agents))
        return (grade,), f"hypotension on vasopressors ({names})", (), derived
    if hypotension is False:
        # The clinician's "no hypotension" means none needing any support, vasopressors included.
        return (0,), "no hypotension", (), derived
    pressor_hi = MULTIPLE_VASOPRESSOR_GRADE if agents is None else 0
    if present is False:
        # A normal systolic pressure may be held up by vasopressors: only their absence settles it.
        if agents is None:
            return (
                (0, pressor_hi),
                f"{detail_bp}, vasopressors not assessed",
                ("vasopressors",),
                derived,
            )
        return (0,), detail_bp, (), derived
    if present is True:
        lo = HYPOTENSION_NO_VASOPRESSOR_GRADE
        level = _ends(lo, max(lo, pressor_hi))
        base = detail_bp or "hypotension"
        if agents is None:
            return level, f"{base}, vasopressors not assessed", ("vasopressors",), derived
        return level, f"{base} without vasopressors", (), derived
    hi = max(HYPOTENSION_NO_VASOPRESSOR_GRADE, pressor_hi)
    missing = ("hypotension",) if agents is not None else ("hypotension", "vasopressors")
    return (0, hi), "hypotension not assessed", missing, derived


def hypoxia_reading(
    device: OxygenDevice, flow: float | None, unlabelled_cannula_without_flow: str
) -> tuple[Ints, str]:
    """(hypoxia grade level, detail) of the oxygen support given (D4).

    A nasal cannula's flow decides low (≤ 6 L/min) versus high flow whatever the label; without a
    flow the label decides, and an unlabelled cannula is low flow unless the option reads it as
    unknown (then the level is 2-3).

    Example:
        >>> hypoxia_reading(OxygenDevice.NASAL_CANNULA, 6.0, "low_flow")
        ((2,), 'nasal cannula at 6 L/min (low flow)')
        >>> hypoxia_reading(OxygenDevice.NASAL_CANNULA, None, "unknown")
        ((2, 3), 'nasal cannula, flow not given')
    """
    rule = OXYGEN_DEVICES[device]
    name = describe(device).replace("_", " ")
    if not rule.flow_decides:
        at = f" at {describe(flow)} L/min" if flow else ""
        return (rule.grade,), f"{name}{at}"
    if flow is not None:
        low_flow = quantize(flow) <= LOW_FLOW_MAX_L_MIN
        grade = LOW_FLOW_GRADE if low_flow else HIGH_FLOW_GRADE
        kind = "low flow" if low_flow else "high flow"
        overrode = grade != rule.grade and device is not OxygenDevice.NASAL_CANNULA
        note = ", flow overrides the device label (D4)" if overrode else ""
        return (grade,), f"{name} at {describe(flow)} L/min ({kind}{note})"
    if device is OxygenDevice.NASAL_CANNULA and unlabelled_cannula_without_flow == "unknown":
        return (LOW_FLOW_GRADE, HIGH_FLOW_GRADE), f"{name}, flow not given"
    return (rule.grade,), f"{name}, flow not given (graded by label, D4)"
