"""The registry of scales: :class:`Scale`, :data:`SCALES`, :data:`COURSE`, :data:`SCHEMA_MODELS`.

A scale is a name, an input model and a grading function, so a new scale plugs in with one
:class:`Scale` entry. Its CSV columns (:class:`CsvColumn`) are derived from the model's annotations;
a misspelt key gets the nearest known name.
"""

from __future__ import annotations

import collections.abc
import datetime
import difflib
import enum
import functools
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, PlainValidator, TypeAdapter, create_model
from pydantic_core import PydanticCustomError

from astct_grading.course import Course, grade_course
from astct_grading.crs.grading import CrsAssessment, grade_crs
from astct_grading.icans import IcansAssessment, grade_icans
from astct_grading.sle.sledai import SledaiVisit, score_sledai2k

__all__ = ["COURSE", "ID_KEY", "SCALES", "SCHEMA_MODELS", "CsvColumn", "Scale"]


#: The key (JSON Lines) or column (CSV) holding a record's id; it is echoed, never validated
#: against the model.
ID_KEY = "id"


_LIST_TYPES = (
    list,
    tuple,
    set,
    frozenset,
    collections.abc.Sequence,
    collections.abc.Set,
    collections.abc.MutableSequence,
)


def _check_id(value: Any) -> Any:
    # A JSON string or integer (never a boolean, float or container), echoed exactly as given;
    # null is no id.
    if (
        value is None
        or isinstance(value, str)
        or (isinstance(value, int) and not isinstance(value, bool))
    ):
        return value
    raise PydanticCustomError("id_type", "a record id must be a string, an integer or null")


class Result(typing.Protocol):
    """What a grading function returns: a result that writes itself as one JSON document."""

    def to_json(self) -> str:
        """The result as a JSON document (UTF-8 text)."""
        ...


@dataclass(frozen=True)
class CsvColumn:
    """What one CSV column holds, read from the input model's annotation.

    Attributes:
        kinds: the kinds of value the cell holds (of each item, for a list): ``boolean``,
            ``integer``, ``number``, ``text``, ``date``, ``date and time`` or ``object``; more
            than one for a union.
        is_list: whether the cell holds a ``;``-separated list.
        values: the allowed values of an enumeration or a literal, as written in a cell; empty
            when any value of the kind is allowed.

    Example:
        >>> column = SCALES["crs"].csv_columns["temperature.unit"]
        >>> column.type, column.values
        ('text', ('C', 'F'))
        >>> SCALES["crs"].csv_columns["vasopressors"].type
        'list of text'
    """

    kinds: tuple[str, ...]
    is_list: bool = False
    values: tuple[str, ...] = ()

    @property
    def type(self) -> str:
        """The kinds as one phrase: ``number``, ``list of text``, ``integer or text``..."""
        kind = " or ".join(self.kinds)
        return f"list of {kind}" if self.is_list else kind

    @property
    def is_boolean(self) -> bool:
        """Whether the cell (or each item) may be a boolean: ``true``/``false`` are read as one."""
        return "boolean" in self.kinds

    @property
    def is_numeric(self) -> bool:
        """Whether the cell holds a number only: a plain numeric cell is read as one."""
        return set(self.kinds) <= {"integer", "number"}


