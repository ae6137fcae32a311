"""ICANS graded column-wise: the ASTCT 2019 rules on whole tables (Lee et al. BBMT 2019).

The columns are the command line's CSV columns (``astct-grading schema --columns icans``). Each
row is validated by the models' rules, vectorised, then reduced to a *pattern code* holding what
the per-record grading (:func:`astct_grading.grade_icans`) reads:

* the top-level inputs as their levels: the instrument's age class (below or from
  ``IcansOptions.ice_min_age_years``, compared at 0.01 year: D7, D14), the yes/no inputs (D13:
  unknown stays unknown), the level of consciousness (D9), whether a seizure lasted more than
  ``SEIZURE_PROLONGED_MIN`` minutes (D11, D14), the motor finding and the worst ``ICP_GRADES``
  grade of the ICP findings (D11);
* the ICE (D10) as what :mod:`astct_grading.icans.ice` makes of it: its range
  (:func:`~astct_grading.icans.ice.ice_range`), the items left open
  (:func:`~astct_grading.icans.ice.ice_open_items`) and why it was not performed. The ICE's own
  cells (its items, subtotals, total and reason, small integers and names, exactly as given) form
  one code per row, and each distinct one is read once by :class:`IceAssessment` itself;
* the CAPD (D8) as the values the grading reads (``icans.domains._capd_values``) and the answers
  left open. Each row's CAPD is first summed with the form's own points
  (:func:`~astct_grading.criteria.icans.capd_points`): the points of the answers given (an item
  charted as points is read as the one answer that scores them), which answers are open, the
  total, the RASS and the reason; each distinct summary is read once by :class:`CapdAssessment`.

Every bound is read from the models' annotations or :mod:`astct_grading.criteria.icans`. The
bounds, drivers and missing inputs of each pattern are the library's own (:func:`grade_icans` on
one row per pattern; :class:`~astct_grading.frame._results.PatternAnswers`).
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from annotated_types import Ge, Gt, Le
from pydantic import AfterValidator, BaseModel, ValidationError
from pydantic.fields import FieldInfo

from astct_grading.cli.scales import SCALES
from astct_grading.core.results import GradeResult
from astct_grading.core.validation import Within
from astct_grading.criteria.icans import (
    CAPD_ITEMS,
    CAPD_UNABLE_GRADE,
    CRITERIA_VERSION,
    ICE_MAX,
    ICP_GRADES,
    ICP_SYNONYMS,
    SEIZURE_PROLONGED_MIN,
    CapdAnswer,
    CapdNotPerformed,
    ConsciousnessLevel,
    IceNotPerformed,
    MotorFinding,
    capd_points,
)
from astct_grading.frame._numbers import quantize_array
from astct_grading.frame._results import Answer, Names, PatternAnswers, grade_by_patterns
from astct_grading.frame._table import FALSE, TRUE, UNKNOWN, Columns, like, to_arrow
from astct_grading.icans.capd import CAPD_NAMES, CAPD_POINT_NAMES, CapdAssessment, capd_answers
from astct_grading.icans.domains import _NOT_ASSESSABLE, _capd_values
from astct_grading.icans.grading import grade_icans
from astct_grading.icans.ice import ICE_DOMAIN_NAMES, ICE_NAMES, IceAssessment, ice_open_items
from astct_grading.icans.ice import ice_range as _ice_range
from astct_grading.icans.models import DEFAULT_OPTIONS, IcansAssessment, IcansOptions

__all__ = ["grade_icans_table"]

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Codes = npt.NDArray[np.integer[Any]]

_COLUMNS = SCALES["icans"].csv_columns


# --- Bounds, read from the models' annotations (D15) -----------------------------------------


def _metadata(item: Any) -> Iterator[Any]:
    """Every annotation object under ``item``: Annotated arguments, field metadata, validators."""
    if isinstance(item, FieldInfo):
        yield from item.metadata
        yield from _metadata(item.annotation)
        return
    yield item
    if isinstance(item, AfterValidator):
        yield item.func
    for argument in typing.get_args(item):
        yield from _metadata(argument)


def _limits(model: type[BaseModel], name: str) -> tuple[float, float, bool]:
    """(lowest, highest, lowest excluded) of a number field of ``model``."""
    low: float | None = None
    high: float | None = None
    excluded = False
    for item in _metadata(model.model_fields[name]):
        if isinstance(item, (Ge, Within)):
            low = float(typing.cast(float, item.ge))
        elif isinstance(item, Gt):
            low, excluded = float(typing.cast(float, item.gt)), True
        if isinstance(item, (Le, Within)):
            high = float(typing.cast(float, item.le))
    if low is None or high is None:  # pragma: no cover - every number field here is bounded
        raise TypeError(f"{model.__name__}.{name} has no bounds")
    return low, high, excluded


def _within(values: Floats, given: Bools, limits: tuple[float, float, bool]) -> Bools:
    """Where a given number is accepted: finite and within the field's bounds."""
    low, high, excluded = limits
    with np.errstate(invalid="ignore"):
        above = values > low if excluded else values >= low
        return given & above & (values <= high)


