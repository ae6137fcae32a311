"""The docs stay true to the code: decisions present, cited tests exist, pages linked."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
DECISION_IDS = [f"D{n}" for n in (*range(1, 12), *range(13, 21))]


def _test_names() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "tests").rglob("*.py"):
        names.update(re.findall(r"^\s*def (test_\w+)", path.read_text(encoding="utf-8"), re.M))
    return names


@pytest.mark.parametrize("decision", DECISION_IDS)
def test_every_decision_is_documented(decision: str) -> None:
    page = (DOCS / "decisions.md").read_text(encoding="utf-8")
    assert re.search(rf"^### {decision} ", page, re.M), decision


@pytest.mark.parametrize("page", sorted(p.name for p in DOCS.glob("*.md")))
def test_tests_cited_in_the_docs_exist(page: str) -> None:
    text = (DOCS / page).read_text(encoding="utf-8")
    cited = set(re.findall(r"`(test_\w+)(?![\w.])", text))  # not a file: `test_crs.py`
    defined_here = set(re.findall(r"def (test_\w+)", text))  # a page's own runnable example
    missing = {
        name
        for name in cited - defined_here
        if not name.endswith("_") and name not in _test_names()
    }
    # A trailing "_*" pattern (e.g. `test_*_attributed_...`) names a family, not one test.
    assert not missing, f"{page} cites tests that do not exist: {sorted(missing)}"


@pytest.mark.parametrize("page", sorted(p.name for p in DOCS.glob("*.md") if p.name != "index.md"))
def test_every_page_is_linked_from_the_index(page: str) -> None:
    assert f"({page})" in (DOCS / "index.md").read_text(encoding="utf-8")


def test_result_decision_ids_are_documented() -> None:
    from astct_grading import grade_crs

    result = grade_crs({"temperature": {"value": 37.0, "unit": "C"}, "death_due_to_crs": None})
    page = (DOCS / "decisions.md").read_text(encoding="utf-8")
    for decision in result.decisions:
        assert f"### {decision} " in page


def test_no_install_command_names_the_package_on_an_index() -> None:
    # The package is installed from a checkout (it is not on a package index), so a command like
    # ``pip install astct-grading`` or ``pip install 'astct-grading[strategies]'`` cannot work.
    pattern = re.compile(r"pip install\s+['\"]?astct-grading")
    places = [ROOT / "README.md", *DOCS.glob("*.md"), *(ROOT / "astct_grading").rglob("*.py")]
    offending = [str(p.relative_to(ROOT)) for p in places if pattern.search(p.read_text("utf-8"))]
    assert not offending


def test_every_file_the_docs_name_exists() -> None:
    pages = [ROOT / "README.md", ROOT / "CHANGELOG.md", *DOCS.glob("*.md")]
    pattern = re.compile(r"(?<![\w/.])((?:tests|astct_grading|benchmarks|scripts)/[\w/]+\.\w+)")
    named = {
        (page.relative_to(ROOT).as_posix(), path)
        for page in pages
        if page.name != "CHANGELOG.md"  # the changelog names files as they were then
        for path in pattern.findall(page.read_text(encoding="utf-8"))
    }
    missing = sorted((page, path) for page, path in named if not (ROOT / path).exists())
    assert not missing, f"pages name files that do not exist: {missing}"


def test_no_file_holds_an_unresolved_merge() -> None:
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.split()
    if not tracked:
        pytest.skip("not a git checkout: nothing tracked to check")
    marker = re.compile(r"^(<{7}|>{7})( |$)|^={7}$", re.M)
    text_files = [ROOT / name for name in tracked if Path(name).suffix in _TEXT_SUFFIXES]
    unresolved = [
        str(path.relative_to(ROOT))
        for path in text_files
        if path.is_file() and marker.search(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert not unresolved, f"merge conflict markers in {unresolved}"


_TEXT_SUFFIXES = frozenset({".md", ".py", ".toml", ".txt", ".cfg", ".json", ".csv", ".mk", ""})
