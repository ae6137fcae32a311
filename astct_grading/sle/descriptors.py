"""SLEDAI-2K descriptors as scored: points, what is missing, and the explanation's parts.

A descriptor's points depend on two small inputs: whether its finding is present (the clinician's
call, else what its raw values say, else unknown) and whether it is due to a cause its definition
excludes (D17). Its points range and the inputs that can change them are computed by the core
engine (:func:`astct_grading.core.bounds.domain`, D13) over those two inputs, once for every case
(tests/equivalence/test_sledai_engine.py checks them against ``core.bounds.exhaustive``); a visit
is then scored by looking its descriptors up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from operator import getitem, itemgetter
from typing import Any, NamedTuple

from pydantic import ValidationError
from pydantic_core import InitErrorDetails

from astct_grading.core.bounds import Values, domain
from astct_grading.criteria.sledai2k import MAX_SCORE, Descriptor, DescriptorRule, descriptors
from astct_grading.sle.models import SledaiVisit
from astct_grading.sle.options import Sledai2kOptions
from astct_grading.sle.readings import RAW_FIELDS, Reader, conflict, raw_readings, readers
from astct_grading.sle.results import Basis, SledaiItem

__all__ = [
    "CALLS",
    "OTHER_CAUSE_FIELDS",
    "Entry",
    "cause_values",
    "descriptor_inputs",
    "descriptor_points",
    "entries",
    "other_causes",
    "template",
    "totals",
]


def _arthritis_reading_conflict(given: bool, count: int, options: Sledai2kOptions) -> None:
    """At exactly 2 joints the reading of D16 decides; a contradicting call is bad input."""
    reading = (
        "'≥ 2 joints' (SLEDAI-2K, D16)"
        if options.arthritis_threshold == "two_or_more"
        else "'more than 2 joints' (original SLEDAI option, D16)"
    )
    error = conflict(Descriptor.ARTHRITIS, given, f"{count} inflamed joints", f"read as {reading}")
    details: InitErrorDetails = {"type": error, "loc": ("arthritis",), "input": given}
    raise ValidationError.from_exception_data(SledaiVisit.__name__, [details])


def _causes(rule: DescriptorRule) -> str:
    return ", ".join(rule.excluded_causes)


#: The values of a yes/no input: one when known, both when not (D13).
_BOTH: Values = (True, False)


def descriptor_inputs(present: bool | None, other: bool | None) -> list[Values]:
    """The values a descriptor's two inputs can take: present, and due to an excluded cause.

    Example:
        >>> descriptor_inputs(True, None)
        [(True,), (True, False)]
    """
    return [_BOTH if present is None else (present,), _BOTH if other is None else (other,)]


def descriptor_points(weight: int) -> Callable[[bool, bool], int]:
    """A descriptor's points at one value of its inputs (Gladman 2002 form; D17).

    Its weight when present and not due to an excluded cause, else 0.

    Example:
        >>> descriptor_points(4)(True, False), descriptor_points(4)(True, True)
        (4, 0)
    """

    def rule(present: bool, other: bool) -> int:
        return weight if present and not other else 0

    return rule


class _Template(NamedTuple):
    """A scored descriptor, short of the raw evidence's text (D13, D17).

    Everything but that text follows from the clinician's call, the cause and what the raw values
    say (present or not, and which are unmeasured), so templates are built once, for every case.
    """

    name: str
    weight: int
    basis: Basis
    present: bool | None
    excluded: bool | None
    serological: bool
    points_min: int
    points_max: int
    missing: tuple[str, ...]
    #: The evidence is ``head + detail + tail`` (``head`` alone when the raw detail is not used).
    head: str
    tail: str
    uses_detail: bool
    #: The parts of the explanation, before the evidence (counted, excluded), or whole (open).
    counted: str | None
    excluded_part: str | None
    open_part: str | None


def template(
    rule: DescriptorRule,
    given: bool | None,
    other: bool | None,
    raw: tuple[bool | None, tuple[str, ...]] | None,
) -> _Template:
    """Score one descriptor from the clinician's call, the raw evidence and the cause (D13, D17).

    ``raw`` is what the raw values say (present, the raw fields unmeasured), None without them.

    Example:
        >>> from astct_grading.criteria.sledai2k import Descriptor, descriptors
        >>> t = template(descriptors()[Descriptor.FEVER], True, None, None)
        >>> t.points_min, t.points_max, t.missing
        (0, 1, ('fever_other_cause',))
    """
    name = rule.descriptor.value
    raw_present = raw[0] if raw is not None else None
    present = given if given is not None else raw_present
    if given is not None:
        basis = Basis.CLINICIAN_AND_RAW_VALUE if raw_present is not None else Basis.CLINICIAN
    else:
        basis = Basis.RAW_VALUE if raw_present is not None else Basis.NOT_ASSESSED

    # The engine: the points over every value the two inputs can take, and which can change them.
    scored = domain(
        descriptor_points(rule.weight), descriptor_inputs(present, other), lambda c: bool(c[0])
    )
    low, high = scored.span
    matters = scored.matters[0]
    missing: list[str] = []
    if 0 in matters:
        unmeasured = raw[1] if raw is not None else RAW_FIELDS.get(rule.descriptor, ())
        missing.extend((name, *unmeasured))
    if 1 in matters:
        missing.append(f"{name}_other_cause")
    can_be_present = present is not False

    head, tail, uses_detail = "", "", raw is not None
    if basis is Basis.CLINICIAN:
        head, uses_detail = ("clinician's call" if given else "absent by clinician's call"), False
    elif basis is Basis.CLINICIAN_AND_RAW_VALUE:
        tail = ", as the clinician recorded"
    elif basis is Basis.NOT_ASSESSED:
        head, tail = ("not assessed (", ")") if uses_detail else ("not assessed", "")
    if can_be_present and other:
        tail += f", due to an excluded cause ({_causes(rule)}): not scored (D17)"
    elif can_be_present and other is None:
        tail += f", excluded cause ({_causes(rule)}) not known (D17)"
    if not uses_detail:
        head, tail = head + tail, ""

    return _Template(
        name,
        rule.weight,
        basis,
        present,
        other,
        rule.serological,
        low,
        high,
        tuple(missing),
        head,
        tail,
        uses_detail,
        f"{name} {low} (" if low > 0 else None,
        f"{name} (" if present and other else None,
        f"{name} 0 or {high}" if low != high else None,
    )


#: One descriptor as scored, with its share of the totals and of the explanation: the item, its
#: points (min, max), its clinical-SLEDAI points (min, max; 0 for serology, D19), the inputs it
#: misses, and its parts of the explanation (counted, excluded, open; None when it has none).
Entry = tuple[SledaiItem, int, int, int, int, tuple[str, ...], str | None, str | None, str | None]


def _entry(scored: _Template, detail: str) -> Entry:
    """The scored descriptor of a template, with the raw evidence's text (D13, D17)."""
    (
        name,
        weight,
        basis,
        present,
        excluded,
        serological,
        low,
        high,
        missing,
        head,
        tail,
        uses_detail,
        counted,
        excluded_part,
        open_part,
    ) = scored
    evidence = head + detail + tail if uses_detail else head
    item = SledaiItem(
        name, low, high, evidence, weight, basis, present, excluded, serological, missing
    )
    return (
        item,
        low,
        high,
        0 if serological else low,  # clinical SLEDAI leaves out serology (D19)
        0 if serological else high,
        missing,
        None if counted is None else f"{counted}{evidence})",
        None if excluded_part is None else f"{excluded_part}{evidence})",
        open_part,
    )


