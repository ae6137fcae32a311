"""SDTM records -> one :class:`~astct_grading.course.Course` per subject, graded.

Each subject's timed records become the course's assessments (docs/cdisc.md, "From records to
assessments"):

* **CRS**: every time (to the minute) with a temperature (VS TEMP), a systolic pressure (VS
  SYSBP) or an oxygen finding is one assessment, holding what was recorded at that time.
  Vasopressors are those whose CM record covers the time (start to end); the oxygen support of an
  interventions source likewise. Hypotension is derived from the systolic pressure and DM.AGE by
  the library (PALS thresholds, D5); the fever waiver from the CM therapies (D1).
* **ICANS**: the findings (ICE, CAPD, consciousness, seizure, motor, ICP) of one time make one
  assessment, with DM.AGE choosing ICE or CAPD (D7).
* Anything not recorded at a time is unknown there (D13), never normal, except where the mapping
  says a domain is complete (``MedicationMapping(complete=True)``: no vasopressor record covering
  a time means none; by default vasopressors are unknown there).

What cannot be used is reported as an :class:`Issue`, per subject, domain and record, with the
reason; an assessment whose time is coarser than the minute is reported, not placed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import TypeAdapter, ValidationError

from astct_grading.cdisc.dates import Dtc, parse_dtc
from astct_grading.cdisc.mapping import SdtmMapping
from astct_grading.cdisc.reader import Row
from astct_grading.core.validation import FlowLMin, Temperature
from astct_grading.course import Course, CourseOptions, CourseResult, grade_course
from astct_grading.course.models import TimedCrsAssessment, TimedIcansAssessment
from astct_grading.criteria.crs import INOTROPES, OXYGEN_DEVICES, OxygenDevice
from astct_grading.crs.models import SystolicMmhg

__all__ = [
    "Issue",
    "ReportedEvent",
    "StudyDerivation",
    "SubjectDerivation",
    "derive_study",
]

IssueKind = Literal["unmappable", "unplaced", "not_used", "subject"]

_TEMPERATURE: TypeAdapter[Any] = TypeAdapter(Temperature)
_SYSTOLIC: TypeAdapter[float] = TypeAdapter(SystolicMmhg)
_FLOW: TypeAdapter[float] = TypeAdapter(FlowLMin)

#: DM.AGEU (CDISC CT codelist C66781: YEARS C29848, MONTHS C29846, WEEKS C29844, DAYS C25301,
#: HOURS C25529) -> years per unit.
_AGE_UNITS = {
    "YEARS": 1.0,
    "MONTHS": 1 / 12,
    "WEEKS": 7 / 365.25,
    "DAYS": 1 / 365.25,
    "HOURS": 1 / (365.25 * 24),
}


@dataclass(frozen=True, slots=True)
class Issue:
    """A record, or a subject, that could not be used as it is, and why.

    Attributes:
        usubjid: the subject (None when the record names none).
        domain: the SDTM domain.
        seq: the record's --SEQ, as text (None when not given or for a subject-level issue).
        variable: the variable at fault.
        value: its value, as text.
        reason: why it was not used.
        kind: ``unmappable`` (a value the mapping cannot read), ``unplaced`` (a time too
            imprecise to place, or not a date-time), ``not_used`` (read on purpose and left out
            of the grade, e.g. oxygen saturation or an inotrope) or ``subject`` (the subject's
            course could not be built).
    """

    usubjid: str | None
    domain: str
    seq: str | None
    variable: str
    value: str | None
    reason: str
    kind: IssueKind

    def to_dict(self) -> dict[str, str | None]:
        """The issue as a JSON-compatible object."""
        return {
            "usubjid": self.usubjid,
            "domain": self.domain,
            "seq": self.seq,
            "variable": self.variable,
            "value": self.value,
            "kind": self.kind,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class ReportedEvent:
    """A CRS or ICANS adverse event as the investigator reported it (AE).

    Attributes:
        usubjid: the subject.
        seq: AESEQ, as text.
        scale: ``CRS`` or ``ICANS``.
        term: AEDECOD.
        grade: AETOXGR as a number (1-5), or None when missing or not a grade.
        start: AESTDTC, read (None when missing or not a date).
        end: AEENDTC, read (None when missing: ongoing, or not a date).
        fatal: AEOUT is ``FATAL`` or AESDTH is ``Y``.
    """

    usubjid: str
    seq: str | None
    scale: str
    term: str
    grade: int | None
    start: Dtc | None
    end: Dtc | None
    fatal: bool


@dataclass(frozen=True, slots=True)
class SubjectDerivation:
    """One subject: the course built from the SDTM records, and its grading.

    Attributes:
        usubjid: the subject.
        course: the course, or None when it could not be built (see the issues).
        result: ``grade_course(course)``, or None.
        crs_sources: per CRS assessment, input field -> the SDTM domain it came from.
        icans_sources: likewise per ICANS assessment.
        events: the CRS and ICANS adverse events reported.
        age_years: DM.AGE in years, or None.
    """

    usubjid: str
    course: Course | None
    result: CourseResult | None
    crs_sources: tuple[Mapping[str, str], ...]
    icans_sources: tuple[Mapping[str, str], ...]
    events: tuple[ReportedEvent, ...]
    age_years: float | None


@dataclass(frozen=True, slots=True)
class StudyDerivation:
    """Every subject of a study, with what could not be used.

    Attributes:
        subjects: the subjects, in USUBJID order.
        issues: every record or subject that could not be used, with the reason.
        domains: the domains read.
        mapping: the mapping used.
        studyid: DM.STUDYID when DM names one study, else None.
    """

    subjects: tuple[SubjectDerivation, ...]
    issues: tuple[Issue, ...]
    domains: tuple[str, ...]
    mapping: SdtmMapping = field(repr=False)
    studyid: str | None = None


def _text(row: Row, name: str) -> str | None:
    value = row.get(name)
    if value is None:
        return None
    if isinstance(value, float):
        return f"{value:g}"
    return value


def _number(row: Row, name: str) -> float | None:
    """A numeric variable; ValueError when it holds text that is not a number."""
    value = row.get(name)
    if value is None or isinstance(value, float):
        return value
    return float(value)


class _Subject:
    """Collects one subject's issues while its course is built."""

    def __init__(self, usubjid: str, issues: list[Issue], zone: tzinfo) -> None:
        self.usubjid = usubjid
        self.issues = issues
        self.zone = zone

    def issue(
        self,
        domain: str,
        row: Row | None,
        variable: str,
        reason: str,
        kind: IssueKind = "unmappable",
    ) -> None:
        value = None if row is None else _text(row, variable)
        seq = None if row is None else _text(row, f"{domain}SEQ")
        self.issues.append(Issue(self.usubjid, domain, seq, variable, value, reason, kind))

    def dtc(self, domain: str, row: Row, variable: str) -> Dtc | None:
        """A --DTC value read; None (reported) when missing or not ISO 8601."""
        text = _text(row, variable)
        if text is None:
            self.issue(domain, row, variable, "no date-time given", "unplaced")
            return None
        try:
            return parse_dtc(text, self.zone)
        except ValueError as error:
            self.issue(domain, row, variable, str(error), "unplaced")
            return None

    def placed(self, domain: str, row: Row, variable: str) -> datetime | None:
        """A --DTC value as an instant; None (reported) when it cannot be placed."""
        dtc = self.dtc(domain, row, variable)
        if dtc is None:
            return None
        if dtc.at is None:
            self.issue(
                domain,
                row,
                variable,
                f"the time is precise to the {dtc.precision} only; an assessment is placed only "
                "from a time precise to the minute (never guessed)",
                "unplaced",
            )
        return dtc.at


