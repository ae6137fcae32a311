"""SLEDAI-2K: the visit model and ``score_sledai2k``.

The descriptors, weights and laboratory bounds are read from :mod:`astct_grading.criteria.sledai2k`;
the product decisions followed are D13-D19 (docs/decisions.md). Each descriptor can be given as the
clinician's call (present, absent, or None for not assessed), derived from the raw measurement that
defines it, or both; when both are given they must agree (D17).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from astct_grading._validation import (
    FiniteFloat,
    InputModel,
    Temperature,
    _reject_bool,
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
    ORIGINAL_SLEDAI_ARTHRITIS_MIN_JOINTS,
    WINDOWS_DAYS,
    ActivityBand,
    Descriptor,
    DescriptorRule,
    LabBound,
    activity_band,
)
from astct_grading.errors import AstctGradingError
from astct_grading.results import ScoreItem, ScoreResult

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
    # Only the validated windows: 10 days (the form) or 30 days (Touma 2010); D18.
    if isinstance(value, bool) or value not in WINDOWS_DAYS:
        raise PydanticCustomError(
            "sledai_window",
            "the SLEDAI-2K look-back window is 10 days (default) or 30 days, not {window} (D18)",
            {"window": value},
        )
    return value


#: The look-back window in days: 10 (default) or 30; anything else is rejected (D18).
WindowDays = Annotated[Literal[10, 30], BeforeValidator(_window)]

#: A whole count; booleans are rejected (D15).
Count = Annotated[int, BeforeValidator(_reject_bool), Field(ge=0)]

# Plausibility guards (D15): generous, only to catch unit or entry errors.
PlateletCount = Annotated[FiniteFloat, Field(ge=0, le=5000)]
WbcCount = Annotated[FiniteFloat, Field(ge=0, le=1000)]
ProteinuriaGrams = Annotated[FiniteFloat, Field(ge=0, le=100)]
CellsPerHpf = Annotated[FiniteFloat, Field(ge=0, le=1000)]
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
_LAB_BY_DESCRIPTOR: Mapping[Descriptor, LabBound] = {b.descriptor: b for b in LAB_BOUNDS}
_COMPLEMENTS = (("c3", "C3"), ("c4", "C4"), ("ch50", "CH50"))

#: The raw fields that can decide each laboratory descriptor (D16, D17).
_RAW_FIELDS: Mapping[Descriptor, tuple[str, ...]] = {
    **{b.descriptor: (b.field,) for b in LAB_BOUNDS},
    Descriptor.LOW_COMPLEMENT: tuple(field for field, _ in _COMPLEMENTS),
    Descriptor.INCREASED_DNA_BINDING: ("anti_dsdna",),
    Descriptor.ARTHRITIS: ("arthritis_joint_count",),
}


@dataclass(frozen=True, slots=True)
class _Raw:
    """What the raw measurements say about one descriptor."""

    present: bool | None
    detail: str
    unmeasured: tuple[str, ...] = ()


def _lab(bound: LabBound, data: Mapping[str, Any]) -> _Raw | None:
    value = data.get(bound.field)
    if value is None:
        return None
    if bound.field == "temperature":
        present = value.celsius > bound.bound  # already rounded to 0.01 °C (D14)
        shown = str(value)
    else:
        measured = quantize(value)  # compared at 0.01 of the unit (D14)
        present = measured < bound.bound if bound.relation == "<" else measured > bound.bound
        shown = f"{_LAB_NAMES[bound.field]} {describe(value)}"
    relation = bound.relation if present else f"not {bound.relation}"
    return _Raw(present, f"{shown} {relation} {bound.bound:.1f} {bound.unit}")


def _complement(data: Mapping[str, Any]) -> _Raw | None:
    given = [(field, name, data.get(field)) for field, name in _COMPLEMENTS]
    measured = [(field, name, m) for field, name, m in given if m is not None]
    if not measured:
        return None
    low = [
        f"{name} {describe(m.value)} < {describe(m.lower_limit)} (lab lower limit)"
        for _, name, m in measured
        if m.low
    ]
    if low:
        return _Raw(True, "; ".join(low))
    normal = ", ".join(name for _, name, _ in measured)
    unmeasured = tuple(field for field, _, m in given if m is None)
    if not unmeasured:
        return _Raw(False, f"{normal} not below the lab lower limits")
    names = ", ".join(name for field, name, _ in given if field in unmeasured)
    return _Raw(None, f"{normal} not below the lab lower limit, {names} not measured", unmeasured)


def _dna(data: Mapping[str, Any]) -> _Raw | None:
    m = data.get("anti_dsdna")
    if m is None:
        return None
    relation = ">" if m.raised else "not >"
    return _Raw(
        m.raised,
        f"anti-dsDNA {describe(m.value)} {relation} {describe(m.upper_limit)} (lab upper limit)",
    )


def _arthritis(data: Mapping[str, Any], min_joints: int) -> _Raw | None:
    count = data.get("arthritis_joint_count")
    if count is None:
        return None
    present = count >= min_joints
    rule = "≥ 2" if min_joints == ARTHRITIS_MIN_JOINTS else "more than 2"
    word = "meets" if present else "does not meet"
    return _Raw(present, f"{count} inflamed joints {word} '{rule} joints' (D16)")


def _raw(descriptor: Descriptor, data: Mapping[str, Any], min_joints: int) -> _Raw | None:
    """The raw evidence for a descriptor that has a raw measurement (D16, D17).

    None when the measurement was not given.
    """
    if descriptor in _LAB_BY_DESCRIPTOR:
        return _lab(_LAB_BY_DESCRIPTOR[descriptor], data)
    if descriptor is Descriptor.LOW_COMPLEMENT:
        return _complement(data)
    if descriptor is Descriptor.INCREASED_DNA_BINDING:
        return _dna(data)
    return _arthritis(data, min_joints)  # the one other descriptor with a raw value


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
    seizure: bool | None = None
    """Seizure (8): recent onset."""
    seizure_other_cause: bool | None = False
    """The seizure has a metabolic, infectious or drug cause (then not scored)."""
    psychosis: bool | None = None
    """Psychosis (8): severe disturbance in the perception of reality."""
    psychosis_other_cause: bool | None = False
    """The psychosis is due to uraemia or drugs (then not scored)."""
    organic_brain_syndrome: bool | None = None
    """Organic brain syndrome (8): altered mental function with rapid onset and fluctuation."""
    organic_brain_syndrome_other_cause: bool | None = False
    """The organic brain syndrome has a metabolic, infectious or drug cause (then not scored)."""
    visual_disturbance: bool | None = None
    """Visual disturbance (8): retinal changes of SLE."""
    visual_disturbance_other_cause: bool | None = False
    """The visual disturbance is due to hypertension, infection or drugs (then not scored)."""
    cranial_nerve_disorder: bool | None = None
    """Cranial nerve disorder (8): new sensory or motor neuropathy of cranial nerves."""
    lupus_headache: bool | None = None
    """Lupus headache (8): severe, persistent, non-responsive to narcotic analgesia."""
    cerebrovascular_accident: bool | None = None
    """CVA (8): new-onset cerebrovascular accident(s)."""
    cerebrovascular_accident_other_cause: bool | None = False
    """The CVA is due to arteriosclerosis (then not scored)."""
    vasculitis: bool | None = None
    """Vasculitis (8): ulceration, gangrene, tender finger nodules, periungual infarction,
    splinter haemorrhages, or biopsy or angiogram proof."""
    arthritis: bool | None = None
    """Arthritis (4): ≥ 2 joints with pain and signs of inflammation (D16)."""
    myositis: bool | None = None
    """Myositis (4): proximal muscle aching or weakness with raised CPK or aldolase, EMG changes
    or biopsy."""
    urinary_casts: bool | None = None
    """Urinary casts (4): heme-granular or red blood cell casts."""
    haematuria: bool | None = None
    """Haematuria (4): > 5 red blood cells per high-power field."""
    haematuria_other_cause: bool | None = False
    """The haematuria is due to a stone, infection or another cause (then not scored)."""
    proteinuria: bool | None = None
    """Proteinuria (4): > 0.5 g/24 h, new or persistent."""
    pyuria: bool | None = None
    """Pyuria (4): > 5 white blood cells per high-power field."""
    pyuria_other_cause: bool | None = False
    """The pyuria is due to infection (then not scored)."""
    rash: bool | None = None
    """Rash (2): inflammatory-type rash, new or persistent."""
    alopecia: bool | None = None
    """Alopecia (2): abnormal, patchy or diffuse hair loss, new or persistent."""
    mucosal_ulcers: bool | None = None
    """Mucosal ulcers (2): oral or nasal ulcerations, new or persistent."""
    pleurisy: bool | None = None
    """Pleurisy (2): pleuritic chest pain with rub or effusion, or pleural thickening."""
    pericarditis: bool | None = None
    """Pericarditis (2): pericardial pain with rub, effusion, or ECG or echo confirmation."""
    low_complement: bool | None = None
    """Low complement (2): CH50, C3 or C4 below the testing lab's lower limit (serology)."""
    increased_dna_binding: bool | None = None
    """Increased DNA binding (2): above the testing lab's normal range (serology)."""
    fever: bool | None = None
    """Fever (1): > 38.0 °C."""
    fever_other_cause: bool | None = False
    """The fever is due to infection (then not scored)."""
    thrombocytopenia: bool | None = None
    """Thrombocytopenia (1): platelets < 100 x10^9/L."""
    thrombocytopenia_other_cause: bool | None = False
    """The thrombocytopenia is drug-induced (then not scored)."""
    leukopenia: bool | None = None
    """Leukopenia (1): white blood cells < 3.0 x10^9/L."""
    leukopenia_other_cause: bool | None = False
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
        descriptor = Descriptor(str(info.field_name))
        readings: tuple[int, ...] = (ARTHRITIS_MIN_JOINTS,)
        note = _EXCLUSION_HINT
        if descriptor is Descriptor.ARTHRITIS:
            # A joint count contradicts the call only if it does so under both readings of D16
            # (<= 1 or >= 3 joints); at exactly 2 the chosen reading decides, checked when scoring.
            readings = (ARTHRITIS_MIN_JOINTS, ORIGINAL_SLEDAI_ARTHRITIS_MIN_JOINTS)
            note = "D16"
        evidence = ""
        for min_joints in readings:
            raw = _raw(descriptor, info.data, min_joints)
            if raw is None or raw.present is None or raw.present == value:
                return value
            evidence = evidence or raw.detail
        raise _conflict(descriptor, value, evidence, note)


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
                "option_value",
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


