"""Strategies for patient courses: timed assessments with increasing, zoned timestamps."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from astct_grading.course import (
    Course,
    Therapy,
)
from astct_grading.course.options import DEFAULT_OPTIONS as COURSE_DEFAULTS
from astct_grading.strategies._common import (
    Completeness,
    Record,
    _check_completeness,
    _edged,
)
from astct_grading.strategies._crs import (
    _crs_dicts,
    _models,
)
from astct_grading.strategies._icans import (
    _icans_dicts,
)
from astct_grading.strategies._sle import (
    _PGA,
    _sledai_dicts,
    _split,
)

# --- Courses ---------------------------------------------------------------------------------

#: Fixed UTC offsets, from -12:00 to +14:00 (fixed, so no time is skipped or repeated).
_ZONES = [
    timezone(timedelta(hours=h, minutes=m))
    for h, m in ((0, 0), (1, 0), (-5, 0), (5, 30), (9, 0), (14, 0), (-12, 0), (-3, -30))
]
_RESOLUTION_H = COURSE_DEFAULTS.resolution_hours
#: Gaps between assessments, in hours, on and beside the episode resolution period (D20).
_GAPS_H = [_RESOLUTION_H, 4.0, _RESOLUTION_H - 1 / 60, _RESOLUTION_H + 1 / 60, 0.5, 12.0]


def _gap() -> st.SearchStrategy[timedelta]:
    return (st.sampled_from(_GAPS_H) | st.integers(1, 72 * 60).map(lambda m: m / 60)).map(
        lambda hours: timedelta(hours=hours)
    )


@st.composite
def _times(draw: st.DrawFn, start: datetime, count: int) -> list[datetime]:
    """``count`` increasing instants from ``start``, each written in a drawn time zone."""
    times: list[datetime] = []
    at = start + timedelta(hours=draw(st.sampled_from([2.0, -1.0, 0.0]) | st.integers(0, 96)))
    for _ in range(count):
        times.append(at.astimezone(draw(st.sampled_from(_ZONES))))
        at += draw(_gap())
    return times


def _modes(draw: st.DrawFn, completeness: str, count: int) -> list[str]:
    if completeness != "partial":
        return [completeness] * count
    return _split(draw, "partial", count)


@st.composite
def _course_dicts(draw: st.DrawFn, completeness: str, max_size: int) -> Record:
    zone = draw(st.sampled_from(_ZONES))
    minutes = draw(st.integers(0, 3 * 365 * 24 * 60))
    infusion = (
        datetime(2023, 1, 1, 8, 0, tzinfo=timezone.utc) + timedelta(minutes=minutes)
    ).astimezone(zone)
    n_crs = draw(st.integers(1 if completeness == "partial" else 0, max_size))
    n_icans = draw(st.integers(0, max_size))
    n_sledai = draw(st.integers(0, min(max_size, 3)))
    # For a partial course, the unknown sits in a CRS assessment or in the death's attribution.
    unknown_in_death = completeness == "partial" and draw(st.booleans())
    crs_mode = "complete" if unknown_in_death else completeness
    record: Record = {
        "patient_id": draw(st.sampled_from(["P001", "B-17"]) | st.text(min_size=1, max_size=12))
    }
    record["infusion_at"] = infusion
    if draw(st.booleans()):
        record["product"] = draw(st.sampled_from(["CD19", "BCMA"]))
    crs_times = draw(_times(infusion, n_crs))
    record["crs_assessments"] = [
        {"at": at, "assessment": draw(_crs_dicts(mode, in_course=True))}
        for at, mode in zip(crs_times, _modes(draw, crs_mode, n_crs), strict=True)
    ]
    icans_mode = "any" if completeness == "any" else "complete"
    icans_times = draw(_times(infusion, n_icans))
    record["icans_assessments"] = [
        {"at": at, "assessment": draw(_icans_dicts(icans_mode, in_course=True))}
        for at in icans_times
    ]
    treatment_times = draw(_times(infusion, draw(st.integers(0, 3))))
    record["treatments"] = [
        {"at": at, "therapy": draw(st.sampled_from(list(Therapy))).value} for at in treatment_times
    ]
    day = infusion.date() - timedelta(days=draw(st.integers(0, 30)))
    visits = []
    for number in range(n_sledai):
        visit = draw(_sledai_dicts("complete" if completeness != "any" else "any", day, 4))
        entry: Record = {"label": "baseline" if number == 0 else f"month {number}", "visit": visit}
        if draw(st.booleans()):
            entry["pga"] = draw(_PGA)
            entry["prednisolone_mg_day"] = draw(_edged([5.0, 7.5], 0, 40))
        visits.append(entry)
        day += timedelta(days=draw(st.sampled_from([28, 1, 90]) | st.integers(1, 200)))
    record["sledai_visits"] = visits
    if draw(st.booleans()):
        last = max(
            [infusion, *crs_times, *icans_times, *treatment_times]
            + [
                datetime.combine(date.fromisoformat(v["visit"]["visit_date"]), time(), timezone.utc)
                + timedelta(days=2)
                for v in visits
            ],
            key=lambda at: at.astimezone(timezone.utc),
        )
        at = (last + draw(_gap())).astimezone(draw(st.sampled_from(_ZONES)))
        flags = st.sampled_from([False, True])
        death: Record = {"at": at, "due_to_crs": draw(flags), "due_to_icans": draw(flags)}
        if unknown_in_death:
            death[draw(st.sampled_from(["due_to_crs", "due_to_icans"]))] = None
        record["death"] = death
    elif unknown_in_death and record["crs_assessments"]:  # no death: the unknown goes here
        record["crs_assessments"][0]["assessment"] = draw(_crs_dicts("partial", in_course=True))
    return record


def courses(*, completeness: Completeness = "any", max_size: int = 4) -> st.SearchStrategy[Course]:
    """Patient courses: assessments, treatments, SLEDAI-2K visits and sometimes death.

    Timestamps increase and carry a time zone (several zones in one course); the CRS and ICANS
    assessments are drawn as by :func:`crs_assessments` and :func:`icans_assessments`.

    Gaps between assessments lean on the 24-hour episode resolution period (D20: 24 h and one
    minute either side); death comes after every other event. Assessments in a course never set
    the fever waiver (the course derives it, D1) or death (recorded once). Shrinks towards a
    course with no assessment.

    Args:
        completeness: ``"complete"``: every assessment complete and death's attribution known;
            ``"partial"``: at least one unknown (in a CRS assessment or death's attribution);
            ``"any"``: both.
        max_size: the most CRS and the most ICANS assessments (at most 3 SLEDAI-2K visits).

    Example:
        >>> from hypothesis import given, settings
        >>> from astct_grading.course import grade_course
        >>> @settings(max_examples=10, deadline=None)
        ... @given(courses(completeness="complete", max_size=3))
        ... def test_every_assessment_is_graded(course):
        ...     result = grade_course(course)
        ...     assert len(result.crs) == len(course.crs_assessments)
        >>> test_every_assessment_is_graded()
    """
    _check_completeness(completeness)
    if not 0 <= max_size <= 50:
        raise InvalidArgument(f"max_size must be 0-50, not {max_size!r}")
    if completeness == "partial" and max_size < 1:
        raise InvalidArgument("a partial course needs max_size >= 1")
    return _models(_course_dicts(completeness, max_size), Course)
