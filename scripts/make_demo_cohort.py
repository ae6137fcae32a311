"""Generate the packaged demo cohort: six synthetic patients, illustrative only, not trial data.

The cohort is built from a short plan per patient (fever, hypotension, vasopressor and oxygen
intervals, ICE results, treatments, SLEDAI-2K visits) expanded onto an assessment schedule that
runs from hourly to daily over the first 28 days. Nothing is random, so running the script again
gives the same file byte for byte; ``tests/spec/test_report_demo.py`` checks that it does.

Usage:
    .venv/bin/python scripts/make_demo_cohort.py          # write the file
    .venv/bin/python scripts/make_demo_cohort.py --check  # exit 1 if the file is out of date
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from astct_grading.course import Course
from astct_grading.criteria.sledai2k import Descriptor

OUTPUT = Path(__file__).resolve().parents[1] / "astct_grading" / "data" / "demo_cohort.json"

TITLE = "Demo cohort: CD19- and BCMA-targeting CAR-T cells in refractory SLE (illustrative)"
NOTICE = (
    "ILLUSTRATIVE SYNTHETIC DATA - NOT TRIAL DATA. Six invented patients built to show the "
    "grading rules at work; no real patient, trial or product result is represented."
)

#: (start hour, end hour, value): a finding held over an interval of hours from infusion.
Span = tuple[float, float, Any]


@dataclass(frozen=True)
class Plan:
    """What happens to one synthetic patient, in hours from infusion."""

    patient_id: str
    product: str
    infusion: datetime
    age: float
    fahrenheit: bool = False
    fever: tuple[Span, ...] = ()  # peak temperature in °C
    hypotension: tuple[Span, ...] = ()  # value unused
    vasopressors: tuple[Span, ...] = ()  # list of agents
    oxygen: tuple[Span, ...] = ()  # (device, flow L/min)
    oxygen_not_recorded: tuple[float, ...] = ()  # hours at which the record lacks oxygen
    ice: tuple[Span, ...] = ()  # (ICE total, level of consciousness)
    hourly: tuple[tuple[float, float], ...] = ()  # windows of hourly monitoring
    treatments: tuple[tuple[float, str, str, str], ...] = ()  # hour, therapy, agent, dose
    sledai: tuple[dict[str, Any], ...] = field(default_factory=tuple)


def _in(spans: tuple[Span, ...], hour: float) -> Any:
    for start, end, value in spans:
        if start <= hour <= end:
            return value
    return None


def _crs_hours(plan: Plan) -> list[float]:
    """Hourly for 6 h after infusion, every 4 h on days 0-2, every 8 h to day 7, then daily.

    Monitoring is hourly again inside the plan's windows (around CRS).
    """
    hours = {float(h) for h in range(1, 7)} | {2.0 + 4 * k for k in range(18)}
    hours |= {74.0 + 8 * k for k in range(12)}
    start = plan.infusion.replace(hour=8, minute=0)
    for day in range(8, 29):
        hours.add((start + timedelta(days=day) - plan.infusion).total_seconds() / 3600)
    for first, last in plan.hourly:
        hours |= {float(h) for h in range(int(first), int(last) + 1)}
    return sorted(hours)


def _ice_hours(plan: Plan) -> list[float]:
    """Twice a day to day 10, daily to day 14, then days 21 and 28; every 4 h in ICANS windows."""
    hours = {6.0 + 12 * k for k in range(21)}
    hours |= {254.0 + 24 * k for k in range(4)}
    hours |= {24.0 * 21, 24.0 * 28}
    for start, end, (total, _) in plan.ice:
        if total < 10:
            hours |= {float(h) for h in range(int(start) - 4, int(end) + 9, 4)}
    return sorted(hours)


def _temperature(plan: Plan, hour: float) -> dict[str, Any]:
    peak = _in(plan.fever, hour)
    wobble = ((int(hour) * 37) % 5) / 10
    celsius = round(peak - wobble / 2, 1) if peak is not None else round(36.6 + wobble, 1)
    if plan.fahrenheit:
        return {"value": round(celsius * 9 / 5 + 32, 1), "unit": "F"}
    return {"value": celsius, "unit": "C"}


def _crs(plan: Plan, hour: float) -> dict[str, Any]:
    pressors = _in(plan.vasopressors, hour) or []
    assessment: dict[str, Any] = {
        "temperature": _temperature(plan, hour),
        "hypotension": bool(pressors) or _in(plan.hypotension, hour) is not None,
        "vasopressors": pressors,
    }
    if hour not in plan.oxygen_not_recorded:
        support = _in(plan.oxygen, hour)
        assessment["oxygen"] = (
            {"device": "room_air"}
            if support is None
            else {"device": support[0], "flow_l_min": support[1]}
        )
    return assessment


def _icans(plan: Plan, hour: float) -> dict[str, Any]:
    total, level = _in(plan.ice, hour) or (10, "alert")
    return {
        "age_years": plan.age,
        "ice": {"total": total},
        "consciousness": level,
        "seizure": False,
        "motor": "none",
        "icp": [],
    }


def _at(plan: Plan, hour: float) -> str:
    return (plan.infusion + timedelta(hours=hour)).isoformat()


def _visit(
    label: str,
    when: date,
    present: tuple[str, ...],
    *,
    unknown: tuple[str, ...] = (),
    **inputs: Any,
) -> dict[str, Any]:
    descriptors = {d.value: d.value in present for d in Descriptor if d.value not in unknown}
    return {"label": label, "visit": {"visit_date": when.isoformat(), **descriptors}, **inputs}


STEADY = {
    "stable_maintenance": True,
    "standard_maintenance": True,
    "haemolytic_anaemia": False,
    "gastrointestinal_activity": False,
}


def _visits(infusion: datetime, *rows: tuple[Any, ...]) -> tuple[dict[str, Any], ...]:
    """Baseline at day -7, then months 1, 3 and 6 (days 28, 91, 182)."""
    days = {"baseline": -7, "month 1": 28, "month 3": 91, "month 6": 182}
    visits = []
    for label, present, extra in rows:
        when = infusion.date() + timedelta(days=days[label])
        inputs = dict(extra)
        unknown = inputs.pop("unknown", ())
        if label != "baseline":
            inputs = {"new_bilag_a": 0, "new_bilag_b": 0, "new_activity": False, **inputs}
        visits.append(_visit(label, when, present, unknown=unknown, **STEADY, **inputs))
    return tuple(visits)


def _zone(hours: float) -> timezone:
    return timezone(timedelta(hours=hours))


SERO = ("low_complement", "increased_dna_binding")

PLANS: tuple[Plan, ...] = (
    # CRS grade 2 that continues without fever after tocilizumab: hypoxia on low-flow oxygen
    # keeps the episode going once fever has gone (D1). The antipyretic premedication before
    # infusion came before any CRS fever and waives nothing.
    Plan(
        patient_id="DEMO-01",
        product="CD19",
        infusion=datetime(2023, 11, 6, 10, 0, tzinfo=_zone(1)),
        age=34.0,
        fever=((30, 44, 39.1),),
        hypotension=((38, 47, True),),
        oxygen=((42, 88, ("nasal_cannula", 2.0)),),
        hourly=((30, 48),),
        treatments=(
            (-0.5, "antipyretic", "paracetamol", "1 g"),
            (40, "tocilizumab", "tocilizumab", "8 mg/kg"),
        ),
        sledai=_visits(
            datetime(2023, 11, 6, tzinfo=_zone(1)),
            (
                "baseline",
                ("arthritis", "rash", "proteinuria", "alopecia", *SERO),
                {"pga": 2.1, "prednisolone_mg_day": 15},
            ),
            ("month 1", SERO, {"pga": 0.6, "prednisolone_mg_day": 7.5}),
            ("month 3", ("low_complement",), {"pga": 0.3, "prednisolone_mg_day": 5}),
            ("month 6", (), {"pga": 0.2, "prednisolone_mg_day": 2.5}),
        ),
    ),
    # Brief fever-only CRS (temperatures recorded in °F), then an ICANS episode (ICE 6, drowsy:
    # grade 2) treated with dexamethasone. LLDAS at month 6 without DORIS remission.
    Plan(
        patient_id="DEMO-02",
        product="CD19",
        infusion=datetime(2024, 1, 15, 9, 15, tzinfo=_zone(-5)),
        age=27.5,
        fahrenheit=True,
        fever=((8, 20, 38.6),),
        ice=((118, 128, (6, "awakens_spontaneously")), (129, 148, (8, "alert"))),
        treatments=(
            (9, "antipyretic", "paracetamol", "1 g"),
            (120, "corticosteroid", "dexamethasone", "10 mg"),
        ),
        sledai=_visits(
            datetime(2024, 1, 15, tzinfo=_zone(-5)),
            (
                "baseline",
                ("urinary_casts", "haematuria", "proteinuria", "arthritis", *SERO),
                {"pga": 2.4, "prednisolone_mg_day": 20},
            ),
            ("month 1", ("proteinuria", "arthritis"), {"pga": 1.2, "prednisolone_mg_day": 10}),
            ("month 3", ("arthritis", "low_complement"), {"pga": 1.1, "prednisolone_mg_day": 7.5}),
            ("month 6", ("arthritis",), {"pga": 1.0, "prednisolone_mg_day": 7.5}),
        ),
    ),
    # No toxicity: afebrile throughout, ICE 10 throughout. Remission from month 1.
    Plan(
        patient_id="DEMO-03",
        product="BCMA",
        infusion=datetime(2023, 9, 4, 14, 30, tzinfo=_zone(9)),
        age=45.0,
        treatments=((-0.5, "antipyretic", "paracetamol", "1 g"),),
        sledai=_visits(
            datetime(2023, 9, 4, tzinfo=_zone(9)),
            (
                "baseline",
                ("rash", "mucosal_ulcers", "arthritis", *SERO),
                {"pga": 1.8, "prednisolone_mg_day": 10},
            ),
            ("month 1", ("increased_dna_binding",), {"pga": 0.4, "prednisolone_mg_day": 5}),
            ("month 3", (), {"pga": 0.2, "prednisolone_mg_day": 2.5}),
            ("month 6", (), {"pga": 0.1, "prednisolone_mg_day": 0}),
        ),
    ),
    # CRS grade 3: one vasopressor. Tocilizumab and dexamethasone; fever goes, but the patient
    # stays on norepinephrine and oxygen without fever, still CRS under the waiver (D1).
    # A non-responder.
    Plan(
        patient_id="DEMO-04",
        product="BCMA",
        infusion=datetime(2024, 2, 12, 11, 0, tzinfo=_zone(0)),
        age=52.0,
        fever=((20, 33, 39.6),),
        hypotension=((28, 30, True),),
        vasopressors=((31, 44, ["norepinephrine"]),),
        oxygen=((30, 60, ("nasal_cannula", 3.0)),),
        hourly=((20, 48),),
        treatments=(
            (29, "tocilizumab", "tocilizumab", "8 mg/kg"),
            (33, "corticosteroid", "dexamethasone", "10 mg"),
            (37, "tocilizumab", "tocilizumab", "8 mg/kg"),
        ),
        sledai=_visits(
            datetime(2024, 2, 12, tzinfo=_zone(0)),
            (
                "baseline",
                ("arthritis", "rash", "alopecia", "pleurisy", *SERO),
                {"pga": 2.0, "prednisolone_mg_day": 15},
            ),
            (
                "month 1",
                ("arthritis", "rash", "alopecia", *SERO),
                {"pga": 1.8, "prednisolone_mg_day": 15},
            ),
            (
                "month 3",
                ("arthritis", "rash", "alopecia", "pleurisy", *SERO),
                {"pga": 2.0, "prednisolone_mg_day": 15, "new_bilag_b": 1, "new_activity": True},
            ),
            (
                "month 6",
                ("arthritis", "rash", "alopecia", *SERO),
                {"pga": 1.9, "prednisolone_mg_day": 12.5},
            ),
        ),
    ),
    # Incomplete records: oxygen support not recorded at two febrile assessments, so the CRS
    # maximum is a range (1-4), never a guess (D13). PGA missing at month 1 and proteinuria not
    # measured at month 3: some responses cannot be told.
    Plan(
        patient_id="DEMO-05",
        product="CD19",
        infusion=datetime(2023, 7, 10, 16, 0, tzinfo=_zone(10)),
        age=39.0,
        fever=((50, 60, 38.4),),
        oxygen_not_recorded=(54.0, 58.0),
        hourly=((50, 60),),
        sledai=_visits(
            datetime(2023, 7, 10, tzinfo=_zone(10)),
            ("baseline", ("arthritis", "rash", *SERO), {"pga": 1.5, "prednisolone_mg_day": 10}),
            ("month 1", SERO, {"prednisolone_mg_day": 5}),
            (
                "month 3",
                ("low_complement",),
                {"pga": 0.3, "prednisolone_mg_day": 5, "unknown": ("proteinuria",)},
            ),
            ("month 6", (), {"pga": 0.2, "prednisolone_mg_day": 2.5}),
        ),
    ),
    # CRS grade 2 (low-flow oxygen with fever), afebrile hypoxia after paracetamol still grade 2
    # (antipyretic therapy waives fever too, D1); ICANS grade 1 (ICE 8) without treatment.
    # SRI-4 responder without LLDAS or remission.
    Plan(
        patient_id="DEMO-06",
        product="BCMA",
        infusion=datetime(2024, 5, 21, 13, 0, tzinfo=_zone(2)),
        age=31.0,
        fever=((20, 38, 38.9),),
        oxygen=((26, 46, ("nasal_cannula", 4.0)),),
        ice=((80, 100, (8, "alert")),),
        hourly=((20, 30),),
        treatments=((22, "antipyretic", "paracetamol", "1 g"),),
        sledai=_visits(
            datetime(2024, 5, 21, tzinfo=_zone(2)),
            (
                "baseline",
                ("arthritis", "proteinuria", "rash", *SERO),
                {"pga": 1.5, "prednisolone_mg_day": 10},
            ),
            (
                "month 1",
                ("arthritis", "rash", "low_complement"),
                {"pga": 1.0, "prednisolone_mg_day": 7.5},
            ),
            ("month 3", ("arthritis", "low_complement"), {"pga": 0.9, "prednisolone_mg_day": 7.5}),
            ("month 6", ("arthritis", "low_complement"), {"pga": 0.9, "prednisolone_mg_day": 7.5}),
        ),
    ),
)


def course(plan: Plan) -> dict[str, Any]:
    """One patient's course as plain data (validated by :class:`Course` before writing)."""
    return {
        "patient_id": plan.patient_id,
        "product": plan.product,
        "infusion_at": plan.infusion.isoformat(),
        "crs_assessments": [
            {"at": _at(plan, h), "assessment": _crs(plan, h)} for h in _crs_hours(plan)
        ],
        "icans_assessments": [
            {"at": _at(plan, h), "assessment": _icans(plan, h)} for h in _ice_hours(plan)
        ],
        "treatments": [
            {"at": _at(plan, h), "therapy": therapy, "agent": agent, "dose": dose}
            for h, therapy, agent, dose in plan.treatments
        ],
        "sledai_visits": list(plan.sledai),
    }


