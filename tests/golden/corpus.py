"""Write the golden corpus: inputs with the full JSON result of each (tests/golden/data/).

The corpus freezes what the library answers, record by record, so that a rebuild of the inside
can prove its results unchanged (tests/golden/test_golden.py compares every line, byte for
byte). Each scale gets a generated corpus, distinct valid records at every completeness level and
invalid ones (``strategies.records``), drawn with fixed seeds, a share graded again under the
non-default options of the decisions; and a boundary corpus, records drawn from value tables on
every cut-off (tests/golden/boundary.py), each graded under every option set.

A line of a corpus file is one JSON object:

* ``input``: the record, as JSON carries it;
* ``options``: the options it was graded with (omitted for the defaults);
* ``result``: the result's ``to_json()`` document, or ``errors``: the validation errors
  (``type``, ``loc``, ``msg``), or ``misuse``: a library error's type and message.

Run it only to freeze the answers again on purpose (``make golden``, i.e.
``python -m tests.golden.corpus [file names without .jsonl.gz]``): it grades every frozen input
again and keeps the inputs, so the change is one of results only, listed in CHANGELOG.md under
"Grading changes". A file that does not exist yet is drawn; ``--draw`` draws the named files
anew, for when the strategies or the boundary value tables change (the generated corpora were
drawn before the strategies gave vasopressor counts, organ toxicity, ICE subtotals and CAPD
points; the ``crs_counted``, ``ice_domains`` and ``capd_points`` boundary corpora hold those).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from astct_grading.course import Course, CourseOptions, grade_course
from astct_grading.crs import CrsAssessment, CrsOptions, grade_crs
from astct_grading.icans import (
    CapdAssessment,
    IcansAssessment,
    IcansOptions,
    IceAssessment,
    grade_icans,
    score_capd,
    score_ice,
)
from astct_grading.sle import (
    DorisInput,
    LldasInput,
    Sledai2kOptions,
    SledaiChangeInput,
    SledaiVisit,
    Sri4Input,
    assess_doris_remission,
    assess_lldas,
    assess_sri4,
    change_from_baseline,
    score_sledai2k,
)
from astct_grading.strategies import Completeness, records
from tests.golden.boundary import boundary_records

GOLDEN = Path(__file__).resolve().parent / "data"

#: The scales whose corpus holds at least 20,000 distinct records.
MIN_DISTINCT = {"crs": 20_000, "icans": 20_000, "sledai": 20_000}

_SLEDAI_OPTIONS = {"more_than_two": Sledai2kOptions(arthritis_threshold="more_than_two")}


@dataclass(frozen=True)
class Corpus:
    """One corpus file: a model, its grading function, where its records come from, and the
    named option sets.

    A generated corpus (``boundary`` False) draws ``per_level`` distinct records at each
    completeness level and ``invalid`` invalid ones from ``strategies.records``, and grades every
    fifth again under each named option set. A boundary corpus takes the records of
    tests/golden/boundary.py and grades every one under each option set.
    """

    name: str
    model: type[BaseModel]
    grade: Callable[..., Any]
    per_level: int
    invalid: int
    options: Mapping[str, Any]
    boundary: bool = False

    @property
    def file(self) -> str:
        """The corpus file's name."""
        return f"{self.name}{'_boundary' if self.boundary else ''}.jsonl.gz"


