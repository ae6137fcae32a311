"""CRS graded column-wise: the ASTCT 2019 rules on whole tables (Lee et al. BBMT 2019).

The columns are the command line's CSV columns (``astct-grading schema --columns crs``). Each
row is validated by the models' rules, vectorised (ranges, enums, synonyms, conflicts), then
reduced to the levels the per-record grading reads (:mod:`astct_grading.crs.domains`): fever
present, the hypotension level (:func:`~astct_grading.crs.domains.hypotension_level`, by the
vasopressor agents given and their count, D3, and the PALS systolic thresholds, D5), the oxygen
device and whether its flow is low (D4), and the yes/no inputs (attribution D2, waiver D1, death
D6). Every number is read from :mod:`astct_grading.criteria.crs`: ``FEVER_MIN_C``,
``LOW_FLOW_MAX_L_MIN``, the PALS constants, ``OxygenDevice``, ``VasopressorAgent``,
``VASOPRESSOR_SYNONYMS``, ``INOTROPES`` and the vasopressor count's limits.

D14 compares a reading rounded to 0.01 half up, so a rounded reading reaches a bound exactly
when the reading is at or past the half-hundredth before it (38.0 °C from 37.995 °C). Readings
are compared with those points in float arithmetic; a reading within 1e-6 of one, where float
arithmetic might decide otherwise, is left to the per-record path, which rounds it exactly. So
is a row holding ``organ_toxicity``, which only the model reads (D2: recorded, never graded).
Rows are read :data:`CHUNK_ROWS` at a time, so the working arrays stay in the processor's cache.

The bounds, drivers and missing inputs of each pattern of levels are the library's own
(:func:`astct_grading.grade_crs` on one row per pattern; :mod:`astct_grading.frame._results`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import product
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from astct_grading.cli.scales import SCALES
from astct_grading.core.results import GradeResult
from astct_grading.core.validation import (
    TEMPERATURE_MAX_C,
    TEMPERATURE_MIN_C,
)
from astct_grading.criteria.crs import (
    ADULT_SYSTOLIC_MIN_MMHG,
    CHILD_MAX_YEARS,
    CHILD_SYSTOLIC_BASE_MMHG,
    CHILD_SYSTOLIC_PER_YEAR_MMHG,
    CRITERIA_VERSION,
    FEVER_MIN_C,
    INFANT_MAX_YEARS,
    INFANT_SYSTOLIC_MIN_MMHG,
    LOW_FLOW_MAX_L_MIN,
    NEONATE_MAX_YEARS,
    NEONATE_SYSTOLIC_MIN_MMHG,
    VASOPRESSOR_COUNT_MAX,
    VASOPRESSOR_COUNT_MULTIPLE,
    VASOPRESSOR_SYNONYMS,
    OxygenDevice,
    VasopressorAgent,
)
from astct_grading.crs.domains import hypotension_level, hypoxia_level
from astct_grading.crs.grading import grade_crs
from astct_grading.crs.models import DEFAULT_OPTIONS, CrsAssessment, CrsOptions
from astct_grading.frame._results import Answer, AnswerTable, Names, assemble
from astct_grading.frame._table import FALSE, UNKNOWN, Columns, like, to_arrow

__all__ = ["grade_crs_table", "systolic_thresholds"]

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Codes = npt.NDArray[np.integer[Any]]

_COLUMNS = SCALES["crs"].csv_columns
#: organ_toxicity holds an object (organ -> CTCAE grade): a map or struct column.
_KINDS = {"organ_toxicity": "object"}

# Text cells as codes (0: null; the last: any other text, which the model refuses).
_UNITS = {"C": 1, "F": 2}
_CELSIUS, _FAHRENHEIT = _UNITS["C"], _UNITS["F"]
_DEVICES = {device.value: code for code, device in enumerate(OxygenDevice, 1)}
_DEVICE_BY_CODE = {code: OxygenDevice(value) for value, code in _DEVICES.items()}
_ROOM_AIR = _DEVICES[OxygenDevice.ROOM_AIR.value]
_AGENT_LIST = tuple(VasopressorAgent)
# An agent's name, or a synonym (exactly as written, D3), -> its position; inotropes and any other
# name are refused by the model (-1).
_AGENTS = {
    **{agent.value: position for position, agent in enumerate(_AGENT_LIST)},
    **{name: _AGENT_LIST.index(agent) for name, agent in VASOPRESSOR_SYNONYMS.items()},
}
_NOT_AN_AGENT = -1

# The hypotension inputs (hypotension, present, agents) -> a state of hypotension_level; agents
# as 0 (not given) or 1 + the bit set of the distinct agents given (0 bits: an empty list).
_AGENT_CLASSES = 1 + (1 << len(_AGENT_LIST))


def _agents(agent_class: int) -> tuple[VasopressorAgent, ...] | None:
    if agent_class == 0:
        return None
    bits = agent_class - 1
    return tuple(agent for position, agent in enumerate(_AGENT_LIST) if bits >> position & 1)


def _flag(code: int) -> bool | None:
    return None if code == UNKNOWN else bool(code)


# The oxygen key: the device (0: no oxygen support given) x its flow (0 none, 1 low, 2 high).
_OXYGEN_KEYS = (len(OxygenDevice) + 1) * 3
#: The hypoxia levels :func:`hypoxia_level` gives (and "not assessed"), numbered as met, per
#: reading of an unlabelled cannula; at most one per device and flow class.
_HYPOXIA_STATES = _OXYGEN_KEYS
_HYPOXIA_TABLES: dict[str, Codes] = {}
_HYPOXIA_LEVELS: dict[str, dict[Any, int]] = {}

_TABLES: dict[CrsOptions, AnswerTable] = {}


def systolic_thresholds(age: Floats) -> Floats:
    """:func:`~astct_grading.criteria.crs.systolic_threshold_mmhg` on every age (PALS, D5).

    Example:
        >>> systolic_thresholds(np.array([0.05, 0.5, 4.9, 10.0, 40.0])).tolist()
        [60.0, 70.0, 78.0, 90.0, 90.0]
    """
    with np.errstate(invalid="ignore", over="ignore"):
        child = CHILD_SYSTOLIC_BASE_MMHG + CHILD_SYSTOLIC_PER_YEAR_MMHG * np.trunc(age)
    return np.where(
        age < NEONATE_MAX_YEARS,
        NEONATE_SYSTOLIC_MIN_MMHG,
        np.where(
            age < INFANT_MAX_YEARS,
            INFANT_SYSTOLIC_MIN_MMHG,
            np.where(
                age <= CHILD_MAX_YEARS,
                child,
                ADULT_SYSTOLIC_MIN_MMHG,
            ),
        ),
    )


#: Rows graded together: every intermediate array of a chunk stays in the processor's cache.
CHUNK_ROWS = 65_536

# D14 rounds a reading to 0.01 half up before it is compared, so a rounded value reaches a bound
# exactly when the reading is at or past the half-hundredth before it. A reading within _NEAR of
# one of those points is not decided here (float arithmetic might round it the other way): its
# row is left to the per-record path, which rounds it exactly (``exact`` in :func:`_levels`).
_NEAR = 1e-6
_HALF = 0.005
_FEVER_FROM = FEVER_MIN_C - _HALF  # quantize(t) >= 38.0 exactly when t >= 37.995
_PLAUSIBLE_FROM = TEMPERATURE_MIN_C - _HALF  # 24.995 °C rounds to 25.00 (D14, D15)
_PLAUSIBLE_BELOW = TEMPERATURE_MAX_C + _HALF  # 45.005 °C rounds to 45.01
_LOW_FLOW_BELOW = LOW_FLOW_MAX_L_MIN + _HALF  # 6.005 L/min rounds to 6.01: high flow (D4)

# vasopressor_count as a class: 0 not recorded, 1 + the count (0-6), then "multiple", then any
# other value (the model refuses it).
_COUNT_MULTIPLE = VASOPRESSOR_COUNT_MAX + 2
_COUNT_OTHER = _COUNT_MULTIPLE + 1
_COUNT_CLASSES = _COUNT_OTHER  # the classes hypotension_level reads (not "other")
_COUNT_WORDS = {VASOPRESSOR_COUNT_MULTIPLE: _COUNT_MULTIPLE}
# An item's code -> its agent's bit (index -1, not an agent: no bit).
_AGENT_BIT = np.array([1 << position for position in range(len(_AGENT_LIST))] + [0], np.int64)
# The number of distinct agents in each bit set.
_NAMED = np.array([bin(bits).count("1") for bits in range(1 << len(_AGENT_LIST))], dtype=np.int8)


def _count(count_class: int) -> int | str | None:
    if count_class == 0:
        return None
    if count_class == _COUNT_MULTIPLE:
        return VASOPRESSOR_COUNT_MULTIPLE
    return count_class - 1


def _hypotension_key(hypotension: Any, present: Any, agents: Any, count: Any) -> Any:
    return ((hypotension * 3 + present) * _AGENT_CLASSES + agents) * _COUNT_CLASSES + count


@cache
def _hypotension_states() -> tuple[Codes, int]:
    """hypotension_level over every (hypotension, present, agents, count): a state per input.

    Built on first use (about 5,000 readings of the function itself), then kept.
    """
    states: dict[Any, int] = {}
    table = np.zeros(3 * 3 * _AGENT_CLASSES * _COUNT_CLASSES, dtype=np.int32)
    for hypotension, present, agents, count in product(
        range(3), range(3), range(_AGENT_CLASSES), range(_COUNT_CLASSES)
    ):
        level = hypotension_level(
            _flag(hypotension), _flag(present), _agents(agents), _count(count)
        )
        table[_hypotension_key(hypotension, present, agents, count)] = states.setdefault(
            level, len(states)
        )
    return table, len(states)


def _refused(values: Floats, given: Bools, low: float, high: float) -> Bools:
    """Where a given number is refused: not finite, or outside ``low``-``high`` (D15)."""
    with np.errstate(invalid="ignore"):
        return given & ~((values >= low) & (values <= high))


def _near(values: Floats, *points: float) -> Bools:
    """Where a value is within :data:`_NEAR` of one of ``points`` (decided by the exact path)."""
    with np.errstate(invalid="ignore"):
        near = np.abs(values - points[0]) < _NEAR
        for point in points[1:]:
            near |= np.abs(values - point) < _NEAR
    return near


def _hypoxia_states(keys: Codes, flow: Floats, options: CrsOptions) -> Codes:
    """The state of :func:`~astct_grading.crs.domains.hypoxia_level` per oxygen key (D4).

    A key is the device (0: no oxygen support given) and its flow's class (none, low, high);
    each new key is read by ``hypoxia_level`` on the flow of its first row, and kept.
    """
    table = _HYPOXIA_TABLES.setdefault(
        options.unlabelled_cannula_without_flow, np.full(_OXYGEN_KEYS, -1, dtype=np.int32)
    )
    if (table[keys] < 0).any():
        present = np.zeros(_OXYGEN_KEYS, dtype=bool)
        present[keys] = True
        for key in np.flatnonzero(present & (table < 0)).tolist():
            device, flow_class = divmod(key, 3)
            if device == 0:
                level: Any = "not assessed"
            else:
                row = int(np.argmax(keys == key))
                given = float(flow[row]) if flow_class else None
                level = hypoxia_level(
                    _DEVICE_BY_CODE[device], given, options.unlabelled_cannula_without_flow
                )
            states = _HYPOXIA_LEVELS.setdefault(options.unlabelled_cannula_without_flow, {})
            table[key] = states.setdefault(level, len(states))
    out: Codes = table[keys]
    return out


@dataclass
class _Checks:
    """The verdicts gathered while the levels are read: refused rows, and rows left undecided."""

    invalid: Bools
    exact: Bools


def _fever(columns: Columns, checks: _Checks) -> Codes:
    """Fever present (0, 1; 2 not known): the measured temperature or the ``fever`` flag (D1).

    The temperature is in range when it rounds (D14) into 25-45 °C (D15); it is a fever when it
    rounds to 38.0 °C or more.
    """
    value, value_given = columns.number("temperature.value")
    unit = columns.text("temperature.unit", _UNITS, len(_UNITS) + 1)
    temperature = value_given | (unit > 0)
    fahrenheit = unit == _FAHRENHEIT
    with np.errstate(invalid="ignore", over="ignore"):
        # °F to °C in float arithmetic: off the exact conversion by far less than _NEAR.
        celsius = np.where(fahrenheit, (value - 32) / 1.8, value)
        plausible = (celsius >= _PLAUSIBLE_FROM) & (celsius < _PLAUSIBLE_BELOW)  # D14, D15
        measured = celsius >= _FEVER_FROM  # D1, D14
    checks.exact &= ~(temperature & _near(celsius, _FEVER_FROM, _PLAUSIBLE_FROM, _PLAUSIBLE_BELOW))
    checks.invalid |= temperature & ~(value_given & ((unit == _CELSIUS) | fahrenheit) & plausible)
    fever = columns.flag("fever", UNKNOWN)
    checks.invalid |= temperature & (fever != UNKNOWN) & (fever != measured)  # fever_conflict
    out: Codes = np.where(temperature, measured.astype(np.int8), fever)
    return out


def _pressure(columns: Columns, checks: _Checks) -> tuple[Codes, int]:
    """(state, number of states) of :func:`hypotension_level` per row (D3, D5)."""
    rows = columns.rows
    given, offsets, items = columns.lists("vasopressors", _AGENTS, _NOT_AN_AGENT)
    lengths = np.diff(offsets)
    bits = np.zeros(rows, dtype=np.int64)  # the distinct agents named, as a bit set
    if len(items):
        named = lengths > 0
        starts = offsets[:-1][named]
        refused = items == _NOT_AN_AGENT
        if refused.any():
            checks.invalid[named] |= np.logical_or.reduceat(refused, starts)
        bits[named] = np.bitwise_or.reduceat(_AGENT_BIT[items], starts)
    agents = np.where(given, 1 + bits, 0)
    hypotension = columns.flag("hypotension", UNKNOWN)
    checks.invalid |= (hypotension == FALSE) & (lengths > 0)  # hypotension_conflict

    count = columns.count("vasopressor_count", VASOPRESSOR_COUNT_MAX, _COUNT_WORDS, _COUNT_OTHER)
    if count.any():
        counted = (count > 0) & (count < _COUNT_OTHER)
        number = np.where(count == _COUNT_MULTIPLE, 2, count - 1)  # "multiple": two or more
        positive = counted & (count > 1)
        checks.invalid |= (
            (count == _COUNT_OTHER)
            | (counted & (number < _NAMED[bits]))  # vasopressor_count_conflict
            | (positive & given & (lengths == 0))
            | (positive & (hypotension == FALSE))  # hypotension_conflict
        )
        # "multiple" beside more than two agents named is the model's to judge.
        checks.exact &= ~((count == _COUNT_MULTIPLE) & (_NAMED[bits] > 2))
        count = np.where(count == _COUNT_OTHER, 0, count)

    present = hypotension
    if columns.has("systolic_bp_mmhg") or columns.has("age_years"):
        systolic, systolic_given = columns.number("systolic_bp_mmhg")
        age, age_given = columns.number("age_years")
        checks.invalid |= _refused(systolic, systolic_given, 20, 300)
        checks.invalid |= _refused(age, age_given, 0, 130)
        checks.invalid |= systolic_given & ~age_given  # systolic_needs_age
        with np.errstate(invalid="ignore"):
            below = systolic < systolic_thresholds(age)
        derived = (hypotension == UNKNOWN) & systolic_given & age_given
        present = np.where(derived, below.astype(np.int8), hypotension)
    table, states = _hypotension_states()
    key = _hypotension_key(hypotension.astype(np.int32), present, agents, count)
    return table[key], states


def _support(columns: Columns, checks: _Checks, options: CrsOptions) -> Codes:
    """The state of :func:`hypoxia_level` per row: the device and its flow's class (D4)."""
    device = columns.text("oxygen.device", _DEVICES, len(_DEVICES) + 1)
    flow, flow_given = columns.number("oxygen.flow_l_min")
    fio2, fio2_given = columns.number("oxygen.fio2")
    oxygen = (device > 0) | flow_given | fio2_given
    checks.invalid |= oxygen & ((device == 0) | (device > len(_DEVICES)))
    checks.invalid |= _refused(flow, flow_given, 0, 80) | _refused(fio2, fio2_given, 0.21, 1.0)
    with np.errstate(invalid="ignore"):
        checks.invalid |= (device == _ROOM_AIR) & (  # flow_not_applicable (D4)
            (flow_given & (flow > 0)) | (fio2_given & (fio2 != 0.21))
        )
        low_flow = flow < _LOW_FLOW_BELOW  # D4, D14
    checks.exact &= ~(flow_given & _near(flow, _LOW_FLOW_BELOW))
    flow_class = flow_given * (2 - low_flow)  # 0 none, 1 low, 2 high
    oxygen_key = np.where(oxygen & (device <= len(_DEVICES)), device, 0) * 3 + flow_class
    return _hypoxia_states(oxygen_key, flow, options)


