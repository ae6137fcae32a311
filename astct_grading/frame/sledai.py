"""SLEDAI-2K scored column-wise: the Gladman 2002 form on whole tables.

The columns are the command line's CSV columns (``astct-grading schema --columns sledai``). Each
row is validated by the models' rules, vectorised: the ranges, the integer joint count and the
units' lengths read from the models' own annotations (:mod:`astct_grading.sle.models`, D15), the
temperature as :class:`~astct_grading.core.validation.Temperature` reads it (25-45 °C), the
window (10 or 30 days, ``WINDOWS_DAYS``, D18), each distinct visit date by the model itself, and
the agreement of a clinician's call with its raw value (D17; for arthritis under the chosen
reading, D16).

Each row is then reduced to a *pattern code*: per descriptor, whether it is present (the
clinician's call, else what its raw values say, D17) or not known (with the raw fields still
unmeasured), and whether it is due to a cause its definition excludes. The raw values are read
with the bounds of :data:`~astct_grading.criteria.sledai2k.LAB_BOUNDS` at 0.01 of the unit (D14;
:mod:`astct_grading.frame._numbers`), the laboratory limits as given, and the joint count with
the option's ``min_joints`` (D16). The states of one descriptor that the library's own
:func:`~astct_grading.sle.descriptors.template` scores alike (same points range and missing
inputs) share a digit. The score's range, the descriptors counted and the missing inputs of each
pattern are the library's own: :func:`~astct_grading.sle.sledai.score_sledai2k` on one row per
pattern (:class:`~astct_grading.frame._results.PatternAnswers`).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, cast

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from astct_grading.cli.scales import SCALES
from astct_grading.core.validation import (
    _TEMPERATURE_MAX_F,
    _TEMPERATURE_MIN_F,
    TEMPERATURE_MAX_C,
    TEMPERATURE_MIN_C,
)
from astct_grading.criteria.sledai2k import (
    CRITERIA_VERSION,
    LAB_BOUNDS,
    WINDOWS_DAYS,
    Descriptor,
    DescriptorRule,
    descriptors,
)
from astct_grading.frame._numbers import fahrenheit_to_celsius, quantize_array
from astct_grading.frame._results import Answer, Names, PatternAnswers, _error_of, grade_by_patterns
from astct_grading.frame._table import FALSE, TRUE, UNKNOWN, Columns, like, to_arrow
from astct_grading.sle.descriptors import cause_values, template
from astct_grading.sle.models import AntiDsDnaMeasurement, ComplementMeasurement, SledaiVisit
from astct_grading.sle.options import DEFAULT_OPTIONS, Sledai2kOptions
from astct_grading.sle.readings import COMPLEMENT_FIELDS, complement_normal
from astct_grading.sle.sledai import Sledai2kResult, score_sledai2k

__all__ = ["NAMES", "grade_sledai2k_table"]

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Codes = npt.NDArray[np.int64]

_COLUMNS = SCALES["sledai"].csv_columns

#: The output's columns: the score and its range as the command line writes them
#: (``score``, ``score_min``, ``score_max``), and ``counted``: the descriptors the result's
#: explanation lists as counted (those whose lowest points are above 0), in the form's order.
NAMES = Names(value="score", low="score_min", high="score_max", drivers="counted")

#: The measurement objects: field -> (model, the name of its laboratory limit).
_MEASUREMENTS: Mapping[str, tuple[type[BaseModel], str]] = {
    **dict.fromkeys(COMPLEMENT_FIELDS, (ComplementMeasurement, "lower_limit")),
    "anti_dsdna": (AntiDsDnaMeasurement, "upper_limit"),
}

# Text cells as codes (0: null; the last: any other text, which the model refuses).
_UNITS = {"C": 1, "F": 2}
_CELSIUS, _FAHRENHEIT = _UNITS["C"], _UNITS["F"]

_CALL = {FALSE: False, TRUE: True, UNKNOWN: None}
_CODE_OF_CALL = {value: code for code, value in _CALL.items()}

# A descriptor's state: FALSE (0) and TRUE (1) when present is known (the call, else the raw
# values); _NOT_KNOWN (2) when not known and none of its raw values is given; for low
# complement, _NOT_KNOWN + m when not known with the complements of bit set m (C3 1, C4 2,
# CH50 4) measured, none low (1 <= m <= 6).
_NOT_KNOWN = 2
_STATES = _NOT_KNOWN + 7


def _constraints(model: type[BaseModel], name: str) -> dict[str, Any]:
    """The bounds and lengths the model's annotation of field ``name`` declares (D15).

    Example:
        >>> _constraints(SledaiVisit, "platelets_10e9_l")
        {'ge': 0, 'le': 5000}
    """
    field = model.model_fields[name]
    found: dict[str, Any] = {}
    pending: list[Any] = [field.annotation, *field.metadata]
    while pending:
        item = pending.pop(0)
        origin = typing.get_origin(item)
        if isinstance(item, FieldInfo):
            pending.extend(item.metadata)
        elif origin is Annotated:
            pending.extend(item.__metadata__)
        elif origin in (typing.Union, types.UnionType):
            pending.extend(typing.get_args(item))
        else:
            for key in ("ge", "gt", "le", "lt", "min_length", "max_length"):
                if hasattr(item, key):
                    found[key] = getattr(item, key)
    return found


def _refused(values: Floats, given: Bools, limits: Mapping[str, Any]) -> Bools:
    """Where a given number is refused: not finite, or outside the declared bounds (D15)."""
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(values)
        if "ge" in limits:
            ok &= values >= limits["ge"]
        if "gt" in limits:
            ok &= values > limits["gt"]
        if "le" in limits:
            ok &= values <= limits["le"]
    return given & ~ok


def _number(
    columns: Columns, model: type[BaseModel], column: str, field: str
) -> tuple[Floats, Bools, Bools]:
    """(values, given, refused) of a number column, checked as the model's ``field`` (D15)."""
    values, given = columns.number(column)
    refused = _refused(values, given, _constraints(model, field))
    if _COLUMNS[column].kinds == ("integer",):  # a whole number (int_from_float)
        with np.errstate(invalid="ignore"):
            refused |= given & (values != np.trunc(values))
    return values, given, refused


