"""Import time of the package against importing pydantic itself, in fresh interpreters.

Each statement runs in a new ``python -c`` process, alternating between the two so that the
machine's load falls on both alike; the figure is the median CPU time (user and system) each
child process used, which other processes on a shared machine do not inflate, and their ratio
(the budget, design.md: ``from astct_grading import grade_crs`` at most 1.5x ``import pydantic``).

Every module is imported from compiled bytecode, as from an installed package (pip compiles it
on install): the children write and read it in a temporary cache of their own
(``PYTHONPYCACHEPREFIX``), filled by one untimed run of each statement, whatever
``PYTHONDONTWRITEBYTECODE`` says, and the source tree is left as it was.
Usage::

    .venv/bin/python -m benchmarks.import_time [--runs N]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile

STATEMENTS = {
    "python": "pass",
    "pydantic": "import pydantic",
    # The floor for any package whose API holds pydantic models: pydantic's own model machinery.
    "BaseModel": "from pydantic import BaseModel",
    # Models with field constraints and strict types also load pydantic.fields, pydantic.types
    # and annotated_types, which pydantic's model class alone does not.
    "Field": "from pydantic import BaseModel, Field, StrictBool",
    "grade_crs": "from astct_grading import grade_crs",
    "everything": "import astct_grading as a; [getattr(a, n) for n in a.__all__]",
}


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _time(statement: str, env: dict[str, str]) -> float:
    start = _cpu_of_children()
    subprocess.run([sys.executable, "-c", statement], check=True, env=env)
    return _cpu_of_children() - start


def measure(runs: int) -> dict[str, float]:
    """The median seconds of each statement over ``runs`` alternating runs, from bytecode."""
    times: dict[str, list[float]] = {name: [] for name in STATEMENTS}
    with tempfile.TemporaryDirectory(prefix="import-time-") as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        for statement in STATEMENTS.values():
            _time(statement, env)  # compiles every module the statement imports, untimed
        for _ in range(runs):
            for name, statement in STATEMENTS.items():
                times[name].append(_time(statement, env))
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