def _levels(columns: Columns, options: CrsOptions = DEFAULT_OPTIONS) -> tuple[Codes, Bools, Bools]:
    """(code, valid, exact) per row: the pattern of levels, and whether the models accept the row.

    ``valid`` is the models' verdict on every row where ``exact`` holds; a row where it does not
    (a reading within a hair of a rounding point, an input read only by the model) is left to
    the per-record path, which decides it exactly.
    """
    checks = _Checks(np.zeros(columns.rows, dtype=bool), np.ones(columns.rows, dtype=bool))
    fever = _fever(columns, checks)
    pressure, pressures = _pressure(columns, checks)
    support = _support(columns, checks, options)
    # organ_toxicity is recorded, never graded (D2): the model alone reads it.
    checks.exact &= ~columns.given("organ_toxicity")
    code = fever.astype(np.int32)
    for digits, radix in (
        (columns.flag("fever_other_cause", FALSE), 3),
        (columns.flag("fever_waiver", UNKNOWN), 3),
        (pressure, pressures),
        (columns.flag("hypotension_other_cause", FALSE), 3),
        (support, _HYPOXIA_STATES),
        (columns.flag("hypoxia_other_cause", FALSE), 3),
        (columns.flag("death_due_to_crs", FALSE), 3),
    ):
        code = code * radix + digits
    return code, ~checks.invalid, checks.exact