# --- Cells as states: 0 for null, then the values; a refused cell is flagged apart -------------


class _Integer:
    """An integer column: its states (0 null, 1 + value - lowest) and its refused cells."""

    def __init__(self, model: type[BaseModel], name: str, column: str) -> None:
        low, high, _ = _limits(model, name)
        self.name, self.column = name, column
        self.low, self.radix = int(low), int(high - low) + 2

    def read(self, columns: Columns) -> tuple[Codes, Bools, Bools]:
        """(state, given, refused) per row: pydantic takes a float that is a whole number."""
        values, given = columns.number(self.column)
        with np.errstate(invalid="ignore"):
            # NaN (null or not a number) compares false: never ok.
            ok = (values >= self.low) & (values <= self.low + self.radix - 2)
            ok &= values == np.floor(values)
            state = np.where(ok, values - (self.low - 1), 0).astype(np.int64)
        return state, given, given & ~ok

    def value(self, state: int) -> int | None:
        return None if state == 0 else self.low + state - 1


class _Words:
    """A text column of an enumeration: states 0 null, 1.. its values; other text refused."""

    def __init__(self, values: Sequence[str], column: str, name: str = "") -> None:
        self.values = tuple(values)
        self.codes = {value: state for state, value in enumerate(self.values, 1)}
        self.name, self.column, self.radix = name, column, len(self.values) + 1

    def read(self, columns: Columns, column: str = "") -> tuple[Codes, Bools, Bools]:
        """(state, given, refused) per row, of ``column`` (default: the column named at first)."""
        other = self.radix
        state = columns.text(column or self.column, self.codes, other)
        refused = state == other
        return np.where(refused, 0, state), state > 0, refused

    def value(self, state: int) -> str | None:
        return None if state == 0 else self.values[state - 1]


def _mixed(digits: Sequence[tuple[Codes | None, int]], rows: int) -> Codes:
    """One code per row from its digits, each with its radix (the first digit most significant).

    A digit of None is 0 on every row (a column left out): only its radix is applied.
    """
    code = np.zeros(rows, dtype=np.int64)
    scale = 1
    for digit, radix in digits:
        scale *= radix
        if digit is not None:
            code = code * scale + digit
            scale = 1
    return code * scale if scale > 1 else code


def _first_rows(codes: Codes, among: Bools) -> tuple[Codes, Codes, Codes]:
    """(distinct codes, the first row of each, each row's position among them) over ``among``."""
    rows = np.flatnonzero(among)
    distinct, first, inverse = np.unique(codes[rows], return_index=True, return_inverse=True)
    return distinct, rows[first], inverse.reshape(-1)


