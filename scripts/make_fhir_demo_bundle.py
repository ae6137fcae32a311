"""Generate the packaged demo FHIR Bundle: the demo cohort as FHIR R4 resources (illustrative).

The file is ``astct_grading/fhir/data/demo_bundle.json``, the packaged demo cohort
(``scripts/make_demo_cohort.py``) written by :func:`astct_grading.fhir.demo_bundle`, one Bundle
entry per line. Nothing is random, so running the script again gives the same file byte for
byte; ``tests/fhir/test_demo_file.py`` checks that it does. Run it again after the demo cohort or
the FHIR encoding changes.

Usage:
    .venv/bin/python scripts/make_fhir_demo_bundle.py          # write the file
    .venv/bin/python scripts/make_fhir_demo_bundle.py --check  # exit 1 if the file is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from astct_grading.fhir.demo import DEMO_BUNDLE_FILE, render_demo_bundle

OUTPUT = Path(__file__).resolve().parents[1] / "astct_grading" / "fhir" / "data" / DEMO_BUNDLE_FILE


def main(argv: list[str] | None = None) -> int:
    """Write the demo Bundle, or with ``--check`` report whether the file is up to date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is out of date")
    args = parser.parse_args(argv)
    text = render_demo_bundle()
    if args.check:
        current = OUTPUT.read_bytes().decode("utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT} is out of date: run scripts/make_fhir_demo_bundle.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_bytes(text.encode("utf-8"))
    print(f"wrote {OUTPUT} ({text.count(chr(10)) - 2} resources)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
