"""A JSON syntax error gives its position in the file, not in the line.

The message names the file's line and column (``expected ident at line 2 column 31``), or ``at the
end of line 4`` when a line ends too early, in an error line (``crs``, ``course``) as in
``report``'s messages on standard error. docs/cli.md, "Output" (an error's ``msg``).
"""

from __future__ import annotations

import pytest

from tests.cli.harness import COURSE_LINE, VALID_LINE, Runner


@pytest.mark.parametrize("command", ["crs", "course"])
def test_a_json_error_names_the_files_line(run: Runner, command: str) -> None:
    valid = VALID_LINE[command]
    stdin = valid + b'{"id": "x", "hypotension": tru}\n' + valid + b'{"id": "y",\n'
    lines = run(command, stdin=stdin).lines
    assert lines[1]["error"]["errors"][0]["msg"] == (
        "Invalid JSON: expected ident at line 2 column 31"
    )
    assert lines[3]["error"]["errors"][0]["msg"] == (
        "Invalid JSON: EOF while parsing a value at the end of line 4"
    )


def test_positions_on_stderr_in_the_report(run: Runner) -> None:
    result = run("report", stdin=COURSE_LINE + b"{oops}\n")
    assert "at line 2 column 2" in result.stderr
