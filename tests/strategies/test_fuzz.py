"""Fuzzing: arbitrary JSON values never raise anything but the documented errors.

Every input model and every grading or scoring function is fed arbitrary JSON values (null,
booleans, huge integers, NaN and infinities, strings, lists, objects), objects built from the
model's own field names with arbitrary values, and valid records with one field replaced by an
arbitrary value. Validation may only raise ``pydantic.ValidationError``; grading a mapping may only
raise that or :class:`~astct_grading.AstctGradingError` (docs/errors.md). Every CLI grading
subcommand is fed the same values as JSON Lines and CSV: it exits 0, 1 or 2, writes one output
line per input record (except on a usage error) and never a traceback.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import subprocess
import sys
import typing
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from astct_grading import (
    AstctGradingError,
    CrsAssessment,
    OxygenSupport,
    SledaiVisit,
    Temperature,
    Vasopressor,
    assess_doris_remission,
    assess_lldas,
    assess_sri4,
    change_from_baseline,
    cli,
    grade_crs,
    score_sledai2k,
)
from astct_grading import strategies as strats
from astct_grading.cli.inputs import _wide_encoding
from astct_grading.course import Course, grade_course
from astct_grading.icans import (
    CapdAssessment,
    IcansAssessment,
    IceAssessment,
    grade_icans,
    score_capd,
    score_ice,
)
from astct_grading.sle.response import DorisInput, LldasInput, SledaiChangeInput, Sri4Input
from astct_grading.sle.sledai import AntiDsDnaMeasurement, ComplementMeasurement

FUZZ = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
DOCUMENTED = (ValidationError, AstctGradingError)

SCALARS: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([0, -1, 1, 10**400, -(10**30), 2**63, 38, 100.4, 6.0, 6.004, 1e308]),
    st.floats(),  # NaN, infinities, subnormals, -0.0
    st.text(max_size=12),
    st.sampled_from(["", "nan", "inf", "-inf", "1e999", "true", "null", "C", "F", "38.0", " 6 "]),
)
JSON_VALUES: st.SearchStrategy[Any] = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


def _nested_models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _nested_models(arg)]


def shaped(model: type[BaseModel], depth: int = 2) -> st.SearchStrategy[dict[str, Any]]:
    """Objects with the model's own field names (nested models too) and arbitrary values."""

    def value(name: str) -> st.SearchStrategy[Any]:
        nested = _nested_models(model.model_fields[name].annotation) if depth else []
        if not nested:
            return JSON_VALUES
        inner = st.one_of(*(shaped(sub, depth - 1) for sub in nested))
        return JSON_VALUES | inner | st.lists(inner, max_size=3)

    names = sorted(model.model_fields)
    return st.lists(st.sampled_from(names), unique=True, max_size=len(names)).flatmap(
        lambda keys: st.fixed_dictionaries({key: value(key) for key in keys})
    )


@st.composite
def one_field_broken(draw: st.DrawFn, model: type[BaseModel]) -> dict[str, Any]:
    """A valid record with one field set to an arbitrary JSON value."""
    record: dict[str, Any] = draw(strats.records(model))
    record[draw(st.sampled_from(sorted(model.model_fields)))] = draw(JSON_VALUES)
    return record


GRADERS: list[tuple[type[BaseModel], Callable[[Any], Any] | None]] = [
    (CrsAssessment, grade_crs),
    (IceAssessment, score_ice),
    (CapdAssessment, score_capd),
    (IcansAssessment, grade_icans),
    (SledaiVisit, score_sledai2k),
    (SledaiChangeInput, change_from_baseline),
    (Sri4Input, assess_sri4),
    (DorisInput, assess_doris_remission),
    (LldasInput, assess_lldas),
    (Course, grade_course),
    (Temperature, None),
    (OxygenSupport, None),
    (Vasopressor, None),
    (ComplementMeasurement, None),
    (AntiDsDnaMeasurement, None),
]
HAS_RECORDS = {CrsAssessment, IceAssessment, CapdAssessment, IcansAssessment, SledaiVisit}
HAS_RECORDS |= {SledaiChangeInput, Sri4Input, DorisInput, LldasInput, Course}


