"""ASTCT 2019 consensus criteria for ICANS, with the ICE and CAPD instruments, as data.

Every entry carries its source, so the grading code, the docs and the tests read one table.
Sources: Lee DW et al., *Biol Blood Marrow Transplant* 2019;25:625-638 (the consensus: the ICE
score table, the adult and paediatric ICANS grading tables and their footnotes), as reproduced in
the tables cited in docs/icans.md; the Cornell Assessment of Pediatric Delirium (Traube C et al.,
*Crit Care Med* 2014;42:656-663, and the form in clinical use); and the product decisions in
docs/decisions.md (D7-D11).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeVar

from astct_grading.core.criterion import Criterion, lazy_tables
from astct_grading.core.validation import quantize
from astct_grading.criteria.astct import CRITERIA_VERSION, DEATH_GRADE, LEE_2019

__all__ = [
    "CAPD_BANDS",
    "CAPD_ITEMS",
    "CAPD_ITEM_MAX",
    "CAPD_MAX",
    "CAPD_POSITIVE_MIN",
    "CAPD_UNABLE_GRADE",
    "CAPD_VERSION",
    "CONSCIOUSNESS_GRADES",
    "CRITERIA_VERSION",
    "EXCLUDED_FEATURES",
    "ICANS_CRITERIA",
    "ICE_BANDS",
    "ICE_DOMAINS",
    "ICE_ITEMS",
    "ICE_MAX",
    "ICE_MIN_AGE_YEARS",
    "ICE_ZERO_UNAROUSABLE_GRADE",
    "ICP_GRADES",
    "ICP_SYNONYMS",
    "MOTOR_GRADES",
    "RASS_DEEP_SEDATION_MAX",
    "RASS_MIN",
    "SEIZURE_GRADE",
    "SEIZURE_PROLONGED_GRADE",
    "SEIZURE_PROLONGED_MIN",
    "CapdAnswer",
    "CapdItem",
    "CapdNotPerformed",
    "ConsciousnessLevel",
    "IceItem",
    "IceNotPerformed",
    "IcpFinding",
    "MotorFinding",
    "capd_grade",
    "capd_points",
    "icans_criteria",
    "ice_grade",
    "seizure_prolonged",
]

ICE_TABLE = f"{LEE_2019}, ICE score table"
ADULT_TABLE = f"{LEE_2019}, ICANS grading table for adults"
CHILD_TABLE = f"{LEE_2019}, ICANS grading table for children"
TRAUBE_2014 = "Traube C et al. Crit Care Med 2014;42:656-663 (CAPD); CAPD form (CHOP)"

#: The CAPD's definition: the 8-item form validated by Traube 2014.
CAPD_VERSION = "CAPD-2014"

# --- Which instrument (D7) -------------------------------------------------------------------

#: ICE from this age (inclusive); CAPD below it, and at any age with developmental delay (D7;
#: paediatric table headings "≥ 12 years" / "< 12 years"). A parameter: IcansOptions.
ICE_MIN_AGE_YEARS = 12.0

# --- ICE (Immune effector Cell-associated Encephalopathy score) ------------------------------


@dataclass(frozen=True, slots=True)
class IceItem:
    """One ICE item, worth one point when answered correctly.

    Attributes:
        name: the field name of the item in :class:`~astct_grading.icans.IceAssessment`.
        task: the task in the consensus's words (paraphrased).
        source: where the item comes from.

    Example:
        >>> ICE_ITEMS[-1].name, ICE_ITEMS[-1].task
        ('counts_back_by_ten', 'attention: counting backwards from 100 by 10')
    """

    name: str
    task: str
    source: str


#: The ten one-point items of the ICE score, in the table's order (ICE table; D10).
ICE_ITEMS: tuple[IceItem, ...] = (
    IceItem("orientation_year", "orientation: the year", f"{ICE_TABLE} (orientation, 4 points)"),
    IceItem("orientation_month", "orientation: the month", f"{ICE_TABLE} (orientation, 4 points)"),
    IceItem("orientation_city", "orientation: the city", f"{ICE_TABLE} (orientation, 4 points)"),
    IceItem(
        "orientation_hospital", "orientation: the hospital", f"{ICE_TABLE} (orientation, 4 points)"
    ),
    IceItem("naming_object_1", "naming: the first object", f"{ICE_TABLE} (naming, 3 points)"),
    IceItem("naming_object_2", "naming: the second object", f"{ICE_TABLE} (naming, 3 points)"),
    IceItem("naming_object_3", "naming: the third object", f"{ICE_TABLE} (naming, 3 points)"),
    IceItem(
        "follows_commands",
        "following commands (e.g. show me 2 fingers; close your eyes and stick out your tongue)",
        f"{ICE_TABLE} (commands, 1 point)",
    ),
    IceItem("writes_sentence", "writing a standard sentence", f"{ICE_TABLE} (writing, 1 point)"),
    IceItem(
        "counts_back_by_ten",
        "attention: counting backwards from 100 by 10",
        f"{ICE_TABLE} (attention, 1 point)",
    ),
)

#: The ICE total is 0-10 (ICE table; D10).
ICE_MAX = 10

#: The ICE's five domains, each a subtotal of its items (ICE table: orientation 4 points, naming
#: 3, following commands 1, writing 1, attention 1; D10), by the field name of the subtotal in
#: :class:`~astct_grading.icans.IceAssessment`. A domain's most points is its number of items.
ICE_DOMAINS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "orientation": tuple(item.name for item in ICE_ITEMS[0:4]),
        "naming": tuple(item.name for item in ICE_ITEMS[4:7]),
        "commands": (ICE_ITEMS[7].name,),
        "writing": (ICE_ITEMS[8].name,),
        "attention": (ICE_ITEMS[9].name,),
    }
)

#: ICE score -> ICANS grade (adult table, ICE row; D10): 10 none, 7-9 grade 1, 3-6 grade 2,
#: 0-2 grade 3. Each band is (lowest score, highest score, grade).
ICE_BANDS: tuple[tuple[int, int, int], ...] = ((10, 10, 0), (7, 9, 1), (3, 6, 2), (0, 2, 3))

#: ICE 0 in an unarousable patient unable to perform ICE: grade 4 (adult table; footnote; D10).
ICE_ZERO_UNAROUSABLE_GRADE = 4


def ice_grade(score: int, *, unarousable: bool) -> int:
    """The ICANS grade an ICE score gives (adult table ICE row and footnote; D10).

    Args:
        score: the ICE total, 0-10.
        unarousable: the patient is unarousable (only read when ``score`` is 0).

    Returns:
        0 for 10, 1 for 7-9, 2 for 3-6, 3 for 0-2; 4 for 0 in an unarousable patient. ICE 0 in a
        patient awake with global aphasia is grade 3.

    Example:
        >>> [ice_grade(s, unarousable=False) for s in (10, 9, 7, 6, 3, 2, 0)]
        [0, 1, 1, 2, 2, 3, 3]
        >>> ice_grade(0, unarousable=True)
        4
    """
    if score == 0 and unarousable:
        return ICE_ZERO_UNAROUSABLE_GRADE
    for low, high, grade in ICE_BANDS:
        if low <= score <= high:
            return grade
    raise ValueError(f"an ICE score is 0-{ICE_MAX}, not {score}")


class IceNotPerformed(str, Enum):
    """Why an ICE was not performed (D10).

    Example:
        >>> IceNotPerformed("sedated_or_intubated") is IceNotPerformed.SEDATED_OR_INTUBATED
        True
    """

    SEDATED_OR_INTUBATED = "sedated_or_intubated"
    """Not performed because the patient is sedated or intubated: not assessable, never 0."""
    UNAROUSABLE = "unarousable"
    """The patient is unarousable and unable to perform ICE: ICE 0, grade 4."""


# --- CAPD (Cornell Assessment of Pediatric Delirium) -----------------------------------------


class CapdAnswer(str, Enum):
    """How often a CAPD behaviour was seen over the shift.

    Example:
        >>> [answer.value for answer in CapdAnswer]
        ['never', 'rarely', 'sometimes', 'often', 'always']
    """

    NEVER = "never"
    RARELY = "rarely"
    SOMETIMES = "sometimes"
    OFTEN = "often"
    ALWAYS = "always"


#: Direct scoring: never 0, rarely 1, sometimes 2, often 3, always 4 (CAPD form).
_DIRECT_POINTS: Mapping[CapdAnswer, int] = MappingProxyType(
    {answer: points for points, answer in enumerate(CapdAnswer)}
)
#: The most points one CAPD item can add.
CAPD_ITEM_MAX = 4


@dataclass(frozen=True, slots=True)
class CapdItem:
    """One CAPD item.

    Attributes:
        number: the item's number on the form, 1-8.
        name: the field name of the item in :class:`~astct_grading.icans.CapdAssessment`.
        behaviour: the behaviour in the form's words (paraphrased).
        reverse: True for items 1-4 (desirable behaviours: never scores 4, always 0).
        source: where the item comes from.

    Example:
        >>> [(item.number, item.name, item.reverse) for item in CAPD_ITEMS[3:5]]
        [(4, 'communicates_needs', True), (5, 'restless', False)]
    """

    number: int
    name: str
    behaviour: str
    reverse: bool
    source: str


_REVERSE = f"{TRAUBE_2014}: items 1-4 reverse-scored (never 4 ... always 0)"
_DIRECT = f"{TRAUBE_2014}: items 5-8 scored directly (never 0 ... always 4)"

#: The eight CAPD items, in the form's order.
CAPD_ITEMS: tuple[CapdItem, ...] = (
    CapdItem(1, "eye_contact", "makes eye contact with the caregiver", True, _REVERSE),
    CapdItem(2, "purposeful_actions", "actions are purposeful", True, _REVERSE),
    CapdItem(3, "aware_of_surroundings", "is aware of their surroundings", True, _REVERSE),
    CapdItem(4, "communicates_needs", "communicates needs and wants", True, _REVERSE),
    CapdItem(5, "restless", "is restless", False, _DIRECT),
    CapdItem(6, "inconsolable", "is inconsolable", False, _DIRECT),
    CapdItem(7, "underactive", "is underactive (very little movement while awake)", False, _DIRECT),
    CapdItem(8, "slow_to_respond", "takes a long time to respond to interactions", False, _DIRECT),
)

#: The CAPD total is 0-32 (8 items x 4).
CAPD_MAX = 32
#: A CAPD total of 9 or more is a positive delirium screen (inclusive; Traube 2014).
CAPD_POSITIVE_MIN = 9
#: CAPD is not scored at RASS -4 or -5 (deep sedation, unresponsive to voice; CAPD form; D8).
RASS_DEEP_SEDATION_MAX = -4
#: The lowest RASS (unarousable; the scale runs -5 to +4).
RASS_MIN = -5


def capd_points(answer: CapdAnswer, *, reverse: bool) -> int:
    """The points of one CAPD answer (CAPD form).

    Args:
        answer: how often the behaviour was seen.
        reverse: True for items 1-4, which score desirable behaviours.

    Returns:
        0-4.

    Example:
        >>> never = CapdAnswer.NEVER
        >>> capd_points(never, reverse=True), capd_points(never, reverse=False)
        (4, 0)
    """
    points = _DIRECT_POINTS[answer]
    return CAPD_ITEM_MAX - points if reverse else points


#: CAPD total -> ICANS grade (paediatric table, CAPD row, literal reading; D8): 0 no CAPD-driven
#: grade; 1-8 grade 1 (the table prints 1-8 for grades 1 and 2: consciousness decides 2); >= 9
#: grade 3. Each band is (lowest total, highest total, grade).
CAPD_BANDS: tuple[tuple[int, int, int], ...] = ((0, 0, 0), (1, 8, 1), (9, CAPD_MAX, 3))
#: Unable to perform CAPD because of ICANS: grade 4 (paediatric table; D8).
CAPD_UNABLE_GRADE = 4


def capd_grade(total: int) -> int:
    """The ICANS grade a CAPD total gives (paediatric table, CAPD row; D8).

    Args:
        total: the CAPD total, 0-32.

    Returns:
        0 for 0, 1 for 1-8, 3 for 9 or more.

    Example:
        >>> [capd_grade(t) for t in (0, 1, 8, 9, 32)]
        [0, 1, 1, 3, 3]
    """
    for low, high, grade in CAPD_BANDS:
        if low <= total <= high:
            return grade
    raise ValueError(f"a CAPD total is 0-{CAPD_MAX}, not {total}")


class CapdNotPerformed(str, Enum):
    """Why a CAPD was not performed (D8).

    Example:
        >>> CapdNotPerformed("neuromuscular_blockade").name
        'NEUROMUSCULAR_BLOCKADE'
    """

    DEEP_SEDATION = "deep_sedation"
    """Deep sedation (RASS -4 or -5): not assessable, never grade 4."""
    NEUROMUSCULAR_BLOCKADE = "neuromuscular_blockade"
    """Neuromuscular blockade (paralysed): not assessable, never grade 4."""
    UNABLE = "unable"
    """Unable to perform the CAPD because of ICANS: grade 4."""


# --- Depressed level of consciousness (D9) ---------------------------------------------------


class ConsciousnessLevel(str, Enum):
    """Level of consciousness, by what wakes the patient (D9).

    Example:
        >>> CONSCIOUSNESS_GRADES[ConsciousnessLevel("awakens_to_voice")]
        2
    """

    ALERT = "alert"
    """Awake and alert."""
    AWAKENS_SPONTANEOUSLY = "awakens_spontaneously"
    """Drowsy, but wakes by itself."""
    AWAKENS_TO_VOICE = "awakens_to_voice"
    """Wakes only to voice."""
    AWAKENS_TO_TACTILE_STIMULUS = "awakens_to_tactile_stimulus"
    """Wakes only to a tactile stimulus."""
    UNAROUSABLE = "unarousable"
    """Needs vigorous or repetitive tactile stimuli to arouse, or is unarousable; stupor or
    coma."""


_LOC = f"{ADULT_TABLE} and {CHILD_TABLE}, depressed level of consciousness row; D9"

#: Level of consciousness -> ICANS grade (both tables; D9). Only counts when not attributable to
#: another cause, e.g. sedating medication (tables' footnote; D9).
CONSCIOUSNESS_GRADES: Mapping[ConsciousnessLevel, int] = MappingProxyType(
    {
        ConsciousnessLevel.ALERT: 0,
        ConsciousnessLevel.AWAKENS_SPONTANEOUSLY: 1,
        ConsciousnessLevel.AWAKENS_TO_VOICE: 2,
        ConsciousnessLevel.AWAKENS_TO_TACTILE_STIMULUS: 3,
        ConsciousnessLevel.UNAROUSABLE: 4,
    }
)

# --- Seizure (D11) ---------------------------------------------------------------------------

#: Any clinical seizure (focal or generalised) that resolves rapidly, or non-convulsive seizures
#: on EEG that resolve with intervention: grade 3 (adult table, seizure row; D11).
SEIZURE_GRADE = 3
#: A life-threatening prolonged seizure (> 5 min), or repetitive clinical or electrical seizures
#: without return to baseline in between: grade 4 (adult table, seizure row; D11).
SEIZURE_PROLONGED_GRADE = 4
#: "Prolonged" is strictly longer than this, in minutes, compared at 0.01 min (D11, D14).
SEIZURE_PROLONGED_MIN = 5.0


def seizure_prolonged(minutes: float) -> bool:
    """Whether a seizure lasting ``minutes`` is prolonged (adult table, seizure row; D11, D14).

    "> 5 min", strictly, compared at 0.01 min: 5.004 min is 5.00 and not prolonged, 5.005 min is
    5.01 and prolonged.

    Example:
        >>> [seizure_prolonged(m) for m in (5.0, 5.004, 5.005, 5.01)]
        [False, False, True, True]
    """
    return quantize(minutes) > SEIZURE_PROLONGED_MIN


# --- Motor findings (D11) --------------------------------------------------------------------


class MotorFinding(str, Enum):
    """Motor findings graded by ICANS (tremor and myoclonus are recorded apart: never graded).

    Example:
        >>> MOTOR_GRADES[MotorFinding.HEMIPARESIS], MOTOR_GRADES[MotorFinding.NONE]
        (4, 0)
    """

    NONE = "none"
    """No deep focal motor weakness."""
    HEMIPARESIS = "hemiparesis"
    PARAPARESIS = "paraparesis"
    OTHER_DEEP_FOCAL_WEAKNESS = "other_deep_focal_weakness"
    """Another deep focal motor weakness (e.g. a monoparesis)."""


_MOTOR = f"{ADULT_TABLE}, motor findings row (deep focal motor weakness); D11"

#: Motor finding -> ICANS grade (adult table; D11).
MOTOR_GRADES: Mapping[MotorFinding, int] = MappingProxyType(
    {
        MotorFinding.NONE: 0,
        MotorFinding.HEMIPARESIS: 4,
        MotorFinding.PARAPARESIS: 4,
        MotorFinding.OTHER_DEEP_FOCAL_WEAKNESS: 4,
    }
)

# --- Elevated intracranial pressure / cerebral oedema (D11) ----------------------------------


class IcpFinding(str, Enum):
    """Findings of elevated intracranial pressure or cerebral oedema (D11).

    Example:
        >>> ICP_GRADES[IcpFinding.FOCAL_OEDEMA], ICP_GRADES[IcpFinding.CRANIAL_NERVE_VI_PALSY]
        (3, 4)
    """

    FOCAL_OEDEMA = "focal_oedema"
    """Focal or local oedema on neuroimaging."""
    DIFFUSE_OEDEMA = "diffuse_oedema"
    """Diffuse cerebral oedema on neuroimaging."""
    DECEREBRATE_POSTURING = "decerebrate_posturing"
    DECORTICATE_POSTURING = "decorticate_posturing"
    CRANIAL_NERVE_VI_PALSY = "cranial_nerve_vi_palsy"
    PAPILLOEDEMA = "papilloedema"
    CUSHINGS_TRIAD = "cushings_triad"


_ICP = f"{ADULT_TABLE}, elevated ICP / cerebral oedema row; D11"

#: ICP / oedema finding -> ICANS grade (adult table; D11). Intracranial haemorrhage, with or
#: without associated oedema, is not an ICANS finding (table footnote).
ICP_GRADES: Mapping[IcpFinding, int] = MappingProxyType(
    {
        IcpFinding.FOCAL_OEDEMA: 3,
        IcpFinding.DIFFUSE_OEDEMA: 4,
        IcpFinding.DECEREBRATE_POSTURING: 4,
        IcpFinding.DECORTICATE_POSTURING: 4,
        IcpFinding.CRANIAL_NERVE_VI_PALSY: 4,
        IcpFinding.PAPILLOEDEMA: 4,
        IcpFinding.CUSHINGS_TRIAD: 4,
    }
)

#: American spellings accepted for the ICP findings.
ICP_SYNONYMS: Mapping[str, IcpFinding] = MappingProxyType(
    {
        "focal_edema": IcpFinding.FOCAL_OEDEMA,
        "diffuse_edema": IcpFinding.DIFFUSE_OEDEMA,
        "papilledema": IcpFinding.PAPILLOEDEMA,
    }
)

# --- Recorded, never graded (D11) ------------------------------------------------------------

#: Findings that may be recorded but never change the ICANS grade (field name -> source).
EXCLUDED_FEATURES: Mapping[str, str] = MappingProxyType(
    {
        "tremor": f"{ADULT_TABLE}, footnote: tremor may be graded by CTCAE v5.0, not ICANS; D11",
        "myoclonus": f"{ADULT_TABLE}, footnote: myoclonus may be graded by CTCAE v5.0, not ICANS;"
        " D11",
        "intracranial_haemorrhage": f"{ADULT_TABLE}, footnote: intracranial haemorrhage with or "
        "without associated oedema is not an ICANS feature; D11",
    }
)


# --- The criteria as one table, each sentence generated from the numbers above ---------------

_K = TypeVar("_K")

#: Numbers the sentences spell out in words.
_WORDS = {8: "eight", 10: "ten"}


def _range(low: int, high: int, top: int) -> str:
    """A band of scores as the tables print it: ``10``, ``7-9``, ``9 or more``."""
    if low == high:
        return str(low)
    return f"{low} or more" if high == top else f"{low}-{high}"


def _band_key(scale: str, low: int, high: int, top: int) -> str:
    if high in (low, top):
        return f"{scale}_{low}"
    return f"{scale}_{low}_{high}"


def _band(scale: str, band: tuple[int, int, int], top: int, source: str) -> Criterion:
    """One band of an instrument's row: the grade it gives, or none (grade 0)."""
    low, high, grade = band
    outcome = f"grade {grade}" if grade else f"no {scale}-driven grade"
    return Criterion(
        _band_key(scale.lower(), low, high, top),
        f"{scale} {_range(low, high, top)}: {outcome}",
        source,
    )