def _lookup(
    codes: Codes,
    among: Bools,
    known: dict[int, tuple[int, bool]],
    witness: Callable[[int, int], tuple[int, bool] | None],
) -> tuple[Codes, Bools, Bools]:
    """(key, flag, refused) per row: each distinct code's answer from ``witness(code, row)``, kept.

    ``witness`` gives a code's (key, flag), or None when the model refuses it; rows outside
    ``among`` get key 0.
    """
    key = np.zeros(len(codes), dtype=np.int64)
    flag = np.zeros(len(codes), dtype=bool)
    refused = np.zeros(len(codes), dtype=bool)
    if not among.any():
        return key, flag, refused
    distinct, first, inverse = _first_rows(codes, among)
    keys = np.empty(len(distinct), dtype=np.int64)
    flags = np.empty(len(distinct), dtype=bool)
    for position, code in enumerate(distinct.tolist()):
        answer = known.get(code)
        if answer is None:
            found = witness(code, int(first[position]))
            answer = known[code] = (-1, False) if found is None else found
        keys[position], flags[position] = answer
    rows = np.flatnonzero(among)
    key[rows], flag[rows] = keys[inverse], flags[inverse]
    refused[rows] = keys[inverse] < 0
    return np.where(refused, 0, key), flag, refused


def _valid(model: type[BaseModel], record: dict[str, Any]) -> Any:
    try:
        return model.model_validate(record)
    except ValidationError:
        return None


# --- The ICE (D10): its cells exactly, read once per distinct set by IceAssessment ------------

_ICE_CELLS: tuple[_Integer | _Words, ...] = (
    *(_Integer(IceAssessment, name, f"ice.{name}") for name in ICE_NAMES),
    *(_Integer(IceAssessment, name, f"ice.{name}") for name in ICE_DOMAIN_NAMES),
    _Integer(IceAssessment, "total", "ice.total"),
    _Words([reason.value for reason in IceNotPerformed], "ice.not_performed", "not_performed"),
)
#: ICE keys: 0 no ICE, 1 not performed (sedated or intubated), 2 not performed (unarousable),
#: 3 + (range, open items) for an ICE performed.
_ICE_SEDATED, _ICE_UNAROUSABLE, _ICE_PERFORMED = 1, 2, 3
_ICE_KEYS = _ICE_PERFORMED + ((ICE_MAX + 1) ** 2 << len(ICE_NAMES))
_ICE_KNOWN: dict[int, tuple[int, bool]] = {}


def _ice_key(code: int, row: int) -> tuple[int, bool] | None:
    """The ICE cells of ``code`` as IceAssessment reads them: (key, ICE 0 while assessable).

    The second answer is the ICE side of ``ice_zero_from_sedation`` (models.py).
    """
    record: dict[str, Any] = {}
    for cell in reversed(_ICE_CELLS):
        code, state = divmod(code, cell.radix)
        if state:
            record[cell.name] = cell.value(state)
    ice = _valid(IceAssessment, record)
    if ice is None:
        return None
    low, high = _ice_range(ice)
    zero = ice.assessable and high == 0
    if ice.not_performed is IceNotPerformed.SEDATED_OR_INTUBATED:
        return _ICE_SEDATED, zero
    if ice.not_performed is IceNotPerformed.UNAROUSABLE:
        return _ICE_UNAROUSABLE, zero
    open_items = sum(1 << ICE_NAMES.index(name) for name in ice_open_items(ice))
    return _ICE_PERFORMED + ((low * (ICE_MAX + 1) + high) << len(ICE_NAMES) | open_items), zero


def _ice(columns: Columns) -> tuple[Codes, Bools, Bools]:
    """(key, ICE 0 while assessable, refused) per row."""
    digits: list[tuple[Codes | None, int]] = []
    given = np.zeros(columns.rows, dtype=bool)
    refused = np.zeros(columns.rows, dtype=bool)
    for cell in _ICE_CELLS:
        if not columns.has(cell.column):
            digits.append((None, cell.radix))
            continue
        state, cell_given, cell_refused = cell.read(columns)
        digits.append((state, cell.radix))
        given |= cell_given
        refused |= cell_refused
    codes = _mixed(digits, columns.rows)
    key, zero, wrong = _lookup(codes, given & ~refused, _ICE_KNOWN, _ice_key)
    return key, zero, refused | wrong


# --- The CAPD (D8): summed with the form's points, each summary read once by CapdAssessment ---

