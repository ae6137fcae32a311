"""Course grading, specified by tables: the D1 waiver over time, D20 episode starts and ends, the
resolution period, death (D6), days at the day boundary and across time zones, the SLEDAI-2K
trajectory (D19).

JSON timestamps carry only a UTC offset. Without ``time_zone`` the days are read at the infusion's
offset, which does not follow a daylight-saving change after the infusion; with it they follow the
zone's local calendar (docs/course.md, "Days and time zones").
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from astct_grading.course import Course, CourseOptions, grade_course
from astct_grading.crs import CrsOptions
from tests.sledai_form import NO_ACTIVITY

UTC = timezone.utc


INFUSION = datetime(2024, 3, 4, 10, 0, tzinfo=UTC)


FEVER = {
    "temperature": {"value": 38.6, "unit": "C"},
    "hypotension": False,
    "oxygen": {"device": "room_air"},
}


AFEBRILE = {
    "temperature": {"value": 37.0, "unit": "C"},
    "hypotension": False,
    "oxygen": {"device": "room_air"},
}


AFEBRILE_LOW_FLOW = {
    "temperature": {"value": 37.0, "unit": "C"},
    "hypotension": False,
    "oxygen": {"device": "nasal_cannula", "flow_l_min": 3},
}


AFEBRILE_PRESSOR = {
    "temperature": {"value": 36.8, "unit": "C"},
    "hypotension": True,
    "vasopressors": ["norepinephrine"],
    "oxygen": {"device": "room_air"},
}


FEVER_UNKNOWN = {"hypotension": False, "oxygen": {"device": "room_air"}}


def at(hours: float) -> datetime:
    return INFUSION + timedelta(hours=hours)


def crs(hours: float, assessment: dict[str, Any]) -> dict[str, Any]:
    return {"at": at(hours), "assessment": assessment}


def therapy(hours: float, kind: str = "tocilizumab") -> dict[str, Any]:
    return {"at": at(hours), "therapy": kind}


def course(
    assessments: list[dict[str, Any]],
    treatments: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "patient_id": "P",
        "infusion_at": INFUSION,
        "crs_assessments": assessments,
        "treatments": treatments or [],
        **extra,
    }


def grades(data: dict[str, Any], **kw: Any) -> list[tuple[int, int, bool | None]]:
    result = grade_course(data, **kw)
    return [(g.result.grade_min, g.result.grade_max, g.waiver) for g in result.crs]


# --- The fever waiver over time (D1) ---------------------------------------------------------


def test_therapy_after_fever_waives_fever_for_the_episode() -> None:
    data = course(
        [crs(20, FEVER), crs(30, AFEBRILE_LOW_FLOW), crs(40, AFEBRILE_PRESSOR)],
        [therapy(22)],
    )
    assert grades(data) == [(1, 1, False), (2, 2, True), (3, 3, True)]
    result = grade_course(data)
    assert "tocilizumab" in result.crs[1].waiver_detail
    (episode,) = result.crs_episodes
    assert episode.max_grade == 3
    assert episode.max_grade_at == at(40)
    assert episode.waiver_from == at(22)
    assert episode.assessments == (0, 1, 2)


def test_therapy_before_any_fever_waives_nothing() -> None:
    # Prophylaxis before the first CRS fever establishes nothing and waives nothing (D1).
    data = course(
        [crs(2, AFEBRILE_LOW_FLOW), crs(20, FEVER), crs(30, AFEBRILE_LOW_FLOW)],
        [therapy(1, "antipyretic"), therapy(1, "tocilizumab")],
    )
    assert grades(data) == [(0, 0, False), (1, 1, False), (0, 0, False)]
    result = grade_course(data)
    assert "prophylaxis" in result.crs[0].waiver_detail
    assert "no antipyretic or anti-cytokine therapy since its onset" in result.crs[2].waiver_detail
    assert result.crs_episodes[0].waiver_from is None
    assert result.summary.crs.max_grade == 1


@pytest.mark.parametrize(
    ("therapy_hours", "afebrile_hypoxia"),
    [
        # D20: therapy waives fever from the episode's onset minute (the fever at hour 20) to the
        # minute of the assessment (hour 26), both included.
        pytest.param(20 - 1 / 60, (0, 0, False), id="a-minute-before-the-onset"),
        pytest.param(20, (2, 2, True), id="at-the-onset-minute"),
        pytest.param(26, (2, 2, True), id="at-the-assessment-minute"),
        pytest.param(26 + 1 / 60, (0, 0, False), id="a-minute-after-the-assessment"),
    ],
)
def test_therapy_recorded_at_the_onset_minute_treats_that_episode(
    therapy_hours: float, afebrile_hypoxia: tuple[int, int, bool | None]
) -> None:
    data = course([crs(20, FEVER), crs(26, AFEBRILE_LOW_FLOW)], [therapy(therapy_hours)])
    assert grades(data)[1] == afebrile_hypoxia


def test_the_waiver_lasts_for_that_episode_only() -> None:
    data = course(
        [
            crs(10, FEVER),
            crs(14, AFEBRILE_LOW_FLOW),  # waived: grade 2
            crs(20, AFEBRILE),  # first assessment without a finding: the resolution clock starts
            crs(50, AFEBRILE_LOW_FLOW),  # 30 h later: episode 1 resolved, no waiver
            crs(60, FEVER),  # episode 2
            crs(64, AFEBRILE_LOW_FLOW),  # tocilizumab was given in episode 1 only
        ],
        [therapy(12)],
    )
    assert grades(data) == [
        (1, 1, False),
        (2, 2, True),
        (0, 0, True),
        (0, 0, False),
        (1, 1, False),
        (0, 0, False),
    ]
    result = grade_course(data)
    assert "lasts only for the episode it was given in" in result.crs[3].waiver_detail
    first, second = result.crs_episodes
    assert (first.max_grade, first.resolved_at, first.resolution_confirmed) == (2, at(20), True)
    assert first.duration_hours == 10
    assert first.duration_days == pytest.approx(10 / 24)
    assert (second.onset_at, second.max_grade, second.waiver_from) == (at(60), 1, None)
    assert result.summary.crs.episodes == 2


def test_afebrile_under_the_waiver_without_support_grades_zero_and_episode_keeps_its_max() -> None:
    data = course([crs(10, FEVER), crs(12, AFEBRILE_PRESSOR), crs(18, AFEBRILE)], [therapy(11)])
    assert grades(data) == [(1, 1, False), (3, 3, True), (0, 0, True)]
    (episode,) = grade_course(data).crs_episodes
    assert (episode.max_grade, episode.resolved_at) == (3, at(18))


def test_unknown_fever_before_therapy_makes_the_later_waiver_unknown() -> None:
    data = course([crs(10, FEVER_UNKNOWN), crs(14, AFEBRILE_LOW_FLOW)], [therapy(12)])
    assert grades(data) == [(0, 1, False), (0, 2, None)]
    result = grade_course(data)
    assert "cannot be told" in result.crs[1].waiver_detail
    assert result.crs[1].result.grade is None
    (episode,) = result.crs_episodes
    assert episode.established is None  # a possible episode: only the unknown fever could make it
    assert (episode.max_grade, episode.max_grade_min, episode.max_grade_max) == (None, 0, 2)
    assert episode.could_be_higher
    assert episode.max_grade_at is None
    assert set(episode.missing) == {"temperature", "fever"}
    assert result.summary.crs.episodes == 0
    assert result.summary.crs.possible_episodes == 1
    assert result.summary.crs.onset_day is None
    assert (result.summary.crs.max_grade_min, result.summary.crs.max_grade_max) == (0, 2)


# --- Episode starts and ends (D20, D13) ------------------------------------------------------


def test_a_fever_with_another_cause_does_not_start_an_episode() -> None:
    infection = {**FEVER, "fever_other_cause": True}
    data = course([crs(10, infection), crs(14, AFEBRILE_LOW_FLOW)], [therapy(11)])
    assert grades(data) == [(0, 0, False), (0, 0, False)]
    assert grade_course(data).crs_episodes == ()


def test_episode_starts_at_the_first_qualifying_fever() -> None:
    data = course([crs(1, AFEBRILE), crs(5, AFEBRILE), crs(29.5, FEVER), crs(31, FEVER)])
    result = grade_course(data)
    (episode,) = result.crs_episodes
    assert episode.onset_at == at(29.5)
    assert episode.onset_hours == 29.5
    assert episode.onset_day == 1
    assert episode.established is True
    assert episode.assessments == (2, 3)
    assert episode.resolved_at is None
    assert "not resolved" in episode.notes[-1]
    assert result.summary.crs.onset_day == 1
    assert result.summary.crs.duration_hours is None


def test_a_waived_finding_keeps_the_episode_going() -> None:
    # Afebrile hypoxia under the waiver is a CRS-grade finding: the clock restarts after it.
    data = course(
        [crs(10, FEVER), crs(20, AFEBRILE), crs(40, AFEBRILE_LOW_FLOW), crs(60, AFEBRILE_LOW_FLOW)],
        [therapy(11)],
    )
    assert grades(data) == [(1, 1, False), (0, 0, True), (2, 2, True), (2, 2, True)]
    (episode,) = grade_course(data).crs_episodes
    assert episode.assessments == (0, 1, 2, 3)


def test_unknown_support_inside_an_episode_gives_a_range_that_could_be_higher() -> None:
    oxygen_unknown = {"temperature": {"value": 39.0, "unit": "C"}, "hypotension": False}
    data = course([crs(10, FEVER), crs(14, oxygen_unknown), crs(20, AFEBRILE)])
    result = grade_course(data)
    (episode,) = result.crs_episodes
    assert (episode.max_grade, episode.max_grade_min, episode.max_grade_max) == (None, 1, 4)
    assert episode.could_be_higher
    assert episode.max_grade_at == at(10)
    assert episode.missing == ("oxygen",)
    assert any("could be as high as 4" in note for note in episode.notes)
    assert result.summary.crs.max_grade is None


def test_an_earlier_unknown_fever_may_move_the_onset_earlier() -> None:
    data = course([crs(10, FEVER_UNKNOWN), crs(14, FEVER), crs(24, AFEBRILE)])
    (episode,) = grade_course(data).crs_episodes
    assert episode.established is True
    assert episode.onset_at == at(14)
    assert episode.earliest_possible_onset_at == at(10)


def test_an_unknown_finding_holds_the_episode_open() -> None:
    # Oxygen not assessed at hour 30 under the waiver: it may still be CRS, so the episode is not
    # closed on a guess and the afebrile hypoxia at hour 50 may still be waived.
    no_oxygen = {"temperature": {"value": 37.0, "unit": "C"}, "hypotension": False}
    data = course(
        [crs(10, FEVER), crs(20, AFEBRILE), crs(30, no_oxygen), crs(50, AFEBRILE_LOW_FLOW)],
        [therapy(11)],
    )
    assert grades(data) == [(1, 1, False), (0, 0, True), (0, 4, True), (0, 2, None)]
    (episode,) = grade_course(data).crs_episodes
    assert episode.assessments == (0, 1, 2, 3)
    assert (episode.max_grade_min, episode.max_grade_max) == (1, 4)
    assert any("cannot be told at 1" in note for note in episode.notes)


def test_a_course_with_no_assessment_has_an_unknown_maximum() -> None:
    result = grade_course(course([]))
    summary = result.summary.crs
    assert summary.assessed is False
    assert (summary.max_grade, summary.max_grade_min, summary.max_grade_max) == (None, 0, 4)
    assert result.crs_episodes == ()


ICANS_NORMAL = {
    "age_years": 45,
    "ice": {"total": 10},
    "consciousness": "alert",
    "seizure": False,
    "motor": "none",
    "icp": [],
}


def icans(hours: float, **changes: Any) -> dict[str, Any]:
    return {"at": at(hours), "assessment": {**ICANS_NORMAL, **changes}}


def test_icans_episode_from_the_first_grade_1() -> None:
    data = course(
        [],
        icans_assessments=[
            icans(10),
            icans(50, ice={"total": 8}),
            icans(54, ice={"total": 5}),
            icans(60),
            icans(90),
        ],
    )
    result = grade_course(data)
    assert [g.result.grade for g in result.icans] == [0, 1, 2, 0, 0]
    assert all(g.waiver is None and g.waiver_detail == "" for g in result.icans)
    (episode,) = result.icans_episodes
    assert (episode.scale, episode.onset_at, episode.onset_day) == ("ICANS", at(50), 2)
    assert (episode.max_grade, episode.max_grade_at, episode.max_grade_day) == (2, at(54), 2)
    assert (episode.resolved_at, episode.resolution_confirmed) == (at(60), True)
    assert episode.waiver_from is None
    assert episode.assessments == (1, 2)
    summary = result.summary.icans
    assert (summary.max_grade, summary.episodes, summary.onset_day) == (2, 1, 2)
    assert summary.duration_hours == 10


def test_icans_unknown_consciousness_is_a_possible_episode() -> None:
    data = course([], icans_assessments=[icans(10), icans(20, consciousness=None), icans(50)])
    result = grade_course(data)
    (episode,) = result.icans_episodes
    assert episode.established is None
    assert (episode.max_grade_min, episode.max_grade_max) == (0, 4)
    assert "consciousness" in episode.missing
    assert result.summary.icans.possible_episodes == 1


# --- The resolution period (D20) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("gap_hours", "episodes"),
    [(24, 2), (24 - 1 / 60, 1), (30, 2), (1, 1)],
)
def test_resolution_exactly_at_and_just_inside_the_period(gap_hours: float, episodes: int) -> None:
    # The clock starts at the first assessment without a finding (hour 20).
    data = course([crs(10, FEVER), crs(20, AFEBRILE), crs(20 + gap_hours, FEVER)])
    result = grade_course(data)
    assert len(result.crs_episodes) == episodes
    first = result.crs_episodes[0]
    if episodes == 2:
        assert (first.resolved_at, first.resolution_confirmed) == (at(20), True)
        assert first.assessments == (0,)
    else:
        assert first.resolved_at is None
        assert first.assessments == (0, 1, 2)


@pytest.mark.parametrize(("resolution", "episodes"), [(12.0, 2), (48.0, 1)])
def test_resolution_period_is_an_option(resolution: float, episodes: int) -> None:
    data = course([crs(10, FEVER), crs(20, AFEBRILE), crs(40, FEVER)])
    result = grade_course(data, options=CourseOptions(resolution_hours=resolution))
    assert len(result.crs_episodes) == episodes
    assert result.resolution_hours == resolution


def test_resolution_not_confirmed_when_observation_ends_early() -> None:
    data = course([crs(10, FEVER), crs(20, AFEBRILE), crs(30, AFEBRILE)])
    (episode,) = grade_course(data).crs_episodes
    assert episode.resolved_at == at(20)
    assert episode.resolution_confirmed is False
    assert episode.duration_hours == 10
    assert "not confirmed" in episode.notes[-1]


# --- Death (D6) ------------------------------------------------------------------------------


def test_death_due_to_crs_makes_the_episode_grade_5() -> None:
    data = course(
        [crs(10, FEVER), crs(20, AFEBRILE_PRESSOR)],
        [therapy(12)],
        death={"at": at(30), "due_to_crs": True},
    )
    result = grade_course(data)
    (episode,) = result.crs_episodes
    assert (episode.max_grade, episode.max_grade_at, episode.ended_by_death) == (5, at(30), True)
    assert episode.resolved_at is None
    assert result.summary.crs.max_grade == 5
    assert result.summary.icans.max_grade_max == 4  # never 5 from a death not attributed to it
    assert result.summary.died
    assert result.summary.death_day == 1


def test_death_with_unknown_attribution_gives_a_range_up_to_5() -> None:
    data = course([crs(10, FEVER)], death={"at": at(30), "due_to_crs": None})
    result = grade_course(data)
    (episode,) = result.crs_episodes
    assert (episode.max_grade_min, episode.max_grade_max) == (1, 5)
    assert (result.summary.crs.max_grade_min, result.summary.crs.max_grade_max) == (1, 5)


@pytest.mark.parametrize(
    ("second", "death", "resolved_at", "confirmed", "ended_by_death", "assessments"),
    [
        # A fever at hour 10, then a second assessment; a death not attributed to CRS (D6).
        pytest.param(
            crs(12, FEVER),
            {"at": at(30), "cause": "sepsis"},
            None,
            False,
            True,
            (0, 1),
            id="during-the-episode-ends-it-unresolved",
        ),
        pytest.param(
            crs(20, AFEBRILE),
            {"at": at(30)},
            at(20),
            False,
            True,
            (0,),
            id="within-the-resolution-period-ends-it-unconfirmed",
        ),
        pytest.param(
            crs(20, AFEBRILE),
            {"at": at(60), "due_to_crs": False},
            at(20),
            True,
            False,
            (0,),
            id="after-the-episode-resolved-is-not-part-of-it",
        ),
    ],
)
def test_death_of_another_cause_and_the_episode_it_meets(
    second: dict[str, Any],
    death: dict[str, Any],
    resolved_at: datetime | None,
    confirmed: bool,
    ended_by_death: bool,
    assessments: tuple[int, ...],
) -> None:
    data = course([crs(10, FEVER), second], death=death)
    (episode,) = grade_course(data).crs_episodes
    assert episode.max_grade == 1
    assert (episode.resolved_at, episode.resolution_confirmed) == (resolved_at, confirmed)
    assert episode.ended_by_death is ended_by_death
    assert episode.assessments == assessments


def test_death_due_to_crs_without_an_earlier_episode_starts_one() -> None:
    data = course([crs(10, AFEBRILE)], death={"at": at(30), "due_to_crs": True})
    (episode,) = grade_course(data).crs_episodes
    assert (episode.onset_at, episode.max_grade, episode.assessments) == (at(30), 5, ())
    assert any("death attributed to CRS" in note for note in episode.notes)
    data = course([crs(10, FEVER), crs(20, AFEBRILE)], death={"at": at(60), "due_to_crs": True})
    assert [e.max_grade for e in grade_course(data).crs_episodes] == [1, 5]


def test_death_due_to_icans_is_icans_grade_5_only() -> None:
    data = course(
        [crs(5, FEVER)],
        icans_assessments=[icans(10, ice={"total": 2})],
        death={"at": at(20), "due_to_icans": True},
    )
    result = grade_course(data)
    assert result.summary.icans.max_grade == 5
    assert result.icans_episodes[0].ended_by_death
    assert result.summary.crs.max_grade == 1  # D6: not CRS grade 5 from a death not attributed


# --- Days and time zones at the day boundary -------------------------------------------------


def test_onset_day_across_midnight() -> None:
    plus_one = timezone(timedelta(hours=1))
    infusion = datetime(2024, 3, 4, 23, 30, tzinfo=plus_one)
    data = {
        "patient_id": "P",
        "infusion_at": infusion,
        "crs_assessments": [
            {"at": datetime(2024, 3, 4, 23, 50, tzinfo=plus_one), "assessment": AFEBRILE},
            {"at": datetime(2024, 3, 5, 0, 10, tzinfo=plus_one), "assessment": FEVER},
        ],
    }
    result = grade_course(data)
    assert [g.day for g in result.crs] == [0, 1]
    (episode,) = result.crs_episodes
    assert episode.onset_day == 1
    assert episode.onset_hours == pytest.approx(40 / 60)


@pytest.mark.parametrize(
    ("assessment_at", "day"),
    [
        # 02:30 UTC on 5 March is 21:30 on 4 March in New York: still the infusion day.
        (datetime(2024, 3, 5, 2, 30, tzinfo=UTC), 0),
        # 05:30 UTC is 00:30 on 5 March in New York: day 1.
        (datetime(2024, 3, 5, 5, 30, tzinfo=UTC), 1),
        # The same instant written in Tokyo time (already 6 March there) is still day 0.
        (datetime(2024, 3, 5, 11, 30, tzinfo=ZoneInfo("Asia/Tokyo")), 0),
    ],
)
def test_onset_day_uses_the_infusion_time_zone(assessment_at: datetime, day: int) -> None:
    infusion = datetime(2024, 3, 4, 20, 0, tzinfo=timezone(timedelta(hours=-5)))
    data = {
        "patient_id": "P",
        "infusion_at": infusion,
        "crs_assessments": [{"at": assessment_at, "assessment": FEVER}],
    }
    result = grade_course(data)
    assert result.crs_episodes[0].onset_day == day
    assert result.crs[0].hours == pytest.approx((assessment_at - infusion).total_seconds() / 3600)


def test_onset_day_across_a_daylight_saving_change() -> None:
    new_york = ZoneInfo("America/New_York")
    infusion = datetime(2024, 3, 9, 23, 0, tzinfo=new_york)  # EST, the night before DST starts
    fever_at = datetime(2024, 3, 10, 23, 30, tzinfo=new_york)  # EDT
    data = {
        "patient_id": "P",
        "infusion_at": infusion,
        "crs_assessments": [{"at": fever_at, "assessment": FEVER}],
    }
    (episode,) = grade_course(data).crs_episodes
    assert episode.onset_day == 1
    assert episode.onset_hours == pytest.approx(23.5)  # 24.5 wall-clock hours, one hour skipped


def test_times_are_compared_as_instants_across_zones() -> None:
    # 12:00+02:00 is 10:00 UTC: the tocilizumab (11:00 UTC) comes after the fever.
    data = course(
        [
            {
                "at": datetime(2024, 3, 5, 12, 0, tzinfo=timezone(timedelta(hours=2))),
                "assessment": FEVER,
            },
            {"at": datetime(2024, 3, 5, 14, 0, tzinfo=UTC), "assessment": AFEBRILE_LOW_FLOW},
        ],
        [{"at": datetime(2024, 3, 5, 11, 0, tzinfo=UTC), "therapy": "corticosteroid"}],
    )
    assert grades(data) == [(1, 1, False), (2, 2, True)]


ICANS_GRADE_2 = {
    "age_years": 45,
    "ice": {"total": 6},
    "consciousness": "alert",
    "seizure": False,
    "motor": "none",
    "icp": [],
}


# (zone, infusion as JSON writes it, event as JSON writes it, day without time_zone, day with it)
DST_ROWS = [
    # America/New_York springs forward on 10 March 2024 (02:00 EST -> 03:00 EDT).
    ("America/New_York", "2024-03-08T10:00:00-05:00", "2024-03-09T23:30:00-05:00", 1, 1),
    ("America/New_York", "2024-03-08T10:00:00-05:00", "2024-03-10T00:30:00-05:00", 2, 2),
    ("America/New_York", "2024-03-08T10:00:00-05:00", "2024-03-10T23:30:00-04:00", 2, 2),
    # 00:30 EDT on 11 March is 23:30 on 10 March at the infusion's -05:00: the pitfall.
    ("America/New_York", "2024-03-08T10:00:00-05:00", "2024-03-11T00:30:00-04:00", 2, 3),
    ("America/New_York", "2024-03-08T10:00:00-05:00", "2024-03-11T04:30:00Z", 2, 3),
    # It falls back on 3 November 2024 (02:00 EDT -> 01:00 EST).
    ("America/New_York", "2024-11-01T10:00:00-04:00", "2024-11-02T23:30:00-04:00", 1, 1),
    ("America/New_York", "2024-11-01T10:00:00-04:00", "2024-11-03T01:30:00-04:00", 2, 2),
    ("America/New_York", "2024-11-01T10:00:00-04:00", "2024-11-03T01:30:00-05:00", 2, 2),
    # 23:30 EST on 3 November is 00:30 on 4 November at the infusion's -04:00: the pitfall.
    ("America/New_York", "2024-11-01T10:00:00-04:00", "2024-11-03T23:30:00-05:00", 3, 2),
    ("America/New_York", "2024-11-01T10:00:00-04:00", "2024-11-04T00:30:00-05:00", 3, 3),
    # Europe/Berlin springs forward on 31 March 2024 (02:00 CET -> 03:00 CEST).
    ("Europe/Berlin", "2024-03-29T10:00:00+01:00", "2024-03-30T23:30:00+01:00", 1, 1),
    ("Europe/Berlin", "2024-03-29T10:00:00+01:00", "2024-03-31T23:30:00+02:00", 2, 2),
    ("Europe/Berlin", "2024-03-29T10:00:00+01:00", "2024-04-01T00:30:00+02:00", 2, 3),
    # It falls back on 27 October 2024 (03:00 CEST -> 02:00 CET).
    ("Europe/Berlin", "2024-10-25T10:00:00+02:00", "2024-10-26T23:30:00+02:00", 1, 1),
    ("Europe/Berlin", "2024-10-25T10:00:00+02:00", "2024-10-27T00:30:00+02:00", 2, 2),
    ("Europe/Berlin", "2024-10-25T10:00:00+02:00", "2024-10-27T23:30:00+01:00", 3, 2),
    ("Europe/Berlin", "2024-10-25T10:00:00+02:00", "2024-10-27T22:30:00Z", 3, 2),
    ("Europe/Berlin", "2024-10-25T10:00:00+02:00", "2024-10-28T00:30:00+01:00", 3, 3),
]


def _shifted(stamp: str, hours: float) -> str:
    return (datetime.fromisoformat(stamp) + timedelta(hours=hours)).isoformat()


def _every_day(infusion: str, event: str, zone: str | None) -> list[int | None]:
    """Every day number a course reports for ``event``, graded from JSON (D20)."""
    extra = {} if zone is None else {"time_zone": zone}
    # A fever at the event: CRS onset and maximum on its day.
    onset = Course.model_validate_json(
        json.dumps(
            {
                "patient_id": "P",
                "infusion_at": infusion,
                "crs_assessments": [{"at": event, "assessment": FEVER}],
                **extra,
            }
        )
    )
    # A fever six hours earlier resolving at the event, an ICANS episode and a death there.
    resolution = Course.model_validate_json(
        json.dumps(
            {
                "patient_id": "P",
                "infusion_at": infusion,
                "crs_assessments": [
                    {"at": _shifted(event, -6), "assessment": FEVER},
                    {"at": event, "assessment": AFEBRILE},
                ],
                "icans_assessments": [{"at": event, "assessment": ICANS_GRADE_2}],
                "death": {"at": event},
                **extra,
            }
        )
    )
    first, second = grade_course(onset), grade_course(resolution)
    return [
        first.crs[0].day,
        first.crs_episodes[0].onset_day,
        first.crs_episodes[0].max_grade_day,
        first.summary.crs.onset_day,
        second.crs[1].day,
        second.crs_episodes[0].resolution_day,
        second.icans[0].day,
        second.icans_episodes[0].onset_day,
        second.icans_episodes[0].max_grade_day,
        second.summary.icans.onset_day,
        second.summary.death_day,
    ]


@pytest.mark.parametrize(("zone", "infusion", "event", "without", "local"), DST_ROWS)
def test_days_across_daylight_saving_changes(
    zone: str, infusion: str, event: str, without: int, local: int
) -> None:
    assert _every_day(infusion, event, None) == [without] * 11
    assert _every_day(infusion, event, zone) == [local] * 11


@pytest.mark.parametrize(
    "zone",
    [pytest.param(None, id="no-time-zone"), pytest.param("America/New_York", id="New-York")],
)
def test_hours_are_exact_instants_with_or_without_a_time_zone(zone: str | None) -> None:
    # 24.5 wall-clock hours across the spring change are 23.5 real hours either way.
    result = grade_course(
        {
            "patient_id": "P",
            "infusion_at": "2024-03-09T23:00:00-05:00",
            "crs_assessments": [{"at": "2024-03-10T23:30:00-04:00", "assessment": FEVER}],
            "time_zone": zone,
        }
    )
    assert result.crs_episodes[0].onset_hours == pytest.approx(23.5)
    assert result.crs_episodes[0].onset_day == 1


def test_day_0_is_the_infusion_date_in_the_time_zone() -> None:
    # 03:00 UTC on 5 March is 22:00 on 4 March in New York: day 0 is 4 March there.
    data: dict[str, Any] = {
        "patient_id": "P",
        "infusion_at": "2024-03-05T03:00:00Z",
        "crs_assessments": [{"at": "2024-03-05T10:00:00-05:00", "assessment": FEVER}],
        "sledai_visits": [
            {"label": "baseline", "visit": {"visit_date": "2024-03-04", "rash": True}},
            {"label": "month 1", "visit": {"visit_date": "2024-04-04", "rash": False}},
        ],
    }
    without = grade_course(data)
    local = grade_course({**data, "time_zone": "America/New_York"})
    assert (without.crs[0].day, [p.day for p in without.sledai]) == (0, [-1, 30])
    assert (local.crs[0].day, [p.day for p in local.sledai]) == (1, [0, 31])
    assert (without.time_zone, local.time_zone) == (None, "America/New_York")


def test_a_visit_on_the_death_date_is_judged_on_the_local_calendar() -> None:
    # 01:00 UTC on 4 April is 21:00 on 3 April in New York: a visit on 4 April is after death.
    data: dict[str, Any] = {
        "patient_id": "P",
        "infusion_at": "2024-03-04T10:00:00Z",
        "sledai_visits": [{"label": "baseline", "visit": {"visit_date": "2024-04-04"}}],
        "death": {"at": "2024-04-04T01:00:00Z"},
    }
    Course.model_validate(data)
    with pytest.raises(ValidationError) as caught:
        Course.model_validate({**data, "time_zone": "America/New_York"})
    assert [e["type"] for e in caught.value.errors()] == ["after_death"]
    # Without a time zone the death's date is read at the infusion's offset, whatever offset the
    # death is written with: 20:00 on 3 April at -05:00 is 01:00 on 4 April at the infusion's UTC.
    Course.model_validate({**data, "death": {"at": "2024-04-03T20:00:00-05:00"}})
    with pytest.raises(ValidationError):
        Course.model_validate(
            {
                **data,
                "infusion_at": "2024-03-04T10:00:00-05:00",
                "death": {"at": "2024-04-04T01:00:00Z"},
            }
        )


# --- The summary, the SLEDAI-2K trajectory (D19), options and JSON ---------------------------


def test_summary_lists_treatments_in_the_order_first_given() -> None:
    data = course(
        [crs(10, FEVER)],
        [therapy(30, "corticosteroid"), therapy(11, "tocilizumab"), therapy(40, "tocilizumab")],
        product="CD19",
    )
    summary = grade_course(data).summary
    assert summary.treatments == ("tocilizumab", "corticosteroid")
    assert summary.product == "CD19"
    assert summary.died is False
    assert summary.death_day is None


STEADY = {
    "new_bilag_a": 0,
    "new_bilag_b": 0,
    "stable_maintenance": True,
    "standard_maintenance": True,
    "haemolytic_anaemia": False,
    "gastrointestinal_activity": False,
    "new_activity": False,
}


def sledai(label: str, day: str, **present: Any) -> dict[str, Any]:
    inputs = {
        k: present.pop(k) for k in list(present) if k in (*STEADY, "pga", "prednisolone_mg_day")
    }
    return {"label": label, "visit": {**NO_ACTIVITY, **present, "visit_date": day}, **inputs}


def test_sledai_trajectory_with_change_and_responses() -> None:
    data = course(
        [],
        sledai_visits=[
            sledai(
                "baseline", "2024-02-26", arthritis=True, rash=True, low_complement=True, pga=2.0
            ),
            sledai(
                "month 1",
                "2024-04-01",
                low_complement=True,
                pga=0.3,
                prednisolone_mg_day=5,
                **STEADY,
            ),
            sledai("month 3", "2024-06-03", rash=None, pga=0.2, prednisolone_mg_day=5, **STEADY),
        ],
    )
    result = grade_course(data)
    base, month1, month3 = result.sledai
    assert (base.label, base.day, base.score.score) == ("baseline", -7, 8)
    assert base.change is None
    assert base.responses == {}
    assert (month1.day, month1.score.score, month1.change and month1.change.change) == (28, 2, -6)
    assert {name: r.outcome.value for name, r in month1.responses.items()} == {
        "SRI-4": "met",
        "DORIS remission": "met",  # clinical SLEDAI 0: serology is not considered (D19)
        "LLDAS": "met",
    }
    # An unknown descriptor leaves the score a range; SRI-4 still holds at every completion.
    assert (month3.score.score, month3.score.score_min, month3.score.score_max) == (None, 0, 2)
    assert month3.sri4 is not None
    assert month3.sri4.outcome.value == "met"
    assert month3.doris is not None
    assert month3.doris.outcome.value == "cannot_tell"
    document = json.loads(result.to_json())
    assert document["sledai"][1]["score"]["activity_band"] == "mild"
    assert document["sledai"][0]["visit_date"] == "2024-02-26"


def test_per_assessment_options_pass_through() -> None:
    cannula = {
        "temperature": {"value": 38.5, "unit": "C"},
        "hypotension": False,
        "oxygen": {"device": "nasal_cannula"},
    }
    data = course([crs(10, cannula)])
    assert grades(data) == [(2, 2, False)]
    unknown_flow = CourseOptions(crs=CrsOptions(unlabelled_cannula_without_flow="unknown"))
    assert grades(data, options=unknown_flow) == [(2, 3, False)]


def test_result_serialises_to_json() -> None:
    data = course([crs(10, FEVER), crs(14, AFEBRILE_LOW_FLOW)], [therapy(12)], death={"at": at(90)})
    result = grade_course(data)
    document = json.loads(result.to_json())
    assert document["crs"][1]["waiver"] is True
    assert document["crs"][1]["result"]["grade"] == 2
    assert document["crs_episodes"][0]["onset_at"] == "2024-03-04T20:00:00+00:00"
    assert document["death"]["at"] == "2024-03-08T04:00:00+00:00"
    assert document["summary"]["crs"]["max_grade"] == 2
    assert document["time_zone"] is None  # days at the infusion's own offset
