"""SLEDAI-2K and SLE response speed (pytest-benchmark; run with `make bench`)."""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter

from astct_grading.criteria.sledai2k import Descriptor
from astct_grading.sle import (
    DorisInput,
    LldasInput,
    SledaiChangeInput,
    SledaiVisit,
    Sri4Input,
    assess_doris_remission,
    assess_lldas,
    assess_sri4,
    change_from_baseline,
    score_sledai2k,
)

ADAPTER: TypeAdapter[SledaiVisit] = TypeAdapter(SledaiVisit)

#: A typical trial visit: every descriptor called, a few raw values behind the laboratory ones.
VISIT: dict[str, Any] = {
    **{d.value: False for d in Descriptor},
    "visit_date": "2024-03-01",
    "arthritis": None,
    "arthritis_joint_count": 3,
    "rash": True,
    "fever": None,
    "temperature": {"value": 100.9, "unit": "F"},
    "thrombocytopenia": None,
    "platelets_10e9_l": 88,
    "thrombocytopenia_other_cause": True,
    "low_complement": None,
    "c3": {"value": 0.7, "lower_limit": 0.9, "unit": "g/L"},
    "c4": {"value": 0.12, "lower_limit": 0.1, "unit": "g/L"},
    "increased_dna_binding": None,
    "anti_dsdna": {"value": 45, "upper_limit": 30, "unit": "IU/mL"},
}
PAYLOAD = json.dumps(VISIT).encode()


def test_score_validated_model(benchmark: Any) -> None:
    visit = SledaiVisit.model_validate(VISIT)
    result = benchmark(score_sledai2k, visit)
    assert result.score == 11


def test_score_validated_model_nothing_assessed(benchmark: Any) -> None:
    visit = SledaiVisit()
    result = benchmark(score_sledai2k, visit)
    assert (result.score_min, result.score_max) == (0, 105)


def test_validate_and_score_from_json_bytes(benchmark: Any) -> None:
    def run() -> int | None:
        return score_sledai2k(ADAPTER.validate_json(PAYLOAD)).score

    assert benchmark(run) == 11


def test_sri4_validated_model(benchmark: Any) -> None:
    data = Sri4Input.model_validate(
        {
            "baseline": VISIT,
            "follow_up": {d.value: False for d in Descriptor},
            "new_bilag_a": 0,
            "new_bilag_b": 0,
            "pga_baseline": 1.2,
            "pga_follow_up": 0.6,
        }
    )
    result = benchmark(assess_sri4, data)
    assert result.met is True


def test_validate_only_from_json_bytes(benchmark: Any) -> None:
    visit = benchmark(ADAPTER.validate_json, PAYLOAD)
    assert visit.platelets_10e9_l == 88


def test_sri4_validated_model_nothing_assessed(benchmark: Any) -> None:
    # Every descriptor open at both visits: which inputs matter is worked out (D13).
    data = Sri4Input.model_validate({"baseline": {}, "follow_up": {}})
    result = benchmark(assess_sri4, data)
    assert result.met is None


def test_change_from_baseline_validated_model(benchmark: Any) -> None:
    data = SledaiChangeInput.model_validate(
        {"baseline": VISIT, "follow_up": {d.value: False for d in Descriptor}}
    )
    result = benchmark(change_from_baseline, data)
    assert result.change == -11


def test_doris_validated_model(benchmark: Any) -> None:
    data = DorisInput.model_validate(
        {"visit": VISIT, "pga": 0.4, "prednisolone_mg_day": 5, "stable_maintenance": True}
    )
    result = benchmark(assess_doris_remission, data)
    assert result.met is False


def test_lldas_validated_model(benchmark: Any) -> None:
    data = LldasInput.model_validate(
        {
            "visit": VISIT,
            "haemolytic_anaemia": False,
            "gastrointestinal_activity": False,
            "new_activity": False,
            "pga": 1.0,
            "prednisolone_mg_day": 7.5,
            "standard_maintenance": True,
        }
    )
    result = benchmark(assess_lldas, data)
    assert result.met is False
