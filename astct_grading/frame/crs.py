"""CRS graded column-wise: the ASTCT 2019 rules on whole tables (Lee et al. BBMT 2019).

The columns are the command line's CSV columns (``astct-grading schema --columns crs``). Each
row is validated by the models' rules, vectorised (ranges, enums, synonyms, D14 rounding; see
:mod:`astct_grading.frame._numbers`), then reduced to the levels the per-record grading reads
(:mod:`astct_grading.crs.domains`): fever present, the hypotension level
(:func:`~astct_grading.crs.domains.hypotension_level`, by the vasopressor agents given, D3, and
the PALS systolic thresholds, D5), the oxygen device and whether its flow is low (D4), and the
yes/no inputs (attribution D2, waiver D1, death D6). Every number is read from
:mod:`astct_grading.criteria.crs`: ``FEVER_MIN_C``, ``LOW_FLOW_MAX_L_MIN``, the PALS constants,
``OxygenDevice``, ``VasopressorAgent``, ``VASOPRESSOR_SYNONYMS`` and ``INOTROPES``.

The bounds, drivers and missing inputs of each pattern of levels are the library's own
(:func:`astct_grading.grade_crs` on one row per pattern; :mod:`astct_grading.frame._results`).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import product
from typing import Any

import numpy as np
import numpy.typing as npt

from astct_grading.cli.scales import SCALES
from astct_grading.core.validation import (
    _TEMPERATURE_MAX_F,
    _TEMPERATURE_MIN_F,
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
    VASOPRESSOR_SYNONYMS,
    OxygenDevice,
    VasopressorAgent,
)
from astct_grading.crs.domains import hypotension_level, hypoxia_level
from astct_grading.crs.grading import grade_crs
from astct_grading.crs.models import DEFAULT_OPTIONS, CrsAssessment, CrsOptions
from astct_grading.frame._numbers import fahrenheit_to_celsius, quantize_array
from astct_grading.frame._results import Answer, AnswerTable, assemble
from astct_grading.frame._table import FALSE, UNKNOWN, Columns, FrameError, like, to_arrow

__all__ = ["grade_crs_table", "systolic_thresholds"]

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Codes = npt.NDArray[np.int64]

#: CRS inputs the table path does not read yet (docs/frame.md, "Not done yet"): a table holding
#: one is refused as a whole as an unknown column, never graded as if it were absent.
NOT_YET_COLUMNS = ("vasopressor_count", "organ_toxicity")
_COLUMNS = {
    name: column
    for name, column in SCALES["crs"].csv_columns.items()
    if name not in NOT_YET_COLUMNS
}

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


def _hypotension_states() -> tuple[Codes, int]:
    """hypotension_level over every (hypotension, present, agents): a state number per input."""
    states: dict[Any, int] = {}
    table = np.zeros(3 * 3 * _AGENT_CLASSES, dtype=np.int64)
    for hypotension, present, agents in product(range(3), range(3), range(_AGENT_CLASSES)):
        level = hypotension_level(_flag(hypotension), _flag(present), _agents(agents))
        key = (hypotension * 3 + present) * _AGENT_CLASSES + agents
        table[key] = states.setdefault(level, len(states))
    return table, len(states)


_HYPOTENSION_STATE, _HYPOTENSION_STATES = _hypotension_states()
# The oxygen key: the device (0: no oxygen support given) x its flow (0 none, 1 low, 2 high).
_OXYGEN_KEYS = (len(OxygenDevice) + 1) * 3
#: The hypoxia levels :func:`hypoxia_level` gives (and "not assessed"), numbered as met, per
#: reading of an unlabelled cannula; at most one per device and flow class.
_HYPOXIA_STATES = _OXYGEN_KEYS
_HYPOXIA: dict[str, dict[int, int]] = {}
_HYPOXIA_LEVELS: dict[str, dict[Any, int]] = {}
_CODES = 3**6 * _HYPOTENSION_STATES * _HYPOXIA_STATES

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


def _within(values: Floats, given: Bools, low: float, high: float) -> Bools:
    """Where a given number is refused: not finite, or outside ``low``-``high`` (D15)."""
    with np.errstate(invalid="ignore"):
        return given & ~((values >= low) & (values <= high))


def _hypoxia_states(keys: Codes, flow: Floats, options: CrsOptions) -> Codes:
    """The state of :func:`~astct_grading.crs.domains.hypoxia_level` per oxygen key (D4).

    A key is the device (0: no oxygen support given) and its flow's class (none, low, high);
    each new key is read by ``hypoxia_level`` on the flow of its first row, and kept.
    """
    known = _HYPOXIA.setdefault(options.unlabelled_cannula_without_flow, {})
    table = np.zeros(_OXYGEN_KEYS, dtype=np.int64)
    present = np.zeros(_OXYGEN_KEYS, dtype=bool)
    present[keys] = True
    for key in np.flatnonzero(present):
        if int(key) not in known:
            device, flow_class = divmod(int(key), 3)
            if device == 0:
                level: Any = "not assessed"
            else:
                row = int(np.argmax(keys == key))
                given = float(flow[row]) if flow_class else None
                level = hypoxia_level(
                    _DEVICE_BY_CODE[device], given, options.unlabelled_cannula_without_flow
                )
            states = _HYPOXIA_LEVELS.setdefault(options.unlabelled_cannula_without_flow, {})
            known[int(key)] = states.setdefault(level, len(states))
        table[key] = known[int(key)]
    return table[keys]


def _levels(columns: Columns, options: CrsOptions = DEFAULT_OPTIONS) -> tuple[Codes, Bools]:
    """(code, valid) per row: the pattern of levels, and whether the models accept the row."""
    rows = columns.rows
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
        measured = celsius >= FEVER_MIN_C  # D1, D14
    invalid = temperature & ~(
        value_given & np.isfinite(value) & ((unit == _CELSIUS) | (unit == _FAHRENHEIT)) & plausible
    )
    fever = columns.flag("fever", UNKNOWN)
    invalid |= temperature & (fever != UNKNOWN) & (fever != measured)  # fever_conflict
    fever = np.where(temperature, measured.astype(np.int64), fever)

    systolic, systolic_given = columns.number("systolic_bp_mmhg")
    age, age_given = columns.number("age_years")
    invalid |= _within(systolic, systolic_given, 20, 300) | _within(age, age_given, 0, 130)
    invalid |= systolic_given & ~age_given  # systolic_needs_age

    given, offsets, items = columns.lists("vasopressors", _AGENTS, _NOT_AN_AGENT)
    before = np.concatenate(([0], np.cumsum(items == _NOT_AN_AGENT)))
    invalid |= before[offsets[1:]] != before[offsets[:-1]]
    bits = np.zeros(rows, dtype=np.int64)
    for position in range(len(_AGENT_LIST)):
        count = np.concatenate(([0], np.cumsum(items == position)))
        bits |= (count[offsets[1:]] != count[offsets[:-1]]).astype(np.int64) << position
    agents = np.where(given, 1 + bits, 0)
    hypotension = columns.flag("hypotension", UNKNOWN)
    invalid |= (hypotension == FALSE) & (np.diff(offsets) > 0)  # hypotension_conflict
    with np.errstate(invalid="ignore"):
        below = systolic < systolic_thresholds(age)
    derived = (hypotension == UNKNOWN) & systolic_given & age_given
    present = np.where(derived, below.astype(np.int64), hypotension)
    pressure = _HYPOTENSION_STATE[(hypotension * 3 + present) * _AGENT_CLASSES + agents]

    device = columns.text("oxygen.device", _DEVICES, len(_DEVICES) + 1)
    flow, flow_given = columns.number("oxygen.flow_l_min")
    fio2, fio2_given = columns.number("oxygen.fio2")
    oxygen = (device > 0) | flow_given | fio2_given
    invalid |= oxygen & ((device == 0) | (device > len(_DEVICES)))
    invalid |= _within(flow, flow_given, 0, 80) | _within(fio2, fio2_given, 0.21, 1.0)
    with np.errstate(invalid="ignore"):
        invalid |= (device == _ROOM_AIR) & (  # flow_not_applicable (D4)
            (flow_given & (flow > 0)) | (fio2_given & (fio2 != 0.21))
        )
        low_flow = quantize_array(flow) <= LOW_FLOW_MAX_L_MIN
    flow_class = np.where(flow_given, np.where(low_flow, 1, 2), 0)
    oxygen_key = np.where(oxygen & (device <= len(_DEVICES)), device, 0) * 3 + flow_class
    support = _hypoxia_states(oxygen_key, flow, options)

    code = fever
    for digits, radix in (
        (columns.flag("fever_other_cause", FALSE), 3),
        (columns.flag("fever_waiver", UNKNOWN), 3),
        (pressure, _HYPOTENSION_STATES),
        (columns.flag("hypotension_other_cause", FALSE), 3),
        (support, _HYPOXIA_STATES),
        (columns.flag("hypoxia_other_cause", FALSE), 3),
        (columns.flag("death_due_to_crs", FALSE), 3),
    ):
        code = code * radix + digits
    return code, ~invalid


def _answer(columns: Columns, options: CrsOptions, row: int) -> Answer:
    result = grade_crs(columns.record(row), options=options)
    return result.grade_min, result.grade_max, result.drivers, result.missing


def grade_crs_table(
    data: Any, *, options: CrsOptions = DEFAULT_OPTIONS, keep: Sequence[str] = ()
) -> Any:
    """Grade every row of a table of CRS assessments (ASTCT 2019), column-wise.

    Args:
        data: a pyarrow Table or RecordBatch, or a pandas or polars DataFrame (any eager frame
            narwhals reads), with the CSV columns of ``astct-grading schema --columns crs``
            (any subset) and optionally ``id``.
        options: named alternatives to the default readings, as for :func:`grade_crs`.
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
    """
    table = to_arrow(data)
    for name in NOT_YET_COLUMNS:
        if name in table.column_names and name not in keep:
            raise FrameError(
                f"column {name!r} is a CRS input the table path does not read yet "
                "(docs/frame.md): grade these records with grade_crs or JSON Lines"
            )
    columns = Columns(table, _COLUMNS, keep)
    codes, valid = _levels(columns, options)
    answers = _TABLES.get(options)
    if answers is None:
        answers = _TABLES[options] = AnswerTable(_CODES)
    answers.fill(codes, valid, lambda row: _answer(columns, options, row))
    out = assemble(
        columns,
        codes,
        valid,
        answers,
        CrsAssessment,
        lambda row: _answer(columns, options, row),
        CRITERIA_VERSION,
        keep,
    )
    return like(data, out)