def _item(
    rule: DescriptorRule, given: bool | None, raw: _Raw | None, other: bool | None
) -> SledaiItem:
    """Score one descriptor from the clinician's call, the raw evidence and the cause (D13, D17)."""
    name = rule.descriptor.value
    raw_present = raw.present if raw is not None else None
    present = given if given is not None else raw_present
    if given is not None:
        basis = Basis.CLINICIAN_AND_RAW_VALUE if raw_present is not None else Basis.CLINICIAN
    else:
        basis = Basis.RAW_VALUE if raw_present is not None else Basis.NOT_ASSESSED

    p_lo, p_hi = (0, 1) if present is None else (int(present), int(present))
    own_lo, own_hi = (0, 1) if other is None else (int(not other), int(not other))

    missing: list[str] = []
    if p_lo != p_hi and own_hi:
        unmeasured = raw.unmeasured if raw is not None else _RAW_FIELDS.get(rule.descriptor, ())
        missing.extend((name, *unmeasured))
    if own_lo != own_hi and p_hi:
        missing.append(f"{name}_other_cause")

    raw_detail = raw.detail if raw is not None else ""
    if basis is Basis.CLINICIAN:
        evidence = "clinician's call" if given else "absent by clinician's call"
    elif basis is Basis.CLINICIAN_AND_RAW_VALUE:
        evidence = f"{raw_detail}, as the clinician recorded"
    elif basis is Basis.RAW_VALUE:
        evidence = raw_detail
    else:
        evidence = f"not assessed ({raw_detail})" if raw_detail else "not assessed"
    if p_hi and other:
        evidence += f", due to an excluded cause ({_causes(rule)}): not scored (D17)"
    elif p_hi and other is None:
        evidence += f", excluded cause ({_causes(rule)}) not known (D17)"

    return SledaiItem(
        name=name,
        points_min=rule.weight * (p_lo & own_lo),
        points_max=rule.weight * (p_hi & own_hi),
        detail=evidence,
        weight=rule.weight,
        basis=basis,
        present=present,
        excluded=other,
        serological=rule.serological,
        missing=tuple(missing),
    )


