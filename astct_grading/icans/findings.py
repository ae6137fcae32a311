"""One finding per ICANS domain: what the domain contributes to the grade, for audit.

The seizure, motor and ICP outcomes depend on their own few inputs only, so each is built once
per value of those inputs and shared (findings are frozen): 15 motor outcomes, and the most recent
seizure and ICP ones. The consciousness finding of a known level, and the death finding, are built
once per answer.
"""

from __future__ import annotations

from functools import cache, lru_cache

from astct_grading.core.bounds import Domain, Level
from astct_grading.core.results import Finding
from astct_grading.criteria.astct import DEATH_GRADE
from astct_grading.criteria.icans import (
    CONSCIOUSNESS_GRADES,
    ConsciousnessLevel,
    IcpFinding,
    MotorFinding,
)
from astct_grading.icans.domains import (
    FLAG,
    icp_domain,
    motor_domain,
    seizure_domain,
    seizure_inputs,
)
from astct_grading.icans.explain import (
    LEVEL_WORDS,
    icp_detail,
    motor_detail,
    part,
    seizure_detail,
)

__all__ = [
    "DomainOutcome",
    "consciousness_known",
    "death_outcome",
    "finding",
    "icp_outcome",
    "motor_outcome",
    "seizure_outcome",
]

#: What an independent domain gives the grade: its finding, the finding in the explanation's
#: words, and its analysis.
DomainOutcome = tuple[Finding, str, Domain]


def finding(
    domain: str,
    assessed: bool,
    present: Level,
    other_cause: bool | None,
    contribution: Level,
    detail: str,
) -> Finding:
    """A domain's finding; ``present`` is a 0/1 range, ``contribution`` the grade's range.

    Example:
        >>> finding("icp", True, (1, 1), True, (0, 0), "focal oedema").detail
        'focal oedema, attributed to another cause'
    """
    return Finding(
        domain,
        assessed,
        bool(present[0]) if present[0] == present[1] else None,
        other_cause,
        contribution[0],
        contribution[1],
        detail if not other_cause else f"{detail}, attributed to another cause",
    )


def _outcome(item: Finding, analysis: Domain) -> DomainOutcome:
    return item, part(item), analysis


@lru_cache(maxsize=256)
def seizure_outcome(
    seizure: bool | None,
    minutes: float | None,
    over_5: bool | None,
    repetitive: bool | None,
    other: bool | None,
) -> DomainOutcome:
    """The seizure domain's outcome (adult table, seizure row; D11).

    Example:
        >>> seizure_outcome(True, 6.0, None, None, False)[1]
        'seizure, lasting 6 min (> 5 min) (grade 4)'
    """
    analysis, assessed = seizure_domain(seizure_inputs(seizure, minutes, over_5, repetitive, other))
    detail = seizure_detail(seizure, minutes, over_5, repetitive)
    return _outcome(
        finding("seizure", assessed, analysis.present, other, analysis.span, detail), analysis
    )


@cache
def motor_outcome(motor: MotorFinding | None, other: bool | None) -> DomainOutcome:
    """The motor domain's outcome (adult table, motor findings row; D11).

    Example:
        >>> motor_outcome(MotorFinding.HEMIPARESIS, False)[1]
        'hemiparesis (grade 4)'
    """
    analysis = motor_domain(motor, other)
    detail = motor_detail(motor)
    return _outcome(
        finding("motor", motor is not None, analysis.present, other, analysis.span, detail),
        analysis,
    )


@lru_cache(maxsize=256)
def icp_outcome(icp: tuple[IcpFinding, ...] | None, other: bool | None) -> DomainOutcome:
    """The raised ICP / cerebral oedema domain's outcome (adult table, elevated ICP row; D11).

    Example:
        >>> icp_outcome((IcpFinding.FOCAL_OEDEMA,), False)[1]
        'focal oedema (grade 3)'
    """
    analysis = icp_domain(icp, other)
    detail = icp_detail(icp)
    return _outcome(
        finding("icp", icp is not None, analysis.present, other, analysis.span, detail), analysis
    )


@cache
def consciousness_known(level: ConsciousnessLevel, sedated: bool) -> tuple[Finding, str]:
    """The consciousness finding when the level and its attribution are known (D9).

    Example:
        >>> consciousness_known(ConsciousnessLevel.AWAKENS_TO_VOICE, False)[1]
        'awakens to voice (grade 2)'
    """
    grade = CONSCIOUSNESS_GRADES[level]
    contribution = 0 if sedated else grade
    item = finding(
        "consciousness",
        True,
        (grade > 0, grade > 0),
        sedated,
        (contribution, contribution),
        LEVEL_WORDS[level],
    )
    return item, part(item)


@cache
def death_outcome(death: bool | None) -> tuple[Finding, str]:
    """The death finding of each answer, and its words (D6).

    Example:
        >>> death_outcome(None)[1]
        'cause of death not known (grade 0 to 5)'
    """
    values = FLAG[death]
    level = (int(values[0]), int(values[-1]))
    item = finding(
        "death",
        death is not None,
        level,
        None,
        (DEATH_GRADE * level[0], DEATH_GRADE * level[1]),
        "death due to ICANS"
        if death
        else ("cause of death not known" if death is None else "no ICANS death"),
    )
    return item, part(item)