CORPORA: tuple[Corpus, ...] = (
    Corpus(
        "crs",
        CrsAssessment,
        grade_crs,
        5500,
        3500,
        {"cannula_unknown": CrsOptions(unlabelled_cannula_without_flow="unknown")},
    ),
    Corpus(
        "icans",
        IcansAssessment,
        grade_icans,
        5500,
        3500,
        {"ice_from_age_8": IcansOptions(ice_min_age_years=8.0)},
    ),
    Corpus("sledai", SledaiVisit, score_sledai2k, 5500, 3500, _SLEDAI_OPTIONS),
    Corpus("ice", IceAssessment, score_ice, 700, 300, {}),
    Corpus("capd", CapdAssessment, score_capd, 700, 300, {}),
    Corpus("sledai_change", SledaiChangeInput, change_from_baseline, 700, 300, _SLEDAI_OPTIONS),
    Corpus("sri4", Sri4Input, assess_sri4, 700, 300, _SLEDAI_OPTIONS),
    Corpus("doris", DorisInput, assess_doris_remission, 700, 300, _SLEDAI_OPTIONS),
    Corpus("lldas", LldasInput, assess_lldas, 700, 300, _SLEDAI_OPTIONS),
    Corpus(
        "course",
        Course,
        grade_course,
        400,
        200,
        {"resolution_48h": CourseOptions(resolution_hours=48.0)},
    ),
    # The boundary corpora: every record sits on the cut-offs (tests/golden/boundary.py).
    Corpus(
        "crs",
        CrsAssessment,
        grade_crs,
        0,
        0,
        {"cannula_unknown": CrsOptions(unlabelled_cannula_without_flow="unknown")},
        boundary=True,
    ),
    Corpus("ice", IceAssessment, score_ice, 0, 0, {}, boundary=True),
    Corpus("capd", CapdAssessment, score_capd, 0, 0, {}, boundary=True),
    Corpus(
        "icans",
        IcansAssessment,
        grade_icans,
        0,
        0,
        {"ice_from_age_11": IcansOptions(ice_min_age_years=11.0)},
        boundary=True,
    ),
    Corpus("sledai", SledaiVisit, score_sledai2k, 0, 0, _SLEDAI_OPTIONS, boundary=True),
    Corpus("sledai_change", SledaiChangeInput, change_from_baseline, 0, 0, {}, boundary=True),
    Corpus("sri4", Sri4Input, assess_sri4, 0, 0, {}, boundary=True),
    Corpus("doris", DorisInput, assess_doris_remission, 0, 0, {}, boundary=True),
    Corpus("lldas", LldasInput, assess_lldas, 0, 0, {}, boundary=True),
    # The inputs real records carry: vasopressor counts and organ toxicity, ICE domain
    # subtotals, CAPD points (docs/crs.md, docs/icans.md).
    Corpus(
        "crs_counted",
        CrsAssessment,
        grade_crs,
        0,
        0,
        {"cannula_unknown": CrsOptions(unlabelled_cannula_without_flow="unknown")},
        boundary=True,
    ),
    Corpus("ice_domains", IceAssessment, score_ice, 0, 0, {}, boundary=True),
    Corpus("capd_points", CapdAssessment, score_capd, 0, 0, {}, boundary=True),
)


def draw(strategy: st.SearchStrategy[Any], count: int, fixed_seed: int) -> list[Any]:
    """``count`` examples of ``strategy``, drawn reproducibly (one Hypothesis version)."""
    drawn: list[Any] = []

    @seed(fixed_seed)
    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(example: Any) -> None:
        drawn.append(example)

    collect()
    return drawn


def outcome(corpus: Corpus, record: Any, option_name: str | None) -> dict[str, Any]:
    """The corpus line of one record: its result, its validation errors or its misuse error."""
    line: dict[str, Any] = {"input": record}
    if option_name is not None:
        line["options"] = option_name
    kwargs = {} if option_name is None else {"options": corpus.options[option_name]}
    try:
        result = corpus.grade(corpus.model.model_validate(record), **kwargs)
    except ValidationError as error:
        line["errors"] = [
            {"type": item["type"], "loc": list(item["loc"]), "msg": item["msg"]}
            for item in error.errors(include_url=False, include_input=False)
        ]
    except ValueError as error:
        line["misuse"] = {"type": getattr(error, "type", type(error).__name__), "msg": str(error)}
    else:
        text = result.to_json()
        line["result"] = json.loads(text)
        # The stored document is the text parsed; its compact re-dump must be the text itself,
        # so the corpus pins to_json() byte for byte (separators, UTF-8, key order, numbers).
        if json.dumps(line["result"], ensure_ascii=False, separators=(",", ":")) != text:
            raise AssertionError(f"to_json() is not compact UTF-8 JSON: {text[:300]}")
    return line