def document() -> dict[str, Any]:
    """The whole file: the notice, the title and the six courses."""
    courses = [course(plan) for plan in PLANS]
    for data in courses:
        Course.model_validate(data)
    return {
        "notice": NOTICE,
        "title": TITLE,
        "generator": "scripts/make_demo_cohort.py",
        "format": "courses: a list of astct_grading.course.Course",
        "courses": courses,
    }


def _dump(value: Any, indent: int = 0) -> str:
    """JSON with each short value on one line, so the file stays readable and diffable."""
    flat = json.dumps(value, ensure_ascii=False)
    if len(flat) + indent <= 220 or not isinstance(value, dict | list):
        return flat
    pad = " " * (indent + 2)
    if isinstance(value, dict):
        items = [f"{pad}{json.dumps(k)}: {_dump(v, indent + 2)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    return "[\n" + ",\n".join(pad + _dump(v, indent + 2) for v in value) + "\n" + " " * indent + "]"


def render() -> str:
    """The file's text."""
    return _dump(document()) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the demo cohort, or with ``--check`` report whether the file is up to date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is out of date")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = OUTPUT.read_text("utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT} is out of date: run scripts/make_demo_cohort.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, "utf-8")
    print(f"wrote {OUTPUT} ({len(PLANS)} patients)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
