"""Every shell command printed in README.md and docs/*.md runs as printed.

The convention the pages follow (docs/index.md, "Shell commands in these pages"):

* shell commands are in fenced blocks whose info string is ``console``; no ``sh``, ``bash``,
  ``shell`` or ``zsh`` blocks;
* each command is on a line starting with ``$ `` (a line ending in ``\\`` continues on the next);
  other lines of the block are output and are not checked;
* commands run from the repository root, with ``.venv/bin`` first on ``PATH``;
* a command expected to exit non-zero ends with the comment ``# exit status N``; any other exit
  status, or a Python traceback on standard error (or in the output, with ``2>&1``), fails;
* a command that cannot run in a test (this suite itself, an install into the reader's
  environment, a run of an hour) ends with ``# not run by the docs test: <reason>``. Those are
  reported as skipped tests, one per command, with the page, the line and the reason, so ``-ra``
  lists them.

Where they run: each page's commands run in order, with bash, in a fresh copy of the repository
(its files, without .git or build output), so a page can write ``> graded.jsonl`` and read it back
and nothing litters the work tree. The copy's ``.venv`` links to this interpreter's virtual
environment entry by entry, except its ``.installed-stamp``, which is a fresh file: ``make demo``
then finds the environment up to date and never reinstalls (nor writes into the real one).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SHELL_LANGUAGES = {"sh", "bash", "shell", "zsh", "shell-session", "shellsession"}
EXIT_STATUS = re.compile(r"#\s*exit status (\d+)\s*$")
NOT_RUN = re.compile(r"#\s*not run by the docs test:\s*(.*?)\s*$")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*([\w+-]*)")
TRACEBACK = "Traceback (most recent call last)"
#: Left out of the copy: version control, the environment (linked instead) and build output.
NOT_COPIED = shutil.ignore_patterns(
    ".git",
    ".venv",
    "build",
    "site",
    "dist",
    "mutants",
    "htmlcov",
    ".hypothesis",
    ".benchmarks",
    ".*_cache",
    "__pycache__",
    ".coverage*",
    "*.egg-info",
)
#: Files of the environment that must not be shared with the copy: make's install stamps.
STAMPS = {".installed-stamp", ".mutation-stamp"}


@dataclass(frozen=True)
class Command:
    """One ``$ `` command of a page."""

    page: str
    line: int
    text: str
    status: int
    not_run: str | None

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"


@dataclass(frozen=True)
class Block:
    """One fenced block: where it starts, its info string and its lines."""

    page: str
    line: int
    language: str
    lines: tuple[str, ...]


def blocks(text: str, page: str) -> list[Block]:
    """The fenced blocks of a Markdown page."""
    found: list[Block] = []
    fence: str | None = None
    language, start = "", 0
    body: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        match = FENCE.match(line)
        if fence is None:
            if match:
                fence, language, start, body = match.group(1), match.group(2), number, []
        elif match and match.group(1).startswith(fence) and not match.group(2):
            found.append(Block(page, start, language, tuple(body)))
            fence = None
        else:
            body.append(line)
    return found


def commands(block: Block) -> list[Command]:
    """The ``$ `` commands of a console block, continuation lines joined."""
    found: list[Command] = []
    pending: list[str] = []
    first = 0
    for offset, line in enumerate(block.lines, 1):
        if pending:
            pending.append(line)
        elif line.startswith("$ "):
            pending, first = [line[2:]], block.line + offset
        else:
            continue  # output
        if not line.endswith("\\"):
            text = "\n".join(pending)
            status = EXIT_STATUS.search(text)
            not_run = NOT_RUN.search(text)
            found.append(
                Command(
                    page=block.page,
                    line=first,
                    text=text,
                    status=int(status.group(1)) if status else 0,
                    not_run=not_run.group(1) if not_run else None,
                )
            )
            pending = []
    return found


def page_commands(path: Path) -> list[Command]:
    page = path.relative_to(ROOT).as_posix()
    text = path.read_text(encoding="utf-8")
    return [c for b in blocks(text, page) if b.language == "console" for c in commands(b)]


ALL = [command for path in PAGES for command in page_commands(path)]
SKIPPED = [command for command in ALL if command.not_run is not None]
RUN_PAGES = sorted({command.page for command in ALL if command.not_run is None})


def _environment(target: Path) -> None:
    """Link ``target`` (the copy's .venv) to this interpreter's virtual environment."""
    venv = Path(sys.prefix)
    target.mkdir()
    for entry in venv.iterdir():
        if entry.name not in STAMPS:
            (target / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    (target / ".installed-stamp").touch()


def repository_copy(destination: Path) -> Path:
    """A copy of the repository in which the docs' commands may write what they like."""
    if sys.prefix == sys.base_prefix:
        pytest.skip("the docs' commands run .venv/bin/...: run the tests from a virtual env")
    copy = destination / "repository"
    shutil.copytree(ROOT, copy, ignore=NOT_COPIED, symlinks=True)
    _environment(copy / ".venv")
    return copy


def failures(to_run: list[Command], cwd: Path) -> list[str]:
    """Run the commands in order in ``cwd``; say what went wrong with each one that failed."""
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    }
    found = []
    for command in to_run:
        done = subprocess.run(
            ["bash", "-c", command.text],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        problems = []
        if done.returncode != command.status:
            problems.append(f"exit status {done.returncode}, expected {command.status}")
        if TRACEBACK in done.stderr:
            problems.append("a traceback on standard error")
        elif TRACEBACK in done.stdout:  # a command may send its errors there with 2>&1
            problems.append("a traceback in its output")
        if problems:
            found.append(
                f"{command.where}: `{command.text}`: {'; '.join(problems)}\n"
                f"stdout: {done.stdout[:1000]}\nstderr: {done.stderr[-2000:]}"
            )
    return found


@pytest.mark.parametrize("page", RUN_PAGES)
def test_the_commands_of_a_page_run_as_printed(page: str, tmp_path: Path) -> None:
    copy = repository_copy(tmp_path)
    to_run = [c for c in ALL if c.page == page and c.not_run is None]
    problems = failures(to_run, copy)
    assert not problems, "\n\n".join(problems)


@pytest.mark.parametrize("command", SKIPPED, ids=[c.where for c in SKIPPED])
def test_commands_marked_not_run(command: Command) -> None:
    # Listed one by one in the summary (-ra): where, what and why it is not run.
    assert command.not_run, f"{command.where}: the not-run marker needs a reason"
    printed = NOT_RUN.sub("", command.text).rstrip()
    pytest.skip(f"{command.where}: `{printed}`: {command.not_run}")


@pytest.mark.parametrize("path", PAGES, ids=[p.relative_to(ROOT).as_posix() for p in PAGES])
def test_shell_commands_follow_the_convention(path: Path) -> None:
    page = path.relative_to(ROOT).as_posix()
    found = blocks(path.read_text(encoding="utf-8"), page)
    shell = [f"{page}:{b.line} ({b.language})" for b in found if b.language in SHELL_LANGUAGES]
    assert not shell, f"shell commands belong in ```console blocks with `$ ` lines: {shell}"
    empty = [f"{page}:{b.line}" for b in found if b.language == "console" and not commands(b)]
    assert not empty, f"console blocks without a `$ ` command: {empty}"


def test_the_readme_quick_start_is_make_demo_then_make_test() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    (block,) = [b for b in blocks(section, "README.md") if b.language == "console"]
    assert [c.text.split("#")[0].strip() for c in commands(block)] == ["make demo", "make test"]


def test_there_are_commands_to_run() -> None:
    assert "README.md" in RUN_PAGES
    assert any(c.text.startswith("make demo") for c in ALL if c.not_run is None)


# --- The checker itself --------------------------------------------------------------------

SAMPLE = """\
Some prose.

```console
$ true
$ printf 'out\\n'
out
$ false  # exit status 1
$ false
$ python3 -c 'raise ValueError("boom")'  # exit status 1
$ exit 3  # exit status 2
$ python3 -c 'raise ValueError("boom")' 2>&1  # exit status 1
$ printf '%s\\n' \\
    continued
$ echo never  # not run by the docs test: an example of the marker
```

```python
$ not a command: a python block
```
"""


def test_the_checker_reads_commands_statuses_and_markers() -> None:
    (block, python) = blocks(SAMPLE, "sample.md")
    assert (block.language, block.line, python.language) == ("console", 3, "python")
    found = commands(block)
    assert [(c.line, c.status, c.not_run) for c in found] == [
        (4, 0, None),
        (5, 0, None),
        (7, 1, None),
        (8, 0, None),
        (9, 1, None),
        (10, 2, None),
        (11, 1, None),
        (12, 0, None),
        (14, 0, "an example of the marker"),
    ]
    assert found[7].text == "printf '%s\\n' \\\n    continued"


def test_the_checker_reports_wrong_statuses_and_tracebacks(tmp_path: Path) -> None:
    (block, _) = blocks(SAMPLE, "sample.md")
    found = failures([c for c in commands(block) if c.not_run is None], tmp_path)
    assert [problem.split(":", 2)[1] for problem in found] == ["8", "9", "10", "11"]
    assert "exit status 1, expected 0" in found[0]
    assert "a traceback on standard error" in found[1]
    assert "exit status 3, expected 2" in found[2]
    assert "a traceback in its output" in found[3]


def test_a_copy_shares_the_environment_but_not_its_stamp(tmp_path: Path) -> None:
    copy = repository_copy(tmp_path)
    assert (copy / "README.md").read_bytes() == (ROOT / "README.md").read_bytes()
    assert not (copy / ".git").exists()
    stamp = copy / ".venv" / ".installed-stamp"
    assert stamp.is_file()
    assert not stamp.is_symlink()
    done = subprocess.run(
        [
            str(copy / ".venv" / "bin" / "python"),
            "-c",
            "import sys, astct_grading; print(sys.prefix)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == str(copy / ".venv")
