"""What a course accepts and rejects, with each error's stable type and location (docs/course.md,
"What is rejected"; D15).
"""

from __future__ import annotations

import json
import sys
import zoneinfo
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from pydantic import ValidationError

from astct_grading.course import Course, CourseOptions, Therapy, TimedCrsAssessment, grade_course
from astct_grading.course.models import WAIVING_THERAPIES
from astct_grading.criteria.crs import WAIVER_THERAPIES
from astct_grading.errors import AstctGradingError
from tests.spec.test_course import (
    AFEBRILE,
    AFEBRILE_LOW_FLOW,
    FEVER,
    INFUSION,
    STEADY,
    at,
    course,
    crs,
    icans,
    sledai,
    therapy,
)

# --- Timestamps, order and death -------------------------------------------------------------


def _error_types(data: dict[str, Any]) -> list[tuple[str, tuple[int | str, ...]]]:
    with pytest.raises(ValidationError) as caught:
        Course.model_validate(data)
    return [(e["type"], e["loc"]) for e in caught.value.errors()]


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("infusion_at",), "2024-03-04T10:00:00"),
        (("crs_assessments", 0, "at"), "2024-03-05T10:00:00"),
        (("treatments", 0, "at"), datetime(2024, 3, 5, 10, 0)),
        (("death", "at"), "2024-03-25T10:00:00"),
    ],
)
def test_naive_timestamps_are_rejected(path: tuple[int | str, ...], value: Any) -> None:
    data = course([crs(20, FEVER)], [therapy(21)], death={"at": at(400)})
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert _error_types(data) == [("timezone_aware", path)]


def test_assessments_out_of_order_are_rejected() -> None:
    data = course([crs(20, FEVER), crs(10, FEVER)])
    assert _error_types(data) == [("out_of_order", ())]
    # Equal times are fine.
    Course.model_validate(course([crs(20, FEVER), crs(20, AFEBRILE)]))


@pytest.mark.parametrize(
    "data",
    [
        course([crs(20, FEVER), crs(50, FEVER)], death={"at": at(30)}),
        course([crs(20, FEVER)], [therapy(31)], death={"at": at(30)}),
    ],
)
def test_nothing_after_death(data: dict[str, Any]) -> None:
    assert _error_types(data) == [("after_death", ())]


# --- What a course derives or records once (D1, D6) ------------------------------------------


def test_a_course_derives_the_waiver_and_rejects_one_given() -> None:
    for waiver in (True, False):
        data = course([crs(20, {**AFEBRILE_LOW_FLOW, "fever_waiver": waiver})])
        assert _error_types(data) == [("waiver_derived", ("crs_assessments", 0))]
    # The default (not given) is accepted, also when written out as null.
    TimedCrsAssessment.model_validate({"at": at(1), "assessment": {**FEVER, "fever_waiver": None}})


@pytest.mark.parametrize("value", [True, None])
def test_death_is_recorded_once_for_the_course(value: bool | None) -> None:
    data = course([crs(20, {**FEVER, "death_due_to_crs": value})])
    assert _error_types(data) == [("death_in_course", ("crs_assessments", 0))]


def test_icans_assessment_in_a_course_records_no_death() -> None:
    data = course([], icans_assessments=[icans(10, death_due_to_icans=True)])
    assert _error_types(data) == [("death_in_course", ("icans_assessments", 0))]
    data = course([], icans_assessments=[icans(10), icans(5)])
    assert _error_types(data) == [("out_of_order", ())]


def test_every_recorded_therapy_is_a_waiving_therapy() -> None:
    # Therapy names mirror the criteria table (D1), so none is silently ignored by the waiver.
    assert {t.value for t in Therapy} == set(WAIVER_THERAPIES)
    assert set(WAIVING_THERAPIES) == set(Therapy)


# --- Unknown fields, other input, options, SLEDAI-2K visits ----------------------------------


def test_unknown_fields_and_therapies_are_rejected() -> None:
    assert _error_types({**course([]), "infusion": INFUSION})[0][0] == "extra_forbidden"
    assert _error_types(course([], [therapy(1, "aspirin")])) == [
        ("enum", ("treatments", 0, "therapy"))
    ]


