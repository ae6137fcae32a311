"""Systemic lupus erythematosus: SLEDAI-2K and the response definitions built on it.

One concept per module: the visit (``models``, ``readings``, ``options``), its scoring
(``descriptors``, ``results``, ``sledai``) and the response definitions (``inputs``, ``outcomes``,
``assessing``, ``change``, ``sri4``, ``doris``, ``lldas``). ``sledai`` and ``response`` also keep
their former public names.
"""

from __future__ import annotations

from astct_grading.sle.change import SledaiChangeResult, change_from_baseline
from astct_grading.sle.doris import assess_doris_remission
from astct_grading.sle.inputs import DorisInput, LldasInput, SledaiChangeInput, Sri4Input
from astct_grading.sle.lldas import assess_lldas
from astct_grading.sle.models import AntiDsDnaMeasurement, ComplementMeasurement, SledaiVisit
from astct_grading.sle.options import Sledai2kOptions
from astct_grading.sle.outcomes import CriterionResult, Outcome, ResponseResult
from astct_grading.sle.results import Basis, Sledai2kResult, SledaiItem
from astct_grading.sle.sledai import score_sledai2k
from astct_grading.sle.sri4 import assess_sri4

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
