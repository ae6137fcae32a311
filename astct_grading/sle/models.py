"""SLEDAI-2K inputs: the visit model and its raw measurements (D13-D18).

Each descriptor can be given as the clinician's call (present, absent, or None for not assessed),
derived from the raw measurement that defines it (:mod:`astct_grading.sle.readings`), or both;
when both are given they must agree (D17). The look-back window is 10 or 30 days (D18).
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from astct_grading.core.validation import (
    FiniteFloat,
    Flag,
    InputModel,
    Temperature,
    _number,
)
from astct_grading.criteria.sledai2k import (
    ARTHRITIS_MIN_JOINTS,
    DEFAULT_WINDOW_DAYS,
    ORIGINAL_SLEDAI_ARTHRITIS_MIN_JOINTS,
    WINDOWS_DAYS,
    Descriptor,
)
from astct_grading.sle.readings import EXCLUSION_HINT, RAW_FIELDS_BY_NAME, conflict, readers

__all__ = [
    "AntiDsDnaMeasurement",
    "ComplementMeasurement",
    "SledaiVisit",
]


def _window(value: object) -> object:
    # Only the validated windows: 10 days (the form) or 30 days (Touma 2010); D18. A number, never
    # text or a boolean, like every other number in the models (a CSV cell is converted first).
    if isinstance(value, (bool, str)) or value not in WINDOWS_DAYS:
        raise PydanticCustomError(
            "sledai_window",
            "the SLEDAI-2K look-back window is 10 days (default) or 30 days, not {window} (D18)",
            {"window": value},
        )
    return value


#: The look-back window in days: 10 (default) or 30; anything else is rejected (D18).
WindowDays = Annotated[Literal[10, 30], BeforeValidator(_window)]

#: FiniteFloat (D15) for the plausibility guards below, with finiteness checked by pydantic-core:
#: given before the boolean check, it sits inside the float validator instead of in a Python
#: validator after it, with the same errors. The bounds stay Python validators (in the core one
#: they would report ``1000.0`` for ``1000`` in the error's context), and the measurement models
#: keep FiniteFloat (their bound is checked before finiteness: NaN fails it, not finiteness).
_Finite = Annotated[float, Field(allow_inf_nan=False), BeforeValidator(_number)]

#: A whole count; booleans are rejected (D15).
Count = Annotated[int, BeforeValidator(_number), Field(ge=0)]

# Plausibility guards (D15): generous, only to catch unit or entry errors.
PlateletCount = Annotated[_Finite, Field(ge=0, le=5000)]
WbcCount = Annotated[_Finite, Field(ge=0, le=1000)]
ProteinuriaGrams = Annotated[_Finite, Field(ge=0, le=100)]
CellsPerHpf = Annotated[_Finite, Field(ge=0, le=1000)]
#: Joints with pain and signs of inflammation; at most the 68 of a full joint count.
JointCount = Annotated[Count, Field(le=68)]


class ComplementMeasurement(InputModel):
    """One complement level (C3, C4 or CH50) with the testing laboratory's lower limit (D17).

    The value and the limit are in the same unit, as the laboratory reports them; they are compared
    as given (no arithmetic is involved, so no rounding is needed). Low means strictly below.

    Example:
        >>> ComplementMeasurement(value=0.7, lower_limit=0.9, unit="g/L").low
        True
        >>> ComplementMeasurement(value=0.9, lower_limit=0.9).low
        False
    """

    value: FiniteFloat = Field(ge=0)
    """The measured level."""
    lower_limit: FiniteFloat = Field(gt=0)
    """The testing laboratory's lower limit of normal, in the unit of ``value``."""
    unit: str | None = Field(default=None, min_length=1, max_length=32)
    """The unit, for the record only (e.g. ``g/L``, ``mg/dL``, ``U/mL``)."""

    @property
    def low(self) -> bool:
        """True when the level is below the laboratory's lower limit (SLEDAI-2K form, D17)."""
        return self.value < self.lower_limit


class AntiDsDnaMeasurement(InputModel):
    """An anti-dsDNA level with the testing laboratory's upper limit of normal (D17).

    Raised means strictly above the limit; the two are compared as given, in the lab's unit.

    Example:
        >>> AntiDsDnaMeasurement(value=45, upper_limit=30, unit="IU/mL").raised
        True
        >>> AntiDsDnaMeasurement(value=30, upper_limit=30).raised
        False
    """

    value: FiniteFloat = Field(ge=0)
    """The measured level."""
    upper_limit: FiniteFloat = Field(gt=0)
    """The testing laboratory's upper limit of normal, in the unit of ``value``."""
    unit: str | None = Field(default=None, min_length=1, max_length=32)
    """The unit, for the record only (e.g. ``IU/mL``)."""

    @property
    def raised(self) -> bool:
        """True when the level is above the laboratory's upper limit (SLEDAI-2K form, D17)."""
        return self.value > self.upper_limit