_ANSWERS = _Words([answer.value for answer in CapdAnswer], "")
#: Each item's points by answer state (0: no answer), from the form's scoring (capd_points).
_POINTS = np.array(
    [
        [0, *(capd_points(answer, reverse=item.reverse) for answer in CapdAnswer)]
        for item in CAPD_ITEMS
    ],
    dtype=np.int64,
)
#: Each item's answer state by charted points (the scoring is one-to-one, CAPD form).
_ANSWER_OF_POINTS = np.argsort(_POINTS[:, 1:], axis=1) + 1
_CAPD_POINTS = tuple(_Integer(CapdAssessment, name, f"capd.{name}") for name in CAPD_POINT_NAMES)
_CAPD_TOTAL = _Integer(CapdAssessment, "total", "capd.total")
_CAPD_SUM_RADIX = _CAPD_TOTAL.radix - 1  # the answers' points: 0 to the most a total can be
_RASS = _Integer(CapdAssessment, "rass", "capd.rass")
_CAPD_REASON = _Words(
    [reason.value for reason in CapdNotPerformed], "capd.not_performed", "not_performed"
)
#: CAPD keys: 0 no CAPD, else 1 + (the values the grading reads, the answers open) as bits.
_CAPD_VALUES = CAPD_UNABLE_GRADE - _NOT_ASSESSABLE + 1
_CAPD_KEYS = 1 + (1 << (_CAPD_VALUES + len(CAPD_NAMES)))
_CAPD_KNOWN: dict[int, tuple[int, bool]] = {}


def _capd_key(record: dict[str, Any]) -> tuple[int, bool] | None:
    capd = _valid(CapdAssessment, record)
    if capd is None:
        return None
    values = sum(1 << (value - _NOT_ASSESSABLE) for value in set(_capd_values(capd)[0]))
    answers = capd_answers(capd.__dict__)
    open_items = sum(1 << i for i, answer in enumerate(answers) if answer is None)
    return 1 + (values << len(CAPD_NAMES) | open_items), False


def _capd(columns: Columns) -> tuple[Codes, Bools]:
    """(key, refused) per row."""
    rows = columns.rows
    given = np.zeros(rows, dtype=bool)
    refused = np.zeros(rows, dtype=bool)
    answers = np.zeros((len(CAPD_NAMES), rows), dtype=np.int64)
    points_sum = np.zeros(rows, dtype=np.int64)
    open_items = np.zeros(rows, dtype=np.int64)
    for index, name in enumerate(CAPD_NAMES):
        charted = _CAPD_POINTS[index]
        has_answer, has_points = columns.has(f"capd.{name}"), columns.has(charted.column)
        if not (has_answer or has_points):
            open_items |= 1 << index
            continue
        answer, answer_given, answer_refused = _ANSWERS.read(columns, f"capd.{name}")
        merged = answer
        if has_points:
            points, points_given, points_refused = charted.read(columns)
            # capd_points_conflict: the points charted disagree with the answer's.
            scored = _POINTS[index][answer]
            refused |= points_refused | (answer_given & points_given & (scored != points - 1))
            # An item charted as points only is read as the one answer that scores them.
            from_points = _ANSWER_OF_POINTS[index][np.maximum(points, 1) - 1]
            merged = np.where(answer_given, answer, np.where(points_given, from_points, 0))
            given |= points_given
        given |= answer_given
        refused |= answer_refused
        answers[index] = merged
        points_sum += _POINTS[index][merged]
        open_items |= (merged == 0).astype(np.int64) << index
    digits: list[tuple[Codes | None, int]] = [
        (points_sum, _CAPD_SUM_RADIX),
        (open_items, 1 << len(CAPD_NAMES)),
    ]
    for cell in (_CAPD_TOTAL, _RASS, _CAPD_REASON):
        if not columns.has(cell.column):
            digits.append((None, cell.radix))
            continue
        state, cell_given, cell_refused = cell.read(columns)
        digits.append((state, cell.radix))
        given |= cell_given
        refused |= cell_refused
    codes = _mixed(digits, rows)

    def witness(code: int, row: int) -> tuple[int, bool] | None:
        record: dict[str, Any] = {
            name: _ANSWERS.value(int(answers[i, row]))
            for i, name in enumerate(CAPD_NAMES)
            if answers[i, row]
        }
        cells: tuple[_Integer | _Words, ...] = (_CAPD_TOTAL, _RASS, _CAPD_REASON)
        for cell, (state, _) in zip(cells, digits[2:], strict=True):
            if state is not None and state[row]:
                record[cell.name] = cell.value(int(state[row]))
        return _capd_key(record)

    key, _, wrong = _lookup(codes, given & ~refused, _CAPD_KNOWN, witness)
    return key, refused | wrong


