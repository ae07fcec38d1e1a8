"""Hostile and careless input: each kind ends in a located error naming what is wrong, in
bounded time and memory, quoting nothing of a file that is not of the kind expected.

Contracts are support.HEADER, support.PROVISION and definitions; the first definition's
formula is at support.FORMULA_LINE, FORMULA_COLUMN.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from support import CONTRACTS, HEADER, PROVISION, SERIES_B, SMALL_MARKET, definitions
from support import FORMULA_COLUMN as COLUMN
from support import FORMULA_LINE as LINE

from interpreter.evaluate import market
from interpreter.limits import (
    MAX_FILE_BYTES,
    MAX_LITERAL_DIGITS,
    MAX_SPAN_DAYS,
    MAX_STRING_CHARS,
    MAX_VALUE_DIGITS,
)
from interpreter.run import engine


def only_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


# -- size -----------------------------------------------------------------------------------

def test_a_literal_of_five_thousand_digits(contract, cli) -> None:
    path = contract(PROVISION + definitions(("x", "money", "p + $" + "9" * 5_000)))
    run = cli("validate", path)
    # "p + $" is 5 characters: the amount starts at column 19 + 4.
    assert (run.code, only_line(run.out)) == (
        1, f"{path}:{LINE}:{COLUMN + 4}: error: a number of 5,000 digits: the limit is {MAX_LITERAL_DIGITS}")


def test_a_yaml_number_of_five_thousand_digits(contract, cli) -> None:
    path = contract(PROVISION + "      x: {type: count, formula: " + "9" * 5_000 + "}\n")
    run = cli("validate", path)
    assert (run.code, only_line(run.out)) == (
        1, f"{path}:{LINE - 2}:33: error: a number of 5,000 digits: the limit is {MAX_LITERAL_DIGITS}")


def test_a_set_value_of_five_thousand_digits_is_quoted_short(contract, cli) -> None:
    path = contract(PROVISION + definitions(("x", "ratio", "n")))
    run = cli("eval", path, "x", "--set", "n=" + "9" * 5_000)
    assert (run.code, only_line(run.err)) == (
        1, f"error: --set n={'9' * 40!r}… (5,000 characters): a number of 5,000 digits: the limit is "
           f"{MAX_LITERAL_DIGITS}")


def test_a_market_cell_of_five_thousand_digits(cli, tmp_path: Path) -> None:
    csv = tmp_path / "m.csv"
    csv.write_text("date,closing_bid\n1999-07-19," + "5" * 5_000 + "\n")
    run = cli("eval", SERIES_B, "premium", "--set", "conversion_date=1999-03-01", "--market", csv)
    assert (run.code, only_line(run.err)) == (
        1, f"{csv}:2:12: error: closing_bid: a number of 5,000 digits: the limit is {MAX_LITERAL_DIGITS}")


def test_a_value_that_squares_itself_stops_at_the_limit(contract, cli) -> None:
    # n = 10^99 has 100 digits; each square doubles them: s3 = 10^792, and s4 = 10^1584 is the
    # first past 1,000 digits. s4's formula is the fifth definition, 3 × 4 lines after the first.
    squares = [("s0", "ratio", "n")] + [(f"s{i}", "ratio", f"s{i - 1} × s{i - 1}") for i in range(1, 40)]
    path = contract(PROVISION + definitions(*squares))
    run = cli("eval", path, "s39", "--set", "n=1" + "0" * 99)
    assert (run.code, only_line(run.err)) == (
        1, f"{path}:{LINE + 12}:{COLUMN}: error: a value with more than {MAX_VALUE_DIGITS:,} digits "
           "(the limit on a number computed) (in s4)")


def test_a_string_past_the_limit(contract, cli) -> None:
    path = contract(PROVISION + definitions(("x", "money", "p" + " + p" * (MAX_STRING_CHARS // 4))))
    run = cli("validate", path)
    # The scalar starts at its quote, column 18; its text is 1 + 4 × 62,500 characters.
    assert (run.code, only_line(run.out)) == (
        1, f"{path}:{LINE}:{COLUMN - 1}: error: a string of {MAX_STRING_CHARS + 1:,} characters: the limit "
           f"is {MAX_STRING_CHARS:,}")


def test_a_file_past_the_limit(tmp_path: Path, cli) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(HEADER + "# " + "x" * MAX_FILE_BYTES + "\n")
    run = cli("validate", path)
    assert (run.code, only_line(run.out)) == (
        1, f"{path}:1:1: error: larger than {MAX_FILE_BYTES:,} bytes, the limit on a file")


def test_aliases_are_refused_before_they_expand(tmp_path: Path, cli) -> None:
    # A billion laughs: nine levels of nine aliases each would be 387,420,489 strings.
    levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    path = tmp_path / "laughs.yaml"
    path.write_text(HEADER + "\n".join(levels) + "\n")
    run = cli("validate", path)
    assert run.code == 1
    first = run.out.splitlines()[0]
    # The header is three lines: b's first alias is on line 5, after "b: &b [".
    assert first == (f"{path}:5:8: error: YAML alias *a is not allowed in clause files: write the value "
                     "out where it is used")


def test_market_data_past_its_limits(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(market, "MAX_MARKET_ROWS", 3)
    rows = tmp_path / "rows.csv"
    rows.write_text("date,closing_bid\n" + "".join(f"1999-07-{d},5\n" for d in (19, 20, 21, 22)))
    run = cli("eval", SERIES_B, "premium", "--set", "conversion_date=1999-03-01", "--market", rows)
    assert only_line(run.err) == f"{rows}:5:1: error: more than 3 rows of market data: the limit on a file"
    span = tmp_path / "span.csv"
    span.write_text("date,closing_bid\n1700-01-04,5\n2099-12-31,5\n")
    run = cli("eval", SERIES_B, "premium", "--set", "conversion_date=1999-03-01", "--market", span)
    assert only_line(run.err) == (f"{span}:3:1: error: the market data runs from 1700-01-04 to 2099-12-31: "
                                  f"more than {MAX_SPAN_DAYS:,} days, the limit on a period")


def test_periods_past_the_limit(contract, cli) -> None:
    path = contract(PROVISION.replace("    definitions:\n", "    definitions:\n      daily:\n"
                                      "        type: money\n        formula: 'if day > start then p else p'\n"
                                      "        given: {day: date}\n") + definitions(
        ("accrued", "money", "total daily for each day from 0001-01-01 through 9999-12-31"),
        ("far", "date", "start + 1000000000 business days")))
    run = cli("eval", path, "accrued")
    assert only_line(run.err) == (f"{path}:{LINE + 4}:{COLUMN}: error: total over 0001-01-01 to 9999-12-31: "
                                  f"more than {MAX_SPAN_DAYS:,} days, the limit on a period (in accrued)")
    run = cli("eval", path, "far")
    assert only_line(run.err) == (f"{path}:{LINE + 7}:{COLUMN}: error: 1999-01-04 moved by 1,000,000,000 "
                                  f"business days: more than {MAX_SPAN_DAYS:,}, the limit on a period "
                                  "(in far)")


def test_an_event_that_schedules_itself_stops_at_the_limit(tmp_path: Path, cli,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "MAX_RUN_EVENTS", 50)
    (tmp_path / "c.yaml").write_text(HEADER + """\
