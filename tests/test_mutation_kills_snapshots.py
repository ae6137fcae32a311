"""Characterisation of every result over a fixed corpus, to catch any change of a grading rule.

Mutation testing (docs/mutation.md) showed that the table and property tests pin grades and
scores but not every part of a result: which finding is "present", which inputs are listed as
missing, which decisions are cited, the wording of the explanation. This module grades a fixed,
seeded corpus of records (built from small value tables that sit on every bound, unknowns
included) with every grading and scoring function and compares digests of the results:

* ``STRUCTURE``: everything but free text (grades and ranges, findings, drivers, missing inputs,
  decisions, items, outcomes). A change here changes what a result says.
* ``TEXT``: the explanations and details only. A change here is a wording change.

When a change is intended, regenerate the digests with
``python -m tests.test_mutation_kills_snapshots`` and paste its output below, and say in the
changelog whether a grade can change ("grading changes").
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from astct_grading import (
    CrsOptions,
    Sledai2kOptions,
    assess_doris_remission,
    assess_lldas,
    assess_sri4,
    change_from_baseline,
    grade_crs,
    score_sledai2k,
)
from astct_grading.errors import AstctGradingError
from astct_grading.icans.grading import IcansOptions, grade_icans, score_capd, score_ice
from tests.sledai_form import DESCRIPTORS

SEED = 20240601
CHUNKS = 8
TEXT_KEYS = frozenset({"explanation", "detail"})

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


Grader = Callable[[dict[str, Any]], Any]
CORPORA: dict[str, tuple[int, Callable[[random.Random], dict[str, Any]], list[Grader]]] = {
    "crs": (
        3000,
        _crs_record,
        [grade_crs, lambda r: grade_crs(r, options=CrsOptions("unknown"))],
    ),
    "ice": (400, _ice_record, [score_ice]),
    "capd": (400, _capd_record, [score_capd]),
    "icans": (
        3000,
        _icans_record,
        [grade_icans, lambda r: grade_icans(r, options=IcansOptions(ice_min_age_years=11.0))],
    ),
    "sledai": (
        800,
        lambda rng: _visit_record(rng, 0.2),
        [score_sledai2k, lambda r: score_sledai2k(r, options=Sledai2kOptions("more_than_two"))],
    ),
    "change": (300, _pair, [change_from_baseline]),
    "sri4": (500, _sri4_record, [assess_sri4]),
    "doris": (500, _doris_record, [assess_doris_remission]),
    "lldas": (500, _lldas_record, [assess_lldas]),
}


def _split(value: Any) -> tuple[Any, Any]:
    """(the value without free text, the free text alone)."""
    if isinstance(value, dict):
        parts = {k: _split(v) for k, v in value.items() if k not in TEXT_KEYS}
        text = {k: v for k, v in value.items() if k in TEXT_KEYS}
        text.update({k: t for k, (_, t) in parts.items() if t not in (None, {}, [])})
        return {k: s for k, (s, _) in parts.items()}, text
    if isinstance(value, list):
        pairs = [_split(item) for item in value]
        return [s for s, _ in pairs], [t for _, t in pairs]
    return value, None


def _outcomes(name: str) -> Iterator[tuple[int, str, str]]:
    """(chunk, structure line, text line) for every record and grader of a corpus."""
    size, build, graders = CORPORA[name]
    rng = random.Random(f"{SEED}-{name}")
    for index in range(size):
        record = build(rng)
        for grader in graders:
            try:
                data = json.loads(grader(record).to_json())
            except ValidationError as error:
                data = {"error": sorted(e["type"] for e in error.errors())}
            except AstctGradingError as error:  # pragma: no cover - no misuse in the corpus
                data = {"error": error.type}
            structure, text = _split(data)
            yield (
                index % CHUNKS,
                json.dumps(structure, sort_keys=True),
                json.dumps(text, sort_keys=True, ensure_ascii=False),
            )


def digests(name: str) -> tuple[list[str], list[str]]:
    """Per chunk: the digest of the structures and the digest of the texts."""
    structure = [hashlib.sha256() for _ in range(CHUNKS)]
    text = [hashlib.sha256() for _ in range(CHUNKS)]
    for chunk, s, t in _outcomes(name):
        structure[chunk].update(s.encode() + b"\n")
        text[chunk].update(t.encode() + b"\n")
    return [h.hexdigest()[:16] for h in structure], [h.hexdigest()[:16] for h in text]


# Generated by ``python -m tests.test_mutation_kills_snapshots``.
STRUCTURE: dict[str, list[str]] = {
    "crs": [
        "c3e20bf31b2509f9",
        "297f0f544e55290c",
        "833174b69124f56d",
        "01b5a56f5b15b5ab",
        "0a684b40deec9906",
        "9316c357285664b6",
        "6fc1b349d43f123e",
        "a87436d6da53f59a",
    ],
    "ice": [
        "817c69a9bcee0646",
        "cc6eb90c6f821f3b",
        "faa074e509b369fb",
        "d600535da3917c9d",
        "76f3a409b2139206",
        "7871391aa3dc816f",
        "8d501951293d0379",
        "f0cf56e67cb09591",
    ],
    "capd": [
        "38f7e58368596397",
        "6740dae561bfc27f",
        "bd69deb1c88633e5",
        "8a086a95a16ba955",
        "d92e469594fbd9c2",
        "23d75e2042e802f0",
        "a4c41fcee47e5344",
        "f644bfae1e11f323",
    ],
    "icans": [
        "32c1ccaff89acafe",
        "e5f7bd55afd631e9",
        "cd79ee931eb417b9",
        "7d323e0d9001670c",
        "3a5df6c6091d3ed7",
        "9083935391c25f12",
        "0b7b18e48809ded5",
        "50e7cd35e09a617c",
    ],
    "sledai": [
        "4f116c63f588f112",
        "d65cb465adc7a689",
        "1fe2abc247c82562",
        "aedb3ed838165290",
        "9cf143b6c6da32a0",
        "bd84f47aee54d8cd",
        "2b7f3c595645d0fd",
        "363772667b4b9161",
    ],
    "change": [
        "bd25c4e641c334d9",
        "085f8bee689a51a4",
        "29181e694656ee91",
        "d06a8b33f5a0e8d6",
        "3334f9c4075acfcc",
        "d3b339b9ce50eebf",
        "cc99e840a4c88513",
        "dd72b40c7f196b79",
    ],
    "sri4": [
        "963f6642d5df89f8",
        "44a2b884b20249a0",
        "8d8063e48bc15955",
        "d297e6341d2cc650",
        "5257a96b671acce8",
        "9932f4fd8706e6c8",
        "852986a514a0e124",
        "16037d229b469934",
    ],
    "doris": [
        "2fe95c1774256eaa",
        "71900def965b03dc",
        "7cefe09cc3f951cb",
        "cefd4d255ed1eeea",
        "ebb3daaf1311d429",
        "c19bbc39f7693d06",
        "3260decf5c724ca1",
        "c50a64793e187195",
    ],
    "lldas": [
        "b7619aa3cdb964c7",
        "0d4006ff4d4ba905",
        "e7f764c115dcb980",
        "5af44139e41cbd02",
        "55b42154ac989826",
        "e9b4e60672d4219f",
        "ce94373388fcb593",
        "7156f7cd990ab76f",
    ],
}
TEXT: dict[str, list[str]] = {
    "crs": [
        "db910efb33b48268",
        "a9e09627da5e3779",
        "8c1bb04bded32e5f",
        "ea97acf3c10d8e3f",
        "ba0b8a35641e6a02",
        "81781579ad10f79e",
        "b7a29858a5fddf15",
        "df1730eb4e8663ef",
    ],
    "ice": [
        "c9da481ae5195f7c",
        "5bbf59451bdbacfa",
        "c3221265d475a11f",
        "40b8a57a356845b9",
        "f68cf32939678901",
        "71250379b73365e7",
        "98e30a6661ec1e78",
        "4a0b5823319574e7",
    ],
    "capd": [
        "c331b45195ebe51a",
        "332f67babb182347",
        "7407e048ecd6d2a2",
        "b14ecbc22641e8f7",
        "1b7c7d67c00f8537",
        "8b76c956a332ff86",
        "8a1252108cd3ee42",
        "a0318095e1a37486",
    ],
    "icans": [
        "6ea34052f655b24c",
        "b1be60627f674510",
        "3adfe02c74312219",
        "e50049218266a031",
        "5e0120eb7b866264",
        "7928d42887c27059",
        "4c9c2454fb067c51",
        "6a2cda01cfb6a2a3",
    ],
    "sledai": [
        "30507d88e61b8f7b",
        "b00c524c4cb24043",
        "b30be9086e76a38a",
        "6fc847d333039de5",
        "328c78de2ab1420b",
        "eefcc257dec07515",
        "e4cbc3bf59bb7c7b",
        "3ea8270c18938be3",
    ],
    "change": [
        "3e605080beb202ac",
        "371d33fff2ca4fd7",
        "e505dc813db220fe",
        "fdadeae529833719",
        "4117643979eacf16",
        "7945d2a2474d8673",
        "8c5124e675245aa4",
        "308061228ca5cc87",
    ],
    "sri4": [
        "f10819ee30378ede",
        "3b255d411e93e681",
        "6b1a5b52c01a03c0",
        "c38833104ad536bc",
        "9d9b08c7dcd50aa5",
        "1921af7659033361",
        "32696de86236f3ca",
        "1f57a81ce80ffa6c",
    ],
    "doris": [
        "b995471180097ca4",
        "27dc2d640ead396b",
        "36a5444163e63a2c",
        "ee5ca921b8a15dd7",
        "2d47b1dc070a7ca4",
        "92b331259ac29626",
        "c0a65f53ba05dbeb",
        "6a8e6f2ebfd4510e",
    ],
    "lldas": [
        "be060a5f0baca8f4",
        "4cb9c08df91acd14",
        "dea9cac13b9eeee4",
        "9ce63da9d447c217",
        "2db6d32455899a36",
        "4866f1b106086ad8",
        "cc6566c87d60f311",
        "5310125e52e886ab",
    ],
}


@pytest.mark.parametrize("name", list(CORPORA))
def test_results_are_unchanged(name: str) -> None:
    # Graded inside the test (not in a fixture), so mutation testing sees which code it runs.
    structure, text = digests(name)
    changed = [i for i, (a, b) in enumerate(zip(structure, STRUCTURE[name], strict=True)) if a != b]
    assert not changed, (
        f"{name}: the results of corpus chunks {changed} changed (a grade, range, finding, missing "
        "input, driver or decision); if intended, regenerate with "
        "python -m tests.test_mutation_kills_snapshots"
    )
    changed = [i for i, (a, b) in enumerate(zip(text, TEXT[name], strict=True)) if a != b]
    assert not changed, (
        f"{name}: the explanations of corpus chunks {changed} changed; if intended, regenerate "
        "with python -m tests.test_mutation_kills_snapshots"
    )


def test_the_corpus_reaches_every_grade_and_unknowns() -> None:
    crs = [json.loads(s) for _, s, _ in _outcomes("crs")][::2]  # the default options only
    assert {r["grade"] for r in crs if "grade" in r} == {None, 0, 1, 2, 3, 4, 5}
    icans = [json.loads(s) for _, s, _ in _outcomes("icans")]
    assert {r["grade"] for r in icans if "grade" in r} == {None, 0, 1, 2, 3, 4, 5}
    assert sum("error" in r for r in icans) < len(icans) / 2  # most records are valid


if __name__ == "__main__":  # pragma: no cover - regenerates the tables above
    table = {name: digests(name) for name in CORPORA}
    print("STRUCTURE: dict[str, list[str]] = {")
    for name, (structure, _) in table.items():
        print(f"    {name!r}: {structure!r},")
    print("}\nTEXT: dict[str, list[str]] = {")
    for name, (_, text) in table.items():
        print(f"    {name!r}: {text!r},")
    print("}")
