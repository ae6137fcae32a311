"""Systemic lupus erythematosus: SLEDAI-2K and the response definitions built on it."""

from __future__ import annotations

from astct_grading.sle.response import (
    CriterionResult,
    DorisInput,
    LldasInput,
    Outcome,
    ResponseResult,
    SledaiChangeInput,
    SledaiChangeResult,
    Sri4Input,
    assess_doris_remission,
    assess_lldas,
    assess_sri4,
    change_from_baseline,
)
from astct_grading.sle.sledai import (
    AntiDsDnaMeasurement,
    Basis,
    ComplementMeasurement,
    Sledai2kOptions,
    Sledai2kResult,
    SledaiItem,
    SledaiVisit,
    score_sledai2k,
)

__all__ = [
    "AntiDsDnaMeasurement",
    "Basis",
    "ComplementMeasurement",
    "CriterionResult",
    "DorisInput",
    "LldasInput",
    "Outcome",
    "ResponseResult",
    "Sledai2kOptions",
    "Sledai2kResult",
    "SledaiChangeInput",
    "SledaiChangeResult",
    "SledaiItem",
    "SledaiVisit",
    "Sri4Input",
    "assess_doris_remission",
    "assess_lldas",
    "assess_sri4",
    "change_from_baseline",
    "score_sledai2k",
]
