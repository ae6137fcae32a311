"""The package as installed: public API, typing marker, version, optional imports."""

from __future__ import annotations

import ast
import subprocess
import sys
from importlib import metadata, resources
from pathlib import Path

import astct_grading
from astct_grading.errors import ERROR_TYPES, MISUSE_TYPES


def test_version_is_single_sourced() -> None:
    assert astct_grading.__version__ == metadata.version("astct-grading")


def test_py_typed_is_shipped() -> None:
    assert resources.files("astct_grading").joinpath("py.typed").is_file()


def test_public_names_exist() -> None:
    for name in astct_grading.__all__:
        assert hasattr(astct_grading, name), name


def test_import_pulls_in_no_optional_dependency() -> None:
    code = (
        "import sys, astct_grading; "
        "bad = [m for m in ('hypothesis', 'pytest', 'numpy') if m in sys.modules]; "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_error_types_are_documented() -> None:
    from pathlib import Path

    page = (Path(__file__).resolve().parents[2] / "docs" / "errors.md").read_text(encoding="utf-8")
    for error_type in [*ERROR_TYPES, *MISUSE_TYPES]:
        assert f"`{error_type}`" in page, error_type


def test_all_matches_the_lazy_exports() -> None:
    from astct_grading import _EXPORTS

    assert sorted(astct_grading.__all__) == sorted([*_EXPORTS, "__version__"])
    assert set(dir(astct_grading)) == set(astct_grading.__all__)


def test_unknown_attribute_raises_attribute_error() -> None:
    import pytest

    with pytest.raises(AttributeError, match="no attribute 'grade_everything'"):
        _ = astct_grading.grade_everything


def test_library_code_holds_no_assert_statement() -> None:
    # An assert is skipped under ``python -O``: the library checks what it relies on with real
    # errors, or a test pins it (an invariant of the criteria tables, say).
    package = Path(astct_grading.__file__).parent
    found = [
        f"{path.relative_to(package)}:{node.lineno}"
        for path in sorted(package.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Assert)
    ]
    assert found == []