def fuzz_inputs(model: type[BaseModel]) -> st.SearchStrategy[Any]:
    sources = [JSON_VALUES, shaped(model)]
    if model in HAS_RECORDS:
        sources.append(one_field_broken(model))
    return st.one_of(*sources)


def check_model_and_grader(
    model: type[BaseModel], grade: Callable[[Any], Any] | None, value: Any
) -> None:
    try:
        validated = model.model_validate(value)
    except ValidationError:
        validated = None
    try:
        text = json.dumps(value)
    except (TypeError, ValueError):  # pragma: no cover - every drawn value is JSON
        text = None
    if text is not None:
        try:
            from_json = model.model_validate_json(text)
        except ValidationError:
            from_json = None
        if validated is not None and from_json is not None:
            assert model.model_validate_json(validated.model_dump_json()) == validated
    if grade is None:
        return
    with contextlib.suppress(*DOCUMENTED):
        grade(value)
    if validated is not None:
        # Only a rule the grader checks itself may still fail (SLEDAI-2K arthritis at 2, D16).
        with contextlib.suppress(ValidationError):
            grade(validated)


@pytest.mark.parametrize(("model", "grade"), GRADERS, ids=[m.__name__ for m, _ in GRADERS])
def test_models_and_graders_raise_only_documented_errors(
    model: type[BaseModel], grade: Callable[[Any], Any] | None
) -> None:
    @FUZZ
    @given(fuzz_inputs(model))
    def check(value: Any) -> None:
        check_model_and_grader(model, grade, value)

    check()


@pytest.mark.parametrize("grade", [g for _, g in GRADERS if g is not None])
@pytest.mark.parametrize("value", [None, 3, "crs", [1, 2], b"{}", 1.5, object()])
def test_graders_reject_non_mappings_with_the_library_error(
    grade: Callable[[Any], Any], value: Any
) -> None:
    with pytest.raises(AstctGradingError) as error:
        grade(value)
    assert error.value.type == "input_type"


# --- The command line -------------------------------------------------------------------------

#: The grading subcommands that exist now (a course subcommand reads JSON Lines only).
SCALES: dict[str, Any] = dict(cli.SCALES)
if getattr(cli, "COURSE", None) is not None:
    SCALES[cli.COURSE.name] = cli.COURSE


def _exists(name: str) -> bool:
    saved = sys.stdout
    sys.stdout = io.StringIO()
    try:
        return cli.main([name, "--help"]) == 0
    finally:
        sys.stdout = saved


SCALES = {name: scale for name, scale in SCALES.items() if _exists(name)}
CSV_SCALES = sorted(name for name in cli.SCALES)


def run_cli(argv: list[str], data: bytes) -> tuple[int, bytes, str]:
    """Run the CLI in-process on ``data`` as standard input: (exit code, stdout, stderr)."""
    stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    out_bytes = io.BytesIO()
    stdout = io.TextIOWrapper(out_bytes, encoding="utf-8", write_through=True)
    stderr = io.StringIO()
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = stdin, stdout, stderr
    try:
        code = cli.main(argv)
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
    stdout.flush()
    return code, out_bytes.getvalue(), stderr.getvalue()


def check_output(code: int, out: bytes, err: str, records: int) -> None:
    assert code in (0, 1, 2), code
    assert "Traceback" not in err, err
    if code == 2:
        return
    lines = out.split(b"\n")
    assert lines[-1] == b"", out[-200:]
    assert len(lines) - 1 == records, (records, out[:500])
    for line in lines[:-1]:
        document = json.loads(line)
        assert ("result" in document) != ("error" in document)


def jsonl_lines(name: str) -> st.SearchStrategy[list[bytes]]:
    model = SCALES[name].model
    record = st.one_of(
        JSON_VALUES.map(lambda v: json.dumps(v).encode()),
        shaped(model).map(lambda v: json.dumps(v).encode()),
        one_field_broken(model).map(lambda v: json.dumps(v).encode()),
        strats.records(model).map(lambda v: json.dumps(v).encode()),
        st.text(max_size=20).filter(lambda s: "\n" not in s).map(str.encode),
        st.binary(max_size=12).filter(lambda b: b"\n" not in b),
    )
    return st.lists(record, max_size=6)


