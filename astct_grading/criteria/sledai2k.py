"""SLEDAI-2K and the SLE response definitions built on it, as data.

Every entry carries its source, so the scoring code, the docs and the tests read one table.
Sources: Gladman DD, Ibañez D, Urowitz MB, *J Rheumatol* 2002;29:288-291 (SLEDAI-2K), read from
the form transcriptions cited in docs/sledai2k.md; Touma Z et al., *Lupus* 2010;19:49-51 (30-day
window); van Vollenhoven RF et al., *Lupus Sci Med* 2021;8:e000538 (DORIS 2021); Franklyn K et al.,
*Ann Rheum Dis* 2016;75:1615-1621 (LLDAS); Furie RA et al., *Arthritis Rheum* 2009;61:1143-1151
(SRI-4); and the product decisions D16-D19 (docs/decisions.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Final

from astct_grading.core.criterion import Criterion, lazy_tables

__all__ = [
    "ACTIVITY_BANDS",
    "CRITERIA_VERSION",
    "DESCRIPTORS",
    "DORIS_CRITERIA",
    "DORIS_VERSION",
    "LAB_BOUNDS",
    "LLDAS_CRITERIA",
    "LLDAS_VERSION",
    "MAX_SCORE",
    "SRI4_CRITERIA",
    "SRI4_VERSION",
    "WINDOWS_DAYS",
    "ActivityBand",
    "Descriptor",
    "DescriptorRule",
    "LabBound",
    "activity_band",
    "descriptors",
    "doris_criteria",
    "lldas_criteria",
    "sri4_criteria",
]

CRITERIA_VERSION = "SLEDAI-2K-2002"

GLADMAN_2002 = "Gladman DD, Ibañez D, Urowitz MB. J Rheumatol 2002;29:288-291"
FORM = f"{GLADMAN_2002}, SLEDAI-2K form"
#: The four descriptors SLEDAI-2K changed to allow persistent activity: rash, alopecia, mucosal
#: ulcers and proteinuria (the original SLEDAI, Bombardier 1992, needed new or recurrent activity).
PERSISTENT = f"{GLADMAN_2002}, abstract: persistent activity counts"
TOUMA_2010 = "Touma Z et al. Lupus 2010;19:49-51"
POLACHEK_2017 = "Polachek A et al. 2017 (activity bands; a convention, not part of SLEDAI-2K)"
DORIS_2021 = "van Vollenhoven RF et al. Lupus Sci Med 2021;8:e000538 (DORIS 2021)"
FRANKLYN_2016 = "Franklyn K et al. Ann Rheum Dis 2016;75:1615-1621 (LLDAS)"
FURIE_2009 = "Furie RA et al. Arthritis Rheum 2009;61:1143-1151 (SRI-4)"


class Descriptor(str, Enum):
    """The 24 SLEDAI-2K descriptors, in the order of the form.

    The value of each member is the name of its field on the visit model.

    Example:
        >>> len(Descriptor), Descriptor("low_complement") is Descriptor.LOW_COMPLEMENT
        (24, True)
    """

    SEIZURE = "seizure"
    PSYCHOSIS = "psychosis"
    ORGANIC_BRAIN_SYNDROME = "organic_brain_syndrome"
    VISUAL_DISTURBANCE = "visual_disturbance"
    CRANIAL_NERVE_DISORDER = "cranial_nerve_disorder"
    LUPUS_HEADACHE = "lupus_headache"
    CEREBROVASCULAR_ACCIDENT = "cerebrovascular_accident"
    VASCULITIS = "vasculitis"
    ARTHRITIS = "arthritis"
    MYOSITIS = "myositis"
    URINARY_CASTS = "urinary_casts"
    HAEMATURIA = "haematuria"
    PROTEINURIA = "proteinuria"
    PYURIA = "pyuria"
    RASH = "rash"
    ALOPECIA = "alopecia"
    MUCOSAL_ULCERS = "mucosal_ulcers"
    PLEURISY = "pleurisy"
    PERICARDITIS = "pericarditis"
    LOW_COMPLEMENT = "low_complement"
    INCREASED_DNA_BINDING = "increased_dna_binding"
    FEVER = "fever"
    THROMBOCYTOPENIA = "thrombocytopenia"
    LEUKOPENIA = "leukopenia"


@dataclass(frozen=True, slots=True)
class DescriptorRule:
    """One SLEDAI-2K descriptor: its weight, definition and source.

    Attributes:
        descriptor: the descriptor.
        weight: the points it adds when present (8, 4, 2 or 1).
        label: its name on the form.
        definition: the definition, paraphrased (thresholds exact).
        excluded_causes: the causes the definition excludes; a descriptor attributed to one of
            them is not scored (D17). Empty when the definition names none.
        serological: True for the two serology descriptors left out of clinical SLEDAI (D19).
        major_organ: True for the organ systems LLDAS calls major (renal, CNS, cardiopulmonary,
            vasculitis, fever; Franklyn 2016).
        source: where the weight and the definition are read.

    Example:
        >>> rule = descriptors()[Descriptor.THROMBOCYTOPENIA]
        >>> rule.weight, rule.excluded_causes, rule.serological
        (1, ('drug',), False)
    """

    descriptor: Descriptor
    weight: int
    label: str
    definition: str
    excluded_causes: tuple[str, ...]
    serological: bool
    major_organ: bool
    source: str


def _rule(
    descriptor: Descriptor,
    weight: int,
    label: str,
    definition: str,
    *,
    excluded: tuple[str, ...] = (),
    serological: bool = False,
    major: bool = False,
    source: str = FORM,
) -> DescriptorRule:
    return DescriptorRule(
        descriptor, weight, label, definition, excluded, serological, major, source
    )


D = Descriptor


@cache
def descriptors() -> Mapping[Descriptor, DescriptorRule]:
    """Descriptor -> rule, in the order of the form. Weights 8/4/2/1, maximum 105 (the form).

    Built on first use and kept (``DESCRIPTORS`` is this table): lazily, so that mutation testing
    builds it again, with the function that writes each rule mutated, after emptying caches
    (docs/mutation.md, "Tables and caches").

    Example:
        >>> [(rule.label, rule.weight) for rule in descriptors().values()][:2]
        [('Seizure', 8), ('Psychosis', 8)]
    """
    rules = (
        _rule(
            D.SEIZURE,
            8,
            "Seizure",
            "recent onset",
            excluded=("metabolic", "infectious", "drug"),
            major=True,
        ),
        _rule(
            D.PSYCHOSIS,
            8,
            "Psychosis",
            "altered ability to function in normal activity due to severe disturbance in the "
            "perception of reality (hallucinations, incoherence, marked loose associations, "
            "impoverished thought content, marked illogical thinking, bizarre, disorganised "
            "or catatonic behaviour)",
            excluded=("uraemia", "drug"),
            major=True,
        ),
        _rule(
            D.ORGANIC_BRAIN_SYNDROME,
            8,
            "Organic brain syndrome",
            "altered mental function (orientation, memory or other intellectual function) "
            "with rapid onset and fluctuating features: clouding of consciousness with "
            "reduced focus and inability to sustain attention, plus at least 2 of perceptual "
            "disturbance, incoherent speech, insomnia or daytime drowsiness, increased or "
            "decreased psychomotor activity",
            excluded=("metabolic", "infectious", "drug"),
            major=True,
        ),
        _rule(
            D.VISUAL_DISTURBANCE,
            8,
            "Visual disturbance",
            "retinal changes of SLE (cytoid bodies, retinal haemorrhages, serous exudate or "
            "haemorrhage in the choroid, optic neuritis)",
            excluded=("hypertension", "infection", "drug"),
            major=True,
        ),
        _rule(
            D.CRANIAL_NERVE_DISORDER,
            8,
            "Cranial nerve disorder",
            "new onset of sensory or motor neuropathy of cranial nerves",
            major=True,
        ),
        _rule(
            D.LUPUS_HEADACHE,
            8,
            "Lupus headache",
            "severe, persistent headache; may be migrainous; must be non-responsive to "
            "narcotic analgesia",
            major=True,
        ),
        _rule(
            D.CEREBROVASCULAR_ACCIDENT,
            8,
            "CVA",
            "new onset of cerebrovascular accident(s)",
            excluded=("arteriosclerosis",),
            major=True,
        ),
        _rule(
            D.VASCULITIS,
            8,
            "Vasculitis",
            "ulceration, gangrene, tender finger nodules, periungual infarction, splinter "
            "haemorrhages, or biopsy or angiogram proof of vasculitis",
            major=True,
        ),
        _rule(
            D.ARTHRITIS,
            4,
            "Arthritis",
            "at least 2 joints with pain and signs of inflammation (tenderness, swelling or "
            "effusion); the original SLEDAI reads 'more than 2' (an option)",
            source=f"{FORM}, '≥ 2 joints'; D16",
        ),
        _rule(
            D.MYOSITIS,
            4,
            "Myositis",
            "proximal muscle aching or weakness with raised creatine phosphokinase or "
            "aldolase, or electromyogram changes, or a biopsy showing myositis",
        ),
        _rule(
            D.URINARY_CASTS,
            4,
            "Urinary casts",
            "heme-granular or red blood cell casts",
            major=True,
        ),
        _rule(
            D.HAEMATURIA,
            4,
            "Haematuria",
            "more than 5 red blood cells per high-power field",
            excluded=("stone", "infection", "other cause"),
            major=True,
            source=f"{FORM}, '> 5 RBC/hpf'; D17",
        ),
        _rule(
            D.PROTEINURIA,
            4,
            "Proteinuria",
            "more than 0.5 g/24 h (new, recurrent or persistent)",
            major=True,
            source=f"{FORM}, '> 0.5 g/24 h'; {PERSISTENT}; D17",
        ),
        _rule(
            D.PYURIA,
            4,
            "Pyuria",
            "more than 5 white blood cells per high-power field",
            excluded=("infection",),
            major=True,
            source=f"{FORM}, '> 5 WBC/hpf'; D17",
        ),
        _rule(
            D.RASH,
            2,
            "Rash",
            "inflammatory-type rash (new or persistent)",
            source=f"{FORM}; {PERSISTENT}",
        ),
        _rule(
            D.ALOPECIA,
            2,
            "Alopecia",
            "abnormal, patchy or diffuse loss of hair (new or persistent)",
            source=f"{FORM}; {PERSISTENT}",
        ),
        _rule(
            D.MUCOSAL_ULCERS,
            2,
            "Mucosal ulcers",
            "oral or nasal ulcerations (new or persistent)",
            source=f"{FORM}; {PERSISTENT}",
        ),
        _rule(
            D.PLEURISY,
            2,
            "Pleurisy",
            "pleuritic chest pain with pleural rub or effusion, or pleural thickening",
            major=True,
        ),
        _rule(
            D.PERICARDITIS,
            2,
            "Pericarditis",
            "pericardial pain with at least 1 of rub, effusion, or electrocardiogram or "
            "echocardiogram confirmation",
            major=True,
        ),
        _rule(
            D.LOW_COMPLEMENT,
            2,
            "Low complement",
            "CH50, C3 or C4 below the lower limit of normal of the testing laboratory",
            serological=True,
            source=f"{FORM}; D17",
        ),
        _rule(
            D.INCREASED_DNA_BINDING,
            2,
            "Increased DNA binding",
            "anti-DNA binding above the normal range of the testing laboratory",
            serological=True,
            source=f"{FORM}; D17",
        ),
        _rule(
            D.FEVER,
            1,
            "Fever",
            "temperature above 38 °C (strictly greater)",
            excluded=("infection",),
            major=True,
            source=f"{FORM}, '> 38 °C'; D17",
        ),
        _rule(
            D.THROMBOCYTOPENIA,
            1,
            "Thrombocytopenia",
            "platelets below 100 x10^9/L",
            excluded=("drug",),
            source=f"{FORM}, '< 100 x10^9/L'; D17",
        ),
        _rule(
            D.LEUKOPENIA,
            1,
            "Leukopenia",
            "white blood cells below 3.0 x10^9/L",
            excluded=("drug",),
            source=f"{FORM}, '< 3 x10^9/L'; D17",
        ),
    )
    return MappingProxyType({rule.descriptor: rule for rule in rules})


#: The highest possible SLEDAI-2K: 8x8 + 6x4 + 7x2 + 3x1 = 105.
MAX_SCORE = 105

# --- Laboratory bounds (D17) -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LabBound:
    """A raw measurement that defines a laboratory descriptor (D17).

    Attributes:
        descriptor: the descriptor the measurement defines.
        field: the visit field carrying the measurement.
        unit: the measurement's unit.
        relation: ``"<"`` (present below the bound) or ``">"`` (present above it); always strict.
        bound: the bound, compared at 0.01 of the unit (D14).
        source: where the bound is read.

    Example:
        >>> [(b.field, b.relation, b.bound) for b in LAB_BOUNDS][:2]
        [('temperature', '>', 38.0), ('platelets_10e9_l', '<', 100.0)]
    """

    descriptor: Descriptor
    field: str
    unit: str
    relation: str
    bound: float
    source: str


#: Fever is a temperature strictly above 38.0 °C: 38.0 °C is a CRS fever (≥ 38.0) but not a
#: SLEDAI-2K fever (the form prints '> 38 °C'; D17).
FEVER_ABOVE_C = 38.0
#: Thrombocytopenia: platelets strictly below 100 x10^9/L (D17).
PLATELETS_BELOW = 100.0
#: Leukopenia: white blood cells strictly below 3.0 x10^9/L (D17).
WBC_BELOW = 3.0
#: Proteinuria: strictly above 0.5 g/24 h (D17).
PROTEINURIA_ABOVE_G_24H = 0.5
#: Haematuria and pyuria: strictly above 5 cells per high-power field (D17).
URINE_CELLS_ABOVE_HPF = 5.0

#: The absolute laboratory bounds, one per raw measurement (D17). Complement and anti-DNA are
#: judged against the testing laboratory's own limits, given with each value.
LAB_BOUNDS: tuple[LabBound, ...] = (
    LabBound(D.FEVER, "temperature", "°C", ">", FEVER_ABOVE_C, f"{FORM}, '> 38 °C'; D17"),
    LabBound(
        D.THROMBOCYTOPENIA,
        "platelets_10e9_l",
        "x10^9/L",
        "<",
        PLATELETS_BELOW,
        f"{FORM}, '< 100 x10^9/L'; D17",
    ),
    LabBound(D.LEUKOPENIA, "wbc_10e9_l", "x10^9/L", "<", WBC_BELOW, f"{FORM}, '< 3 x10^9/L'; D17"),
    LabBound(
        D.PROTEINURIA,
        "proteinuria_g_24h",
        "g/24 h",
        ">",
        PROTEINURIA_ABOVE_G_24H,
        f"{FORM}, '> 0.5 g/24 h'; D17",
    ),
    LabBound(
        D.HAEMATURIA,
        "urine_rbc_per_hpf",
        "RBC/hpf",
        ">",
        URINE_CELLS_ABOVE_HPF,
        f"{FORM}, '> 5 RBC/hpf'; D17",
    ),
    LabBound(
        D.PYURIA,
        "urine_wbc_per_hpf",
        "WBC/hpf",
        ">",
        URINE_CELLS_ABOVE_HPF,
        f"{FORM}, '> 5 WBC/hpf'; D17",
    ),
)

#: Arthritis: at least 2 involved joints (SLEDAI-2K form, D16); the original SLEDAI reading
#: "more than 2 joints" (Bombardier 1992 transcriptions) needs 3.
ARTHRITIS_MIN_JOINTS = 2
ORIGINAL_SLEDAI_ARTHRITIS_MIN_JOINTS = 3

# --- Look-back window (D18) ------------------------------------------------------------------

#: Validated look-back windows in days: 10 (the form) and 30 (Touma 2010). 28 days, seen in some
#: reviews, is not a validated window and is rejected (D18).
WINDOWS_DAYS = (10, 30)
DEFAULT_WINDOW_DAYS: Final = 10
WINDOW_SOURCE = f"{FORM}: present at the visit or in the preceding 10 days; {TOUMA_2010}; D18"

# --- Activity bands (D19) --------------------------------------------------------------------


class ActivityBand(str, Enum):
    """SLEDAI-2K activity bands: a convention (Polachek 2017), not part of SLEDAI-2K (D19).

    Example:
        >>> [band.value for band, _ in ACTIVITY_BANDS]
        ['none', 'mild', 'moderate', 'high', 'very_high']
    """

    NONE = "none"
    MILD = "mild"
    MODERATE = "moderate"
    HIGH = "high"
    VERY_HIGH = "very_high"


#: Band -> lowest score in the band, in ascending order (D19: 0, 1-5, 6-10, 11-19, ≥ 20).
ACTIVITY_BANDS: tuple[tuple[ActivityBand, int], ...] = (
    (ActivityBand.NONE, 0),
    (ActivityBand.MILD, 1),
    (ActivityBand.MODERATE, 6),
    (ActivityBand.HIGH, 11),
    (ActivityBand.VERY_HIGH, 20),
)
BAND_SOURCE = f"{POLACHEK_2017}; D19"


def activity_band(score: int) -> ActivityBand:
    """The activity band of a SLEDAI-2K score (a convention, D19).

    Args:
        score: a SLEDAI-2K score, 0-105.

    Returns:
        The band: none (0), mild (1-5), moderate (6-10), high (11-19), very high (≥ 20).

    Raises:
        ValueError: for a score outside 0-105, which no visit can have.

    Example:
        >>> [activity_band(s).value for s in (0, 5, 6, 10, 11, 19, 20)]
        ['none', 'mild', 'moderate', 'moderate', 'high', 'high', 'very_high']
    """
    if not 0 <= score <= MAX_SCORE:
        raise ValueError(f"a SLEDAI-2K score is 0-{MAX_SCORE}, not {score}")
    # The highest band whose lowest score is reached; the lowest band starts at 0.
    return next(band for band, lowest in reversed(ACTIVITY_BANDS) if score >= lowest)


# --- Response definitions (D19) --------------------------------------------------------------

DORIS_VERSION = "DORIS-2021"
LLDAS_VERSION = "LLDAS-2016"
#: SRI-4 is defined on SELENA-SLEDAI (Furie 2009); D19 computes it from SLEDAI-2K.
SRI4_VERSION = "SRI-4-2009 on SLEDAI-2K (D19)"

#: DORIS 2021: physician (evaluator) global assessment strictly below 0.5 on 0-3.
DORIS_PGA_BELOW = 0.5
#: DORIS 2021: prednisolone (or equivalent) 5 mg/day or less (abstract; the table's rendered
#: "< 5" is read as a lost "≤").
DORIS_PREDNISOLONE_MAX_MG = 5.0
#: LLDAS: SLEDAI-2K at most 4.
LLDAS_SLEDAI_MAX = 4
#: LLDAS: PGA at most 1 on 0-3.
LLDAS_PGA_MAX = 1.0
#: LLDAS: prednisolone (or equivalent) at most 7.5 mg/day.
LLDAS_PREDNISOLONE_MAX_MG = 7.5
#: SRI-4: a reduction of at least 4 points.
SRI4_MIN_REDUCTION = 4
#: SRI-4: no new BILAG A and at most one new BILAG B domain score ("and", as trial tables report it;
#: the abstract prints "or").
SRI4_MAX_NEW_BILAG_A = 0
SRI4_MAX_NEW_BILAG_B = 1
#: SRI-4: no worsening of PGA by 0.3 or more (the increase must be strictly below 0.3).
SRI4_PGA_INCREASE_BELOW = 0.3


@cache
def doris_criteria() -> tuple[Criterion, ...]:
    """The criteria of remission by DORIS 2021 (van Vollenhoven 2021).

    Built on first use and kept (``DORIS_CRITERIA`` is this table; docs/mutation.md, "Tables and
    caches").
    """
    return (
        Criterion(
            "clinical_sledai_zero",
            "clinical SLEDAI (SLEDAI-2K without low complement and increased DNA binding) is 0",
            f"{DORIS_2021}, abstract and recommendations table; D19",
        ),
        Criterion(
            "pga_below_0_5",
            "physician global assessment < 0.5 (0-3 scale)",
            f"{DORIS_2021}, abstract ('< 0.5'); D19",
        ),
        Criterion(
            "prednisolone_at_most_5",
            "prednisolone or equivalent ≤ 5 mg/day",
            f"{DORIS_2021}, abstract ('5 mg/day or less'); D19",
        ),
        Criterion(
            "stable_maintenance",
            "antimalarials, immunosuppressives and biologics, if given, at stable maintenance "
            "doses",
            f"{DORIS_2021}, abstract; D19",
        ),
    )


@cache
def lldas_criteria() -> tuple[Criterion, ...]:
    """The criteria of the lupus low disease activity state (LLDAS, Franklyn 2016).

    Built on first use and kept (``LLDAS_CRITERIA`` is this table; docs/mutation.md, "Tables and
    caches").
    """
    return (
        Criterion("sledai_at_most_4", "SLEDAI-2K ≤ 4", f"{FRANKLYN_2016}, criterion 1; D19"),
        Criterion(
            "no_major_organ_activity",
            "no activity in major organ systems (renal, CNS, cardiopulmonary, vasculitis, fever)",
            f"{FRANKLYN_2016}, criterion 1; D19",
        ),
        Criterion(
            "no_haemolytic_anaemia",
            "no haemolytic anaemia",
            f"{FRANKLYN_2016}, criterion 1",
        ),
        Criterion(
            "no_gastrointestinal_activity",
            "no gastrointestinal activity",
            f"{FRANKLYN_2016}, criterion 1",
        ),
        Criterion(
            "no_new_activity",
            "no new features of lupus activity compared with the previous assessment",
            f"{FRANKLYN_2016}, criterion 2; D19",
        ),
        Criterion(
            "pga_at_most_1",
            "physician global assessment ≤ 1 (0-3 scale)",
            f"{FRANKLYN_2016}, criterion 3; D19",
        ),
        Criterion(
            "prednisolone_at_most_7_5",
            "prednisolone or equivalent ≤ 7.5 mg/day",
            f"{FRANKLYN_2016}, criterion 4; D19",
        ),
        Criterion(
            "standard_maintenance",
            "well-tolerated standard maintenance doses of immunosuppressives and approved "
            "biologics, no investigational drug",
            f"{FRANKLYN_2016}, criterion 5; D19",
        ),
    )


@cache
def sri4_criteria() -> tuple[Criterion, ...]:
    """The criteria of the SLE Responder Index 4 (SRI-4, Furie 2009; on SLEDAI-2K by D19).

    Built on first use and kept (``SRI4_CRITERIA`` is this table; docs/mutation.md, "Tables and
    caches").
    """
    return (
        Criterion(
            "sledai_reduction_at_least_4",
            "SLEDAI-2K reduced by ≥ 4 points from baseline (SRI-4 is defined on SELENA-SLEDAI; "
            "computed from SLEDAI-2K by D19)",
            f"{FURIE_2009}; D19",
        ),
        Criterion("no_new_bilag_a", "no new BILAG A domain score", f"{FURIE_2009}; D19"),
        Criterion(
            "at_most_one_new_bilag_b",
            "no more than 1 new BILAG B domain score",
            f"{FURIE_2009} ('and', as trial tables report it); D19",
        ),
        Criterion(
            "pga_increase_below_0_3",
            "physician global assessment worsens by < 0.3 points (0-3 scale)",
            f"{FURIE_2009}; D19",
        ),
    )


#: Descriptor -> rule (:func:`descriptors`, read on each access: PEP 562).
DESCRIPTORS: Mapping[Descriptor, DescriptorRule]
#: The DORIS 2021 criteria (:func:`doris_criteria`, read on each access: PEP 562).
DORIS_CRITERIA: tuple[Criterion, ...]
#: The LLDAS criteria (:func:`lldas_criteria`, read on each access: PEP 562).
LLDAS_CRITERIA: tuple[Criterion, ...]
#: The SRI-4 criteria (:func:`sri4_criteria`, read on each access: PEP 562).
SRI4_CRITERIA: tuple[Criterion, ...]

# Mypy reads the annotations above and still flags other names.
if not TYPE_CHECKING:  # pragma: no branch (never false at run time)
    __getattr__, __dir__ = lazy_tables(
        __name__,
        globals(),
        {
            "DESCRIPTORS": descriptors,
            "DORIS_CRITERIA": doris_criteria,
            "LLDAS_CRITERIA": lldas_criteria,
            "SRI4_CRITERIA": sri4_criteria,
        },
    )
