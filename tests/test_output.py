"""What Clause puts out: the same bytes for the same inputs, whatever the hash seed; files
written whole or not at all."""

from __future__ import annotations

import enum
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import json_values
from support import PROVISION, ROOT, definitions

from interpreter import files
from interpreter.display import decimal_text
from interpreter.rational import Fraction
from interpreter.report.json_text import json_text

#: Commands whose output goes through sets and dicts of names: diagnostics of several kinds,
#: lint's findings across documents, a deal's run and a derivation.
COMMANDS = """\
import contextlib, io, sys
from interpreter.cli import main
for command in {commands!r}:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(command)
    sys.stdout.write(f"== {{command}} {{code}}\\n{{out.getvalue()}}")
"""


def test_output_is_the_same_whatever_the_hash_seed(contract) -> None:
    broken = contract(PROVISION + definitions(
        ("a", "money", "b + p + unknown_name"), ("b", "money", "c"), ("c", "money", "a + b"),
        ("d", "money", "p + yes"), ("e", "date", "start + p"), ("f", "money", "premum")))
    commands = [
        ["validate", str(broken)],
        ["lint", "contracts/", "--format", "json"],
        ["run", "examples/scenarios/deal/01-second-closing-to-maturity.yaml", "--format", "json"],
        ["eval", "contracts/series_b_certificate.yaml", "conversion_shares",
         "--set", "notice_date=1999-08-02", "--set", "preferred_shares=1000",
         "--market", "examples/closing-bids-MADE-UP.csv", "--explain", "--format", "json"],
    ]
    script = COMMANDS.format(commands=commands)
    outputs = [subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout
               for seed in ("1", "4242")]
    assert outputs[0] == outputs[1]
    text = outputs[0].decode()
    assert "circular definition: a → b → c → a" in text  # the commands did run
    assert '"conversion_shares"' in text and "== ['lint'" in text


def test_a_file_is_written_whole(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    files.write_atomically(target, "first\n")
    assert target.read_text() == "first\n"
    os.chmod(target, 0o640)
    files.write_atomically(target, "second\n")
    assert target.read_text() == "second\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # written again, it keeps its permissions
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]  # no temporary file left


def test_a_file_that_fails_to_be_written_is_left_as_it_was(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.md"
    target.write_text("before\n")

    def interrupted(src: str, dst: str) -> None:
        raise KeyboardInterrupt  # the user presses Ctrl-C just before the rename

    monkeypatch.setattr(files.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        files.write_atomically(target, "after\n" * 100_000)
    assert target.read_text() == "before\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


def test_decimal_text_by_hand() -> None:
    assert decimal_text(Fraction(603, 100)) == ("6.03", True)
    assert decimal_text(Fraction(-1, 8)) == ("-0.125", True)  # 2³: three places
    assert decimal_text(Fraction(5)) == ("5", True)
    assert decimal_text(Fraction(1, 3)) == ("0.33333333333333333333", False)  # twenty places, rounded
    assert decimal_text(Fraction(-2, 3)) == ("-0.66666666666666666667", False)


@given(st.integers(-10**30, 10**30), st.integers(0, 40), st.integers(0, 40))
def test_a_terminating_decimal_is_written_in_full_with_no_digit_more(numerator: int, twos: int,
                                                                     fives: int) -> None:
    value = Fraction(numerator, 2**twos * 5**fives)
    text, exact = decimal_text(value)
    assert exact and Fraction(text) == value
    assert "." not in text or not text.endswith("0")


@given(json_values)
def test_json_text_is_what_json_dumps_writes(value: object) -> None:
    assert json_text(value) == json.dumps(value, indent=2)


class _Colour(enum.IntEnum):
    RED = 1


class _Text(str):
    pass


def test_json_text_writes_subclasses_and_raises_as_json_dumps_does() -> None:
    value = {_Text("a"): [_Colour.RED, _Text("b"), True], 2.5: {"x": (1, [])}, None: {}}
    assert json_text(value) == json.dumps(value, indent=2)
    circular: list[object] = []
    circular.append(circular)
    for bad, error in [({"a": Fraction(1, 3)}, TypeError), ({(1, 2): 3}, TypeError), (circular, ValueError)]:
        with pytest.raises(error) as raised:
            json_text(bad)
        with pytest.raises(error) as expected:
            json.dumps(bad, indent=2)
        assert str(raised.value) == str(expected.value)
