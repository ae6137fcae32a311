"""SLEDAI-2K: the visit model and ``score_sledai2k``.

The descriptors, weights and laboratory bounds are read from :mod:`astct_grading.criteria.sledai2k`;
the product decisions followed are D13-D19 (docs/decisions.md). Each descriptor can be given as the
clinician's call (present, absent, or None for not assessed), derived from the raw measurement that
defines it, or both; when both are given they must agree (D17).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from itertools import product
from operator import getitem, itemgetter
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import (
    BeforeValidator,
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from astct_grading.core.results import ScoreItem, ScoreResult
from astct_grading.core.validation import (
    FiniteFloat,
    Flag,
    InputModel,
    Temperature,
    _number,
    describe,
    quantize,
)
from astct_grading.criteria.sledai2k import (
    ARTHRITIS_MIN_JOINTS,
    BAND_SOURCE,
    CRITERIA_VERSION,
    DEFAULT_WINDOW_DAYS,
    DESCRIPTORS,
    LAB_BOUNDS,
    MAX_SCORE,
    ORIGINAL_SLEDAI_ARTHRITIS_MIN_JOINTS,
    WINDOWS_DAYS,
    ActivityBand,
    Descriptor,
    DescriptorRule,
    LabBound,
    activity_band,
)
from astct_grading.errors import AstctGradingError

__all__ = [
    "AntiDsDnaMeasurement",
    "Basis",
    "ComplementMeasurement",
    "Sledai2kOptions",
    "Sledai2kResult",
    "SledaiItem",
    "SledaiVisit",
    "score_sledai2k",
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


#: Names of the raw measurements, for explanations.
_LAB_NAMES: Mapping[str, str] = {
    "platelets_10e9_l": "platelets",
    "wbc_10e9_l": "WBC",
    "proteinuria_g_24h": "proteinuria",
    "urine_rbc_per_hpf": "urine RBC",
    "urine_wbc_per_hpf": "urine WBC",
}
_COMPLEMENTS = (("c3", "C3"), ("c4", "C4"), ("ch50", "CH50"))
_COMPLEMENT_FIELDS = tuple(field for field, _ in _COMPLEMENTS)

#: The raw fields that can decide each laboratory descriptor (D16, D17).
_RAW_FIELDS: Mapping[Descriptor, tuple[str, ...]] = {
    **{b.descriptor: (b.field,) for b in LAB_BOUNDS},
    Descriptor.LOW_COMPLEMENT: _COMPLEMENT_FIELDS,
    Descriptor.INCREASED_DNA_BINDING: ("anti_dsdna",),
    Descriptor.ARTHRITIS: ("arthritis_joint_count",),
}
_RAW_FIELDS_BY_NAME: Mapping[str, tuple[str, ...]] = {d.value: f for d, f in _RAW_FIELDS.items()}

#: What the raw measurements say about one descriptor: present (None when they leave it open),
#: the detail for the explanation, and the raw fields still unmeasured. A plain tuple: one is
#: built for every raw value scored or validated.
_Raw = tuple[bool | None, str, tuple[str, ...]]

#: Reads what a descriptor's raw values say, from the visit's fields and the fewest joints that
#: make arthritis (D16). Called only when one of its raw fields is given.
_Reader = Callable[[Mapping[str, Any], int], _Raw]


def _lab_reader(bound: LabBound) -> _Reader:
    """The reader of one absolute laboratory bound (D17), its texts built once."""
    field, limit, below = bound.field, bound.bound, bound.relation == "<"
    # The temperature shows itself (with its unit and, in °F, its value in °C).
    label = None if field == "temperature" else f"{_LAB_NAMES[field]} "
    if_present = f" {bound.relation} {limit:.1f} {bound.unit}"
    if_absent = f" not {bound.relation} {limit:.1f} {bound.unit}"

    def read(data: Mapping[str, Any], min_joints: int) -> _Raw:
        value = data[field]
        if label is None:
            present = value.celsius > limit  # already rounded to 0.01 °C (D14)
            shown = str(value)
        else:
            measured = quantize(value)  # compared at 0.01 of the unit (D14)
            present = measured < limit if below else measured > limit
            shown = label + describe(value)
        return present, shown + (if_present if present else if_absent), ()

    return read


def _complement_normal(measured: tuple[bool, bool, bool]) -> _Raw:
    """The evidence when the measured complements are all at or above their lower limits."""
    normal = ", ".join(name for (_, name), m in zip(_COMPLEMENTS, measured, strict=True) if m)
    unmeasured = tuple(field for (field, _), m in zip(_COMPLEMENTS, measured, strict=True) if not m)
    if not unmeasured:
        return False, f"{normal} not below the lab lower limits", ()
    names = ", ".join(name for (_, name), m in zip(_COMPLEMENTS, measured, strict=True) if not m)
    return None, f"{normal} not below the lab lower limit, {names} not measured", unmeasured


#: Which complements were measured -> the evidence when none is low (seven patterns); built by
#: ``_build_tables``.
_COMPLEMENT_NORMAL: Mapping[tuple[bool, bool, bool], _Raw]


def _complement(data: Mapping[str, Any], min_joints: int) -> _Raw:
    # Some complements may be missing from a partly validated visit (D17 check).
    c3, c4, ch50 = data.get("c3"), data.get("c4"), data.get("ch50")
    low = [
        f"{name} {describe(m.value)} < {describe(m.lower_limit)} (lab lower limit)"
        for name, m in (("C3", c3), ("C4", c4), ("CH50", ch50))
        if m is not None and m.low
    ]
    if low:
        return True, "; ".join(low), ()
    return _COMPLEMENT_NORMAL[c3 is not None, c4 is not None, ch50 is not None]


def _dna(data: Mapping[str, Any], min_joints: int) -> _Raw:
    m = data["anti_dsdna"]
    raised = m.raised
    relation = ">" if raised else "not >"
    return (
        raised,
        f"anti-dsDNA {describe(m.value)} {relation} {describe(m.upper_limit)} (lab upper limit)",
        (),
    )


#: (the reading is "≥ 2", present) -> the end of the arthritis evidence (D16).
_ARTHRITIS_WORDS: Mapping[tuple[bool, bool], str] = {
    (two_or_more, present): (
        f" inflamed joints {'meets' if present else 'does not meet'} "
        f"'{'≥ 2' if two_or_more else 'more than 2'} joints' (D16)"
    )
    for two_or_more in (True, False)
    for present in (True, False)
}


def _arthritis(data: Mapping[str, Any], min_joints: int) -> _Raw:
    count = data["arthritis_joint_count"]
    present = count >= min_joints
    return present, f"{count}{_ARTHRITIS_WORDS[min_joints == ARTHRITIS_MIN_JOINTS, present]}", ()


#: Descriptor -> the reader of its raw values (D16, D17); built by ``_build_tables``.
_READERS: Mapping[str, _Reader]


def _conflict(descriptor: Descriptor, given: bool, evidence: str, note: str) -> PydanticCustomError:
    return PydanticCustomError(
        "sledai_descriptor_conflict",
        "{descriptor}={given} contradicts the raw value: {evidence} ({note})",
        {"descriptor": descriptor.value, "given": str(given), "evidence": evidence, "note": note},
    )


_EXCLUSION_HINT = "D17; record an excluding cause in the *_other_cause field, not an absent finding"


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
        for field in _RAW_FIELDS_BY_NAME[name]:
            if data.get(field) is not None:
                break
        else:
            return value  # no raw value given: nothing to agree with (the common case)
        readings: tuple[int, ...] = (ARTHRITIS_MIN_JOINTS,)
        note = _EXCLUSION_HINT
        if name == "arthritis":
            # A joint count contradicts the call only if it does so under both readings of D16
            # (<= 1 or >= 3 joints); at exactly 2 the chosen reading decides, checked when scoring.
            readings = (ARTHRITIS_MIN_JOINTS, ORIGINAL_SLEDAI_ARTHRITIS_MIN_JOINTS)
            note = "under both readings of D16, '≥ 2' and 'more than 2' joints"
        read = _READERS[name]
        evidence = ""
        for min_joints in readings:
            present, detail, _ = read(data, min_joints)
            if present is None or present == value:
                return value
            evidence = evidence or detail
        raise _conflict(Descriptor(name), value, evidence, note)


_ADAPTER: TypeAdapter[SledaiVisit] = TypeAdapter(SledaiVisit)


@dataclass(frozen=True, slots=True)
class Sledai2kOptions:
    """Named alternatives to the default readings (docs/decisions.md).

    Attributes:
        arthritis_threshold: ``"two_or_more"`` (default, D16: the SLEDAI-2K form's "≥ 2 joints")
            or ``"more_than_two"`` (the original SLEDAI reading, "more than 2 joints").

    Example:
        >>> Sledai2kOptions(arthritis_threshold="more_than_two").min_joints
        3
    """

    arthritis_threshold: Literal["two_or_more", "more_than_two"] = "two_or_more"

    def __post_init__(self) -> None:
        if self.arthritis_threshold not in ("two_or_more", "more_than_two"):
            raise AstctGradingError(
                "invalid_option",
                "arthritis_threshold is 'two_or_more' or 'more_than_two', "
                f"not {self.arthritis_threshold!r} (D16)",
            )

    @property
    def min_joints(self) -> int:
        """The fewest inflamed joints that make arthritis under this reading (D16)."""
        if self.arthritis_threshold == "more_than_two":
            return ORIGINAL_SLEDAI_ARTHRITIS_MIN_JOINTS
        return ARTHRITIS_MIN_JOINTS


DEFAULT_OPTIONS = Sledai2kOptions()


class Basis(str, Enum):
    """Where a descriptor's presence came from.

    Example:
        >>> score_sledai2k({"platelets_10e9_l": 80}).item("thrombocytopenia").basis.value
        'raw_value'
    """

    CLINICIAN = "clinician"
    RAW_VALUE = "raw_value"
    CLINICIAN_AND_RAW_VALUE = "clinician_and_raw_value"
    NOT_ASSESSED = "not_assessed"


@dataclass(frozen=True, slots=True)
class SledaiItem(ScoreItem):
    """One SLEDAI-2K descriptor as scored.

    Attributes:
        weight: the descriptor's weight (8, 4, 2 or 1).
        basis: whether the presence came from the clinician's call, a raw value, both, or
            neither (not assessed).
        present: whether the finding is present (None when not assessed).
        excluded: True when the finding is attributed to a cause its definition excludes (it
            then scores 0), None when that is not known, False otherwise (D17).
        serological: True for low complement and increased DNA binding (not in clinical SLEDAI).
        missing: the input fields whose absence leaves this descriptor's points open.

    Example:
        >>> item = score_sledai2k({"fever": True, "fever_other_cause": None}).item("fever")
        >>> item.points, item.points_min, item.points_max, item.missing
        (None, 0, 1, ('fever_other_cause',))
    """

    weight: int
    basis: Basis
    present: bool | None
    excluded: bool | None
    serological: bool
    missing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Sledai2kResult(ScoreResult):
    """A SLEDAI-2K score with clinical SLEDAI, the activity band and the window.

    Attributes:
        clinical_score: SLEDAI-2K without the two serology descriptors, or None when open (D19).
        clinical_score_min: the lowest clinical SLEDAI consistent with the unknowns.
        clinical_score_max: the highest clinical SLEDAI consistent with the unknowns.
        activity_band: the band of the score, or None when the range spans several bands. A
            convention (Polachek 2017), not part of SLEDAI-2K (D19).
        activity_band_min: the band of ``score_min``.
        activity_band_max: the band of ``score_max``.
        band_source: where the bands come from.
        window_days: the look-back window, 10 or 30 days (D18).
        visit_date: the visit date (ISO 8601), if given.
        excluded: descriptors present but not scored because of a cause their definition
            excludes (D17).

    Example:
        >>> result = score_sledai2k({"rash": True, "increased_dna_binding": True})
        >>> result.score_min, result.clinical_score_min, result.window_days
        (4, 2, 10)
    """

    clinical_score: int | None
    clinical_score_min: int
    clinical_score_max: int
    activity_band: ActivityBand | None
    activity_band_min: ActivityBand
    activity_band_max: ActivityBand
    band_source: str
    window_days: int
    visit_date: str | None
    excluded: tuple[str, ...]

    def __post_init__(self) -> None:
        ScoreResult.__post_init__(self)
        low, high = self.clinical_score_min, self.clinical_score_max
        expected = low if low == high else None
        if (
            not 0 <= low <= high
            or self.clinical_score != expected
            or low > self.score_min
            or high > self.score_max
        ):
            raise ValueError(
                f"inconsistent clinical SLEDAI: {self.clinical_score} range={low}-{high} "
                f"with SLEDAI-2K range={self.score_min}-{self.score_max}"
            )

    def item(self, descriptor: Descriptor | str) -> SledaiItem:
        """Return the scored descriptor.

        Raises:
            KeyError: when there is no such descriptor.

        Example:
            >>> score_sledai2k({"rash": True}).item("rash").points
            2
        """
        name = descriptor.value if isinstance(descriptor, Descriptor) else descriptor
        for entry in self.items:
            if entry.name == name and isinstance(entry, SledaiItem):
                return entry
        raise KeyError(name)


def _coerce(visit: SledaiVisit | Mapping[str, Any]) -> SledaiVisit:
    if isinstance(visit, SledaiVisit):
        return visit
    if isinstance(visit, Mapping):
        return _ADAPTER.validate_python(visit)
    raise AstctGradingError(
        "input_type",
        f"score_sledai2k takes a SledaiVisit or a mapping, not {type(visit).__name__}",
    )


def _arthritis_reading_conflict(given: bool, count: int, options: Sledai2kOptions) -> None:
    """At exactly 2 joints the reading of D16 decides; a contradicting call is bad input."""
    reading = (
        "'≥ 2 joints' (SLEDAI-2K, D16)"
        if options.arthritis_threshold == "two_or_more"
        else "'more than 2 joints' (original SLEDAI option, D16)"
    )
    error = _conflict(Descriptor.ARTHRITIS, given, f"{count} inflamed joints", f"read as {reading}")
    details: InitErrorDetails = {"type": error, "loc": ("arthritis",), "input": given}
    raise ValidationError.from_exception_data(SledaiVisit.__name__, [details])


def _causes(rule: DescriptorRule) -> str:
    return ", ".join(rule.excluded_causes)


class _Template(NamedTuple):
    """A scored descriptor, short of the raw evidence's text (D13, D17).

    Everything but that text follows from the clinician's call, the cause and what the raw values
    say (present or not, and which are unmeasured), so templates are built once, for every case.
    """

    name: str
    weight: int
    basis: Basis
    present: bool | None
    excluded: bool | None
    serological: bool
    points_min: int
    points_max: int
    missing: tuple[str, ...]
    #: The evidence is ``head + detail + tail`` (``head`` alone when the raw detail is not used).
    head: str
    tail: str
    uses_detail: bool
    #: The parts of the explanation, before the evidence (counted, excluded), or whole (open).
    counted: str | None
    excluded_part: str | None
    open_part: str | None


def _template(
    rule: DescriptorRule,
    given: bool | None,
    other: bool | None,
    raw: tuple[bool | None, tuple[str, ...]] | None,
) -> _Template:
    """Score one descriptor from the clinician's call, the raw evidence and the cause (D13, D17).

    ``raw`` is what the raw values say (present, the raw fields unmeasured), None without them.
    """
    name = rule.descriptor.value
    raw_present = raw[0] if raw is not None else None
    present = given if given is not None else raw_present
    if given is not None:
        basis = Basis.CLINICIAN_AND_RAW_VALUE if raw_present is not None else Basis.CLINICIAN
    else:
        basis = Basis.RAW_VALUE if raw_present is not None else Basis.NOT_ASSESSED

    p_lo, p_hi = (0, 1) if present is None else (int(present), int(present))
    own_lo, own_hi = (0, 1) if other is None else (int(not other), int(not other))

    missing: list[str] = []
    if p_lo != p_hi and own_hi:
        unmeasured = raw[1] if raw is not None else _RAW_FIELDS.get(rule.descriptor, ())
        missing.extend((name, *unmeasured))
    if own_lo != own_hi and p_hi:
        missing.append(f"{name}_other_cause")

    head, tail, uses_detail = "", "", raw is not None
    if basis is Basis.CLINICIAN:
        head, uses_detail = ("clinician's call" if given else "absent by clinician's call"), False
    elif basis is Basis.CLINICIAN_AND_RAW_VALUE:
        tail = ", as the clinician recorded"
    elif basis is Basis.NOT_ASSESSED:
        head, tail = ("not assessed (", ")") if uses_detail else ("not assessed", "")
    if p_hi and other:
        tail += f", due to an excluded cause ({_causes(rule)}): not scored (D17)"
    elif p_hi and other is None:
        tail += f", excluded cause ({_causes(rule)}) not known (D17)"
    if not uses_detail:
        head, tail = head + tail, ""

    low = rule.weight * (p_lo & own_lo)
    high = rule.weight * (p_hi & own_hi)
    return _Template(
        name,
        rule.weight,
        basis,
        present,
        other,
        rule.serological,
        low,
        high,
        tuple(missing),
        head,
        tail,
        uses_detail,
        f"{name} {low} (" if low > 0 else None,
        f"{name} (" if present and other else None,
        f"{name} 0 or {high}" if low != high else None,
    )


#: One descriptor as scored, with its share of the totals and of the explanation: the item, its
#: points (min, max), its clinical-SLEDAI points (min, max; 0 for serology, D19), the inputs it
#: misses, and its parts of the explanation (counted, excluded, open; None when it has none).
_Entry = tuple[SledaiItem, int, int, int, int, tuple[str, ...], str | None, str | None, str | None]


def _entry(template: _Template, detail: str) -> _Entry:
    """The scored descriptor of a template, with the raw evidence's text (D13, D17)."""
    (
        name,
        weight,
        basis,
        present,
        excluded,
        serological,
        low,
        high,
        missing,
        head,
        tail,
        uses_detail,
        counted,
        excluded_part,
        open_part,
    ) = template
    evidence = head + detail + tail if uses_detail else head
    item = SledaiItem(
        name, low, high, evidence, weight, basis, present, excluded, serological, missing
    )
    return (
        item,
        low,
        high,
        0 if serological else low,  # clinical SLEDAI leaves out serology (D19)
        0 if serological else high,
        missing,
        None if counted is None else f"{counted}{evidence})",
        None if excluded_part is None else f"{excluded_part}{evidence})",
        open_part,
    )


_CALLS: tuple[bool | None, ...] = (True, False, None)
_OTHER_CAUSE_FIELDS = tuple(
    f"{rule.descriptor.value}_other_cause" for rule in DESCRIPTORS.values() if rule.excluded_causes
)
_calls = itemgetter(*(d.value for d in DESCRIPTORS))
_other_causes = itemgetter(*_OTHER_CAUSE_FIELDS)
#: Per descriptor, where its cause is in ``(*_other_causes(data), False)``: a descriptor whose
#: definition excludes no cause reads the constant False at the end.
_cause_of_each = itemgetter(
    *(
        _OTHER_CAUSE_FIELDS.index(f"{rule.descriptor.value}_other_cause")
        if rule.excluded_causes
        else len(_OTHER_CAUSE_FIELDS)
        for rule in DESCRIPTORS.values()
    )
)


def _cause_values(rule: DescriptorRule) -> tuple[bool | None, ...]:
    """The values its *_other_cause field can take (always False without such a field)."""
    return _CALLS if rule.excluded_causes else (False,)


#: Per descriptor, in the order of the form: (call, cause) -> its entry when no raw value is
#: given. Without a raw value an entry depends on those two small inputs only, and entries are
#: immutable, so they are built once, by ``_build_tables`` (at most 24 x 3 x 3).
_BY_CALL: tuple[Mapping[tuple[bool | None, bool | None], _Entry], ...]


def _raw_readings(descriptor: Descriptor) -> tuple[tuple[bool | None, tuple[str, ...]], ...]:
    """Every (present, unmeasured) that a descriptor's raw values can give (D17)."""
    if descriptor is Descriptor.LOW_COMPLEMENT:
        return ((True, ()), *((raw[0], raw[2]) for raw in _COMPLEMENT_NORMAL.values()))
    return ((True, ()), (False, ()))


#: The descriptors with raw values, in the order of the form: position, field, *_other_cause
#: field (if any), raw fields, reader, and (call, cause, present, unmeasured) -> template. Then
#: every raw field, in that order, a getter of their values, and their values when none is given.
#: Built by ``_build_tables``.
_RAW_PLAN: tuple[
    tuple[
        int,
        str,
        str | None,
        tuple[str, ...],
        _Reader,
        Mapping[tuple[bool | None, bool | None, bool | None, tuple[str, ...]], _Template],
    ],
    ...,
]
_RAW_VALUE_FIELDS: tuple[str, ...]
_raw_values: Callable[[Mapping[str, Any]], Any]
_NO_RAW_VALUES: tuple[None, ...]


def _entries(data: Mapping[str, Any], options: Sledai2kOptions) -> list[_Entry]:
    """Every descriptor of a visit, scored, in the order of the form (D13-D17).

    Each is first looked up as if no raw value were given; those with one are then scored from it.
    """
    causes = _cause_of_each((*_other_causes(data), False))
    entries = list(map(getitem, _BY_CALL, zip(_calls(data), causes, strict=True)))
    if _raw_values(data) == _NO_RAW_VALUES:
        return entries
    min_joints = options.min_joints
    for position, name, other_field, raw_fields, read, templates in _RAW_PLAN:
        for field in raw_fields:
            if data[field] is not None:
                break
        else:
            continue
        given: bool | None = data[name]
        present, detail, unmeasured = read(data, min_joints)
        if given is not None and present not in (None, given):
            # Only arthritis at exactly 2 joints gets here (the model checks the rest).
            _arthritis_reading_conflict(given, data["arthritis_joint_count"], options)
        other: bool | None = data[other_field] if other_field is not None else False
        entries[position] = _entry(templates[given, other, present, unmeasured], detail)
    return entries


#: The activity band of every possible score (D19); built by ``_build_tables``.
_BANDS: tuple[ActivityBand, ...]


def _build_tables() -> None:
    """Build the lookup tables above from the functions that define them, and bind them.

    Called once, at import. The tables are immutable and depend only on the criteria, so building
    them again gives equal tables: tests/conftest.py does so under mutation testing, where a
    mutant is switched on only in the functions called after the package was imported
    (docs/mutation.md).
    """
    global _COMPLEMENT_NORMAL, _READERS, _BY_CALL, _RAW_PLAN  # noqa: PLW0603
    global _RAW_VALUE_FIELDS, _raw_values, _NO_RAW_VALUES, _BANDS  # noqa: PLW0603
    _COMPLEMENT_NORMAL = {
        (c3, c4, ch50): _complement_normal((c3, c4, ch50))
        for c3 in (True, False)
        for c4 in (True, False)
        for ch50 in (True, False)
        if c3 or c4 or ch50
    }
    _READERS = {
        **{b.descriptor.value: _lab_reader(b) for b in LAB_BOUNDS},
        Descriptor.LOW_COMPLEMENT.value: _complement,
        Descriptor.INCREASED_DNA_BINDING.value: _dna,
        Descriptor.ARTHRITIS.value: _arthritis,
    }
    _BY_CALL = tuple(
        {
            (given, other): _entry(_template(rule, given, other, None), "")
            for given in _CALLS
            for other in _cause_values(rule)
        }
        for rule in DESCRIPTORS.values()
    )
    _RAW_PLAN = tuple(
        (
            position,
            rule.descriptor.value,
            f"{rule.descriptor.value}_other_cause" if rule.excluded_causes else None,
            _RAW_FIELDS[rule.descriptor],
            _READERS[rule.descriptor.value],
            {
                (given, other, *reading): _template(rule, given, other, reading)
                for given in _CALLS
                for other in _cause_values(rule)
                for reading in _raw_readings(rule.descriptor)
            },
        )
        for position, rule in enumerate(DESCRIPTORS.values())
        if rule.descriptor in _RAW_FIELDS
    )
    _RAW_VALUE_FIELDS = tuple(
        dict.fromkeys(f for _, _, _, fields, _, _ in _RAW_PLAN for f in fields)
    )
    _raw_values = itemgetter(*_RAW_VALUE_FIELDS)
    _NO_RAW_VALUES = (None,) * len(_RAW_VALUE_FIELDS)
    _BANDS = tuple(activity_band(score) for score in range(MAX_SCORE + 1))


_build_tables()


def score_sledai2k(
    visit: SledaiVisit | Mapping[str, Any], *, options: Sledai2kOptions = DEFAULT_OPTIONS
) -> Sledai2kResult:
    """Score one visit by SLEDAI-2K (Gladman 2002).

    Each descriptor present in the look-back window (10 days, or 30, D18) and not attributed to a
    cause its definition excludes (D17) adds its weight; the maximum is 105. Unknown descriptors
    give a range (D13). Clinical SLEDAI leaves out low complement and increased DNA binding, and
    the activity band is a convention, not part of SLEDAI-2K (D19).

    Args:
        visit: a :class:`SledaiVisit`, or a mapping validated into one.
        options: named alternatives to the default readings (D16).

    Returns:
        A frozen :class:`Sledai2kResult` with the score or its range.

    Raises:
        pydantic.ValidationError: the mapping is not a valid visit, or the arthritis call
            contradicts the joint count under the chosen reading (D16).
        AstctGradingError: ``visit`` is neither a model nor a mapping.

    Example:
        >>> result = score_sledai2k({"seizure": True, "rash": True, "low_complement": True})
        >>> result.score is None, result.score_min, result.score_max
        (True, 12, 105)
        >>> everything_else = {d.value: False for d in Descriptor}
        >>> result = score_sledai2k({**everything_else, "seizure": True, "low_complement": True})
        >>> result.score, result.clinical_score, result.activity_band.value
        (10, 8, 'moderate')
    """
    v = _coerce(visit)
    data = v.__dict__
    items: list[SledaiItem] = []
    missing: list[str] = []
    excluded: list[str] = []
    counted: list[str] = []
    excluded_parts: list[str] = []
    open_parts: list[str] = []
    low = high = c_low = c_high = 0
    for item, lo, hi, c_lo, c_hi, miss, counted_part, excluded_part, open_part in _entries(
        data, options
    ):
        items.append(item)
        low += lo
        high += hi
        c_low += c_lo
        c_high += c_hi
        if miss:
            missing.extend(miss)
        if counted_part is not None:
            counted.append(counted_part)
        if excluded_part is not None:
            excluded.append(item.name)
            excluded_parts.append(excluded_part)
        if open_part is not None:
            open_parts.append(open_part)
    band_low, band_high = _BANDS[low], _BANDS[high]
    explanation = _explain(
        v.window_days,
        (low, high),
        (c_low, c_high),
        (band_low, band_high),
        (counted, excluded_parts, open_parts),
    )
    return Sledai2kResult(
        "SLEDAI-2K",
        low if low == high else None,
        low,
        high,
        tuple(items),
        tuple(missing),
        _decisions(data, options, low != high),
        CRITERIA_VERSION,
        explanation,
        c_low if c_low == c_high else None,
        c_low,
        c_high,
        band_low if band_low is band_high else None,
        band_low,
        band_high,
        BAND_SOURCE,
        v.window_days,
        v.visit_date.isoformat() if v.visit_date is not None else None,
        tuple(excluded),
    )


_ABSOLUTE_RAW_FIELDS = tuple(b.field for b in LAB_BOUNDS)
_LAB_LIMIT_RAW_FIELDS = (*_COMPLEMENT_FIELDS, "anti_dsdna")
_absolute_raw = itemgetter(*_ABSOLUTE_RAW_FIELDS)
_lab_limit_raw = itemgetter(*_LAB_LIMIT_RAW_FIELDS)
_NO_ABSOLUTE_RAW = (None,) * len(_ABSOLUTE_RAW_FIELDS)
_NO_LAB_LIMIT_RAW = (None,) * len(_LAB_LIMIT_RAW_FIELDS)
_NO_OTHER_CAUSE = (False,) * len(_OTHER_CAUSE_FIELDS)

#: (D13, D14, D16, D17 applied) -> the decisions, in order; D18 and D19 always apply.
_DECISIONS: Mapping[tuple[bool, bool, bool, bool], tuple[str, ...]] = {
    flags: (
        *(d for d, on in zip(("D13", "D14", "D16", "D17"), flags, strict=True) if on),
        "D18",
        "D19",
    )
    for flags in product((True, False), (True, False), (True, False), (True, False))
}


def _decisions(data: Mapping[str, Any], options: Sledai2kOptions, open_: bool) -> tuple[str, ...]:
    # Tuple comparisons: the values are None, booleans or models, never equal across kinds.
    d14 = _absolute_raw(data) != _NO_ABSOLUTE_RAW
    d16 = data["arthritis_joint_count"] is not None or (
        options is not DEFAULT_OPTIONS and options != DEFAULT_OPTIONS
    )
    d17 = d14 or _lab_limit_raw(data) != _NO_LAB_LIMIT_RAW or _other_causes(data) != _NO_OTHER_CAUSE
    return _DECISIONS[open_, d14, d16, d17]


def _span(low: int, high: int) -> str:
    return str(low) if low == high else f"{low} to {high}"


#: (lowest band, highest band) -> the band part of the explanation (D19).
_BAND_TEXT: Mapping[tuple[ActivityBand, ActivityBand], str] = {
    (low, high): "activity band "
    + (low.value if low is high else f"{low.value} to {high.value}")
    + " (a convention, Polachek 2017, D19)"
    for low in ActivityBand
    for high in ActivityBand
}


def _explain(
    window_days: int,
    total: tuple[int, int],
    clinical: tuple[int, int],
    bands: tuple[ActivityBand, ActivityBand],
    parts: tuple[list[str], list[str], list[str]],
) -> str:
    low, high = total
    counted, excluded, open_items = parts
    head = f"SLEDAI-2K {_span(low, high)}" + (" (undetermined)" if low != high else "")
    text = [f"{head}, {window_days}-day window (D18)"]
    text.append("counted: " + ", ".join(counted) if counted else "no descriptor counted")
    if excluded:
        text.append("excluded: " + ", ".join(excluded))
    if open_items:
        text.append("open: " + ", ".join(open_items))
    text.append(f"clinical SLEDAI {_span(*clinical)}")
    text.append(_BAND_TEXT[bands])
    return "; ".join(text) + "."