#: The output's column names.
NAMES = Names()


def answer_of(result: GradeResult) -> Answer:
    """What the table holds of a per-record result: (lowest, highest, drivers, missing)."""
    return result.grade_min, result.grade_max, result.drivers, result.missing


def _answer(columns: Columns, options: CrsOptions, row: int) -> Answer:
    return answer_of(grade_crs(columns.record(row), options=options))


def _codes(table: pa.Table, options: CrsOptions) -> tuple[Codes, Bools]:
    """(code, valid) of every row, :data:`CHUNK_ROWS` rows at a time.

    A row :func:`_levels` cannot decide exactly is marked not valid: :func:`assemble` then has
    the model validate it and the per-record path grade it.
    """
    codes = np.empty(table.num_rows, dtype=np.int32)
    valid = np.empty(table.num_rows, dtype=bool)
    for start in range(0, table.num_rows, CHUNK_ROWS):
        # The length given exactly: a table without columns does not clamp a slice's length.
        rows = min(CHUNK_ROWS, table.num_rows - start)
        chunk = Columns(table.slice(start, rows), _COLUMNS, kinds=_KINDS, checked=True)
        code, ok, exact = _levels(chunk, options)
        codes[start : start + chunk.rows] = code
        valid[start : start + chunk.rows] = ok & exact
    return codes, valid