#: The values a clinician's call (or a cause) can take: present, absent, not known.
CALLS: tuple[bool | None, ...] = (True, False, None)
OTHER_CAUSE_FIELDS = tuple(
    f"{rule.descriptor.value}_other_cause"
    for rule in descriptors().values()
    if rule.excluded_causes
)
#: The descriptors' fields, in the order of the form.
_NAMES = tuple(d.value for d in descriptors())
_calls = itemgetter(*_NAMES)
#: The visit's *_other_cause fields, in the order of the form.
other_causes = itemgetter(*OTHER_CAUSE_FIELDS)
#: Per descriptor, where its cause is in ``(*other_causes(data), False)``: a descriptor whose
#: definition excludes no cause reads the constant False at the end.
_cause_of_each = itemgetter(
    *(
        OTHER_CAUSE_FIELDS.index(f"{rule.descriptor.value}_other_cause")
        if rule.excluded_causes
        else len(OTHER_CAUSE_FIELDS)
        for rule in descriptors().values()
    )
)


def cause_values(rule: DescriptorRule) -> tuple[bool | None, ...]:
    """The values its *_other_cause field can take (always False without such a field).

    Example:
        >>> from astct_grading.criteria.sledai2k import Descriptor, descriptors
        >>> cause_values(descriptors()[Descriptor.RASH])
        (False,)
    """
    return CALLS if rule.excluded_causes else (False,)


