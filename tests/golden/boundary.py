"""Boundary records for the golden corpus: small value tables that sit on every cut-off.

Each builder draws one record from tables of values at and beside every bound of its scale
(37.99/38.0 °C, 6.0/6.004/6.005 L/min, ages 11.99/11.995/12.0, every device, agent, answer and
attribution, unknowns included), with a seeded ``random.Random``. Generated corpora
(``strategies.records``) cover breadth; these records make sure every cut-off is frozen too
(tests/golden/corpus.py).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from astct_grading.criteria.icans import CAPD_ITEMS as CAPD_FORM
from astct_grading.criteria.icans import ICE_DOMAINS, CapdAnswer, capd_points
from tests.sledai_form import DESCRIPTORS

SEED = 20240601


# --- Value tables: every bound, every enum value that grades differently, unknowns ----------

ABSENT = object()

CRS_VALUES: dict[str, list[Any]] = {
    "temperature": [
        ABSENT,
        {"value": 37.0, "unit": "C"},
        {"value": 37.99, "unit": "C"},
        {"value": 37.995, "unit": "C"},
        {"value": 38.0, "unit": "C"},
        {"value": 39.2, "unit": "C"},
        {"value": 100.4, "unit": "F"},
        {"value": 100.39, "unit": "F"},
        {"value": 101.5, "unit": "F"},
    ],
    "fever": [ABSENT, ABSENT, True, False],
    "fever_other_cause": [ABSENT, False, True, None],
    "fever_waiver": [ABSENT, True, False, None],
    "hypotension": [ABSENT, True, False, None],
    "systolic": [ABSENT, ABSENT, (85.0, 40.0), (90.0, 40.0), (65.0, 0.5), (59.99, 0.01), (79, 4.5)],
    "vasopressors": [
        ABSENT,
        [],
        ["norepinephrine"],
        ["vasopressin"],
        ["vasopressin", "dopamine"],
        ["norepinephrine", "norepinephrine"],
        ["norepinephrine", "epinephrine"],
        ["adrenaline", "phenylephrine", "vasopressin"],
        [{"agent": "noradrenaline", "dose": 0.1, "dose_unit": "mcg/kg/min"}],
    ],
    "hypotension_other_cause": [ABSENT, False, True, None],
    "oxygen": [
        ABSENT,
        {"device": "room_air"},
        {"device": "room_air", "fio2": 0.21},
        {"device": "blow_by", "flow_l_min": 10},
        {"device": "nasal_cannula"},
        {"device": "nasal_cannula", "flow_l_min": 6.0},
        {"device": "nasal_cannula", "flow_l_min": 6.004},
        {"device": "nasal_cannula", "flow_l_min": 6.005},
        {"device": "low_flow_nasal_cannula"},
        {"device": "low_flow_nasal_cannula", "flow_l_min": 8},
        {"device": "high_flow_nasal_cannula"},
        {"device": "high_flow_nasal_cannula", "flow_l_min": 4},
        {"device": "high_flow_nasal_cannula", "flow_l_min": 40, "fio2": 0.6},
        {"device": "simple_facemask", "flow_l_min": 6},
        {"device": "non_rebreather_mask"},
        {"device": "venturi_mask"},
        {"device": "cpap"},
        {"device": "bipap"},
        {"device": "mechanical_ventilation"},
    ],
    "hypoxia_other_cause": [ABSENT, False, True, None],
    "death_due_to_crs": [ABSENT, ABSENT, ABSENT, False, True, None],
}

ICE_ITEMS = [
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
]
CAPD_ITEMS = [
    "eye_contact",
    "purposeful_actions",
    "aware_of_surroundings",
    "communicates_needs",
    "restless",
    "inconsolable",
    "underactive",
    "slow_to_respond",
]
ANSWERS = ["never", "rarely", "sometimes", "often", "always"]

WITH_CAUSES = [
    "seizure",
    "psychosis",
    "organic_brain_syndrome",
    "visual_disturbance",
    "cerebrovascular_accident",
    "haematuria",
    "pyuria",
    "fever",
    "thrombocytopenia",
    "leukopenia",
]
RAW_VALUES: dict[str, list[Any]] = {
    "temperature": [
        {"value": 38.0, "unit": "C"},
        {"value": 38.01, "unit": "C"},
        {"value": 100.4, "unit": "F"},
        {"value": 100.42, "unit": "F"},
        {"value": 36.5, "unit": "C"},
    ],
    "platelets_10e9_l": [99.99, 100.0, 100.01, 99.995, 99.994, 40.0],
    "wbc_10e9_l": [2.99, 3.0, 3.01, 2.995, 1.2],
    "proteinuria_g_24h": [0.49, 0.5, 0.51, 0.505, 0.504, 2.0],
    "urine_rbc_per_hpf": [4.99, 5.0, 5.01, 5.005, 20.0],
    "urine_wbc_per_hpf": [4.99, 5.0, 5.01, 5.004, 20.0],
    "c3": [{"value": 0.9, "lower_limit": 0.9}, {"value": 0.89, "lower_limit": 0.9, "unit": "g/L"}],
    "c4": [{"value": 0.1, "lower_limit": 0.1}, {"value": 0.05, "lower_limit": 0.1}],
    "ch50": [{"value": 42.0, "lower_limit": 41.0}, {"value": 30.0, "lower_limit": 41.0}],
    "anti_dsdna": [
        {"value": 30.0, "upper_limit": 30.0},
        {"value": 30.01, "upper_limit": 30.0, "unit": "IU/mL"},
        {"value": 5.0, "upper_limit": 30.0},
    ],
    "arthritis_joint_count": [0, 1, 2, 3, 10],
}


def _pick(rng: random.Random, values: list[Any]) -> Any:
    return values[rng.randrange(len(values))]


def _crs_record(rng: random.Random) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for key, values in CRS_VALUES.items():
        value = _pick(rng, values)
        if value is ABSENT:
            continue
        if key == "systolic":
            record["systolic_bp_mmhg"], record["age_years"] = value
        else:
            record[key] = value
    return record


def _ice_record(rng: random.Random) -> dict[str, Any]:
    kind = rng.randrange(6)
    if kind == 0:
        return {"not_performed": rng.choice(["sedated_or_intubated", "unarousable"])}
    items = {name: _pick(rng, [0, 1, 1, None]) for name in ICE_ITEMS}
    record = {k: v for k, v in items.items() if v is not None or rng.random() < 0.3}
    if kind == 1:
        known = sum(v for v in items.values() if v is not None)
        record["total"] = known + rng.randrange(1 + sum(v is None for v in items.values()))
    if kind == 2:
        return {"total": rng.choice([0, 1, 2, 3, 6, 7, 9, 10])}
    return record


def _capd_record(rng: random.Random) -> dict[str, Any]:
    kind = rng.randrange(7)
    if kind == 0:
        reason = rng.choice(["unable", "deep_sedation", "neuromuscular_blockade"])
        return {"not_performed": reason}
    if kind == 1:
        return {"rass": rng.choice([-5, -4])}
    if kind == 2:
        return {"total": rng.choice([0, 1, 8, 9, 32]), "rass": rng.choice([-3, 0, 2])}
    return {
        name: answer
        for name in CAPD_ITEMS
        if (answer := _pick(rng, [*ANSWERS, "never", "always", None])) is not None
    }


def _icans_record(rng: random.Random) -> dict[str, Any]:
    record: dict[str, Any] = {}
    age = _pick(rng, [ABSENT, 40.0, 12.0, 11.99, 11.995, 11.994, 6.0, 0.5])
    if age is not ABSENT:
        record["age_years"] = age
    choices: dict[str, list[Any]] = {
        "developmental_delay": [ABSENT, False, True, None],
        "ice": [ABSENT, ABSENT, _ice_record(rng), _ice_record(rng)],
        "capd": [ABSENT, ABSENT, _capd_record(rng)],
        "encephalopathy_other_cause": [ABSENT, False, True, None],
        "consciousness": [
            ABSENT,
            "alert",
            "awakens_spontaneously",
            "awakens_to_voice",
            "awakens_to_tactile_stimulus",
            "unarousable",
        ],
        "consciousness_other_cause": [ABSENT, False, True, None],
        "global_aphasia": [ABSENT, False, True, None],
        "seizure": [ABSENT, False, True, True, None],
        "seizure_duration_min": [ABSENT, ABSENT, 5.0, 5.004, 5.005, 12.0],
        "seizure_over_5_min": [ABSENT, ABSENT, False, True],
        "seizure_without_return_to_baseline": [ABSENT, False, True, None],
        "seizure_other_cause": [ABSENT, False, True, None],
        "motor": [ABSENT, "none", "hemiparesis", "paraparesis", "other_deep_focal_weakness"],
        "motor_other_cause": [ABSENT, False, True, None],
        "icp": [
            ABSENT,
            [],
            ["focal_oedema"],
            ["focal_edema", "papilledema"],
            ["diffuse_oedema"],
            ["cushings_triad", "decerebrate_posturing"],
            ["cranial_nerve_vi_palsy", "decorticate_posturing"],
        ],
        "icp_other_cause": [ABSENT, False, True, None],
        "tremor": [ABSENT, True, False],
        "myoclonus": [ABSENT, True],
        "intracranial_haemorrhage": [ABSENT, True, False],
        "death_due_to_icans": [ABSENT, ABSENT, False, True, None],
    }
    for key, values in choices.items():
        value = _pick(rng, values)
        if value is not ABSENT:
            record[key] = value
    return record


# --- The inputs real records carry (docs/crs.md, docs/icans.md) --------------------------------


def _crs_counted_record(rng: random.Random) -> dict[str, Any]:
    """A CRS record with a vasopressor count (0-6 or "multiple"; agents named or not, vasopressin
    among them or not, D3) and CTCAE grades of organ toxicity (reported, never graded, D2)."""
    record = _crs_record(rng)
    # Fewer of the base table's conflicts (a fever flag against the temperature, hypotension
    # false beside vasopressors), so that most records reach the count and the organs.
    if rng.random() < 0.7:
        record.pop("fever", None)
    if record.get("hypotension") is False and rng.random() < 0.8:
        del record["hypotension"]
    for key, values in {
        "vasopressor_count": [ABSENT, 0, 1, 1, 2, 2, 3, 6, "multiple", "multiple"],
        "vasopressors": [
            ABSENT,
            ABSENT,
            [],
            ["norepinephrine"],
            ["vasopressin"],
            ["norepinephrine", "vasopressin"],
            ["dopamine", "epinephrine", "phenylephrine"],
        ],
        "organ_toxicity": [
            ABSENT,
            ABSENT,
            ABSENT,
            ABSENT,
            ABSENT,
            {"liver": 1},
            {"liver": 2, "kidney": 1},
            {"kidney": 3, "heart": 4},
            {"lung": 5},
            {"liver": 0},
            {"": 2},
        ],
    }.items():
        value = _pick(rng, values)
        if value is ABSENT:
            record.pop(key, None)
        else:
            record[key] = value
    return record


def _ice_domains_record(rng: random.Random) -> dict[str, Any]:
    """An ICE record by domain subtotals (each 0 to its items' count, one point per item, Lee 2019
    ICE table), alone or with items and a total, mostly agreeing (D10, D13); about one in eight
    puts a subtotal one above its top, which is refused."""
    record: dict[str, Any] = {}
    for domain, items in ICE_DOMAINS.items():
        top = len(items)
        value = _pick(rng, [ABSENT, ABSENT, 0, top - 1, top, top, None])
        if value is not ABSENT:
            record[domain] = value
        if value is ABSENT or rng.random() < 0.1:  # items beside a subtotal may contradict it
            for name in items:
                if rng.random() < 0.5:
                    record[name] = _pick(rng, [0, 1, 1, None])
    if rng.random() < 0.12:
        domain = rng.choice(list(ICE_DOMAINS))
        record[domain] = len(ICE_DOMAINS[domain]) + 1
    if rng.random() < 0.25:
        record["total"] = rng.choice([0, 2, 3, 6, 7, 9, 10])
    return record


def _capd_points_record(rng: random.Random) -> dict[str, Any]:
    """A CAPD record by the items' scored points (0-4 after reverse scoring of items 1-4, Traube
    2014), alone or with the answers (mostly agreeing) and a total (D8, D13); about one in eight
    gives a point of 5, which is refused."""
    record: dict[str, Any] = {}
    for item in CAPD_FORM:
        roll = rng.random()
        answer = _pick(rng, [*ANSWERS, None]) if roll > 0.45 else None
        if roll > 0.45:
            record[item.name] = answer
        if roll < 0.6:
            points = _pick(rng, [0, 1, 2, 3, 4, 4, None])
            if answer is not None and rng.random() < 0.8:
                points = capd_points(CapdAnswer(answer), reverse=item.reverse)
            record[f"{item.name}_points"] = points
    if rng.random() < 0.12:
        record[f"{rng.choice(CAPD_ITEMS)}_points"] = 5
    if rng.random() < 0.25:
        record["total"] = rng.choice([0, 8, 9, 32])
    if rng.random() < 0.2:
        record["rass"] = rng.choice([-5, -4, -3, 0])
    return record


def _visit_record(rng: random.Random, density: float) -> dict[str, Any]:
    record: dict[str, Any] = {}
    if rng.random() < 0.3:
        record["window_days"] = rng.choice([10, 30])
    if rng.random() < 0.5:
        record["visit_date"] = f"2024-0{rng.randrange(1, 10)}-1{rng.randrange(10)}"
    for name in DESCRIPTORS:
        roll = rng.random()
        if roll < density:
            record[name] = True
        elif roll < 0.85:
            record[name] = False
        elif roll < 0.92:
            record[name] = None
    for name in WITH_CAUSES:
        if rng.random() < 0.3:
            record[f"{name}_other_cause"] = _pick(rng, [True, None, False])
    for field, values in RAW_VALUES.items():
        if rng.random() < 0.25:
            record[field] = _pick(rng, values)
    return record


def _pair(rng: random.Random) -> dict[str, Any]:
    return {"baseline": _visit_record(rng, 0.3), "follow_up": _visit_record(rng, 0.1)}


def _sri4_record(rng: random.Random) -> dict[str, Any]:
    record = _pair(rng)
    for key, values in {
        "new_bilag_a": [ABSENT, 0, 1],
        "new_bilag_b": [ABSENT, 0, 1, 2],
        "pga_baseline": [ABSENT, 1.0, 0.0, 3.0],
        "pga_follow_up": [ABSENT, 1.3, 1.29, 1.31, 0.5, 3.0],
    }.items():
        value = _pick(rng, values)
        if value is not ABSENT:
            record[key] = value
    return record


def _doris_record(rng: random.Random) -> dict[str, Any]:
    record: dict[str, Any] = {"visit": _visit_record(rng, 0.03)}
    for key, values in {
        "pga": [ABSENT, 0.49, 0.5, 0.0],
        "prednisolone_mg_day": [ABSENT, 5.0, 5.01, 0.0],
        "stable_maintenance": [ABSENT, True, False, None],
    }.items():
        value = _pick(rng, values)
        if value is not ABSENT:
            record[key] = value
    return record


def _lldas_record(rng: random.Random) -> dict[str, Any]:
    record: dict[str, Any] = {"visit": _visit_record(rng, 0.05)}
    for key, values in {
        "haemolytic_anaemia": [ABSENT, False, True],
        "gastrointestinal_activity": [ABSENT, False, True],
        "new_activity": [ABSENT, False, True],
        "pga": [ABSENT, 1.0, 1.01, 0.2],
        "prednisolone_mg_day": [ABSENT, 7.5, 7.51, 2.0],
        "standard_maintenance": [ABSENT, True, False, None],
    }.items():
        value = _pick(rng, values)
        if value is not ABSENT:
            record[key] = value
    return record


def sledai_record(rng: random.Random) -> dict[str, Any]:
    """A SLEDAI-2K visit with about a fifth of the descriptors present."""
    return _visit_record(rng, 0.2)


#: Per corpus: how many records, and the builder of one record from the seeded generator.
BUILDERS: dict[str, tuple[int, Callable[[random.Random], dict[str, Any]]]] = {
    "crs": (3000, _crs_record),
    "ice": (400, _ice_record),
    "capd": (400, _capd_record),
    "icans": (3000, _icans_record),
    "sledai": (800, sledai_record),
    "sledai_change": (300, _pair),
    "sri4": (500, _sri4_record),
    "doris": (500, _doris_record),
    "lldas": (500, _lldas_record),
    "crs_counted": (1500, _crs_counted_record),
    "ice_domains": (400, _ice_domains_record),
    "capd_points": (400, _capd_points_record),
}


def boundary_records(name: str) -> list[dict[str, Any]]:
    """The boundary records of corpus ``name``, in order (seeded: the same on every run)."""
    size, build = BUILDERS[name]
    rng = random.Random(f"{SEED}-{name if name != 'sledai_change' else 'change'}")
    return [build(rng) for _ in range(size)]
