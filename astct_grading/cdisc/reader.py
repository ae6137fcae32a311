"""Reading SDTM domains from a folder of SAS transport (.xpt), CSV or Parquet files.

One file per domain, named by the domain (``vs.xpt``, ``VS.csv``, ``cm.parquet``; any case).
CSV is read with the standard library; Parquet needs pyarrow and XPT needs pyreadstat (and
pandas), the ``cdisc`` extra, imported only when such a file is read. Every value comes back as
None (empty, missing), a string, or a float (a numeric variable); nothing else is converted here.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, cast

__all__ = ["EXTRA_HINT", "SUFFIXES", "Row", "SdtmReadError", "read_domain", "read_sdtm"]

#: One SDTM record: variable -> None, text or number.
Row = Mapping[str, "str | float | None"]

SUFFIXES = (".xpt", ".csv", ".parquet")
EXTRA_HINT = (
    "install the cdisc extra: python3 -m pip install '.[cdisc]' in a checkout of astct-grading "
    "(pandas, pyreadstat and pyarrow)"
)


class SdtmReadError(ValueError):
    """A folder or file that cannot be read as SDTM (the message says why)."""


def _clean(value: Any) -> str | float | None:
    if value is None:
        return None
    if isinstance(value, bool):  # pragma: no cover - no SDTM reader yields booleans
        return str(value)
    if isinstance(value, (int, float)):
        number = float(value)
        return None if math.isnan(number) else number
    text = str(value).strip()
    return text or None


def _rows(records: Iterable[Mapping[str, Any]]) -> list[dict[str, str | float | None]]:
    return [{str(k).upper(): _clean(v) for k, v in record.items()} for record in records]


def _read_csv(path: Path) -> list[dict[str, str | float | None]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return _rows(csv.DictReader(stream))


def _read_parquet(path: Path) -> list[dict[str, str | float | None]]:
    try:
        import pyarrow.parquet as pq  # noqa: PLC0415 - the optional extra, imported on use
    except ImportError as error:  # pragma: no cover - the test environment has the extra
        raise SdtmReadError(f"{path.name}: reading Parquet needs pyarrow; {EXTRA_HINT}") from error
    return _rows(pq.read_table(path).to_pylist())


def _read_xpt(path: Path) -> list[dict[str, str | float | None]]:
    try:
        import pyreadstat  # noqa: PLC0415 - the optional extra, imported on use
    except ImportError as error:  # pragma: no cover - the test environment has the extra
        raise SdtmReadError(f"{path.name}: reading XPT needs pyreadstat; {EXTRA_HINT}") from error
    frame, _ = pyreadstat.read_xport(str(path))
    records = cast("list[dict[str, Any]]", frame.to_dict("records"))
    return _rows(records)


def read_domain(path: Path) -> list[dict[str, str | float | None]]:
    r"""Read one domain file (.xpt, .csv or .parquet).

    Args:
        path: the file.

    Returns:
        Its records, variable names upper-cased.

    Raises:
        SdtmReadError: an unknown suffix, or a missing reader (with the install hint).

    Example:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp())
        >>> _ = (folder / "dm.csv").write_text("USUBJID,AGE\nS1,34\n", encoding="utf-8")
        >>> read_domain(folder / "dm.csv")
        [{'USUBJID': 'S1', 'AGE': '34'}]
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix == ".parquet":
        return _read_parquet(path)
    if suffix == ".xpt":
        return _read_xpt(path)
    raise SdtmReadError(f"{path.name}: not an SDTM file (.xpt, .csv or .parquet)")


def read_sdtm(folder: str | Path) -> dict[str, list[dict[str, str | float | None]]]:
    r"""Read every SDTM domain file of a folder.

    Args:
        folder: the folder, holding one file per domain named by it (``vs.xpt``, ``AE.csv``...).
            Files with other suffixes are left alone.

    Returns:
        Domain code (upper case) -> its records.

    Raises:
        SdtmReadError: the folder does not exist, holds no domain file, or holds one domain in
            two files.

    Example:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp())
        >>> _ = (folder / "dm.csv").write_text("USUBJID,AGE\nS1,34\n", encoding="utf-8")
        >>> sorted(read_sdtm(folder))
        ['DM']
    """
    root = Path(folder)
    if not root.is_dir():
        raise SdtmReadError(f"{root}: not a folder")
    files: dict[str, Path] = {}
    for path in sorted(root.iterdir()):
        if path.is_file() and path.suffix.lower() in SUFFIXES:
            domain = path.stem.upper()
            if domain in files:
                raise SdtmReadError(
                    f"{root}: domain {domain} is in two files ({files[domain].name}, "
                    f"{path.name}); keep one"
                )
            files[domain] = path
    if not files:
        raise SdtmReadError(f"{root}: no SDTM domain file (.xpt, .csv or .parquet)")
    return {domain: read_domain(path) for domain, path in files.items()}
