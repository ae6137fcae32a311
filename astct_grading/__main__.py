"""``python -m astct_grading``: the command-line tool."""

import sys

from astct_grading.cli import main

if __name__ == "__main__":
    sys.exit(main())
