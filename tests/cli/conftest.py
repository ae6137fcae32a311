"""The CLI tests' fixtures: ``run``, the command line in process, and ``probe``, a scale that
fails every way one record can (both in tests/cli/harness.py), and Ctrl-C as a terminal delivers
it."""

import signal
from collections.abc import Iterator

import pytest

from tests.cli.harness import probe, run  # noqa: F401


@pytest.fixture(autouse=True)
def _ctrl_c_raises_keyboard_interrupt() -> Iterator[None]:
    # A suite started in the background of a non-interactive shell inherits SIGINT ignored; the
    # tests of Ctrl-C (and of an ignored one, which sets that itself) assume a terminal's default.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)