@cache
def _call_only_item(descriptor: Descriptor, given: bool | None, other: bool | None) -> SledaiItem:
    # Without raw values an item depends on three small inputs only; the items are frozen, so
    # they are built once and shared (a pure speed-up: at most 24 x 3 x 3 entries).
    return _item(DESCRIPTORS[descriptor], given, None, other)


#: Per descriptor: its rule, its field, its *_other_cause field (if any), its raw fields.
_PLAN: tuple[tuple[DescriptorRule, str, str | None, tuple[str, ...]], ...] = tuple(
    (
        rule,
        rule.descriptor.value,
        f"{rule.descriptor.value}_other_cause" if rule.excluded_causes else None,
        _RAW_FIELDS.get(rule.descriptor, ()),
    )
    for rule in DESCRIPTORS.values()
)


def _score_items(visit: SledaiVisit, options: Sledai2kOptions) -> tuple[SledaiItem, ...]:
    data = visit.__dict__
    items: list[SledaiItem] = []
    for rule, name, other_field, raw_fields in _PLAN:
        given: bool | None = data[name]
        other: bool | None = data[other_field] if other_field is not None else False
        for field in raw_fields:
            if data[field] is not None:
                break
        else:
            items.append(_call_only_item(rule.descriptor, given, other))
            continue
        raw = _raw(rule.descriptor, data, options.min_joints)
        if raw is not None and given is not None and raw.present not in (None, given):
            # Only arthritis at exactly 2 joints gets here (the model checks the rest).
            _arthritis_reading_conflict(given, data["arthritis_joint_count"], options)
        items.append(_item(rule, given, raw, other))
    return tuple(items)


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
    items = _score_items(v, options)
    low = high = c_low = c_high = 0
    missing: list[str] = []
    excluded: list[str] = []
    for item in items:
        low += item.points_min
        high += item.points_max
        if not item.serological:  # clinical SLEDAI leaves out serology (D19)
            c_low += item.points_min
            c_high += item.points_max
        if item.missing:
            missing.extend(item.missing)
        if item.present and item.excluded:
            excluded.append(item.name)
    band_low, band_high = activity_band(low), activity_band(high)
    return Sledai2kResult(
        scale="SLEDAI-2K",
        score=low if low == high else None,
        score_min=low,
        score_max=high,
        items=items,
        missing=tuple(missing),
        decisions=_decisions(v, options, low != high),
        criteria_version=CRITERIA_VERSION,
        explanation=_explain(v, items, (low, high), (c_low, c_high), (band_low, band_high)),
        clinical_score=c_low if c_low == c_high else None,
        clinical_score_min=c_low,
        clinical_score_max=c_high,
        activity_band=band_low if band_low is band_high else None,
        activity_band_min=band_low,
        activity_band_max=band_high,
        band_source=BAND_SOURCE,
        window_days=v.window_days,
        visit_date=v.visit_date.isoformat() if v.visit_date is not None else None,
        excluded=tuple(excluded),
    )