def test_grade_course_rejects_other_input_and_bad_options() -> None:
    with pytest.raises(AstctGradingError) as caught:
        grade_course([1, 2])  # type: ignore[arg-type]
    assert caught.value.type == "input_type"
    for bad in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(AstctGradingError) as caught:
            CourseOptions(resolution_hours=bad)
        assert caught.value.type == "invalid_option"


@pytest.mark.parametrize(
    ("visits", "death", "error"),
    [
        (
            [{"label": "baseline", "visit": {"rash": True}}],
            None,
            ("visit_date_required", ("sledai_visits", 0)),
        ),
        (
            [sledai("baseline", "2024-03-01"), sledai("baseline", "2024-04-01")],
            None,
            ("duplicate_label", ()),
        ),
        (
            [sledai("baseline", "2024-03-01"), sledai("month 1", "2024-02-01")],
            None,
            ("out_of_order", ()),
        ),
        (
            [sledai("baseline", "2024-03-01"), sledai("month 1", "2024-04-01")],
            {"at": at(20)},
            ("after_death", ()),
        ),
    ],
)
def test_sledai_visits_are_validated(
    visits: list[dict[str, Any]], death: dict[str, Any] | None, error: tuple[str, tuple[Any, ...]]
) -> None:
    assert _error_types(course([], sledai_visits=visits, death=death)) == [error]


# --- Yes/no inputs take true, false or null (D15) --------------------------------------------


#: Every boolean input of the course's own models, as a path into a course.
COURSE_FLAGS = [
    ("death", "due_to_crs"),
    ("death", "due_to_icans"),
    *(("sledai_visits", 0, name) for name in STEADY if name not in ("new_bilag_a", "new_bilag_b")),
]


def _with_flag(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    data = course(
        [crs(20, FEVER)], death={"at": at(400)}, sledai_visits=[sledai("b", "2024-03-01")]
    )
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


@pytest.mark.parametrize("path", COURSE_FLAGS)
@pytest.mark.parametrize("value", [True, False, None])
def test_course_flags_take_true_false_or_null(path: tuple[str | int, ...], value: Any) -> None:
    data = _with_flag(path, value)
    assert grade_course(data).patient_id == "P"
    document = json.loads(Course.model_validate(data).model_dump_json())
    again = Course.model_validate_json(json.dumps(document))
    target: Any = again
    for key in path:
        target = target[key] if isinstance(key, int) else getattr(target, key)
    assert target is value


@pytest.mark.parametrize("path", COURSE_FLAGS)
@pytest.mark.parametrize("value", ["yes", "no", "true", "false", "True", "1", "0", 1, 0, 1.0, "y"])
def test_course_flags_reject_anything_else(path: tuple[str | int, ...], value: Any) -> None:
    # Nothing is read as a boolean but true/false (D15): not in Python, not in JSON.
    data = _with_flag(path, value)
    assert _error_types(data) == [("bool_type", path)]
    with pytest.raises(ValidationError) as caught:
        Course.model_validate_json(json.dumps(data, default=str))
    assert [(e["type"], e["loc"]) for e in caught.value.errors()] == [("bool_type", path)]


def test_the_flag_table_covers_every_boolean_input_of_a_course() -> None:
    from astct_grading.course import models as module

    models = {"death": module.Death, "sledai_visits": module.SledaiVisitRecord}
    inputs = (
        module.Course,
        module.Death,
        module.SledaiVisitRecord,
        module.Treatment,
        module.TimedCrsAssessment,
        module.TimedIcansAssessment,
    )
    booleans = {
        (model.__name__, name)
        for model in inputs
        for name, info in model.model_fields.items()
        if "bool" in str(info.annotation)
    }
    # The rejection tables above then hold every one of them to true/false/null.
    assert booleans == {(models[str(path[0])].__name__, str(path[-1])) for path in COURSE_FLAGS}


# --- Time-zone names -------------------------------------------------------------------------


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
    # An import of tzdata now fails, and so does a lookup in any of its parts already imported
    # (zoneinfo finds "tzdata.zoneinfo..." in sys.modules once an earlier lookup has used it).
    for name in [n for n in sys.modules if n == "tzdata" or n.startswith("tzdata.")] or ["tzdata"]:
        monkeypatch.setitem(sys.modules, name, None)
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
