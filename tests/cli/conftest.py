"""The CLI tests' fixture: ``run``, the command line in process (tests/cli/harness.py)."""

from tests.cli.harness import run  # noqa: F401