@pytest.mark.parametrize("name", sorted(SCALES))
def test_cli_jsonl_never_crashes(name: str) -> None:
    @settings(FUZZ, max_examples=25 if name == "course" else 50)
    @given(jsonl_lines(name))
    @example([b"\x00"])  # a NUL byte first: read as UTF-16BE text, refused as a whole
    @example([b"[", b"{}"])  # a JSON array over several lines, refused as a whole
    def check(lines: list[bytes]) -> None:
        data = b"".join(line + b"\n" for line in lines)
        code, out, err = run_cli([name, "-", "--format", "jsonl"], data)
        if code == 2 and _wide_encoding(data[:4]) is not None:
            # Refused as a whole: its first bytes are those of UTF-16 or UTF-32 text (a NUL
            # byte first reads as UTF-16BE; cli.md, "Input that is plainly not what it
            # claims"), before any output, with one message naming the encoding.
            assert out == b""
            assert err.count("\n") == 1, err
            assert "UTF-" in err
            assert "iconv" in err
        elif code == 2:
            # Refused as a whole only as a JSON array over several lines (cli.md), before any
            # output, with one message naming the cause; otherwise every line gets its line.
            first = next(line.strip() for line in lines if line.strip())
            assert first.startswith(b"["), (lines, err)
            assert not first.endswith(b"]"), (lines, err)
            assert out == b""
            assert err.count("\n") == 1, err
            assert "JSON array" in err
        check_output(code, out, err, len(lines))

    check()


@st.composite
def csv_documents(draw: st.DrawFn, name: str) -> tuple[bytes, int, bool]:
    """(document, rows after the header, whether the header is one the command accepts)."""
    columns = sorted(cli.SCALES[name].columns)
    good_header = draw(st.booleans())
    if good_header:
        header = draw(st.lists(st.sampled_from(columns), min_size=1, max_size=6, unique=True))
    else:
        header = draw(st.lists(st.text(max_size=8), min_size=0, max_size=4))
    cell = st.one_of(
        st.sampled_from(["", "null", "[]", "true", "false", "nan", "38.0", "C", "room_air"]),
        SCALARS.map(lambda v: "" if v is None else str(v)),
        st.text(max_size=10),
    )
    rows = draw(st.lists(st.lists(cell, min_size=0, max_size=len(header) + 1), max_size=5))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8", errors="surrogatepass"), len(rows), good_header


@pytest.mark.parametrize("name", CSV_SCALES)
def test_cli_csv_never_crashes(name: str) -> None:
    @settings(FUZZ, max_examples=60)
    @given(csv_documents(name))
    def check(document: tuple[bytes, int, bool]) -> None:
        data, rows, good_header = document
        code, out, err = run_cli([name, "-", "--format", "csv"], data)
        if good_header:
            assert code != 2, err
        check_output(code, out, err, rows)

    check()


@pytest.mark.parametrize("name", ["crs", "icans", "sledai"])
def test_cli_in_a_subprocess_never_shows_a_traceback(name: str) -> None:
    lines = [
        b"",
        b"null",
        b"[1, 2]",
        b'{"temperature": {"value": NaN, "unit": "C"}}',
        b'{"id": 7}',
        b'{"id": true, "seizure": 1e999}',
        b"\xff\xfe",
        b'{"' + b"a" * 5000 + b'": 1}',
        json.dumps({"icp": [{"a": []}], "capd": {"total": 10**30}}).encode(),
        json.dumps({"c3": {"value": -1, "lower_limit": 0}}).encode(),
    ]
    data = b"\n".join(lines) + b"\n"
    done = subprocess.run(
        [sys.executable, "-m", "astct_grading", name],
        input=data,
        capture_output=True,
        check=False,
        timeout=120,
    )
    check_output(done.returncode, done.stdout, done.stderr.decode("utf-8", "replace"), len(lines))
    assert done.returncode == 1
