"""A key given twice in one JSON object is a validation error, never "the last one wins".

At any depth the error is ``duplicate_key`` at the key, reported alone; a repeated ``id`` gives the
error line a ``null`` id; the same holds in a course and in ``report``. Decision D15 (a key given
twice in JSON text is an error); docs/cli.md, "JSON Lines"; docs/errors.md.
"""

from __future__ import annotations

from tests.cli.harness import COURSE_LINE, GOOD, Runner


def test_a_repeated_key_is_a_validation_error_never_last_one_wins(run: Runner) -> None:
    stdin = (
        b'{"id":"a","hypotension":true,"hypotension":false}\n'
        b'{"id":"b","temperature":{"value":38,"unit":"C","value":39}}\n'
        b'{"id":"c","id":"d","hypotension":false}\n'
        b'{"id":"e","hypotension":"no","hypotension":false,"colour":1}\n'
        b'{"id":"f","vasopressors":[{"agent":"vasopressin","agent":"epinephrine"}]}\n'
        b'{"id":"g","a\\u0062":1,"ab":2}\n'
    )
    result = run("crs", stdin=stdin + GOOD)
    assert result.code == 1
    lines = result.lines
    assert [line["id"] for line in lines] == ["a", "b", None, "e", "f", "g", "a"]
    errors = [line["error"]["errors"] for line in lines[:-1]]
    assert [e[0]["loc"] for e in errors] == [
        "hypotension",
        "temperature.value",
        "id",
        "hypotension",
        "vasopressors.0.agent",
        "ab",
    ]
    assert all(len(e) == 1 and e[0]["type"] == "duplicate_key" for e in errors)
    assert all(line["error"]["type"] == "validation" for line in lines[:-1])
    assert errors[0][0]["msg"] == (
        "the key 'hypotension' is given more than once in the record; each field may be given once"
    )


def test_a_repeated_key_in_a_course_and_in_the_report(run: Runner) -> None:
    twice = COURSE_LINE.replace(b'"hypotension":false', b'"hypotension":false,"hypotension":true')
    patient_twice = COURSE_LINE.replace(
        b'{"patient_id":"P1"', b'{"patient_id":"P1","patient_id":"P9"'
    )
    (line, patient) = run("course", stdin=twice + patient_twice).lines
    assert line["id"] == "P1"
    assert line["error"]["errors"][0]["loc"] == "crs_assessments.0.assessment.hypotension"
    assert line["error"]["errors"][0]["type"] == "duplicate_key"
    assert patient["id"] is None
    assert patient["error"]["errors"][0]["loc"] == "patient_id"
    result = run("report", stdin=twice)
    assert result.code == 1
    assert "crs_assessments.0.assessment.hypotension: the key 'hypotension'" in result.stderr
    assert "[duplicate_key]" in result.stderr
