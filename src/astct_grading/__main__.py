"""``python -m astct_grading``: the command-line tool."""

import sys

from astct_grading.cli import main

sys.exit(main())
