"""The SLEDAI-2K trajectory of a course: one point per visit, responses against baseline (D19).

The first visit of a course is its baseline; at every later visit the change from baseline and the
response definitions (SRI-4, DORIS 2021 remission, LLDAS; sle_response) are assessed against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from astct_grading.course.clock import Clock
from astct_grading.course.models import Course, SledaiVisitRecord
from astct_grading.errors import AstctGradingError
from astct_grading.sle.response import (
    DorisInput,
    LldasInput,
    ResponseResult,
    SledaiChangeInput,
    SledaiChangeResult,
    Sri4Input,
    assess_doris_remission,
    assess_lldas,
    assess_sri4,
    change_from_baseline,
)
from astct_grading.sle.sledai import Sledai2kOptions, Sledai2kResult, score_sledai2k

__all__ = ["RESPONSE_DEFINITIONS", "SledaiPoint", "trajectory"]


#: The response definitions assessed at each follow-up visit, in report order (D19).
RESPONSE_DEFINITIONS = ("SRI-4", "DORIS remission", "LLDAS")


@dataclass(frozen=True, slots=True)
class SledaiPoint:
    """One SLEDAI-2K visit of the trajectory, with change and responses from baseline.

    Attributes:
        label: the visit's label (``baseline``, ``month 1``...).
        visit_date: the visit date.
        day: days from the infusion date (day 0 = infusion day).
        score: the SLEDAI-2K result (``.score`` or its range ``.score_min``-``.score_max``).
        change: the change from baseline (None at the baseline visit).
        sri4: SRI-4 at this visit against baseline (None at baseline).
        doris: DORIS 2021 remission at this visit (None at baseline).
        lldas: LLDAS at this visit (None at baseline).
    """

    label: str
    visit_date: date
    day: int
    score: Sledai2kResult
    change: SledaiChangeResult | None
    sri4: ResponseResult | None
    doris: ResponseResult | None
    lldas: ResponseResult | None

    @property
    def responses(self) -> dict[str, ResponseResult]:
        """The response definitions assessed at this visit, by name (empty at baseline)."""
        found = zip(RESPONSE_DEFINITIONS, (self.sri4, self.doris, self.lldas), strict=True)
        return {name: result for name, result in found if result is not None}


def _point(
    record: SledaiVisitRecord,
    base: SledaiVisitRecord | None,
    clock: Clock,
    options: Sledai2kOptions,
) -> SledaiPoint:
    visit_date = record.visit.visit_date
    if visit_date is None:  # pragma: no cover - a course requires it (visit_date_required)
        raise AstctGradingError("input_type", "a SLEDAI-2K visit in a course needs a date")
    score = score_sledai2k(record.visit, options=options)
    day = clock.days_to(visit_date)
    if base is None:
        return SledaiPoint(record.label, visit_date, day, score, None, None, None, None)
    change = change_from_baseline(
        SledaiChangeInput(baseline=base.visit, follow_up=record.visit), options=options
    )
    sri4 = assess_sri4(
        Sri4Input(
            baseline=base.visit,
            follow_up=record.visit,
            new_bilag_a=record.new_bilag_a,
            new_bilag_b=record.new_bilag_b,
            pga_baseline=base.pga,
            pga_follow_up=record.pga,
        ),
        options=options,
    )
    doris = assess_doris_remission(
        DorisInput(
            visit=record.visit,
            pga=record.pga,
            prednisolone_mg_day=record.prednisolone_mg_day,
            stable_maintenance=record.stable_maintenance,
        ),
        options=options,
    )
    lldas = assess_lldas(
        LldasInput(
            visit=record.visit,
            haemolytic_anaemia=record.haemolytic_anaemia,
            gastrointestinal_activity=record.gastrointestinal_activity,
            new_activity=record.new_activity,
            pga=record.pga,
            prednisolone_mg_day=record.prednisolone_mg_day,
            standard_maintenance=record.standard_maintenance,
        ),
        options=options,
    )
    return SledaiPoint(record.label, visit_date, day, score, change, sri4, doris, lldas)


def trajectory(course: Course, clock: Clock, options: Sledai2kOptions) -> tuple[SledaiPoint, ...]:
    """Score every visit; change and responses at each follow-up against the first (D19).

    Example:
        >>> from astct_grading.sle.sledai import Sledai2kOptions
        >>> course = Course(
        ...     patient_id="P1", infusion_at="2024-03-04T10:00:00Z",
        ...     sledai_visits=[{"label": "baseline", "visit": {"visit_date": "2024-03-01"}}],
        ... )
        >>> clock = Clock.starting(course.infusion_at, course.time_zone)
        >>> [(p.label, p.day, p.change) for p in trajectory(course, clock, Sledai2kOptions())]
        [('baseline', -3, None)]
    """
    visits = course.sledai_visits
    return tuple(
        _point(record, visits[0] if position else None, clock, options)
        for position, record in enumerate(visits)
    )
