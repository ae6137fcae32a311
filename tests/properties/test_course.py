"""Properties of course grading that hold for every course (Hypothesis)."""

from __future__ import annotations

import copy
import zoneinfo
from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from astct_grading import strategies
from astct_grading.course import Course, CourseResult, grade_course

UTC = timezone.utc


INFUSION = datetime(2024, 3, 4, 22, 0, tzinfo=UTC)


ZONES = [timezone(timedelta(hours=h)) for h in (-8, -5, 0, 1, 5.5, 9, 14)]


# Gaps that sit on and around the 24-hour resolution period (D20).
GAPS = [0.0, 0.5, 2.0, 6.0, 12.0, 23.99, 24.0, 24.01, 36.0]


TEMPERATURES = [None, 36.8, 37.99, 38.0, 39.2]


OXYGEN = [
    None,
    {"device": "room_air"},
    {"device": "nasal_cannula", "flow_l_min": 3.0},
    {"device": "high_flow_nasal_cannula", "flow_l_min": 40.0},
    {"device": "bipap"},
]


@st.composite
def crs_assessments(draw: st.DrawFn) -> dict[str, Any]:
    hypotension = draw(st.sampled_from([None, False, True]))
    pressors: list[list[str] | None] = [None, []]
    if hypotension is True:
        pressors += [["norepinephrine"], ["norepinephrine", "phenylephrine"]]
    temperature = draw(st.sampled_from(TEMPERATURES))
    return {
        "temperature": None if temperature is None else {"value": temperature, "unit": "C"},
        "fever_other_cause": draw(st.sampled_from([False, False, True, None])),
        "hypotension": hypotension,
        "vasopressors": draw(st.sampled_from(pressors)),
        "hypotension_other_cause": draw(st.sampled_from([False, False, None])),
        "oxygen": draw(st.sampled_from(OXYGEN)),
        "hypoxia_other_cause": draw(st.sampled_from([False, False, None])),
    }


@st.composite
def courses(draw: st.DrawFn, *, with_death: bool = True, min_size: int = 0) -> dict[str, Any]:
    hours = draw(st.sampled_from([-2.0, 0.0, 1.0, 20.0]))
    assessments = []
    for _ in range(draw(st.integers(min_size, 8))):
        hours += draw(st.sampled_from(GAPS))
        assessments.append(
            {"at": INFUSION + timedelta(hours=hours), "assessment": draw(crs_assessments())}
        )
    treatments: list[dict[str, Any]] = [
        {
            "at": INFUSION
            + timedelta(hours=draw(st.sampled_from([-1.0, 0.0, 5.0, 20.0, 30.0, 60.0]))),
            "therapy": draw(st.sampled_from(["tocilizumab", "corticosteroid", "antipyretic"])),
        }
        for _ in range(draw(st.integers(0, 3)))
    ]
    last = max([hours, *((t["at"] - INFUSION).total_seconds() / 3600 for t in treatments)])
    death = None
    if with_death and draw(st.booleans()):
        death = {
            "at": INFUSION + timedelta(hours=last + draw(st.sampled_from([0.0, 10.0, 30.0]))),
            "due_to_crs": draw(st.sampled_from([False, True, None])),
        }
    return {
        "patient_id": "P",
        "infusion_at": INFUSION,
        "crs_assessments": assessments,
        "treatments": treatments,
        "death": death,
    }


def completions(data: st.DataObject, raw: dict[str, Any]) -> dict[str, Any]:
    """The same course with every unknown input replaced by a known value."""
    draw = data.draw
    done = copy.deepcopy(raw)
    for item in done["crs_assessments"]:
        a = item["assessment"]
        if a["temperature"] is None:
            a["temperature"] = {"value": draw(st.sampled_from([37.0, 38.5])), "unit": "C"}
        for name in ("fever_other_cause", "hypotension_other_cause", "hypoxia_other_cause"):
            if a[name] is None:
                a[name] = draw(st.booleans())
        if a["hypotension"] is None:
            a["hypotension"] = draw(st.booleans())
        if a["vasopressors"] is None:
            choices: list[list[str]] = [[]] + (
                [["norepinephrine"], ["dopamine", "epinephrine"]] if a["hypotension"] else []
            )
            a["vasopressors"] = draw(st.sampled_from(choices))
        if a["oxygen"] is None:
            a["oxygen"] = draw(st.sampled_from(OXYGEN[1:]))
    if done["death"] is not None and done["death"]["due_to_crs"] is None:
        done["death"]["due_to_crs"] = draw(st.booleans())
    return done


def bounds(result: CourseResult) -> list[tuple[int, int]]:
    return [(g.result.grade_min, g.result.grade_max) for g in result.crs]


@given(data=st.data())
def test_completing_the_unknowns_stays_inside_every_range(data: st.DataObject) -> None:
    # D13: whatever the unknown inputs turn out to be, no grade leaves its range and no
    # determined waiver changes.
    raw = data.draw(courses())
    original = grade_course(raw)
    known = grade_course(completions(data, raw))
    for before, after in zip(original.crs, known.crs, strict=True):
        assert after.result.grade is not None
        assert before.result.grade_min <= after.result.grade <= before.result.grade_max
        if before.waiver is not None:
            assert after.waiver == before.waiver
    summary, done = original.summary.crs, known.summary.crs
    assert done.max_grade is not None or not done.assessed
    assert (
        summary.max_grade_min <= done.max_grade_min <= done.max_grade_max <= summary.max_grade_max
    )
    assert summary.episodes <= done.episodes + done.possible_episodes


