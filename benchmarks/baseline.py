"""Yardsticks measured in the same run as the library (docs/performance.md).

Machines here are shared and noisy, so the library's speed is reported as a ratio to two
baselines timed alongside it on the same records:

* a naive grader: ``json.loads`` and a hand-written if-ladder that returns a bare grade (no
  validation beyond what the ladder touches, no bounds, no explanation). It is what a careful
  script would do, and it is the fastest a record-by-record Python path can reasonably be;
* a minimal pydantic model of the same shape (:func:`plain_model`: plain types, enums as
  ``str``, no validators of its own): the ceiling for validating the record with pydantic at all.

These grade and validate nothing for real: they exist to be timed. The naive graders do not use
the library.
"""

from __future__ import annotations

import collections.abc
import enum
import functools
import json
import operator
import types
import typing
from typing import Any

from pydantic import BaseModel, ConfigDict, create_model

# --- Naive graders ----------------------------------------------------------------------------

_VASOPRESSIN = "vasopressin"
_HIGH_FLOW_DEVICES = {"high_flow_nasal_cannula", "simple_facemask", "non_rebreather", "venturi"}
_POSITIVE_PRESSURE = {"cpap", "bipap", "mechanical_ventilation"}


def naive_crs(line: bytes) -> int:
    """A CRS grade by a plain if-ladder over ``json.loads`` (fever, pressors, oxygen)."""
    record = json.loads(line)
    temperature = record.get("temperature")
    if temperature is not None:
        value = temperature["value"]
        celsius = value if temperature["unit"] == "C" else (value - 32) * 5 / 9
        fever = celsius >= 38.0
    else:
        fever = bool(record.get("fever"))
    if not fever and not record.get("fever_waiver"):
        return 0
    grade = 1
    if record.get("hypotension"):
        agents = {a if isinstance(a, str) else a["agent"] for a in record.get("vasopressors") or ()}
        others = len(agents - {_VASOPRESSIN})
        grade = 4 if others >= 2 else 3 if agents else 2
    oxygen = record.get("oxygen")
    if oxygen is not None:
        device = oxygen["device"]
        if device in _POSITIVE_PRESSURE:
            grade = max(grade, 4)
        elif device in _HIGH_FLOW_DEVICES:
            grade = max(grade, 3)
        elif device == "nasal_cannula":
            flow = oxygen.get("flow_l_min")
            grade = max(grade, 3 if flow is not None and flow > 6 else 2)
        elif device != "room_air":
            grade = max(grade, 2)
    return grade


_ICE_ITEMS = (
    "orientation_year",
    "orientation_month",
    "orientation_city",
    "orientation_hospital",
    "naming_object_1",
    "naming_object_2",
    "naming_object_3",
    "follows_commands",
    "writes_sentence",
    "counts_back_by_ten",
)
_CAPD_REVERSED = (
    "eye_contact",
    "purposeful_actions",
    "aware_of_surroundings",
    "communicates_needs",
)
_CAPD_OTHERS = ("restless", "inconsolable", "underactive", "slow_to_respond")
_CAPD_POINTS = {"never": 0, "rarely": 1, "sometimes": 2, "often": 3, "always": 4}
_CONSCIOUSNESS = {
    "alert": 0,
    "awakens_spontaneously": 1,
    "awakens_to_voice": 2,
    "awakens_to_tactile_stimulus": 3,
    "unarousable": 4,
}
_MOTOR = {"none": 0, "hemiparesis": 4, "paraparesis": 4}


def _ice_grade(ice: dict[str, Any]) -> int:
    total = ice.get("total")
    if total is None:
        total = sum(ice.get(item) or 0 for item in _ICE_ITEMS)
    return 0 if total == 10 else 1 if total >= 7 else 2 if total >= 3 else 3