_ABSOLUTE_RAW_FIELDS = tuple(b.field for b in LAB_BOUNDS)
_ALL_RAW_FIELDS = (*_ABSOLUTE_RAW_FIELDS, "c3", "c4", "ch50", "anti_dsdna")
_OTHER_CAUSE_FIELDS = tuple(
    f"{rule.descriptor.value}_other_cause" for rule in DESCRIPTORS.values() if rule.excluded_causes
)


def _decisions(v: SledaiVisit, options: Sledai2kOptions, open_: bool) -> tuple[str, ...]:
    data = v.__dict__
    applied: list[str] = []
    if open_:
        applied.append("D13")
    if any(data[field] is not None for field in _ABSOLUTE_RAW_FIELDS):
        applied.append("D14")
    if v.arthritis_joint_count is not None or options != DEFAULT_OPTIONS:
        applied.append("D16")
    if any(data[field] is not None for field in _ALL_RAW_FIELDS) or any(
        data[field] is not False for field in _OTHER_CAUSE_FIELDS
    ):
        applied.append("D17")
    applied.extend(("D18", "D19"))
    return tuple(applied)


def _span(low: int, high: int) -> str:
    return str(low) if low == high else f"{low} to {high}"


def _explain(
    v: SledaiVisit,
    items: tuple[SledaiItem, ...],
    total: tuple[int, int],
    clinical: tuple[int, int],
    bands: tuple[ActivityBand, ActivityBand],
) -> str:
    low, high = total
    head = f"SLEDAI-2K {_span(low, high)}" + (" (undetermined)" if low != high else "")
    parts = [f"{head}, {v.window_days}-day window (D18)"]
    counted = [
        f"{item.name} {item.points_min} ({item.detail})" for item in items if item.points_min > 0
    ]
    parts.append("counted: " + ", ".join(counted) if counted else "no descriptor counted")
    excluded = [f"{item.name} ({item.detail})" for item in items if item.present and item.excluded]
    if excluded:
        parts.append("excluded: " + ", ".join(excluded))
    open_items = [item for item in items if item.points_min != item.points_max]
    if open_items:
        parts.append(
            "open: " + ", ".join(f"{item.name} 0 or {item.points_max}" for item in open_items)
        )
    parts.append(f"clinical SLEDAI {_span(*clinical)}")
    band = bands[0].value if bands[0] is bands[1] else f"{bands[0].value} to {bands[1].value}"
    parts.append(f"activity band {band} (a convention, Polachek 2017, D19)")
    return "; ".join(parts) + "."
