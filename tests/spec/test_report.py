"""The cohort report, specified by hand-counted cohorts: grade tables, SLEDAI-2K and responses,
deaths, the text and the JSON (docs/report.md).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

from astct_grading.course import grade_course
from astct_grading.criteria.sledai2k import Descriptor
from astct_grading.report import CohortReport, build_report, render_text

UTC = timezone.utc


INFUSION = datetime(2024, 3, 4, 21, 0, tzinfo=timezone(timedelta(hours=-3)))


NONE = {d.value: False for d in Descriptor}


def crs_record(hours: float, temperature: float, oxygen: dict[str, Any] | None) -> dict[str, Any]:
    assessment: dict[str, Any] = {
        "temperature": {"value": temperature, "unit": "C"},
        "hypotension": False,
    }
    if oxygen is not None:
        assessment["oxygen"] = oxygen
    return {"at": (INFUSION + timedelta(hours=hours)).astimezone(UTC), "assessment": assessment}


def icans_record(hours: float, ice: int, consciousness: str | None) -> dict[str, Any]:
    assessment: dict[str, Any] = {
        "age_years": 40,
        "ice": {"total": ice},
        "seizure": False,
        "motor": "none",
        "icp": [],
    }
    if consciousness is not None:
        assessment["consciousness"] = consciousness
    return {"at": INFUSION + timedelta(hours=hours), "assessment": assessment}


def report_for(courses: list[dict[str, Any]], **kw: Any) -> CohortReport:
    return build_report([grade_course(c) for c in courses], **kw)


# --- Hand-counted cohorts --------------------------------------------------------------------


FEVER = 38.5


AFEBRILE = 36.8


ROOM_AIR = {"device": "room_air"}


LOW_FLOW = {"device": "nasal_cannula", "flow_l_min": 2}


def visit(label: str, day: int, present: tuple[str, ...], **extra: Any) -> dict[str, Any]:
    when = (INFUSION.date() + timedelta(days=day)).isoformat()
    return {
        "label": label,
        "visit": {**NONE, **dict.fromkeys(present, True), "visit_date": when},
        **extra,
    }


FOLLOW = {
    "new_bilag_a": 0,
    "new_bilag_b": 0,
    "stable_maintenance": True,
    "standard_maintenance": True,
    "haemolytic_anaemia": False,
    "gastrointestinal_activity": False,
    "new_activity": False,
}


COHORT: list[dict[str, Any]] = [
    {  # CRS 2 from day 1 (tocilizumab, then afebrile hypoxia), ICANS 0; remission at month 3
        "patient_id": "A",
        "product": "CD19",
        "infusion_at": INFUSION,
        "crs_assessments": [
            crs_record(24, FEVER, ROOM_AIR),
            crs_record(30, AFEBRILE, LOW_FLOW),
            crs_record(48, AFEBRILE, ROOM_AIR),
            crs_record(96, AFEBRILE, ROOM_AIR),
        ],
        "icans_assessments": [icans_record(24, 10, "alert")],
        "treatments": [{"at": INFUSION + timedelta(hours=26), "therapy": "tocilizumab"}],
        "sledai_visits": [
            visit("baseline", -5, ("arthritis", "rash", "proteinuria"), pga=2.0),
            visit("month 1", 28, ("rash",), pga=1.0, prednisolone_mg_day=7.5, **FOLLOW),
            visit("month 3", 91, (), pga=0.2, prednisolone_mg_day=5, **FOLLOW),
        ],
    },
    {  # No toxicity; non-responder
        "patient_id": "B",
        "product": "BCMA",
        "infusion_at": INFUSION,
        "crs_assessments": [crs_record(10, AFEBRILE, ROOM_AIR)],
        "icans_assessments": [icans_record(10, 10, "alert")],
        "sledai_visits": [
            visit("baseline", -3, ("arthritis", "rash"), pga=1.0),
            visit("month 1", 30, ("arthritis",), pga=1.0, prednisolone_mg_day=10, **FOLLOW),
            visit("month 3", 90, ("arthritis", "rash"), pga=1.5, prednisolone_mg_day=10, **FOLLOW),
        ],
    },
    {  # CRS 1-4 (oxygen not recorded with fever), ICANS 3 from day 2; no SLEDAI visits
        "patient_id": "C",
        "product": "CD19",
        "infusion_at": INFUSION,
        "crs_assessments": [crs_record(3, FEVER, None), crs_record(40, AFEBRILE, ROOM_AIR)],
        "icans_assessments": [
            icans_record(20, 10, "alert"),
            icans_record(50, 2, "alert"),
            icans_record(60, 10, "alert"),
            icans_record(100, 10, "alert"),
        ],
    },
    {  # Nothing assessed: both maxima unknown (0-4), never 0 (D13)
        "patient_id": "D",
        "infusion_at": INFUSION,
    },
]


def test_hand_counted_grade_tables() -> None:
    report = report_for(COHORT, title="Hand count")
    crs = {row.label: (row.n, row.percent) for row in report.crs.by_grade}
    assert crs == {
        "Grade 0": (1, 25.0),
        "Grade 1": (0, 0.0),
        "Grade 2": (1, 25.0),
        "Grade 3": (0, 0.0),
        "Grade 4": (0, 0.0),
        "Grade 5": (0, 0.0),
        "Undetermined": (2, 50.0),
    }
    assert report.crs.by_grade[-1].detail == "0-4: 1, 1-4: 1"
    assert (report.crs.any_grade.n, report.crs.any_grade.undetermined) == (2, 1)
    assert (report.crs.severe.n, report.crs.severe.undetermined) == (0, 2)
    # Onset days: A 24 h after 21:00 (day 1); C 3 h after 21:00, midnight in the infusion's
    # zone, so also day 1.
    assert (report.crs.onset_day.n, report.crs.onset_day.median) == (2, 1.0)
    # Durations: A from 24 h to 48 h (1 day); C from 3 h to 40 h.
    assert report.crs.duration_days.n == 2
    assert report.crs.duration_days.minimum == 1.0
    assert report.crs.duration_days.maximum == (40 - 3) / 24
    icans = {row.label: row.n for row in report.icans.by_grade}
    assert (icans["Grade 0"], icans["Grade 3"], icans["Undetermined"]) == (2, 1, 1)
    assert report.icans.onset_day.median == 2.0  # 50 h after 21:00 is day 2
    assert report.icans.duration_days.median == 10 / 24
    assert [(r.label, r.n) for r in report.treatments] == [("tocilizumab", 1)]
    assert (report.deaths.n, report.deaths.percent) == (0, 0.0)
    assert report.products == (("CD19", 2), ("BCMA", 1), ("unspecified", 1))
    assert report.resolution_hours == (24.0,)


def test_hand_counted_sledai_and_responses() -> None:
    report = report_for(COHORT)
    rows = {row.label: row for row in report.sledai}
    assert list(rows) == ["baseline", "month 1", "month 3"]
    # A: 10 -> 2 -> 0; B: 6 -> 4 -> 6.
    assert (rows["baseline"].patients, rows["baseline"].score.median) == (2, 8.0)
    assert rows["baseline"].change is None
    assert (rows["month 1"].score.minimum, rows["month 1"].score.maximum) == (2.0, 4.0)
    month3 = rows["month 3"].change
    assert month3 is not None
    assert (month3.minimum, month3.maximum, month3.median) == (-10.0, 0.0, -5.0)
    responses = {
        (r.label, r.definition): (r.met, r.not_met, r.cannot_tell) for r in report.responses
    }
    assert responses == {
        ("month 1", "SRI-4"): (1, 1, 0),  # A: -8 met; B: -2 not met
        ("month 1", "DORIS remission"): (0, 2, 0),
        ("month 1", "LLDAS"): (1, 1, 0),  # A: rash only, PGA 1, 7.5 mg; B: 10 mg
        ("month 3", "SRI-4"): (1, 1, 0),
        ("month 3", "DORIS remission"): (1, 1, 0),  # A: clinical 0, PGA 0.2, 5 mg
        ("month 3", "LLDAS"): (1, 1, 0),
    }


def test_unknown_sledai_scores_are_counted_apart() -> None:
    unknown = {**COHORT[1]}
    unknown["sledai_visits"] = [
        COHORT[1]["sledai_visits"][0],
        {
            **COHORT[1]["sledai_visits"][1],
            "visit": {**COHORT[1]["sledai_visits"][1]["visit"], "rash": None},
        },
    ]
    report = report_for([COHORT[0], unknown])
    month1 = next(r for r in report.sledai if r.label == "month 1")
    assert (month1.score.n, month1.score.undetermined) == (1, 1)
    assert month1.change is not None
    assert (month1.change.n, month1.change.undetermined) == (1, 1)


def test_deaths_are_counted() -> None:
    died = {**COHORT[0], "death": {"at": INFUSION + timedelta(days=200), "cause": "infection"}}
    report = report_for([died, COHORT[1]])
    assert (report.deaths.n, report.deaths.percent) == (1, 50.0)
    assert "A (died)" in render_text(report)


def test_text_has_the_notice_first_and_every_table() -> None:
    report = report_for(COHORT, title="Hand count", notice="ILLUSTRATIVE: not trial data.")
    text = render_text(report)
    lines = text.splitlines()
    assert lines[0] == "ILLUSTRATIVE: not trial data."
    assert lines[2] == "Hand count"
    assert all(len(line) <= 100 for line in lines)
    for heading in (
        "Maximum CRS grade (N=4)",
        "Maximum ICANS grade (N=4)",
        "Treatments (patients)",
        "SLEDAI-2K, median (range)",
        "Responses at follow-up",
        "Episodes",
    ):
        assert heading in lines
    assert f"  {'Undetermined':<32}   2   50.0%   (ranges 0-4: 1, 1-4: 1)" in lines
    assert f"  {'Grade >= 3':<32}   0    0.0%   (+2 undetermined)" in lines
    assert f"  {'Any grade (>= 1)':<32}   2   50.0%   (+1 undetermined)" in lines
    assert any("C CRS episode 1: onset day 1, max grade 1-4" in line for line in lines)
    assert "graded without fever under the waiver" in " ".join(text.split())
    assert [(e.patient_id, e.scale, e.without_fever) for e in report.episodes] == [
        ("A", "CRS", 1),
        ("C", "CRS", 0),
        ("C", "ICANS", 0),
    ]


def test_empty_cohort() -> None:
    report = build_report([])
    assert report.patients == 0
    assert report.crs.any_grade.percent == 0.0
    assert report.crs.onset_day.median is None
    text = render_text(report)
    assert "Patients: 0 (none)" in text
    assert "  none" in text
    assert json.loads(report.to_json())["patients"] == 0


def test_report_json_carries_every_table() -> None:
    document = json.loads(report_for(COHORT, notice="N").to_json())
    assert document["notice"] == "N"
    assert document["crs"]["by_grade"][-1] == {
        "label": "Undetermined",
        "n": 2,
        "percent": 50.0,
        "undetermined": 0,
        "detail": "0-4: 1, 1-4: 1",
    }
    assert document["responses"][0] == {
        "label": "month 1",
        "definition": "SRI-4",
        "met": 1,
        "not_met": 1,
        "cannot_tell": 0,
    }
    assert document["episodes"][0]["patient_id"] == "A"
    assert document["listing"][3]["crs"] == "0-4"


def test_possible_and_unresolved_episodes_are_listed_as_such() -> None:
    unknown_fever = {
        "at": INFUSION + timedelta(hours=5),
        "assessment": {"hypotension": False, "oxygen": ROOM_AIR},
    }
    courses = [
        {
            "patient_id": "E",
            "infusion_at": INFUSION,
            "crs_assessments": [unknown_fever, crs_record(50, AFEBRILE, ROOM_AIR)],
        },
        {
            "patient_id": "F",
            "infusion_at": INFUSION,
            "crs_assessments": [crs_record(50, FEVER, ROOM_AIR), crs_record(56, FEVER, LOW_FLOW)],
        },
    ]
    report = report_for(courses)
    text = " ".join(render_text(report).split())
    assert "E CRS episode 1 (possible): onset day 1, max grade 0-1, resolved day 2" in text
    assert "F CRS episode 1: onset day 2, max grade 2 (day 3), not resolved" in text
    # Neither has a known duration: E's episode is only possible, F's did not resolve.
    assert (report.crs.onset_day.n, report.crs.duration_days.n) == (1, 0)
    assert report.crs.duration_days.undetermined == 1
    assert "not resolved" in render_text(report)
