"""SLE response between visits: change from baseline, SRI-4, DORIS 2021 remission and LLDAS.

Every definition is computed from SLEDAI-2K visits (:mod:`astct_grading.sle.sledai`) and the inputs
the definition adds (physician global assessment, prednisolone-equivalent dose, BILAG, therapy).
Each returns met, not met or cannot tell, with the result of each criterion; "cannot tell" means
that a missing input could change the answer (D13). The criteria and their sources are in
:mod:`astct_grading.criteria.sledai2k`; the product decision followed is D19 (docs/decisions.md).

The definitions live one per module (:mod:`~astct_grading.sle.change`,
:mod:`~astct_grading.sle.sri4`, :mod:`~astct_grading.sle.doris`, :mod:`~astct_grading.sle.lldas`),
their inputs in :mod:`~astct_grading.sle.inputs` and their results in
:mod:`~astct_grading.sle.outcomes`; this module keeps their public names in one place.
"""

from __future__ import annotations

from astct_grading.sle.change import SledaiChangeResult, change_from_baseline
from astct_grading.sle.doris import assess_doris_remission

# BilagCount, Pga and PrednisoloneMgDay: importable from here as before (the course reuses them).
from astct_grading.sle.inputs import BilagCount as BilagCount  # noqa: PLC0414
from astct_grading.sle.inputs import (
    DorisInput,
    LldasInput,
    SledaiChangeInput,
    Sri4Input,
)
from astct_grading.sle.inputs import Pga as Pga  # noqa: PLC0414
from astct_grading.sle.inputs import PrednisoloneMgDay as PrednisoloneMgDay  # noqa: PLC0414
from astct_grading.sle.lldas import assess_lldas
from astct_grading.sle.outcomes import CriterionResult, Outcome, ResponseResult
from astct_grading.sle.sri4 import assess_sri4

__all__ = [
    "CriterionResult",
    "DorisInput",
    "LldasInput",
    "Outcome",
    "ResponseResult",
    "SledaiChangeInput",
    "SledaiChangeResult",
    "Sri4Input",
    "assess_doris_remission",
    "assess_lldas",
    "assess_sri4",
    "change_from_baseline",
]
