"""The ``astct-grading`` command-line tool (standard library only).

Example:
    >>> main(["--version"])  # doctest: +ELLIPSIS
    astct-grading ...
    0
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from astct_grading._version import __version__
from astct_grading.crs import grade_crs

__all__ = ["main"]

#: Example CRS assessments for the demonstration: each shows one rule at work.
DEMO_CRS: tuple[tuple[str, dict[str, object]], ...] = (
    (
        "fever only",
        {
            "temperature": {"value": 38.3, "unit": "C"},
            "hypotension": False,
            "oxygen": {"device": "room_air"},
        },
    ),
    (
        "100.4 °F is a fever",
        {
            "temperature": {"value": 100.4, "unit": "F"},
            "hypotension": False,
            "oxygen": {"device": "room_air"},
        },
    ),
    (
        "6 L/min is still low flow",
        {
            "temperature": {"value": 38.9, "unit": "C"},
            "hypotension": False,
            "oxygen": {"device": "nasal_cannula", "flow_l_min": 6.0},
        },
    ),
    (
        "afebrile on a vasopressor after tocilizumab",
        {
            "temperature": {"value": 37.1, "unit": "C"},
            "fever_waiver": True,
            "hypotension": True,
            "vasopressors": ["norepinephrine"],
            "oxygen": {"device": "room_air"},
        },
    ),
    (
        "vasopressin does not make it multiple",
        {
            "temperature": {"value": 39.0, "unit": "C"},
            "hypotension": True,
            "vasopressors": ["vasopressin", "norepinephrine"],
            "oxygen": {"device": "room_air"},
        },
    ),
    (
        "CPAP is positive pressure",
        {
            "temperature": {"value": 38.5, "unit": "C"},
            "hypotension": False,
            "oxygen": {"device": "cpap"},
        },
    ),
    (
        "missing temperature is not a fever",
        {"hypotension": True, "vasopressors": [], "oxygen": {"device": "room_air"}},
    ),
)


def _demo() -> int:
    for title, record in DEMO_CRS:
        result = grade_crs(record)
        low, high = result.grade_min, result.grade_max
        shown = str(low) if low == high else f"{low}-{high}"
        print(f"{title}\n  grade {shown}: {result.explanation}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="astct-grading",
        description="Grade CAR-T toxicities (CRS, ICANS) by the ASTCT 2019 consensus.",
    )
    parser.add_argument("--version", action="version", version=f"astct-grading {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("demo", help="grade example assessments and print the results")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Args:
        argv: the arguments (default: ``sys.argv[1:]``).

    Returns:
        0 on success, 2 for usage errors.
    """
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    if args.command == "demo":
        return _demo()
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
