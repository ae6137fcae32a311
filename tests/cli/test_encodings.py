"""Input is UTF-8: a lone surrogate is one error line, and UTF-16 or UTF-32 input is refused.

A lone surrogate escaped in a string, a key or a list item (or given by a text stream) is one
``json_invalid`` error line, its id echoed as the escape, so every output line stays valid UTF-8
JSON; an escaped surrogate pair is a real character. A surrogate encoded in a CSV cell is a row that
is not UTF-8 (``unicode_decode``). UTF-16 and UTF-32, with or without a byte order mark, even a
short input, are refused as a whole (exit code 2), naming the encoding and the ``iconv`` command
that converts it. docs/cli.md, "Input", "Record ids" and "Input refused as a whole".
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from astct_grading.cli import main
from tests.cli.harness import COURSE_LINE, GOOD, GOOD_RESULT, Runner, raw_lines, write


def test_a_lone_surrogate_in_a_string_is_one_error_line_with_the_id_escaped(run: Runner) -> None:
    stdin = GOOD + b'{"id": "R1-\\uda94", "hypotension": false}\n' + GOOD
    result = run("crs", stdin=stdin)
    assert result.code == 1
    first, bad, last = raw_lines(result.stdout)
    assert bad.startswith('{"id":"R1-\\uda94","line":2,"error":{"type":"parse"')
    assert json.loads(bad)["error"]["errors"][0]["type"] == "json_invalid"
    assert json.loads(first)["line"] == 1
    assert json.loads(last)["line"] == 3


@pytest.mark.parametrize(
    "line",
    [
        b'{"\\ud800": 1, "\\ud800": 2}\n',
        b'{"id": "\\udfff"}\n',
        b'{"id": "ok", "vasopressors": ["\\ud83d"]}\n',
        b'{"id": "\\ud83d\\ude00", "hypotension": false}\n',  # a pair is a real character
    ],
)
def test_surrogates_anywhere_give_valid_json_lines(run: Runner, line: bytes) -> None:
    result = run("crs", stdin=line + GOOD)
    first, last = result.lines
    assert last["result"] == GOOD_RESULT
    assert ("result" in first) == (b"\\ude00" in line)


def test_a_lone_surrogate_from_a_text_stream_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"id": "x\ud800"}\n' + GOOD.decode()))
    assert main(["crs"]) == 1
    bad, good = [json.loads(line) for line in raw_lines(capsys.readouterr().out)]
    assert bad["error"]["errors"][0]["type"] == "json_invalid"
    assert good["result"] == GOOD_RESULT


def test_a_surrogate_encoded_in_a_csv_cell_is_not_utf8(run: Runner) -> None:
    stdin = b"id,hypotension\nR\xed\xaa\x94,true\nok,false\n"
    result = run("crs", "-", "--format", "csv", stdin=stdin)
    bad, good = result.lines
    assert bad == {
        "id": None,
        "line": 2,
        "error": {
            "type": "parse",
            "errors": [{"loc": "", "type": "unicode_decode", "msg": "the row is not valid UTF-8"}],
        },
    }
    assert good["id"] == "ok"


ENCODINGS = [
    ("utf-16", "UTF-16 (little-endian, with a byte order mark)", "iconv -f UTF-16 -t UTF-8"),
    ("utf-16-le", "UTF-16 (little-endian, no byte order mark)", "iconv -f UTF-16LE -t UTF-8"),
    ("utf-16-be", "UTF-16 (big-endian, no byte order mark)", "iconv -f UTF-16BE -t UTF-8"),
    ("utf-32", "UTF-32 (little-endian, with a byte order mark)", "iconv -f UTF-32 -t UTF-8"),
    ("utf-32-le", "UTF-32 (little-endian, no byte order mark)", "iconv -f UTF-32LE -t UTF-8"),
    ("utf-32-be", "UTF-32 (big-endian, no byte order mark)", "iconv -f UTF-32BE -t UTF-8"),
]


def encoded(text: str, codec: str) -> bytes:
    return text.encode(codec)


@pytest.mark.parametrize(("codec", "description", "convert"), ENCODINGS)
@pytest.mark.parametrize(
    ("command", "name", "text"),
    [
        ("crs", "records.jsonl", GOOD.decode() * 3),
        ("crs", "records.csv", "id,hypotension\na,true\nb,false\nc,true\n"),
        ("course", "courses.jsonl", COURSE_LINE.decode() * 3),
        ("report", "courses.jsonl", COURSE_LINE.decode() * 3),
    ],
)
def test_utf16_and_utf32_input_is_refused_with_how_to_convert_it(
    run: Runner,
    tmp_path: Path,
    codec: str,
    description: str,
    convert: str,
    command: str,
    name: str,
    text: str,
) -> None:
    path = write(tmp_path, name, encoded(text, codec))
    result = run(command, path)
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr.count("\n") == 1
    assert f"the input is {description}, not UTF-8" in result.stderr
    assert f"{convert} {path} > " in result.stderr


@pytest.mark.parametrize("bom", [b"\xfe\xff", b"\x00\x00\xfe\xff"])
def test_big_endian_byte_order_marks(run: Runner, bom: bytes) -> None:
    codec = "utf-16-be" if len(bom) == 2 else "utf-32-be"
    result = run("crs", stdin=bom + GOOD.decode().encode(codec))
    assert (result.code, result.stdout) == (2, "")
    assert "big-endian, with a byte order mark" in result.stderr
    assert "pipe it through iconv -f UTF-" in result.stderr


def test_a_short_utf16_input_is_recognised_too(run: Runner) -> None:
    assert run("crs", stdin="{".encode("utf-16-le")).code == 2
    assert run("crs", stdin="{\n".encode("utf-16-be")).code == 2
