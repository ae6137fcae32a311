"""The fuzz run of the command line (scripts/fuzz_cli.py): a fast one by default, the full one slow.

For every target (``crs``, ``icans`` and ``sledai`` from JSON Lines and CSV, ``course``): no
traceback, one well-formed output line per input record in order, exit code 0 or 1 (3 is an
internal error: a bug). ``pytest -m slow`` runs 1,000,000 records per target (several minutes
each); docs/cli.md records its figures.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).parent.parent.parent


def load_fuzzer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fuzz_cli", ROOT / "scripts" / "fuzz_cli.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("fuzz_cli", module)
    spec.loader.exec_module(module)
    return module


FUZZ = load_fuzzer()
TARGETS = sorted(FUZZ.TARGETS)


def check(target: str, lines: int, seed: int, tmp_path: Path) -> None:
    figures = FUZZ.fuzz(target, lines, seed, tmp_path)
    assert figures.problems == [], figures.summary()
    assert figures.lines == lines
    assert sum(figures.kinds.values()) == lines
    assert figures.exit_code in (0, 1)
    # The fuzzing reaches both sides: records graded and records refused.
    assert figures.kinds["result"] > 0
    assert lines - figures.kinds["result"] > 0


@pytest.mark.parametrize("target", TARGETS)
def test_fuzzed_input_keeps_the_batch_contract(target: str, tmp_path: Path) -> None:
    check(target, 2_000, 7, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("target", TARGETS)
def test_a_million_fuzzed_lines_keep_the_batch_contract(target: str, tmp_path: Path) -> None:
    check(target, 1_000_000, 2019, tmp_path)


def test_the_fuzzer_writes_what_it_says(tmp_path: Path) -> None:
    # Each record's first line, as the checks expect them: JSON Lines one per line; CSV after
    # the header, a record spanning lines when a quoted cell holds a newline.
    for target in ("crs-jsonl", "crs-csv"):
        path = tmp_path / target
        starts = FUZZ.write_input(target, 500, 3, path)
        text = path.read_bytes()
        assert len(starts) == 500
        assert starts == sorted(set(starts))
        if target.endswith("jsonl"):
            assert starts == list(range(1, 501))
            assert text.count(b"\n") == 500
        else:
            assert starts[0] == 2
            assert text.count(b"\n") >= starts[-1]