# --- The whole row -----------------------------------------------------------------------------

_CONSCIOUSNESS = _Words([level.value for level in ConsciousnessLevel], "consciousness")
_UNAROUSABLE = _CONSCIOUSNESS.codes[ConsciousnessLevel.UNAROUSABLE.value]
_MOTOR = _Words([finding.value for finding in MotorFinding], "motor")
#: Each ICP finding (or its synonym, exactly as written) -> its grade (adult table; D11).
_ICP = {
    **{finding.value: grade for finding, grade in ICP_GRADES.items()},
    **{name: ICP_GRADES[finding] for name, finding in ICP_SYNONYMS.items()},
}
_ICP_REFUSED = -1
_ICP_LEVELS = max(ICP_GRADES.values()) + 2  # 0: not given; 1 + the worst grade
_AGE = _limits(IcansAssessment, "age_years")
_DURATION = _limits(IcansAssessment, "seizure_duration_min")
#: The yes/no inputs, with the level of a column left out (the model's default).
_FLAGS = {
    name: FALSE if IcansAssessment.model_fields[name].default is False else UNKNOWN
    for name in (
        "developmental_delay",
        "encephalopathy_other_cause",
        "consciousness_other_cause",
        "global_aphasia",
        "seizure",
        "seizure_over_5_min",
        "seizure_without_return_to_baseline",
        "seizure_other_cause",
        "motor_other_cause",
        "icp_other_cause",
        "death_due_to_icans",
    )
}
_TABLES: dict[IcansOptions, PatternAnswers] = {}


def _worst_icp(columns: Columns) -> tuple[Codes, Bools]:
    """(1 + the worst ICP grade, or 0 when not given; refused) per row (D11)."""
    given, offsets, items = columns.lists("icp", _ICP, _ICP_REFUSED)
    worst = np.zeros(columns.rows, dtype=np.int64)
    for grade in sorted({*ICP_GRADES.values(), _ICP_REFUSED}):
        count = np.concatenate(([0], np.cumsum(items == grade)))
        present = count[offsets[1:]] != count[offsets[:-1]]
        if grade == _ICP_REFUSED:
            refused = present
        else:
            worst = np.where(present, grade, worst)
    return np.where(given, worst + 1, 0), refused


