"""The ICANS result in words: each finding's detail, and the one-line explanation.

Every phrase is generated from the record and the criteria's numbers (ICE_MAX, CAPD_MAX...), so
the text says what the grade was read from; the decisions (docs/decisions.md) are cited in it.
"""

from __future__ import annotations

from functools import cache

from astct_grading.core.results import Finding
from astct_grading.core.validation import describe
from astct_grading.criteria.icans import (
    CAPD_MAX,
    ICE_MAX,
    CapdNotPerformed,
    ConsciousnessLevel,
    IceNotPerformed,
    IcpFinding,
    MotorFinding,
    seizure_prolonged,
)
from astct_grading.icans.capd import CapdAssessment
from astct_grading.icans.models import IcansAssessment, IcansOptions

__all__ = [
    "LEVEL_WORDS",
    "capd_detail",
    "consciousness_detail",
    "explain",
    "grade_suffix",
    "grade_text",
    "ice_detail",
    "icp_detail",
    "motor_detail",
    "part",
    "seizure_detail",
]


def ice_detail(a: IcansAssessment, score: tuple[int, int]) -> str:
    """The ICE in words; ``score`` is its total's range.

    Example:
        >>> ice_detail(IcansAssessment(ice={"total": 0}, consciousness="unarousable"), (0, 0))
        'ICE 0/10, unarousable (D10)'
    """
    ice = a.ice
    if ice is None:
        return "ICE not recorded"
    if not ice.assessable:
        return "ICE not performed (sedated or intubated): not assessable, never 0 (D10)"
    if ice.not_performed is IceNotPerformed.UNAROUSABLE:
        return "ICE 0: unarousable, unable to perform ICE (D10)"
    low, high = score
    if low != high:
        return f"ICE {low} to {high} of {ICE_MAX} (items not recorded)"
    if low:
        return _ICE_SCORES[low]
    if a.consciousness is ConsciousnessLevel.UNAROUSABLE:
        return f"{_ICE_SCORES[0]}, unarousable (D10)"
    if a.global_aphasia:
        return f"{_ICE_SCORES[0]}, awake with global aphasia (D10)"
    if a.consciousness is not None:
        return f"{_ICE_SCORES[0]}, arousable (D10)"
    return f"{_ICE_SCORES[0]}, arousal not recorded (D10)"


_ICE_SCORES = tuple(f"ICE {score}/{ICE_MAX}" for score in range(ICE_MAX + 1))


def capd_detail(capd: CapdAssessment | None, total: tuple[int, int]) -> str:
    """The CAPD in words; ``total`` is its range.

    Example:
        >>> capd_detail(CapdAssessment(rass=-4), (0, 32))
        'CAPD not assessable: deep sedation (RASS -4) (D8)'
    """
    if capd is None:
        return "CAPD not recorded"
    if capd.not_performed is CapdNotPerformed.UNABLE:
        return "unable to perform CAPD (D8)"
    if capd.not_performed is CapdNotPerformed.NEUROMUSCULAR_BLOCKADE:
        return "CAPD not assessable: neuromuscular blockade (D8)"
    if not capd.assessable:
        return f"CAPD not assessable: deep sedation (RASS {capd.rass}) (D8)"
    low, high = total
    if low != high:
        return f"CAPD {low} to {high} of {CAPD_MAX} (answers not recorded)"
    return f"CAPD {low}/{CAPD_MAX}"


LEVEL_WORDS = {
    ConsciousnessLevel.ALERT: "alert",
    ConsciousnessLevel.AWAKENS_SPONTANEOUSLY: "awakens spontaneously",
    ConsciousnessLevel.AWAKENS_TO_VOICE: "awakens to voice",
    ConsciousnessLevel.AWAKENS_TO_TACTILE_STIMULUS: "awakens only to tactile stimulus",
    ConsciousnessLevel.UNAROUSABLE: "unarousable or needs vigorous stimuli",
}


def consciousness_detail(a: IcansAssessment) -> str:
    """The level of consciousness in words (D9).

    Example:
        >>> consciousness_detail(IcansAssessment(global_aphasia=True))
        'consciousness not recorded (awake with global aphasia)'
    """
    if a.consciousness is not None:
        return LEVEL_WORDS[a.consciousness]
    if a.ice is not None and a.ice.not_performed is IceNotPerformed.UNAROUSABLE:
        return "consciousness not recorded (unarousable per the ICE)"
    if a.global_aphasia:
        return "consciousness not recorded (awake with global aphasia)"
    return "consciousness not assessed"


def seizure_detail(
    seizure: bool | None, minutes: float | None, over_5: bool | None, repetitive: bool | None
) -> str:
    """The seizure in words (D11; durations compared at 0.01 min, D14).

    Example:
        >>> seizure_detail(True, 5.004, None, False)
        'seizure, lasting 5.004 min (≤ 5 min), with return to baseline'
    """
    if seizure is False:
        return "no seizure"
    parts: list[str] = []
    if minutes is not None:
        relation = "> 5" if seizure_prolonged(minutes) else "≤ 5"
        parts.append(f"lasting {describe(minutes)} min ({relation} min)")
    elif over_5 is not None:
        parts.append("lasting > 5 min" if over_5 else "lasting ≤ 5 min")
    if repetitive is True:
        parts.append("repetitive without return to baseline")
    elif repetitive is False:
        parts.append("with return to baseline")
    if seizure is None and not parts:
        return "seizure not assessed"
    if seizure is None and minutes is None and over_5 is False:
        # Only negative details: whether there was a seizure at all is not recorded.
        return "seizure not recorded (" + ", ".join(parts) + ")"
    if not parts or (minutes is None and over_5 is None and repetitive is not True):
        parts.append("duration not recorded")
    return "seizure, " + ", ".join(parts)


