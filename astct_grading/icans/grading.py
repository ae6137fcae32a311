"""``grade_icans``: the ICANS grade by the ASTCT 2019 consensus, for adults and children.

The rules are read from :mod:`astct_grading.criteria.icans`; the product decisions they follow
are D6-D11 and D13-D15 (docs/decisions.md); docs/icans.md maps every table row to the code and
the tests.

How unknown inputs are bounded (D13): each domain (astct_grading.icans.domains) is a small rule
of a few inputs, each known or ranging over its possible values; the engine (core/bounds.py)
takes the worst domain, or death (D6), and gives exact bounds and the inputs that can change the
grade, listed in ``missing``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from itertools import compress, product
from operator import attrgetter
from typing import Any

from astct_grading.core.bounds import Level, worst
from astct_grading.core.results import Explanation, Finding, GradeResult
from astct_grading.core.validation import coerce
from astct_grading.criteria.astct import DEATH_GRADE
from astct_grading.criteria.icans import (
    CRITERIA_VERSION,
    EXCLUDED_FEATURES,
)
from astct_grading.icans.capd import CAPD_NAMES, CapdAssessment, capd_answers
from astct_grading.icans.domains import FLAG, Coupled, instrument_and_consciousness
from astct_grading.icans.explain import (
    capd_detail,
    consciousness_detail,
    explain,
    ice_detail,
    part,
)
from astct_grading.icans.findings import (
    DomainOutcome,
    consciousness_known,
    death_outcome,
    finding,
    icp_outcome,
    motor_outcome,
    seizure_outcome,
)
from astct_grading.icans.ice import IceAssessment, ice_open_items
from astct_grading.icans.models import (
    DEFAULT_OPTIONS,
    IcansAssessment,
    IcansOptions,
)

__all__ = ["DEFAULT_OPTIONS", "grade_icans"]

#: Which input fields each position of each domain stands for; None: read from the record.
_INPUT_FIELDS: tuple[tuple[tuple[str, ...] | None, ...], ...] = (
    (
        ("age_years",),
        ("developmental_delay",),
        None,  # the ICE: the record, or its items not recorded
        None,  # the CAPD: the record, or its answers not recorded
        ("consciousness",),
        ("global_aphasia",),
        ("consciousness_other_cause",),
        ("encephalopathy_other_cause",),
    ),
    (
        ("seizure",),
        ("seizure_duration_min", "seizure_over_5_min"),
        ("seizure_without_return_to_baseline",),
        ("seizure_other_cause",),
    ),
    (("motor",), ("motor_other_cause",)),
    (("icp",), ("icp_other_cause",)),
)
_CAPD_ITEM_FIELDS = tuple(f"capd.{name}" for name in CAPD_NAMES)
_EXCLUDED_NAMES = tuple(EXCLUDED_FEATURES)
_excluded_flags: Callable[[IcansAssessment], tuple[bool | None, ...]] = attrgetter(*_EXCLUDED_NAMES)
#: The features reported in ``excluded`` (recorded as present), by their three answers.
_EXCLUDED: dict[tuple[bool | None, ...], tuple[str, ...]] = {
    flags: tuple(compress(_EXCLUDED_NAMES, [flag is True for flag in flags]))
    for flags in product((None, False, True), repeat=len(_EXCLUDED_NAMES))
}
_INSTRUMENT_DOMAIN = {"ICE": "ice", "CAPD": "capd", None: "ice_or_capd"}


def grade_icans(
    assessment: IcansAssessment | Mapping[str, Any], *, options: IcansOptions = DEFAULT_OPTIONS
) -> GradeResult:
    """Grade one ICANS assessment by the ASTCT 2019 consensus, for adults and children.

    The grade is the most severe of five domains, each not attributable to another cause: the
    encephalopathy instrument (ICE from age 12, CAPD below 12 or with developmental delay: D7;
    ICE bands D10, CAPD bands D8), the level of consciousness (D9), seizures, motor findings and
    raised intracranial pressure or cerebral oedema (D11). Death due to ICANS is grade 5 (D6).
    Tremor, myoclonus and intracranial haemorrhage are reported in ``excluded`` and never change
    the grade. Missing inputs give a range (D13).

    Args:
        assessment: an :class:`IcansAssessment`, or a mapping validated into one.
        options: named parameters (the age from which ICE is used, D7).

    Returns:
        A frozen :class:`~astct_grading.core.results.GradeResult` with scale ``ICANS``;
        ``instrument`` is the instrument D7 chooses for the patient (``ICE`` or ``CAPD``), or None
        when age or developmental delay is unknown and would change the choice.

    Raises:
        pydantic.ValidationError: the mapping is not a valid assessment.
        AstctGradingError: ``assessment`` is neither a model nor a mapping (type ``input_type``).

    Example:
        >>> result = grade_icans({
        ...     "age_years": 8.5,
        ...     "capd": {"total": 12},
        ...     "consciousness": "alert",
        ...     "seizure": True,
        ...     "seizure_duration_min": 5.0,
        ...     "seizure_without_return_to_baseline": False,
        ...     "motor": "none",
        ...     "icp": [],
        ... })
        >>> result.grade, result.instrument, result.drivers
        (3, 'CAPD', ('capd', 'seizure'))
        >>> grade_icans({"age_years": 40, "ice": {"total": 10}}).grade is None
        True
    """
    a = coerce(assessment, IcansAssessment, "grade_icans")
    coupled, ice_range, capd_range = instrument_and_consciousness(a, options)
    # Seizure, motor, raised ICP (D11) and death (D6).
    seizure = seizure_outcome(
        a.seizure,
        a.seizure_duration_min,
        a.seizure_over_5_min,
        a.seizure_without_return_to_baseline,
        a.seizure_other_cause,
    )
    motor = motor_outcome(a.motor, a.motor_other_cause)
    icp = icp_outcome(a.icp, a.icp_other_cause)
    # The worst domain, or death; exact, because the domains share no inputs (core/bounds.py).
    low, high, matters = worst(
        (coupled.domain, seizure[2], motor[2], icp[2]), FLAG[a.death_due_to_icans]
    )
    # The grade is set now; the findings and the explanation are built on first access.
    return GradeResult.deferred(
        "ICANS",
        low,
        high,
        CRITERIA_VERSION,
        partial(
            _explaining,
            a,
            options,
            (coupled, ice_range, capd_range),
            (seizure, motor, icp),
            (low, high, matters),
        ),
    )


def _explaining(
    a: IcansAssessment,
    options: IcansOptions,
    instrument_domains: tuple[Coupled, Level, Level],
    outcomes: tuple[DomainOutcome, DomainOutcome, DomainOutcome],
    bounds: tuple[int, int, Sequence[tuple[int, ...]]],
) -> Explanation:
    """The explaining parts of a :func:`grade_icans` result, built on first access.

    Findings, drivers, missing inputs, decisions, the explanation, the excluded features and the
    instrument, from the domains and the bounds the grade was found with.
    """
    coupled, ice_range, capd_range = instrument_domains
    (
        (seizure_finding, seizure_part, _),
        (motor_finding, motor_part, _),
        (icp_finding, icp_part, _),
    ) = outcomes
    low, high, matters = bounds
    death_finding, death_part = death_outcome(a.death_due_to_icans)
    missing = _missing(a, matters, a.death_due_to_icans is None) if low != high else ()

    instruments = coupled.instruments
    instrument = next(iter(instruments)) if len(instruments) == 1 else None
    instrument_finding = _instrument_finding(a, instrument, coupled, ice_range, capd_range)
    if a.consciousness is not None and a.consciousness_other_cause is not None:
        consciousness_finding, consciousness_part = consciousness_known(
            a.consciousness, a.consciousness_other_cause
        )
    else:
        consciousness_finding = finding(
            "consciousness",
            a.consciousness is not None,
            coupled.domain.present,
            a.consciousness_other_cause,
            coupled.consciousness,
            consciousness_detail(a),
        )
        consciousness_part = part(consciousness_finding)
    findings = (
        instrument_finding,
        consciousness_finding,
        seizure_finding,
        motor_finding,
        icp_finding,
        death_finding,
    )
    parts = [part(instrument_finding), consciousness_part, seizure_part, motor_part, icp_part]
    if a.death_due_to_icans is not False:
        parts.append(death_part)
    excluded = _EXCLUDED[_excluded_flags(a)]
    if low == DEATH_GRADE:
        drivers: tuple[str, ...] = ("death",)
    elif low == 0:
        drivers = ()
    else:
        drivers = tuple([f.domain for f in findings[:-1] if f.grade_min == low])
    return (
        findings,
        drivers,
        missing,
        _decisions(a, instruments, low, high, excluded),
        explain(a, options, instrument, low, high, parts, excluded, missing),
        excluded,
        instrument,
    )


def _missing(
    a: IcansAssessment, matters: Sequence[tuple[int, ...]], death_open: bool
) -> tuple[str, ...]:
    """The inputs whose absence leaves the grade open (D13), domain by domain.

    ``matters`` holds, for each domain, the positions of its inputs that can change the grade
    (core.bounds.worst). The death input matters whenever it is unknown. No field stands for two
    inputs, so none is listed twice.
    """
    fields: list[str] = []
    for index, positions in enumerate(matters):
        for position in positions:
            fields.extend(_input_fields(a, index, position))
    if death_open:
        fields.append("death_due_to_icans")
    return tuple(fields)


def _input_fields(a: IcansAssessment, domain: int, position: int) -> tuple[str, ...]:
    names = _INPUT_FIELDS[domain][position]
    if names is not None:
        return names
    if position == 2:
        if a.ice is None:
            return ("ice",)
        return tuple(f"ice.{name}" for name in ice_open_items(a.ice))
    if a.capd is None:
        return ("capd",)
    answers = capd_answers(a.capd.__dict__)
    return tuple(compress(_CAPD_ITEM_FIELDS, [answer is None for answer in answers]))


def _instrument_finding(
    a: IcansAssessment,
    instrument: str | None,
    coupled: Coupled,
    ice_range: tuple[int, int],
    capd_range: tuple[int, int],
) -> Finding:
    if instrument == "ICE":
        record: IceAssessment | CapdAssessment | None = a.ice
        detail = ice_detail(a, ice_range)
    elif instrument == "CAPD":
        record = a.capd
        detail = capd_detail(a.capd, capd_range)
    else:
        record = None
        detail = f"{ice_detail(a, ice_range)} or {capd_detail(a.capd, capd_range)}"
    assessable = record is not None and record.assessable
    raw = coupled.raw
    known = raw[0] == raw[1]
    present = (int(raw[0] > 0), int(raw[1] > 0)) if assessable else (0, 1)
    return finding(
        _INSTRUMENT_DOMAIN[instrument],
        assessable and known,
        present,
        a.encephalopathy_other_cause,
        coupled.instrument,
        detail,
    )


def _decisions(
    a: IcansAssessment,
    instruments: frozenset[str],
    low: int,
    high: int,
    excluded: tuple[str, ...],
) -> tuple[str, ...]:
    applied: list[str] = []
    if a.death_due_to_icans is not False:
        applied.append("D6")
    applied.append("D7")
    if "CAPD" in instruments:
        applied.append("D8")
    if a.consciousness is not None or a.consciousness_other_cause is not False:
        applied.append("D9")
    if "ICE" in instruments:
        applied.append("D10")
    if (
        a.seizure is not None
        or a.seizure_duration_min is not None
        or a.seizure_over_5_min is not None
        or a.motor is not None
        or a.icp is not None
        or excluded  # a feature recorded as present, never graded
    ):
        applied.append("D11")
    if low != high:
        applied.append("D13")
    if a.age_years is not None or a.seizure_duration_min is not None:
        applied.append("D14")
    return tuple(applied)
