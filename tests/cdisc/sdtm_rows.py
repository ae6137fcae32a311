"""A course written as SDTM records: the inverse of the mapping's defaults, for the tests.

``course_domains`` writes what a course records (temperatures, oxygen, vasopressors, hypotension
as a systolic pressure either side of the PALS threshold, treatments, ICANS findings) as the
records the default :class:`~astct_grading.cdisc.SdtmMapping` reads back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from astct_grading.course import Course
from astct_grading.criteria.crs import OxygenDevice, systolic_threshold_mmhg

Domains = dict[str, list[dict[str, Any]]]

DEVICE_WORDS = {
    OxygenDevice.ROOM_AIR: "ROOM AIR",
    OxygenDevice.BLOW_BY: "BLOW-BY",
    OxygenDevice.NASAL_CANNULA: "NASAL CANNULA",
    OxygenDevice.LOW_FLOW_NASAL_CANNULA: "LOW FLOW NASAL CANNULA",
    OxygenDevice.HIGH_FLOW_NASAL_CANNULA: "HIGH FLOW NASAL CANNULA",
    OxygenDevice.SIMPLE_FACEMASK: "SIMPLE FACE MASK",
    OxygenDevice.NON_REBREATHER_MASK: "NON-REBREATHER MASK",
    OxygenDevice.VENTURI_MASK: "VENTURI MASK",
    OxygenDevice.CPAP: "CPAP",
    OxygenDevice.BIPAP: "BIPAP",
    OxygenDevice.MECHANICAL_VENTILATION: "MECHANICAL VENTILATION",
}
THERAPY_NAMES = {
    "tocilizumab": "TOCILIZUMAB",
    "corticosteroid": "DEXAMETHASONE",
    "antipyretic": "PARACETAMOL",
    "siltuximab": "SILTUXIMAB",
    "anakinra": "ANAKINRA",
}


def _dtc(value: Any) -> str:
    return str(value.isoformat())


def course_domains(course: Course, age: float, studyid: str = "DEMO") -> Domains:
    """The SDTM records of one course (no AE: see ``reported_events``)."""
    domains: Domains = defaultdict(list)
    subject = course.patient_id
    seq: dict[str, int] = defaultdict(int)

    def add(domain: str, **values: Any) -> None:
        seq[domain] += 1
        domains[domain].append(
            {
                "STUDYID": studyid,
                "DOMAIN": domain,
                "USUBJID": subject,
                f"{domain}SEQ": float(seq[domain]),
                **values,
            }
        )

    dm: dict[str, Any] = {
        "STUDYID": studyid,
        "DOMAIN": "DM",
        "USUBJID": subject,
        "AGE": age,
        "AGEU": "YEARS",
        "RFXSTDTC": _dtc(course.infusion_at),
    }
    if course.death is not None:
        dm["DTHDTC"] = _dtc(course.death.at)
        dm["DTHFL"] = "Y"
    domains["DM"].append(dm)
    add("EX", EXTRT=course.product or "CAR-T", EXSTDTC=_dtc(course.infusion_at))
    domains["CM"]
    threshold = systolic_threshold_mmhg(age)
    for timed in course.crs_assessments:
        at, a = _dtc(timed.at), timed.assessment
        if a.temperature is not None:
            add(
                "VS",
                VSTESTCD="TEMP",
                VSTEST="Temperature",
                VSORRES=f"{a.temperature.value:g}",
                VSORRESU=a.temperature.unit.value,
                VSDTC=at,
            )
        if a.hypotension is not None:
            value = threshold - 10 if a.hypotension else threshold + 20
            add(
                "VS",
                VSTESTCD="SYSBP",
                VSTEST="Systolic Blood Pressure",
                VSORRES=f"{value:g}",
                VSORRESU="mmHg",
                VSDTC=at,
            )
        if a.oxygen is not None:
            add(
                "XO",
                XOTESTCD="O2DEV",
                XOTEST="Oxygen Device",
                XOORRES=DEVICE_WORDS[a.oxygen.device],
                XODTC=at,
            )
            if a.oxygen.flow_l_min is not None:
                add(
                    "XO",
                    XOTESTCD="O2FLOW",
                    XOTEST="Oxygen Flow",
                    XOORRES=f"{a.oxygen.flow_l_min:g}",
                    XOORRESU="L/min",
                    XODTC=at,
                )
        for pressor in a.vasopressors or ():
            add(
                "CM",
                CMTRT=pressor.agent.value.upper(),
                CMDECOD=pressor.agent.value.replace("_", " ").upper(),
                CMSTDTC=at,
                CMENDTC=at,
            )
    for treatment in course.treatments:
        add(
            "CM",
            CMTRT=treatment.agent or treatment.therapy.value,
            CMDECOD=THERAPY_NAMES[treatment.therapy.value],
            CMSTDTC=_dtc(treatment.at),
        )
    for timed_icans in course.icans_assessments:
        at, i = _dtc(timed_icans.at), timed_icans.assessment
        if i.ice is not None and i.ice.total is not None:
            add(
                "QS",
                QSCAT="ICE",
                QSTESTCD="ICETOT",
                QSORRES=str(i.ice.total),
                QSSTRESN=float(i.ice.total),
                QSDTC=at,
            )
        if i.consciousness is not None:
            add(
                "QS",
                QSCAT="ICANS",
                QSTESTCD="LOC",
                QSORRES=i.consciousness.value.replace("_", " ").upper(),
                QSDTC=at,
            )
        if i.seizure is not None:
            add(
                "QS", QSCAT="ICANS", QSTESTCD="SEIZURE", QSORRES="Y" if i.seizure else "N", QSDTC=at
            )
        if i.motor is not None:
            add(
                "QS",
                QSCAT="ICANS",
                QSTESTCD="MOTOR",
                QSORRES=i.motor.value.replace("_", " ").upper(),
                QSDTC=at,
            )
        if i.icp is not None:
            for finding in i.icp or ("NONE",):
                word = (
                    finding if isinstance(finding, str) else finding.value.replace("_", " ").upper()
                )
                add("QS", QSCAT="ICANS", QSTESTCD="ICP", QSORRES=word, QSDTC=at)
    return dict(domains)


def merge(*parts: Mapping[str, list[dict[str, Any]]]) -> Domains:
    """Several subjects' domains as one study."""
    merged: Domains = defaultdict(list)
    for part in parts:
        for name, rows in part.items():
            merged[name].extend(rows)
    return dict(merged)