@dataclass(frozen=True)
class Scale:
    """One grading subcommand: an input model and the function that grades it.

    Attributes:
        name: the subcommand, e.g. ``crs``.
        summary: one line for ``--help``.
        model: the input model each record is validated against (unknown fields rejected).
        grade: the grading function; it takes a validated ``model`` instance and returns a result
            that writes itself as JSON with ``to_json()``, the one way a result is written
            (:class:`~astct_grading.core.results.GradeResult`,
            :class:`~astct_grading.core.results.ScoreResult`...).
        id_field: a model field echoed as the record's id when the record has no ``id`` of its
            own (``patient_id`` for a course); None: no fallback.
        records: a TypeAdapter of ``model`` extended with the optional record ``id``: a JSON
            Lines record is validated, id included, in one ``validate_json`` call. It and the
            three below are built on first use, once, not when the module is imported.
        record_model: that extended model itself (the quick reading of a JSON Lines record,
            :func:`~astct_grading.core.quick_json.quick_reader`, is made from it).
        columns: the CSV columns the model accepts: dotted path -> whether it holds a list.
        csv_columns: the same columns -> what each holds (:class:`CsvColumn`), read from the
            model's annotations: what ``schema --columns`` prints and how a cell is read.

    Example:
        >>> scale = SCALES["crs"]
        >>> scale.model.__name__, scale.columns["temperature.value"], scale.columns["vasopressors"]
        ('CrsAssessment', False, True)
        >>> scale.csv_columns["hypotension"].type
        'boolean'
    """

    name: str
    summary: str
    model: type[BaseModel]
    grade: Callable[[Any], Result]
    id_field: str | None = None

    def __post_init__(self) -> None:
        if ID_KEY in self.model.model_fields:
            raise ValueError(f"{self.model.__name__} has a field {ID_KEY!r}, the CLI's record id")

    # Built on first use: a command line run uses one scale, and importing this module (as the
    # table readers do) builds none.
    @functools.cached_property
    def record_model(self) -> type[BaseModel]:
        """``model`` extended with the optional record ``id`` (see the class's attributes)."""
        record: type[BaseModel] = create_model(
            f"{self.model.__name__}Record",
            __base__=self.model,
            id=(typing.Annotated[Any, PlainValidator(_check_id)], None),
        )
        return record

    @functools.cached_property
    def records(self) -> TypeAdapter[BaseModel]:
        """A TypeAdapter of :attr:`record_model` (see the class's attributes)."""
        return TypeAdapter(self.record_model)

    @functools.cached_property
    def csv_columns(self) -> Mapping[str, CsvColumn]:
        """The CSV columns -> what each holds (see the class's attributes)."""
        return types.MappingProxyType(_columns(self.model))

    @functools.cached_property
    def columns(self) -> Mapping[str, bool]:
        """The CSV columns -> whether each holds a list (see the class's attributes)."""
        lists = {path: column.is_list for path, column in self.csv_columns.items()}
        return types.MappingProxyType(lists)