def distinct(
    strategy: st.SearchStrategy[Any], count: int, first_seed: int, seen: set[str]
) -> list[Any]:
    """``count`` examples not in ``seen`` (as JSON), drawn in batches with seeds from
    ``first_seed``; ``seen`` gains them."""
    kept: dict[str, Any] = {}
    batch_seed = first_seed
    while len(kept) < count:
        for example in draw(strategy, count, batch_seed):
            key = json.dumps(example, sort_keys=True)
            if key not in seen:
                kept.setdefault(key, example)
        batch_seed += 1000
    chosen = list(kept.items())[:count]
    seen.update(key for key, _ in chosen)
    return [example for _, example in chosen]


def lines(corpus: Corpus) -> list[dict[str, Any]]:
    """Every line of a corpus, in a fixed order."""
    names = sorted(corpus.options)
    if corpus.boundary:
        return [
            outcome(corpus, record, name)
            for record in boundary_records(corpus.name)
            for name in (None, *names)
        ]
    drawn: list[Any] = []
    seen: set[str] = set()
    levels: tuple[Completeness, ...] = ("complete", "partial", "any")
    for offset, level in enumerate(levels):
        strategy = records(corpus.model, completeness=level)
        drawn += distinct(strategy, corpus.per_level, 2019 + offset, seen)
    drawn += distinct(records(corpus.model, valid=False), corpus.invalid, 2025, seen)
    out = []
    for number, record in enumerate(drawn):
        # Every fifth record is graded again under each named option set.
        out.append(outcome(corpus, record, None))
        if number % 5 == 0:
            out.extend(outcome(corpus, record, name) for name in names)
    return out


def path(corpus: Corpus, folder: Path = GOLDEN) -> Path:
    """The corpus file of ``corpus``."""
    return folder / corpus.file


def read(corpus: Corpus, folder: Path = GOLDEN) -> list[dict[str, Any]]:
    """The lines of a corpus file, parsed."""
    return [json.loads(line) for line in read_texts(corpus, folder)]


def text(line: Mapping[str, Any]) -> str:
    """A corpus line as stored: keys in the order the record and ``to_json()`` give them, so that
    comparing texts compares results byte for byte (``1`` is not ``1.0``, key order counts)."""
    return json.dumps(line, ensure_ascii=False)


def read_texts(corpus: Corpus, folder: Path = GOLDEN) -> list[str]:
    """The stored lines of a corpus file, as text."""
    with gzip.open(path(corpus, folder), "rt", encoding="utf-8", newline="\n") as stream:
        # Lines end at "\n" only: inputs may hold U+2028, U+0085 and the like, which
        # str.splitlines would also split at.
        return stream.read().split("\n")[:-1]


def write(corpus: Corpus, target: Path, rows: list[dict[str, Any]]) -> int:
    """Write one corpus file (gzip, mtime 0 so the bytes depend on the content only)."""
    content = "".join(text(row) + "\n" for row in rows)
    with (
        open(path(corpus, target), "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as stream,
    ):
        stream.write(content.encode())
    return len(rows)


def regraded(corpus: Corpus, folder: Path = GOLDEN) -> list[dict[str, Any]]:
    """The lines of a stored corpus file with each frozen input graded again: the inputs and
    their order are kept, so a difference from the stored file is a change of results only."""
    return [outcome(corpus, line["input"], line.get("options")) for line in read(corpus, folder)]


def main(argv: list[str] | None = None) -> int:
    """Freeze the answers again (or draw corpora anew) in tests/golden/."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="corpus file names without .jsonl.gz (all)")
    parser.add_argument(
        "--draw",
        action="store_true",
        help="draw the records anew (the strategies or value tables changed) instead of "
        "grading the frozen inputs again",
    )
    args = parser.parse_args(argv)
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for corpus in CORPORA:
        if args.names and corpus.file.split(".")[0] not in args.names:
            continue
        exists = path(corpus).exists()
        rows = regraded(corpus) if exists and not args.draw else lines(corpus)
        write(corpus, GOLDEN, rows)
        how = "graded again" if exists and not args.draw else "drawn"
        print(f"{corpus.file}: {len(rows)} lines, {how}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