def motor_detail(motor: MotorFinding | None) -> str:
    """The motor findings in words (D11).

    Example:
        >>> motor_detail(MotorFinding.OTHER_DEEP_FOCAL_WEAKNESS)
        'other deep focal weakness'
    """
    if motor is None:
        return "motor findings not assessed"
    if motor is MotorFinding.NONE:
        return "no deep focal motor weakness"
    return describe(motor).replace("_", " ")


def icp_detail(icp: tuple[IcpFinding, ...] | None) -> str:
    """The raised ICP / cerebral oedema findings in words (D11).

    Example:
        >>> icp_detail((IcpFinding.CRANIAL_NERVE_VI_PALSY, IcpFinding.PAPILLOEDEMA))
        'cranial nerve VI palsy, papilloedema'
    """
    if icp is None:
        return "raised ICP / cerebral oedema not assessed"
    if not icp:
        return "no raised ICP or cerebral oedema"
    names = dict.fromkeys(describe(finding).replace("_", " ") for finding in icp)
    return ", ".join(names).replace("cranial nerve vi", "cranial nerve VI")


@cache  # one entry per range and instrument: 63 at most
def grade_text(low: int, high: int, instrument: str | None) -> str:
    """The explanation's opening: the grade or its range, and the instrument.

    Example:
        >>> grade_text(1, 3, "CAPD")
        'ICANS grade 1 to 3 (undetermined) (CAPD): '
    """
    grade = f"ICANS grade {low}" if low == high else f"ICANS grade {low} to {high} (undetermined)"
    if instrument is not None:
        grade += f" ({instrument})"
    return f"{grade}: "


@cache  # one entry per range: 21 at most
def grade_suffix(low: int, high: int) -> str:
    """A finding's grade in words, after its detail (nothing for grade 0).

    Example:
        >>> grade_suffix(0, 0), grade_suffix(2, 2), grade_suffix(0, 4)
        ('', ' (grade 2)', ' (grade 0 to 4)')
    """
    if low == high:
        return f" (grade {low})" if low else ""
    return f" (grade {low} to {high})"


def part(finding: Finding) -> str:
    """The finding in the explanation: its detail and, when it adds one, its grade.

    Example:
        >>> part(Finding("motor", True, True, False, 4, 4, "hemiparesis"))
        'hemiparesis (grade 4)'
    """
    return finding.detail + grade_suffix(finding.grade_min, finding.grade_max)


def _instrument_note(a: IcansAssessment, options: IcansOptions, instrument: str | None) -> str:
    if instrument == "ICE" and a.capd is not None:
        cut = describe(options.ice_min_age_years)
        return f"CAPD recorded but not used: ICE is the instrument from age {cut} y (D7)"
    if instrument == "CAPD" and a.ice is not None:
        cut = describe(options.ice_min_age_years)
        why = (
            "with developmental delay"
            if a.developmental_delay
            else f"below age {cut} y (age {describe(a.age_years)} y)"
        )
        return f"ICE recorded but not used: CAPD is the instrument {why} (D7)"
    if instrument is None:
        unknown = [
            name
            for name, value in (
                ("age", a.age_years),
                ("developmental delay", a.developmental_delay),
            )
            if value is None
        ]
        return f"instrument not determined: {' and '.join(unknown)} not known (D7)"
    return ""


def explain(
    a: IcansAssessment,
    options: IcansOptions,
    instrument: str | None,
    low: int,
    high: int,
    parts: list[str],
    excluded: tuple[str, ...],
    missing: tuple[str, ...],
) -> str:
    """The explanation, one line.

    ``parts`` holds the findings in words (death left out when recorded as not due to ICANS); it is
    extended here.

    Example:
        >>> record = IcansAssessment(age_years=40, tremor=True)
        >>> explain(record, IcansOptions(), "ICE", 2, 2, ["ICE 5/10 (grade 2)"], ("tremor",), ())
        'ICANS grade 2 (ICE): ICE 5/10 (grade 2); recorded, not graded (D11): tremor.'
    """
    note = _instrument_note(a, options, instrument)
    if note:
        parts.append(note)
    if (
        a.intracranial_haemorrhage
        and a.icp_other_cause is False
        and a.icp is not None
        and any(f in a.icp for f in (IcpFinding.FOCAL_OEDEMA, IcpFinding.DIFFUSE_OEDEMA))
    ):
        parts.append(
            "oedema counted as ICANS; record icp_other_cause if it is associated with the "
            "haemorrhage (D11)"
        )
    if excluded:
        parts.append("recorded, not graded (D11): " + ", ".join(excluded).replace("_", " "))
    if missing:
        parts.append("open until given: " + ", ".join(missing))
    return grade_text(low, high, instrument) + "; ".join(parts) + "."
