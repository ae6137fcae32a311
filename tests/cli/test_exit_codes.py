"""The exit codes are documented wherever they are listed: every ``--help``, ``main()``'s docstring.

Each lists 0, 1, 2, 3 (an internal error on some record; please report it) and 130 (interrupted by
Ctrl-C). docs/cli.md, "Exit codes".
"""

from __future__ import annotations

import pytest

from astct_grading.cli import main
from tests.cli.harness import Runner


@pytest.mark.parametrize("command", ["crs", "icans", "sledai", "course", "report"])
def test_every_help_lists_exit_codes_3_and_130(run: Runner, command: str) -> None:
    text = " ".join(run(command, "--help").stdout.split())
    assert "3 an internal error on some" in text
    assert "please report it" in text
    assert "130 interrupted by Ctrl-C" in text


def test_the_docstring_of_main_lists_every_exit_code() -> None:
    text = " ".join((main.__doc__ or "").split())
    for code in ("0 when", "1 when", "2 for", "3 when", "130 when"):
        assert code in text