provisions:
  T 1:
    text: quoted
    inputs:
      tick_date: {type: date, description: when}
    events:
      tick: {date: tick_date, description: a tick}
    clauses:
      again:
        on: tick
        effects:
          - schedule: tick
            on: tick_date
""")
    scenario = tmp_path / "s.yaml"
    scenario.write_text("title: s\ncontracts: [c.yaml]\nas_of: 1999-12-31\n"
                        "events:\n  - {date: 1999-01-04, event: tick}\n")
    run = cli("run", scenario)
    assert only_line(run.err) == (f"{tmp_path / 'c.yaml'}:15:23: error: again schedules tick on 1999-01-04, "
                                  "past 50 events in one run (the limit): does an event schedule itself?")


# -- files that are not files ---------------------------------------------------------------

def test_devices_pipes_and_folders_are_not_files(cli, tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    for market_data, kind in (("/dev/zero", "a device"), (pipe, "a pipe"), (tmp_path, "a folder")):
        run = cli("eval", SERIES_B, "premium", "--set", "conversion_date=1999-03-01", "--market", market_data)
        assert (run.code, only_line(run.err)) == (1, f"{market_data}:1:1: error: {kind}, not a market data "
                                                     "file")
    run = cli("validate", "/dev/zero")
    assert (run.code, only_line(run.err)) == (1, "error: /dev/zero: a device, not a file")
    os.mkfifo(tmp_path / "c.yaml")
    run = cli("validate", tmp_path)  # a pipe named like a contract, in a folder
    assert (run.code, only_line(run.out)) == (1, f"{tmp_path / 'c.yaml'}:1:1: error: a pipe, not a file")


def test_paths_named_inside_files_are_regular_files(tmp_path: Path, cli) -> None:
    os.mkfifo(tmp_path / "body.yaml")
    (tmp_path / "folder.csv").mkdir()
    variant = tmp_path / "v.yaml"
    variant.write_text(HEADER + "extends: body.yaml\n")
    run = cli("validate", variant)
    assert only_line(run.out) == f"{variant}:4:10: error: {tmp_path / 'body.yaml'}: a pipe, not a file"
    shutil.copy(SERIES_B, tmp_path / "b.yaml")
    shutil.copy(CONTRACTS / "preferred_certificate_body.yaml", tmp_path)
    scenario = tmp_path / "s.yaml"
    scenario.write_text("title: s\ncontracts: [b.yaml]\nmarket: folder.csv\nas_of: 1999-12-31\nevents: []\n")
    run = cli("run", scenario)
    assert only_line(run.err) == f"{scenario}:3:9: error: {tmp_path / 'folder.csv'}: a folder, not a file"


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder outside the one the files below are in, and outside the working folder, holding
    a file of secrets that is no contract."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "work").mkdir()
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "config.yaml").write_text("password: hunter2\napi_key: sk-12345\n")
    return secrets


def test_paths_named_inside_files_stay_in_their_folder(elsewhere: Path, tmp_path: Path, cli) -> None:
    work = tmp_path / "work"
    os.chdir(work)
    (work / "deal.yaml").write_text(HEADER + "documents: {x: ../secrets/config.yaml}\n")
    (work / "variant.yaml").write_text(HEADER + f"extends: {elsewhere / 'config.yaml'}\n")
    (work / "link.yaml").symlink_to(elsewhere / "config.yaml")
    (work / "linked.yaml").write_text(HEADER + "extends: link.yaml\n")
    (work / "s.yaml").write_text("title: s\ncontracts: [../secrets/config.yaml]\nas_of: 1999-12-31\n"
                                 "events: []\n")
    outside = ("leads outside the folder of {} and the folder Clause runs in: name a file inside them, "
               "or allow its folder with --allow-path FOLDER")
    cases = [("validate", "deal.yaml", "4:16", "../secrets/config.yaml"),
             ("validate", "variant.yaml", "4:10", str(elsewhere / "config.yaml")),
             ("validate", "linked.yaml", "4:10", "link.yaml"),  # a link that leads outside
             ("run", "s.yaml", "2:13", "../secrets/config.yaml")]
    for command, name, place, written in cases:
        run = cli(command, name)
        assert run.code == 1
        assert only_line(run.out or run.err) == f"{name}:{place}: error: {written} {outside.format(name)}"
        assert "hunter2" not in run.out + run.err


def test_a_widened_path_reads_the_file_but_quotes_nothing_of_it(elsewhere: Path, tmp_path: Path, cli) -> None:
    work = tmp_path / "work"
    os.chdir(work)
    (work / "deal.yaml").write_text(HEADER + "documents: {x: ../secrets/config.yaml}\n")
    run = cli("validate", "deal.yaml", "--allow-path", elsewhere)
    assert (run.code, only_line(run.out)) == (
        1, "../secrets/config.yaml:1:1: error: not a contract file: it has no title:, document: (a contract "
           "file is a YAML mapping with title:, document: and more)")
    (elsewhere / "key.csv").write_text("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n")
    (work / "s.yaml").write_text(f"title: s\ncontracts: [{SERIES_B}]\nmarket: ../secrets/key.csv\n"
                                 "as_of: 1999-12-31\nevents: []\n")
    run = cli("run", "s.yaml", "--allow-path", elsewhere, "--allow-path", CONTRACTS)
    assert (run.code, only_line(run.err)) == (
        1, "../secrets/key.csv:1:1: error: market data needs a 'date' column: this line is not a row of "
           "column names")
    run = cli("validate", "deal.yaml", "--allow-path", tmp_path / "nowhere")
    assert (run.code, only_line(run.err)) == (1, f"error: --allow-path {tmp_path / 'nowhere'}: no such "
                                                 "folder")


def test_a_binary_file_is_named_at_its_first_byte_that_is_not_text(tmp_path: Path, cli) -> None:
    path = tmp_path / "image.yaml"
    path.write_bytes(b"title: t\n\x89PNG\r\n\x1a\n")
    for command in ("validate", "lint"):
        run = cli(command, path)
        assert run.code == 1, command
        assert run.out.splitlines()[0] == (f"{path}:2:1: error: not UTF-8 text (byte 0x89): is it the file "
                                           "you meant?")


def test_a_control_character_is_named_where_it_is(tmp_path: Path, cli) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("title: t\nnote: a\x1fb\n")
    run = cli("validate", path)
    assert (run.code, only_line(run.out)) == (
        1, f"{path}:2:8: error: invalid YAML: control characters are not allowed (character #x001f)")


# -- empty input ----------------------------------------------------------------------------

def test_nothing_to_check_is_an_error(tmp_path: Path, cli) -> None:
    empty = tmp_path / "x.yaml"  # a folder named like a file
    empty.mkdir()
    for command in ("validate", "test", "lint", "interpretations"):
        run = cli(command, empty)
        assert (run.code, run.out, only_line(run.err)) == (
            1, "", f"error: {empty}: a folder without .yaml files: nothing to check"), command
    notes = tmp_path / "notes.md"
    notes.write_text("# Notes\n\nNothing here is a table.\n")
    run = cli("coverage", notes, CONTRACTS)
    assert (run.code, only_line(run.err)) == (
        1, f"{notes}:1:1: error: not an inventory: no table row starts with a provision id (an inventory "
           "is a Markdown table whose rows start like | COD I | ...)")
    inventory = tmp_path / "inventory.md"
    inventory.write_text("| COD I | Designation |\n")
    run = cli("coverage", inventory, CONTRACTS, "--prefix", "W")
    assert (run.code, only_line(run.err)) == (
        1, f"error: no provision ids starting with 'W' in {inventory}: nothing to cover")


def test_clause_test_reports_a_broken_file_and_goes_on(tmp_path: Path, cli) -> None:
    shutil.copytree(Path(__file__).parent / "data" / "toy", tmp_path, dirs_exist_ok=True)
    broken = tmp_path / "a-broken.yaml"
    broken.write_text("title: s\ncontracts: [toy_contract.yaml]\nmarket: /dev/zero\nas_of: 1999-12-31\n"
                      "events: []\n")
    run = cli("test", tmp_path)
    assert run.code == 1
    assert run.out.splitlines() == [
        f"FAIL {broken}",
        f"     {broken}:3:9: error: /dev/zero leads outside the folder of {broken} and the folder Clause "
        "runs in: name a file inside them, or allow its folder with --allow-path FOLDER",
        f"pass {tmp_path / 'toy_scenario.yaml'}",
        "1 passed, 1 failed"]
    run = cli("test", tmp_path, "--allow-path", "/dev")
    assert run.out.splitlines()[:2] == [f"FAIL {broken}", f"     {broken}:3:9: error: /dev/zero: a device, "
                                                           "not a file"]


def test_small_market_data_still_reads(cli) -> None:
    run = cli("eval", SERIES_B, "premium", "--set", "conversion_date=1999-03-01", "--market", SMALL_MARKET)
    assert run.code == 0


class _Terminal:
    """A terminal's stream, as a test sees it: what was written to it."""

    def __init__(self) -> None:
        self.written: list[str] = []

    def write(self, text: str) -> int:
        self.written.append(text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return True


def test_a_control_character_in_a_name_is_shown_not_acted_on(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # A holder named with an escape sequence (red text) and a backspace: on a terminal both are
    # printed as escapes, in what a run prints and in an error; a pipe gets the characters as they are.
    from interpreter.cli import main

    scenario = tmp_path / "s.yaml"
    scenario.write_text(f"""\
title: t
contracts: [{SERIES_B}]
as_of: 1999-01-31
holders: {{"\\e[31mCC\\b": {{series_b_preferred: 10}}}}
events:
  - {{date: 1999-01-04, event: transfer, from: "\\e[31mCC\\b", to: Nobody, preferred_shares: 1}}
""", encoding="utf-8")
    out, err = _Terminal(), _Terminal()
    monkeypatch.setattr("sys.stdout", out)
    monkeypatch.setattr("sys.stderr", err)
    assert main(["run", str(scenario)]) == 1
    printed = "".join(err.written)
    assert "\x1b" not in printed and "\b" not in printed
    assert "unknown holder 'Nobody'" in printed and "\\u001b[31mCC\\u0008" in printed
    pipe = _Terminal()
    pipe.isatty = lambda: False  # type: ignore[method-assign]
    monkeypatch.setattr("sys.stderr", pipe)
    assert main(["run", str(scenario)]) == 1
    assert "\x1b[31mCC\b" in "".join(pipe.written)
