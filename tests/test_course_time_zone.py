"""A course's IANA time zone: day numbers on the site's local calendar across daylight saving.

JSON timestamps carry only a UTC offset. Without ``time_zone`` the days are read at the infusion's
offset, which does not follow a daylight-saving change after the infusion; with it they follow the
zone's local calendar. Each row below sits just before or just after local midnight, on a day
before or after a spring-forward or fall-back change, in America/New_York and Europe/Berlin.
"""

from __future__ import annotations

import json
import sys
import zoneinfo
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from astct_grading.course.grading import Course, CourseResult, grade_course
from astct_grading.strategies._impl import courses
from tests.test_course import AFEBRILE, FEVER

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


def test_hours_are_exact_instants_with_or_without_a_time_zone() -> None:
    # 24.5 wall-clock hours across the spring change are 23.5 real hours either way.
    for zone in (None, "America/New_York"):
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


@pytest.mark.parametrize(
    "name", ["America/New_York", "Europe/Berlin", "UTC", "Etc/GMT+5", "Asia/Kolkata"]
)
def test_iana_names_are_accepted_and_kept(name: str) -> None:
    course = Course.model_validate_json(
        json.dumps({"patient_id": "P", "infusion_at": "2024-03-04T10:00:00Z", "time_zone": name})
    )
    assert course.time_zone == name
    assert Course.model_validate_json(course.model_dump_json()) == course
    document = json.loads(grade_course(course).to_json())
    assert document["time_zone"] == name


@pytest.mark.parametrize(
    "name",
    [
        "Mars/Olympus_Mons",
        "",
        "-05:00",
        "+01:00",
        "UTC+1",
        "EST-5",
        "America",  # a folder of the database, not a zone
        "America/",
        "Europe/Berlin ",
        "Europe/Berlin\x00",
        "../../etc/passwd",
        "/usr/share/zoneinfo/UTC",
        "localtime",  # this machine's zone: it would grade differently elsewhere
        "posixrules",
        "right/UTC",
        "posix/Europe/Berlin",
        "A" * 300,
    ],
)
def test_unknown_names_are_rejected_naming_the_field(name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Course.model_validate(
            {"patient_id": "P", "infusion_at": "2024-03-04T10:00:00Z", "time_zone": name}
        )
    (error,) = caught.value.errors()
    assert error["type"] == "unknown_time_zone"
    assert error["loc"] == ("time_zone",)
    assert repr(name) in error["msg"]
    assert "IANA time-zone name" in error["msg"]
    assert "America/New_York" in error["msg"]


@pytest.mark.parametrize("value", [5, True, -5.0, {"name": "UTC"}])
def test_a_time_zone_is_a_string(value: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        Course.model_validate(
            {"patient_id": "P", "infusion_at": "2024-03-04T10:00:00Z", "time_zone": value}
        )
    assert [(e["type"], e["loc"]) for e in caught.value.errors()] == [
        ("string_type", ("time_zone",))
    ]


@pytest.fixture
def no_tz_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A system with no tz database: an empty search path and no tzdata package."""
    monkeypatch.setitem(sys.modules, "tzdata", None)  # an import of it now fails
    zoneinfo.reset_tzpath(to=[])
    zoneinfo.ZoneInfo.clear_cache()
    try:
        yield
    finally:
        zoneinfo.reset_tzpath()
        zoneinfo.ZoneInfo.clear_cache()


@pytest.mark.usefixtures("no_tz_database")
def test_without_a_tz_database_the_error_says_to_install_tzdata() -> None:
    with pytest.raises(ValidationError) as caught:
        Course.model_validate(
            {
                "patient_id": "P",
                "infusion_at": "2024-03-04T10:00:00Z",
                "time_zone": "America/New_York",
            }
        )
    (error,) = caught.value.errors()
    assert error["type"] == "time_zone_database_missing"
    assert error["loc"] == ("time_zone",)
    assert "'America/New_York'" in error["msg"]
    assert "python3 -m pip install tzdata" in error["msg"]
    # A course without a time zone needs no database.
    assert (
        grade_course({"patient_id": "P", "infusion_at": "2024-03-04T10:00:00Z"}).time_zone is None
    )


def test_the_schema_documents_the_time_zone() -> None:
    field = Course.model_json_schema()["properties"]["time_zone"]
    assert "America/New_York" in field["examples"]
    assert "IANA time-zone name" in field["description"]
    assert "daylight-saving" in field["description"]


# --- A fixed-offset zone equal to the infusion's offset changes nothing ------------------------

OFFSET_HOURS = st.integers(-12, 14)


def _fixed_zone(hours: int) -> str:
    # POSIX signs: Etc/GMT+5 is five hours *behind* UTC (-05:00).
    return "UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"


def _without_time_zone(result: CourseResult) -> dict[str, Any]:
    document = result.to_dict()
    del document["time_zone"]
    return document


@given(course=courses(max_size=3), hours=OFFSET_HOURS)
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