def _levels(columns: Columns, options: IcansOptions = DEFAULT_OPTIONS) -> tuple[Codes, Bools]:
    """(code, valid) per row: the pattern the grading reads, and whether the models accept it."""
    flags = {name: columns.flag(name, absent) for name, absent in _FLAGS.items()}

    age, age_given = columns.number("age_years")
    invalid = age_given & ~_within(age, age_given, _AGE)
    with np.errstate(invalid="ignore"):
        child = quantize_array(age) < options.ice_min_age_years  # D7, D14
    age_class = np.where(age_given, child.astype(np.int64), UNKNOWN)

    ice, ice_zero, ice_refused = _ice(columns)
    capd, capd_refused = _capd(columns)
    consciousness, _, consciousness_refused = _CONSCIOUSNESS.read(columns)
    motor, _, motor_refused = _MOTOR.read(columns)
    icp, icp_refused = _worst_icp(columns)
    invalid |= ice_refused | capd_refused | consciousness_refused | motor_refused | icp_refused

    # The models' conflicts between fields (models.py; D9-D11).
    ice_unarousable = ice == _ICE_UNAROUSABLE
    unarousable = (consciousness == _UNAROUSABLE) | ice_unarousable
    invalid |= (consciousness > 0) & (consciousness != _UNAROUSABLE) & ice_unarousable
    invalid |= (
        (flags["consciousness_other_cause"] == TRUE)
        & (flags["encephalopathy_other_cause"] != TRUE)
        & unarousable
        & ice_zero
    )  # ice_zero_from_sedation
    invalid |= (flags["global_aphasia"] == TRUE) & unarousable  # arousal_conflict

    minutes, minutes_given = columns.number("seizure_duration_min")
    invalid |= minutes_given & ~_within(minutes, minutes_given, _DURATION)
    with np.errstate(invalid="ignore"):
        prolonged = quantize_array(minutes) > SEIZURE_PROLONGED_MIN  # D11, D14
    over_5 = flags["seizure_over_5_min"]
    invalid |= (flags["seizure"] == FALSE) & (
        minutes_given | (over_5 == TRUE) | (flags["seizure_without_return_to_baseline"] == TRUE)
    )  # seizure_conflict: details of an absent seizure
    invalid |= minutes_given & (over_5 != UNKNOWN) & (over_5 != prolonged)  # seizure_conflict

    duration = np.where(minutes_given, 1 + prolonged.astype(np.int64), 0)
    rest = _mixed(
        [
            (age_class, 3),
            *((flags[name], 3) for name in _FLAGS),
            (consciousness, _CONSCIOUSNESS.radix),
            (duration, 3),
            (motor, _MOTOR.radix),
            (icp, _ICP_LEVELS),
        ],
        columns.rows,
    )
    return (rest * _ICE_KEYS + ice) * _CAPD_KEYS + capd, ~invalid


#: The output's column names.
NAMES = Names()


def answer_of(result: GradeResult) -> Answer:
    """What the table holds of a per-record result: (lowest, highest, drivers, missing)."""
    return result.grade_min, result.grade_max, result.drivers, result.missing


def _answer(columns: Columns, options: IcansOptions, row: int) -> Answer:
    return answer_of(grade_icans(columns.record(row), options=options))


def grade_icans_table(
    data: Any, *, options: IcansOptions = DEFAULT_OPTIONS, keep: Sequence[str] = ()
) -> Any:
    """Grade every row of a table of ICANS assessments (ASTCT 2019), column-wise.

    Args:
        data: a pyarrow Table or RecordBatch, or a pandas or polars DataFrame (any eager frame
            narwhals reads), with the CSV columns of ``astct-grading schema --columns icans``
            (any subset) and optionally ``id``.
        options: named parameters, as for :func:`~astct_grading.grade_icans` (the age from which
            ICE is the instrument, D7).
        keep: other columns to carry to the output unchanged (after ``id``).

    Returns:
        A table of the same kind, length and order: ``id`` and ``keep`` when given, ``grade``
        (null when undetermined), ``grade_min``, ``grade_max``, ``drivers``, ``missing``,
        ``criteria_version``, and ``error_field``, ``error_type``, ``error_message`` (null for a
        valid row; a row that fails validation has nulls elsewhere).

    Raises:
        FrameError: a column that is not one of the scale's, or of the wrong type.

    Example:
        >>> import pyarrow as pa
        >>> table = pa.table({
        ...     "age_years": [54.0, 8.5, 40.0, 40.0],
        ...     "ice.total": [5, None, 11, None],
        ...     "capd.total": [None, 12, None, None],
        ...     "consciousness": ["awakens_to_voice", "alert", "alert", None],
        ...     "seizure": [False, True, False, None],
        ...     "seizure_duration_min": [None, 5.0, None, None],
        ...     "motor": ["none", "none", "none", None],
        ...     "icp": [[], [], [], None],
        ... })
        >>> out = grade_icans_table(table)
        >>> out.column("grade").to_pylist(), out.column("grade_max").to_pylist()
        ([2, None, None, None], [2, 4, None, 4])
        >>> out.column("drivers").to_pylist()[0], out.column("error_field").to_pylist()[2]
        (['ice', 'consciousness'], 'ice.total')
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
        IcansAssessment,
        lambda row: _answer(columns, options, row),
        CRITERIA_VERSION,
        keep,
    )
    return like(data, out)
