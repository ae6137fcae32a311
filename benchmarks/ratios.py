"""Per-record speed as ratios to the baselines, measured in one run (docs/performance.md).

For CRS, ICANS and SLEDAI-2K, on realistic records (the demo cohort's and generated ones, values
at the precision charts record) and on all-distinct records (every number at full precision, so
nothing the library keeps between records can be reused), it times:

* ``naive``: ``json.loads`` plus a hand-written if-ladder (benchmarks/baseline.py);
* ``ceiling``: validating the JSON with a minimal pydantic model of the same shape;
* ``validate``: the library's ``Model.model_validate_json``;
* ``grade``: validated JSON -> graded result (``grade_*(Model.model_validate_json(line))``).

and prints records/s and the ratios ``naive time / grade time`` and ``ceiling time / validate
time`` (1.0 = as fast as the yardstick). Usage::

    .venv/bin/python -m benchmarks.ratios [--repeat N] [--json FILE] [--clock cpu|wall]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pydantic
from pydantic import BaseModel, ValidationError

from astct_grading import (
    Course,
    CrsAssessment,
    IcansAssessment,
    SledaiVisit,
    grade_crs,
    grade_icans,
    load_demo_cohort,
    score_sledai2k,
)
from benchmarks.baseline import naive_crs, naive_icans, naive_sledai, plain_model
from benchmarks.bench_cli import record as cli_record


@dataclass(frozen=True)
class Scale:
    """A scale to time: its model, grading function, naive grader and records."""

    name: str
    model: type[BaseModel]
    grade: Callable[[Any], Any]
    naive: Callable[[bytes], int]
    realistic: list[bytes]


def _dump(model: BaseModel) -> bytes:
    return model.model_dump_json(exclude_unset=True).encode()


def _demo() -> list[Course]:
    return list(load_demo_cohort())


def _crs_records(count: int, rng: random.Random) -> list[bytes]:
    demo = [_dump(t.assessment) for c in _demo() for t in c.crs_assessments]
    generated = []
    for number in range(count - len(demo)):
        data = cli_record(rng, number)
        del data["id"]
        generated.append(json.dumps(data, separators=(",", ":")).encode())
    return demo + generated


def _icans_records() -> list[bytes]:
    return [_dump(t.assessment) for c in _demo() for t in c.icans_assessments]


def _sledai_records() -> list[bytes]:
    return [_dump(v.visit) for c in _demo() for v in c.sledai_visits]


def _jitter(value: Any, rng: random.Random) -> Any:
    """Every float moved by a little noise at full precision; everything else kept."""
    if isinstance(value, dict):
        return {key: _jitter(item, rng) for key, item in value.items()}
    if isinstance(value, list):
        return [_jitter(item, rng) for item in value]
    if isinstance(value, float):
        return value + rng.uniform(-0.049, 0.049)
    return value


def distinct(model: type[BaseModel], lines: Sequence[bytes], count: int, seed: int) -> list[bytes]:
    """``count`` records made from ``lines`` with every float at full precision (still valid)."""
    rng = random.Random(seed)
    out: list[bytes] = []
    while len(out) < count:
        for line in lines:
            candidate = json.dumps(_jitter(json.loads(line), rng)).encode()
            try:
                model.model_validate_json(candidate)
            except ValidationError:
                continue
            out.append(candidate)
    return out[:count]


#: The clock the rounds are timed with: this process's CPU time by default, so that other
#: processes on a shared machine do not count; ``--clock wall`` for the wall clock.
CLOCKS: dict[str, Callable[[], float]] = {"cpu": time.process_time, "wall": time.perf_counter}


def _best(run: Callable[[], object], repeat: int, clock: Callable[[], float]) -> float:
    times = []
    for _ in range(repeat):
        start = clock()
        run()
        times.append(clock() - start)
    return min(times)


def measure(
    scale: Scale, lines: list[bytes], repeat: int, clock: Callable[[], float] = time.process_time
) -> dict[str, float]:
    """Seconds per record for each path, best of ``repeat`` rounds, interleaved."""
    plain = plain_model(scale.model)
    validate_plain = plain.model_validate_json
    validate = scale.model.model_validate_json
    grade = scale.grade
    naive = scale.naive
    paths: dict[str, Callable[[], object]] = {
        "naive": lambda: [naive(line) for line in lines],
        "ceiling": lambda: [validate_plain(line) for line in lines],
        "validate": lambda: [validate(line) for line in lines],
        "grade": lambda: [grade(validate(line)) for line in lines],
    }
    best = dict.fromkeys(paths, float("inf"))
    for _ in range(repeat):
        for name, run in paths.items():
            best[name] = min(best[name], _best(run, 1, clock))
    return {name: seconds / len(lines) for name, seconds in best.items()}


def main(argv: list[str] | None = None) -> int:
    """Print the table of ratios (and write it as JSON when asked)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--count", type=int, default=2000, help="records per set")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="cpu")
    args = parser.parse_args(argv)
    rng = random.Random(2019)
    scales = (
        Scale("crs", CrsAssessment, grade_crs, naive_crs, _crs_records(args.count, rng)),
        Scale("icans", IcansAssessment, grade_icans, naive_icans, _icans_records()),
        Scale("sledai", SledaiVisit, score_sledai2k, naive_sledai, _sledai_records()),
    )
    print(
        f"Python {platform.python_version()}, pydantic {pydantic.VERSION}, "
        f"{platform.machine()}; best of {args.repeat} rounds, {args.clock} time"
    )
    header = (
        f"{'scale':8} {'records':12} {'n':>5} {'naive':>8} {'ceiling':>8} {'validate':>9} "
        f"{'grade':>8} {'grade/s':>9} {'vs naive':>9} {'vs ceiling':>10}"
    )
    print(header)
    figures: list[dict[str, Any]] = []
    for scale in scales:
        sets = {
            "realistic": scale.realistic,
            "distinct": distinct(scale.model, scale.realistic, args.count, 2025),
        }
        for label, lines in sets.items():
            t = measure(scale, lines, args.repeat, CLOCKS[args.clock])
            row = {
                "scale": scale.name,
                "records": label,
                "n": len(lines),
                **{f"{name}_us": seconds * 1e6 for name, seconds in t.items()},
                "grade_per_s": 1 / t["grade"],
                "ratio_vs_naive": t["naive"] / t["grade"],
                "ratio_vs_ceiling": t["ceiling"] / t["validate"],
            }
            figures.append(row)
            print(
                f"{scale.name:8} {label:12} {len(lines):>5} {row['naive_us']:>7.1f}µ "
                f"{row['ceiling_us']:>7.1f}µ {row['validate_us']:>8.1f}µ {row['grade_us']:>7.1f}µ "
                f"{row['grade_per_s']:>9,.0f} {row['ratio_vs_naive']:>8.2f}x "
                f"{row['ratio_vs_ceiling']:>9.2f}x"
            )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(figures, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
