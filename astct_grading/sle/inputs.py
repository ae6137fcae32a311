"""The inputs of the SLE response definitions: two visits, or one visit with what it adds.

Physician global assessment (0-3), prednisolone-equivalent dose, new BILAG grades and therapy
flags, each validated like every other input (D15); a missing input is None, never normal (D13).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from astct_grading.core.validation import FiniteFloat, Flag, InputModel, _number
from astct_grading.sle.models import SledaiVisit

__all__ = [
    "BILAG_DOMAINS",
    "PGA_MAX",
    "PGA_MIN",
    "BilagCount",
    "DorisInput",
    "LldasInput",
    "Pga",
    "PrednisoloneMgDay",
    "SledaiChangeInput",
    "Sri4Input",
]

#: Physician (evaluator) global assessment on the 0-3 scale (SELENA-SLEDAI PGA).
PGA_MIN = 0
PGA_MAX = 3
Pga = Annotated[FiniteFloat, Field(ge=PGA_MIN, le=PGA_MAX)]
#: Prednisolone-equivalent dose in mg/day; the upper guard (D15) allows pulse doses.
PrednisoloneMgDay = Annotated[FiniteFloat, Field(ge=0, le=2000)]
#: A count of BILAG domains (BILAG-2004 has 9); booleans are rejected (D15).
BILAG_DOMAINS = 9
BilagCount = Annotated[int, BeforeValidator(_number), Field(ge=0, le=BILAG_DOMAINS)]


def _check_order(baseline: SledaiVisit, follow_up: SledaiVisit) -> None:
    if (
        baseline.visit_date is not None
        and follow_up.visit_date is not None
        and follow_up.visit_date < baseline.visit_date
    ):
        raise PydanticCustomError(
            "visit_order",
            "the follow-up visit ({follow_up}) is dated before the baseline visit ({baseline})",
            {
                "follow_up": follow_up.visit_date.isoformat(),
                "baseline": baseline.visit_date.isoformat(),
            },
        )


class SledaiChangeInput(InputModel):
    """Two SLEDAI-2K visits: a baseline and a later follow-up.

    Example:
        >>> pair = SledaiChangeInput(baseline={"rash": True}, follow_up={"rash": False})
        >>> pair.follow_up.rash
        False
    """

    baseline: SledaiVisit
    """The baseline visit."""
    follow_up: SledaiVisit
    """The follow-up visit; if both are dated it must not be before the baseline."""

    @model_validator(mode="after")
    def _ordered(self) -> SledaiChangeInput:
        _check_order(self.baseline, self.follow_up)
        return self


class Sri4Input(InputModel):
    """The inputs of SRI-4: two visits, new BILAG grades, and the PGA at both visits.

    Example:
        >>> Sri4Input(baseline={}, follow_up={}, new_bilag_b=1).new_bilag_b
        1
    """

    baseline: SledaiVisit
    """The baseline visit."""
    follow_up: SledaiVisit
    """The follow-up visit; if both are dated it must not be before the baseline."""
    new_bilag_a: BilagCount | None = None
    """How many BILAG organ domains are newly scored A at follow-up (0-9)."""
    new_bilag_b: BilagCount | None = None
    """How many BILAG organ domains are newly scored B at follow-up (0-9)."""
    pga_baseline: Pga | None = None
    """Physician global assessment at baseline, 0-3."""
    pga_follow_up: Pga | None = None
    """Physician global assessment at follow-up, 0-3."""

    @model_validator(mode="after")
    def _ordered(self) -> Sri4Input:
        _check_order(self.baseline, self.follow_up)
        return self


class DorisInput(InputModel):
    """The inputs of DORIS 2021 remission at one visit.

    Example:
        >>> DorisInput(visit={}, pga=0.2, prednisolone_mg_day=5).pga
        0.2
    """

    visit: SledaiVisit
    """The visit (clinical SLEDAI must be 0; serology is not considered)."""
    pga: Pga | None = None
    """Physician (evaluator) global assessment, 0-3; must be < 0.5."""
    prednisolone_mg_day: PrednisoloneMgDay | None = None
    """Prednisolone or equivalent, mg/day; must be ≤ 5."""
    stable_maintenance: Flag | None = None
    """True when any antimalarial, immunosuppressive or biologic is at a stable maintenance dose
    (or none is given); False when one is not."""


class LldasInput(InputModel):
    """The inputs of LLDAS at one visit.

    Example:
        >>> LldasInput(visit={}, new_activity=False).new_activity
        False
    """

    visit: SledaiVisit
    """The visit (SLEDAI-2K must be ≤ 4 with no major-organ activity)."""
    haemolytic_anaemia: Flag | None = None
    """Haemolytic anaemia is present (then not LLDAS)."""
    gastrointestinal_activity: Flag | None = None
    """Gastrointestinal lupus activity is present (then not LLDAS)."""
    new_activity: Flag | None = None
    """New features of lupus activity compared with the previous assessment (then not LLDAS)."""
    pga: Pga | None = None
    """Physician global assessment (SELENA-SLEDAI PGA), 0-3; must be ≤ 1."""
    prednisolone_mg_day: PrednisoloneMgDay | None = None
    """Prednisolone or equivalent, mg/day; must be ≤ 7.5."""
    standard_maintenance: Flag | None = None
    """True when immunosuppressives and approved biologics, if any, are at well-tolerated standard
    maintenance doses and no investigational drug is given."""
