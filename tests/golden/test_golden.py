"""The golden corpus: every frozen input still gets exactly its frozen answer, byte for byte.

The corpus files (tests/golden/data/, written by tests/golden/corpus.py) hold inputs with the full
JSON result, the validation errors or the misuse error of each. A difference is a change of
results: either a defect, or a deliberate change that is listed in CHANGELOG.md under "Grading
changes" and frozen again with ``make golden``. Read a corpus with
``zcat tests/golden/data/crs.jsonl.gz | head``.
"""

from __future__ import annotations

import json

import pytest

from tests.golden.boundary import BUILDERS
from tests.golden.corpus import CORPORA, MIN_DISTINCT, Corpus, outcome, read_texts, text


def _id(corpus: Corpus) -> str:
    return corpus.file.removesuffix(".jsonl.gz")


@pytest.mark.parametrize("corpus", CORPORA, ids=_id)
def test_every_frozen_answer_is_unchanged(corpus: Corpus) -> None:
    # Graded inside the test (not in a fixture), so mutation testing sees which code it runs.
    stored = read_texts(corpus)
    differences = []
    for number, line in enumerate(stored, 1):
        frozen = json.loads(line)
        again = text(outcome(corpus, frozen["input"], frozen.get("options")))
        if again != line:
            differences.append((number, line, again))
    if differences:
        number, line, again = differences[0]
        pytest.fail(
            f"{len(differences)} of {len(stored)} answers differ from {corpus.file}; the first, "
            f"on line {number}:\nfrozen: {line}\nnow:    {again}"
        )


@pytest.mark.parametrize("corpus", CORPORA, ids=_id)
def test_the_corpus_is_as_large_and_as_varied_as_promised(corpus: Corpus) -> None:
    lines = [json.loads(line) for line in read_texts(corpus)]
    inputs = {json.dumps(line["input"], sort_keys=True) for line in lines}
    kinds = {next(key for key in ("result", "errors", "misuse") if key in line) for line in lines}
    assert "result" in kinds
    assert {line.get("options") for line in lines} == {None, *corpus.options}
    if corpus.boundary:
        assert len(lines) == BUILDERS[corpus.name][0] * (1 + len(corpus.options))
        return
    assert "errors" in kinds
    assert len(inputs) == 3 * corpus.per_level + corpus.invalid
    assert len(inputs) >= MIN_DISTINCT.get(corpus.name, 0)


@pytest.mark.parametrize("name", ["crs", "icans"])
def test_the_boundary_corpora_reach_every_grade_and_undetermined_ones(name: str) -> None:
    corpus = next(c for c in CORPORA if c.name == name and c.boundary)
    results = [json.loads(line) for line in read_texts(corpus)]
    grades = {line["result"]["grade"] for line in results if "result" in line}
    assert grades == {None, 0, 1, 2, 3, 4, 5}
    assert sum("result" in line for line in results) > len(results) / 2  # mostly valid
