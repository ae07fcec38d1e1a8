"""Property-based tests: whatever the input, a result or a located error, never a crash.

Generated contract files, formulas, scenarios, market data and ``--set`` values go through
the command as a user would run it. An ``internal error`` (exit 3) or a traceback fails.
CI runs the bounded "ci" profile (conftest.py); ``HYPOTHESIS_PROFILE=thorough pytest
tests/test_properties.py`` runs 100,000 examples of each.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from strategies import contract_files, formulas, market_files, scenario_files, shape, typed_literals, values
from support import ROOT, SERIES_B

from interpreter.cli import main
from interpreter.syntax import ast, parser, schema
from interpreter.syntax.parser import FormulaSyntaxError, parse_formula

TOY = ROOT / "tests" / "data" / "toy"


def clause(*args: str | Path) -> tuple[int, str]:
    """Run the command in-process: its exit code and all it printed; a crash fails the test."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main([str(a) for a in args])
    printed = out.getvalue()
    assert code in (0, 1) and "internal error" not in printed and "Traceback" not in printed, printed
    return code, printed


@contextlib.contextmanager
def folder() -> Iterator[Path]:
    """A temporary folder for one example; what was read from it is forgotten after."""
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)
    for key in [k for k in schema._CHECKED if k[0].startswith(name)]:
        del schema._CHECKED[key]
    if parser._parsed_once.cache_info().currsize > 10_000:  # long runs: keep memory bounded
        parser._parsed_once.cache_clear()


@given(formulas)
def test_a_printed_formula_parses_to_the_tree_it_was_printed_from(formula: tuple[str, tuple]) -> None:
    text, expected = formula
    node = parse_formula(text)
    assert shape(node) == expected
    for sub in ast.walk(node):  # every span holds the text of its node
        assert shape(parse_formula(text[sub.span[0]:sub.span[1]])) == shape(sub)


_TOKENS = st.sampled_from(["(", ")", "[", "]", ",", "+", "-", "×", "/", "=", "<", "not", "and", "or", "if",
                           "then", "else", "round", "up", "to cent", "total", "for each", "from", "through",
                           "x", "f", "$5", "5%", "7,500", "1,25", "shares", "days", "1999-02-30",
                           "11:59 p.m.", '"t', "“t”", "#", "\n", "1" * 150, "\x00", "é"])


@given(st.one_of(st.text(max_size=40), st.lists(_TOKENS, max_size=25).map(" ".join)))
def test_any_text_is_a_formula_or_a_syntax_error(text: str) -> None:
    with contextlib.suppress(FormulaSyntaxError):
        parse_formula(text)


_ENTRY = re.compile(r"      ([a-z_][a-z0-9_.]*): \{type: ([a-z ,]+), (value|formula|description)")


@given(contract_files(), st.data())
def test_a_contract_file_validates_or_is_a_located_error(text: str, data: st.DataObject) -> None:
    with folder() as where:
        path = where / "c.yaml"
        path.write_text(text, encoding="utf-8")
        code, printed = clause("validate", path)
        assert code == 0 or printed.startswith(f"{path}:"), printed
        entries = [m.groups() for m in map(_ENTRY.match, text.splitlines()) if m]
        if code == 0 and entries:  # evaluate every term, each input given (now and then wrongly)
            given = [f"{name}={data.draw(st.one_of(typed_literals.get(type_, values), values))}"
                     for name, type_, key in entries if key == "description"]
            code, printed = clause("eval", path, *(name for name, _, _ in entries),
                                   *(arg for value in given for arg in ("--set", value)))
            assert code == 0 or printed.startswith((f"{path}:", "error: --set")), printed
        clause("lint", path)


@given(scenario_files())
def test_a_scenario_runs_or_is_a_located_error(text: str) -> None:
    with folder() as where:
        shutil.copy(TOY / "toy_contract.yaml", where)
        path = where / "s.yaml"
        path.write_text(text, encoding="utf-8")
        code, printed = clause("run", path, "--format", "json", "--explain")
        assert code == 0 or printed.startswith(str(where)), printed
        clause("test", path)


@given(market_files())
def test_market_data_reads_or_is_a_located_error(text: str) -> None:
    with folder() as where:
        path = where / "m.csv"
        path.write_text(text, encoding="utf-8")
        code, printed = clause("eval", SERIES_B, "conversion_price", "--set", "notice_date=1999-08-02",
                               "--market", path)
        assert code == 0 or printed.startswith(str(path)) or "conversion_price" in printed, printed


#: Inputs of the Series B certificate of several types, and the terms that read them.
_INPUTS = {"notice_date": "premium", "preferred_shares": "conversion_shares", "conversion_date": "premium",
           "notice_delivered_at": "conversion_date", "fixed_conversion_price": "conversion_price",
           "listed_market": "premium"}


@given(st.sampled_from(sorted(_INPUTS)), values)
def test_a_set_value_is_taken_or_refused(name: str, value: str) -> None:
    assume("\x00" not in value)
    clause("eval", SERIES_B, _INPUTS[name], "--set", f"{name}={value}", "--set", "notice_date=1999-08-02")


@pytest.mark.parametrize("depth", [1, 50, 100, 101, 1_000])
def test_deep_nesting_of_every_kind_parses_or_is_refused(depth: int) -> None:
    kinds = (("-", ""), ("not ", ""), ("(x + ", ")"), ("abs(", ")"), ("if x then x else ", ""),
             ("round ", ""), ("x[", "]"))
    for opening, closing in kinds:
        try:
            parse_formula(opening * (depth - 1) + "x" + closing * (depth - 1))
        except parser.FormulaLimitError as exc:
            assert depth > 100 and "nests more than 100" in exc.message
        else:
            assert depth <= 100