#: One descriptor with raw values: position, field, *_other_cause field (if any), raw fields,
#: reader, and (call, cause, present, unmeasured) -> template.
_RawPlan = tuple[
    int,
    str,
    str | None,
    tuple[str, ...],
    Reader,
    Mapping[tuple[bool | None, bool | None, bool | None, tuple[str, ...]], _Template],
]


@cache
def _by_call() -> tuple[Mapping[tuple[bool | None, bool | None], Entry], ...]:
    """Per descriptor, in the order of the form: (call, cause) -> its entry without raw values.

    Without a raw value an entry depends on those two small inputs only, and entries are
    immutable, so they are built once, on first use (at most 24 x 3 x 3); lazily, so that
    mutation testing builds them again after emptying caches.
    """
    return tuple(
        {
            (given, other): _entry(template(rule, given, other, None), "")
            for given in CALLS
            for other in cause_values(rule)
        }
        for rule in descriptors().values()
    )


#: Bits per total in a packed entry: every total is at most MAX_SCORE (105), so four totals
#: side by side in one integer never carry into each other, however many entries are summed.
_BITS = MAX_SCORE.bit_length()
_MASK = (1 << _BITS) - 1


#: The descriptors whose definition excludes no cause, and those that exclude one (their
#: *_other_cause fields are :data:`OTHER_CAUSE_FIELDS`, in the same order): positions and calls.
_WITHOUT_CAUSE = tuple(i for i, r in enumerate(descriptors().values()) if not r.excluded_causes)
_WITH_CAUSE = tuple(i for i, r in enumerate(descriptors().values()) if r.excluded_causes)
_calls_without_cause = itemgetter(*(_NAMES[i] for i in _WITHOUT_CAUSE))
_calls_with_cause = itemgetter(*(_NAMES[i] for i in _WITH_CAUSE))


def _pack(entry: Entry) -> int:
    _, low, high, clinical_low, clinical_high, *_ = entry
    return low | high << _BITS | clinical_low << 2 * _BITS | clinical_high << 3 * _BITS


@cache
def _packed_by_call() -> tuple[
    tuple[Mapping[bool | None, int], ...], tuple[Mapping[tuple[bool | None, bool | None], int], ...]
]:
    """:func:`_by_call` with each entry's four points packed into one integer (:func:`totals`).

    For the descriptors that exclude no cause, by the call alone (their cause is always False);
    for the others, by the call and the cause.
    """
    tables = _by_call()
    return (
        tuple({given: _pack(tables[i][given, False]) for given in CALLS} for i in _WITHOUT_CAUSE),
        tuple({key: _pack(e) for key, e in tables[i].items()} for i in _WITH_CAUSE),
    )