@given(raw=courses())
def test_episode_maximum_covers_every_assessment_in_it(raw: dict[str, Any]) -> None:
    result = grade_course(raw)
    summary = result.summary.crs
    for episode in result.crs_episodes:
        for index in episode.assessments:
            grade = result.crs[index].result
            assert grade.grade_min <= episode.max_grade_min
            assert grade.grade_max <= episode.max_grade_max
        assert summary.max_grade_min >= episode.max_grade_min
        assert summary.max_grade_max >= episode.max_grade_max
        assert episode.could_be_higher == (episode.max_grade_max > episode.max_grade_min)
        if episode.established:
            assert episode.max_grade_min >= 1
    for graded in result.crs:
        assert graded.result.grade_max <= summary.max_grade_max
        assert graded.result.grade_min <= summary.max_grade_min


@given(
    raw=courses(with_death=False, min_size=1), extra=crs_assessments(), gap=st.sampled_from(GAPS)
)
def test_appending_an_assessment_never_lowers_the_maximum(
    raw: dict[str, Any], extra: dict[str, Any], gap: float
) -> None:
    before = grade_course(raw)
    last = raw["crs_assessments"][-1]["at"]
    longer = {
        **raw,
        "crs_assessments": [
            *raw["crs_assessments"],
            {"at": last + timedelta(hours=gap), "assessment": extra},
        ],
    }
    after = grade_course(longer)
    assert bounds(after)[:-1] == bounds(before)  # grading looks only at the past
    assert after.summary.crs.max_grade_min >= before.summary.crs.max_grade_min
    assert after.summary.crs.max_grade_max >= before.summary.crs.max_grade_max


@given(raw=courses(), hours=st.sampled_from([-1.0, 3.0, 21.0, 45.0]))
def test_more_treatment_never_lowers_a_grade(raw: dict[str, Any], hours: float) -> None:
    # The waiver only ever adds a way to reach a grade (D1), so an extra therapy never lowers one.
    when = INFUSION + timedelta(hours=hours)
    if raw["death"] is not None and when > raw["death"]["at"]:
        return
    more = {**raw, "treatments": [*raw["treatments"], {"at": when, "therapy": "tocilizumab"}]}
    for low, high in zip(bounds(grade_course(raw)), bounds(grade_course(more)), strict=True):
        assert high[0] >= low[0]
        assert high[1] >= low[1]


@given(raw=courses())
def test_the_waiver_needs_a_fever_then_a_therapy(raw: dict[str, Any]) -> None:
    # D1: a waived assessment always has, before it, a surely qualifying fever and, between that
    # fever and the assessment, an antipyretic or anti-cytokine therapy.
    result = grade_course(raw)
    times = [t["at"] for t in raw["treatments"]]
    for graded in result.crs:
        if graded.waiver:
            fevers = [
                g.at
                for g in result.crs[: graded.index + 1]
                if g.result.finding("fever").grade_min == 1
            ]
            assert any(f <= t <= graded.at for f in fevers for t in times)


@given(raw=courses(), zones=st.lists(st.sampled_from(ZONES), min_size=12, max_size=12))
def test_the_zone_times_are_written_in_changes_nothing(
    raw: dict[str, Any], zones: list[timezone]
) -> None:
    moved = copy.deepcopy(raw)
    entries = [
        *moved["crs_assessments"],
        *moved["treatments"],
        *([moved["death"]] if moved["death"] else []),
    ]
    for entry, zone in zip(entries, zones * 2, strict=False):
        entry["at"] = entry["at"].astimezone(zone)
    before, after = grade_course(raw), grade_course(moved)
    assert bounds(before) == bounds(after)
    assert [g.day for g in before.crs] == [g.day for g in after.crs]
    assert [
        (e.onset_day, e.onset_hours, e.max_grade_min, e.max_grade_max, e.duration_hours)
        for e in before.crs_episodes
    ] == [
        (e.onset_day, e.onset_hours, e.max_grade_min, e.max_grade_max, e.duration_hours)
        for e in after.crs_episodes
    ]


@given(
    raw=courses(),
    time_zone=st.sampled_from([None, "America/New_York", "Europe/Berlin", "Etc/GMT-9"]),
)
def test_course_json_round_trip(raw: dict[str, Any], time_zone: str | None) -> None:
    course = Course.model_validate({**raw, "time_zone": time_zone})
    again = Course.model_validate_json(course.model_dump_json())
    assert again == course
    assert again.time_zone == time_zone
    result = grade_course(again).to_dict()
    assert result == grade_course(course).to_dict()
    assert result["time_zone"] == time_zone


# --- A fixed-offset zone equal to the infusion's offset changes nothing ----------------------


OFFSET_HOURS = st.integers(-12, 14)


def _fixed_zone(hours: int) -> str:
    # POSIX signs: Etc/GMT+5 is five hours *behind* UTC (-05:00).
    return "UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"


def _without_time_zone(result: CourseResult) -> dict[str, Any]:
    document = result.to_dict()
    del document["time_zone"]
    return document


@given(course=strategies.courses(max_size=3), hours=OFFSET_HOURS)
def test_a_fixed_zone_at_the_infusion_offset_changes_nothing(course: Course, hours: int) -> None:
    raw = course.model_dump()
    raw["infusion_at"] = course.infusion_at.astimezone(timezone(timedelta(hours=hours)))
    zone = _fixed_zone(hours)
    without = grade_course(raw)
    local = grade_course({**raw, "time_zone": zone})
    assert local.time_zone == zone
    assert without.time_zone is None
    assert _without_time_zone(local) == _without_time_zone(without)


def test_the_fixed_zone_names_have_the_infusion_offset() -> None:
    # The property above is only meaningful if each name really is that offset.
    moment = datetime(2024, 7, 1, 12, 0, tzinfo=timezone.utc)
    for hours in range(-12, 15):
        offset = moment.astimezone(zoneinfo.ZoneInfo(_fixed_zone(hours))).utcoffset()
        assert offset == timedelta(hours=hours)
