"""SLEDAI-2K results: each descriptor as scored and the visit's total (D13, D17, D19).

Built with the public constructors of :mod:`astct_grading.core.results`' types, which these
extend; serialised by their one ``to_json()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from enum import Enum
from typing import Any

from astct_grading.core.results import ScoreItem, ScoreResult
from astct_grading.criteria.sledai2k import CRITERIA_VERSION, ActivityBand, Descriptor

__all__ = ["Basis", "Sledai2kResult", "SledaiExplanation", "SledaiItem"]

#: The parts of a SLEDAI-2K result that explain it: items, missing, decisions, explanation,
#: excluded. A deferred result computes them on first access.
SledaiExplanation = tuple[
    tuple[ScoreItem, ...], tuple[str, ...], tuple[str, ...], str, tuple[str, ...]
]
_EXPLAINING = ("items", "missing", "decisions", "explanation", "excluded")


class Basis(str, Enum):
    """Where a descriptor's presence came from.

    Example:
        >>> from astct_grading.sle import score_sledai2k
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
        >>> from astct_grading.sle import score_sledai2k
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


@dataclass(frozen=True)
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
        >>> from astct_grading.sle import score_sledai2k
        >>> result = score_sledai2k({"rash": True, "increased_dna_binding": True})
        >>> result.score_min, result.clinical_score_min, result.window_days
        (4, 2, 10)

    :func:`~astct_grading.sle.sledai.score_sledai2k` builds it with :meth:`deferred`: the scores,
    bands and window are set at once; the descriptors, missing inputs, decisions, explanation and
    excluded descriptors are computed on first access, and the result reads, compares, hashes,
    copies and serialises exactly as one built whole.
    """

    __slots__ = (
        "_explain",
        "activity_band",
        "activity_band_max",
        "activity_band_min",
        "band_source",
        "clinical_score",
        "clinical_score_max",
        "clinical_score_min",
        "excluded",
        "visit_date",
        "window_days",
    )

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

    @classmethod
    def deferred(
        cls,
        scores: tuple[int, int, int, int],
        bands: tuple[ActivityBand, ActivityBand],
        band_source: str,
        window_days: int,
        visit_date: str | None,
        explain: Callable[[], SledaiExplanation],
    ) -> Sledai2kResult:
        """A result whose explaining parts ``explain()`` computes on first access.

        Args:
            scores: the lowest and highest SLEDAI-2K, then of clinical SLEDAI.
            bands: the activity bands of the lowest and the highest score.
            band_source: where the bands come from.
            window_days: the look-back window.
            visit_date: the visit date (ISO 8601), if given.
            explain: gives (items, missing, decisions, explanation, excluded); called at most
                once in one thread, and must give the same parts whenever it is called.

        Example:
            >>> from astct_grading.criteria.sledai2k import BAND_SOURCE
            >>> result = Sledai2kResult.deferred(
            ...     (0, 0, 0, 0), (ActivityBand.NONE,) * 2, BAND_SOURCE, 10, None,
            ...     lambda: ((), (), ("D18", "D19"), "SLEDAI-2K 0.", ()),
            ... )
            >>> result.score, result.explanation
            (0, 'SLEDAI-2K 0.')
        """
        low, high, clinical_low, clinical_high = scores
        if not 0 <= clinical_low <= clinical_high or clinical_low > low or clinical_high > high:
            raise ValueError(f"inconsistent clinical SLEDAI range {clinical_low}-{clinical_high}")
        if not 0 <= low <= high:
            raise ValueError(f"inconsistent result: range={low}-{high}")
        result: Sledai2kResult = object.__new__(cls)
        band_low, band_high = bands
        # Set through the slot descriptors, one call each (as GradeResult.deferred does).
        _set_scale(result, "SLEDAI-2K")
        _set_score(result, low if low == high else None)
        _set_score_min(result, low)
        _set_score_max(result, high)
        _set_version(result, CRITERIA_VERSION)
        _set_clinical(result, clinical_low if clinical_low == clinical_high else None)
        _set_clinical_min(result, clinical_low)
        _set_clinical_max(result, clinical_high)
        _set_band(result, band_low if band_low is band_high else None)
        _set_band_min(result, band_low)
        _set_band_max(result, band_high)
        _set_band_source(result, band_source)
        _set_window(result, window_days)
        _set_visit_date(result, visit_date)
        _set_explain(result, explain)
        return result

    def __getattr__(self, name: str) -> Any:
        # Called only for a slot not set yet: an explaining part of a deferred result.
        if name not in _EXPLAINING:
            raise AttributeError(name)
        explain = object.__getattribute__(self, "_explain")
        for part, value in zip(_EXPLAINING, explain(), strict=True):
            object.__setattr__(self, part, value)
        return getattr(self, name)

    def __getstate__(self) -> tuple[Any, ...]:
        return tuple(getattr(self, item.name) for item in fields(self))

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for item, value in zip(fields(self), state, strict=True):
            object.__setattr__(self, item.name, value)

    def item(self, descriptor: Descriptor | str) -> SledaiItem:
        """Return the scored descriptor.

        Raises:
            KeyError: when there is no such descriptor.

        Example:
            >>> from astct_grading.sle import score_sledai2k
            >>> score_sledai2k({"rash": True}).item("rash").points
            2
        """
        name = descriptor.value if isinstance(descriptor, Descriptor) else descriptor
        for entry in self.items:
            if entry.name == name and isinstance(entry, SledaiItem):
                return entry
        raise KeyError(name)


#: The slots :meth:`Sledai2kResult.deferred` sets at once, by their descriptors.
(
    _set_scale,
    _set_score,
    _set_score_min,
    _set_score_max,
    _set_version,
    _set_clinical,
    _set_clinical_min,
    _set_clinical_max,
    _set_band,
    _set_band_min,
    _set_band_max,
    _set_band_source,
    _set_window,
    _set_visit_date,
    _set_explain,
) = (
    getattr(Sledai2kResult, name).__set__
    for name in (
        "scale",
        "score",
        "score_min",
        "score_max",
        "criteria_version",
        "clinical_score",
        "clinical_score_min",
        "clinical_score_max",
        "activity_band",
        "activity_band_min",
        "activity_band_max",
        "band_source",
        "window_days",
        "visit_date",
        "_explain",
    )
)
