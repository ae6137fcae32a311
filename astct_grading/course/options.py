"""The named, documented parameters of course grading (docs/course.md)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from astct_grading.crs.grading import CrsOptions
from astct_grading.errors import AstctGradingError
from astct_grading.icans import IcansOptions
from astct_grading.sle.sledai import Sledai2kOptions

__all__ = ["DEFAULT_OPTIONS", "CourseOptions"]


@dataclass(frozen=True, slots=True)
class CourseOptions:
    """Named, documented parameters of course grading (docs/course.md).

    Attributes:
        resolution_hours: an episode resolves once this many hours pass without any grade >= 1
            finding, counted from the first assessment without one (D20; default 24).
        crs: the options for grading each CRS assessment.
        icans: the options for grading each ICANS assessment (D7).
        sledai: the options for scoring SLEDAI-2K (D16).

    Example:
        >>> CourseOptions(resolution_hours=48.0).resolution_hours
        48.0
    """

    resolution_hours: float = 24.0
    crs: CrsOptions = field(default_factory=CrsOptions)
    icans: IcansOptions = field(default_factory=IcansOptions)
    sledai: Sledai2kOptions = field(default_factory=Sledai2kOptions)

    def __post_init__(self) -> None:
        if not (math.isfinite(self.resolution_hours) and self.resolution_hours > 0):
            raise AstctGradingError(
                "invalid_option",
                f"resolution_hours must be a positive number, not {self.resolution_hours!r}",
            )


#: The options :func:`~astct_grading.course.grade_course` uses when given none.
DEFAULT_OPTIONS = CourseOptions()
