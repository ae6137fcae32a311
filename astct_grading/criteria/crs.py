"""ASTCT 2019 consensus criteria for cytokine release syndrome, as data.

Every entry carries its source, so the grading code, the docs and the batch back-ends read one
table. Sources: Lee DW et al., *Biol Blood Marrow Transplant* 2019;25:625-638 (the consensus), as
reproduced in the tables cited per entry (see docs/crs.md), and the product decisions in
docs/decisions.md (D1-D6). Each sentence a reader sees (``CRS_CRITERIA``, the device rules'
sources) is written from the typed numbers it states, and tests/spec/test_crs_criteria.py checks
every number and device it names against the constants and ``OXYGEN_DEVICES``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING

from astct_grading.core.criterion import Criterion, lazy_tables
from astct_grading.criteria.astct import CRITERIA_VERSION, DEATH_GRADE, LEE_2019

__all__ = [
    "CRITERIA_VERSION",
    "CRS_CRITERIA",
    "CTCAE_GRADE_MAX",
    "CTCAE_GRADE_MIN",
    "FEVER_MIN_C",
    "INOTROPES",
    "LOW_FLOW_MAX_L_MIN",
    "OXYGEN_DEVICES",
    "VASOPRESSOR_COUNT_MAX",
    "VASOPRESSOR_COUNT_MULTIPLE",
    "VASOPRESSOR_SYNONYMS",
    "WAIVER_THERAPIES",
    "DeviceRule",
    "OxygenDevice",
    "VasopressorAgent",
    "crs_criteria",
]

CRS_TABLE = f"{LEE_2019}, CRS grading table"


# --- Fever -----------------------------------------------------------------------------------

#: Fever is a temperature of at least 38.0 °C ("≥ 38 °C", inclusive), compared at 0.01 °C (D14).
FEVER_MIN_C = 38.0

# --- Oxygen ----------------------------------------------------------------------------------


class OxygenDevice(str, Enum):
    """Oxygen support, by the device the consensus names."""

    ROOM_AIR = "room_air"
    BLOW_BY = "blow_by"
    NASAL_CANNULA = "nasal_cannula"
    LOW_FLOW_NASAL_CANNULA = "low_flow_nasal_cannula"
    HIGH_FLOW_NASAL_CANNULA = "high_flow_nasal_cannula"
    SIMPLE_FACEMASK = "simple_facemask"
    NON_REBREATHER_MASK = "non_rebreather_mask"
    VENTURI_MASK = "venturi_mask"
    CPAP = "cpap"
    BIPAP = "bipap"
    MECHANICAL_VENTILATION = "mechanical_ventilation"


#: Low-flow nasal cannula is oxygen at ≤ 6 L/min; high flow is > 6 L/min (CRS table footnote; D4).
LOW_FLOW_MAX_L_MIN = 6.0

#: Low-flow nasal cannula (≤ 6 L/min) or blow-by: grade 2 (CRS table).
LOW_FLOW_GRADE = 2
#: High-flow nasal cannula (> 6 L/min), facemask, non-rebreather or Venturi mask: grade 3.
HIGH_FLOW_GRADE = 3
#: Positive pressure, the most severe oxygen support: grade 4.
POSITIVE_PRESSURE_GRADE = 4


@dataclass(frozen=True, slots=True)
class DeviceRule:
    """How one oxygen device grades.

    Attributes:
        grade: the hypoxia grade when the device is used without a flow (or at any flow when
            ``flow_decides`` is False).
        flow_decides: True for nasal cannulas, where a given flow decides low versus high flow.
        source: where the rule comes from.
    """

    grade: int
    flow_decides: bool
    source: str


_FLOW = f"{LOW_FLOW_MAX_L_MIN:g} L/min"
_FOOTNOTE_FLOW = f"{CRS_TABLE}, footnote: low flow ≤ {_FLOW}, high flow > {_FLOW}; D4"
_HIGH = f"{CRS_TABLE}, grade {HIGH_FLOW_GRADE}"
_POSITIVE = f"{CRS_TABLE}, grade {POSITIVE_PRESSURE_GRADE}"

#: Device -> hypoxia grade (CRS table rows; D4). FiO2 never changes the grade.
OXYGEN_DEVICES: Mapping[OxygenDevice, DeviceRule] = MappingProxyType(
    {
        OxygenDevice.ROOM_AIR: DeviceRule(0, False, "no oxygen support: no hypoxia grade; D4"),
        OxygenDevice.BLOW_BY: DeviceRule(
            LOW_FLOW_GRADE, False, f"{CRS_TABLE}, grade {LOW_FLOW_GRADE} (blow-by); D4"
        ),
        OxygenDevice.NASAL_CANNULA: DeviceRule(LOW_FLOW_GRADE, True, _FOOTNOTE_FLOW),
        OxygenDevice.LOW_FLOW_NASAL_CANNULA: DeviceRule(LOW_FLOW_GRADE, True, _FOOTNOTE_FLOW),
        OxygenDevice.HIGH_FLOW_NASAL_CANNULA: DeviceRule(HIGH_FLOW_GRADE, True, _FOOTNOTE_FLOW),
        OxygenDevice.SIMPLE_FACEMASK: DeviceRule(HIGH_FLOW_GRADE, False, f"{_HIGH} (facemask); D4"),
        OxygenDevice.NON_REBREATHER_MASK: DeviceRule(
            HIGH_FLOW_GRADE, False, f"{_HIGH} (non-rebreather mask); D4"
        ),
        OxygenDevice.VENTURI_MASK: DeviceRule(
            HIGH_FLOW_GRADE, False, f"{_HIGH} (Venturi mask); D4"
        ),
        OxygenDevice.CPAP: DeviceRule(
            POSITIVE_PRESSURE_GRADE, False, f"{_POSITIVE} (positive pressure); D4"
        ),
        OxygenDevice.BIPAP: DeviceRule(
            POSITIVE_PRESSURE_GRADE, False, f"{_POSITIVE} (positive pressure); D4"
        ),
        OxygenDevice.MECHANICAL_VENTILATION: DeviceRule(
            POSITIVE_PRESSURE_GRADE,
            False,
            f"{_POSITIVE} (intubation and mechanical ventilation); D4",
        ),
    }
)

# --- Hypotension and vasopressors ------------------------------------------------------------


class VasopressorAgent(str, Enum):
    """The vasopressors counted by D3 (inotropes are not vasopressors and are rejected)."""

    NOREPINEPHRINE = "norepinephrine"
    EPINEPHRINE = "epinephrine"
    PHENYLEPHRINE = "phenylephrine"
    DOPAMINE = "dopamine"
    VASOPRESSIN = "vasopressin"
    ANGIOTENSIN_II = "angiotensin_ii"


#: Other names accepted for an agent (British approved names).
VASOPRESSOR_SYNONYMS: Mapping[str, VasopressorAgent] = MappingProxyType(
    {
        "noradrenaline": VasopressorAgent.NOREPINEPHRINE,
        "adrenaline": VasopressorAgent.EPINEPHRINE,
    }
)

#: Inotropes, rejected with their own error rather than ignored (D3).
INOTROPES = frozenset(
    {"dobutamine", "milrinone", "levosimendan", "isoproterenol", "isoprenaline", "enoximone"}
)

#: A count of vasopressors recorded without all the agents' names: "multiple" means two or more
#: distinct agents, the exact number not recorded (charts' "multiple vasopressors"; D3).
VASOPRESSOR_COUNT_MULTIPLE = "multiple"
#: The most distinct agents a count can hold: the agents D3 accepts. An agent not named is one of
#: them, and may be vasopressin, which never counts towards "multiple" (D3).
VASOPRESSOR_COUNT_MAX = len(VasopressorAgent)

#: Hypotension not requiring vasopressors: grade 2 (CRS table).
HYPOTENSION_NO_VASOPRESSOR_GRADE = 2
#: One vasopressor, with or without vasopressin (vasopressin alone counts as one): grade 3 (D3).
SINGLE_VASOPRESSOR_GRADE = 3
#: Multiple vasopressors excluding vasopressin (two or more distinct non-vasopressin agents): 4.
MULTIPLE_VASOPRESSOR_GRADE = 4
#: Fever alone: grade 1.
FEVER_ONLY_GRADE = 1

#: Therapies whose start after a CRS fever waives the fever requirement (D1, ASTCT wording:
#: "antipyretic or anticytokine therapy"; the narrower SITC reading names tocilizumab and
#: steroids only).
WAIVER_THERAPIES = frozenset(
    {
        "tocilizumab",
        "siltuximab",
        "anakinra",
        "corticosteroid",
        "antipyretic",
        "other_anticytokine",
    }
)

# --- Organ toxicity (recorded, never graded) --------------------------------------------------

#: Organ toxicities associated with CRS may be graded by CTCAE v5.0 (grades 1-5) but do not
#: influence the CRS grade (CRS table footnote; rules.md §1.4; D2). They are accepted as CTCAE
#: grades 1-5 per organ, reported in ``excluded`` and never read by the grade.
CTCAE_GRADE_MIN = 1
CTCAE_GRADE_MAX = 5

# --- Paediatric hypotension (D5 helper) ------------------------------------------------------

#: Adult (and > 10 years) systolic hypotension: < 90 mmHg (PALS; Mahadeo 2019; rules.md §4).
ADULT_SYSTOLIC_MIN_MMHG = 90.0
#: Term neonate (0-28 days): < 60 mmHg (PALS). Read as the first 28 days of life, birth being day
#: 0: ages below 28 days; at exactly 28 days the infant's threshold applies (docs/decisions.md, D5;
#: rules.md §4 does not say whether day 28 is included).
NEONATE_MAX_YEARS = 28 / 365.25
NEONATE_SYSTOLIC_MIN_MMHG = 60.0
#: Infant (1-12 months): < 70 mmHg (PALS).
INFANT_MAX_YEARS = 1
INFANT_SYSTOLIC_MIN_MMHG = 70.0
#: Child 1-10 years: < 70 + 2 x age in whole years (PALS).
CHILD_MAX_YEARS = 10
CHILD_SYSTOLIC_BASE_MMHG = 70.0
CHILD_SYSTOLIC_PER_YEAR_MMHG = 2


def systolic_threshold_mmhg(age_years: float) -> float:
    """The systolic pressure below which a patient of this age is hypotensive (D5).

    PALS (AHA 2010) thresholds, strict "<": term neonate (0-28 days; below 28 days) 60 mmHg;
    infant (1-12 months; from 28 days) 70; child 1-10 years (1 and 10 included) 70 + 2 x age in
    whole years; over 10 years 90. Adults use 90.

    Args:
        age_years: age in decimal years.

    Returns:
        The threshold in mmHg; a systolic pressure strictly below it is hypotension.

    Example:
        >>> systolic_threshold_mmhg(0.5), systolic_threshold_mmhg(4.9), systolic_threshold_mmhg(40)
        (70.0, 78.0, 90.0)
    """
    if age_years < NEONATE_MAX_YEARS:
        return NEONATE_SYSTOLIC_MIN_MMHG
    if age_years < INFANT_MAX_YEARS:
        return INFANT_SYSTOLIC_MIN_MMHG
    if age_years <= CHILD_MAX_YEARS:
        return CHILD_SYSTOLIC_BASE_MMHG + CHILD_SYSTOLIC_PER_YEAR_MMHG * int(age_years)
    return ADULT_SYSTOLIC_MIN_MMHG


@cache
def crs_criteria() -> tuple[Criterion, ...]:
    """The CRS criteria as one table, for the docs (docs/crs.md) and for audit.

    Built on first use and kept (``CRS_CRITERIA`` is this table): lazily, so that mutation
    testing builds it again after emptying caches (docs/mutation.md, "Tables and caches").

    Example:
        >>> [criterion.key for criterion in crs_criteria()][:3]
        ['fever', 'fever_required', 'fever_waiver']
    """
    return (
        Criterion(
            "fever",
            f"fever is a temperature ≥ {FEVER_MIN_C:.1f} °C not attributable to another cause",
            f"{CRS_TABLE} and footnote; D1, D14",
        ),
        Criterion(
            "fever_required",
            "CRS must include fever; without fever (and no waiver) the grade is 0",
            f"{CRS_TABLE}, footnote; D1",
        ),
        Criterion(
            "fever_waiver",
            "after antipyretic or anti-cytokine therapy for established CRS, "
            "fever is no longer required; hypotension and hypoxia drive the grade",
            f"{CRS_TABLE}, footnote (ASTCT wording); D1",
        ),
        Criterion(
            "grade1", f"fever without hypotension or hypoxia: grade {FEVER_ONLY_GRADE}", CRS_TABLE
        ),
        Criterion(
            "hypotension_no_pressor",
            f"hypotension not requiring vasopressors: grade {HYPOTENSION_NO_VASOPRESSOR_GRADE}",
            f"{CRS_TABLE}; D5",
        ),
        Criterion(
            "one_vasopressor",
            f"one vasopressor, with or without vasopressin: grade {SINGLE_VASOPRESSOR_GRADE}",
            f"{CRS_TABLE}; D3",
        ),
        Criterion(
            "multiple_vasopressors",
            f"multiple vasopressors, excluding vasopressin: grade {MULTIPLE_VASOPRESSOR_GRADE}",
            f"{CRS_TABLE}; D3",
        ),
        Criterion(
            "unnamed_vasopressor",
            "a vasopressor whose agent is not named may be vasopressin: one or more agents give "
            f"grade {SINGLE_VASOPRESSOR_GRADE}, and grade {MULTIPLE_VASOPRESSOR_GRADE} only when "
            "two distinct agents other than vasopressin are certain; otherwise the grade is the "
            "range",
            f"{CRS_TABLE} ('multiple vasopressors (excluding vasopressin)'); D3, D13",
        ),
        Criterion(
            "low_flow",
            f"low-flow nasal cannula (≤ {_FLOW}) or blow-by: grade {LOW_FLOW_GRADE}",
            _FOOTNOTE_FLOW,
        ),
        Criterion(
            "high_flow",
            f"high-flow nasal cannula (> {_FLOW}), facemask, non-rebreather or Venturi mask: "
            f"grade {HIGH_FLOW_GRADE}",
            _FOOTNOTE_FLOW,
        ),
        Criterion(
            "positive_pressure",
            "positive pressure (CPAP, BiPAP, intubation and mechanical ventilation): "
            f"grade {POSITIVE_PRESSURE_GRADE}",
            f"{CRS_TABLE}; D4",
        ),
        Criterion(
            "worst_domain",
            "the grade is set by the more severe of hypotension and hypoxia, "
            "each not attributable to another cause",
            f"{CRS_TABLE}, footnote; D2",
        ),
        Criterion(
            "organ_toxicity",
            "organ toxicities may be graded by CTCAE v5.0 but never change the CRS grade",
            f"{CRS_TABLE}, footnote; D2",
        ),
        Criterion(
            "grade5",
            f"death due to CRS with no other principal cause: grade {DEATH_GRADE}",
            f"{LEE_2019}; EBMT registry guidance; D6",
        ),
        Criterion(
            "pals_hypotension",
            f"optional helper: systolic < {ADULT_SYSTOLIC_MIN_MMHG:g} mmHg "
            f"(> {CHILD_MAX_YEARS} years), < {CHILD_SYSTOLIC_BASE_MMHG:g} + "
            f"{CHILD_SYSTOLIC_PER_YEAR_MMHG} x age "
            f"({INFANT_MAX_YEARS}-{CHILD_MAX_YEARS} years), "
            f"< {INFANT_SYSTOLIC_MIN_MMHG:g} (infants), < {NEONATE_SYSTOLIC_MIN_MMHG:g} (neonates)",
            "AHA PALS 2010; Mahadeo et al. Nat Rev Clin Oncol 2019; D5",
        ),
    )


#: The CRS criteria as one table (:func:`crs_criteria`, read on each access: PEP 562).
CRS_CRITERIA: tuple[Criterion, ...]

# Mypy reads CRS_CRITERIA's annotation above and still flags other names.
if not TYPE_CHECKING:  # pragma: no branch (never false at run time)
    __getattr__, __dir__ = lazy_tables(__name__, globals(), {"CRS_CRITERIA": crs_criteria})