def _capd_grade(capd: dict[str, Any]) -> int:
    total = capd.get("total")
    if total is None:
        total = sum(4 - _CAPD_POINTS[capd.get(k) or "always"] for k in _CAPD_REVERSED) + sum(
            _CAPD_POINTS[capd.get(k) or "never"] for k in _CAPD_OTHERS
        )
    return 0 if total == 0 else 1 if total <= 8 else 3


def naive_icans(line: bytes) -> int:
    """An ICANS grade by a plain if-ladder over ``json.loads`` (the worst domain)."""
    record = json.loads(line)
    grade = 0
    age = record.get("age_years")
    if age is not None and age >= 12 and record.get("ice") is not None:
        grade = _ice_grade(record["ice"])
    elif record.get("capd") is not None:
        grade = _capd_grade(record["capd"])
    consciousness = record.get("consciousness")
    if consciousness is not None:
        grade = max(grade, _CONSCIOUSNESS.get(consciousness, 0))
    if record.get("seizure"):
        grade = max(grade, 4 if record.get("seizure_over_5_min") else 3)
    motor = record.get("motor")
    if motor is not None:
        grade = max(grade, _MOTOR.get(motor, 0))
    for finding in record.get("icp") or ():
        grade = max(grade, 3 if finding == "focal_oedema" else 4)
    return grade


_SLEDAI_WEIGHTS = {
    "seizure": 8,
    "psychosis": 8,
    "organic_brain_syndrome": 8,
    "visual_disturbance": 8,
    "cranial_nerve_disorder": 8,
    "lupus_headache": 8,
    "cerebrovascular_accident": 8,
    "vasculitis": 8,
    "arthritis": 4,
    "myositis": 4,
    "urinary_casts": 4,
    "haematuria": 4,
    "proteinuria": 4,
    "pyuria": 4,
    "rash": 2,
    "alopecia": 2,
    "mucosal_ulcers": 2,
    "pleurisy": 2,
    "pericarditis": 2,
    "low_complement": 2,
    "increased_dna_binding": 2,
    "fever": 1,
    "thrombocytopenia": 1,
    "leukopenia": 1,
}


def naive_sledai(line: bytes) -> int:
    """A SLEDAI-2K score by summing the weights of the descriptors given as true."""
    record = json.loads(line)
    return sum(weight for name, weight in _SLEDAI_WEIGHTS.items() if record.get(name) is True)


# --- Minimal pydantic models (the validation ceiling) ----------------------------------------

_PLAIN = ConfigDict(extra="forbid", frozen=True)


def _plain_type(annotation: Any, made: dict[type[BaseModel], type[BaseModel]]) -> Any:
    """The plainest type that accepts what ``annotation`` accepts: no validators, no bounds."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _plain_type(typing.get_args(annotation)[0], made)
    if origin is typing.Union or origin is types.UnionType:
        members = [_plain_type(arg, made) for arg in typing.get_args(annotation)]
        return functools.reduce(operator.or_, members)
    if origin in (tuple, list, collections.abc.Sequence):
        item = _plain_type(typing.get_args(annotation)[0], made)
        if isinstance(item, type) and issubclass(item, BaseModel):
            item = str | item  # list entries may be given by name (a vasopressor)
        return list[item]  # type: ignore[valid-type]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return plain_model(annotation, made)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return str
    return annotation


def plain_model(
    model: type[BaseModel], made: dict[type[BaseModel], type[BaseModel]] | None = None
) -> type[BaseModel]:
    """A minimal pydantic model with ``model``'s fields: plain types, enums as ``str``.

    It has the same shape (field names, nesting, optionality) and none of the library's own
    validation (units, ranges, synonyms, cross-field checks), so validating a record with it is
    the ceiling for validating that record with pydantic at all.
    """
    made = {} if made is None else made
    if model not in made:
        fields: dict[str, Any] = {
            name: (_plain_type(info.annotation, made), None if not info.is_required() else ...)
            for name, info in model.model_fields.items()
        }
        made[model] = create_model(f"Plain{model.__name__}", __config__=_PLAIN, **fields)
    return made[model]
