"""The criteria tables by their public names: each is the table its function builds.

Each table of criteria/ is built on first use by a cached function (``crs_criteria()``,
``icans_criteria()``, ``descriptors()``, ``doris_criteria()``, ``lldas_criteria()``,
``sri4_criteria()``), so that mutation testing builds it again (docs/mutation.md, "Tables and
caches"); its public name (``CRS_CRITERIA``...) reads that table on each access (PEP 562).
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import pytest

from astct_grading.criteria import crs, icans, sledai2k

TABLES: list[tuple[ModuleType, str, Callable[[], object]]] = [
    (crs, "CRS_CRITERIA", crs.crs_criteria),
    (icans, "ICANS_CRITERIA", icans.icans_criteria),
    (sledai2k, "DESCRIPTORS", sledai2k.descriptors),
    (sledai2k, "DORIS_CRITERIA", sledai2k.doris_criteria),
    (sledai2k, "LLDAS_CRITERIA", sledai2k.lldas_criteria),
    (sledai2k, "SRI4_CRITERIA", sledai2k.sri4_criteria),
]


@pytest.mark.parametrize(("module", "name", "build"), TABLES, ids=[t[1] for t in TABLES])
def test_the_public_name_is_the_table_its_function_builds(
    module: ModuleType, name: str, build: Callable[[], object]
) -> None:
    assert getattr(module, name) is build()
    assert name in module.__all__
    assert build.__name__ in module.__all__
    assert name in dir(module)
    exported: dict[str, object] = {}
    exec(f"from {module.__name__} import *", exported)  # a star import, as users write it
    assert exported[name] is build()


@pytest.mark.parametrize("module", [crs, icans, sledai2k], ids=lambda module: module.__name__)
def test_any_other_name_is_an_attribute_error(module: ModuleType) -> None:
    message = f"module '{module.__name__}' has no attribute 'TABLE'"
    with pytest.raises(AttributeError, match=message):
        _ = module.TABLE