def totals(data: Mapping[str, Any]) -> tuple[int, int, int, int] | None:
    """A visit's lowest and highest SLEDAI-2K and clinical SLEDAI, when no raw value is given.

    The sums of :func:`entries`' points (D13, D17), found with one lookup per descriptor and one
    sum; None when a raw value is given (then sum the entries, which read it).

    Example:
        >>> from astct_grading.criteria.sledai2k import Descriptor
        >>> everything_else = {d.value: False for d in Descriptor}
        >>> visit = {**everything_else, "seizure": True, "low_complement": True}
        >>> totals(SledaiVisit(**visit).__dict__)
        (10, 10, 8, 8)
        >>> totals(SledaiVisit(seizure=True).__dict__)
        (8, 105, 8, 101)
        >>> totals(SledaiVisit(platelets_10e9_l=80).__dict__) is None
        True
    """
    if _raw_values(data) != _NO_RAW_VALUES:
        return None
    without_cause, with_cause = _packed_by_call()
    packed = sum(map(getitem, without_cause, _calls_without_cause(data))) + sum(
        map(getitem, with_cause, zip(_calls_with_cause(data), other_causes(data), strict=True))
    )
    return (
        packed & _MASK,
        packed >> _BITS & _MASK,
        packed >> 2 * _BITS & _MASK,
        packed >> 3 * _BITS,
    )


@cache
def _raw_plan() -> tuple[_RawPlan, ...]:
    """The descriptors with raw values, in the order of the form, with their templates."""
    return tuple(
        (
            position,
            rule.descriptor.value,
            f"{rule.descriptor.value}_other_cause" if rule.excluded_causes else None,
            RAW_FIELDS[rule.descriptor],
            readers()[rule.descriptor.value],
            {
                (given, other, *reading): template(rule, given, other, reading)
                for given in CALLS
                for other in cause_values(rule)
                for reading in raw_readings(rule.descriptor)
            },
        )
        for position, rule in enumerate(descriptors().values())
        if rule.descriptor in RAW_FIELDS
    )


#: Every raw field, in the order of the form, a getter of their values, and their values when
#: none is given.
_RAW_VALUE_FIELDS: tuple[str, ...] = tuple(
    dict.fromkeys(
        f
        for rule in descriptors().values()
        if rule.descriptor in RAW_FIELDS
        for f in RAW_FIELDS[rule.descriptor]
    )
)
_raw_values: Callable[[Mapping[str, Any]], Any] = itemgetter(*_RAW_VALUE_FIELDS)
_NO_RAW_VALUES: tuple[None, ...] = (None,) * len(_RAW_VALUE_FIELDS)


def entries(data: Mapping[str, Any], options: Sledai2kOptions) -> list[Entry]:
    """Every descriptor of a visit, scored, in the order of the form (D13-D17).

    Each is first looked up as if no raw value were given; those with one are then scored from it.

    Example:
        >>> from astct_grading.sle.options import DEFAULT_OPTIONS
        >>> visit = SledaiVisit(rash=True, platelets_10e9_l=80)
        >>> [(e[0].name, e[1], e[2]) for e in entries(visit.__dict__, DEFAULT_OPTIONS)][14]
        ('rash', 2, 2)
    """
    causes = _cause_of_each((*other_causes(data), False))
    found = list(map(getitem, _by_call(), zip(_calls(data), causes, strict=True)))
    if _raw_values(data) == _NO_RAW_VALUES:
        return found
    min_joints = options.min_joints
    for position, name, other_field, raw_fields, read, templates in _raw_plan():
        for field in raw_fields:
            if data[field] is not None:
                break
        else:
            continue
        given: bool | None = data[name]
        present, detail, unmeasured = read(data, min_joints)
        if given is not None and present not in (None, given):
            # Only arthritis at exactly 2 joints gets here (the model checks the rest).
            _arthritis_reading_conflict(given, data["arthritis_joint_count"], options)
        other: bool | None = data[other_field] if other_field is not None else False
        found[position] = _entry(templates[given, other, present, unmeasured], detail)
    return found