@dataclass
class _Interval:
    start: Dtc
    end: Dtc | None
    value: Any

    def covers(self, at: datetime) -> bool | None:
        """True, False, or None when the record's imprecise start or end leaves it open."""
        if at < self.start.earliest or (self.end is not None and at > self.end.latest):
            return False
        if at >= self.start.latest and (self.end is None or at <= self.end.earliest):
            return True
        return None


def _covering(intervals: Sequence[_Interval], at: datetime) -> tuple[list[Any], bool]:
    """The values of the records covering ``at``, and whether any record leaves it open."""
    values, open_ = [], False
    for interval in intervals:
        covers = interval.covers(at)
        if covers is None:
            open_ = True
        elif covers:
            values.append(interval.value)
    return values, open_


def _by_subject(rows: Iterable[Row]) -> dict[str | None, list[Row]]:
    grouped: dict[str | None, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[_text(row, "USUBJID")].append(row)
    return grouped


def _age(subject: _Subject, dm: Row | None) -> float | None:
    if dm is None:
        return None
    try:
        age = _number(dm, "AGE")
    except ValueError:
        subject.issue("DM", dm, "AGE", "AGE is not a number")
        return None
    if age is None:
        return None
    unit = (_text(dm, "AGEU") or "").upper()
    if unit not in _AGE_UNITS:
        subject.issue(
            "DM",
            dm,
            "AGEU",
            "AGEU must be YEARS, MONTHS, WEEKS, DAYS or HOURS (codelist C66781); the age is not "
            "used",
        )
        return None
    return age * _AGE_UNITS[unit]


def _infusion(
    subject: _Subject, mapping: SdtmMapping, ex: Sequence[Row], dm: Row | None
) -> datetime | None:
    for source in mapping.infusion:
        if source == "EX":
            wanted = mapping.infusion_treatments
            rows = [r for r in ex if not wanted or (_text(r, "EXTRT") or "").upper() in wanted]
            times = [t for r in rows if (t := subject.placed("EX", r, "EXSTDTC")) is not None]
            if times:
                return min(times)
        elif dm is not None and dm.get("RFXSTDTC") is not None:
            at = subject.placed("DM", dm, "RFXSTDTC")
            if at is not None:
                return at
    subject.issue(
        "DM" if dm is not None else "EX",
        None,
        "EXSTDTC/RFXSTDTC",
        "no infusion date-time precise to the minute (EX.EXSTDTC, DM.RFXSTDTC): the course "
        "cannot be built",
        "subject",
    )
    return None


def _events(subject: _Subject, mapping: SdtmMapping, ae: Sequence[Row]) -> list[ReportedEvent]:
    config = mapping.adverse_events
    events = []
    for row in ae:
        term = _text(row, "AEDECOD")
        if term is None:
            continue
        upper = term.upper()
        scale = (
            "CRS" if upper in config.crs_terms else "ICANS" if upper in config.icans_terms else ""
        )
        if not scale:
            continue
        grade: int | None = None
        text = _text(row, "AETOXGR")
        if text is None:
            subject.issue(config.domain, row, "AETOXGR", "no reported grade")
        elif text in {"1", "2", "3", "4", "5"}:
            grade = int(text)
        else:
            subject.issue(config.domain, row, "AETOXGR", "AETOXGR is not a grade 1-5")
        start = subject.dtc(config.domain, row, "AESTDTC")
        end = subject.dtc(config.domain, row, "AEENDTC") if row.get("AEENDTC") is not None else None
        fatal = (_text(row, "AEOUT") or "").upper() == "FATAL" or (
            _text(row, "AESDTH") or ""
        ).upper() == "Y"
        events.append(
            ReportedEvent(
                subject.usubjid, _text(row, "AESEQ"), scale, term, grade, start, end, fatal
            )
        )
    return events


def _death(
    subject: _Subject, dm: Row | None, ae: Sequence[Row], events: Sequence[ReportedEvent]
) -> dict[str, Any] | None:
    if dm is None or dm.get("DTHDTC") is None:
        return None
    at = subject.placed("DM", dm, "DTHDTC")
    if at is None:
        return None
    any_fatal = any(
        (_text(r, "AEOUT") or "").upper() == "FATAL" or (_text(r, "AESDTH") or "").upper() == "Y"
        for r in ae
    )

    def due_to(scale: str) -> bool | None:
        if any(e.fatal for e in events if e.scale == scale):
            return True
        # Another fatal event names the cause; with none recorded, the cause is unknown (D13).
        return False if any_fatal else None

    return {"at": at, "due_to_crs": due_to("CRS"), "due_to_icans": due_to("ICANS")}


def _temperature(subject: _Subject, mapping: SdtmMapping, row: Row) -> Any | None:
    vitals = mapping.vitals
    for result, unit_name in (("VSORRES", "VSORRESU"), ("VSSTRESN", "VSSTRESU")):
        if row.get(result) is None:
            continue
        try:
            value = _number(row, result)
        except ValueError:
            subject.issue(vitals.domain, row, result, "the temperature is not a number")
            return None
        unit = _text(row, unit_name)
        if unit in vitals.celsius_units:
            symbol = "C"
        elif unit in vitals.fahrenheit_units:
            symbol = "F"
        else:
            subject.issue(
                vitals.domain,
                row,
                unit_name,
                "not a temperature unit: C (C42559) or F (C44277), UNIT codelist C71620",
            )
            return None
        try:
            return _TEMPERATURE.validate_python({"value": value, "unit": symbol})
        except ValidationError as error:
            subject.issue(vitals.domain, row, result, _first(error))
            return None
    subject.issue(vitals.domain, row, "VSORRES", "no result given")
    return None


def _systolic(subject: _Subject, mapping: SdtmMapping, row: Row) -> float | None:
    vitals = mapping.vitals
    for result, unit_name in (("VSORRES", "VSORRESU"), ("VSSTRESN", "VSSTRESU")):
        if row.get(result) is None:
            continue
        try:
            value = _number(row, result)
        except ValueError:
            subject.issue(vitals.domain, row, result, "the systolic pressure is not a number")
            return None
        if _text(row, unit_name) not in vitals.mmhg_units:
            subject.issue(vitals.domain, row, unit_name, "not mmHg (UNIT C49670)")
            return None
        try:
            return _SYSTOLIC.validate_python(value)
        except ValidationError as error:
            subject.issue(vitals.domain, row, result, _first(error))
            return None
    subject.issue(vitals.domain, row, "VSORRES", "no result given")
    return None


def _first(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else str(first["msg"])


def _not_done(row: Row, domain: str) -> bool:
    return (_text(row, f"{domain}STAT") or "").upper() == "NOT DONE"


def _flow(
    subject: _Subject, domain: str, row: Row, names: tuple[str, str], units: frozenset[str]
) -> float | None:
    """A flow in L/min, or None (reported) when it cannot be read."""
    value_name, unit_name = names
    try:
        value = _number(row, value_name)
    except ValueError:
        subject.issue(domain, row, value_name, "the flow is not a number")
        return None
    if _text(row, unit_name) not in units:
        subject.issue(domain, row, unit_name, "the flow's unit is not L/min (UNIT C67388)")
        return None
    try:
        return _FLOW.validate_python(value)
    except ValidationError as error:
        subject.issue(domain, row, value_name, _first(error))
        return None


def _device(subject: _Subject, mapping: SdtmMapping, row: Row, name: str) -> OxygenDevice | None:
    text = (_text(row, name) or "").upper()
    device = mapping.oxygen.devices.get(text)
    if device is None:
        subject.issue(
            mapping.oxygen.domain,
            row,
            name,
            "not a device of the mapping (OxygenMapping.devices)",
        )
    return device


def _most_severe(supports: Iterable[dict[str, Any]]) -> dict[str, Any]:
    # Two devices at once: the one whose rule grades higher (D4; the CRS table's hypoxia rows).
    return max(supports, key=lambda s: OXYGEN_DEVICES[OxygenDevice(s["device"])].grade)


def _oxygen_findings(
    subject: _Subject, mapping: SdtmMapping, rows: Sequence[Row]
) -> dict[datetime, dict[str, Any] | None]:
    """Time -> oxygen support from a findings domain (None: recorded but unreadable)."""
    config = mapping.oxygen
    prefix = config.domain
    devices: dict[datetime, list[OxygenDevice | None]] = defaultdict(list)
    flows: dict[datetime, list[float | None]] = defaultdict(list)
    for row in rows:
        test = _text(row, f"{prefix}TESTCD")
        if test not in {config.device_test, config.flow_test} or _not_done(row, prefix):
            continue
        at = subject.placed(prefix, row, f"{prefix}DTC")
        if at is None:
            continue
        if test == config.device_test:
            devices[at].append(_device(subject, mapping, row, f"{prefix}ORRES"))
        else:
            names = (
                (f"{prefix}ORRES", f"{prefix}ORRESU")
                if row.get(f"{prefix}ORRES") is not None
                else (f"{prefix}STRESN", f"{prefix}STRESU")
            )
            flows[at].append(_flow(subject, prefix, row, names, config.flow_units))
    supports: dict[datetime, dict[str, Any] | None] = {}
    for at in sorted(set(devices) | set(flows)):
        found, rates = devices.get(at, []), flows.get(at, [])
        if not found:
            subject.issue(
                prefix, None, config.flow_test, f"a flow at {at.isoformat()} without a device"
            )
            supports[at] = None
            continue
        if None in found or None in rates or len(rates) > 1:
            supports[at] = None  # each unreadable record is reported where it was read
            continue
        flow = rates[0] if rates else None
        choices = [{"device": d.value} for d in found if d is not None]
        support = _most_severe(choices)
        if flow is not None and OxygenDevice(support["device"]) is not OxygenDevice.ROOM_AIR:
            support["flow_l_min"] = flow
        supports[at] = support
    return supports


def _oxygen_intervals(
    subject: _Subject, mapping: SdtmMapping, rows: Sequence[Row]
) -> list[_Interval]:
    config = mapping.oxygen
    prefix = config.domain
    intervals = []
    for row in rows:
        name = (_text(row, config.device_variable) or "").upper()
        device = config.devices.get(name)
        if device is None:
            continue  # another procedure or medication: not oxygen support
        start = subject.dtc(prefix, row, f"{prefix}STDTC")
        end = subject.dtc(prefix, row, f"{prefix}ENDTC") if row.get(f"{prefix}ENDTC") else None
        if start is None:
            continue
        support: dict[str, Any] = {"device": device.value}
        if row.get(f"{prefix}DOSE") is not None:
            flow = _flow(
                subject, prefix, row, (f"{prefix}DOSE", f"{prefix}DOSU"), config.flow_units
            )
            if flow is None:
                continue
            if device is not OxygenDevice.ROOM_AIR:
                support["flow_l_min"] = flow
        intervals.append(_Interval(start, end, support))
    return intervals


def _medications(
    subject: _Subject, mapping: SdtmMapping, rows: Sequence[Row]
) -> tuple[list[_Interval], list[dict[str, Any]]]:
    """(vasopressor records as intervals, treatments of D1)."""
    config = mapping.medications
    prefix = config.domain
    pressors: list[_Interval] = []
    treatments: list[dict[str, Any]] = []
    for row in rows:
        name = (_text(row, f"{prefix}DECOD") or _text(row, f"{prefix}TRT") or "").upper()
        agent = config.vasopressors.get(name)
        therapy = config.therapies.get(name)
        if agent is not None:
            start = subject.dtc(prefix, row, f"{prefix}STDTC")
            if start is None:
                continue
            end = subject.dtc(prefix, row, f"{prefix}ENDTC") if row.get(f"{prefix}ENDTC") else None
            if not start.placeable or (end is not None and not end.placeable):
                subject.issue(
                    prefix,
                    row,
                    f"{prefix}STDTC",
                    "the vasopressor's start or end is not precise to the minute: at the times "
                    "it may or may not cover, vasopressors are unknown",
                    "unplaced",
                )
            pressors.append(_Interval(start, end, agent))
        elif therapy is not None:
            at = subject.placed(prefix, row, f"{prefix}STDTC")
            if at is not None:
                treatments.append({"at": at, "therapy": therapy.value, "agent": name.lower()[:64]})
        elif name.lower() in INOTROPES:
            subject.issue(
                prefix,
                row,
                f"{prefix}DECOD",
                "an inotrope, not a vasopressor: not counted (D3)",
                "not_used",
            )
    return pressors, treatments


def _vitals(
    subject: _Subject, mapping: SdtmMapping, domains: Mapping[str, Sequence[Row]], age: float | None
) -> tuple[dict[datetime, dict[str, Any]], dict[datetime, dict[str, str]]]:
    """Time -> the temperature and systolic pressure recorded then, and their domain."""
    vitals = mapping.vitals
    fields: dict[datetime, dict[str, Any]] = defaultdict(dict)
    sources: dict[datetime, dict[str, str]] = defaultdict(dict)
    for row in domains.get(vitals.domain, ()):
        test = _text(row, f"{vitals.domain}TESTCD")
        if test not in {vitals.temperature, vitals.systolic, vitals.oxygen_saturation}:
            continue  # another vital sign: not an input of ASTCT 2019
        if test == vitals.oxygen_saturation:
            subject.issue(
                vitals.domain,
                row,
                f"{vitals.domain}TESTCD",
                "oxygen saturation is kept for the record: ASTCT 2019 grades hypoxia by the "
                "oxygen support given, not by saturation",
                "not_used",
            )
            continue
        if _not_done(row, vitals.domain):
            subject.issue(vitals.domain, row, "VSSTAT", "not done: unknown", "not_used")
            continue
        at = subject.placed(vitals.domain, row, "VSDTC")
        if at is None:
            continue
        if test == vitals.temperature:
            temperature = _temperature(subject, mapping, row)
            if temperature is None:
                continue
            old = fields[at].get("temperature")
            # Two temperatures at one time: the highest (CrsAssessment.temperature).
            if old is None or temperature.celsius > old.celsius:
                fields[at]["temperature"] = temperature
            sources[at]["temperature"] = vitals.domain
            continue
        systolic = _systolic(subject, mapping, row)
        if systolic is None:
            continue
        if age is None:
            subject.issue(
                vitals.domain,
                row,
                "VSORRES",
                "a systolic pressure needs the age (DM.AGE) for its threshold (D5)",
            )
            continue
        old_bp = fields[at].get("systolic_bp_mmhg")
        fields[at]["systolic_bp_mmhg"] = systolic if old_bp is None else min(old_bp, systolic)
        fields[at]["age_years"] = age
        sources[at]["systolic_bp_mmhg"] = vitals.domain
    return fields, sources


def _crs_assessments(
    subject: _Subject,
    mapping: SdtmMapping,
    domains: Mapping[str, Sequence[Row]],
    age: float | None,
    pressors: Sequence[_Interval] | None,
) -> list[tuple[datetime, dict[str, Any], dict[str, str]]]:
    """(time, CrsAssessment fields, input -> domain) per CRS assessment, in time order.

    ``pressors`` are the vasopressor records, or None when no CM domain was given.
    """
    fields, sources = _vitals(subject, mapping, domains, age)
    oxygen = mapping.oxygen
    oxygen_rows = domains.get(oxygen.domain, ())
    oxygen_intervals: list[_Interval] | None = None
    if oxygen.kind == "findings":
        for at, support in _oxygen_findings(subject, mapping, oxygen_rows).items():
            fields.setdefault(at, {})  # a time of its own, even when unreadable
            if support is not None:
                fields[at]["oxygen"] = support
                sources[at]["oxygen"] = oxygen.domain
    elif oxygen.domain in domains:
        oxygen_intervals = _oxygen_intervals(subject, mapping, oxygen_rows)
    assessments = []
    for at in sorted(fields):
        found, source = fields[at], sources[at]
        if pressors is not None:
            agents, open_ = _covering(pressors, at)
            if not open_ and (agents or mapping.medications.complete):
                found["vasopressors"] = sorted({agent.value for agent in agents})
                source["vasopressors"] = mapping.medications.domain
        if oxygen_intervals is not None:
            supports, open_ = _covering(oxygen_intervals, at)
            if not open_ and supports:
                found["oxygen"] = _most_severe(supports)
            elif not open_ and oxygen.complete:
                found["oxygen"] = {"device": OxygenDevice.ROOM_AIR.value}
            if "oxygen" in found:
                source["oxygen"] = oxygen.domain
        assessments.append((at, found, source))
    return assessments


def _icans_value(
    subject: _Subject, mapping: SdtmMapping, row: Row, test: str
) -> tuple[str, Any] | None:
    """(field path, value) of one ICANS finding record; None (reported) when unreadable."""
    config = mapping.icans
    prefix = config.domain
    text = (_text(row, f"{prefix}ORRES") or _text(row, f"{prefix}STRESC") or "").upper()
    if test in (config.ice_total, config.capd_total, *config.ice_items):
        try:
            number = _number(row, f"{prefix}STRESN")
            if number is None:
                number = float(text)
        except ValueError:
            subject.issue(prefix, row, f"{prefix}ORRES", "not a number")
            return None
        if not number.is_integer():
            subject.issue(prefix, row, f"{prefix}ORRES", "not a whole number")
            return None
        if test == config.ice_total:
            return "ice.total", int(number)
        if test == config.capd_total:
            return "capd.total", int(number)
        return f"ice.{config.ice_items[test]}", int(number)
    table: Mapping[str, Any]
    if test in config.capd_items:
        path, table = f"capd.{config.capd_items[test]}", config.capd_answers
    elif test == config.consciousness:
        path, table = "consciousness", config.consciousness_values
    elif test == config.seizure:
        path, table = "seizure", {"Y": True, "N": False}
    elif test == config.motor:
        path, table = "motor", config.motor_values
    else:
        path, table = "icp", config.icp_values
    if text not in table:
        subject.issue(prefix, row, f"{prefix}ORRES", f"not a value the mapping reads for {test}")
        return None
    value = table[text]
    return path, getattr(value, "value", value)


def _icans_assessments(
    subject: _Subject, mapping: SdtmMapping, rows: Sequence[Row], age: float | None
) -> list[tuple[datetime, dict[str, Any], dict[str, str]]]:
    config = mapping.icans
    prefix = config.domain
    tests = {
        config.ice_total,
        config.capd_total,
        config.consciousness,
        config.seizure,
        config.motor,
        config.icp,
        *config.ice_items,
        *config.capd_items,
    }
    fields: dict[datetime, dict[str, Any]] = defaultdict(dict)
    for row in rows:
        test = _text(row, f"{prefix}TESTCD")
        if test not in tests:
            continue
        if _not_done(row, prefix):
            subject.issue(prefix, row, f"{prefix}STAT", "not done: unknown", "not_used")
            continue
        at = subject.placed(prefix, row, f"{prefix}DTC")
        if at is None:
            continue
        read = _icans_value(subject, mapping, row, test)
        if read is None:
            fields.setdefault(at, {})  # a time of its own, even when unreadable
            continue
        path, value = read
        found = fields[at]
        if path == "icp":
            found.setdefault("icp", [])
            if value is not None and value not in found["icp"]:
                found["icp"].append(value)
        elif "." in path:
            group, item = path.split(".")
            found.setdefault(group, {})[item] = value
        else:
            found[path] = value
    assessments = []
    for at in sorted(fields):
        found = fields[at]
        if age is not None:
            found["age_years"] = age
        source = {name: prefix for name in found if name != "age_years"}
        if age is not None:
            source["age_years"] = "DM"
        assessments.append((at, found, source))
    return assessments


def _validated(
    subject: _Subject,
    model: type[TimedCrsAssessment] | type[TimedIcansAssessment],
    assessments: Sequence[tuple[datetime, dict[str, Any], dict[str, str]]],
) -> tuple[list[Any], list[Mapping[str, str]]]:
    kept: list[Any] = []
    kept_sources: list[Mapping[str, str]] = []
    for at, found, source in assessments:
        try:
            kept.append(model.model_validate({"at": at, "assessment": found}))
        except ValidationError as error:
            domains = "/".join(sorted(set(source.values()))) or "-"
            subject.issue(
                domains,
                None,
                _first(error).split(":")[0],
                f"the assessment at {at.isoformat()} is not valid: {_first(error)}",
            )
            continue
        kept_sources.append(source)
    return kept, kept_sources


def _subject(
    usubjid: str,
    domains: Mapping[str, Sequence[Row]],
    mapping: SdtmMapping,
    options: CourseOptions | None,
    issues: list[Issue],
    zone: tzinfo,
) -> SubjectDerivation:
    subject = _Subject(usubjid, issues, zone)
    dm_rows = domains.get("DM", ())
    dm = dm_rows[0] if dm_rows else None
    age = _age(subject, dm)
    ae = domains.get(mapping.adverse_events.domain, ())
    events = _events(subject, mapping, ae)
    infusion = _infusion(subject, mapping, domains.get("EX", ()), dm)
    cm = mapping.medications.domain
    pressors, treatments = _medications(subject, mapping, domains.get(cm, ()))
    crs = _crs_assessments(subject, mapping, domains, age, pressors if cm in domains else None)
    icans = _icans_assessments(subject, mapping, domains.get(mapping.icans.domain, ()), age)
    crs_kept, crs_sources = _validated(subject, TimedCrsAssessment, crs)
    icans_kept, icans_sources = _validated(subject, TimedIcansAssessment, icans)
    death = _death(subject, dm, ae, events)
    course = result = None
    if infusion is not None:
        try:
            course = Course.model_validate(
                {
                    "patient_id": usubjid,
                    "infusion_at": infusion,
                    "time_zone": mapping.time_zone,
                    "crs_assessments": crs_kept,
                    "icans_assessments": icans_kept,
                    "treatments": treatments,
                    "death": death,
                }
            )
        except ValidationError as error:
            subject.issue(
                "DM", None, "USUBJID", f"the course is not valid: {_first(error)}", "subject"
            )
        else:
            result = grade_course(course, options=options or CourseOptions())
    return SubjectDerivation(
        usubjid,
        course,
        result,
        tuple(crs_sources),
        tuple(icans_sources),
        tuple(events),
        age,
    )


def derive_study(
    domains: Mapping[str, Sequence[Row]],
    mapping: SdtmMapping | None = None,
    options: CourseOptions | None = None,
) -> StudyDerivation:
    """Build and grade every subject's course from SDTM domains.

    Args:
        domains: domain code -> its records (as :func:`~astct_grading.cdisc.read_sdtm` returns).
        mapping: the mapping (default: :class:`SdtmMapping`'s defaults).
        options: the course options (default: the library's).

    Returns:
        Every subject of DM (or, without DM, of any domain), graded, with the issues.

    Raises:
        ValueError: ``mapping.time_zone`` is not an IANA time-zone name.

    Example:
        >>> domains = {
        ...     "DM": [{"USUBJID": "S1", "AGE": 40.0, "AGEU": "YEARS",
        ...             "RFXSTDTC": "2024-03-04T10:00"}],
        ...     "VS": [{"USUBJID": "S1", "VSSEQ": 1.0, "VSTESTCD": "TEMP", "VSORRES": "38.4",
        ...             "VSORRESU": "C", "VSDTC": "2024-03-05T08:00"}],
        ... }
        >>> study = derive_study(domains)
        >>> study.subjects[0].result.crs[0].result.grade_min
        1
    """
    mapping = mapping or SdtmMapping()
    try:
        zone = ZoneInfo(mapping.time_zone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(
            f"time_zone {mapping.time_zone!r} is not an IANA time-zone name"
        ) from error
    issues: list[Issue] = []
    grouped = {name: _by_subject(rows) for name, rows in domains.items()}
    if "DM" in grouped:
        subjects = sorted(s for s in grouped["DM"] if s is not None)
    else:
        subjects = sorted({s for by in grouped.values() for s in by if s is not None})
    known = set(subjects)
    for name, by in sorted(grouped.items()):
        for usubjid, rows in by.items():
            if usubjid is None:
                issues.extend(
                    Issue(
                        None,
                        name,
                        _text(r, f"{name}SEQ"),
                        "USUBJID",
                        None,
                        "no USUBJID",
                        "unmappable",
                    )
                    for r in rows
                )
            elif usubjid not in known:
                issues.append(
                    Issue(
                        usubjid,
                        name,
                        None,
                        "USUBJID",
                        usubjid,
                        f"subject not in DM ({len(rows)} records not used)",
                        "subject",
                    )
                )
    derived = [
        _subject(
            usubjid,
            {name: by.get(usubjid, []) for name, by in grouped.items()},
            mapping,
            options,
            issues,
            zone,
        )
        for usubjid in subjects
    ]
    studies = {_text(row, "STUDYID") for row in domains.get("DM", ())}
    studyid = studies.pop() if len(studies) == 1 else None
    return StudyDerivation(tuple(derived), tuple(issues), tuple(sorted(domains)), mapping, studyid)
