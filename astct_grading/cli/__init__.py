"""The command line (``astct-grading``), built on the standard library."""

from __future__ import annotations

from astct_grading.cli.app import (
    COURSE,
    SCALES,
    SCHEMA_MODELS,
    CsvColumn,
    Scale,
    main,
)

__all__ = [
    "COURSE",
    "SCALES",
    "SCHEMA_MODELS",
    "CsvColumn",
    "Scale",
    "main",
]