def _text(columns: Columns, name: str) -> tuple[Bools, Codes]:
    """(given, length in characters) of a text column's cells."""
    if not columns.has(name):
        return np.zeros(columns.rows, dtype=bool), np.zeros(columns.rows, dtype=np.int64)
    array = columns.table.column(name).combine_chunks()
    if pa.types.is_null(array.type):
        return np.zeros(columns.rows, dtype=bool), np.zeros(columns.rows, dtype=np.int64)
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    given = np.asarray(array.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    lengths = pc.utf8_length(array).fill_null(0)
    return given, np.asarray(lengths.to_numpy(zero_copy_only=False), dtype=np.int64)


def _dates_refused(columns: Columns) -> Bools:
    """Where the model refuses the visit date; each distinct value is read by the model once."""
    refused = np.zeros(columns.rows, dtype=bool)
    if not columns.has("visit_date"):
        return refused
    array = columns.table.column("visit_date").combine_chunks()
    if pa.types.is_null(array.type):
        return refused
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    distinct = pc.unique(array)
    bad = [
        value is not None and _error_of(SledaiVisit, {"visit_date": value}) is not None
        for value in distinct.to_pylist()
    ]
    if not any(bad):
        return refused
    index = pc.index_in(array, value_set=distinct).fill_null(len(bad))
    lookup = np.array([*bad, False], dtype=bool)
    return lookup[np.asarray(index.to_numpy(zero_copy_only=False), dtype=np.int64)]


def _digits(rule: DescriptorRule) -> tuple[Codes, int]:
    """(digit per (state, cause), number of digits): states scored alike share a digit.

    Each state and cause is scored by the library's :func:`template`; two with the same points
    range and missing inputs are one digit (the answer of a row reads nothing else of them).
    """
    digits: dict[tuple[int, int, tuple[str, ...]], int] = {}
    table = np.zeros((_STATES, 3), dtype=np.int64)
    partial = {
        sum(1 << bit for bit, measured in enumerate(key) if measured): reading
        for key, reading in complement_normal().items()
        if reading[0] is None
    }
    states = _STATES if rule.descriptor is Descriptor.LOW_COMPLEMENT else _NOT_KNOWN + 1
    for state in range(states):
        for other in cause_values(rule):
            if state < _NOT_KNOWN:
                scored = template(rule, bool(state), other, None)
            elif state == _NOT_KNOWN:
                scored = template(rule, None, other, None)
            else:
                reading = partial[state - _NOT_KNOWN]
                scored = template(rule, None, other, (reading[0], reading[2]))
            key = (scored.points_min, scored.points_max, scored.missing)
            table[state, _CODE_OF_CALL[other]] = digits.setdefault(key, len(digits))
    return table, len(digits)


_DIGITS = tuple(_digits(rule) for rule in descriptors().values())
#: The number of pattern codes: the product of every descriptor's digits. A pattern code is an
#: int64, so this must stay below 2**63 (tests/frame/test_sledai_table.py checks it).
_CODES = int(np.prod([radix for _, radix in _DIGITS], dtype=object))

_TABLES: dict[Sledai2kOptions, PatternAnswers] = {}


def _raw_readings(
    columns: Columns, options: Sledai2kOptions, invalid: Bools
) -> dict[str, tuple[Bools, Bools, Codes]]:
    """Per descriptor with raw values: (known, present, state when not known) (D14, D16, D17).

    Refused raw values are marked in ``invalid``.
    """
    rows = columns.rows
    not_known = np.full(rows, _NOT_KNOWN, dtype=np.int64)
    readings: dict[str, tuple[Bools, Bools, Codes]] = {}

    value, value_given = columns.number("temperature.value")
    unit = columns.text("temperature.unit", _UNITS, len(_UNITS) + 1)
    temperature = value_given | (unit > 0)
    celsius = np.where(unit == _FAHRENHEIT, fahrenheit_to_celsius(value), quantize_array(value))
    with np.errstate(invalid="ignore"):
        in_own_range = np.where(
            unit == _CELSIUS,
            (value >= TEMPERATURE_MIN_C) & (value <= TEMPERATURE_MAX_C),
            (value >= _TEMPERATURE_MIN_F) & (value <= _TEMPERATURE_MAX_F),
        )
        plausible = in_own_range | ((celsius >= TEMPERATURE_MIN_C) & (celsius <= TEMPERATURE_MAX_C))
    invalid |= temperature & ~(
        value_given & np.isfinite(value) & ((unit == _CELSIUS) | (unit == _FAHRENHEIT)) & plausible
    )
    for bound in LAB_BOUNDS:
        if bound.field == "temperature":
            measured, given = celsius, temperature  # already at 0.01 °C (D14)
        else:
            raw, given, refused = _number(columns, SledaiVisit, bound.field, bound.field)
            invalid |= refused
            measured = quantize_array(raw)  # compared at 0.01 of the unit (D14)
        with np.errstate(invalid="ignore"):
            present = measured < bound.bound if bound.relation == "<" else measured > bound.bound
        readings[bound.descriptor.value] = (given, present, not_known)

    measured_bits = np.zeros(rows, dtype=np.int64)
    low = np.zeros(rows, dtype=bool)
    for name, (model, limit_name) in _MEASUREMENTS.items():
        value, value_given, value_refused = _number(columns, model, f"{name}.value", "value")
        limit, limit_given, limit_refused = _number(
            columns, model, f"{name}.{limit_name}", limit_name
        )
        unit_given, length = _text(columns, f"{name}.unit")
        given = value_given | limit_given | unit_given
        lengths = _constraints(model, "unit")
        invalid |= given & ~(value_given & limit_given)
        invalid |= value_refused | limit_refused
        invalid |= unit_given & (
            (length < lengths["min_length"]) | (length > lengths["max_length"])
        )
        with np.errstate(invalid="ignore"):
            if name == "anti_dsdna":  # raised: strictly above the lab's upper limit (D17)
                raised = value > limit
                readings[Descriptor.INCREASED_DNA_BINDING.value] = (given, raised, not_known)
            else:  # low: strictly below the lab's lower limit (D17)
                low |= given & (value < limit)
                measured_bits |= given.astype(np.int64) << COMPLEMENT_FIELDS.index(name)
    everything = (1 << len(COMPLEMENT_FIELDS)) - 1
    readings[Descriptor.LOW_COMPLEMENT.value] = (
        low | (measured_bits == everything),
        low,
        _NOT_KNOWN + np.where(low, 0, measured_bits),
    )

    count, count_given, refused = _number(
        columns, SledaiVisit, "arthritis_joint_count", "arthritis_joint_count"
    )
    invalid |= refused
    with np.errstate(invalid="ignore"):
        readings[Descriptor.ARTHRITIS.value] = (count_given, count >= options.min_joints, not_known)
    return readings


def _levels(columns: Columns, options: Sledai2kOptions = DEFAULT_OPTIONS) -> tuple[Codes, Bools]:
    """(code, valid) per row: the pattern of descriptor states, and whether the row is valid.

    A row is valid when the per-record path scores it: the model accepts it, and an arthritis
    call agrees with the joint count under the chosen reading (D16).
    """
    rows = columns.rows
    invalid = _dates_refused(columns)
    if columns.has("window_days"):  # 10 or 30 days (D18); null is refused too
        window, _ = columns.number("window_days")
        invalid |= ~np.isin(window, WINDOWS_DAYS)
    readings = _raw_readings(columns, options, invalid)

    code = np.zeros(rows, dtype=np.int64)
    for rule, (digits, radix) in zip(descriptors().values(), _DIGITS, strict=True):
        name = rule.descriptor.value
        call = columns.flag(name, UNKNOWN)
        if rule.excluded_causes:
            cause = columns.flag(f"{name}_other_cause", FALSE)
        else:
            cause = np.full(rows, FALSE, dtype=np.int64)
        state = call
        if name in readings:
            known, present, not_known = readings[name]
            called = call != UNKNOWN
            invalid |= called & known & (present != (call == TRUE))  # a conflict (D16, D17)
            state = np.where(called, call, np.where(known, present.astype(np.int64), not_known))
        code = code * radix + digits[state, cause]
    return code, ~invalid


def answer_of(result: Sledai2kResult) -> Answer:
    """What the table holds of a per-record result: (lowest, highest, counted, missing)."""
    counted = tuple(item.name for item in result.items if item.points_min > 0)
    return result.score_min, result.score_max, counted, result.missing


def _answer(columns: Columns, options: Sledai2kOptions, row: int) -> Answer:
    return answer_of(score_sledai2k(columns.record(row), options=options))


#: How many records are read in one pass, and held at most (:class:`_Rows`).
_BATCH = 4096


class _Scoring:
    """The per-record path as the model the output's errors are read from.

    The model checks everything but one thing: at exactly 2 inflamed joints, an arthritis call
    against the chosen reading is refused by :func:`score_sledai2k` (D16); its error is the
    per-record path's too.
    """

    def __init__(self, options: Sledai2kOptions) -> None:
        self.options = options

    def model_validate(self, record: dict[str, Any]) -> None:
        score_sledai2k(record, options=self.options)


def grade_sledai2k_table(
    data: Any, *, options: Sledai2kOptions = DEFAULT_OPTIONS, keep: Sequence[str] = ()
) -> Any:
    """Score every row of a table of SLEDAI-2K visits (Gladman 2002), column-wise.

    Args:
        data: a pyarrow Table or RecordBatch, or a pandas or polars DataFrame (any eager frame
            narwhals reads), with the CSV columns of ``astct-grading schema --columns sledai``
            (any subset) and optionally ``id``.
        options: named alternatives to the default readings, as for :func:`score_sledai2k`
            (the arthritis threshold, D16).
        keep: other columns to carry to the output unchanged (after ``id``).

    Returns:
        A table of the same kind, length and order: ``id`` and ``keep`` when given, ``score``
        (null when undetermined), ``score_min``, ``score_max``, ``counted`` (the descriptors
        counted for certain), ``missing``, ``criteria_version``, and ``error_field``,
        ``error_type``, ``error_message`` (null for a valid row; a row that fails validation has
        nulls elsewhere).

    Raises:
        FrameError: a column that is not one of the scale's, or of the wrong type.

    Example:
        >>> import pyarrow as pa
        >>> table = pa.table({
        ...     "seizure": [True, False, None],
        ...     "temperature.value": [38.0, 38.01, 38.5],
        ...     "temperature.unit": ["C", "C", "K"],
        ...     "platelets_10e9_l": [100.0, 99.99, None],
        ... })
        >>> out = grade_sledai2k_table(table)
        >>> out.column("score_min").to_pylist(), out.column("score_max").to_pylist()
        ([8, 2, None], [103, 97, None])
        >>> out.column("counted").to_pylist()[:2]
        [['seizure'], ['fever', 'thrombocytopenia']]
        >>> out.column("error_field").to_pylist()
        [None, None, 'temperature.unit']
    """
    table = to_arrow(data)
    columns = Columns(table, _COLUMNS, keep)
    codes, valid = _levels(columns, options)
    answers = _TABLES.setdefault(options, PatternAnswers())
    out = grade_by_patterns(
        columns,
        codes,
        valid,
        answers,
        cast("type[BaseModel]", _Scoring(options)),
        lambda row: _answer(columns, options, row),
        CRITERIA_VERSION,
        keep,
        NAMES,
    )
    return like(data, out)
