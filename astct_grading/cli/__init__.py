"""The command line (``astct-grading``), built on the standard library.

A facade: the parser and :func:`main` are in ``app``, the registry of scales in ``scales``, the
subcommands' actions in ``commands``, reading in ``inputs``, ``jsonl`` and ``csv_input``, and the
output lines, exit codes and interrupts in ``output`` (docs/cli.md, "Module map").
"""

from __future__ import annotations

from astct_grading.cli.app import main
from astct_grading.cli.scales import (
    COURSE,
    SCALES,
    SCHEMA_MODELS,
    CsvColumn,
    Scale,
)

__all__ = [
    "COURSE",
    "SCALES",
    "SCHEMA_MODELS",
    "CsvColumn",
    "Scale",
    "main",
]