class SledaiVisit(InputModel):
    """One SLEDAI-2K visit: the descriptors present in the look-back window.

    Each descriptor is True (present), False (absent) or None (not assessed, the default); a
    missing descriptor is never read as absent (D13). A laboratory descriptor can instead be
    derived from its raw measurement (the worst value in the window); if the descriptor and the raw
    value are both given they must agree, otherwise validation fails (D17). A descriptor records
    the finding; where its definition excludes causes (infection, drugs, stones...), the
    ``*_other_cause`` field says whether the finding is due to one of them, and it is then not
    scored (D17). Those fields default to False (no such cause recorded); None means not known.

    Example:
        >>> from astct_grading.sle import score_sledai2k
        >>> visit = SledaiVisit(
        ...     visit_date="2024-03-01",
        ...     temperature={"value": 38.4, "unit": "C"},
        ...     platelets_10e9_l=85,
        ...     thrombocytopenia_other_cause=True,
        ...     arthritis_joint_count=2,
        ...     **{d.value: False for d in Descriptor
        ...        if d.value not in ("fever", "thrombocytopenia", "arthritis")},
        ... )
        >>> score_sledai2k(visit).score
        5
    """

    visit_date: datetime.date | None = None
    """The date of the visit (ISO 8601)."""
    window_days: WindowDays = DEFAULT_WINDOW_DAYS
    """The look-back window: 10 days (default) or 30 days; nothing else is accepted (D18)."""

    # --- Raw measurements: the worst value in the window (D17) --------------------------------
    # Declared before the descriptors: the descriptor validators read them to check agreement.
    temperature: Temperature | None = None
    """The highest temperature, in °C or °F; fever is > 38.0 °C (D14, D17)."""
    platelets_10e9_l: PlateletCount | None = None
    """The lowest platelet count, x10^9/L; thrombocytopenia is < 100 (D17)."""
    wbc_10e9_l: WbcCount | None = None
    """The lowest white blood cell count, x10^9/L; leukopenia is < 3.0 (D17)."""
    proteinuria_g_24h: ProteinuriaGrams | None = None
    """The highest urine protein, g/24 h; proteinuria is > 0.5 (D17)."""
    urine_rbc_per_hpf: CellsPerHpf | None = None
    """The highest urine red blood cells per high-power field; haematuria is > 5 (D17)."""
    urine_wbc_per_hpf: CellsPerHpf | None = None
    """The highest urine white blood cells per high-power field; pyuria is > 5 (D17)."""
    c3: ComplementMeasurement | None = None
    """The lowest C3, with the lab's lower limit (D17)."""
    c4: ComplementMeasurement | None = None
    """The lowest C4, with the lab's lower limit (D17)."""
    ch50: ComplementMeasurement | None = None
    """The lowest CH50, with the lab's lower limit (D17)."""
    anti_dsdna: AntiDsDnaMeasurement | None = None
    """The highest anti-dsDNA, with the lab's upper limit (D17)."""
    arthritis_joint_count: JointCount | None = None
    """Joints with pain and signs of inflammation (tenderness, swelling or effusion); arthritis
    is ≥ 2 joints, or > 2 with the original-SLEDAI option (D16)."""

    # --- The 24 descriptors, in the order of the SLEDAI-2K form ---------------------------------
    seizure: Flag | None = None
    """Seizure (8): recent onset."""
    seizure_other_cause: Flag | None = False
    """The seizure has a metabolic, infectious or drug cause (then not scored)."""
    psychosis: Flag | None = None
    """Psychosis (8): severe disturbance in the perception of reality."""
    psychosis_other_cause: Flag | None = False
    """The psychosis is due to uraemia or drugs (then not scored)."""
    organic_brain_syndrome: Flag | None = None
    """Organic brain syndrome (8): altered mental function with rapid onset and fluctuation."""
    organic_brain_syndrome_other_cause: Flag | None = False
    """The organic brain syndrome has a metabolic, infectious or drug cause (then not scored)."""
    visual_disturbance: Flag | None = None
    """Visual disturbance (8): retinal changes of SLE."""
    visual_disturbance_other_cause: Flag | None = False
    """The visual disturbance is due to hypertension, infection or drugs (then not scored)."""
    cranial_nerve_disorder: Flag | None = None
    """Cranial nerve disorder (8): new sensory or motor neuropathy of cranial nerves."""
    lupus_headache: Flag | None = None
    """Lupus headache (8): severe, persistent, non-responsive to narcotic analgesia."""
    cerebrovascular_accident: Flag | None = None
    """CVA (8): new-onset cerebrovascular accident(s)."""
    cerebrovascular_accident_other_cause: Flag | None = False
    """The CVA is due to arteriosclerosis (then not scored)."""
    vasculitis: Flag | None = None
    """Vasculitis (8): ulceration, gangrene, tender finger nodules, periungual infarction,
    splinter haemorrhages, or biopsy or angiogram proof."""
    arthritis: Flag | None = None
    """Arthritis (4): ≥ 2 joints with pain and signs of inflammation (D16)."""
    myositis: Flag | None = None
    """Myositis (4): proximal muscle aching or weakness with raised CPK or aldolase, EMG changes
    or biopsy."""
    urinary_casts: Flag | None = None
    """Urinary casts (4): heme-granular or red blood cell casts."""
    haematuria: Flag | None = None
    """Haematuria (4): > 5 red blood cells per high-power field."""
    haematuria_other_cause: Flag | None = False
    """The haematuria is due to a stone, infection or another cause (then not scored)."""
    proteinuria: Flag | None = None
    """Proteinuria (4): > 0.5 g/24 h, new or persistent."""
    pyuria: Flag | None = None
    """Pyuria (4): > 5 white blood cells per high-power field."""
    pyuria_other_cause: Flag | None = False
    """The pyuria is due to infection (then not scored)."""
    rash: Flag | None = None
    """Rash (2): inflammatory-type rash, new or persistent."""
    alopecia: Flag | None = None
    """Alopecia (2): abnormal, patchy or diffuse hair loss, new or persistent."""
    mucosal_ulcers: Flag | None = None
    """Mucosal ulcers (2): oral or nasal ulcerations, new or persistent."""
    pleurisy: Flag | None = None
    """Pleurisy (2): pleuritic chest pain with rub or effusion, or pleural thickening."""
    pericarditis: Flag | None = None
    """Pericarditis (2): pericardial pain with rub, effusion, or ECG or echo confirmation."""
    low_complement: Flag | None = None
    """Low complement (2): CH50, C3 or C4 below the testing lab's lower limit (serology)."""
    increased_dna_binding: Flag | None = None
    """Increased DNA binding (2): above the testing lab's normal range (serology)."""
    fever: Flag | None = None
    """Fever (1): > 38.0 °C."""
    fever_other_cause: Flag | None = False
    """The fever is due to infection (then not scored)."""
    thrombocytopenia: Flag | None = None
    """Thrombocytopenia (1): platelets < 100 x10^9/L."""
    thrombocytopenia_other_cause: Flag | None = False
    """The thrombocytopenia is drug-induced (then not scored)."""
    leukopenia: Flag | None = None
    """Leukopenia (1): white blood cells < 3.0 x10^9/L."""
    leukopenia_other_cause: Flag | None = False
    """The leukopenia is drug-induced (then not scored)."""

    @field_validator(
        "arthritis",
        "haematuria",
        "proteinuria",
        "pyuria",
        "low_complement",
        "increased_dna_binding",
        "fever",
        "thrombocytopenia",
        "leukopenia",
    )
    @classmethod
    def _agrees_with_raw_value(cls, value: bool | None, info: ValidationInfo) -> bool | None:
        """A descriptor and the raw value defining it must agree (D17)."""
        if value is None:
            return value
        name = str(info.field_name)
        data = info.data
        for field in RAW_FIELDS_BY_NAME[name]:
            if data.get(field) is not None:
                break
        else:
            return value  # no raw value given: nothing to agree with (the common case)
        readings: tuple[int, ...] = (ARTHRITIS_MIN_JOINTS,)
        note = EXCLUSION_HINT
        if name == "arthritis":
            # A joint count contradicts the call only if it does so under both readings of D16
            # (<= 1 or >= 3 joints); at exactly 2 the chosen reading decides, checked when scoring.
            readings = (ARTHRITIS_MIN_JOINTS, ORIGINAL_SLEDAI_ARTHRITIS_MIN_JOINTS)
            note = "under both readings of D16, '≥ 2' and 'more than 2' joints"
        read = readers()[name]
        evidence = ""
        for min_joints in readings:
            present, detail, _ = read(data, min_joints)
            if present is None or present == value:
                return value
            evidence = evidence or detail
        raise conflict(Descriptor(name), value, evidence, note)