def grade_crs_table(
    data: Any,
    *,
    options: CrsOptions = DEFAULT_OPTIONS,
    keep: Sequence[str] = (),
    explain: bool = True,
) -> Any:
    """Grade every row of a table of CRS assessments (ASTCT 2019), column-wise.

    Args:
        data: a pyarrow Table or RecordBatch, or a pandas or polars DataFrame (any eager frame
            narwhals reads), with the CSV columns of ``astct-grading schema --columns crs``
            (any subset) and optionally ``id``.
        options: named alternatives to the default readings, as for :func:`grade_crs`.
        keep: other columns to carry to the output unchanged (after ``id``).
        explain: with False, the ``drivers`` and ``missing`` columns are left out (the grade and
            its bounds only, the fastest form).

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
        ...     "temperature.value": [38.5, 39.0, 30.0, None],
        ...     "temperature.unit": ["C", "C", "K", None],
        ...     "vasopressors": [["noradrenaline"], [], None, None],
        ...     "oxygen.device": ["room_air", "cpap", None, None],
        ... })
        >>> out = grade_crs_table(table)
        >>> out.column("grade").to_pylist(), out.column("grade_max").to_pylist()
        ([3, 4, None, None], [3, 4, None, 4])
        >>> out.column("error_field").to_pylist()
        [None, None, 'temperature.unit', None]
        >>> grade_crs_table(table, explain=False).column_names[:3]
        ['grade', 'grade_min', 'grade_max']
    """
    table = to_arrow(data)
    columns = Columns(table, _COLUMNS, keep, kinds=_KINDS)
    codes, valid = _codes(table, options)
    answers = _TABLES.get(options)
    if answers is None:
        _, pressures = _hypotension_states()
        size = 3**6 * pressures * _HYPOXIA_STATES
        answers = _TABLES[options] = AnswerTable(size)
    answers.fill(codes, valid, lambda row: _answer(columns, options, row), columns.prefetch)
    out = assemble(
        columns,
        codes,
        valid,
        answers,
        CrsAssessment,
        lambda row: _answer(columns, options, row),
        CRITERIA_VERSION,
        keep,
        explain=explain,
    )
    return like(data, out)
