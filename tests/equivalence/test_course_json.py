"""The results inside a course serialise as they do on their own.

:func:`astct_grading.course.results.jsonable` walks the grades, scores and responses a course
holds field by field instead of calling their ``asdict``-based ``to_dict`` (which would copy each
first); this checks, for generated courses, that both give the same JSON, byte for byte.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given

from astct_grading import strategies
from astct_grading.course import Course, CourseResult, grade_course
from astct_grading.course.results import jsonable


def _nested(result: CourseResult) -> list[tuple[Any, Any]]:
    """(result held by the course, its part of the course's to_dict()), for each one."""
    document = result.to_dict()
    pairs: list[tuple[Any, Any]] = []
    for scale in ("crs", "icans"):
        for graded, part in zip(getattr(result, scale), document[scale], strict=True):
            pairs.append((graded.result, part["result"]))
    for point, part in zip(result.sledai, document["sledai"], strict=True):
        pairs.append((point.score, part["score"]))
        for name in ("change", "sri4", "doris", "lldas"):
            if getattr(point, name) is not None:
                pairs.append((getattr(point, name), part[name]))
    return pairs


@given(strategies.courses(max_size=3))
def test_each_result_in_a_course_is_its_own_json(course: Course) -> None:
    for held, part in _nested(grade_course(course)):
        own = held.to_json()
        assert json.dumps(jsonable(held), ensure_ascii=False, separators=(",", ":")) == own
        assert part == json.loads(own)


def test_every_kind_of_result_a_course_holds_is_checked() -> None:
    # The property above is only meaningful if it meets each kind of result.
    course = grade_course(
        {
            "patient_id": "P1",
            "infusion_at": "2024-03-04T10:00:00Z",
            "crs_assessments": [{"at": "2024-03-05T10:00:00Z", "assessment": {}}],
            "icans_assessments": [{"at": "2024-03-05T10:00:00Z", "assessment": {}}],
            "sledai_visits": [
                {"label": "baseline", "visit": {"visit_date": "2024-03-01"}},
                {"label": "month 1", "visit": {"visit_date": "2024-04-01"}},
            ],
        }
    )
    kinds = {type(held).__name__ for held, _ in _nested(course)}
    assert kinds == {"GradeResult", "Sledai2kResult", "SledaiChangeResult", "ResponseResult"}