def _grade_of(grades: Mapping[_K, int], *keys: _K) -> int:
    """The one grade the table gives all of ``keys`` (a sentence names them together)."""
    (grade,) = {grades[key] for key in keys}
    return grade


_REVERSED = [item.number for item in CAPD_ITEMS if item.reverse]
_ANSWERS = list(CapdAnswer)
_AGE = f"{ICE_MIN_AGE_YEARS} years"
_PROLONGED = f"{SEIZURE_PROLONGED_MIN:g} minutes"
_LEVEL_TEXT: Mapping[ConsciousnessLevel, str] = MappingProxyType(
    {
        ConsciousnessLevel.AWAKENS_SPONTANEOUSLY: "awakens spontaneously",
        ConsciousnessLevel.AWAKENS_TO_VOICE: "awakens to voice",
        ConsciousnessLevel.AWAKENS_TO_TACTILE_STIMULUS: "awakens only to tactile stimulus",
        ConsciousnessLevel.UNAROUSABLE: (
            "needs vigorous or repetitive tactile stimuli, unarousable, stupor or coma"
        ),
    }
)
_ICP_4 = [finding for finding, grade in ICP_GRADES.items() if grade == 4]


@cache
def icans_criteria() -> tuple[Criterion, ...]:
    """The ICANS criteria as one table, for the docs (docs/icans.md) and for audit.

    Every number in a sentence is read from the constants above
    (tests/spec/test_icans_criteria.py checks them). Built on first use and kept
    (``ICANS_CRITERIA`` is this table): lazily, so that mutation testing builds it again, with
    the functions that write it mutated, after emptying caches (docs/mutation.md, "Tables and
    caches").

    Example:
        >>> [criterion.rule for criterion in icans_criteria()][2:4]
        ['ICE 10: no ICE-driven grade', 'ICE 7-9: grade 1']
    """
    return (
        Criterion(
            "instrument",
            f"ICE from age {_AGE}; CAPD below {_AGE} and at any age with developmental delay",
            f"{CHILD_TABLE} (headings); D7",
        ),
        Criterion(
            "ice_items",
            f"ICE: {_WORDS[len(ICE_ITEMS)]} items of one point each, total 0-{ICE_MAX}",
            f"{ICE_TABLE}; D10",
        ),
        *(_band("ICE", band, ICE_MAX, f"{ADULT_TABLE}, ICE row; D10") for band in ICE_BANDS),
        Criterion(
            "ice_0_unarousable",
            "ICE 0 in an unarousable patient unable to perform ICE: grade "
            f"{ICE_ZERO_UNAROUSABLE_GRADE}; ICE 0 awake with global aphasia: grade "
            f"{ice_grade(0, unarousable=False)}",
            f"{ADULT_TABLE}, ICE row and footnote; D10",
        ),
        Criterion(
            "ice_not_assessable",
            "ICE not performed because of sedation or intubation: not assessable, never 0",
            "D10",
        ),
        Criterion(
            "capd_items",
            f"CAPD: {_WORDS[len(CAPD_ITEMS)]} items answered {_ANSWERS[0].value} to "
            f"{_ANSWERS[-1].value}; items {_REVERSED[0]}-{_REVERSED[-1]} reverse-scored; total "
            f"0-{CAPD_MAX}; positive at {CAPD_POSITIVE_MIN} or more",
            f"{TRAUBE_2014}",
        ),
        *(_band("CAPD", band, CAPD_MAX, f"{CHILD_TABLE}, CAPD row; D8") for band in CAPD_BANDS),
        Criterion(
            "capd_unable",
            f"unable to perform CAPD because of ICANS: grade {CAPD_UNABLE_GRADE}; because of "
            f"deep sedation (RASS {RASS_DEEP_SEDATION_MAX} or {RASS_MIN}) or neuromuscular "
            f"blockade: not assessable, never {CAPD_UNABLE_GRADE}",
            f"{CHILD_TABLE}, CAPD row; CAPD form; D8",
        ),
        *(
            Criterion(
                f"loc_{CONSCIOUSNESS_GRADES[level]}",
                f"{text}: grade {CONSCIOUSNESS_GRADES[level]}",
                _LOC,
            )
            for level, text in _LEVEL_TEXT.items()
        ),
        Criterion(
            "loc_other_cause",
            "depressed consciousness attributable to another cause (e.g. sedating medication) does "
            "not count",
            f"{ADULT_TABLE}, footnote; D9",
        ),
        Criterion(
            f"seizure_{SEIZURE_GRADE}",
            "a clinical seizure that resolves rapidly, or non-convulsive seizures on EEG resolving "
            f"with intervention: grade {SEIZURE_GRADE}",
            f"{ADULT_TABLE}, seizure row; D11",
        ),
        Criterion(
            f"seizure_{SEIZURE_PROLONGED_GRADE}",
            f"a seizure lasting more than {_PROLONGED} (strictly), or repetitive seizures without "
            f"return to baseline in between: grade {SEIZURE_PROLONGED_GRADE}",
            f"{ADULT_TABLE}, seizure row; D11",
        ),
        Criterion(
            "motor_4",
            "deep focal motor weakness (hemiparesis, paraparesis): grade "
            f"{_grade_of(MOTOR_GRADES, MotorFinding.HEMIPARESIS, MotorFinding.PARAPARESIS)}",
            _MOTOR,
        ),
        Criterion(
            "icp_3",
            f"focal or local oedema on neuroimaging: grade {ICP_GRADES[IcpFinding.FOCAL_OEDEMA]}",
            _ICP,
        ),
        Criterion(
            "icp_4",
            "diffuse cerebral oedema, decerebrate or decorticate posturing, cranial nerve VI "
            f"palsy, papilloedema or Cushing's triad: grade {_grade_of(ICP_GRADES, *_ICP_4)}",
            _ICP,
        ),
        Criterion(
            "excluded",
            "tremor, myoclonus and intracranial haemorrhage never change the ICANS grade",
            f"{ADULT_TABLE}, footnotes; D11",
        ),
        Criterion(
            "worst_domain",
            "the ICANS grade is the most severe domain, each not attributable to another cause",
            f"{ADULT_TABLE}, footnote",
        ),
        Criterion(
            f"grade{DEATH_GRADE}",
            f"death due to ICANS with no other principal cause: grade {DEATH_GRADE}",
            f"{LEE_2019}; D6",
        ),
    )


#: The ICANS criteria as one table (:func:`icans_criteria`, read on each access: PEP 562).
ICANS_CRITERIA: tuple[Criterion, ...]

# Mypy reads ICANS_CRITERIA's annotation above and still flags other names.
if not TYPE_CHECKING:  # pragma: no branch (never false at run time)
    __getattr__, __dir__ = lazy_tables(__name__, globals(), {"ICANS_CRITERIA": icans_criteria})
