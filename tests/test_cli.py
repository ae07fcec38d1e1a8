"""The ``clause`` command: exit codes, output formats, and errors without tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from support import CONTRACTS, ROOT, SERIES_B, SMALL_MARKET

BROKEN = """\
provisions:
  T 1:
    text: q
    definitions:
      x: {type: money, formula: "$1.00 + 2 shares"}
"""


def test_validate_clean_contracts(cli) -> None:
    run = cli("validate", CONTRACTS)
    assert run.code == 0
    assert run.out.startswith("ok: ") and run.out.count("\n") == 1
    assert run.err == ""


def test_validate_reports_path_line_column(cli, contract) -> None:
    path = contract(BROKEN)
    run = cli("validate", path)
    assert run.code == 1
    # line 8 of the file; the formula starts at column 34, inside the quotes
    assert run.out.splitlines() == [f"{path}:8:34: error: cannot add shares to money"]
    assert "1 error in 1 file" in run.err


def test_validate_json_and_github_formats(cli, contract) -> None:
    path = contract(BROKEN)
    run = cli("validate", path, "--format", "json")
    assert run.code == 1
    assert run.json() == [{"path": str(path), "line": 8, "column": 34, "severity": "error",
                           "message": "cannot add shares to money"}]
    run = cli("validate", path, "--format", "github")
    assert run.out.strip() == f"::error file={path},line=8,col=34::cannot add shares to money"
    assert cli("validate", CONTRACTS, "--format", "json").json() == []


def test_validate_a_folder_with_a_broken_yaml_file(cli, tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("title: [unclosed\n")
    run = cli("validate", tmp_path)
    assert run.code == 1
    assert run.out.startswith(f"{tmp_path / 'bad.yaml'}:2:1: error: invalid YAML")


def test_usage_errors_exit_2(cli) -> None:
    assert cli().code == 2
    assert cli("validate").code == 2
    assert cli("validate", "no/such/path").code == 2
    assert cli("eval", SERIES_B, "premium", "--set", "novalue").code == 2
    assert cli("frobnicate").code == 2


def test_eval_json_values_are_strings(cli) -> None:
    run = cli("eval", SERIES_B, "conversion_shares", "premium", "conversion_date", "face_amount",
              "--set", "notice_date=1999-03-01", "--set", "preferred_shares=1000",
              "--format", "json")
    assert run.code == 0, run.err
    assert run.json() == {"conversion_shares": "167828", "premium": "12",
                          "conversion_date": "1999-03-01", "face_amount": "1000"}


def test_eval_text_output(cli) -> None:
    run = cli("eval", SERIES_B, "conversion_shares", "fixed_conversion_price",
              "--set", "notice_date=1999-03-01", "--set", "preferred_shares=1,000")
    assert run.out.splitlines() == ["conversion_shares = 167,828 shares",
                                    "fixed_conversion_price = $6.03 per share"]


def test_eval_repeating_decimal_in_json(cli) -> None:
    # 888/73 = 12.164383561643835616438356…: JSON shows 20 places.
    run = cli("eval", SERIES_B, "premium", "--set", "conversion_date=1999-03-01",
              "--interpret", "premium_days=closing_date_included", "--format", "json")
    assert run.json() == {"premium": "12.16438356164383561644"}


def test_explain_shows_sources_quotes_and_steps(cli) -> None:
    run = cli("eval", SERIES_B, "conversion_shares", "--set", "notice_date=1999-08-02",
              "--set", "preferred_shares=1000", "--market", SMALL_MARKET, "--explain")
    assert run.code == 0, run.err
    text = run.out
    assert text.startswith("conversion_shares = 230,366 shares  [COD IV.A, COD IV.E]")
    assert "premium_days = 227 days  [COD III.F]  (interpretation, reading 'closing_date_excluded')" in text
    assert "(trading days 1999-07-19 to 1999-07-30)" in text
    assert "variable_conversion_price = $4.5029166667… per share  [COD III.G]" in text
    assert '"FIXED CONVERSION PRICE" means $6.03' in text


def test_explain_json(cli) -> None:
    run = cli("eval", SERIES_B, "premium", "--set", "conversion_date=1999-03-01",
              "--format", "json", "--explain")
    tree = run.json()["premium"]
    assert tree["value"] == "12" and tree["source"] == ["COD III.F"]
    used = {u["term"]: u for u in tree["uses"]}
    assert used["premium_days"]["reading"] == "closing_date_excluded"
    assert used["premium_days"]["uses"][0]["origin"] == "given"


def test_input_errors_exit_1_with_one_line(cli) -> None:
    cases = [
        (["eval", SERIES_B, "premum"], "unknown term 'premum'"),
        (["eval", SERIES_B, "premium", "--set", "conversion_date=1999-02-30"], "not a date"),
        (["eval", SERIES_B, "premium", "--set", "conversion_date=$5"], "the value is money"),
        (["eval", SERIES_B, "conversion_shares", "--set", "notice_date=1999-03-01"],
         "missing input preferred_shares"),
        (["eval", SERIES_B, "variable_conversion_price", "--set", "conversion_date=1999-08-02"],
         "market data"),
        (["eval", SERIES_B, "premium", "--interpret", "premium_days=both"], "no such reading"),
        (["eval", SERIES_B, "premium", "--interpret", "nothing=x"], "not an interpretation"),
        (["eval", SERIES_B, "premium", "--market", "no-such.csv"], "no such market data file"),
    ]
    for args, message in cases:
        run = cli(*args)
        assert run.code == 1, args
        assert message in run.err, (args, run.err)
        assert "Traceback" not in run.err
        assert len(run.err.strip().splitlines()) == 1, run.err


def test_market_data_errors_point_at_the_csv(cli, tmp_path: Path) -> None:
    market = tmp_path / "bad.csv"
    market.write_text("date,closing_bid\n1999-07-19,5.00\n1999-07-20,five\n")
    run = cli("eval", SERIES_B, "premium", "--set", "conversion_date=1999-03-01",
              "--market", market)
    assert run.code == 1
    assert run.err.strip() == f"{market}:3:12: error: closing_bid: not a number: 'five'"


def test_evaluation_error_points_into_the_contract(cli, tmp_path: Path) -> None:
    market = tmp_path / "gap.csv"
    days = ["1999-07-19", "1999-07-20", "1999-07-22", "1999-07-23", "1999-07-26", "1999-07-27",
            "1999-07-28", "1999-07-29", "1999-07-30", "1999-08-02"]
    market.write_text("date,closing_bid\n" + "".join(f"{d},5\n" for d in days))
    run = cli("eval", SERIES_B, "conversion_price", "--set", "conversion_date=1999-08-02",
              "--market", market)
    assert run.code == 1
    warning, line = run.err.strip().splitlines()
    assert warning.startswith(f"{market}:1:1: warning: no data for 1999-07-21")
    # the formula is written in the body the Series B file extends: the error points there
    assert line.startswith(f"{CONTRACTS / 'preferred_certificate_body.yaml'}:")
    assert "has no data for 1999-07-21" in line and "(in variable_conversion_price)" in line


def test_interpretations_doc_is_current(cli) -> None:
    run = cli("interpretations", CONTRACTS, "--format", "markdown")
    expected = run.out.replace(str(CONTRACTS) + "/", "contracts/")
    assert (ROOT / "docs" / "interpretations.md").read_text(encoding="utf-8") == expected, (
        "regenerate: clause interpretations contracts/ --format markdown > docs/interpretations.md")


def test_interpretations_listing(cli) -> None:
    run = cli("interpretations", CONTRACTS / "preferred_certificate_body.yaml")
    assert run.code == 0
    assert "* closing_date_excluded: conversion_date - closing_date" in run.out


def test_clause_test_without_expectations_fails(cli, tmp_path: Path) -> None:
    # A scenario with no expect: block checks nothing, and a folder with no scenario has nothing
    # to test: neither is a pass.
    scenario = tmp_path / "s.yaml"
    scenario.write_text(f"title: t\ncontracts: [{SERIES_B}]\nas_of: 1999-09-30\nevents: []\n",
                        encoding="utf-8")
    run = cli("test", tmp_path)
    assert run.code == 1
    assert run.out.splitlines() == [
        f"FAIL {scenario}",
        f"     {scenario}:1:1: error: no expect: block, so nothing to check: add what the run should "
        "give, worked by hand",
        "0 passed, 1 failed"]
    empty = tmp_path / "empty"
    empty.mkdir()
    run = cli("test", empty)
    assert (run.code, run.out.strip()) == (1, "")
    assert run.err.strip() == f"error: {empty}: a folder without .yaml files: nothing to check"
    (empty / "c.yaml").write_text(SERIES_B.read_text(encoding="utf-8"), encoding="utf-8")
    run = cli("test", empty)
    assert (run.code, run.out.strip()) == (1, "0 passed, 0 failed")
    assert run.err.strip() == f"error: no scenario files in {empty}: nothing to test"


def test_the_console_script_ends_at_once_with_its_output_flushed_and_its_code(tmp_path: Path) -> None:
    # The script skips Python's ending (console() calls os._exit): what it printed must still reach
    # a pipe whole, on both streams, with the command's exit code.
    def console(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", "from interpreter.cli import console; console()", *args],
                              cwd=ROOT, capture_output=True, text=True, check=False)

    done = console("eval", "contracts/series_b_certificate.yaml", "conversion_shares", "--set",
                   "notice_date=1999-08-02", "--set", "preferred_shares=1000", "--market",
                   "examples/closing-bids-MADE-UP.csv")
    assert (done.returncode, done.stdout, done.stderr) == (0, "conversion_shares = 206,053 shares\n", "")
    run = console("run", "examples/scenarios/05-late-delivery-default.yaml", "--format", "json")
    assert run.returncode == 0 and run.stdout.rstrip().endswith("}")  # the whole JSON document
    missing = console("eval", str(tmp_path / "none.yaml"), "x")
    assert missing.returncode == 1 and missing.stderr.startswith("error: ") and missing.stdout == ""
