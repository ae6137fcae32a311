"""Import time of the package against importing pydantic itself, in fresh interpreters.

Each statement runs in a new ``python -c`` process, alternating between the two so that the
machine's load falls on both alike; the figure is the median CPU time (user and system) each
child process used, which other processes on a shared machine do not inflate, and their ratio
(the budget, design.md: ``from astct_grading import grade_crs`` at most 1.5x ``import pydantic``).
Usage::

    .venv/bin/python -m benchmarks.import_time [--runs N]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys

STATEMENTS = {
    "python": "pass",
    "pydantic": "import pydantic",
    # The floor for any package whose API holds pydantic models: pydantic's own model machinery.
    "BaseModel": "from pydantic import BaseModel",
    "grade_crs": "from astct_grading import grade_crs",
    "everything": "import astct_grading as a; [getattr(a, n) for n in a.__all__]",
}


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _time(statement: str) -> float:
    start = _cpu_of_children()
    subprocess.run([sys.executable, "-c", statement], check=True)
    return _cpu_of_children() - start


def measure(runs: int) -> dict[str, float]:
    """The median seconds of each statement over ``runs`` alternating runs."""
    times: dict[str, list[float]] = {name: [] for name in STATEMENTS}
    for _ in range(runs):
        for name, statement in STATEMENTS.items():
            times[name].append(_time(statement))
    return {name: statistics.median(values) for name, values in times.items()}


def main(argv: list[str] | None = None) -> int:
    """Print the medians and the ratios to ``import pydantic``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs of each statement")
    args = parser.parse_args(argv)
    medians = measure(args.runs)
    base = medians["pydantic"]
    for name, seconds in medians.items():
        print(f"{name:<11} {seconds * 1000:7.1f} ms   {seconds / base:4.2f}x import pydantic")
    return 0


if __name__ == "__main__":
    sys.exit(main())
