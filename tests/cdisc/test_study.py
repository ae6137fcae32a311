"""The demo cohort as SDTM: the same grades as the native courses, the deliberate discordances
found and no others, the files written and read back in every format, and a property: a course
written as SDTM records grades as the course does."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from astct_grading.cdisc import (
    VARIABLES,
    SdtmReadError,
    compare_events,
    compare_subjects,
    concordance,
    derive_study,
    read_sdtm,
    write_adam,
)
from astct_grading.cdisc.adam import adam_datasets
from astct_grading.cdisc.reader import read_domain
from astct_grading.cdisc.report import cohort_report, render_text, study_report
from astct_grading.course import Course, grade_course
from astct_grading.report import build_report, demo_report
from astct_grading.report import render_text as render_cohort_text
from astct_grading.strategies import oxygen_supports, temperatures, vasopressors
from tests.cdisc.build_example import DISCORDANT, FOLDER, MAPPING, XPT_FOLDER
from tests.cdisc.sdtm_rows import course_domains

ROOT = Path(__file__).resolve().parents[2]
DEMO = json.loads((ROOT / "astct_grading" / "data" / "demo_cohort.json").read_text("utf-8"))


def _ranges(graded: Any) -> list[tuple[int, int]]:
    return [(g.result.grade_min, g.result.grade_max) for g in graded]


def test_the_sdtm_demo_round_trips_to_the_native_grades() -> None:
    derived = {s.usubjid: s for s in derive_study(read_sdtm(FOLDER), MAPPING).subjects}
    for record in DEMO["courses"]:
        native = grade_course(Course.model_validate(record))
        subject = derived[native.patient_id]
        assert subject.result is not None
        crs = _ranges(subject.result.crs)
        if native.patient_id == "DEMO-03":  # its two extra VS records are reported, not placed
            assert len(crs) == len(native.crs)
        assert crs == _ranges(native.crs)
        assert _ranges(subject.result.icans) == _ranges(native.icans)
        assert [g.waiver for g in subject.result.crs] == [g.waiver for g in native.crs]


def test_by_default_the_example_leaves_vasopressors_unknown() -> None:
    # Without the example's declaration that CM is complete (MAPPING), a CRS assessment no CM
    # record covers has vasopressors unknown (D13): the derived grade becomes a range that holds
    # the native grade, never a narrower or another one, and is never read as "none given".
    default = {s.usubjid: s for s in derive_study(read_sdtm(FOLDER)).subjects}
    declared = {s.usubjid: s for s in derive_study(read_sdtm(FOLDER), MAPPING).subjects}
    widened = set()
    for usubjid, subject in default.items():
        assert subject.result is not None
        other = declared[usubjid].result
        assert other is not None
        for wide, exact in zip(subject.result.crs, other.crs, strict=True):
            low, high = wide.result.grade_min, wide.result.grade_max
            assert low <= exact.result.grade_min <= exact.result.grade_max <= high
            if (low, high) != (exact.result.grade_min, exact.result.grade_max):
                assert "vasopressors" in wide.result.missing
                widened.add(usubjid)
        assert _ranges(subject.result.icans) == _ranges(other.icans)  # ICANS does not read CM
    # DEMO-03 never has a fever, so its grade stays 0 whatever the vasopressors (ASTCT 2019: no
    # fever, no CRS; D1 needs a therapy, and it has none); every other subject widens.
    assert widened == set(default) - {"DEMO-03"}
    # So the deliberate CRS discordance of DEMO-01 (reported 3, the data support 2) is hidden by
    # default: 2-4 contains 3. The ICANS one of DEMO-06 does not depend on CM and stays.
    pairs = {(p.usubjid, p.scale): p for p in compare_events(derive_study(read_sdtm(FOLDER)))}
    assert (pairs["DEMO-01", "CRS"].status, pairs["DEMO-01", "CRS"].derived_max) == (
        "range_contains",
        4,
    )
    assert pairs["DEMO-06", "ICANS"].status == "discordant"


def test_the_example_package_is_what_the_builder_writes(tmp_path: Path) -> None:
    from tests.cdisc.build_example import write

    write(tmp_path, xpt=False)
    for path in sorted(FOLDER.glob("*.csv")):
        assert (tmp_path / path.name).read_text("utf-8") == path.read_text("utf-8"), path.name


def test_two_builds_of_the_xpt_package_are_byte_identical(tmp_path: Path) -> None:
    from tests.cdisc.build_example import XPT_STAMP, write

    write(tmp_path / "one")
    write(tmp_path / "two")
    names = sorted(p.name for p in (tmp_path / "one" / "xpt").iterdir())
    assert names == sorted(p.name for p in XPT_FOLDER.glob("*.xpt"))
    assert names == ["ae.xpt", "cm.xpt", "dm.xpt", "ex.xpt", "qs.xpt", "vs.xpt", "xo.xpt"]
    for name in names:
        one = (tmp_path / "one" / "xpt" / name).read_bytes()
        assert one == (tmp_path / "two" / "xpt" / name).read_bytes(), name
        # The clock is not in the file: the library and member headers carry the fixed
        # date-time, created and modified (SAS TS-140), and nothing else does.
        assert one.count(XPT_STAMP) == 4, name


def test_the_example_xpt_package_holds_the_csv_package_data() -> None:
    # The committed XPT files against the committed CSV files, value by value (a byte comparison
    # with a fresh build would also test the XPT writer's version; the test above checks that
    # the builder's bytes are stable). XPT keeps numbers as numbers: compared as numbers.
    xpt, csv_ = read_sdtm(XPT_FOLDER), read_sdtm(FOLDER)
    assert sorted(xpt) == sorted(csv_)
    for name, rows in csv_.items():
        assert len(xpt[name]) == len(rows), name
        for ours, theirs in zip(xpt[name], rows, strict=True):
            assert set(ours) == set(theirs), name
            for variable, value in theirs.items():
                other = ours[variable]
                if isinstance(other, float):
                    assert value is not None
                    assert other == float(value), (name, variable)
                else:
                    assert other == value, (name, variable)


def test_the_xpt_and_csv_packages_give_identical_grades_and_concordance() -> None:
    for mapping in (MAPPING, None):  # CM declared complete (as the example is), and the default
        from_csv = derive_study(read_sdtm(FOLDER), mapping)
        from_xpt = derive_study(read_sdtm(XPT_FOLDER), mapping)
        for a, b in zip(from_csv.subjects, from_xpt.subjects, strict=True):
            assert a.usubjid == b.usubjid
            assert a.result is not None
            assert b.result is not None
            assert _ranges(a.result.crs) == _ranges(b.result.crs)
            assert _ranges(a.result.icans) == _ranges(b.result.icans)
            assert [g.waiver for g in a.result.crs] == [g.waiver for g in b.result.crs]
        assert [p.to_dict() for p in compare_events(from_csv)] == [
            p.to_dict() for p in compare_events(from_xpt)
        ]
        assert [p.to_dict() for p in compare_subjects(from_csv)] == [
            p.to_dict() for p in compare_subjects(from_xpt)
        ]
        # The whole report, the concordance and the issues included, is the same document.
        assert study_report(from_csv) == study_report(from_xpt)
        assert render_text(from_csv) == render_text(from_xpt)


def test_each_deliberate_discordance_is_found_and_no_other() -> None:
    result = derive_study(read_sdtm(FOLDER), MAPPING)
    discordant = {(p.usubjid, p.scale) for p in compare_events(result) if p.status == "discordant"}
    assert discordant == {(subject, scale) for subject, scale, _ in DISCORDANT}
    pairs = {(p.usubjid, p.scale): p for p in compare_events(result)}
    assert pairs["DEMO-01", "CRS"].reason == "reported 3, the data support 2 (driven by VS)"
    assert pairs["DEMO-05", "CRS"].status == "range_contains"
    assert pairs["DEMO-05", "CRS"].missing == ("oxygen",)


def test_unmappable_and_unplaced_records_of_the_example_are_reported() -> None:
    result = derive_study(read_sdtm(FOLDER), MAPPING)
    assert [(i.usubjid, i.seq, i.variable, i.kind) for i in result.issues] == [
        ("DEMO-03", "901", "VSDTC", "unplaced"),
        ("DEMO-03", "902", "VSORRESU", "unmappable"),
    ]


def test_concordance_of_the_example() -> None:
    result = derive_study(read_sdtm(FOLDER), MAPPING)
    events = concordance(compare_events(result), "event")
    assert events.compared == 6
    assert events.exact == pytest.approx(4 / 6)
    assert events.table[2][3] == 1
    assert events.table[1][2] == 1
    subjects = concordance(compare_subjects(result), "subject", "ICANS")
    assert subjects.compared == 6
    assert [p.usubjid for p in subjects.pairs if p.status == "discordant"] == ["DEMO-06"]


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xpt"])
def test_written_datasets_read_back(tmp_path: Path, fmt: str) -> None:
    result = derive_study(read_sdtm(FOLDER), MAPPING)
    write_adam(result, tmp_path, [fmt])
    datasets = adam_datasets(result)
    for name, rows in datasets.items():
        back = read_domain(tmp_path / f"{name.lower()}.{fmt}")
        assert len(back) == len(rows)
        assert [r["USUBJID"] for r in back] == [r["USUBJID"] for r in rows]
        grades = [None if r["ATOXGR"] is None else str(r["ATOXGR"]) for r in rows]
        assert [r["ATOXGR"] for r in back] == grades
    assert (tmp_path / "define.csv").exists()
    assert (tmp_path / "issues.csv").read_text("utf-8").count("\n") == 3


def test_the_sdtm_package_reads_the_same_from_xpt_and_parquet(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq
    import pyreadstat

    domains = read_sdtm(FOLDER)
    for name, rows in domains.items():
        columns = list(dict.fromkeys(k for r in rows for k in r))
        table = {c: [None if r.get(c) is None else str(r[c]) for r in rows] for c in columns}
        pq.write_table(pa.table(table), tmp_path / f"{name.lower()}.parquet")
    from_parquet = derive_study(read_sdtm(tmp_path), MAPPING)
    xpt = tmp_path / "xpt"
    xpt.mkdir()
    for name, rows in domains.items():
        frame = pa.table(
            {
                c: [str(r.get(c) or "") for r in rows]
                for c in dict.fromkeys(k for r in rows for k in r)
            }
        ).to_pandas()
        pyreadstat.write_xport(
            frame, str(xpt / f"{name.lower()}.xpt"), table_name=name, file_format_version=5
        )
    from_xpt = derive_study(read_sdtm(xpt), MAPPING)
    reference = derive_study(domains, MAPPING)
    for other in (from_parquet, from_xpt):
        for a, b in zip(reference.subjects, other.subjects, strict=True):
            assert a.result is not None
            assert b.result is not None
            assert _ranges(a.result.crs) == _ranges(b.result.crs)
            assert _ranges(a.result.icans) == _ranges(b.result.icans)


def test_variables_are_transport_ready() -> None:
    for variable in VARIABLES:
        assert len(variable.name) <= 8, variable
        assert variable.name.isupper(), variable
        assert len(variable.label) <= 40, variable
        assert variable.type in {"Char", "Num"}
    result = derive_study(read_sdtm(FOLDER), MAPPING)
    for name, rows in adam_datasets(result).items():
        names = [v.name for v in VARIABLES if v.dataset == name]
        assert all(list(row) == names for row in rows)
        assert all(row["STUDYID"] == "DEMO" for row in rows)


def test_ady_has_no_day_zero() -> None:
    rows = adam_datasets(derive_study(read_sdtm(FOLDER), MAPPING))["ADTOX"]
    assert {r["ADY"] for r in rows if r["AINFDY"] == 0} == {1}
    assert {r["ADY"] for r in rows if r["AINFDY"] == -1} <= {-1}


def test_unknown_formats_and_folders_are_errors(tmp_path: Path) -> None:
    result = derive_study(read_sdtm(FOLDER), MAPPING)
    with pytest.raises(ValueError, match="unknown output format"):
        write_adam(result, tmp_path, ["sas7bdat"])
    with pytest.raises(SdtmReadError, match="not a folder"):
        read_sdtm(tmp_path / "missing")
    with pytest.raises(SdtmReadError, match="no SDTM domain file"):
        read_sdtm(tmp_path)
    (tmp_path / "vs.csv").write_text("USUBJID\n", encoding="utf-8")
    (tmp_path / "VS.parquet").write_text("", encoding="utf-8")
    with pytest.raises(SdtmReadError, match="two files"):
        read_sdtm(tmp_path)
    with pytest.raises(SdtmReadError, match="not an SDTM file"):
        read_domain(tmp_path / "notes.txt")


def test_the_report_text_and_json() -> None:
    result = derive_study(read_sdtm(FOLDER), MAPPING)
    text = render_text(result)
    assert "DEMO-01: CRS 2, ICANS 0 (reported: CRS 3)" in text
    assert "discordant: DEMO-06 ICANS AESEQ 2" in text
    report = study_report(result)
    assert report["concordance"]["event"][0]["compared"] == 6
    assert len(report["issues"]) == 2
    json.dumps(report)


def test_the_sdtm_report_is_the_cohort_report_with_the_concordance_as_a_section() -> None:
    result = derive_study(read_sdtm(FOLDER), MAPPING)
    cohort = cohort_report(result, FOLDER)
    # Text: the cohort report exactly as astct_grading.report renders it, then the SDTM sections.
    text = render_text(result, FOLDER)
    cohort_text = render_cohort_text(cohort)
    assert text.startswith(cohort_text)
    rest = text[len(cohort_text) :].splitlines()
    assert rest[:2] == ["", "Concordance, derived vs reported (AETOXGR)"]
    assert "Issues: 2 (every one in issues.csv with -o)" in rest
    assert all(len(line) <= 100 for line in text.splitlines())
    # The cohort part is the report of the derived courses: its title, notice and tables.
    assert cohort.title == "Cohort report: study DEMO"
    assert cohort.notice is not None
    assert "6 subjects, 6 derived, 0 not derived; 2 records not usable" in cohort.notice
    assert "CM declared complete" in cohort.notice
    assert cohort == build_report(
        [s.result for s in result.subjects if s.result is not None],
        title=cohort.title,
        notice=cohort.notice,
    )
    # JSON: the cohort report's keys, with input, concordance and issues beside them.
    document = study_report(result, FOLDER)
    keys = list(cohort.to_dict())
    assert list(document) == ["input", *keys, "concordance", "issues"]
    assert json.loads(json.dumps({k: document[k] for k in keys})) == json.loads(cohort.to_json())
    assert document["input"] == {
        "source": str(FOLDER),
        "format": "sdtm",
        "domains": ["AE", "CM", "DM", "EX", "QS", "VS", "XO"],
        "subjects": 6,
        "derived": 6,
        "not_derived": 0,
        "cm_complete": True,
        "issues": 2,
    }
    assert list(document["concordance"]) == ["subjects", "event", "subject"]
    assert "CM not declared complete" in str(
        study_report(derive_study(read_sdtm(FOLDER)))["notice"]
    )


def test_the_sdtm_cohort_report_counts_the_native_demo_grades() -> None:
    # The cohort tables of the SDTM package equal those of the native demo cohort
    # (astct-grading demo) in every grade count and every patient's and episode's grade. Day
    # numbers are left out: the SDTM study counts days on one calendar (time_zone, UTC here)
    # while each native demo course carries its own site's zone (docs/course.md).
    sdtm = cohort_report(derive_study(read_sdtm(FOLDER), MAPPING))
    native = demo_report()
    for scale in ("crs", "icans"):
        ours, theirs = getattr(sdtm, scale), getattr(native, scale)
        assert (ours.by_grade, ours.any_grade, ours.severe) == (
            theirs.by_grade,
            theirs.any_grade,
            theirs.severe,
        )
    assert sdtm.treatments == native.treatments
    assert sdtm.deaths == native.deaths
    assert [(p.patient_id, p.crs, p.icans, p.treatments) for p in sdtm.listing] == [
        (p.patient_id, p.crs, p.icans, p.treatments) for p in native.listing
    ]
    assert [(e.patient_id, e.scale, e.max_grade, e.without_fever) for e in sdtm.episodes] == [
        (e.patient_id, e.scale, e.max_grade, e.without_fever) for e in native.episodes
    ]


def test_a_subject_not_derived_and_an_event_without_grade_in_the_report() -> None:
    domains: dict[str, list[dict[str, Any]]] = {
        "DM": [
            {"USUBJID": "A", "RFXSTDTC": "2024-01-01"},
            {"USUBJID": "B", "RFXSTDTC": "2024-01-01T10:00"},
        ],
        "AE": [
            {
                "USUBJID": "B",
                "AESEQ": 1.0,
                "AEDECOD": "Cytokine release syndrome",
                "AESTDTC": "2024-01-02T10:00",
            }
        ],
    }
    result = derive_study(domains)
    text = render_text(result)
    assert "A: not derived" in text
    assert "reported: CRS ?" in text
    pairs = compare_events(result)
    assert [p.status for p in pairs] == ["not_comparable"]
    assert [p.status for p in compare_subjects(result)] == ["not_comparable", "range_contains"]


def test_an_event_without_assessments_in_its_window_is_not_comparable() -> None:
    domains: dict[str, list[dict[str, Any]]] = {
        "DM": [{"USUBJID": "B", "RFXSTDTC": "2024-01-01T10:00"}],
        "AE": [
            {
                "USUBJID": "B",
                "AESEQ": 1.0,
                "AEDECOD": "Cytokine release syndrome",
                "AETOXGR": "1",
                "AESTDTC": "2024-01-02T10:00",
                "AEENDTC": "2024-01-03",
            }
        ],
    }
    pair = compare_events(derive_study(domains))[0]
    assert (pair.status, pair.reason) == ("not_comparable", "no assessment in the event's window")


@pytest.mark.parametrize(("attribution", "derived"), [("FATAL", (5, 5)), (None, (1, 5))])
def test_a_death_in_the_event_window(attribution: str | None, derived: tuple[int, int]) -> None:
    domains: dict[str, list[dict[str, Any]]] = {
        "DM": [{"USUBJID": "B", "RFXSTDTC": "2024-01-01T10:00", "DTHDTC": "2024-01-02T12:00"}],
        "VS": [
            {
                "USUBJID": "B",
                "VSTESTCD": "TEMP",
                "VSORRES": "39",
                "VSORRESU": "C",
                "VSDTC": "2024-01-02T10:00",
            },
            {
                "USUBJID": "B",
                "VSTESTCD": "SYSBP",
                "VSORRES": "120",
                "VSORRESU": "mmHg",
                "VSDTC": "2024-01-02T10:00",
            },
        ],
        "AGE": [],
        "XO": [
            {
                "USUBJID": "B",
                "XOTESTCD": "O2DEV",
                "XOORRES": "ROOM AIR",
                "XODTC": "2024-01-02T10:00",
            }
        ],
        "AE": [
            {
                "USUBJID": "B",
                "AESEQ": 1.0,
                "AEDECOD": "Cytokine release syndrome",
                "AETOXGR": "5",
                "AESTDTC": "2024-01-02T09:00",
                "AEOUT": attribution,
            }
        ],
    }
    domains["DM"][0].update({"AGE": 50.0, "AGEU": "YEARS"})
    domains["CM"] = []
    pair = compare_events(derive_study(domains))[0]
    assert (pair.derived_min, pair.derived_max) == derived


# --- The property: SDTM rows from a course grade as the course does -------------------------------


@st.composite
def sdtm_courses(draw: st.DrawFn) -> tuple[Course, float]:
    age = draw(st.sampled_from([8.0, 34.0, 70.0]))
    start = datetime(2024, 3, 4, 10, 0, tzinfo=timezone.utc)
    at = start
    crs = []
    for _ in range(draw(st.integers(0, 6))):
        at += timedelta(minutes=draw(st.integers(1, 60 * 30)))
        pressors = draw(st.lists(vasopressors(), max_size=2))
        hypotension = True if pressors else draw(st.none() | st.booleans())
        assessment: dict[str, Any] = {"vasopressors": [p.model_dump(mode="json") for p in pressors]}
        if hypotension is not None:
            assessment["hypotension"] = hypotension
        temperature = draw(st.none() | temperatures())
        if temperature is not None:
            assessment["temperature"] = temperature.model_dump(mode="json")
        oxygen = draw(st.none() | oxygen_supports())
        if oxygen is not None:
            assessment["oxygen"] = oxygen.model_dump(
                mode="json", exclude_none=True, exclude={"fio2"}
            )
        if len(assessment) > 1 or pressors:  # a time with nothing recorded has no SDTM record
            crs.append({"at": at.isoformat(), "assessment": assessment})
    treatments = [
        {"at": (start + timedelta(minutes=m)).isoformat(), "therapy": therapy}
        for m, therapy in draw(
            st.lists(
                st.tuples(
                    st.integers(0, 60 * 100),
                    st.sampled_from(["tocilizumab", "antipyretic", "corticosteroid"]),
                ),
                max_size=2,
            )
        )
    ]
    icans = []
    at = start
    for _ in range(draw(st.integers(0, 3))):
        at += timedelta(minutes=draw(st.integers(1, 60 * 30)))
        icans.append(
            {
                "at": at.isoformat(),
                "assessment": {
                    "age_years": age,
                    "ice": {"total": draw(st.integers(0, 10))},
                    "consciousness": "alert",
                    "seizure": False,
                    "motor": "none",
                    "icp": [],
                },
            }
        )
    course = Course.model_validate(
        {
            "patient_id": "P1",
            "infusion_at": start.isoformat(),
            "crs_assessments": crs,
            "icans_assessments": icans,
            "treatments": treatments,
        }
    )
    return course, age


@settings(max_examples=80, deadline=None)
@given(sdtm_courses())
def test_sdtm_rows_from_a_course_grade_as_the_course(drawn: tuple[Course, float]) -> None:
    course, age = drawn
    native = grade_course(course)
    # The course records the vasopressors at every CRS assessment ([] when none), and its SDTM
    # rows hold a CM record for each: a complete CM, declared as such (MAPPING).
    derived = derive_study(course_domains(course, age), MAPPING).subjects[0]
    assert derived.result is not None
    assert _ranges(derived.result.crs) == _ranges(native.crs)
    assert [g.waiver for g in derived.result.crs] == [g.waiver for g in native.crs]
    assert _ranges(derived.result.icans) == _ranges(native.icans)
    # Not declared (the default), vasopressors are unknown where no CM record covers the time:
    # each grade is a range holding the course's grade, never another grade (D13).
    default = derive_study(course_domains(course, age)).subjects[0]
    assert default.result is not None
    for (low, high), (native_low, native_high) in zip(
        _ranges(default.result.crs), _ranges(native.crs), strict=True
    ):
        assert low <= native_low <= native_high <= high


def _one_subject(**extra: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    domains: dict[str, list[dict[str, Any]]] = {
        "DM": [{"USUBJID": "B", "AGE": 50.0, "AGEU": "YEARS", "RFXSTDTC": "2024-01-01T10:00"}],
        "VS": [
            {
                "USUBJID": "B",
                "VSTESTCD": "TEMP",
                "VSORRES": "39",
                "VSORRESU": "C",
                "VSDTC": "2024-01-02T10:00",
            }
        ],
        "XO": [
            {
                "USUBJID": "B",
                "XOTESTCD": "O2DEV",
                "XOORRES": "ROOM AIR",
                "XODTC": "2024-01-02T10:00",
            }
        ],
        "CM": [],
    }
    domains.update(extra)
    return domains


def _crs_event(grade: str, **extra: Any) -> dict[str, Any]:
    return {
        "USUBJID": "B",
        "AESEQ": 1.0,
        "AEDECOD": "Cytokine release syndrome",
        "AETOXGR": grade,
        "AESTDTC": "2024-01-02T09:00",
        **extra,
    }


def test_a_range_that_excludes_the_reported_grade_is_discordant() -> None:
    # The empty CM says no vasopressor was given (declared: MAPPING). By default vasopressors
    # would be unknown and the range 1-4, which contains 4 (test_derive.py,
    # test_vasopressors_are_unknown_where_cm_has_no_record_unless_cm_is_declared_complete).
    pair = compare_events(derive_study(_one_subject(AE=[_crs_event("4")]), MAPPING))[0]
    assert (pair.status, pair.derived_min, pair.derived_max) == ("discordant", 1, 2)
    assert pair.reason == "reported 4, the data allow 1-2 only; missing: hypotension"


def test_a_death_of_another_cause_leaves_the_event_grade() -> None:
    domains = _one_subject(
        AE=[
            _crs_event("2"),
            {
                "USUBJID": "B",
                "AESEQ": 2.0,
                "AEDECOD": "Sepsis",
                "AETOXGR": "5",
                "AESTDTC": "2024-01-02T09:00",
                "AEOUT": "FATAL",
            },
        ]
    )
    domains["DM"][0]["DTHDTC"] = "2024-01-02T12:00"
    # The empty CM: no vasopressor given, declared (MAPPING); by default the range would be 1-4.
    pair = compare_events(derive_study(domains, MAPPING))[0]
    assert (pair.derived_min, pair.derived_max) == (1, 2)


def test_agreement_in_one_category_has_an_undefined_kappa(tmp_path: Path) -> None:
    domains = _one_subject(
        AE=[_crs_event("1")],
        VS=[
            *_one_subject()["VS"],
            {
                "USUBJID": "B",
                "VSTESTCD": "SYSBP",
                "VSORRES": "120",
                "VSORRESU": "mmHg",
                "VSDTC": "2024-01-02T10:00",
            },
        ],
    )
    domains["DM"].append({"USUBJID": "C", "RFXSTDTC": "2024-01"})
    # The empty CM: no vasopressor given, declared (MAPPING); by default grade 1 would be 1-4 and
    # there would be no determined pair at all.
    result = derive_study(domains, MAPPING)
    assert "linear kappa: undefined" in render_text(result)
    assert [r["USUBJID"] for r in adam_datasets(result)["ADTOX"]] == ["B"]


def test_an_interventions_oxygen_source_that_is_absent_leaves_oxygen_unknown() -> None:
    from astct_grading.cdisc import OxygenMapping, SdtmMapping

    mapping = SdtmMapping(oxygen=OxygenMapping(kind="interventions", domain="PR"))
    domains = _one_subject()
    del domains["XO"]
    subject = derive_study(domains, mapping).subjects[0]
    assert subject.result is not None
    assert "oxygen" in subject.result.crs[0].result.missing


def test_files_of_other_kinds_in_the_folder_are_left_alone(tmp_path: Path) -> None:
    (tmp_path / "dm.csv").write_text("USUBJID\nP1\n", encoding="utf-8")
    (tmp_path / "README.txt").write_text("notes", encoding="utf-8")
    (tmp_path / "sub.csv").mkdir()
    assert sorted(read_sdtm(tmp_path)) == ["DM"]


def test_the_text_report_lists_fifty_unusable_records_and_counts_the_rest() -> None:
    rows = [
        {
            "USUBJID": "B",
            "VSSEQ": float(n),
            "VSTESTCD": "TEMP",
            "VSORRES": "310",
            "VSORRESU": "K",
            "VSDTC": "2024-01-02T10:00",
        }
        for n in range(1, 53)
    ]
    result = derive_study(_one_subject(VS=rows), MAPPING)
    assert sum(i.kind == "unmappable" for i in result.issues) == 52
    lines = render_text(result).splitlines()
    assert sum("VSORRESU='K'" in line for line in lines) == 50
    assert lines[-1] == "  ... and 2 more"
    assert len(study_report(result)["issues"]) == 52  # the JSON and issues.csv hold them all