def _members(annotation: Any) -> list[Any]:
    """The types a field accepts: the members of a union (None left out), Annotated unwrapped."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _members(typing.get_args(annotation)[0])
    if origin is typing.Union or origin is types.UnionType:
        return [m for arg in typing.get_args(annotation) for m in _members(arg)]
    return [] if annotation is type(None) else [annotation]


def _is_list(member: Any) -> bool:
    return member in _LIST_TYPES or typing.get_origin(member) in _LIST_TYPES


def _is_model(member: Any) -> bool:
    return isinstance(member, type) and issubclass(member, BaseModel)


#: The order kinds are named in, and which kind a wider one takes in (an integer is a number).
_KIND_ORDER = ("boolean", "integer", "number", "date", "date and time", "text", "object")


def _scalar_kind(member: Any) -> tuple[str, tuple[str, ...]]:
    """(kind, allowed values) of one non-list type a column may hold."""
    if typing.get_origin(member) is typing.Literal:
        args = typing.get_args(member)
        kinds = {_scalar_kind(type(arg))[0] for arg in args}
        values = tuple(str(arg.value if isinstance(arg, enum.Enum) else arg) for arg in args)
        return " or ".join(k for k in _KIND_ORDER if k in kinds), values
    if isinstance(member, type):
        if issubclass(member, enum.Enum):
            kind = "integer" if issubclass(member, int) else "text"
            return kind, tuple(str(item.value) for item in member)
        if issubclass(member, bool):
            return "boolean", ()
        if issubclass(member, int):
            return "integer", ()
        if issubclass(member, float):
            return "number", ()
        if issubclass(member, datetime.datetime):
            return "date and time", ()
        if issubclass(member, datetime.date):
            return "date", ()
        if issubclass(member, BaseModel):
            # A list of models can only be written in a cell by a bare value standing for the
            # model's one required field (a vasopressor by its agent's name).
            required = [info for info in member.model_fields.values() if info.is_required()]
            if len(required) == 1:
                bare = _column(required[0].annotation)
                return bare.kinds[0], bare.values
            return "object", ()
    return "text", ()


def _column(annotation: Any) -> CsvColumn:
    """What a column of this annotation holds (nested models are columns of their own)."""
    kinds: set[str] = set()
    values: list[str] = []
    is_list = False
    pending = [m for m in _members(annotation) if not _is_model(m)]
    while pending:
        member = pending.pop(0)
        if _is_list(member):
            is_list = True
            items = [arg for arg in typing.get_args(member) if arg is not Ellipsis]
            pending.extend(m for item in items for m in _members(item))
            continue
        kind, allowed = _scalar_kind(member)
        kinds.update(kind.split(" or "))
        values.extend(value for value in allowed if value not in values)
    if "number" in kinds:
        kinds.discard("integer")
    if not kinds:
        kinds.add("text")
    ordered = tuple(kind for kind in _KIND_ORDER if kind in kinds)
    return CsvColumn(ordered, is_list, tuple(values))


def _columns(
    model: type[BaseModel], prefix: str = "", within: frozenset[type[BaseModel]] = frozenset()
) -> dict[str, CsvColumn]:
    """The CSV columns of a model: dotted paths into nested models -> what each holds."""
    if not model.__pydantic_complete__:  # forward references left to resolve (pydantic defers)
        model.model_rebuild()
    columns: dict[str, CsvColumn] = {}
    within = within | {model}
    for name, info in model.model_fields.items():
        path = prefix + (info.alias or name)
        members = _members(info.annotation)
        nested = [m for m in members if _is_model(m)]
        plain = [m for m in members if m not in nested]
        for sub in nested:
            if sub not in within:  # a recursive model cannot be flattened into columns
                columns.update(_columns(sub, path + ".", within))
        if plain or not nested:
            columns[path] = _column(info.annotation)
    return columns


def _models_within(annotation: Any) -> set[type[BaseModel]]:
    """The models a field may hold, through unions, Annotated and containers."""
    found: set[type[BaseModel]] = set()
    pending = [annotation]
    while pending:
        hint = pending.pop()
        if _is_model(hint):
            found.add(hint)
        pending.extend(arg for arg in typing.get_args(hint) if arg is not Ellipsis)
    return found


def _names_at(model: type[BaseModel], path: Sequence[str]) -> list[str]:
    """The field names valid in the object at ``path`` (keys only, no list positions)."""
    models = {model}
    for part in path:
        inner: set[type[BaseModel]] = set()
        for current in models:
            for name, info in current.model_fields.items():
                if part in (name, info.alias):
                    inner |= _models_within(info.annotation)
        models = inner
    names = {
        info.alias or name for current in models for name, info in current.model_fields.items()
    }
    if not path:
        names.add(ID_KEY)
    return sorted(names)


def _nearest(name: str, known: Iterable[str]) -> str:
    """``; did you mean 'x'?`` with the known name nearest ``name`` (any case), or ""."""
    by_folded = {known_name.casefold(): known_name for known_name in known}
    close = difflib.get_close_matches(name.casefold(), by_folded, n=1)
    return f"; did you mean {by_folded[close[0]]!r}?" if close else ""


def _did_you_mean(model: type[BaseModel], loc: Sequence[str | int]) -> str:
    """``; did you mean 'x'?`` for a misspelt key at ``loc``, or "" when nothing is close."""
    if not loc or not isinstance(loc[-1], str):
        return ""
    # List positions do not change the names valid at a place: leaving them out of the key lets
    # the same misspelling in every record (a column name, most often) be looked up once.
    where = tuple(part for part in loc[:-1] if isinstance(part, str))
    return _suggestion(model, where, loc[-1])


@functools.lru_cache(maxsize=1024)
def _suggestion(model: type[BaseModel], where: tuple[str, ...], key: str) -> str:
    return _nearest(key, _names_at(model, where))


#: The record-by-record grading subcommands (JSON Lines or CSV), by name. A new scale is one entry
#: here.
SCALES: dict[str, Scale] = {
    scale.name: scale
    for scale in (
        Scale(
            "crs",
            "grade cytokine release syndrome assessments (ASTCT 2019)",
            CrsAssessment,
            grade_crs,
        ),
        Scale(
            "icans",
            "grade immune effector cell-associated neurotoxicity (ASTCT 2019)",
            IcansAssessment,
            grade_icans,
        ),
        Scale("sledai", "score SLEDAI-2K visits (Gladman 2002)", SledaiVisit, score_sledai2k),
    )
}


#: ``course``: one patient's course per JSON Lines record (a course nests lists, so no CSV). Its id
#: is the record's ``id``, or else the course's ``patient_id``.
COURSE = Scale(
    "course",
    "grade patient courses: assessments over time, episodes, SLEDAI-2K trajectory",
    Course,
    grade_course,
    id_field="patient_id",
)


#: The input models whose JSON Schema ``schema MODEL`` prints: every scale's, and any other.
SCHEMA_MODELS: dict[str, type[BaseModel]] = {
    **{name: scale.model for name, scale in SCALES.items()},
    COURSE.name: COURSE.model,
}
