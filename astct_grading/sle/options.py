"""SLEDAI-2K options: named alternatives to the default readings (D16)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from astct_grading.criteria.sledai2k import (
    ARTHRITIS_MIN_JOINTS,
    ORIGINAL_SLEDAI_ARTHRITIS_MIN_JOINTS,
)
from astct_grading.errors import AstctGradingError

__all__ = ["DEFAULT_OPTIONS", "Sledai2kOptions"]


@dataclass(frozen=True, slots=True)
class Sledai2kOptions:
    """Named alternatives to the default readings (docs/decisions.md).

    Attributes:
        arthritis_threshold: ``"two_or_more"`` (default, D16: the SLEDAI-2K form's "≥ 2 joints")
            or ``"more_than_two"`` (the original SLEDAI reading, "more than 2 joints").

    Example:
        >>> Sledai2kOptions(arthritis_threshold="more_than_two").min_joints
        3
    """

    arthritis_threshold: Literal["two_or_more", "more_than_two"] = "two_or_more"

    def __post_init__(self) -> None:
        if self.arthritis_threshold not in ("two_or_more", "more_than_two"):
            raise AstctGradingError(
                "invalid_option",
                "arthritis_threshold is 'two_or_more' or 'more_than_two', "
                f"not {self.arthritis_threshold!r} (D16)",
            )

    @property
    def min_joints(self) -> int:
        """The fewest inflamed joints that make arthritis under this reading (D16)."""
        if self.arthritis_threshold == "more_than_two":
            return ORIGINAL_SLEDAI_ARTHRITIS_MIN_JOINTS
        return ARTHRITIS_MIN_JOINTS


DEFAULT_OPTIONS = Sledai2kOptions()
